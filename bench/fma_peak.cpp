#include "fma_peak.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "nnk/peak.hpp"

namespace nnk_bench {

namespace {

using Clock = std::chrono::steady_clock;

struct PeakRun {
  double flops = 0;
  double seconds = 0;
  double rate() const { return flops / seconds; }
};

// Runs the peak loop on `threads` new threads started together. The time spans the earliest start to the latest
// finish, so thread creation and join are not counted and a late starter lowers the rate, as it should.
PeakRun run_on_threads(int threads, std::int64_t rounds) {
  std::vector<Clock::time_point> starts(threads);
  std::vector<Clock::time_point> ends(threads);
  std::vector<double> flops(threads);
  std::latch ready(threads);
  {
    std::vector<std::jthread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        ready.arrive_and_wait();
        starts[t] = Clock::now();
        flops[t] = nnk::run_fma_peak_loop(rounds);
        ends[t] = Clock::now();
      });
    }
  }
  PeakRun run;
  for (double f : flops) run.flops += f;
  run.seconds = std::chrono::duration<double>(*std::max_element(ends.begin(), ends.end()) -
                                              *std::min_element(starts.begin(), starts.end()))
                    .count();
  return run;
}

// Rounds of the active ISA's peak loop that take about `seconds` on one thread.
std::int64_t rounds_for(double seconds) {
  constexpr std::int64_t kProbeRounds = 1 << 20;  // a few ms at any ISA: long enough to time, short enough to waste
  nnk::run_fma_peak_loop(kProbeRounds);           // warm up: the core may need to wake its wide units
  const auto start = Clock::now();
  nnk::run_fma_peak_loop(kProbeRounds);
  const double probe = std::chrono::duration<double>(Clock::now() - start).count();
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(seconds / probe * kProbeRounds));
}

}  // namespace

void PeakTable::measure(nnk::Isa isa, int threads) {
  constexpr int kRuns = 5;
  const nnk::ScopedIsa use_isa(isa);  // run_fma_peak_loop uses the active ISA
  const std::int64_t rounds = rounds_for(0.05);
  // The best run, not the median: other load on the machine only ever lowers a run, so the best one is the closest
  // to the ceiling (on a shared machine the median of 5 came out up to 15% low).
  double best = 0;
  for (int r = 0; r < kRuns; ++r) best = std::max(best, run_on_threads(threads, rounds).rate());
  rates_[{isa, threads}] = best;
}

double PeakTable::flops_per_second(nnk::Isa isa, int threads) const { return rates_.at({isa, threads}); }

void register_fma_peak_benchmark(nnk::Isa isa, int threads, double startup_peak) {
  const std::string name = "fma_peak/" + std::string(nnk::to_string(isa));
  benchmark::RegisterBenchmark(name.c_str(),
                               [=](benchmark::State& state) {
                                 const nnk::ScopedIsa use_isa(isa);
                                 // ~20 ms per iteration, so that starting the threads (tens of us) is noise.
                                 const std::int64_t rounds = rounds_for(0.02);
                                 double flops = 0;
                                 const auto start = Clock::now();
                                 for (auto _ : state) flops = run_on_threads(threads, rounds).flops;
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
