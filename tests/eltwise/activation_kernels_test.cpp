// nnk::bias_activation_forward, activation_derivative and activation_backward against nnk::ref on every ISA.
//
// Budgets: those nnk/kernels.hpp documents, per ISA (support/eltwise/accuracy_budgets.hpp), with the allowance for
// z + bias rounded to float first (sigmoid, tanh); identity and ReLU exact.
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "nnk/kernels.hpp"
#include "nnk/ref.hpp"
#include "support/eltwise/accuracy_budgets.hpp"
#include "support/eltwise/kernel_budget.hpp"
#include "support/eltwise/streaming.hpp"
#include "support/isa.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr Activation kAll[] = {Activation::Identity, Activation::Sigmoid, Activation::Tanh, Activation::ReLU,
                               Activation::Softmax};
constexpr Activation kElementwise[] = {Activation::Identity, Activation::Sigmoid, Activation::Tanh,
                                       Activation::ReLU};

// The budgets of the active ISA.
Budget forward_budget(Activation g, bool with_bias) {
  const Isa isa = active_isa();
  switch (g) {
    case Activation::Sigmoid: return {kSigmoidUlp.on(isa), with_bias ? kSigmoidBiasAbsoluteError : 0.0};
    case Activation::Tanh: return {kTanhUlp.on(isa) + (with_bias ? kTanhBiasExtraUlp : 0), 0};
    case Activation::Softmax: return {kSoftmaxUlp.on(isa), 0};
    case Activation::Identity:
    case Activation::ReLU: break;
  }
  return {0, 0};
}

Budget derivative_budget(Activation g) {
  if (g == Activation::Identity || g == Activation::ReLU) return {0, 0};
  return {kDerivativeUlp.on(active_isa()), 0};
}

Budget backward_budget(Activation g) {
  if (g == Activation::Identity || g == Activation::ReLU) return {0, 0};
  return {kBackwardUlp.on(active_isa()), 0};
}

Matrix ref_forward(Activation g, ConstMatrixView z, ConstMatrixView bias) {
  Matrix a(z.rows(), z.cols());
  ref::bias_activation_forward(g, z, bias, a);
  return a;
}

// Typical activation outputs for g, plus values outside the range to reach every branch.
Matrix outputs_for(Activation g, std::int64_t rows, std::int64_t cols, std::uint64_t seed) {
  switch (g) {
    case Activation::Sigmoid: return random_matrix(rows, cols, seed, -0.1f, 1.1f);
    case Activation::Tanh: return random_matrix(rows, cols, seed, -1.1f, 1.1f);
    case Activation::ReLU: return random_matrix(rows, cols, seed, -1.0f, 3.0f);
    default: return random_matrix(rows, cols, seed, -3.0f, 3.0f);
  }
}

class ActivationKernels : public PerIsaTest {};

TEST_P(ActivationKernels, ForwardMatchesTheReferenceAroundTheVectorWidths) {
  std::uint64_t salt = 100;
  for (Activation g : kAll) {
    for (std::int64_t rows : rows_around_vector_widths()) {
      for (std::int64_t cols : {1, 3}) {
        for (bool with_bias : {false, true}) {
          const std::uint64_t seed = derive_seed(++salt);
          NNK_SEED_TRACE(seed);
          SCOPED_TRACE(::testing::Message() << to_string(g) << " " << rows << " x " << cols << " bias=" << with_bias);
          // Sigmoid and tanh saturate past |z| ~ 17 and 9: the range covers both branches and the tails.
          const Matrix z = random_matrix(rows, cols, seed, -20.0f, 20.0f);
          const Matrix bias = with_bias ? random_matrix(rows, 1, seed + 1, -2.0f, 2.0f) : Matrix();
          const Matrix expected = ref_forward(g, z, bias);
          // A strided, misaligned output: the kernel must touch nothing outside the view.
          GuardedMatrix a(rows, cols, rows + 3, 1);
          bias_activation_forward(g, z, bias, a.view());
          EXPECT_TRUE(within_budget(expected, a.view(), forward_budget(g, with_bias)));
          EXPECT_TRUE(a.guards_intact());
        }
      }
    }
  }
}

