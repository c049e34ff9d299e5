// Real CSV files: a table of raw columns (numbers, text, missing values) and the encoding that turns it into a
// network's inputs, fitted on the training split only.
//
//   nnk::Table all = nnk::load_table("customers.csv");
//   auto [train, test] = nnk::split_table(all, 0.2, /*seed=*/7);
//   nnk::TableEncoding encoding = nnk::TableEncoding::fit(train, {.target = "churned"});
//   nnk::EncodedTable x = encoding.encode(train, nnk::TargetUse::Required);   // x.features, x.targets, x.report
//
// The file is RFC 4180 CSV: a header row of column names (any text; quoted when it holds a comma or a quote),
// commas between fields, \n or \r\n between records; a quoted field may hold commas, line breaks and doubled quotes
// ("" is one quote). Blanks around a field, a UTF-8 byte-order mark and blank lines are ignored.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nnk/matrix.hpp"

namespace nnk {

// Number: every value of the column reads as a finite number; Text: anything else.
enum class ColumnType { Number, Text };

struct TableColumn {
  std::string name;
  ColumnType type = ColumnType::Number;
  std::vector<std::string> categories;  // Text: the distinct values, in order of first appearance in the file
  std::vector<std::int32_t> codes;      // Text: per row, an index into categories, or -1 where missing
  std::int64_t missing = 0;             // rows where the value is missing
};

// A missing value is an empty field, NA, N/A, ?, or NaN in any case, signed or not (what std::from_chars reads as
// NaN, after an optional '+').
struct Table {
  std::string source;                // the file it was read from
  std::vector<TableColumn> columns;  // in the file's order
  Matrix numbers;                    // columns x rows: numbers(c, r) of a Number column; NaN where missing and for
                                     // every Text column (examples are columns, as everywhere in nnk)

  std::int64_t rows() const { return numbers.cols(); }
  bool is_missing(std::size_t column, std::int64_t row) const;
  // The column of that name: nnk::Error listing the columns when there is none, or naming both when two share it.
  std::size_t column_index(std::string_view name) const;
};

// Reads an RFC 4180 file on all of nnk's threads (record boundaries found with a quote-parity pre-scan). nnk::Error
// "nnk::load_table: path:line:column: ..." for an unclosed quote, text after a closing quote, a quote inside an
// unquoted field, a row with another field count than the header, an empty header name, a number out of float's
// range or infinite in a column of numbers; and for a file that cannot be read, is empty, or has no data rows.
// The columns named in text_columns are read as text whatever their values (a model trained on categories "1",
// "2", "x" reads "1" and "2" as categories in a file that lacks the "x").
Table load_table(const std::string& path, const std::vector<std::string>& text_columns = {});

// The rows listed, in that order (an index may repeat).
Table select_rows(const Table& table, const std::vector<std::int64_t>& rows);

struct TableSplit {
  Table train;
  Table test;
};
// The same rows as nnk::train_test_split of a Dataset with as many examples (seeded_permutation(seed), the first
// round(test_fraction * rows) of it to test).
TableSplit split_table(const Table& table, double test_fraction, std::uint64_t seed);

enum class MissingValues {
  Impute,  // a number column's missing value becomes the training mean; a text column's is a category of its own
  Drop,    // a row with a missing feature is left out (training and evaluation; predictions still impute)
};

struct EncodingOptions {
  std::string target;                 // the target column's name
  std::vector<std::string> features = {};  // the feature columns, in this order; empty: every column but the target
  std::vector<std::string> ignore = {};    // columns left out (of the default features)
  std::int64_t max_categories = 50;   // a text feature with more distinct values is an error
  MissingValues missing = MissingValues::Impute;
};

// How one feature column becomes network inputs.
struct FeatureEncoding {
  std::string name;
  ColumnType type = ColumnType::Number;
  double fill = 0;                       // Number: one input; a missing value becomes this (the training mean)
  std::vector<std::string> categories;   // Text: one 0/1 input per category, in this order (sorted); a value not
                                         // seen in training gets all zeros
  bool missing_category = false;         // Text: one more input, after the categories, that is 1 when missing
};

// The name of the one-hot input of a text column's category: "color=red"; the missing category's is "color=(missing)".
std::string one_hot_input_name(const std::string& column, const std::string& category);
std::string missing_input_name(const std::string& column);

// Per feature column: how many values were missing (filled in, put in their own category, or rows dropped), and
// how many text values were categories the encoding does not know (encoded as all zeros).
struct ColumnCounts {
  std::string column;
  std::int64_t missing = 0;
  std::int64_t unseen = 0;
};

struct EncodingReport {
  std::int64_t rows = 0;                      // rows of the table
  std::int64_t dropped_missing_target = 0;    // TargetUse::Required: rows without a target value
  std::int64_t dropped_missing_feature = 0;   // MissingValues::Drop: rows with a missing feature (and a target)
  std::vector<ColumnCounts> columns;          // one per feature, in encoding order
};

enum class TargetUse {
  Required,  // the target column must be there; rows without a target are left out
  Ignored,   // features only (predictions): every row is kept
};

struct EncodedTable {
  Matrix features;                 // inputs x kept rows, unstandardized (one-hot inputs are 0 or 1)
  Matrix targets;                  // 1 x kept rows (Required): the number, or the class index of a text target
  std::vector<std::int64_t> rows;  // the table row of each kept example
  EncodingReport report;
};

struct TableEncoding {
  std::string target;
  ColumnType target_type = ColumnType::Number;
  std::vector<std::string> classes;   // Text target: the class names (sorted); class k is classes[k]
  std::vector<FeatureEncoding> features;
  MissingValues missing = MissingValues::Impute;

  // Learns the encoding from the training rows (those with a target value; with MissingValues::Drop, also without
  // a missing feature). nnk::Error naming the column for: an unknown column name, the target among the features,
  // a text feature with more than max_categories categories (suggesting to ignore it), a number column with no
  // value, no feature at all.
  static TableEncoding fit(const Table& train, const EncodingOptions& options);

  std::int64_t inputs() const;
  std::vector<std::string> input_names() const;  // "age", "color=red", ..., "color=(missing)"
  std::vector<bool> one_hot_inputs() const;      // per input: whether it is a 0/1 category input

  // Encodes any table with the same column names (in any order; other columns are ignored). nnk::Error naming the
  // file and the column when one is missing, or a column's type differs from training's (a text column where the
  // model was trained on numbers), or a text target value is not one of the classes.
  EncodedTable encode(const Table& table, TargetUse use) const;
};

}  // namespace nnk
