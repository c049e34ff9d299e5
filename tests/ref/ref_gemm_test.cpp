// nnk::ref::sgemm and nnk::ref::bias_gradient against hand-computed results.
//
// Most inputs are small integers, so every product and sum is exact in float and double alike: the expected results
// are exact and compared bitwise.
#include <cstdint>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "nnk/ref.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// The matrix as stored for op(X) = x: x itself for Trans::No, its transpose for Trans::Yes.
Matrix stored_for(Trans t, ConstMatrixView x) { return t == Trans::No ? Matrix::from(x) : transposed(x); }

struct TransposeCase {
  Trans trans_a, trans_b;
  Matrix expected;
};

TEST(RefSgemm, HandComputed2x2ForEveryTransposeWithAlphaAndBeta) {
  // The same stored A and B under each op; C <- 2 * op(A) op(B) + 0.5 * C.
  const Matrix a = matrix_from_rows({{1, 2}, {3, 4}});
  const Matrix b = matrix_from_rows({{5, 6}, {7, 8}});
  const Matrix c0 = matrix_from_rows({{10, 20}, {30, 40}});
  // A B = [19 22; 43 50], A^T B = [26 30; 38 44], A B^T = [17 23; 39 53], A^T B^T = [23 31; 34 46];
  // doubled, plus 0.5 * C0 = [5 10; 15 20]:
  const std::vector<TransposeCase> cases = {
      {Trans::No, Trans::No, matrix_from_rows({{43, 54}, {101, 120}})},
      {Trans::Yes, Trans::No, matrix_from_rows({{57, 70}, {91, 108}})},
      {Trans::No, Trans::Yes, matrix_from_rows({{39, 56}, {93, 126}})},
      {Trans::Yes, Trans::Yes, matrix_from_rows({{51, 72}, {83, 112}})},
  };
  for (const TransposeCase& test_case : cases) {
    SCOPED_TRACE(testing::Message() << "trans_a = " << to_string(test_case.trans_a)
                                    << ", trans_b = " << to_string(test_case.trans_b));
    Matrix c = c0;
    ref::sgemm(test_case.trans_a, test_case.trans_b, 2, 2, 2, 2.0f, a.data(), 2, b.data(), 2, 0.5f, c.data(), 2);
    EXPECT_TRUE(matrices_equal(test_case.expected, c));
  }
}

TEST(RefSgemm, NonSquareWithPaddedLeadingDimensionsForEveryTranspose) {
  // op(A) = [1 2 3; 4 5 6] (2 x 3), op(B) = [7 8; 9 10; 11 12] (3 x 2): op(A) op(B) = [58 64; 139 154].
  const Matrix op_a = matrix_from_rows({{1, 2, 3}, {4, 5, 6}});
  const Matrix op_b = matrix_from_rows({{7, 8}, {9, 10}, {11, 12}});
  const Matrix expected = matrix_from_rows({{58, 64}, {139, 154}});
  for (Trans ta : {Trans::No, Trans::Yes}) {
    for (Trans tb : {Trans::No, Trans::Yes}) {
      SCOPED_TRACE(testing::Message() << "trans_a = " << to_string(ta) << ", trans_b = " << to_string(tb));
      // Copy the stored forms into buffers whose leading dimension exceeds their rows, so an indexing error that
      // uses rows instead of ld reads sentinel NaN or the wrong element.
      const Matrix a_stored = stored_for(ta, op_a), b_stored = stored_for(tb, op_b);
      GuardedMatrix a(a_stored.rows(), a_stored.cols(), a_stored.rows() + 3);
      GuardedMatrix b(b_stored.rows(), b_stored.cols(), b_stored.rows() + 2, 1);
      GuardedMatrix c(2, 2, 5, 3);
      a.copy_from(a_stored);
      b.copy_from(b_stored);
      c.fill_nan();
      ref::sgemm(ta, tb, 2, 2, 3, 1.0f, a.view().data(), a.ld(), b.view().data(), b.ld(), 0.0f, c.view().data(), c.ld());
      EXPECT_TRUE(matrices_equal(expected, c.view()));
      EXPECT_TRUE(c.guards_intact());
    }
  }
}

