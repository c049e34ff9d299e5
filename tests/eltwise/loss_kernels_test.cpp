// nnk::loss_and_delta and nnk::bias_gradient against nnk::ref on every ISA.
//
// delta = g(z) - y: MSE exactly the reference's; BCE and CCE within the activation's budget (sigmoid, softmax:
// support/eltwise/accuracy_budgets.hpp, measured in ulp of g(z)) plus the rounding of the subtraction. The cost:
// per-element losses in float (<= 3 ulp each: a few roundings, softplus 2 ulp), summed in double, so for targets in
// the loss's domain (all terms >= 0) the relative error of J is below 4 * 2^-24. bias_gradient: the reference's bits.
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "nnk/kernels.hpp"
#include "nnk/ref.hpp"
#include "support/eltwise/accuracy_budgets.hpp"
#include "support/eltwise/streaming.hpp"
#include "support/isa.hpp"
#include "support/random.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr Loss kLosses[] = {Loss::BinaryCrossEntropy, Loss::CategoricalCrossEntropy, Loss::MeanSquaredError};
constexpr double kCostRelTol = 4.0 / (1 << 24);

// ulp of a double value's float neighbourhood.
double ulp_of(double x) {
  const float f = static_cast<float>(std::fabs(x));
  return static_cast<double>(std::nextafter(f, kInf) - f);
}

