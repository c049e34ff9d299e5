// nnk_bench_fused: a layer's GEMM with its elementwise work fused into the epilogue, against the same GEMM followed
// by a separate pass over memory, and against the plain GEMM alone, on the layer shapes of the SGEMM benchmark.
//
//   forward   Z = W * A_prev (1024 x 256 x 784, NN), then A = g(Z + b)
//   backward  dZ_prev = (W^T * dZ) o g'(A_prev) (784 x 256 x 1024, TN), then db_prev = rowsum(dZ_prev) / m
//   update    dW = (1/m) dZ * A_prev^T (1024 x 784 x 256, NT), then the SGD step W -= lr (dW + l2 W); fused, the
//             step is the GEMM itself: W = (1 - lr l2) W - (lr/m) dZ * A_prev^T (alpha and beta)
//
// Counter x_plain = this benchmark's time / the plain GEMM's time on the same shape. Every iteration runs the plain
// GEMM and then the variant, each timed on its own (manual time = the variant's), so that both see the same machine
// state on a shared, noisy host; the target reads directly: fused x_plain <= 1.05.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "nnk/nnk.hpp"

namespace {

struct Layer {
  nnk::Trans trans_a, trans_b;
  std::int64_t m, n, k;
  nnk::Matrix a, b, c, other, bias, db;
};

Layer make_layer(nnk::Trans trans_a, nnk::Trans trans_b, std::int64_t m, std::int64_t n, std::int64_t k) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  auto random = [&](std::int64_t r, std::int64_t c) {
    nnk::Matrix x(r, c);
    for (std::int64_t j = 0; j < c; ++j)
      for (std::int64_t i = 0; i < r; ++i) x(i, j) = uniform(rng);
    return x;
  };
  Layer l{trans_a, trans_b, m, n, k, trans_a == nnk::Trans::No ? random(m, k) : random(k, m),
          trans_b == nnk::Trans::No ? random(k, n) : random(n, k), nnk::Matrix(m, n), random(m, n), random(m, 1),
          nnk::Matrix(m, 1)};
  // `other` plays an activation output A_prev: keep it in (0, 1) so every derivative is meaningful.
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = 0; i < m; ++i) l.other(i, j) = 0.5f + 0.5f * l.other(i, j) * 0.99f;
  return l;
}

// The layer's GEMM alone; for the update, dW = (1/m) dZ * A_prev^T.
void plain_gemm(Layer& l) {
  const float alpha = l.trans_b == nnk::Trans::Yes ? 1.0f / static_cast<float>(l.k) : 1.0f;
  nnk::sgemm(l.trans_a, l.trans_b, alpha, l.a, l.b, 0.0f, l.c);
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

// `other` plays W (m x n), c dW. The learning rate is small enough that W stays in range over many iterations.
constexpr float kLearningRate = 1e-6f, kL2 = 1e-4f;

void update(Layer& l, Kind kind) {
  if (kind == Kind::Fused) {
    const float m = static_cast<float>(l.k);
    nnk::sgemm(l.trans_a, l.trans_b, -kLearningRate / m, l.a, l.b, 1.0f - kLearningRate * kL2, l.other);
    return;
  }
  plain_gemm(l);
  if (kind == Kind::Separate)
    nnk::sgd_update(l.other, l.c, nnk::MatrixView(), nnk::Sgd{.learning_rate = kLearningRate}, {.l2 = kL2});
}

const char* kind_name(Kind kind) {
  return kind == Kind::Plain ? "plain_gemm" : kind == Kind::Fused ? "fused" : "gemm_then_pass";
}

void register_variant(const std::string& direction, const std::shared_ptr<Layer>& layer, nnk::Activation g, Kind kind,
                      int threads) {
  const std::int64_t m = layer->m, n = layer->n, k = layer->k;
  const bool has_activation = direction != "update";
  const std::string name = direction + "/" + kind_name(kind) +
                           (kind == Kind::Plain || !has_activation ? "" : "/" + std::string(nnk::to_string(g))) +
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
      if (direction == "forward")
        forward(*layer, g, kind);
      else if (direction == "backward")
        backward(*layer, g, kind);
      else
        update(*layer, kind);
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

void register_layer(const std::string& direction, nnk::Trans trans_a, nnk::Trans trans_b, std::int64_t m,
                    std::int64_t n, std::int64_t k, int threads) {
  auto layer = std::make_shared<Layer>(make_layer(trans_a, trans_b, m, n, k));
  register_variant(direction, layer, nnk::Activation::Identity, Kind::Plain, threads);  // one plain row per shape
  if (direction == "update") {
    for (Kind kind : {Kind::Fused, Kind::Separate}) register_variant(direction, layer, nnk::Activation::Identity, kind, threads);
    return;
  }
  for (nnk::Activation g : {nnk::Activation::ReLU, nnk::Activation::Sigmoid, nnk::Activation::Tanh})
    for (Kind kind : {Kind::Fused, Kind::Separate}) register_variant(direction, layer, g, kind, threads);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  for (int threads : {1, 2}) {
    register_layer("forward", nnk::Trans::No, nnk::Trans::No, 1024, 256, 784, threads);
    register_layer("backward", nnk::Trans::Yes, nnk::Trans::No, 784, 256, 1024, threads);
    register_layer("update", nnk::Trans::No, nnk::Trans::Yes, 1024, 784, 256, threads);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
