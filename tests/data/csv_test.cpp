// nnk::load_csv: values, target selection, tolerated formatting, and errors that point at file:line:column.
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "nnk/data.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

class Csv : public ::testing::Test {
 protected:
  std::string file(const std::string& name, const std::string& content) const { return dir_.write(name, content); }

  TestDirectory dir_{"csv"};
};

TEST_F(Csv, ReadsFeaturesAndTargetAsColumns) {
  const std::string path = file("a.csv", "x,y,label\n1,2.5,0\n-3,4e1,1\n");
  const Dataset d = load_csv(path, "label");
  ASSERT_EQ(d.features.rows(), 2);
  ASSERT_EQ(d.examples(), 2);
  EXPECT_EQ(d.features(0, 0), 1.0f);
  EXPECT_EQ(d.features(1, 0), 2.5f);
  EXPECT_EQ(d.features(0, 1), -3.0f);
  EXPECT_EQ(d.features(1, 1), 40.0f);
  EXPECT_EQ(d.targets(0, 1), 1.0f);
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(d.target_name, "label");
}

TEST_F(Csv, TargetByIndexAnywhere) {
  const std::string path = file("a.csv", "t,x,y\n7,1,2\n8,3,4\n");
  const Dataset first = load_csv(path, std::int64_t{0});
  EXPECT_EQ(first.target_name, "t");
  EXPECT_EQ(first.targets(0, 1), 8.0f);
  EXPECT_EQ(first.features(0, 0), 1.0f);
  const Dataset last = load_csv(path, std::int64_t{-1});
  EXPECT_EQ(last.target_name, "y");
  EXPECT_EQ(last.features(0, 1), 8.0f);
  EXPECT_EQ(last.features(1, 1), 3.0f);
  EXPECT_TRUE(throws_error_containing([&] { load_csv(path, std::int64_t{3}); },
                                      {"nnk::load_csv: target_index must be in [-3, 3)", "got 3"}));
}

TEST_F(Csv, ToleratesCrlfBlankLinesSpacesAndByteOrderMark) {
  const std::string path = file("a.csv", "\xEF\xBB\xBF a , b \r\n\r\n 1 ,+2\r\n\n3,4\r\n\n");
  const Dataset d = load_csv(path, "b");
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"a"}));
  ASSERT_EQ(d.examples(), 2);
  EXPECT_EQ(d.targets(0, 0), 2.0f);
  EXPECT_EQ(d.features(0, 1), 3.0f);
}

TEST_F(Csv, BadFieldNamesFileLineAndColumn) {
  const std::string path = file("bad.csv", "a,b,c\n1,2,3\n4, x5,6\n");
  EXPECT_TRUE(throws_error_containing([&] { load_csv(path, "c"); },
                                      {"nnk::load_csv: ", "bad.csv:3:4: field 'x5' (column 'b') is not a number"}));
  const std::string empty_field = file("empty_field.csv", "a,b\n1,\n");
  EXPECT_TRUE(throws_error_containing([&] { load_csv(empty_field, "b"); }, {"empty_field.csv:2:3: field ''", "is empty"}));
  const std::string infinite = file("inf.csv", "a,b\n1,inf\n");
  EXPECT_TRUE(throws_error_containing([&] { load_csv(infinite, "b"); }, {"inf.csv:2:3", "is not finite"}));
  const std::string huge = file("huge.csv", "a,b\n1e60,1\n");
  EXPECT_TRUE(throws_error_containing([&] { load_csv(huge, "b"); }, {"huge.csv:2:1", "out of the range of float"}));
}

TEST_F(Csv, RaggedRowsNameFileLineAndColumn) {
  const std::string short_row = file("short.csv", "a,b,c\n1,2,3\n4,5\n");
  EXPECT_TRUE(throws_error_containing([&] { load_csv(short_row, "c"); },
                                      {"short.csv:3:4: row has 2 fields, expected 3 (as many as the header)"}));
  const std::string long_row = file("long.csv", "a,b\n1,2,3\n");
  EXPECT_TRUE(throws_error_containing([&] { load_csv(long_row, "b"); }, {"long.csv:2:5: row has 3 fields, expected 2"}));
}

TEST_F(Csv, EmptyMissingAndHeaderOnlyFiles) {
  EXPECT_TRUE(throws_error_containing([&] { load_csv(file("empty.csv", ""), "a"); },
                                      {"nnk::load_csv: ", "empty.csv:1:1: the file is empty", "expected a header row"}));
  EXPECT_TRUE(throws_error_containing([&] { load_csv(file("blank.csv", "\n \n"), "a"); }, {"blank.csv:1:1: the file is empty"}));
  EXPECT_TRUE(throws_error_containing([&] { load_csv(file("header.csv", "\na,b\n"), "a"); },
                                      {"header.csv:3:1: no data rows after the header row"}));
  EXPECT_TRUE(throws_error_containing([&] { load_csv(dir_.file("absent.csv"), "a"); },
                                      {"cannot open", "absent.csv", "No such file"}));
  EXPECT_TRUE(throws_error_containing([&] { load_csv(file("one.csv", "a\n1\n"), "a"); },
                                      {"has 1 column, expected at least a feature and a target"}));
}

TEST_F(Csv, TargetNameMustExistOnce) {
  const std::string path = file("a.csv", "a,b,a\n1,2,3\n");
  EXPECT_TRUE(throws_error_containing([&] { load_csv(path, "z"); }, {"has no column named 'z'; its columns are: a, b, a"}));
  EXPECT_TRUE(throws_error_containing([&] { load_csv(path, "a"); }, {"more than one column named 'a' (columns 1 and 3)"}));
  EXPECT_TRUE(throws_error_containing([&] { load_csv(file("noname.csv", "a,,c\n1,2,3\n"), "a"); },
                                      {"noname.csv:1:3: header column 2 has no name"}));
}

TEST(ShippedData, ShapesAndTargets) {
  const std::string dir = NNK_DATA_DIR;
  const struct {
    const char* file;
    const char* target;
    std::int64_t features, examples;
  } sets[] = {{"wdbc.csv", "benign", 30, 569},
              {"digits.csv", "digit", 64, 1797},
              {"iris.csv", "species", 4, 150},
              {"diabetes.csv", "progression", 10, 442}};
  for (const auto& s : sets) {
    const Dataset d = load_csv(dir + "/" + s.file, s.target);
    EXPECT_EQ(d.features.rows(), s.features) << s.file;
    EXPECT_EQ(d.examples(), s.examples) << s.file;
  }
  EXPECT_EQ(count_classes(load_csv(dir + "/digits.csv", "digit").targets), 10);
  EXPECT_EQ(count_classes(load_csv(dir + "/iris.csv", std::int64_t{-1}).targets), 3);
}

}  // namespace
}  // namespace nnk::test
