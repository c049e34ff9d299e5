// Seeded permutations and splits, standardization, one-hot labels.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

#include "nnk/data.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

Dataset numbered_dataset(std::int64_t m) {
  Dataset d;
  d.features = Matrix(2, m);
  d.targets = Matrix(1, m);
  for (std::int64_t j = 0; j < m; ++j) {
    d.features(0, j) = static_cast<float>(j);
    d.features(1, j) = static_cast<float>(2 * j);
    d.targets(0, j) = static_cast<float>(j % 3);
  }
  d.feature_names = {"a", "b"};
  d.target_name = "t";
  return d;
}

TEST(Permutation, IsAPermutationFixedBySeed) {
  const std::vector<std::int64_t> p = seeded_permutation(1000, 5);
  std::vector<std::int64_t> sorted = p;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::int64_t> identity(1000);
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_EQ(sorted, identity);
  EXPECT_NE(p, identity);
  EXPECT_EQ(p, seeded_permutation(1000, 5));
  EXPECT_NE(p, seeded_permutation(1000, 6));
  EXPECT_TRUE(seeded_permutation(0, 1).empty());
}

TEST(TrainTestSplit, DisjointCompleteAndSeeded) {
  const Dataset d = numbered_dataset(101);
  const TrainTestSplit s = train_test_split(d, 0.2, 9);
  EXPECT_EQ(s.test.examples(), 20);  // round(20.2)
  EXPECT_EQ(s.train.examples(), 81);
  std::vector<std::int64_t> seen;
  for (const Dataset* part : {&s.train, &s.test}) {
    EXPECT_EQ(part->feature_names, d.feature_names);
    for (std::int64_t j = 0; j < part->examples(); ++j) {
      const auto index = static_cast<std::int64_t>(part->features(0, j));
      EXPECT_EQ(part->features(1, j), 2.0f * index);  // the columns travel whole
      EXPECT_EQ(part->targets(0, j), static_cast<float>(index % 3));
      seen.push_back(index);
    }
  }
  std::sort(seen.begin(), seen.end());
  std::vector<std::int64_t> all(101);
  std::iota(all.begin(), all.end(), 0);
  EXPECT_EQ(seen, all);
  EXPECT_TRUE(matrices_equal(s.test.features, train_test_split(d, 0.2, 9).test.features));
  EXPECT_FALSE(matrices_equal(s.test.features, train_test_split(d, 0.2, 10).test.features));
  EXPECT_TRUE(throws_error_containing([&] { train_test_split(d, 1.0, 1); }, {"test_fraction must be in (0, 1), got 1"}));
  EXPECT_TRUE(throws_error_containing([&] { train_test_split(numbered_dataset(3), 0.1, 1); },
                                      {"gives 0 test examples"}));
}

TEST(Standardizer, FitsTheGivenSplitOnly) {
  Matrix train = matrix_from_rows({{1, 2, 3, 4}, {10, 10, 10, 10}, {-5, 5, -5, 5}});
  const Standardizer s = Standardizer::fit(train);
  EXPECT_DOUBLE_EQ(s.mean()[0], 2.5);
  EXPECT_DOUBLE_EQ(s.stddev()[0], std::sqrt(1.25));
  EXPECT_DOUBLE_EQ(s.stddev()[1], 1.0);  // constant: scale 1
  s.transform(train);
  for (std::int64_t i = 0; i < 3; ++i) {
    double sum = 0, squares = 0;
    for (std::int64_t j = 0; j < 4; ++j) {
      sum += train(i, j);
      squares += static_cast<double>(train(i, j)) * train(i, j);
    }
    EXPECT_NEAR(sum / 4, 0.0, 1e-7);
    EXPECT_NEAR(squares / 4, i == 1 ? 0.0 : 1.0, 1e-6);
  }
  Matrix test = matrix_from_rows({{2.5f}, {11}, {0}});  // transformed with the training statistics
  s.transform(test);
  EXPECT_FLOAT_EQ(test(0, 0), 0.0f);
  EXPECT_FLOAT_EQ(test(1, 0), 1.0f);
  Matrix wrong(2, 1);
  EXPECT_TRUE(throws_error_containing([&] { s.transform(wrong); }, {"features has 2 rows", "fit on 3"}));
}

TEST(Labels, OneHotAndClassCount) {
  const Matrix labels = matrix_from_rows({{2, 0, 1, 2}});
  EXPECT_EQ(count_classes(labels), 3);
  const Matrix y = one_hot(labels, 3);
  EXPECT_TRUE(matrices_equal(y, matrix_from_rows({{0, 1, 0, 0}, {0, 0, 1, 0}, {1, 0, 0, 1}})));
  EXPECT_TRUE(throws_error_containing([&] { one_hot(labels, 2); }, {"labels(0, 0) = 2 is not below classes = 2"}));
  EXPECT_TRUE(throws_error_containing([&] { count_classes(matrix_from_rows({{0, 1.5f}})); },
                                      {"labels(0, 1) = 1.5 is not a class index"}));
  EXPECT_TRUE(throws_error_containing([&] { one_hot(matrix_from_rows({{-1}}), 2); }, {"is not a class index"}));
  EXPECT_TRUE(throws_error_containing([&] { one_hot(Matrix(2, 3), 2); }, {"labels has 2 rows, expected 1"}));
}

TEST(SelectColumns, CopiesTheListedColumns) {
  const Matrix x = matrix_from_rows({{1, 2, 3}, {4, 5, 6}});
  EXPECT_TRUE(matrices_equal(select_columns(x, {2, 0, 2}), matrix_from_rows({{3, 1, 3}, {6, 4, 6}})));
  EXPECT_TRUE(throws_error_containing([&] { select_columns(x, {3}); }, {"columns[0] must be in [0, 3), got 3"}));
}

}  // namespace
}  // namespace nnk::test
