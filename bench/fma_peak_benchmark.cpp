#include "fma_peak_benchmark.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "measure/peak_measurement.hpp"

namespace nnk_bench {

void register_fma_peak_benchmark(nnk::Isa isa, int threads, double startup_peak) {
  const std::string name = "fma_peak/" + std::string(nnk::to_string(isa));
  benchmark::RegisterBenchmark(name.c_str(),
                               [=](benchmark::State& state) {
                                 using Clock = std::chrono::steady_clock;
                                 const nnk::ScopedIsa use_isa(isa);
                                 // ~20 ms per iteration, so that starting the threads (tens of us) is noise.
                                 const std::int64_t rounds = nnk_measure::peak_loop_rounds_for(0.02);
                                 double flops = 0;
                                 const auto start = Clock::now();
                                 for (auto _ : state)
                                   flops = nnk_measure::run_peak_loop_on_threads(threads, rounds).flops;
                                 const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
                                 state.counters["FLOPS"] = benchmark::Counter(
                                     flops, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
                                 // A plain ratio, timed like the GEMMs' (gemm_benchmarks.cpp).
                                 state.counters["peak_frac"] =
                                     flops * static_cast<double>(state.iterations()) / seconds / startup_peak;
                               })
      ->Arg(threads)
      ->ArgName("threads")
      ->UseRealTime();
}

}  // namespace nnk_bench
