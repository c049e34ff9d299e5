// The accuracy nnk/kernels.hpp documents, per ISA (support/eltwise/accuracy_budgets.hpp: sigmoid, tanh, softmax per
// element, in ulp), measured against double references and enforced, and no subnormal outputs (where the exact
// result is below FLT_MIN the kernels return 0).
//
// sigmoid and tanh: every float in [-100, 100] with |x| >= 2^-12 (311 million values), and every 64th float below
// that, where both functions are a short polynomial away from their linear term (30 million more); under a
// sanitizer every 16th float above 2^-12; with NNK_SWEEP_STRIDE=n, n times fewer in both ranges.
// The double reference is computed once per block and every ISA the CPU has runs against it. softmax: random
// columns of 2 to 1000 rows with spreads up to 200, centred on 0 or moved to one sign and to |v| beyond 350, with
// and without bias.
// The largest error found per ISA is printed ("[ ACCURACY ]" lines) and recorded as a test property.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "nnk/cpu.hpp"
#include "nnk/kernels.hpp"
#include "support/eltwise/accuracy_budgets.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

constexpr float kFloatMin = std::numeric_limits<float>::min();

// Under AddressSanitizer or ThreadSanitizer the sweeps run ~10x slower: every 16th float instead of every one.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr std::uint32_t kDefaultSweepStride = 16;
#else
constexpr std::uint32_t kDefaultSweepStride = 1;
#endif

// NNK_SWEEP_STRIDE (1 to 65536), for machines far slower than a core (tools/ci/emulated-avx512-tests.sh runs the
// AVX-512 build under an emulator): the sigmoid and tanh sweeps then take every n-th float above 2^-12 and every
// 64n-th below. 1 where unset; 0 (with a test failure) for a value out of range, which skips the sweep rather than
// run it whole where it was meant to be sampled.
std::uint32_t sweep_stride_from_environment() {
  const char* text = std::getenv("NNK_SWEEP_STRIDE");
  if (text == nullptr || *text == '\0') return 1;
  char* end = nullptr;
  const long stride = std::strtol(text, &end, 10);
  if (*end != '\0' || stride < 1 || stride > 65536) {
    ADD_FAILURE() << "NNK_SWEEP_STRIDE: expected an integer from 1 to 65536, got '" << text << "'";
    return 0;
  }
  return static_cast<std::uint32_t>(stride);
}

// The ISAs to measure: those the CPU has, or only the one NNK_ISA names.
std::vector<Isa> isas_to_measure() {
  std::vector<Isa> isas;
  const char* forced = std::getenv("NNK_ISA");
  for (Isa isa : supported_isas())
    if (forced == nullptr || *forced == '\0' || std::string_view(forced) == to_string(isa)) isas.push_back(isa);
  return isas;
}

// fn(begin, end) over [0, n) on two threads (the machine's cores), for the double references and comparisons.
template <class Fn>
void on_two_threads(std::int64_t n, Fn&& fn) {
  std::thread second([&] { fn(n / 2, n); });
  fn(0, n / 2);
  second.join();
}

// The largest error of one ISA on one function.
struct Worst {
  std::uint64_t ulp = 0;
  float ulp_at = 0;
  double abs_error = 0;      // the largest absolute error among elements outside the ulp budget
  std::int64_t unflushed = 0;  // subnormal outputs, or nonzero outputs where the exact result is below FLT_MIN
  std::int64_t over_budget = 0;
  std::int64_t checked = 0;
};