TEST_P(ActivationKernels, ForwardReadsAStridedInputAndWorksInPlace) {
  const std::uint64_t seed = derive_seed(200);
  NNK_SEED_TRACE(seed);
  for (Activation g : kAll) {
    SCOPED_TRACE(to_string(g));
    GuardedMatrix z(19, 5, 24, 3);
    Rng rng(seed);
    z.fill_random(rng, -6.0f, 6.0f);
    const Matrix bias = random_matrix(19, 1, seed + 1);
    Matrix out_of_place(19, 5);
    bias_activation_forward(g, z.view(), bias, out_of_place);
    EXPECT_TRUE(within_budget(ref_forward(g, z.view(), bias), out_of_place, forward_budget(g, true)));
    bias_activation_forward(g, z.view(), bias, z.view());  // a == z
    EXPECT_TRUE(matrices_equal(out_of_place, z.view()));
    EXPECT_TRUE(z.guards_intact());
  }
}

// Large contiguous arrays are cut into flat ranges, strided ones into columns: the results must be the same bits.
TEST_P(ActivationKernels, ContiguousAndStridedLayoutsGiveTheSameBits) {
  const std::uint64_t seed = derive_seed(300);
  NNK_SEED_TRACE(seed);
  const std::int64_t rows = 37, cols = 4001;  // > 2 parts of 65536 elements when flat
  const Matrix z = random_matrix(rows, cols, seed, -10.0f, 10.0f);
  GuardedMatrix strided_z(rows, cols, rows + 1);
  strided_z.copy_from(z);
  for (Activation g : kElementwise) {
    SCOPED_TRACE(to_string(g));
    Matrix compact(rows, cols);
    bias_activation_forward(g, z, {}, compact);
    GuardedMatrix strided(rows, cols, rows + 1);
    bias_activation_forward(g, strided_z.view(), {}, strided.view());
    EXPECT_TRUE(matrices_equal(compact, strided.view()));
    EXPECT_TRUE(within_budget(ref_forward(g, z, {}), compact, forward_budget(g, false)));
  }
}

TEST_P(ActivationKernels, NaNStaysNaNAndInfinitiesGiveTheLimits) {
  // 17 columns so that the special values sit in different lanes, and in a masked tail.
  const Matrix z = matrix_from_rows({{kNaN, -kInf, kInf, -0.0f, 0.0f, 1e-30f, -1e-30f, 1e-45f, -88.0f, 88.0f, -1e30f,
                                      1e30f, 50.0f, -50.0f, 9.5f, -0.5f, kNaN}});
  for (Activation g : kElementwise) {
    SCOPED_TRACE(to_string(g));
    const Matrix expected = ref_forward(g, z, {});
    Matrix a(z.rows(), z.cols());
    bias_activation_forward(g, z, {}, a);
    // 1e-45 is subnormal: the kernels run with denormals flushed (FTZ/DAZ), so every activation gives 0 for it
    // where the reference keeps the subnormal.
    EXPECT_TRUE(within_budget(expected, a, forward_budget(g, false), /*flushes_subnormals=*/true));
    EXPECT_TRUE(std::isnan(a(0, 0)));
    EXPECT_TRUE(std::isnan(a(0, 16)));
  }
}

