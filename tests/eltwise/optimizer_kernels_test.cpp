// nnk::sgd_update, adam_update and regularization_cost against nnk::ref on every ISA.
//
// The kernels update in float with FMA; the reference computes each step in double and rounds once. Per element:
//   gradient g = dw + l1 sign(w) + l2 w:  error <= 2u * G,  G = |dw| + l1 + l2 |w|          (u = 2^-24)
//   SGD velocity v' = mu v + g:           error <= 4u * (G + mu |v|)
//   weight w' = w - lr * step:            error <= ulp(w') + lr * (error of step)
//   Adam moments:                         error <= 4u * (beta |m| + (1 - beta) |g| or g^2)
//   Adam weight:                          error <= ulp(w') + 12u * |lr m1_hat / (sqrt(m2_hat) + eps)|
// (bounds with a factor ~2 of margin over the roundings counted). regularization_cost sums in double: 1e-12.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <sstream>

#include <gtest/gtest.h>

#include "nnk/kernels.hpp"
#include "nnk/ref.hpp"
#include "support/isa.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

constexpr double kU = 1.0 / (1 << 24);
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

double ulp_of(float x) {
  const float a = std::fabs(x);
  return static_cast<double>(std::nextafter(a, kInf) - a);
}

// |expected(i, j) - actual(i, j)| <= bound(i, j) for every element; NaN matches NaN.
::testing::AssertionResult within_bound(ConstMatrixView expected, ConstMatrixView actual,
                                        const std::function<double(std::int64_t, std::int64_t)>& bound) {
  std::ostringstream report;
  int failures = 0;
  for (std::int64_t j = 0; j < expected.cols(); ++j) {
    for (std::int64_t i = 0; i < expected.rows(); ++i) {
      const float e = expected(i, j), a = actual(i, j);
      if (std::isnan(e) || std::isnan(a) || std::isinf(e) || std::isinf(a)) {
        if ((std::isnan(e) && std::isnan(a)) || e == a) continue;
      } else if (std::fabs(static_cast<double>(e) - a) <= bound(i, j)) {
        continue;
      }
      if (++failures <= 5)
        report << "\n  (" << i << ", " << j << "): expected " << e << ", got " << a << ", bound " << bound(i, j);
    }
  }
  if (failures == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << failures << " element(s) out of bounds:" << report.str();
}

double gradient_magnitude(float w, float dw, Regularization reg) {
  return std::fabs(dw) + reg.l1 + reg.l2 * std::fabs(w);
}

class OptimizerKernels : public PerIsaTest {};

TEST_P(OptimizerKernels, SgdMatchesTheReference) {
  std::uint64_t salt = 2000;
  for (float momentum : {0.0f, 0.9f}) {
    for (Regularization reg : {Regularization{}, Regularization{.l1 = 0.01f, .l2 = 0.1f}}) {
      for (std::int64_t rows : rows_around_vector_widths()) {
        const std::uint64_t seed = derive_seed(++salt);
        NNK_SEED_TRACE(seed);
        SCOPED_TRACE(::testing::Message() << "momentum " << momentum << " l1 " << reg.l1 << " rows " << rows);
        const Sgd opt{.learning_rate = 0.05f, .momentum = momentum};
        const Matrix w0 = random_matrix(rows, 3, seed, -2, 2);
        const Matrix dw = random_matrix(rows, 3, seed + 1, -1, 1);
        const Matrix v0 = momentum != 0 ? random_matrix(rows, 3, seed + 2, -1, 1) : Matrix();
        Matrix w_ref = w0, v_ref = v0;
        ref::sgd_update(w_ref, dw, v_ref, opt, reg);
        GuardedMatrix w(rows, 3, rows + 1, 1), v(v0.rows(), v0.cols(), std::max<std::int64_t>(1, v0.rows() + 2), 2);
        w.copy_from(w0);
        v.copy_from(v0);
        sgd_update(w.view(), dw, v.view(), opt, reg);
        auto step_error = [&](std::int64_t i, std::int64_t j) {
          const double mu_v = momentum != 0 ? momentum * std::fabs(v0(i, j)) : 0.0;
          return 4 * kU * (gradient_magnitude(w0(i, j), dw(i, j), reg) + mu_v);
        };
        EXPECT_TRUE(within_bound(w_ref, w.view(), [&](std::int64_t i, std::int64_t j) {
          return ulp_of(w_ref(i, j)) + opt.learning_rate * step_error(i, j);
        }));
        if (momentum != 0) {
          EXPECT_TRUE(within_bound(v_ref, v.view(), step_error));
        }
        EXPECT_TRUE(w.guards_intact());
        EXPECT_TRUE(v.guards_intact());
      }
    }
  }
}

TEST_P(OptimizerKernels, SgdWithoutMomentumLeavesTheVelocityAlone) {
  Matrix w = matrix_from_rows({{1, -2, 0}});
  Matrix velocity = matrix_from_rows({{100, 100, 100}});
  sgd_update(w, matrix_from_rows({{0.5f, 0.25f, 0.3f}}), velocity, Sgd{.learning_rate = 0.1f},
             Regularization{.l1 = 0.5f});
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{100, 100, 100}}), velocity));
  // g = dw + 0.5 sign(w) = (1, -0.25, 0.3): sign(0) = 0.
  EXPECT_TRUE(matrices_near(matrix_from_rows({{0.9f, -1.975f, -0.03f}}), w, 1e-7, 1e-6));
  Matrix w2 = matrix_from_rows({{1, -2}});
  sgd_update(w2, matrix_from_rows({{0.5f, 0.25f}}), {}, Sgd{.learning_rate = 0.1f}, {});  // empty velocity
  EXPECT_TRUE(matrices_near(matrix_from_rows({{0.95f, -2.025f}}), w2, 1e-7, 1e-6));
}

