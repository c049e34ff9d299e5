// Tests of the test harness itself: a guard that never fires or a tolerance that accepts anything would make every
// suite built on them pass silently.
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "nnk/error.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

TEST(HarnessRng, SameSeedSameSequenceAndValuesInRange) {
  Rng first(42), second(42), other(43);
  bool differs = false;
  for (int n = 0; n < 1000; ++n) {
    const float x = first.uniform(-2, 3);
    EXPECT_EQ(x, second.uniform(-2, 3));
    differs = differs || x != other.uniform(-2, 3);
    EXPECT_GE(x, -2.0f);
    EXPECT_LE(x, 3.0f);
    const std::int64_t k = first.uniform_int(-3, 3);
    second.uniform_int(-3, 3);
    other.uniform_int(-3, 3);
    EXPECT_GE(k, -3);
    EXPECT_LE(k, 3);
  }
  EXPECT_TRUE(differs);
  EXPECT_TRUE(matrices_equal(random_matrix(4, 3, 7), random_matrix(4, 3, 7)));
}

TEST(HarnessRng, DerivedSeedsDiffer) {
  std::set<std::uint64_t> seeds;
  for (std::uint64_t salt = 0; salt < 100; ++salt) seeds.insert(derive_seed(salt));
  EXPECT_EQ(seeds.size(), 100u);
  EXPECT_NE(seed_trace_message(derive_seed(1)).find("NNK_TEST_SEED=" + std::to_string(base_seed())), std::string::npos);
}

TEST(HarnessGuardedMatrix, ViewIsMisalignedAsAsked) {
  for (std::int64_t misalign = 0; misalign < 16; ++misalign) {
    GuardedMatrix m(3, 2, 5, misalign);
    const auto address = reinterpret_cast<std::uintptr_t>(m.view().data());
    EXPECT_EQ(address % 64, static_cast<std::uintptr_t>(misalign * sizeof(float)));
    EXPECT_TRUE(m.guards_intact());
  }
}

TEST(HarnessGuardedMatrix, DetectsWritesBeforeInTheGapAndAfter) {
  {
    GuardedMatrix m(3, 2, 5, 1);
    m.view().data()[-1] = 0;
    const auto result = m.guards_intact();
    EXPECT_FALSE(result);
    EXPECT_NE(std::string(result.message()).find("front guard: float 1 before data"), std::string::npos) << result.message();
  }
  {
    GuardedMatrix m(3, 2, 5);
    m.view().data()[4 + 1 * 5] = 1;  // (i = 4, j = 1): a gap row
    const auto result = m.guards_intact();
    EXPECT_FALSE(result);
    EXPECT_NE(std::string(result.message()).find("gap row (i = 4, j = 1)"), std::string::npos) << result.message();
  }
  {
    GuardedMatrix m(3, 2, 5);
    m.view().data()[5 * 2] = 1;  // one past ld * cols
    const auto result = m.guards_intact();
    EXPECT_FALSE(result);
    EXPECT_NE(std::string(result.message()).find("back guard: float 0 past the end"), std::string::npos) << result.message();
  }
  {
    GuardedMatrix m(3, 2, 5);
    m.fill_nan();
    m.fill(2);
    m(2, 1) = 3;
    EXPECT_TRUE(m.guards_intact());  // writes inside the view are fine
  }
}