TEST_P(ActivationKernels, SigmoidAndTanhKeepNaNsOfAnyPayloadAndGivePositiveZeros) {
  // Sigmoid and tanh build 2^k from the bits of the rounded x log2(e); for a NaN those bits are its payload, and the
  // NaN must come through the arithmetic instead. Zeros: z + 0 (no bias) is +0 for -0, as in the reference, and a
  // subnormal reads as 0 (denormals flushed), so tanh gives +0 for all of them (never -0: tanh's E = 1 - e^-2x is +0
  // for x = +-0), and sigmoid 1/2. 19 columns: the values sit in different lanes and in a masked tail.
  const std::uint32_t nan_bits[] = {0x7FC00000u, 0x7FC00001u, 0x7FC001FFu, 0xFFC00000u, 0xFFC000A5u, 0x7F800123u,
                                    0xFFFFFFFFu};
  std::vector<float> values;
  for (std::uint32_t bits : nan_bits) values.push_back(std::bit_cast<float>(bits));
  for (float v : {0.0f, -0.0f, 1e-45f, -1e-45f, 1e-39f, -1e-39f}) values.push_back(v);
  for (float v : {0.5f, -0.5f, 30.0f, -30.0f, 100.0f, -100.0f}) values.push_back(v);
  const std::int64_t n = static_cast<std::int64_t>(values.size());
  const ConstMatrixView z(values.data(), 1, n);
  Matrix a(1, n);
  bias_activation_forward(Activation::Sigmoid, z, {}, a);
  for (std::int64_t j = 0; j < 7; ++j) EXPECT_TRUE(std::isnan(a(0, j))) << "sigmoid, column " << j;
  for (std::int64_t j = 7; j < 13; ++j) EXPECT_EQ(a(0, j), 0.5f) << "sigmoid, column " << j;
  bias_activation_forward(Activation::Tanh, z, {}, a);
  for (std::int64_t j = 0; j < 7; ++j) EXPECT_TRUE(std::isnan(a(0, j))) << "tanh, column " << j;
  for (std::int64_t j = 7; j < 13; ++j) {
    EXPECT_EQ(a(0, j), 0.0f) << "tanh, column " << j;
    EXPECT_FALSE(std::signbit(a(0, j))) << "tanh, column " << j;
  }
  EXPECT_TRUE(within_budget(ref_forward(Activation::Tanh, z, {}), a, forward_budget(Activation::Tanh, false),
                            /*flushes_subnormals=*/true));
  // Binary cross-entropy from the logit shares sigmoid's first step: its delta and cost are NaN too.
  const std::vector<float> targets(values.size(), 1.0f);
  const double cost = loss_and_delta(Loss::BinaryCrossEntropy, z, ConstMatrixView(targets.data(), 1, n), a);
  EXPECT_TRUE(std::isnan(cost));
  for (std::int64_t j = 0; j < 7; ++j) EXPECT_TRUE(std::isnan(a(0, j))) << "BCE delta, column " << j;
}

TEST_P(ActivationKernels, SoftmaxColumnsWithNaNOrInfinityMatchTheReference) {
  // Per column: a NaN or +inf makes the whole column NaN; -inf gives 0 there; all -inf is NaN.
  const Matrix z = matrix_from_rows({{1, kNaN, kInf, -kInf, -kInf, 1000},
                                     {2, 0, 0, 1, -kInf, -1000},
                                     {3, 1, 1, 2, -kInf, 0}});
  const Matrix expected = ref_forward(Activation::Softmax, z, {});
  Matrix a(3, 6);
  bias_activation_forward(Activation::Softmax, z, {}, a);
  EXPECT_TRUE(within_budget(expected, a, forward_budget(Activation::Softmax, false)));
  for (std::int64_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(std::isnan(a(i, 1)) && std::isnan(a(i, 2)) && std::isnan(a(i, 4))) << "row " << i;
  }
  EXPECT_EQ(a(0, 3), 0.0f);
}

TEST_P(ActivationKernels, NoSubnormalOutputs) {
  // Sigmoid's tail crosses FLT_MIN at z = -87.34; softmax elements reach it for spreads beyond 87.
  std::vector<float> values;
  for (float z = -110.0f; z <= -80.0f; z += 0.0625f) values.push_back(z);
  const ConstMatrixView z(values.data(), static_cast<std::int64_t>(values.size()), 1);
  const Matrix bias_free;
  Matrix a(z.rows(), 1);
  bias_activation_forward(Activation::Sigmoid, z, bias_free, a);
  EXPECT_TRUE(has_no_subnormals(a));
  EXPECT_TRUE(within_budget(ref_forward(Activation::Sigmoid, z, {}), a, forward_budget(Activation::Sigmoid, false)));
  bias_activation_forward(Activation::Softmax, z, bias_free, a);  // one column spanning 30 units below the max
  EXPECT_TRUE(has_no_subnormals(a));
  std::vector<float> spread;
  for (int k = 0; k < 33; ++k) spread.push_back(-4.0f * static_cast<float>(k));  // 0 .. -128
  Matrix s(33, 1);
  bias_activation_forward(Activation::Softmax, ConstMatrixView(spread.data(), 33, 1), bias_free, s);
  EXPECT_TRUE(has_no_subnormals(s));
  EXPECT_TRUE(within_budget(ref_forward(Activation::Softmax, ConstMatrixView(spread.data(), 33, 1), {}), s,
                            forward_budget(Activation::Softmax, false)));
}