TEST_P(OptimizerKernels, AdamMatchesTheReference) {
  std::uint64_t salt = 2100;
  for (std::int64_t step : {1, 2, 50}) {
    for (Regularization reg : {Regularization{}, Regularization{.l1 = 0.001f, .l2 = 0.01f}}) {
      for (std::int64_t rows : rows_around_vector_widths()) {
        const std::uint64_t seed = derive_seed(++salt);
        NNK_SEED_TRACE(seed);
        SCOPED_TRACE(::testing::Message() << "step " << step << " l2 " << reg.l2 << " rows " << rows);
        const Adam opt{.learning_rate = 0.01f};
        const Matrix w0 = random_matrix(rows, 2, seed, -2, 2);
        const Matrix dw = random_matrix(rows, 2, seed + 1, -1, 1);
        // Moments as after some steps (m2 >= 0); at step 1 they start at 0.
        const Matrix m1_0 = step == 1 ? Matrix(rows, 2) : random_matrix(rows, 2, seed + 2, -0.5f, 0.5f);
        const Matrix m2_0 = step == 1 ? Matrix(rows, 2) : random_matrix(rows, 2, seed + 3, 0.0f, 0.25f);
        Matrix w_ref = w0, m1_ref = m1_0, m2_ref = m2_0;
        ref::adam_update(w_ref, dw, m1_ref, m2_ref, step, opt, reg);
        GuardedMatrix w(rows, 2, rows + 3, 3), m1(rows, 2, rows + 1), m2(rows, 2, rows + 2, 7);
        w.copy_from(w0);
        m1.copy_from(m1_0);
        m2.copy_from(m2_0);
        adam_update(w.view(), dw, m1.view(), m2.view(), step, opt, reg);
        auto g = [&](std::int64_t i, std::int64_t j) { return gradient_magnitude(w0(i, j), dw(i, j), reg); };
        EXPECT_TRUE(within_bound(m1_ref, m1.view(), [&](std::int64_t i, std::int64_t j) {
          return 4 * kU * (opt.beta1 * std::fabs(m1_0(i, j)) + (1 - opt.beta1) * g(i, j));
        }));
        EXPECT_TRUE(within_bound(m2_ref, m2.view(), [&](std::int64_t i, std::int64_t j) {
          return 6 * kU * (opt.beta2 * m2_0(i, j) + (1 - opt.beta2) * g(i, j) * g(i, j));
        }));
        EXPECT_TRUE(within_bound(w_ref, w.view(), [&](std::int64_t i, std::int64_t j) {
          const double update = static_cast<double>(w0(i, j)) - static_cast<double>(w_ref(i, j));
          return ulp_of(w_ref(i, j)) + 12 * kU * std::fabs(update);
        }));
        EXPECT_TRUE(w.guards_intact());
        EXPECT_TRUE(m1.guards_intact());
        EXPECT_TRUE(m2.guards_intact());
      }
    }
  }
}

