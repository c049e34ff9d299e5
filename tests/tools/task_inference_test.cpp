// Task inference from the target values, the --task override, and target encoding.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nnk/error.hpp"
#include "task_inference.hpp"

namespace nnk::train_cli {
namespace {

Matrix row(const std::vector<float>& values) {
  Matrix m(1, static_cast<std::int64_t>(values.size()));
  for (std::size_t j = 0; j < values.size(); ++j) m(0, static_cast<std::int64_t>(j)) = values[j];
  return m;
}

TargetEncoding infer(const std::vector<float>& values, TaskChoice choice = TaskChoice::Auto) {
  return infer_target(row(values), choice, "y");
}

TEST(TaskInference, TwoDistinctIntegersAreBinary) {
  for (const auto& values : std::vector<std::vector<float>>{{0, 1, 1, 0}, {-1, 1, 1}, {1, 2, 2, 1}, {7, 3}}) {
    const TargetEncoding t = infer(values);
    EXPECT_EQ(t.task, Task::Binary) << ::testing::PrintToString(values);
    EXPECT_EQ(t.class_labels.size(), 2u);
    EXPECT_LT(t.class_labels[0], t.class_labels[1]);
    EXPECT_EQ(t.outputs(), 1);
  }
}

TEST(TaskInference, FewNonNegativeIntegersAreMulticlass) {
  const TargetEncoding t = infer({2, 0, 1, 2, 5});
  EXPECT_EQ(t.task, Task::Multiclass);
  EXPECT_EQ(t.class_labels, (std::vector<double>{0, 1, 2, 5}));
  EXPECT_EQ(t.outputs(), 4);
  std::vector<float> twenty;
  for (int k = 0; k < kMaxInferredClasses; ++k) twenty.push_back(static_cast<float>(k));
  EXPECT_EQ(infer(twenty).task, Task::Multiclass);
}

TEST(TaskInference, EverythingElseIsRegression) {
  EXPECT_EQ(infer({0.5f, 1, 2}).task, Task::Regression);           // not integers
  EXPECT_EQ(infer({0, 1.5f}).task, Task::Regression);              // two values, one not an integer
  EXPECT_EQ(infer({-1, 0, 1}).task, Task::Regression);             // a negative class
  EXPECT_EQ(infer({4, 4, 4}).task, Task::Regression);              // a constant
  std::vector<float> many;
  for (int k = 0; k <= kMaxInferredClasses; ++k) many.push_back(static_cast<float>(k));
  EXPECT_EQ(infer(many).task, Task::Regression);                   // 21 distinct integers: a count, not classes
  EXPECT_TRUE(infer(many).class_labels.empty());
}

TEST(TaskInference, TheUserCanOverride) {
  EXPECT_EQ(infer({0, 1, 0}, TaskChoice::Regression).task, Task::Regression);
  EXPECT_EQ(infer({0, 1, 0}, TaskChoice::Multiclass).task, Task::Multiclass);
  EXPECT_EQ(infer({0.25f, 0.75f}, TaskChoice::Binary).task, Task::Binary);
  std::vector<float> many;
  for (int k = 0; k < 30; ++k) many.push_back(static_cast<float>(k));
  const TargetEncoding t = infer(many, TaskChoice::Multiclass);
  EXPECT_EQ(t.task, Task::Multiclass);
  EXPECT_EQ(t.outputs(), 30);
}

TEST(TaskInference, AnOverrideThatDoesNotFitIsAnError) {
  try {
    infer({0, 1, 2}, TaskChoice::Binary);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--task binary needs exactly 2 distinct values in target column 'y', found 3 (0, 1, 2)"),
              std::string::npos) << e.what();
  }
  EXPECT_THROW(infer({3, 3}, TaskChoice::Multiclass), Error);
}

TEST(TargetEncoding, BinaryMapsTheLabelsToZeroAndOne) {
  const TargetEncoding t = infer({-1, 1});
  const Matrix y = encode_targets(t, row({1, -1, 1}), "y");
  ASSERT_EQ(y.rows(), 1);
  EXPECT_EQ(y(0, 0), 1.0f);
  EXPECT_EQ(y(0, 1), 0.0f);
  EXPECT_EQ(y(0, 2), 1.0f);
}

TEST(TargetEncoding, MulticlassIsOneHotOverTheSortedLabels) {
  const TargetEncoding t = infer({3, 1, 7});
  const Matrix y = encode_targets(t, row({7, 1, 3}), "y");
  ASSERT_EQ(y.rows(), 3);
  const float expected[3][3] = {{0, 1, 0}, {0, 0, 1}, {1, 0, 0}};  // rows: classes 1, 3, 7
  for (int k = 0; k < 3; ++k)
    for (int j = 0; j < 3; ++j) EXPECT_EQ(y(k, j), expected[k][j]) << k << "," << j;
  EXPECT_EQ(class_index(t, 3), 1);
  EXPECT_EQ(class_index(t, 4), -1);
}

TEST(TargetEncoding, AnUnknownLabelNamesTheRow) {
  const TargetEncoding t = infer({0, 1, 2});
  try {
    encode_targets(t, row({0, 1, 9}), "species");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("target column 'species' has 9 in data row 3"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace nnk::train_cli
