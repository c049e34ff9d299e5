// nnk::load_table and the RFC 4180 reading under it (and under nnk::load_csv): each quoting rule, line ends, header
// names, missing values, text columns, each malformed input with its line:column, and the parallel reading of a
// file of many chunks against the independent serial reading in support/fuzz/csv_reference.hpp.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nnk/cpu.hpp"
#include "nnk/data.hpp"
#include "nnk/table.hpp"
#include "support/fuzz/csv_reference.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

class TableFile : public ::testing::Test {
 protected:
  std::string file(const std::string& name, const std::string& content) const { return dir_.write(name, content); }

  TestDirectory dir_{"table"};
};

// The text of a Text column's row (or "<missing>").
std::string text_at(const Table& t, std::size_t column, std::int64_t row) {
  const std::int32_t code = t.columns[column].codes[static_cast<std::size_t>(row)];
  return code < 0 ? "<missing>" : t.columns[column].categories[static_cast<std::size_t>(code)];
}

TEST_F(TableFile, QuotedFieldsHoldCommasDoubledQuotesAndLineBreaks) {
  const std::string path = file("q.csv",
                                "name,\"note, long\",x\n"
                                "\"Smith, J.\",\"said \"\"hi\"\"\",1\n"
                                "\"two\nlines\",\"a\r\nb\",2\n"
                                "plain, \"padded\" ,3\n");
  const Table t = load_table(path);
  ASSERT_EQ(t.columns.size(), 3u);
  EXPECT_EQ(t.columns[1].name, "note, long");
  ASSERT_EQ(t.rows(), 3);
  ASSERT_EQ(t.columns[0].type, ColumnType::Text);
  EXPECT_EQ(text_at(t, 0, 0), "Smith, J.");
  EXPECT_EQ(text_at(t, 1, 0), "said \"hi\"");
  EXPECT_EQ(text_at(t, 0, 1), "two\nlines");
  EXPECT_EQ(text_at(t, 1, 1), "a\r\nb");  // inside quotes a line break is data, \r included
  EXPECT_EQ(text_at(t, 0, 2), "plain");
  EXPECT_EQ(text_at(t, 1, 2), "padded");  // blanks outside the quotes are not part of the field
  ASSERT_EQ(t.columns[2].type, ColumnType::Number);
  EXPECT_EQ(t.numbers(2, 0), 1.0f);
  EXPECT_EQ(t.numbers(2, 2), 3.0f);
}

TEST_F(TableFile, CrLfLineEndsHeaderNamesAndQuotedNumbers) {
  const std::string path = file("crlf.csv",
                                "\xEF\xBB\xBF" "income (k$),\"age, years\",  spaced name  ,y\r\n"
                                "\"1.5\",2,3,4\r\n"
                                "\r\n"
                                "5,6,7,8\r\n");
  const Table t = load_table(path);
  ASSERT_EQ(t.columns.size(), 4u);
  EXPECT_EQ(t.columns[0].name, "income (k$)");
  EXPECT_EQ(t.columns[1].name, "age, years");
  EXPECT_EQ(t.columns[2].name, "spaced name");
  EXPECT_EQ(t.columns[3].name, "y");  // no \r left on the last name
  ASSERT_EQ(t.rows(), 2);  // the blank line is skipped
  EXPECT_EQ(t.columns[0].type, ColumnType::Number);  // a quoted number is a number
  EXPECT_EQ(t.numbers(0, 0), 1.5f);
  EXPECT_EQ(t.numbers(3, 1), 8.0f);
  // load_csv reads the same file: its numeric contract, now with quotes and names of any text.
  const Dataset d = load_csv(path, "y");
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"income (k$)", "age, years", "spaced name"}));
  EXPECT_EQ(d.features(0, 0), 1.5f);
  EXPECT_EQ(d.targets(0, 1), 8.0f);
}