// Compares one block; expected is the double reference. Within budget: ulp <= max_ulp.
void compare_block(const std::vector<float>& x, const std::vector<double>& expected, const Matrix& actual,
                   std::uint64_t max_ulp, Worst& worst) {
  const auto n = static_cast<std::int64_t>(x.size());
  Worst halves[2];
  on_two_threads(n, [&](std::int64_t begin, std::int64_t end) {
    Worst& w = halves[begin == 0 ? 0 : 1];
    for (std::int64_t k = begin; k < end; ++k) {
      const double e = expected[k];
      const float a = actual(k, 0);
      if (std::fabs(e) < kFloatMin) {
        if (a != 0.0f) ++w.unflushed;
        continue;
      }
      if (a != 0.0f && std::fabs(a) < kFloatMin) ++w.unflushed;
      if (static_cast<float>(e) == a) continue;  // correctly rounded: the common case, 0 ulp
      // Flushing to 0 decides on the computed value, so the threshold is as uncertain as the value: within the ulp
      // budget of FLT_MIN, 0 is as good an answer as FLT_MIN itself.
      if (a == 0.0f && std::fabs(e) < kFloatMin * (1.0 + static_cast<double>(max_ulp) * 0x1p-23)) continue;
      const std::uint64_t ulp = ulp_distance(static_cast<float>(e), a);
      if (ulp > w.ulp) {
        w.ulp = ulp;
        w.ulp_at = x[k];
      }
      if (ulp > max_ulp) {
        w.abs_error = std::fmax(w.abs_error, std::fabs(e - static_cast<double>(a)));
        ++w.over_budget;
      }
    }
  });
  for (const Worst& w : halves) {
    if (w.ulp > worst.ulp) {
      worst.ulp = w.ulp;
      worst.ulp_at = w.ulp_at;
    }
    if (w.abs_error > worst.abs_error) worst.abs_error = w.abs_error;
    worst.unflushed += w.unflushed;
    worst.over_budget += w.over_budget;
  }
  worst.checked += n;
}

// where: "x" for the elementwise sweeps (the input), "column" for softmax.
void report(const char* function, const char* where, Isa isa, const Worst& w) {
  std::printf("[ ACCURACY ] %-8s %-8s max %llu ulp (at %s = %.9g) over %lld values; beyond the ulp budget: max abs "
              "error %.3g; unflushed subnormals %lld\n",
              function, std::string(to_string(isa)).c_str(), static_cast<unsigned long long>(w.ulp), where,
              static_cast<double>(w.ulp_at), static_cast<long long>(w.checked), w.abs_error,
              static_cast<long long>(w.unflushed));
  std::fflush(stdout);
  ::testing::Test::RecordProperty(std::string(function) + "_" + std::string(to_string(isa)) + "_max_ulp",
                                  std::to_string(w.ulp));
}

// Every float of [-100, 100] with |x| >= 2^-12 and every 64th below (fewer: kDefaultSweepStride, NNK_SWEEP_STRIDE),
// in blocks; g against reference(x) in double.
template <class Reference>
void sweep(Activation g, const char* name, Reference reference, const UlpPerIsa& budget) {
  const std::vector<Isa> isas = isas_to_measure();
  std::vector<Worst> worst(isas.size());
  constexpr std::uint32_t kDenseFrom = 0x39800000u;  // 2^-12
  const std::uint32_t last = std::bit_cast<std::uint32_t>(100.0f);
  constexpr std::int64_t kBlock = 1 << 21;
  std::vector<float> x;
  std::vector<double> expected(kBlock);
  x.reserve(kBlock);
  auto run_block = [&] {
    const auto n = static_cast<std::int64_t>(x.size());
    expected.resize(x.size());
    on_two_threads(n, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t k = begin; k < end; ++k) expected[k] = reference(static_cast<double>(x[k]));
    });
    const ConstMatrixView input(x.data(), n, 1);
    Matrix actual(n, 1);
    for (std::size_t s = 0; s < isas.size(); ++s) {
      const ScopedIsa use(isas[s]);
      bias_activation_forward(g, input, {}, actual);
      compare_block(x, expected, actual, budget.on(isas[s]), worst[s]);
    }
    x.clear();
  };
  const std::uint32_t sampling = sweep_stride_from_environment();
  if (sampling == 0) return;
  const std::uint32_t stride = kDefaultSweepStride * sampling;
  const std::uint32_t sparse_stride = 64 * sampling;
  for (std::uint32_t sign : {0u, 0x80000000u}) {
    for (std::uint32_t bits = 0; bits <= last; bits += bits < kDenseFrom ? sparse_stride : stride) {
      x.push_back(std::bit_cast<float>(bits | sign));
      if (static_cast<std::int64_t>(x.size()) == kBlock) run_block();
    }
  }
  run_block();
  for (std::size_t s = 0; s < isas.size(); ++s) {
    report(name, "x", isas[s], worst[s]);
    SCOPED_TRACE(to_string(isas[s]));
    EXPECT_EQ(worst[s].over_budget, 0) << name << ": values beyond " << budget.on(isas[s]) << " ulp (largest "
                                       << worst[s].ulp << " ulp at x = " << worst[s].ulp_at << ")";
    EXPECT_EQ(worst[s].unflushed, 0) << name << ": subnormal outputs";
  }
}