TEST_P(ActivationKernels, SoftmaxIsExactForLargeShiftsAndBiases) {
  // v = z + bias is formed exactly (as the reference does in double): columns shifted by 1e4, with biases of +-1e3,
  // keep the budget.
  const std::uint64_t seed = derive_seed(400);
  NNK_SEED_TRACE(seed);
  const std::int64_t cols = 6;
  Matrix z = random_matrix(33, cols, seed, -30.0f, 30.0f);
  for (std::int64_t j = 0; j < z.cols(); ++j)
    for (std::int64_t i = 0; i < z.rows(); ++i) z(i, j) += 1e4f * static_cast<float>(j % 3);
  const Matrix bias = random_matrix(33, 1, seed + 1, -1e3f, 1e3f);
  Matrix a(33, cols);
  bias_activation_forward(Activation::Softmax, z, bias, a);
  EXPECT_TRUE(within_budget(ref_forward(Activation::Softmax, z, bias), a, forward_budget(Activation::Softmax, true)));
}

TEST_P(ActivationKernels, SoftmaxWithBiasOverColumnsWithNaNOrInfinityMatchesTheReference) {
  // A bias leaves NaN and infinities as they propagate without one; a NaN in the bias makes every column NaN.
  const Matrix z = matrix_from_rows({{1, kNaN, kInf, -kInf, -kInf, 1000},
                                     {2, 0, 0, 1, -kInf, -1000},
                                     {3, 1, 1, 2, -kInf, 0}});
  for (const Matrix& bias :
       {matrix_from_rows({{0.5f}, {-2.0f}, {50.0f}}), matrix_from_rows({{0.5f}, {kNaN}, {1.0f}})}) {
    SCOPED_TRACE(::testing::Message() << "bias " << bias(0, 0) << " " << bias(1, 0) << " " << bias(2, 0));
    Matrix a(3, z.cols());
    bias_activation_forward(Activation::Softmax, z, bias, a);
    EXPECT_TRUE(within_budget(ref_forward(Activation::Softmax, z, bias), a, forward_budget(Activation::Softmax, true)));
    EXPECT_TRUE(std::isnan(a(0, 1)) && std::isnan(a(0, 2)) && std::isnan(a(0, 4)));
  }
}

TEST_P(ActivationKernels, SoftmaxColumnWithANaNOfAnyPayloadIsNaN) {
  // The fast way builds 2^k from the bits of an integer-valued float and adds them to an exponent field: a NaN's
  // payload bits must not turn into a finite exponential. NaNs with low payload bits set, one row deep in every
  // third column, with and without a bias.
  const std::uint32_t payloads[] = {0x7FC00000u, 0x7FC00001u, 0x7FC001FFu, 0xFFC000A5u, 0x7F800123u};
  const std::int64_t rows = 40, cols = 6;
  for (std::uint32_t bits : payloads) {
    for (bool with_bias : {false, true}) {
      SCOPED_TRACE(::testing::Message() << "NaN bits " << std::hex << bits << (with_bias ? ", bias" : ""));
      Matrix z = random_matrix(rows, cols, derive_seed(420), -3.0f, 3.0f);
      for (std::int64_t j = 0; j < cols; j += 3) z(17, j) = std::bit_cast<float>(bits);
      const Matrix bias = with_bias ? random_matrix(rows, 1, derive_seed(421), -1.0f, 1.0f) : Matrix();
      Matrix a(rows, cols);
      bias_activation_forward(Activation::Softmax, z, with_bias ? ConstMatrixView(bias) : ConstMatrixView(), a);
      for (std::int64_t j = 0; j < cols; ++j) {
        for (std::int64_t i = 0; i < rows; ++i) {
          ASSERT_EQ(std::isnan(a(i, j)), j % 3 == 0) << "row " << i << ", column " << j << ": " << a(i, j);
        }
      }
    }
  }
}

