// nnk-demo: what nnk sees on this machine, and every kernel run once on a small case.
//
// Prints the ISA and thread count in use, measures the FMA peak, runs each reference kernel, and checks nnk::sgemm
// against nnk::ref::sgemm before timing it against the peak. Exits non-zero if a check fails.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <random>
#include <string>

#include "nnk/nnk.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

nnk::Matrix random_matrix(std::int64_t rows, std::int64_t cols, std::mt19937& rng) {
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  nnk::Matrix m(rows, cols);
  for (std::int64_t j = 0; j < cols; ++j)
    for (std::int64_t i = 0; i < rows; ++i) m(i, j) = uniform(rng);
  return m;
}

// GFLOP/s of the FMA peak loop on this thread: the best of a few 20 ms runs.
double measure_peak_gflops() {
  double best = 0;
  for (int run = 0; run < 5; ++run) {
    const auto start = Clock::now();
    const double flops = nnk::run_fma_peak_loop(2'000'000);
    best = std::max(best, flops / seconds_since(start) * 1e-9);
  }
  return best;
}

void print_reference_kernels(std::mt19937& rng) {
  std::printf("\nReference kernels (nnk::ref, sums in double) on a 4 x 3 case:\n");
  const nnk::Matrix z = random_matrix(4, 3, rng);
  const nnk::Matrix bias = random_matrix(4, 1, rng);
  nnk::Matrix a(4, 3), derivative(4, 3), dz(4, 3), db(4, 1);
  for (nnk::Activation g : {nnk::Activation::Identity, nnk::Activation::Sigmoid, nnk::Activation::Tanh,
                            nnk::Activation::ReLU, nnk::Activation::Softmax}) {
    nnk::ref::bias_activation_forward(g, z, bias, a);
    std::printf("  forward %-9s a(0,0) = %+.6f", std::string(nnk::to_string(g)).c_str(), a(0, 0));
    if (g != nnk::Activation::Softmax) {
      nnk::ref::activation_derivative(g, a, derivative);
      std::printf("   g'(0,0) = %+.6f", derivative(0, 0));
    }
    std::printf("\n");
  }
  nnk::Matrix y(4, 3);
  for (std::int64_t j = 0; j < 3; ++j) y(j % 4, j) = 1.0f;  // one-hot targets
  for (nnk::Loss loss : {nnk::Loss::BinaryCrossEntropy, nnk::Loss::CategoricalCrossEntropy,
                         nnk::Loss::MeanSquaredError}) {
    const double cost = nnk::ref::loss_and_delta(loss, z, y, dz);
    std::printf("  loss %-24s J = %.6f   delta(0,0) = %+.6f\n", std::string(nnk::to_string(loss)).c_str(), cost,
                dz(0, 0));
  }
  nnk::ref::bias_gradient(dz, 1.0f / 3.0f, db);
  std::printf("  bias gradient                  db(0) = %+.6f\n", db(0, 0));
  nnk::Matrix w = random_matrix(4, 3, rng), velocity(4, 3), m1(4, 3), m2(4, 3);
  const float w00 = w(0, 0);
  nnk::ref::sgd_update(w, dz, velocity, nnk::Sgd{.learning_rate = 0.1f, .momentum = 0.9f}, {.l1 = 0, .l2 = 1e-3f});
  std::printf("  sgd (momentum 0.9, l2)         w(0,0): %+.6f -> %+.6f\n", w00, w(0, 0));
  const float w00_before_adam = w(0, 0);
  nnk::ref::adam_update(w, dz, m1, m2, 1, nnk::Adam{}, {});
  std::printf("  adam step 1                    w(0,0): %+.6f -> %+.6f\n", w00_before_adam, w(0, 0));
}

// nnk::sgemm against the reference on an awkward shape, then timed on a square one.
bool check_and_time_sgemm(std::mt19937& rng, double peak_gflops) {
  const std::int64_t m = 123, n = 77, k = 301;
  const nnk::Matrix a = random_matrix(k, m, rng), b = random_matrix(k, n, rng);
  nnk::Matrix c(m, n), expected(m, n);
  nnk::sgemm(nnk::Trans::Yes, nnk::Trans::No, 1.0f, a, b, 0.0f, c);
  nnk::ref::sgemm(nnk::Trans::Yes, nnk::Trans::No, m, n, k, 1.0f, a.data(), a.ld(), b.data(), b.ld(), 0.0f,
                  expected.data(), expected.ld());
  double worst = 0;
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = 0; i < m; ++i) worst = std::max(worst, double(std::fabs(c(i, j) - expected(i, j))));
  const bool ok = worst < 1e-4;
  std::printf("\nnnk::sgemm %lld x %lld x %lld (A transposed) vs nnk::ref::sgemm: max |difference| = %.2e  %s\n",
              static_cast<long long>(m), static_cast<long long>(n), static_cast<long long>(k), worst,
              ok ? "OK" : "FAILED");

  const std::int64_t s = 1024;
  const nnk::Matrix x = random_matrix(s, s, rng), yb = random_matrix(s, s, rng);
  nnk::Matrix out(s, s);
  nnk::ScopedNumThreads one_thread(1);
  double best = 1e30;
  for (int run = 0; run < 5; ++run) {
    const auto start = Clock::now();
    nnk::sgemm(nnk::Trans::No, nnk::Trans::No, 1.0f, x, yb, 0.0f, out);
    best = std::min(best, seconds_since(start));
  }
  const double gflops = 2.0 * s * s * s / best * 1e-9;
  std::printf("nnk::sgemm %lld^3, 1 thread: %.1f GFLOP/s = %.0f%% of the FMA peak (best of 5)\n",
              static_cast<long long>(s), gflops, 100.0 * gflops / peak_gflops);
  return ok;
}

}  // namespace

int main() {
  try {
    std::printf("nnk %d.%d.%d\n", nnk::kVersionMajor, nnk::kVersionMinor, nnk::kVersionPatch);
    std::printf("ISA in use: %s   (supported:", std::string(nnk::to_string(nnk::active_isa())).c_str());
    for (nnk::Isa isa : nnk::supported_isas()) std::printf(" %s", std::string(nnk::to_string(isa)).c_str());
    std::printf("; choose with NNK_ISA=avx512|avx2|generic)\n");
    std::printf("threads: %d\n", nnk::num_threads());
    const double peak = measure_peak_gflops();
    std::printf("FMA peak, 1 thread: %.1f GFLOP/s\n", peak);

    std::mt19937 rng(2026);
    print_reference_kernels(rng);
    return check_and_time_sgemm(rng, peak) ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nnk-demo: %s\n", e.what());
    return 1;
  }
}