TEST_F(TableFile, MissingMarkersAndTextColumns) {
  const std::string path = file("m.csv",
                                "a,b,c\n"
                                "1,red,\n"
                                "NA,blue,2\n"
                                "?,,3\n"
                                "nan,red,N/A\n"
                                "NaN,\"\",5\n"
                                "4,green,6\n");
  const Table t = load_table(path);
  ASSERT_EQ(t.rows(), 6);
  EXPECT_EQ(t.columns[0].type, ColumnType::Number);
  EXPECT_EQ(t.columns[0].missing, 4);
  EXPECT_TRUE(t.is_missing(0, 1));
  EXPECT_FALSE(t.is_missing(0, 5));
  EXPECT_EQ(t.numbers(0, 5), 4.0f);
  ASSERT_EQ(t.columns[1].type, ColumnType::Text);
  EXPECT_EQ(t.columns[1].categories, (std::vector<std::string>{"red", "blue", "green"}));  // first appearance
  EXPECT_EQ(t.columns[1].codes, (std::vector<std::int32_t>{0, 1, -1, 0, -1, 2}));
  EXPECT_EQ(t.columns[1].missing, 2);
  EXPECT_TRUE(std::isnan(t.numbers(1, 0)));  // a text column has no numbers
  EXPECT_EQ(t.columns[2].type, ColumnType::Number);
  EXPECT_EQ(t.columns[2].missing, 2);
}

TEST_F(TableFile, ForcedTextColumnsKeepNumberLikeValuesAsText) {
  const std::string path = file("f.csv", "zip,y\n02134,1\n2134,0\n");
  const Table numbers = load_table(path);
  EXPECT_EQ(numbers.columns[0].type, ColumnType::Number);
  const Table text = load_table(path, {"zip"});
  ASSERT_EQ(text.columns[0].type, ColumnType::Text);
  EXPECT_EQ(text.columns[0].categories, (std::vector<std::string>{"02134", "2134"}));
}

TEST_F(TableFile, MalformedFilesNameLineAndColumn) {
  struct Case {
    const char* name;
    const char* content;
    const char* fragment;
  };
  const std::vector<Case> cases = {
      {"unclosed.csv", "a,b\n1,2\n3,\"4\n5,6\n", "unclosed.csv:3:3: a quoted field is not closed"},
      {"after.csv", "a,b\n1,\"2\"x\n", "after.csv:2:6: unexpected text after the closing quote"},
      {"inside.csv", "a,b\n1,ab\"c\n", "inside.csv:2:5: a quote inside an unquoted field"},
      {"short.csv", "a,b,c\n1,2,3\n\"x\ny\",5\n", "short.csv:4:5: row has 2 fields, expected 3"},
      {"long.csv", "a,b\n1,\"2,\",3\n", "long.csv:2:8: row has 3 fields, expected 2"},
      {"noname.csv", "a,\"\",c\n1,2,3\n", "noname.csv:1:3: header column 2 has no name"},
      {"infinite.csv", "a,b\n1,2\n3,inf\n", "infinite.csv:3:3: field 'inf' (column 'b') is not finite"},
      {"huge.csv", "a,b\n1,2\n1e60,3\n", "huge.csv:3:1: field '1e60' (column 'a') is out of the range of float"},
      {"empty.csv", "", "empty.csv:1:1: the file is empty"},
      {"header_only.csv", "a,b\r\n\r\n", "header_only.csv:2:1: no data rows after the header row"},
  };
  for (const Case& c : cases) {
    const std::string path = file(c.name, c.content);
    EXPECT_TRUE(throws_error_containing([&] { load_table(path); }, {c.fragment})) << c.name;
  }
  EXPECT_TRUE(throws_error_containing([&] { load_table(dir_.file("absent.csv")); }, {"cannot open", "absent.csv"}));
  // In a text column, inf is a word like any other.
  const Table t = load_table(file("words.csv", "a,b\nInfinity,1\nzero,2\n"));
  EXPECT_EQ(t.columns[0].type, ColumnType::Text);
}

// A file of many chunks (several MiB) with quoted fields that hold commas, quotes and line breaks everywhere, so
// that chunk cuts fall inside quoted fields: the same values as the serial reference reading, for 1 and 2 threads.
std::string messy_file(std::int64_t rows, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::string text = "id,\"text, quoted\",value,kind\r\n";
  const std::vector<std::string> pieces = {"a", ",", "\"\"", "\n", "\r\n", " ", "xyz"};
  for (std::int64_t r = 0; r < rows; ++r) {
    std::string quoted;
    const auto length = static_cast<int>(random() % 40);
    for (int i = 0; i < length; ++i) quoted += pieces[random() % pieces.size()];
    text += std::to_string(r) + ",\"" + quoted + "\"," + std::to_string(static_cast<double>(random() % 100000) / 8) +
            "," + (random() % 3 == 0 ? "" : "k" + std::to_string(random() % 5)) + (r % 2 ? "\n" : "\r\n");
  }
  return text;
}