TEST_P(ActivationKernels, SoftmaxColumnsWhoseFirstRowsMisleadTheShiftMatchTheReference) {
  // The kernel shifts a column by an estimate from its first vector, then checks the column's range: columns whose
  // first rows lie far below the rest, or whose spread is at the edge of the moderate bounds, must take the
  // fallbacks and still match.
  const std::uint64_t seed = derive_seed(410);
  NNK_SEED_TRACE(seed);
  for (std::int64_t rows : {17, 40, 100, 1000}) {
    // Columns j and j % 4 alike: one of each kind, and many (at 1000 rows, several parts of the work split).
    for (std::int64_t cols : {4, 600}) {
      SCOPED_TRACE(::testing::Message() << "rows " << rows << ", cols " << cols);
      Matrix z = random_matrix(rows, cols, seed + static_cast<std::uint64_t>(rows), -5.0f, 5.0f);
      for (std::int64_t j = 0; j < cols; ++j) {
        for (std::int64_t i = 0; i < rows; ++i) {
          if (j % 4 == 0 && i < 32) z(i, j) -= 65.0f;  // first rows far below the maximum: the estimate is too low
          if (j % 4 == 1) z(i, j) += 400.0f;  // a narrow column beyond the range where the reduction is exact
        }
        if (j % 4 == 2) {  // spreads at the edge of the moderate bound, with and without the first row on top
          z(rows - 1, j) = -74.9f;
          z(0, j) = 5.0f;
        }
        if (j % 4 == 3) z(rows - 1, j) = 74.0f;
      }
      const Matrix bias = random_matrix(rows, 1, seed + 1, -1.0f, 1.0f);
      Matrix a(rows, cols);
      bias_activation_forward(Activation::Softmax, z, bias, a);
      EXPECT_TRUE(has_no_subnormals(a));
      EXPECT_TRUE(
          within_budget(ref_forward(Activation::Softmax, z, bias), a, forward_budget(Activation::Softmax, true)));
    }
  }
}

TEST_P(ActivationKernels, DerivativeMatchesTheReference) {
  std::uint64_t salt = 500;
  for (Activation g : kElementwise) {
    for (std::int64_t rows : rows_around_vector_widths()) {
      const std::uint64_t seed = derive_seed(++salt);
      NNK_SEED_TRACE(seed);
      SCOPED_TRACE(::testing::Message() << to_string(g) << " rows " << rows);
      const Matrix a = outputs_for(g, rows, 3, seed);
      Matrix expected(rows, 3);
      ref::activation_derivative(g, a, expected);
      GuardedMatrix d(rows, 3, rows + 2, 5);
      activation_derivative(g, a, d.view());
      EXPECT_TRUE(within_budget(expected, d.view(), derivative_budget(g), false));
      EXPECT_TRUE(d.guards_intact());
    }
  }
}

TEST_P(ActivationKernels, DerivativeOfSpecialValuesMatchesTheReference) {
  const Matrix a = matrix_from_rows({{kNaN, kInf, -kInf, 0.0f, -0.0f, 1.0f, -1.0f, 0.5f, 1e-30f, 3.0f}});
  for (Activation g : kElementwise) {
    SCOPED_TRACE(to_string(g));
    Matrix expected(1, a.cols()), d(1, a.cols());
    ref::activation_derivative(g, a, expected);
    activation_derivative(g, a, d);
    EXPECT_TRUE(within_budget(expected, d, derivative_budget(g), false));
  }
}

TEST_P(ActivationKernels, BackwardMatchesTheReferenceAndWorksInPlace) {
  std::uint64_t salt = 600;
  for (Activation g : kElementwise) {
    for (std::int64_t rows : rows_around_vector_widths()) {
      const std::uint64_t seed = derive_seed(++salt);
      NNK_SEED_TRACE(seed);
      SCOPED_TRACE(::testing::Message() << to_string(g) << " rows " << rows);
      const Matrix a = outputs_for(g, rows, 2, seed);
      const Matrix da = random_matrix(rows, 2, seed + 1, -2.0f, 2.0f);
      Matrix expected(rows, 2);
      ref::activation_backward(g, a, da, expected);
      GuardedMatrix dz(rows, 2, rows + 1, 2);
      activation_backward(g, a, da, dz.view());
      EXPECT_TRUE(within_budget(expected, dz.view(), backward_budget(g), false));
      EXPECT_TRUE(dz.guards_intact());
      Matrix in_place = da;
      activation_backward(g, a, in_place, in_place);  // dz == da
      EXPECT_TRUE(matrices_equal(dz.view(), in_place));
    }
  }
}

