// nnk::TableEncoding: column choice, one-hot categories learned on the training rows, unseen categories, the
// category limit, missing values imputed or dropped, text targets, and every count in the report. Expected values
// are written out by hand from the small files.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nnk/table.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

class Encoding : public ::testing::Test {
 protected:
  Table table(const std::string& name, const std::string& content) const {
    return load_table(dir_.write(name, content));
  }

  TestDirectory dir_{"encoding"};
};

// 6 rows: a number with a missing value, a color with a missing value, an id column, a string target with a
// missing value.
const char* const kShop =
    "id,\"price (eur)\",color,label\n"
    "1,10,red,buy\n"
    "2,,blue,skip\n"
    "3,30,,buy\n"
    "4,40,red,\n"
    "5,50,green,skip\n"
    "6,20,blue,buy\n";

TEST_F(Encoding, OneHotCategoriesImputedNumbersAndTextTarget) {
  const Table shop = table("shop.csv", kShop);
  const TableEncoding e = TableEncoding::fit(shop, {.target = "label", .ignore = {"id"}});
  EXPECT_EQ(e.target_type, ColumnType::Text);
  EXPECT_EQ(e.classes, (std::vector<std::string>{"buy", "skip"}));
  ASSERT_EQ(e.features.size(), 2u);
  // Training rows are those with a label: 1, 2, 3, 5, 6 -> prices 10, (missing), 30, 50, 20: mean 27.5.
  EXPECT_DOUBLE_EQ(e.features[0].fill, 27.5);
  EXPECT_EQ(e.features[1].categories, (std::vector<std::string>{"blue", "green", "red"}));
  EXPECT_TRUE(e.features[1].missing_category);
  EXPECT_EQ(e.input_names(), (std::vector<std::string>{"price (eur)", "color=blue", "color=green", "color=red",
                                                       "color=(missing)"}));
  EXPECT_EQ(e.one_hot_inputs(), (std::vector<bool>{false, true, true, true, true}));

  const EncodedTable x = e.encode(shop, TargetUse::Required);
  EXPECT_EQ(x.rows, (std::vector<std::int64_t>{0, 1, 2, 4, 5}));
  EXPECT_EQ(x.report.rows, 6);
  EXPECT_EQ(x.report.dropped_missing_target, 1);
  EXPECT_EQ(x.report.dropped_missing_feature, 0);
  ASSERT_EQ(x.report.columns.size(), 2u);
  EXPECT_EQ(x.report.columns[0].missing, 1);
  EXPECT_EQ(x.report.columns[1].missing, 1);
  EXPECT_EQ(x.report.columns[1].unseen, 0);
  const std::vector<std::vector<float>> expected = {
      {10, 0, 0, 1, 0}, {27.5f, 1, 0, 0, 0}, {30, 0, 0, 0, 1}, {50, 0, 1, 0, 0}, {20, 1, 0, 0, 0}};
  ASSERT_EQ(x.features.rows(), 5);
  ASSERT_EQ(x.features.cols(), 5);
  for (std::int64_t j = 0; j < 5; ++j)
    for (std::int64_t i = 0; i < 5; ++i)
      EXPECT_EQ(x.features(i, j), expected[static_cast<std::size_t>(j)][static_cast<std::size_t>(i)]) << i << "," << j;
  const std::vector<float> classes = {0, 1, 0, 1, 0};
  for (std::int64_t j = 0; j < 5; ++j) EXPECT_EQ(x.targets(0, j), classes[static_cast<std::size_t>(j)]);
}

TEST_F(Encoding, UnseenCategoriesAreAllZeroAndCounted) {
  const TableEncoding e = TableEncoding::fit(table("shop.csv", kShop), {.target = "label", .ignore = {"id"}});
  // The new file has its columns in another order and an extra one; purple and pink are new.
  const Table later = table("later.csv", "color,extra,\"price (eur)\"\npurple,1,5\nred,2,6\npink,3,7\n,4,\n");
  const EncodedTable x = e.encode(later, TargetUse::Ignored);
  ASSERT_EQ(x.features.cols(), 4);
  EXPECT_EQ(x.targets.size(), 0);
  EXPECT_EQ(x.report.columns[1].unseen, 2);
  EXPECT_EQ(x.report.columns[1].missing, 1);
  EXPECT_EQ(x.report.columns[0].missing, 1);
  for (std::int64_t i = 1; i < 5; ++i) EXPECT_EQ(x.features(i, 0), 0.0f);  // purple: all zeros
  EXPECT_EQ(x.features(3, 1), 1.0f);                                      // red
  EXPECT_EQ(x.features(4, 3), 1.0f);                                      // missing: its own input
  EXPECT_EQ(x.features(0, 3), 27.5f);                                     // missing price: the training mean
  // A required target that the file lacks, and a class the model does not know.
  EXPECT_TRUE(throws_error_containing([&] { e.encode(later, TargetUse::Required); },
                                      {"later.csv' has no target column 'label'"}));
  const Table odd = table("odd.csv", "\"price (eur)\",color,label\n1,red,maybe\n");
  EXPECT_TRUE(throws_error_containing([&] { e.encode(odd, TargetUse::Required); },
                                      {"'label'", "'maybe' in data row 1", "not one of the model's classes (buy, skip)"}));
  const Table no_color = table("no_color.csv", "\"price (eur)\",label\n1,buy\n");
  EXPECT_TRUE(throws_error_containing([&] { e.encode(no_color, TargetUse::Required); },
                                      {"has no column named 'color', which the model needs as a feature"}));
}

