// nnk_bench_gemm: nnk::sgemm against its FMA peak, its reference and, when found, OpenBLAS and oneDNN, in one run.
//
// Startup, before any benchmark runs: measure the FMA peak per ISA and thread count, check every backend's result
// against nnk::ref::sgemm, time the reference on the shapes it runs. Then register and run the benchmarks.
#include <benchmark/benchmark.h>
#include <sched.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "fma_peak_benchmark.hpp"
#include "gemm_benchmarks.hpp"
#include "measure/gemm_backend.hpp"
#include "measure/gemm_shapes.hpp"
#include "measure/peak_measurement.hpp"
#include "measure/reference_rates.hpp"
#include "measure/result_check.hpp"
#include "options.hpp"

namespace nnk_bench {
namespace {

using nnk_measure::benchmark_shapes;
using nnk_measure::check_results;
using nnk_measure::GemmBackend;
using nnk_measure::GemmShape;
using nnk_measure::nnk_backend;
using nnk_measure::PeakTable;
using nnk_measure::peer_backends;
using nnk_measure::reference_backend;
using nnk_measure::ReferenceRates;

// CPUs this process may run on (taskset): more threads than that share cores, and every figure drops.
int cpus_available() {
  cpu_set_t set;
  return sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
}

std::string gflops(double rate) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f GFLOP/s", rate * 1e-9);
  return text;
}

std::vector<GemmBackend> all_backends(const Options& options) {
  std::vector<GemmBackend> backends;
  for (nnk::Isa isa : options.isas) backends.push_back(nnk_backend(isa));
  backends.push_back(reference_backend());
  for (GemmBackend& peer : peer_backends()) backends.push_back(std::move(peer));
  return backends;
}

// Peaks for every ceiling a backend uses (the nnk ISAs benchmarked and the CPU's best ISA) at every thread count.
PeakTable measure_peaks(const std::vector<GemmBackend>& backends, const std::vector<int>& thread_counts) {
  std::vector<nnk::Isa> ceilings;
  for (const GemmBackend& backend : backends)
    if (std::find(ceilings.begin(), ceilings.end(), backend.ceiling) == ceilings.end())
      ceilings.push_back(backend.ceiling);
  PeakTable peaks;
  for (nnk::Isa isa : ceilings) {
    for (int threads : thread_counts) {
      peaks.measure(isa, threads);
      const std::string key = "fma_peak_" + std::string(nnk::to_string(isa)) + "_threads_" + std::to_string(threads);
      const std::string value = gflops(peaks.flops_per_second(isa, threads));
      benchmark::AddCustomContext(key, value);
      std::cerr << key << ": " << value << "\n";
      register_fma_peak_benchmark(isa, threads, peaks.flops_per_second(isa, threads));
    }
  }
  return peaks;
}

int run(int argc, char** argv) {
  const Options options = take_options(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  for (int threads : options.threads)
    if (threads > cpus_available())
      std::cerr << "warning: " << threads << " threads on " << cpus_available() << " CPUs: cores will be shared\n";

  const std::vector<GemmBackend> backends = all_backends(options);
  benchmark::AddCustomContext("nnk_active_isa", std::string(nnk::to_string(nnk::active_isa())));
  for (const GemmBackend& peer : peer_backends()) benchmark::AddCustomContext(peer.library + "_kernels", peer.isa);
  const char* coretype = std::getenv("OPENBLAS_CORETYPE");
  benchmark::AddCustomContext("OPENBLAS_CORETYPE", coretype != nullptr ? coretype : "(unset)");

  if (!check_results(backends, std::cerr)) {
    std::cerr << "nnk_bench_gemm: a backend computes a wrong product; not benchmarking\n";
    return 1;
  }

  const PeakTable peaks = measure_peaks(backends, options.threads);
  const std::vector<GemmShape> shapes = benchmark_shapes();
  ReferenceRates reference_rates;
  reference_rates.measure(reference_backend(), shapes);
  register_gemm_benchmarks(backends, shapes, options.threads, peaks, reference_rates);

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace
}  // namespace nnk_bench

int main(int argc, char** argv) {
  try {
    return nnk_bench::run(argc, argv);
  } catch (const std::exception& error) {  // nnk::Error (e.g. a bad NNK_ISA), bad options
    std::cerr << "nnk_bench_gemm: " << error.what() << "\n";
    return 1;
  }
}