// Shapes around a tile of 8 and some primes: every transpose of the stored operands gives bitwise the same C as
// the plain product of explicit transposes (the double sums run over p in the same order either way).
TEST(RefSgemm, TransposedOperandsAgreeBitwiseWithExplicitTransposes) {
  std::vector<GemmShape> shapes;
  for (std::int64_t s : sizes_around(8)) shapes.push_back({s, 17 - s, s + 2});
  for (std::int64_t p : small_primes()) if (p < 20) shapes.push_back({p, 3, p});
  std::uint64_t salt = 0;
  for (const GemmShape& shape : shapes) {
    const std::uint64_t seed = derive_seed(++salt);
    NNK_SEED_TRACE(seed);
    SCOPED_TRACE(testing::Message() << shape);
    const Matrix op_a = random_matrix(shape.m, shape.k, seed);
    const Matrix op_b = random_matrix(shape.k, shape.n, seed + 1);
    const Matrix c0 = random_matrix(shape.m, shape.n, seed + 2);
    Matrix expected = c0;
    ref_gemm(Trans::No, Trans::No, 1.5f, op_a, op_b, -0.75f, expected);
    for (Trans ta : {Trans::No, Trans::Yes}) {
      for (Trans tb : {Trans::No, Trans::Yes}) {
        SCOPED_TRACE(testing::Message() << "trans_a = " << to_string(ta) << ", trans_b = " << to_string(tb));
        const Matrix a = stored_for(ta, op_a), b = stored_for(tb, op_b);
        GuardedMatrix c(shape.m, shape.n, shape.m + 1);
        c.copy_from(c0);
        ref_gemm(ta, tb, 1.5f, a, b, -0.75f, c.view());
        EXPECT_TRUE(matrices_equal(expected, c.view()));
        EXPECT_TRUE(c.guards_intact());
      }
    }
  }
}

TEST(RefSgemm, SumsInDouble) {
  // 1e8 + 1 - 1e8: a float accumulator loses the 1 (1e8 + 1 rounds to 1e8); the double sum keeps it.
  const Matrix a = matrix_from_rows({{1e8f, 1.0f, -1e8f}});
  const Matrix b = matrix_from_rows({{1}, {1}, {1}});
  Matrix c(1, 1);
  ref_gemm(Trans::No, Trans::No, 1.0f, a, b, 0.0f, c);
  EXPECT_EQ(c(0, 0), 1.0f);
}

TEST(RefSgemm, BetaZeroOverwritesNaNInC) {
  const Matrix a = matrix_from_rows({{1, 2}, {3, 4}});
  const Matrix b = matrix_from_rows({{5, 6}, {7, 8}});
  GuardedMatrix c(2, 2, 3);
  c.fill_nan();
  ref_gemm(Trans::No, Trans::No, 1.0f, a, b, 0.0f, c.view());
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{19, 22}, {43, 50}}), c.view()));
  EXPECT_TRUE(c.guards_intact());
}

TEST(RefSgemm, AlphaZeroReadsNeitherANorB) {
  Matrix nan_a(2, 3), nan_b(3, 2);
  nan_a.fill(kNaN);
  nan_b.fill(kNaN);
  const Matrix c0 = matrix_from_rows({{1, 2}, {3, 4}});
  const Matrix half_c0 = matrix_from_rows({{0.5f, 1}, {1.5f, 2}});

  Matrix c = c0;  // NaN operands would turn C into NaN if they were read
  ref::sgemm(Trans::No, Trans::No, 2, 2, 3, 0.0f, nan_a.data(), 2, nan_b.data(), 3, 0.5f, c.data(), 2);
  EXPECT_TRUE(matrices_equal(half_c0, c));

  c = c0;  // and since they are not read, they may be null
  ref::sgemm(Trans::No, Trans::No, 2, 2, 3, 0.0f, nullptr, 2, nullptr, 3, 0.5f, c.data(), 2);
  EXPECT_TRUE(matrices_equal(half_c0, c));
}

TEST(RefSgemm, AlphaZeroAndBetaZeroWriteZerosOverNaN) {
  GuardedMatrix c(3, 2, 4);
  c.fill_nan();
  ref::sgemm(Trans::No, Trans::No, 3, 2, 5, 0.0f, nullptr, 3, nullptr, 5, 0.0f, c.view().data(), c.ld());
  EXPECT_TRUE(matrices_equal(Matrix(3, 2), c.view()));
  EXPECT_TRUE(c.guards_intact());
}

TEST(RefSgemm, KZeroScalesCByBeta) {
  Matrix c = matrix_from_rows({{1, -2}, {3, 4}});
  ref::sgemm(Trans::No, Trans::No, 2, 2, 0, 1.0f, nullptr, 2, nullptr, 1, 2.0f, c.data(), 2);
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{2, -4}, {6, 8}}), c));

  GuardedMatrix nan_c(2, 2);
  nan_c.fill_nan();
  ref::sgemm(Trans::Yes, Trans::Yes, 2, 2, 0, 1.0f, nullptr, 1, nullptr, 2, 0.0f, nan_c.view().data(), 2);
  EXPECT_TRUE(matrices_equal(Matrix(2, 2), nan_c.view()));
}

TEST(RefSgemm, EmptyCReturnsWithoutTouchingAnything) {
  GuardedMatrix c(0, 3, 1);  // m = 0: only guards, which must stay intact
  ref::sgemm(Trans::No, Trans::No, 0, 3, 4, 1.0f, nullptr, 1, nullptr, 4, 0.0f, c.view().data(), 1);
  EXPECT_TRUE(c.guards_intact());
  ref::sgemm(Trans::No, Trans::No, 3, 0, 4, 1.0f, nullptr, 3, nullptr, 4, 0.0f, nullptr, 3);  // n = 0, all null
}

