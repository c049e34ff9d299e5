#include "gemm_benchmarks.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

namespace nnk_bench {

using nnk_measure::GemmBackend;
using nnk_measure::GemmOperands;
using nnk_measure::GemmShape;
using nnk_measure::PeakTable;
using nnk_measure::ReferenceRates;

namespace {

void run_gemm(benchmark::State& state, const GemmBackend& backend, const GemmShape& shape, int threads,
              double peak_rate, double reference_rate) {
  GemmOperands operands(shape);  // allocated and filled outside the timed loop
  double seconds = 0;
  backend.with_threads(threads, [&] {
    backend.multiply(operands);  // not timed: starts thread pools, allocates packing buffers
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state) {
      backend.multiply(operands);
      benchmark::DoNotOptimize(operands.c.data());
      benchmark::ClobberMemory();
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  });

  const double flops = nnk_measure::gemm_flops(shape);
  using benchmark::Counter;
  state.counters["FLOPS"] = Counter(flops, Counter::kIsIterationInvariantRate, Counter::kIs1000);
  // The ratios come from the loop's own wall-clock time (the same span Google Benchmark times): as rate counters
  // they would be right too, but printed as "0.93/s".
  const double rate = flops * static_cast<double>(state.iterations()) / seconds;
  state.counters["peak_frac"] = rate / peak_rate;
  if (reference_rate > 0) state.counters["speedup_vs_ref"] = rate / reference_rate;
}

}  // namespace

void register_gemm_benchmarks(const std::vector<GemmBackend>& backends, const std::vector<GemmShape>& shapes,
                              const std::vector<int>& thread_counts, const PeakTable& peaks,
                              const ReferenceRates& reference_rates) {
  for (const GemmBackend& backend : backends) {
    for (const GemmShape& shape : shapes) {
      for (int threads : thread_counts) {
        if (!backend.runs(shape, threads)) continue;
        const double peak_rate = peaks.flops_per_second(backend.ceiling, threads);
        const double reference_rate = reference_rates.flops_per_second(shape);
        const std::string name = backend.name() + "/" + nnk_measure::transposes(shape);
        benchmark::RegisterBenchmark(name.c_str(),
                                     [=](benchmark::State& state) {
                                       run_gemm(state, backend, shape, threads, peak_rate, reference_rate);
                                     })
            ->Args({shape.m, shape.n, shape.k, threads})
            ->ArgNames({"M", "N", "K", "threads"})
            ->UseRealTime();
      }
    }
  }
}

}  // namespace nnk_bench
