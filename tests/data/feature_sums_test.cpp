// nnk::FeatureSums: Standardizer::fit's passes made piece by piece, the sums handed from piece to piece as between
// MPI ranks, give fit's statistics bit for bit wherever the pieces are cut (across fit's blocks of 1024 examples,
// empty pieces, one example each); misuse is named.
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "nnk/data.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

// Each piece summed by its own FeatureSums, resumed from the state the one before handed on (as a rank would);
// the result holds the totals.
FeatureSums sum_over_pieces(ConstMatrixView x, const std::vector<std::int64_t>& cuts, const std::vector<double>& mean) {
  const auto start = [&] { return mean.empty() ? FeatureSums(x.rows(), x.cols()) : FeatureSums(mean, x.cols()); };
  FeatureSums result = start();
  std::vector<double> state = result.state();
  for (std::size_t p = 0; p + 1 < cuts.size(); ++p) {
    FeatureSums piece = start();
    piece.resume(state, cuts[p]);
    piece.add(x.col_block(cuts[p], cuts[p + 1] - cuts[p]));
    state = piece.state();
  }
  result.resume(state, x.cols());
  return result;
}

Standardizer fit_over_pieces(ConstMatrixView x, const std::vector<std::int64_t>& cuts) {
  std::vector<double> mean = sum_over_pieces(x, cuts, {}).means();
  const FeatureSums squares = sum_over_pieces(x, cuts, mean);
  return Standardizer::from_sums(std::move(mean), squares);
}

void expect_bitwise_equal(const std::vector<double>& a, const std::vector<double>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], b[i]) << what << " of feature " << i;
}

TEST(FeatureSums, PiecesGiveFitsStatisticsBitForBit) {
  // Values with a large mean, so that a different order of the additions would show in the last bits.
  const Matrix x = random_matrix(5, 3001, 41, 1000.0f, 1001.0f);
  const Standardizer whole = Standardizer::fit(x);
  const std::vector<std::vector<std::int64_t>> cuts = {
      {0, 3001},                         // one piece
      {0, 1000, 2000, 3001},             // three ranks: cuts inside fit's blocks
      {0, 1024, 2048, 3001},             // cuts on the blocks' edges
      {0, 0, 1, 1023, 1025, 3000, 3001},  // empty pieces, single examples
      {0, 750, 1500, 2250, 3001, 3001},  // four ranks and an empty last one
  };
  for (const auto& c : cuts) {
    SCOPED_TRACE("cuts ending at " + std::to_string(c[c.size() - 2]));
    const Standardizer pieces = fit_over_pieces(x, c);
    expect_bitwise_equal(pieces.mean(), whole.mean(), "mean");
    expect_bitwise_equal(pieces.stddev(), whole.stddev(), "stddev");
  }
}

TEST(FeatureSums, ManyBlocksAndPiecesThatEndInsideThem) {
  const Matrix x = random_matrix(3, 300000, 42, -5.0f, 50.0f);  // blocks of 1172 examples
  const Standardizer whole = Standardizer::fit(x);
  const Standardizer pieces = fit_over_pieces(x, {0, 99999, 100001, 212345, 300000});
  expect_bitwise_equal(pieces.mean(), whole.mean(), "mean");
  expect_bitwise_equal(pieces.stddev(), whole.stddev(), "stddev");
}

TEST(FeatureSums, MisuseIsNamed) {
  const Matrix x = random_matrix(2, 10, 43);
  FeatureSums sums(2, 10);
  EXPECT_TRUE(throws_error_containing([&] { sums.add(random_matrix(3, 1, 44)); },
                                      {"nnk::FeatureSums::add", "3 rows, expected 2"}));
  EXPECT_TRUE(throws_error_containing([&] { sums.totals(); },
                                      {"nnk::FeatureSums::totals", "0 of the set's 10 examples"}));
  sums.add(x.col_block(0, 4));
  EXPECT_TRUE(throws_error_containing([&] { sums.add(x); },
                                      {"nnk::FeatureSums::add", "10 examples, expected at most 6"}));
  EXPECT_TRUE(throws_error_containing([&] { sums.resume({1.0}, 2); },
                                      {"nnk::FeatureSums::resume", "1 entries, expected 4"}));
  EXPECT_TRUE(throws_error_containing([&] { sums.resume(sums.state(), 11); },
                                      {"nnk::FeatureSums::resume", "position = 11, expected 0 .. 10"}));
  EXPECT_TRUE(throws_error_containing([] { const FeatureSums bad(-1, 3); }, {"nnk::FeatureSums", "features = -1"}));
  FeatureSums infinite(1, 2);
  infinite.add(matrix_from_rows({{1.0f, std::numeric_limits<float>::infinity()}}));
  FeatureSums squares(std::vector<double>{0.0}, 2);
  squares.resume(squares.state(), 2);
  EXPECT_TRUE(throws_error_containing([&] { Standardizer::from_sums(infinite.means(), squares); },
                                      {"nnk::Standardizer::from_sums: feature 0 has mean inf"}));
}

}  // namespace
}  // namespace nnk::test