// Same NaN-ness, the same infinity, or finite values within 1e-6.
void expect_same_kind(float expected, float actual, std::int64_t j) {
  SCOPED_TRACE(::testing::Message() << "element " << j);
  EXPECT_EQ(std::isnan(expected), std::isnan(actual));
  if (std::isfinite(expected)) {
    EXPECT_NEAR(expected, actual, 1e-6);
  } else if (!std::isnan(expected)) {
    EXPECT_EQ(expected, actual);
  }
}

TEST_P(OptimizerKernels, SpecialValuesPropagateLikeTheReference) {
  const Matrix w0 = matrix_from_rows({{kNaN, kInf, 1, 0, -kInf, 2}});
  const Matrix dw = matrix_from_rows({{1, 1, kNaN, kInf, 0, 0}});
  {
    Matrix w_ref = w0, w = w0, v_ref(1, 6), v(1, 6);
    ref::sgd_update(w_ref, dw, v_ref, Sgd{.learning_rate = 0.1f, .momentum = 0.5f}, {.l2 = 0.1f});
    sgd_update(w, dw, v, Sgd{.learning_rate = 0.1f, .momentum = 0.5f}, {.l2 = 0.1f});
    for (std::int64_t j = 0; j < 6; ++j) {
      expect_same_kind(w_ref(0, j), w(0, j), j);
      expect_same_kind(v_ref(0, j), v(0, j), j);
    }
  }
  {
    Matrix w_ref = w0, w = w0, m1_ref(1, 6), m1(1, 6), m2_ref(1, 6), m2(1, 6);
    ref::adam_update(w_ref, dw, m1_ref, m2_ref, 1, Adam{}, {});
    adam_update(w, dw, m1, m2, 1, Adam{}, {});
    for (std::int64_t j = 0; j < 6; ++j) {
      expect_same_kind(w_ref(0, j), w(0, j), j);
      expect_same_kind(m1_ref(0, j), m1(0, j), j);
      expect_same_kind(m2_ref(0, j), m2(0, j), j);
    }
  }
}

TEST_P(OptimizerKernels, RegularizationCostMatchesTheReference) {
  std::uint64_t salt = 2200;
  for (std::int64_t rows : {1, 7, 16, 33, 300}) {
    for (std::int64_t cols : {1, 5, 250}) {
      const std::uint64_t seed = derive_seed(++salt);
      NNK_SEED_TRACE(seed);
      GuardedMatrix w(rows, cols, rows + 4, 1);
      Rng rng(seed);
      w.fill_random(rng, -3, 3);
      const Regularization reg{.l1 = 0.01f, .l2 = 0.5f};
      const double expected = ref::regularization_cost(w.view(), reg);
      EXPECT_NEAR(regularization_cost(w.view(), reg), expected, 1e-12 * expected) << rows << " x " << cols;
    }
  }
  EXPECT_EQ(regularization_cost(Matrix(0, 3), {.l1 = 1, .l2 = 1}), 0.0);
  // l1 = l2 = 0 still reads w: 0 * inf is NaN in the reference.
  EXPECT_TRUE(std::isnan(regularization_cost(matrix_from_rows({{1, kInf}}), {})));
  EXPECT_TRUE(std::isnan(regularization_cost(matrix_from_rows({{kNaN, 1}}), {.l1 = 1})));
}

INSTANTIATE_TEST_SUITE_P(, OptimizerKernels, ::testing::ValuesIn(all_isas()), isa_param_name);

}  // namespace
}  // namespace nnk::test
