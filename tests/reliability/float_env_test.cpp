// Denormal flushing: every kernel runs with FTZ|DAZ, on every thread count, and the caller's MXCSR survives.
//
// The inputs are chosen so that each mode shows: a product of two normal floats that lands below FLT_MIN (FTZ
// makes it 0), and a denormal input times a large factor whose exact result is normal (only DAZ makes it 0).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "cpu/float_env.hpp"
#include "nnk/cpu.hpp"
#include "nnk/gemm.hpp"
#include "nnk/kernels.hpp"
#include "nnk/matrix.hpp"
#include "support/tolerance.hpp"

namespace nnk {
namespace {

constexpr float kFloatMin = std::numeric_limits<float>::min();
constexpr float kDenormal = 1e-39f;  // below FLT_MIN = 1.18e-38
// MXCSR without its six sticky exception flags: what a kernel call must leave as it found it.
constexpr std::uint32_t kMxcsrStatusFlags = 0x3F;

std::uint32_t control_bits() { return cpu::read_mxcsr() & ~kMxcsrStatusFlags; }

bool is_denormal(float x) { return x != 0.0f && std::fabs(x) < kFloatMin; }

// Sets the calling thread's MXCSR for a test and puts the original back afterwards.
class CallerMxcsr {
 public:
  explicit CallerMxcsr(std::uint32_t value) : saved_(cpu::read_mxcsr()) { cpu::write_mxcsr(value); }
  ~CallerMxcsr() { cpu::write_mxcsr(saved_); }
  CallerMxcsr(const CallerMxcsr&) = delete;
  CallerMxcsr& operator=(const CallerMxcsr&) = delete;