TEST_F(Encoding, DropModeLeavesOutRowsWithAMissingFeature) {
  const Table shop = table("shop.csv", kShop);
  const TableEncoding e = TableEncoding::fit(shop, {.target = "label", .ignore = {"id"}, .missing = MissingValues::Drop});
  // Training rows: labelled and complete: 1, 5, 6 -> prices 10, 50, 20: mean 80 / 3; colors red, green, blue.
  EXPECT_DOUBLE_EQ(e.features[0].fill, 80.0 / 3);
  EXPECT_FALSE(e.features[1].missing_category);
  EXPECT_EQ(e.inputs(), 4);
  const EncodedTable x = e.encode(shop, TargetUse::Required);
  EXPECT_EQ(x.rows, (std::vector<std::int64_t>{0, 4, 5}));
  EXPECT_EQ(x.report.dropped_missing_target, 1);
  EXPECT_EQ(x.report.dropped_missing_feature, 2);
  // Predictions keep every row: a missing value is filled in and counted.
  const EncodedTable p = e.encode(shop, TargetUse::Ignored);
  EXPECT_EQ(p.features.cols(), 6);
  EXPECT_EQ(p.report.columns[0].missing, 1);
  EXPECT_EQ(p.features(0, 1), static_cast<float>(80.0 / 3));
}

TEST_F(Encoding, ColumnChoiceByFeaturesAndIgnore) {
  const Table shop = table("shop.csv", kShop);
  const TableEncoding only = TableEncoding::fit(shop, {.target = "label", .features = {"color", "price (eur)"}});
  EXPECT_EQ(only.features[0].name, "color");  // the order given
  EXPECT_EQ(only.features[1].name, "price (eur)");
  const TableEncoding all = TableEncoding::fit(shop, {.target = "label"});
  EXPECT_EQ(all.features.size(), 3u);  // id included
  EXPECT_EQ(all.features[0].type, ColumnType::Number);
  EXPECT_TRUE(throws_error_containing([&] { TableEncoding::fit(shop, {.target = "label", .ignore = {"nope"}}); },
                                      {"has no column named 'nope'; its columns are: id, price (eur), color, label"}));
  EXPECT_TRUE(throws_error_containing([&] { TableEncoding::fit(shop, {.target = "label", .features = {"label"}}); },
                                      {"the target column 'label' cannot also be a feature"}));
  EXPECT_TRUE(throws_error_containing([&] { TableEncoding::fit(shop, {.target = "price"}); },
                                      {"has no column named 'price'"}));
  EXPECT_TRUE(throws_error_containing(
      [&] { TableEncoding::fit(shop, {.target = "label", .ignore = {"id", "price (eur)", "color"}}); },
      {"no feature columns are left"}));
}

TEST_F(Encoding, TooManyCategoriesNamesTheColumnAndSuggestsIgnore) {
  std::string content = "city,y\n";
  for (int r = 0; r < 60; ++r) content += "c" + std::to_string(r % 51) + "," + std::to_string(r % 2) + "\n";
  const Table t = table("cities.csv", content);
  EXPECT_TRUE(throws_error_containing([&] { TableEncoding::fit(t, {.target = "y"}); },
                                      {"column 'city' has 51 categories", "max_categories (--max-categories) = 50",
                                       "--ignore 'city'"}));
  EXPECT_EQ(TableEncoding::fit(t, {.target = "y", .max_categories = 51}).inputs(), 51);
}

TEST_F(Encoding, NumberTargetAndAColumnWithoutValues) {
  const Table t = table("n.csv", "a,b,y\n1,,0.5\n3,,1.5\n,,\n");
  EXPECT_TRUE(throws_error_containing([&] { TableEncoding::fit(t, {.target = "y"}); },
                                      {"column 'b' has no value in the training rows", "--ignore"}));
  const TableEncoding e = TableEncoding::fit(t, {.target = "y", .ignore = {"b"}});
  EXPECT_EQ(e.target_type, ColumnType::Number);
  const EncodedTable x = e.encode(t, TargetUse::Required);
  EXPECT_EQ(x.targets.cols(), 2);
  EXPECT_EQ(x.targets(0, 1), 1.5f);
  // Trained on numbers, given text: an error naming the column.
  const Table words = table("w.csv", "a,y\nlots,1\n");
  EXPECT_TRUE(throws_error_containing([&] { e.encode(words, TargetUse::Required); },
                                      {"column 'a'", "holds text, the model was trained on numbers"}));
}

}  // namespace
}  // namespace nnk::test