TEST(EltwiseAccuracy, SigmoidWithinItsBudgetOnEveryFloatOfMinus100To100) {
  sweep(Activation::Sigmoid, "sigmoid", [](double x) { return 1.0 / (1.0 + std::exp(-x)); }, kSigmoidUlp);
}

TEST(EltwiseAccuracy, TanhWithinItsBudgetOnEveryFloatOfMinus100To100) {
  sweep(Activation::Tanh, "tanh", [](double x) { return std::tanh(x); }, kTanhUlp);
}

TEST(EltwiseAccuracy, SoftmaxWithinItsBudgetPerElement) {
  const std::vector<Isa> isas = isas_to_measure();
  std::vector<Worst> worst(isas.size());
  std::uint64_t salt = 4000;
  // Offsets move whole columns to one sign and beyond |v| = 350, where the kernel's moderate path hands over to the
  // general one.
  struct Placement {
    float spread, offset;
  };
  const Placement placements[] = {{1, 0},   {10, 0},    {50, 0},  {100, 0},     {10, 40},
                                  {10, -40}, {30, 330}, {30, -330}, {10, 1000}};
  for (std::int64_t rows : {2, 3, 10, 33, 100, 1000}) {
    for (const auto [spread, offset] : placements) {
      for (bool with_bias : {false, true}) {
        const std::int64_t cols = std::max<std::int64_t>(1, 100000 / rows);
        const std::uint64_t seed = derive_seed(++salt);
        NNK_SEED_TRACE(seed);
        const Matrix z = random_matrix(rows, cols, seed, offset - spread, offset + spread);
        const Matrix bias = with_bias ? random_matrix(rows, 1, seed + 1, -spread, spread) : Matrix();
        // The double reference, column by column: e^(v - max) / sum, v = z + bias exact in double.
        std::vector<double> expected(static_cast<std::size_t>(rows * cols));
        std::vector<float> column_of(expected.size());
        for (std::int64_t j = 0; j < cols; ++j) {
          double max = -INFINITY, sum = 0;
          auto v = [&](std::int64_t i) { return static_cast<double>(z(i, j)) + (with_bias ? bias(i, 0) : 0.0); };
          for (std::int64_t i = 0; i < rows; ++i) max = std::fmax(max, v(i));
          for (std::int64_t i = 0; i < rows; ++i) sum += std::exp(v(i) - max);
          for (std::int64_t i = 0; i < rows; ++i) {
            expected[i + j * rows] = std::exp(v(i) - max) / sum;
            column_of[i + j * rows] = static_cast<float>(j);
          }
        }
        Matrix actual(rows, cols);
        for (std::size_t s = 0; s < isas.size(); ++s) {
          const ScopedIsa use(isas[s]);
          bias_activation_forward(Activation::Softmax, z, bias, actual);
          const Matrix flat = Matrix::from(ConstMatrixView(actual.data(), rows * cols, 1));
          compare_block(column_of, expected, flat, kSoftmaxUlp.on(isas[s]), worst[s]);
        }
      }
    }
  }
  for (std::size_t s = 0; s < isas.size(); ++s) {
    report("softmax", "column", isas[s], worst[s]);
    SCOPED_TRACE(to_string(isas[s]));
    EXPECT_EQ(worst[s].over_budget, 0) << "softmax: elements beyond " << kSoftmaxUlp.on(isas[s]) << " ulp (largest "
                                       << worst[s].ulp << " ulp)";
    EXPECT_EQ(worst[s].unflushed, 0) << "softmax: subnormal outputs";
  }
}

}  // namespace
}  // namespace nnk::test