TEST(RefSgemm, RejectsBadArgumentsNamingThemWithExpectedAndActualValues) {
  std::vector<float> a(64 * 64), b(64 * 64), c(64 * 64);
  auto call = [&](Trans ta, Trans tb, std::int64_t m, std::int64_t n, std::int64_t k, std::int64_t lda,
                  std::int64_t ldb, std::int64_t ldc) {
    return [&, ta, tb, m, n, k, lda, ldb, ldc] {
      ref::sgemm(ta, tb, m, n, k, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, c.data(), ldc);
    };
  };
  constexpr auto No = Trans::No, Yes = Trans::Yes;
  EXPECT_TRUE(throws_error_containing(call(static_cast<Trans>(7), No, 2, 2, 2, 2, 2, 2),
                                      {"nnk::ref::sgemm: trans_a must be Trans::No or Trans::Yes, got 7"}));
  EXPECT_TRUE(throws_error_containing(call(No, static_cast<Trans>(-1), 2, 2, 2, 2, 2, 2),
                                      {"nnk::ref::sgemm: trans_b", "got -1"}));
  EXPECT_TRUE(throws_error_containing(call(No, No, -1, 2, 2, 2, 2, 2), {"nnk::ref::sgemm: m must be >= 0, got -1"}));
  EXPECT_TRUE(throws_error_containing(call(No, No, 2, -3, 2, 2, 2, 2), {"nnk::ref::sgemm: n must be >= 0, got -3"}));
  EXPECT_TRUE(throws_error_containing(call(No, No, 2, 2, -5, 2, 2, 2), {"nnk::ref::sgemm: k must be >= 0, got -5"}));
  EXPECT_TRUE(throws_error_containing(call(No, No, 31, 2, 5, 7, 5, 31),
                                      {"nnk::ref::sgemm: lda must be >= max(1, m) = 31, got 7"}));
  EXPECT_TRUE(throws_error_containing(call(Yes, No, 5, 2, 31, 7, 31, 5),
                                      {"nnk::ref::sgemm: lda must be >= max(1, k) = 31, got 7"}));
  EXPECT_TRUE(throws_error_containing(call(No, No, 0, 2, 2, 0, 2, 1),
                                      {"nnk::ref::sgemm: lda must be >= max(1, m) = 1, got 0"}));
  EXPECT_TRUE(throws_error_containing(call(No, No, 2, 3, 20, 2, 19, 2),
                                      {"nnk::ref::sgemm: ldb must be >= max(1, k) = 20, got 19"}));
  EXPECT_TRUE(throws_error_containing(call(No, Yes, 2, 40, 3, 2, 39, 2),
                                      {"nnk::ref::sgemm: ldb must be >= max(1, n) = 40, got 39"}));
  EXPECT_TRUE(throws_error_containing(call(No, No, 31, 2, 2, 31, 2, 30),
                                      {"nnk::ref::sgemm: ldc must be >= max(1, m) = 31, got 30"}));

  EXPECT_TRUE(throws_error_containing(
      [&] { ref::sgemm(No, No, 2, 4, 3, 1.0f, nullptr, 2, b.data(), 3, 0.0f, c.data(), 2); },
      {"nnk::ref::sgemm: a is null, expected a 2 x 3 matrix"}));
  EXPECT_TRUE(throws_error_containing(
      [&] { ref::sgemm(No, No, 2, 4, 3, 1.0f, a.data(), 2, nullptr, 3, 0.0f, c.data(), 2); },
      {"nnk::ref::sgemm: b is null, expected a 3 x 4 matrix"}));
  EXPECT_TRUE(throws_error_containing(
      [&] { ref::sgemm(No, No, 2, 4, 3, 0.0f, nullptr, 2, nullptr, 3, 0.0f, nullptr, 2); },
      {"nnk::ref::sgemm: c is null, expected a 2 x 4 matrix"}));
}

TEST(RefBiasGradient, ScaledRowSums) {
  const Matrix dz = matrix_from_rows({{1, 2, 3}, {-1, 0.5f, 0.25f}});
  Matrix db(2, 1);
  ref::bias_gradient(dz, 0.5f, db);
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{3}, {-0.125f}}), db));
}

TEST(RefBiasGradient, ReadsAStridedViewAndSumsInDouble) {
  // Row 1 of a 3 x 3 block inside a 4-row matrix; 1e8 + 1 - 1e8 needs the double sum.
  Matrix storage = matrix_from_rows({{9, 9, 9}, {1e8f, 1, -1e8f}, {2, 2, 2}, {9, 9, 9}});
  Matrix db(2, 1);
  ref::bias_gradient(storage.view().block(1, 0, 2, 3), 1.0f, db);
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{1}, {6}}), db));
}

TEST(RefBiasGradient, RejectsAWrongShape) {
  Matrix dz(3, 4), db(2, 2);
  EXPECT_TRUE(throws_error_containing([&] { ref::bias_gradient(dz, 1.0f, db); },
                                      {"nnk::ref::bias_gradient: db is 2 x 2, expected rows(dz) x 1 = 3 x 1"}));
}

}  // namespace
}  // namespace nnk::test
