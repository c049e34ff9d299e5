// nnk_bench_network: whole training steps of nnk::Network, as a fraction of the FMA peak measured in the same run.
//
//   train_step/784-512-256-1/sgd/threads:T    ReLU hidden layers, sigmoid + binary cross-entropy, m = 256,
//                                              T = 1, 2 threads. Reported: peak_frac (target >= 0.8 on 2 threads),
//                                              GFLOPS and us_per_step. FLOPs per step: 2 m (3 W - W[0]): forward,
//                                              dZ and dW GEMMs of every layer, no dZ for the inputs.
//   train_step/784-512-256-1/adam/threads:T    the same with Adam (dW materialized, a separate update pass)
//   train_step/2-16-16-1-tanh/sgd/threads:1   the tiny net at m = 64: fixed costs per step (target <= 5 us)
//
// Options: Google Benchmark's (--benchmark_filter, --benchmark_min_time=0.5, --benchmark_format=json, ...).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "measure/peak_measurement.hpp"
#include "nnk/cpu.hpp"
#include "nnk/network.hpp"

namespace nnk_bench {
namespace {

struct NetworkCase {
  std::string name;
  nnk::NetworkSpec spec;
  std::int64_t batch;
};

NetworkCase wide_case() {
  return {"784-512-256-1",
          {.inputs = 784,
           .layers = {{.units = 512, .activation = nnk::Activation::ReLU},
                      {.units = 256, .activation = nnk::Activation::ReLU},
                      {.units = 1, .activation = nnk::Activation::Sigmoid}},
           .loss = nnk::Loss::BinaryCrossEntropy,
           .seed = 1},
          256};
}

NetworkCase tiny_case() {
  return {"2-16-16-1-tanh",
          {.inputs = 2,
           .layers = {{.units = 16, .activation = nnk::Activation::Tanh},
                      {.units = 16, .activation = nnk::Activation::Tanh},
                      {.units = 1, .activation = nnk::Activation::Sigmoid}},
           .loss = nnk::Loss::BinaryCrossEntropy,
           .seed = 1},
          64};
}

// 2 m (3 * weights - first layer's weights): every layer has a forward, a dW and (except the first) a dZ GEMM.
double flops_per_step(const NetworkCase& c) {
  double weights = 0, first = 0;
  std::int64_t fan_in = c.spec.inputs;
  for (const nnk::LayerSpec& layer : c.spec.layers) {
    const double w = static_cast<double>(layer.units) * static_cast<double>(fan_in);
    if (weights == 0) first = w;
    weights += w;
    fan_in = layer.units;
  }
  return 2.0 * static_cast<double>(c.batch) * (3.0 * weights - first);
}

// Deterministic inputs in [-1, 1) and 0/1 labels (a fixed batch: the step's cost does not depend on the values).
void fill_batch(nnk::Matrix& x, nnk::Matrix& y) {
  std::uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<float>(state >> 40) * 0x1.0p-23f - 1.0f;
  };
  for (std::int64_t j = 0; j < x.cols(); ++j) {
    for (std::int64_t i = 0; i < x.rows(); ++i) x(i, j) = next();
    for (std::int64_t i = 0; i < y.rows(); ++i) y(i, j) = next() > 0 ? 1.0f : 0.0f;
  }
}

void register_step(const NetworkCase& c, const char* optimizer_name, const nnk::Optimizer& optimizer, int threads,
                   double peak) {
  const std::string name = "train_step/" + c.name + "/" + optimizer_name + "/threads:" + std::to_string(threads);
  benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& state) {
    const nnk::ScopedNumThreads scoped(threads);
    nnk::Network net(c.spec);
    nnk::Matrix x(c.spec.inputs, c.batch), y(c.spec.layers.back().units, c.batch);
    fill_batch(x, y);
    for (int warm_up = 0; warm_up < 3; ++warm_up) net.train_step(x, y, optimizer);  // buffers, optimizer state
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state) benchmark::DoNotOptimize(net.train_step(x, y, optimizer));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double per_step = seconds / static_cast<double>(state.iterations());
    const double flops = flops_per_step(c);
    state.counters["us_per_step"] = per_step * 1e6;
    state.counters["GFLOPS"] = flops / per_step * 1e-9;
    state.counters["peak_frac"] = flops / per_step / peak;
  })->UseRealTime()->Unit(benchmark::kMicrosecond);
}

int run(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  const nnk::Isa isa = nnk::active_isa();
  benchmark::AddCustomContext("nnk_active_isa", std::string(nnk::to_string(isa)));
  nnk_measure::PeakTable peaks;
  for (int threads : {1, 2}) {
    peaks.measure(isa, threads);
    const double rate = peaks.flops_per_second(isa, threads);
    const std::string key = "fma_peak_threads_" + std::to_string(threads);
    benchmark::AddCustomContext(key, std::to_string(rate * 1e-9) + " GFLOP/s");
    std::cerr << key << ": " << rate * 1e-9 << " GFLOP/s (" << nnk::to_string(isa) << ")\n";
  }

  const NetworkCase wide = wide_case(), tiny = tiny_case();
  for (int threads : {1, 2})
    register_step(wide, "sgd", nnk::Sgd{.learning_rate = 0.01f}, threads, peaks.flops_per_second(isa, threads));
  for (int threads : {1, 2})
    register_step(wide, "adam", nnk::Adam{.learning_rate = 1e-4f}, threads, peaks.flops_per_second(isa, threads));
  register_step(tiny, "sgd", nnk::Sgd{.learning_rate = 0.01f}, 1, peaks.flops_per_second(isa, 1));

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace
}  // namespace nnk_bench

int main(int argc, char** argv) { return nnk_bench::run(argc, argv); }
