// nnk_bench_network: the training steps and epochs users run, against the FMA peak re-measured in each round.
//
//   train_step/<net>/m:<batch>/<optimizer>/threads:T   one Network::train_step (Adam; SGD for the nets that had it)
//   fit/<net>/m:<batch>/adam/threads:T                 an epoch of nnk::fit over 8192 examples, per step
// T = 1 and every core (nnk::num_threads() at start). The nets are tools/measure/network_cases.cpp's.
//
// Counters: us_per_step; GFLOPS (2 m (3 W - W[0]) per step); peak_frac against an FMA peak measured on T threads
// right before the benchmark's own timing (each repetition measures its own: with --benchmark_repetitions=N and
// --benchmark_enable_random_interleaving=true the rounds of all rows interleave, and the medians are the figures).
// For fit rows, fit_overhead is the epoch's time per step over the train_step row's, measured in the same round.
//
//   fork/gap_us:G/work_us:W/threads:T   what a step's fork and join costs: after G us on the calling thread alone
//                                        (the serial part between two regions), T chunks of W us of spinning each,
//                                        as nnk forks (a task_arena of T slots, simple_partitioner). overhead_us is
//                                        the time over W; a large G lets TBB's workers fall asleep first.
//
// Options: Google Benchmark's (--benchmark_filter, --benchmark_repetitions, --benchmark_format=json, ...).
#include <benchmark/benchmark.h>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "measure/network_cases.hpp"
#include "measure/peak_measurement.hpp"
#include "nnk/cpu.hpp"
#include "nnk/network.hpp"
#include "nnk/train.hpp"

namespace nnk_bench {
namespace {

using nnk_measure::NetworkCase;

constexpr std::int64_t kFitExamples = 8192;

// A short peak measurement: the FMA peak drifts by tens of percent from minute to minute on shared hosts.
double peak_now(int threads) {
  nnk_measure::PeakTable table;
  table.measure(nnk::active_isa(), threads);
  return table.flops_per_second(nnk::active_isa(), threads);
}

double step_seconds(nnk::Network& net, const nnk::Matrix& x, const nnk::Matrix& y, const nnk::Optimizer& optimizer,
                    int steps) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < steps; ++i) benchmark::DoNotOptimize(net.train_step(x, y, optimizer));
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / steps;
}

void register_step(const NetworkCase& c, const char* optimizer_name, const nnk::Optimizer& optimizer, int threads) {
  const std::string name = "train_step/" + c.name + "/" + optimizer_name + "/threads:" + std::to_string(threads);
  benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& state) {
    const nnk::ScopedNumThreads scoped(threads);
    nnk::Network net(c.spec);
    nnk::Matrix x, y;
    nnk_measure::fill_batch(c, x, y);
    for (int warm_up = 0; warm_up < 3; ++warm_up) net.train_step(x, y, optimizer);  // buffers, optimizer state
    const double peak = peak_now(threads);
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state) benchmark::DoNotOptimize(net.train_step(x, y, optimizer));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double per_step = seconds / static_cast<double>(state.iterations());
    const double flops = nnk_measure::flops_per_step(c);
    state.counters["us_per_step"] = per_step * 1e6;
    state.counters["GFLOPS"] = flops / per_step * 1e-9;
    state.counters["peak_frac"] = flops / per_step / peak;
  })->UseRealTime()->Unit(benchmark::kMicrosecond);
}

// One epoch of fit per iteration, without validation; compared with bare steps on the same batch size.
void register_fit(const NetworkCase& c, int threads) {
  const std::string name = "fit/" + c.name + "/adam/threads:" + std::to_string(threads);
  benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& state) {
    const nnk::ScopedNumThreads scoped(threads);
    const nnk::Adam adam{.learning_rate = 1e-4f};
    NetworkCase data_case = c;
    data_case.batch = kFitExamples;
    nnk::Matrix x, y;
    nnk_measure::fill_batch(data_case, x, y);
    nnk::Network net(c.spec);
    const nnk::FitOptions options{.epochs = 1, .batch_size = c.batch, .seed = 1};
    nnk::fit(net, x, y, adam, options);  // warm-up: buffers, optimizer state
    nnk::Matrix xb, yb;
    nnk_measure::fill_batch(c, xb, yb);
    const std::int64_t steps = (kFitExamples + c.batch - 1) / c.batch;
    double fit_seconds = 0, bare_seconds = 0;
    for (auto _ : state) {
      const auto start = std::chrono::steady_clock::now();
      nnk::fit(net, x, y, adam, options);
      fit_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      state.PauseTiming();
      bare_seconds += step_seconds(net, xb, yb, adam, static_cast<int>(steps)) * static_cast<double>(steps);
      state.ResumeTiming();
    }
    const double per_step = fit_seconds / static_cast<double>(state.iterations() * steps);
    state.counters["us_per_step"] = per_step * 1e6;
    state.counters["fit_overhead"] = fit_seconds / bare_seconds - 1.0;
  })->UseRealTime()->Unit(benchmark::kMillisecond);
}

void spin_for(double microseconds) {
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() < microseconds) {
  }
}

void register_fork(int gap_us, int work_us, int threads) {
  const std::string name = "fork/gap_us:" + std::to_string(gap_us) + "/work_us:" + std::to_string(work_us) +
                           "/threads:" + std::to_string(threads);
  benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& state) {
    tbb::task_arena arena(threads);
    double fork_seconds = 0;
    for (auto _ : state) {
      spin_for(gap_us);
      const auto start = std::chrono::steady_clock::now();
      arena.execute([&] {
        tbb::parallel_for(
            tbb::blocked_range<int>(0, threads, 1), [&](const tbb::blocked_range<int>&) { spin_for(work_us); },
            tbb::simple_partitioner());
      });
      fork_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    state.counters["overhead_us"] = fork_seconds / static_cast<double>(state.iterations()) * 1e6 - work_us;
  })->Unit(benchmark::kMicrosecond);
}

int run(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const int all = nnk::num_threads();
  std::vector<int> thread_counts{1};
  if (all > 1) thread_counts.push_back(all);
  benchmark::AddCustomContext("nnk_active_isa", std::string(nnk::to_string(nnk::active_isa())));
  benchmark::AddCustomContext("nnk_threads_all", std::to_string(all));

  for (const NetworkCase& c : nnk_measure::user_network_cases()) {
    const bool has_sgd_row = c.name.starts_with("784-512-256-1") || c.name.starts_with("2-16-16-1");
    for (int threads : thread_counts) {
      register_step(c, "adam", nnk::Adam{.learning_rate = 1e-4f}, threads);
      if (has_sgd_row) register_step(c, "sgd", nnk::Sgd{.learning_rate = 0.01f}, threads);
    }
  }
  for (const NetworkCase& c : nnk_measure::user_network_cases())
    if (c.name.starts_with("784-256-128-10"))
      for (int threads : thread_counts) register_fit(c, threads);

  if (all > 1)
    for (int gap_us : {0, 20, 100, 1000})
      for (int work_us : {2, 10, 50}) register_fork(gap_us, work_us, all);

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace
}  // namespace nnk_bench

int main(int argc, char** argv) { return nnk_bench::run(argc, argv); }