// delta = g(z) - y where g(z) carries up to activation_ulp ulp and the subtraction rounds once more.
::testing::AssertionResult delta_within(Loss loss, ConstMatrixView expected, ConstMatrixView actual,
                                        ConstMatrixView y) {
  if (loss == Loss::MeanSquaredError) return matrices_equal(expected, actual);
  const UlpPerIsa& budget = loss == Loss::BinaryCrossEntropy ? kSigmoidUlp : kSoftmaxUlp;
  const auto activation_ulp = static_cast<double>(budget.on(active_isa()));
  std::ostringstream report;
  int failures = 0;
  for (std::int64_t j = 0; j < expected.cols(); ++j) {
    for (std::int64_t i = 0; i < expected.rows(); ++i) {
      const float e = expected(i, j), a = actual(i, j);
      if (std::isnan(e) || std::isnan(a)) {
        if (std::isnan(e) && std::isnan(a)) continue;
      } else {
        const double activation = static_cast<double>(e) + static_cast<double>(y(i, j));
        // Where g(z) is below FLT_MIN the kernel uses 0: an absolute FLT_MIN more.
        const double bound = activation_ulp * ulp_of(activation) + ulp_of(e) + std::numeric_limits<float>::min();
        if (std::fabs(static_cast<double>(e) - static_cast<double>(a)) <= bound) continue;
      }
      if (++failures <= 5) report << "\n  (" << i << ", " << j << "): expected " << e << ", got " << a;
    }
  }
  if (failures == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << failures << " delta element(s) out of bounds:" << report.str();
}

::testing::AssertionResult cost_near(double expected, double actual, double rel_tol) {
  if (std::isnan(expected) && std::isnan(actual)) return ::testing::AssertionSuccess();
  if (std::fabs(expected - actual) <= rel_tol * std::fabs(expected)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "cost " << actual << " vs reference " << expected << ": relative error "
                                       << std::fabs(expected - actual) / std::fabs(expected);
}

class LossKernels : public PerIsaTest {};

TEST_P(LossKernels, CostAndDeltaMatchTheReferenceAroundTheVectorWidths) {
  std::uint64_t salt = 1000;
  for (Loss loss : kLosses) {
    for (std::int64_t rows : rows_around_vector_widths()) {
      for (std::int64_t cols : {1, 4}) {
        const std::uint64_t seed = derive_seed(++salt);
        NNK_SEED_TRACE(seed);
        SCOPED_TRACE(::testing::Message() << to_string(loss) << " " << rows << " x " << cols);
        const Matrix z = random_matrix(rows, cols, seed, -12.0f, 12.0f);
        const Matrix y = loss_targets(loss, rows, cols, seed + 1);
        Matrix expected(rows, cols);
        const double expected_cost = ref::loss_and_delta(loss, z, y, expected);
        GuardedMatrix delta(rows, cols, rows + 2, 3);
        const double cost = loss_and_delta(loss, z, y, delta.view());
        EXPECT_TRUE(cost_near(expected_cost, cost, loss == Loss::MeanSquaredError ? 1e-14 : kCostRelTol));
        EXPECT_TRUE(delta_within(loss, expected, delta.view(), y));
        EXPECT_TRUE(delta.guards_intact());
      }
    }
  }
}

TEST_P(LossKernels, DeltaMayBeZOrYItself) {
  const std::uint64_t seed = derive_seed(1100);
  NNK_SEED_TRACE(seed);
  const Matrix z = random_matrix(21, 6, seed, -5, 5);
  for (Loss loss : kLosses) {
    SCOPED_TRACE(to_string(loss));
    const Matrix y = loss_targets(loss, 21, 6, seed + 1);
    Matrix separate(21, 6);
    const double cost = loss_and_delta(loss, z, y, separate);
    Matrix z_in_place = z;
    EXPECT_EQ(cost, loss_and_delta(loss, z_in_place, y, z_in_place));
    EXPECT_TRUE(matrices_equal(separate, z_in_place));
    Matrix y_in_place = y;
    EXPECT_EQ(cost, loss_and_delta(loss, z, y_in_place, y_in_place));
    EXPECT_TRUE(matrices_equal(separate, y_in_place));
  }
}

TEST_P(LossKernels, BinaryCrossEntropyIsFiniteAndExactForLargeLogits) {
  // From the logit, each loss is exact: 100 for z = 100, y = 0; 3.7e-44 for z = 100, y = 1; 1000 ...
  const Matrix z = matrix_from_rows({{100, -100, 100, 1000, -1000, 1000, -1000, 30, -30, 0}});
  const Matrix y = matrix_from_rows({{0, 1, 1, 0, 1, 1, 0, 0.25f, 0.75f, 0.5f}});
  for (std::int64_t j = 0; j < z.cols(); ++j) {
    SCOPED_TRACE(::testing::Message() << "z = " << z(0, j) << ", y = " << y(0, j));
    const ConstMatrixView zj = z.col_block(j, 1), yj = y.col_block(j, 1);
    Matrix expected(1, 1), delta(1, 1);
    const double expected_cost = ref::loss_and_delta(Loss::BinaryCrossEntropy, zj, yj, expected);
    const double cost = loss_and_delta(Loss::BinaryCrossEntropy, zj, yj, delta);
    EXPECT_TRUE(std::isfinite(cost));
    // 3.7e-44 is below FLT_MIN: log1p(e^-100) in float is 0 there (an absolute error of 4e-44).
    EXPECT_NEAR(cost, expected_cost, kCostRelTol * expected_cost + 1e-43);
    EXPECT_TRUE(delta_within(Loss::BinaryCrossEntropy, expected, delta, yj));
  }
}

TEST_P(LossKernels, SpecialValuesPropagateLikeTheReference) {
  // NaN in z makes the cost NaN; CCE columns with NaN or +inf are NaN; -inf with y = 0 is NaN in the reference too.
  const Matrix z = matrix_from_rows({{kNaN, 1, kInf, -kInf}, {0, 2, 0, 1}, {1, 3, 1, 2}});
  const Matrix y = matrix_from_rows({{0.5f, 0, 0, 0}, {0.25f, 1, 1, 1}, {0.25f, 0, 0, 0}});
  for (Loss loss : kLosses) {
    SCOPED_TRACE(to_string(loss));
    for (std::int64_t j = 0; j < z.cols(); ++j) {
      SCOPED_TRACE(::testing::Message() << "column " << j);
      const ConstMatrixView zj = z.col_block(j, 1), yj = y.col_block(j, 1);
      Matrix expected(3, 1), delta(3, 1);
      const double expected_cost = ref::loss_and_delta(loss, zj, yj, expected);
      const double cost = loss_and_delta(loss, zj, yj, delta);
      EXPECT_EQ(std::isnan(expected_cost), std::isnan(cost)) << expected_cost << " vs " << cost;
      EXPECT_EQ(std::isinf(expected_cost), std::isinf(cost)) << expected_cost << " vs " << cost;
      if (std::isfinite(expected_cost)) {
        EXPECT_TRUE(cost_near(expected_cost, cost, kCostRelTol));
      }
      EXPECT_TRUE(delta_within(loss, expected, delta, yj));
    }
  }
}

TEST_P(LossKernels, CategoricalCrossEntropyHandlesLargeShifts) {
  // logsumexp(z) - z_i is computed from z - max as an exact float pair: shifting a column by 1e4 changes nothing.
  const std::uint64_t seed = derive_seed(1200);
  NNK_SEED_TRACE(seed);
  Matrix z = random_matrix(12, 5, seed, -20, 20);
  for (std::int64_t j = 0; j < 5; ++j)
    for (std::int64_t i = 0; i < 12; ++i) z(i, j) += 1e4f * static_cast<float>(j);
  const Matrix y = loss_targets(Loss::CategoricalCrossEntropy, 12, 5, seed + 1);
  Matrix expected(12, 5), delta(12, 5);
  const double expected_cost = ref::loss_and_delta(Loss::CategoricalCrossEntropy, z, y, expected);
  EXPECT_TRUE(cost_near(expected_cost, loss_and_delta(Loss::CategoricalCrossEntropy, z, y, delta), kCostRelTol));
  EXPECT_TRUE(delta_within(Loss::CategoricalCrossEntropy, expected, delta, y));
}

TEST_P(LossKernels, BiasGradientIsTheReferenceBitForBit) {
  std::uint64_t salt = 1300;
  std::vector<std::int64_t> row_counts = rows_around_vector_widths();
  for (std::int64_t extra : {1023, 1024, 1025, 2500}) row_counts.push_back(extra);  // around the 1024-row block
  for (std::int64_t rows : row_counts) {
    for (std::int64_t cols : {0, 1, 7}) {
      const std::uint64_t seed = derive_seed(++salt);
      NNK_SEED_TRACE(seed);
      SCOPED_TRACE(::testing::Message() << rows << " x " << cols);
      GuardedMatrix dz(rows, cols, rows + 5, 2);
      Rng rng(seed);
      dz.fill_random(rng, -3, 3);
      Matrix expected(rows, 1);
      ref::bias_gradient(dz.view(), -0.125f, expected);
      GuardedMatrix db(rows, 1, rows, 1);
      bias_gradient(dz.view(), -0.125f, db.view());
      EXPECT_TRUE(matrices_equal(expected, db.view()));
      EXPECT_TRUE(db.guards_intact());
    }
  }
}

TEST_P(LossKernels, BiasGradientPropagatesSpecialValues) {
  const Matrix dz = matrix_from_rows({{1, kNaN, 2}, {kInf, 1, -kInf}, {kInf, 1, 2}, {-0.0f, -0.0f, -0.0f}});
  Matrix expected(4, 1), db(4, 1);
  ref::bias_gradient(dz, 0.5f, expected);
  bias_gradient(dz, 0.5f, db);
  EXPECT_TRUE(matrices_equal(expected, db));
}

// The streaming path (forced on small arrays, see support/eltwise/streaming.hpp): the same cost and the same delta
// bits as with regular stores, on every shape and output alignment of streaming_shapes(), and against the reference.
TEST_P(LossKernels, StreamingStoresGiveTheCachedCostAndBits) {
  std::uint64_t salt = 1200;
  for (const StreamingShape& shape : streaming_shapes()) {
    for (Loss loss : kLosses) {
      const std::uint64_t seed = derive_seed(++salt);
      NNK_SEED_TRACE(seed);
      SCOPED_TRACE(::testing::Message() << to_string(loss) << " " << shape.rows << " x " << shape.cols << " ld +"
                                        << shape.ld_extra << " misaligned " << shape.misalign);
      const Matrix z = random_matrix(shape.rows, shape.cols, seed, -12.0f, 12.0f);
      const Matrix y = loss_targets(loss, shape.rows, shape.cols, seed + 1);
      Matrix expected(shape.rows, shape.cols);
      const double expected_cost = ref::loss_and_delta(loss, z, y, expected);
      const std::int64_t ld = shape.rows + shape.ld_extra;
      GuardedMatrix cached(shape.rows, shape.cols, ld, shape.misalign);
      GuardedMatrix streamed(shape.rows, shape.cols, ld, shape.misalign);
      const double cached_cost = loss_and_delta(loss, z, y, cached.view());
      double streamed_cost = 0;
      {
        const ScopedStreamingThreshold stream_everything(0);
        streamed_cost = loss_and_delta(loss, z, y, streamed.view());
      }
      EXPECT_EQ(cached_cost, streamed_cost);
      EXPECT_TRUE(matrices_equal(cached.view(), streamed.view()));
      // MSE: both sums are in double, in different orders: n rounding errors of 2^-53 at most.
      const double mse_tol = 1e-14 + static_cast<double>(shape.rows * shape.cols) * 0x1.0p-53;
      EXPECT_TRUE(cost_near(expected_cost, streamed_cost, loss == Loss::MeanSquaredError ? mse_tol : kCostRelTol));
      EXPECT_TRUE(delta_within(loss, expected, streamed.view(), y));
      EXPECT_TRUE(streamed.guards_intact());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(, LossKernels, ::testing::ValuesIn(all_isas()), isa_param_name);

}  // namespace
}  // namespace nnk::test