 private:
  std::uint32_t saved_;
};

// The power-on MXCSR: all exceptions masked, round to nearest, no flushing.
constexpr std::uint32_t kDefaultMxcsr = 0x1F80;

float multiply(float a, float b) {
  volatile float x = a;  // keeps the product at run time, under the current MXCSR
  volatile float y = b;
  return x * y;
}

TEST(FlushDenormalsScope, SetsFtzAndDazThenRestoresThePreviousMxcsr) {
  if (!NNK_HAS_MXCSR) GTEST_SKIP() << "no MXCSR on this target";
  const CallerMxcsr caller(kDefaultMxcsr);
  EXPECT_FALSE(cpu::denormals_flushed());
  EXPECT_TRUE(is_denormal(multiply(1e-20f, 1e-20f)));
  EXPECT_EQ(multiply(kDenormal, 1e10f), kDenormal * 1e10f);
  {
    const cpu::FlushDenormalsScope flush;
    EXPECT_TRUE(cpu::denormals_flushed());
    EXPECT_EQ(multiply(1e-20f, 1e-20f), 0.0f) << "FTZ";
    EXPECT_EQ(multiply(kDenormal, 1e10f), 0.0f) << "DAZ";
    {
      const cpu::FlushDenormalsScope nested;  // already on: nothing to change, nothing to undo
      EXPECT_TRUE(cpu::denormals_flushed());
    }
    EXPECT_TRUE(cpu::denormals_flushed());
  }
  EXPECT_EQ(control_bits(), kDefaultMxcsr);
  EXPECT_TRUE(is_denormal(multiply(1e-20f, 1e-20f)));
}

TEST(FlushDenormalsScope, KeepsTheRoundingModeAndFlushingTheCallerChose) {
  if (!NNK_HAS_MXCSR) GTEST_SKIP() << "no MXCSR on this target";
  constexpr std::uint32_t kRoundTowardZero = 0x6000;
  const CallerMxcsr caller(kDefaultMxcsr | kRoundTowardZero);
  { const cpu::FlushDenormalsScope flush; }
  EXPECT_EQ(control_bits(), kDefaultMxcsr | kRoundTowardZero);
  cpu::write_mxcsr(kDefaultMxcsr | cpu::kMxcsrFlushDenormals);
  { const cpu::FlushDenormalsScope flush; }
  EXPECT_EQ(control_bits(), kDefaultMxcsr | cpu::kMxcsrFlushDenormals) << "a caller's own FTZ|DAZ stays on";
}

Matrix filled(std::int64_t rows, std::int64_t cols, float value) {
  Matrix m(rows, cols);
  m.fill(value);
  return m;
}

// Runs kernel() on `threads` threads with the caller's MXCSR at its power-on value; checks it is unchanged after.
template <class Kernel>
void run_with_threads(int threads, Kernel&& kernel) {
  const CallerMxcsr caller(kDefaultMxcsr);
  const ScopedNumThreads scoped(threads);
  kernel();
  EXPECT_EQ(control_bits(), kDefaultMxcsr) << "the caller's MXCSR changed (" << threads << " threads)";
}

// body() once per ISA this CPU runs, with that ISA active.
template <class Body>
void for_each_isa(Body&& body) {
  for (Isa isa : supported_isas()) {
    SCOPED_TRACE(to_string(isa));
    const ScopedIsa scoped(isa);
    body();
  }
}

struct DenormalCase {
  const char* name;
  std::int64_t m, n, k;
};

std::string case_name(const ::testing::TestParamInfo<DenormalCase>& info) { return info.param.name; }

class SgemmFlushesDenormals : public ::testing::TestWithParam<DenormalCase> {};

// A = 1e-20, B = 1e-20: every product is 1e-40, below FLT_MIN: 0 under FTZ, so C = 0.
TEST_P(SgemmFlushesDenormals, ProductsBelowFltMinBecomeZero) {
  const DenormalCase c = GetParam();
  for_each_isa([&] {
    const Matrix a = filled(c.m, c.k, 1e-20f);
    const Matrix b = filled(c.k, c.n, 1e-20f);
    Matrix results[2];
    for (int threads : {1, 2}) {
      SCOPED_TRACE(threads);
      Matrix out = filled(c.m, c.n, 7.0f);
      run_with_threads(threads, [&] { sgemm(Trans::No, Trans::No, 1.0f, a, b, 0.0f, out); });
      EXPECT_EQ(out(0, 0), 0.0f);
      EXPECT_EQ(out(c.m - 1, c.n - 1), 0.0f);
      results[threads - 1] = std::move(out);
    }
    EXPECT_TRUE(test::matrices_equal(results[0], results[1])) << "1 vs 2 threads";
  });
}

// A = 1e-39 (denormal), B = 1e10: the exact products, 1e-29, are normal; only DAZ makes them 0.
TEST_P(SgemmFlushesDenormals, DenormalInputsReadAsZero) {
  const DenormalCase c = GetParam();
  for_each_isa([&] {
    const Matrix a = filled(c.m, c.k, kDenormal);
    const Matrix b = filled(c.k, c.n, 1e10f);
    for (int threads : {1, 2}) {
      SCOPED_TRACE(threads);
      Matrix out(c.m, c.n);
      run_with_threads(threads, [&] { sgemm(Trans::No, Trans::No, 1.0f, a, b, 0.0f, out); });
      EXPECT_EQ(out(0, 0), 0.0f);
      EXPECT_EQ(out(c.m - 1, c.n - 1), 0.0f);
    }
  });
}

// Small enough for the single-task path, and large enough to be split over threads.
INSTANTIATE_TEST_SUITE_P(Shapes, SgemmFlushesDenormals,
                         ::testing::Values(DenormalCase{"small", 7, 5, 8}, DenormalCase{"large", 256, 256, 8}),
                         case_name);

std::string columns_name(const ::testing::TestParamInfo<std::int64_t>& info) {
  return info.param == 1 ? "small" : "large";
}

class EltwiseFlushesDenormals : public ::testing::TestWithParam<std::int64_t> {};

// Identity with a bias: 3e-39 + (-1e-39) is 2e-39 exactly, but both inputs read as 0 under DAZ.
TEST_P(EltwiseFlushesDenormals, ActivationOfDenormalsIsZero) {
  const std::int64_t cols = GetParam();
  for_each_isa([&] {
    const Matrix z = filled(300, cols, 3e-39f);
    const Matrix bias = filled(300, 1, -1e-39f);
    Matrix results[2];
    for (int threads : {1, 2}) {
      SCOPED_TRACE(threads);
      Matrix a = filled(300, cols, 7.0f);
      run_with_threads(threads, [&] { bias_activation_forward(Activation::Identity, z, bias, a); });
      EXPECT_EQ(a(0, 0), 0.0f);
      EXPECT_EQ(a(299, cols - 1), 0.0f);
      results[threads - 1] = std::move(a);
    }
    EXPECT_TRUE(test::matrices_equal(results[0], results[1])) << "1 vs 2 threads";
  });
}

// SGD with a denormal gradient and learning rate 1e10: w - 1e10 * 1e-39 = -1e-29 exactly; DAZ leaves w at 0.
TEST_P(EltwiseFlushesDenormals, SgdStepFromADenormalGradientIsZero) {
  const std::int64_t cols = GetParam();
  for_each_isa([&] {
    const Matrix dw = filled(300, cols, kDenormal);
    for (int threads : {1, 2}) {
      SCOPED_TRACE(threads);
      Matrix w(300, cols);
      run_with_threads(threads, [&] { sgd_update(w, dw, {}, Sgd{.learning_rate = 1e10f}, {}); });
      EXPECT_EQ(w(0, 0), 0.0f);
      EXPECT_EQ(w(299, cols - 1), 0.0f);
    }
  });
}

// 300 x 1 runs as one task on the calling thread; 300 x 300 is split into tasks.
INSTANTIATE_TEST_SUITE_P(Shapes, EltwiseFlushesDenormals, ::testing::Values(1, 300), columns_name);

}  // namespace
}  // namespace nnk