TEST_P(ActivationKernels, BackwardPropagatesSpecialValuesLikeTheReference) {
  // inf * 0 is NaN in the reference (ReLU with a <= 0, sigmoid at a = 0): the kernels multiply the same way.
  const Matrix a = matrix_from_rows({{0.0f, -1.0f, 0.5f, kNaN, 2.0f, 0.0f, 1.0f}});
  const Matrix da = matrix_from_rows({{kInf, -3.0f, kNaN, 1.0f, -kInf, -2.0f, kInf}});
  for (Activation g : kElementwise) {
    SCOPED_TRACE(to_string(g));
    Matrix expected(1, a.cols()), dz(1, a.cols());
    ref::activation_backward(g, a, da, expected);
    activation_backward(g, a, da, dz);
    EXPECT_TRUE(within_budget(expected, dz, backward_budget(g), false));
  }
}

TEST_P(ActivationKernels, EmptyMatricesAreFine) {
  for (Activation g : kAll) {
    Matrix z(0, 4), a(0, 4), w(5, 0), b(5, 0);
    bias_activation_forward(g, z, {}, a);
    bias_activation_forward(g, w, Matrix(5, 1), b);
    if (g != Activation::Softmax) activation_backward(g, z, z, a);
  }
}

// --- the streaming path (non-temporal stores, for outputs at least the size of the last-level cache), forced on
// small arrays: every shape of streaming_shapes(), outputs starting 0..15 floats past a 64-byte boundary, contiguous
// (flat parts) and strided (column by column). Against the reference, bit for bit against regular stores, nothing
// written outside the view, and in place.

// The output of run(view) with regular stores and with streaming stores, in guarded buffers shaped like `shape`.
template <class Run>
void expect_streaming_matches_cached(const StreamingShape& shape, ConstMatrixView expected, Budget budget,
                                     Run&& run) {
  const std::int64_t ld = shape.rows + shape.ld_extra;
  GuardedMatrix cached(shape.rows, shape.cols, ld, shape.misalign);
  GuardedMatrix streamed(shape.rows, shape.cols, ld, shape.misalign);
  run(cached.view());
  {
    const ScopedStreamingThreshold stream_everything(0);
    run(streamed.view());
  }
  EXPECT_TRUE(within_budget(expected, streamed.view(), budget, false));
  EXPECT_TRUE(matrices_equal(cached.view(), streamed.view()));
  EXPECT_TRUE(streamed.guards_intact());
}

TEST_P(ActivationKernels, StreamingStoresGiveTheCachedBitsOnEveryShapeAndAlignment) {
  std::uint64_t salt = 700;
  for (const StreamingShape& shape : streaming_shapes()) {
    for (Activation g : kAll) {
      for (bool with_bias : {false, true}) {
        const std::uint64_t seed = derive_seed(++salt);
        NNK_SEED_TRACE(seed);
        SCOPED_TRACE(::testing::Message() << to_string(g) << " " << shape.rows << " x " << shape.cols << " ld +"
                                          << shape.ld_extra << " misaligned " << shape.misalign
                                          << " bias=" << with_bias);
        const Matrix z = random_matrix(shape.rows, shape.cols, seed, -20.0f, 20.0f);
        const Matrix bias = with_bias ? random_matrix(shape.rows, 1, seed + 1, -2.0f, 2.0f) : Matrix();
        expect_streaming_matches_cached(shape, ref_forward(g, z, bias), forward_budget(g, with_bias),
                                        [&](MatrixView a) { bias_activation_forward(g, z, bias, a); });
      }
    }
  }
}

TEST_P(ActivationKernels, StreamingDerivativeAndBackwardGiveTheCachedBits) {
  std::uint64_t salt = 800;
  for (const StreamingShape& shape : streaming_shapes()) {
    for (Activation g : kElementwise) {
      const std::uint64_t seed = derive_seed(++salt);
      NNK_SEED_TRACE(seed);
      SCOPED_TRACE(::testing::Message() << to_string(g) << " " << shape.rows << " x " << shape.cols << " ld +"
                                        << shape.ld_extra << " misaligned " << shape.misalign);
      const Matrix a = outputs_for(g, shape.rows, shape.cols, seed);
      const Matrix da = random_matrix(shape.rows, shape.cols, seed + 1, -2.0f, 2.0f);
      Matrix expected_derivative(shape.rows, shape.cols), expected_backward(shape.rows, shape.cols);
      ref::activation_derivative(g, a, expected_derivative);
      ref::activation_backward(g, a, da, expected_backward);
      expect_streaming_matches_cached(shape, expected_derivative, derivative_budget(g),
                                      [&](MatrixView d) { activation_derivative(g, a, d); });
      expect_streaming_matches_cached(shape, expected_backward, backward_budget(g),
                                      [&](MatrixView dz) { activation_backward(g, a, da, dz); });
    }
  }
}