TEST(HarnessUlpDistance, CountsRepresentableFloats) {
  EXPECT_EQ(ulp_distance(1.0f, 1.0f), 0u);
  EXPECT_EQ(ulp_distance(0.0f, -0.0f), 0u);
  EXPECT_EQ(ulp_distance(1.0f, std::nextafter(1.0f, 2.0f)), 1u);
  EXPECT_EQ(ulp_distance(std::nextafter(1.0f, 2.0f), 1.0f), 1u);
  const float tiny = std::numeric_limits<float>::denorm_min();
  EXPECT_EQ(ulp_distance(-tiny, tiny), 2u);  // through zero
  EXPECT_EQ(ulp_distance(std::numeric_limits<float>::max(), std::numeric_limits<float>::infinity()), 1u);
  EXPECT_EQ(ulp_distance(std::nanf(""), std::nanf("")), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(ulp_distance(1.0f, std::nanf("")), std::numeric_limits<std::uint64_t>::max());
}

TEST(HarnessMatricesNear, ReportsTheWorstMismatchesWithTheirPositions) {
  const Matrix expected = matrix_from_rows({{1, 2, 3}, {4, 5, 6}});
  Matrix actual = expected;
  actual(1, 2) = 6.5f;
  actual(0, 1) = 2.001f;
  EXPECT_TRUE(matrices_near(expected, expected, 0, 0));
  const auto result = matrices_near(expected, actual, 1e-6, 1e-6);
  EXPECT_FALSE(result);
  const std::string message = result.message();
  EXPECT_NE(message.find("2 of 6 elements"), std::string::npos) << message;
  EXPECT_LT(message.find("(1, 2)"), message.find("(0, 1)")) << "worst first: " << message;
  EXPECT_FALSE(matrices_near(expected, Matrix(2, 2), 1, 1));  // shapes differ
  Matrix with_nan = expected;
  with_nan(0, 0) = std::nanf("");
  EXPECT_FALSE(matrices_near(expected, with_nan, 1e30, 1e30));  // NaN is never near a number
  EXPECT_TRUE(matrices_near(with_nan, with_nan, 0, 0));
}

// The GEMM bound must accept what a float GEMM really produces and reject a GEMM that drops one term.
TEST(HarnessGemmBound, AcceptsFloatAccumulationAndRejectsAMissingTerm) {
  std::uint64_t salt = 100;
  for (std::int64_t k : {1, 7, 64, 1000, 4096}) {
    SCOPED_TRACE(testing::Message() << "k = " << k);
    const std::uint64_t seed = derive_seed(++salt);
    NNK_SEED_TRACE(seed);
    constexpr std::int64_t m = 4, n = 3;
    for (float lo : {-1.0f, 0.0f}) {  // mixed signs, and same signs (the worst case for the random walk)
      const Matrix a = random_matrix(m, k, seed, lo, 1), b = random_matrix(k, n, seed + 1, lo, 1);
      const Matrix c0 = random_matrix(m, n, seed + 2, lo, 1);
      Matrix expected = c0;
      ref_gemm(Trans::No, Trans::No, 1.25f, a, b, 0.5f, expected);
      const Matrix magnitude = gemm_magnitude(Trans::No, Trans::No, 1.25f, a, b, 0.5f, c0);
      // Naive float accumulation: the least accurate order a real kernel could use.
      Matrix float_sum(m, n), missing_term(m, n);
      for (std::int64_t j = 0; j < n; ++j) {
        for (std::int64_t i = 0; i < m; ++i) {
          float sum = 0;
          for (std::int64_t p = 0; p < k; ++p) sum += a(i, p) * b(p, j);
          float_sum(i, j) = 1.25f * sum + 0.5f * c0(i, j);
          missing_term(i, j) = float_sum(i, j) - 1.25f * a(i, k - 1) * b(k - 1, j);
        }
      }
      EXPECT_TRUE(gemm_result_near(expected, float_sum, magnitude, k));
      // |a b| for one term may be tiny by chance; the largest of the m x n dropped terms is not.
      EXPECT_FALSE(gemm_result_near(expected, missing_term, magnitude, k));
    }
  }
}

TEST(HarnessGemmBound, MagnitudeDoesNotReadCWhenBetaIsZero) {
  const Matrix a = matrix_from_rows({{1, -2}}), b = matrix_from_rows({{3}, {4}});
  Matrix nan_c(1, 1);
  nan_c.fill(std::nanf(""));
  // |1| * (|1 * 3| + |-2 * 4|) = 11, although the product itself is -5.
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{11}}), gemm_magnitude(Trans::No, Trans::No, 1, a, b, 0, nan_c)));
}

TEST(HarnessShapes, SizesAroundATile) {
  EXPECT_EQ(sizes_around(8), (std::vector<std::int64_t>{1, 7, 8, 9, 15, 16, 17}));
  EXPECT_EQ(sizes_around(1), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(sizes_around(2), (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  EXPECT_THROW(sizes_around(0), std::invalid_argument);
  EXPECT_EQ(to_string(GemmShape{31, 7, 5}), "m31_n7_k5");
}

TEST(HarnessErrors, ThrowsErrorContainingChecksTypeAndFragments) {
  const auto throws_error = [] { throw nnk::Error("nnk::f: x must be >= 1, got 0"); };
  EXPECT_TRUE(throws_error_containing(throws_error, {"nnk::f", "x must be >= 1", "got 0"}));
  EXPECT_FALSE(throws_error_containing(throws_error, {"got 1"}));
  EXPECT_FALSE(throws_error_containing([] { throw std::runtime_error("x"); }, {"x"}));
  EXPECT_FALSE(throws_error_containing([] {}, {}));
}

TEST(HarnessMatrices, LiteralsAndTransposes) {
  const Matrix m = matrix_from_rows({{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(m.rows(), 2);
  EXPECT_EQ(m.cols(), 3);
  EXPECT_EQ(m(0, 2), 3.0f);
  EXPECT_EQ(m(1, 0), 4.0f);
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{1, 4}, {2, 5}, {3, 6}}), transposed(m)));
  EXPECT_THROW(matrix_from_rows({{1, 2}, {3}}), std::invalid_argument);
}

}  // namespace
}  // namespace nnk::test
