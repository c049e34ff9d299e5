// Registers the GEMM benchmarks: every backend on every shape it runs, at every thread count.
#pragma once

#include <vector>

#include "measure/gemm_backend.hpp"
#include "measure/peak_measurement.hpp"
#include "measure/reference_rates.hpp"

namespace nnk_bench {

// Names read "<library>/<isa>/<transposes>/M:m/N:n/K:k/threads:t/real_time"; registered backend by backend, so that
// one library's idle worker threads disturb the next library's runs at most once. Each benchmark reports
//   FLOPS           2mnk per call as a rate counter (UseRealTime: wall-clock, right for multi-threaded code);
//   peak_frac       that rate over the FMA peak of the backend's ceiling ISA at the same thread count;
//   speedup_vs_ref  that rate over nnk::ref::sgemm's startup rate, on the shapes the reference runs.
void register_gemm_benchmarks(const std::vector<nnk_measure::GemmBackend>& backends,
                              const std::vector<nnk_measure::GemmShape>& shapes, const std::vector<int>& thread_counts,
                              const nnk_measure::PeakTable& peaks, const nnk_measure::ReferenceRates& reference_rates);

}  // namespace nnk_bench