// In place, the output's lines are in cache when they are stored: streaming must still read every element first.
TEST_P(ActivationKernels, StreamingWorksInPlace) {
  const std::uint64_t seed = derive_seed(900);
  NNK_SEED_TRACE(seed);
  const ScopedStreamingThreshold stream_everything(0);
  for (Activation g : kAll) {
    SCOPED_TRACE(to_string(g));
    GuardedMatrix z(1000, 70, 1000, 5);  // contiguous, unaligned, two flat parts
    Rng rng(seed);
    z.fill_random(rng, -6.0f, 6.0f);
    const Matrix expected = ref_forward(g, z.view(), {});
    bias_activation_forward(g, z.view(), {}, z.view());
    EXPECT_TRUE(within_budget(expected, z.view(), forward_budget(g, false)));
    EXPECT_TRUE(z.guards_intact());
    GuardedMatrix da(1000, 70, 1003, 9);  // strided, unaligned
    da.fill_random(rng, -2.0f, 2.0f);
    Matrix expected_dz(1000, 70);
    if (g != Activation::Softmax) {
      ref::activation_backward(g, z.view(), da.view(), expected_dz);
      activation_backward(g, z.view(), da.view(), da.view());  // dz == da
      EXPECT_TRUE(within_budget(expected_dz, da.view(), backward_budget(g), false));
      EXPECT_TRUE(da.guards_intact());
    }
  }
}

// The threshold itself: outputs at least the size of the last-level cache (at least 1 MiB on any real machine).
TEST(EltwiseStreamingThreshold, IsTheLastLevelCacheSize) {
  const std::int64_t threshold = eltwise::streaming_threshold_bytes();
  std::printf("[ STREAMING ] outputs of >= %lld bytes use non-temporal stores\n", static_cast<long long>(threshold));
  EXPECT_EQ(threshold, cpu::last_level_cache_bytes());
  EXPECT_GE(threshold, std::int64_t{1} << 20);
  EXPECT_FALSE(eltwise::streams_output(threshold / 4 - 1, 1));
  EXPECT_TRUE(eltwise::streams_output(threshold / 4, 1));
  EXPECT_FALSE(eltwise::streams_output(0, 5));
}

// One real call above the default threshold: ReLU (exact) over a contiguous array one last-level cache large plus
// an odd tail, starting 3 floats past a 64-byte boundary, on every ISA.
TEST_P(ActivationKernels, ReluAboveTheDefaultThresholdIsExact) {
  const std::int64_t threshold_floats = eltwise::streaming_threshold_bytes() / 4;
  if (threshold_floats > (std::int64_t{64} << 20)) GTEST_SKIP() << "last-level cache above 256 MiB: too large a test";
  const std::int64_t rows = 4099, cols = threshold_floats / rows + 1;  // odd rows: a tail in every flat part
  ASSERT_TRUE(eltwise::streams_output(rows, cols));
  const std::uint64_t seed = derive_seed(950);
  NNK_SEED_TRACE(seed);
  GuardedMatrix z(rows, cols, rows, 3);
  Rng rng(seed);
  z.fill_random(rng, -1.0f, 1.0f);
  GuardedMatrix a(rows, cols, rows, 3);
  bias_activation_forward(Activation::ReLU, z.view(), {}, a.view());
  EXPECT_TRUE(matrices_equal(ref_forward(Activation::ReLU, z.view(), {}), a.view()));
  EXPECT_TRUE(a.guards_intact());
}

INSTANTIATE_TEST_SUITE_P(, ActivationKernels, ::testing::ValuesIn(all_isas()), isa_param_name);

}  // namespace
}  // namespace nnk::test