TEST_F(TableFile, ParallelChunksReadAsTheSerialReferenceDoes) {
  const std::string content = messy_file(120'000, 11);
  ASSERT_GT(content.size(), 4u << 20);  // several chunks
  const std::string path = file("messy.csv", content);
  const auto records = nnk::fuzz::read_reference_records(content);
  ASSERT_TRUE(records.has_value());
  ASSERT_EQ(records->size(), 120'001u);
  for (const int threads : {1, 2}) {
    const ScopedNumThreads scope(threads);
    const Table t = load_table(path);
    ASSERT_EQ(t.rows(), 120'000) << threads;
    ASSERT_EQ(t.columns[1].type, ColumnType::Text);
    ASSERT_EQ(t.columns[3].type, ColumnType::Text);
    for (std::int64_t r = 0; r < t.rows(); ++r) {
      const std::vector<std::string>& ref = (*records)[static_cast<std::size_t>(r) + 1];
      ASSERT_EQ(t.numbers(0, r), std::strtof(ref[0].c_str(), nullptr)) << "row " << r;
      ASSERT_EQ(text_at(t, 1, r), ref[1].empty() ? "<missing>" : ref[1]) << "row " << r << ", threads " << threads;
      ASSERT_EQ(t.numbers(2, r), std::strtof(ref[2].c_str(), nullptr)) << "row " << r;
      ASSERT_EQ(text_at(t, 3, r), ref[3].empty() ? "<missing>" : ref[3]) << "row " << r;
    }
  }
}

// An error deep in a many-chunk file is reported at its own line, whatever the thread count, and it is the first.
TEST_F(TableFile, ErrorsInLaterChunksPointAtTheirLine) {
  std::string content = messy_file(60'000, 5);
  const std::size_t lines_before = static_cast<std::size_t>(std::count(content.begin(), content.end(), '\n'));
  content += "60000,\"unclosed,1,k1\n";
  for (int r = 0; r < 1000; ++r) content += "60001,x,1,k1\n";  // more rows after it, without quotes
  const std::string path = file("late.csv", content);
  for (const int threads : {1, 2}) {
    const ScopedNumThreads scope(threads);
    const std::string where = "late.csv:" + std::to_string(lines_before + 1) + ":7: a quoted field is not closed";
    EXPECT_TRUE(throws_error_containing([&] { load_table(path); }, {where})) << threads;
  }
  // The same for load_csv on a numeric file: a bad field and then an unclosed quote, both in a late chunk.
  std::string numbers = "a,b,c\n";
  for (int r = 0; r < 400'000; ++r) numbers += "1,22,333\n";
  const std::string bad_field = file("late_field.csv", numbers + "4,5x,6\n7,\"8\n");
  const std::string unclosed = file("late_quote.csv", numbers + "4,5,6\n7,\"8\n");
  for (const int threads : {1, 2}) {
    const ScopedNumThreads scope(threads);
    EXPECT_TRUE(throws_error_containing([&] { load_csv(bad_field, "c"); },
                                        {"late_field.csv:400002:3: field '5x' (column 'b') is not a number"}));
    EXPECT_TRUE(throws_error_containing([&] { load_csv(unclosed, "c"); },
                                        {"late_quote.csv:400003:3: a quoted field is not closed"}));
  }
}

TEST_F(TableFile, SelectRowsAndSplitAgreeWithTrainTestSplit) {
  std::string content = "a,b,y\n";
  for (int r = 0; r < 50; ++r) content += std::to_string(r) + "," + std::to_string(r * 3) + "," + std::to_string(r % 2) + "\n";
  const std::string path = file("s.csv", content);
  const Table t = load_table(path);
  const auto [train, test] = split_table(t, 0.2, 9);
  const auto split = train_test_split(load_csv(path, "y"), 0.2, 9);
  ASSERT_EQ(train.rows(), split.train.examples());
  ASSERT_EQ(test.rows(), split.test.examples());
  for (std::int64_t j = 0; j < test.rows(); ++j) {
    EXPECT_EQ(test.numbers(0, j), split.test.features(0, j));
    EXPECT_EQ(test.numbers(2, j), split.test.targets(0, j));
  }
  const Table picked = select_rows(t, {4, 4, 0});
  EXPECT_EQ(picked.rows(), 3);
  EXPECT_EQ(picked.numbers(1, 1), 12.0f);
  EXPECT_EQ(picked.numbers(1, 2), 0.0f);
}

}  // namespace
}  // namespace nnk::test
