// nnk_bench_fused: a layer's GEMM with its elementwise work fused into the epilogue, against the same GEMM followed
// by a separate pass over memory, and against the plain GEMM alone, on the layer shapes of the SGEMM benchmark.
//
//   forward   Z = W * A_prev (1024 x 256 x 784, NN), then A = g(Z + b)
//   backward  dZ_prev = (W^T * dZ) o g'(A_prev) (784 x 256 x 1024, TN), then db_prev = rowsum(dZ_prev) / m
//
// Counter x_plain = this benchmark's time / the plain GEMM's time on the same shape. Every iteration runs the plain
// GEMM and then the variant, each timed on its own (manual time = the variant's), so that both see the same machine
// state on a shared, noisy host; the target reads directly: fused x_plain <= 1.05.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "nnk/nnk.hpp"

namespace {

struct Layer {
  nnk::Trans trans_a;
  std::int64_t m, n, k;
  nnk::Matrix a, b, c, other, bias, db;
};

Layer make_layer(nnk::Trans trans_a, std::int64_t m, std::int64_t n, std::int64_t k) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  auto random = [&](std::int64_t r, std::int64_t c) {
    nnk::Matrix x(r, c);
    for (std::int64_t j = 0; j < c; ++j)
      for (std::int64_t i = 0; i < r; ++i) x(i, j) = uniform(rng);
    return x;
  };
  Layer l{trans_a, m, n, k, trans_a == nnk::Trans::No ? random(m, k) : random(k, m), random(k, n), nnk::Matrix(m, n),
          random(m, n), random(m, 1), nnk::Matrix(m, 1)};
  // `other` plays an activation output A_prev: keep it in (0, 1) so every derivative is meaningful.
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = 0; i < m; ++i) l.other(i, j) = 0.5f + 0.5f * l.other(i, j) * 0.99f;
  return l;
}

void plain_gemm(Layer& l) {
  nnk::sgemm(l.trans_a, nnk::Trans::No, 1.0f, l.a, l.b, 0.0f, l.c);
}

enum class Kind { Plain, Fused, Separate };

void forward(Layer& l, nnk::Activation g, Kind kind) {
  if (kind == Kind::Fused) {
    nnk::GemmEpilogue e{.bias = l.bias.data(), .activation = g};
    nnk::sgemm(l.trans_a, nnk::Trans::No, l.m, l.n, l.k, 1.0f, l.a.data(), l.a.ld(), l.b.data(), l.b.ld(), 0.0f,
               l.c.data(), l.c.ld(), e);
    return;
  }
  plain_gemm(l);
  if (kind == Kind::Separate) nnk::bias_activation_forward(g, l.c, l.bias, l.c);
}

void backward(Layer& l, nnk::Activation g, Kind kind) {
  const float inv_m = 1.0f / static_cast<float>(l.n);
  if (kind == Kind::Fused) {
    nnk::GemmEpilogue e{.derivative_of = l.other.data(), .derivative_ld = l.other.ld(), .derivative_activation = g,
                        .row_sums = l.db.data(), .row_sums_scale = inv_m};
    nnk::sgemm(l.trans_a, nnk::Trans::No, l.m, l.n, l.k, 1.0f, l.a.data(), l.a.ld(), l.b.data(), l.b.ld(), 0.0f,
               l.c.data(), l.c.ld(), e);
    return;
  }
  plain_gemm(l);
  if (kind == Kind::Separate) {
    nnk::activation_backward(g, l.other, l.c, l.c);
    nnk::bias_gradient(l.c, inv_m, l.db);
  }
}

const char* kind_name(Kind kind) {
  return kind == Kind::Plain ? "plain_gemm" : kind == Kind::Fused ? "fused" : "gemm_then_pass";
}

void register_layer(const std::string& direction, nnk::Trans trans_a, std::int64_t m, std::int64_t n, std::int64_t k,
                    int threads) {
  auto layer = std::make_shared<Layer>(make_layer(trans_a, m, n, k));
  const bool is_forward = direction == "forward";
  for (nnk::Activation g : {nnk::Activation::ReLU, nnk::Activation::Sigmoid, nnk::Activation::Tanh})
    for (Kind kind : {Kind::Plain, Kind::Fused, Kind::Separate}) {
      if (kind == Kind::Plain && g != nnk::Activation::ReLU) continue;  // one plain row per shape
      const std::string name = direction + "/" + kind_name(kind) +
                               (kind == Kind::Plain ? "" : "/" + std::string(nnk::to_string(g))) +
                               "/M:" + std::to_string(m) + "/N:" + std::to_string(n) + "/K:" + std::to_string(k) +
                               "/threads:" + std::to_string(threads);
      benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& state) {
        using Clock = std::chrono::steady_clock;
        nnk::ScopedNumThreads scope(threads);
        double plain_seconds = 0, variant_seconds = 0;
        for (auto _ : state) {
          auto start = Clock::now();
          plain_gemm(*layer);
          benchmark::ClobberMemory();
          plain_seconds += std::chrono::duration<double>(Clock::now() - start).count();
          start = Clock::now();
          if (is_forward)
            forward(*layer, g, kind);
          else
            backward(*layer, g, kind);
          benchmark::ClobberMemory();
          const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
          variant_seconds += seconds;
          state.SetIterationTime(seconds);
        }
        state.counters["FLOPS"] = benchmark::Counter(2.0 * m * n * k, benchmark::Counter::kIsIterationInvariantRate,
                                                     benchmark::Counter::kIs1000);
        state.counters["x_plain"] = variant_seconds / plain_seconds;
      })->UseManualTime()->Unit(benchmark::kMicrosecond);
    }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  for (int threads : {1, 2}) {
    register_layer("forward", nnk::Trans::No, 1024, 256, 784, threads);
    register_layer("backward", nnk::Trans::Yes, 784, 256, 1024, threads);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
