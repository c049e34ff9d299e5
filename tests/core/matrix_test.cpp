// Matrix, MatrixView and ConstMatrixView: layout, alignment, sub-views, copies and shape errors.
#include <gtest/gtest.h>

#include <cstdint>

#include "nnk/matrix.hpp"
#include "support/errors.hpp"

namespace nnk {
namespace {

using test::throws_error_containing;

TEST(Matrix, IsZeroedColumnMajorAndAligned) {
  Matrix m(5, 3);
  EXPECT_EQ(m.rows(), 5);
  EXPECT_EQ(m.cols(), 3);
  EXPECT_EQ(m.ld(), 5);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(m.data()) % Matrix::kAlignment, 0u);
  for (std::int64_t j = 0; j < 3; ++j)
    for (std::int64_t i = 0; i < 5; ++i) EXPECT_EQ(m(i, j), 0.0f);
  m(2, 1) = 7.0f;
  EXPECT_EQ(m.data()[2 + 1 * 5], 7.0f);
  EXPECT_EQ(m.col(1)[2], 7.0f);
}

TEST(Matrix, EmptyShapesAreValid) {
  Matrix none;
  EXPECT_TRUE(none.empty());
  Matrix no_rows(0, 4);
  EXPECT_EQ(no_rows.ld(), 1);
  EXPECT_TRUE(no_rows.empty());
}

TEST(Matrix, CopiesAreDeepAndMovesSteal) {
  Matrix a(2, 2);
  a.fill(3.0f);
  Matrix b = a;
  b(0, 0) = 1.0f;
  EXPECT_EQ(a(0, 0), 3.0f);
  Matrix c = std::move(b);
  EXPECT_EQ(c(0, 0), 1.0f);
  a = c;
  EXPECT_EQ(a(0, 0), 1.0f);
}

TEST(Matrix, FromCompactsAStridedView) {
  float storage[12] = {1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0};
  const ConstMatrixView v(storage, 3, 3, 4);
  const Matrix m = Matrix::from(v);
  EXPECT_EQ(m.ld(), 3);
  EXPECT_EQ(m(2, 2), 9.0f);
  EXPECT_EQ(m(0, 1), 4.0f);
}

TEST(MatrixView, ColumnBlocksAndBlocksShareStorage) {
  Matrix m(4, 6);
  MatrixView block = m.view().col_block(2, 3);
  EXPECT_EQ(block.cols(), 3);
  EXPECT_EQ(block.ld(), 4);
  block(1, 0) = 5.0f;
  EXPECT_EQ(m(1, 2), 5.0f);
  MatrixView inner = m.view().block(1, 1, 2, 2);
  inner(1, 1) = 6.0f;
  EXPECT_EQ(m(2, 2), 6.0f);
  const ConstMatrixView read_only = inner;
  EXPECT_EQ(read_only(1, 1), 6.0f);
}

TEST(MatrixView, ShapeErrorsNameTheArgument) {
  float x[4] = {};
  EXPECT_TRUE(throws_error_containing([&] { MatrixView(x, -1, 2, 2); }, {"rows must be >= 0", "got -1"}));
  EXPECT_TRUE(throws_error_containing([&] { MatrixView(x, 2, -2, 2); }, {"cols must be >= 0", "got -2"}));
  EXPECT_TRUE(throws_error_containing([&] { MatrixView(x, 3, 1, 2); }, {"ld must be >= max(1, rows) = 3", "got 2"}));
  EXPECT_TRUE(throws_error_containing([&] { ConstMatrixView(nullptr, 2, 2, 2); }, {"data is null", "2 x 2"}));
  Matrix m(4, 6);
  EXPECT_TRUE(throws_error_containing([&] { (void)m.view().col_block(4, 3); }, {"columns [4, 7)", "[0, 6)"}));
  EXPECT_TRUE(throws_error_containing([&] { (void)m.view().block(3, 0, 2, 1); }, {"rows [3, 5)", "[0, 4)"}));
  EXPECT_TRUE(throws_error_containing([&] { Matrix(-3, 2); }, {"nnk::Matrix", "rows must be >= 0", "got -3"}));
}

TEST(Matrix, ImpossibleSizesAreAnErrorNotACrash) {
  EXPECT_TRUE(throws_error_containing([&] { Matrix(std::int64_t{1} << 40, std::int64_t{1} << 30); },
                                      {"nnk::Matrix", "exceed the addressable size"}));
  EXPECT_TRUE(throws_error_containing([&] { Matrix(std::int64_t{1} << 40, 4); }, {"nnk::Matrix", "cannot allocate"}));
}

}  // namespace
}  // namespace nnk
