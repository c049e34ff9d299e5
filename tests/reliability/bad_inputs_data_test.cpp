// Bad inputs at the data entry points: load_csv (missing, empty, ragged, non-numeric, non-finite files, unknown
// target), load_idx (the kinds of bad file; tests/data/idx_test.cpp has every case), select_columns,
// seeded_permutation, train_test_split, Standardizer, one_hot and count_classes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "nnk/data.hpp"
#include "support/idx_files.hpp"
#include "support/reliability/bad_input_table.hpp"
#include "support/matrices.hpp"

namespace nnk::test {
namespace {

namespace fs = std::filesystem;

class BadCsv : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nnk_reliability_csv_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes `content` to a file named `name` in the test's folder and returns its path.
  std::string file(const std::string& name, const std::string& content) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }

  fs::path dir_;
};

TEST_F(BadCsv, LoadCsv) {
  const std::string missing = (dir_ / "missing.csv").string();
  const std::string empty = file("empty.csv", "");
  const std::string blank = file("blank.csv", "  \n\n\t\n");
  const std::string header_only = file("header_only.csv", "a,b,label\n");
  const std::string one_column = file("one_column.csv", "label\n1\n2\n");
  const std::string ragged_short = file("ragged_short.csv", "a,b,label\n1,2,0\n3,4\n");
  const std::string ragged_long = file("ragged_long.csv", "a,b,label\n1,2,0\n3,4,1,9\n");
  const std::string word = file("word.csv", "a,b,label\n1,2,0\n3,four,1\n");
  const std::string empty_field = file("empty_field.csv", "a,b,label\n1,,0\n");
  const std::string nan_field = file("nan_field.csv", "a,b,label\n1,nan,0\n");
  const std::string inf_field = file("inf_field.csv", "a,b,label\n1,2,0\n-inf,2,1\n");
  const std::string overflow = file("overflow.csv", "a,b,label\n1,1e39,0\n");
  const std::string trailing = file("trailing.csv", "a,b,label\n1,2x,0\n");
  const std::string unnamed = file("unnamed.csv", "a,,label\n1,2,0\n");
  const std::string duplicate = file("duplicate.csv", "a,label,label\n1,2,0\n");
  const std::string good = file("good.csv", "a,b,label\n1,2,0\n3,4,1\n");
  const std::string directory = dir_.string();
  expect_rows_rejected({
      {"nnk::load_csv", "missing file", [&] { load_csv(missing, "label"); },
       {"nnk::load_csv: cannot open '" + missing + "': No such file or directory"}},
      {"nnk::load_csv", "a directory instead of a file", [&] { load_csv(directory, "label"); },
       {"nnk::load_csv: cannot read '" + directory + "': Is a directory"}},
      {"nnk::load_csv", "empty file", [&] { load_csv(empty, "label"); },
       {"nnk::load_csv: " + empty + ":1:1: the file is empty (or blank), expected a header row of column names"}},
      {"nnk::load_csv", "only blank lines", [&] { load_csv(blank, "label"); },
       {"nnk::load_csv: " + blank + ":1:1: the file is empty (or blank)"}},
      {"nnk::load_csv", "header row only", [&] { load_csv(header_only, "label"); },
       {"nnk::load_csv: " + header_only + ":2:1: no data rows after the header row"}},
      {"nnk::load_csv", "a single column", [&] { load_csv(one_column, "label"); },
       {"has 1 column, expected at least a feature and a target"}},
      {"nnk::load_csv", "ragged: a short row", [&] { load_csv(ragged_short, "label"); },
       {"nnk::load_csv: " + ragged_short + ":3:4: row has 2 fields, expected 3 (as many as the header)"}},
      {"nnk::load_csv", "ragged: a long row", [&] { load_csv(ragged_long, "label"); },
       {"nnk::load_csv: " + ragged_long + ":3:7: row has 4 fields, expected 3 (as many as the header)"}},
      {"nnk::load_csv", "non-numeric field", [&] { load_csv(word, "label"); },
       {"nnk::load_csv: " + word + ":3:3: field 'four' (column 'b') is not a number"}},
      {"nnk::load_csv", "number with trailing junk", [&] { load_csv(trailing, "label"); },
       {"nnk::load_csv: " + trailing + ":2:3: field '2x' (column 'b') is not a number"}},
      {"nnk::load_csv", "empty field", [&] { load_csv(empty_field, "label"); },
       {"nnk::load_csv: " + empty_field + ":2:3: field '' (column 'b') is empty, expected a number"}},
      {"nnk::load_csv", "NaN field", [&] { load_csv(nan_field, "label"); },
       {"nnk::load_csv: " + nan_field + ":2:3: field 'nan' (column 'b') is not finite"}},
      {"nnk::load_csv", "-inf field", [&] { load_csv(inf_field, "label"); },
       {"nnk::load_csv: " + inf_field + ":3:1: field '-inf' (column 'a') is not finite"}},
      {"nnk::load_csv", "1e39 (beyond float)", [&] { load_csv(overflow, "label"); },
       {"nnk::load_csv: " + overflow + ":2:3: field '1e39' (column 'b') is out of the range of float"}},
      {"nnk::load_csv", "a header column without a name", [&] { load_csv(unnamed, "label"); },
       {"nnk::load_csv: " + unnamed + ":1:3: header column 2 has no name"}},
      {"nnk::load_csv", "two columns named like the target", [&] { load_csv(duplicate, "label"); },
       {"has more than one column named 'label' (columns 2 and 3)"}},
      {"nnk::load_csv", "unknown target name", [&] { load_csv(good, "class"); },
       {"nnk::load_csv: '" + good + "' has no column named 'class'; its columns are: a, b, label"}},
      {"nnk::load_csv", "target index 3 of 3 columns", [&] { load_csv(good, std::int64_t{3}); },
       {"nnk::load_csv: target_index must be in [-3, 3) for the 3 columns of '" + good + "', got 3"}},
  });
}

TEST_F(BadCsv, LoadIdx) {
  const std::string images = file("images", idx_images(1, 2, {1, 2, 3, 4}));
  const std::string labels = file("labels", idx_labels({0, 1}));
  const std::string one_label = file("one_label", idx_labels({0}));
  const std::string cut = file("cut", idx_images(1, 2, {1, 2, 3, 4}).substr(0, 18));
  const std::string missing = (dir_ / "missing.gz").string();
  expect_rows_rejected({
      {"nnk::load_idx", "missing images file", [&] { load_idx(missing, labels); },
       {"nnk::load_idx: cannot open '" + missing + "': No such file or directory"}},
      {"nnk::load_idx", "a labels file as the images", [&] { load_idx(labels, labels); },
       {"nnk::load_idx: '" + labels + "' has magic number 0x00000801, expected 0x00000803"}},
      {"nnk::load_idx", "images cut short", [&] { load_idx(cut, labels); },
       {"nnk::load_idx: '" + cut + "' is truncated: 2 images of 1 x 2 need 4 bytes after the header, the file has 2"}},
      {"nnk::load_idx", "2 images, 1 label", [&] { load_idx(images, one_label); },
       {"nnk::load_idx: '" + images + "' holds 2 images but '" + one_label + "' holds 1 labels"}},
  });
}

TEST(BadInputs, SplitsAndPreprocessing) {
  Dataset data;
  data.features = matrix_from_rows({{1, 2, 3, 4}, {5, 6, 7, 8}});
  data.targets = matrix_from_rows({{0, 1, 0, 1}});
  Dataset ragged = data;
  ragged.targets = matrix_from_rows({{0, 1, 0}});
  const Matrix x = data.features;
  const Matrix with_nan = matrix_from_rows({{1, 2}, {3, std::numeric_limits<float>::quiet_NaN()}});
  const Standardizer two_features = Standardizer::fit(x);
  Matrix three_rows(3, 4);
  const Matrix labels = matrix_from_rows({{0, 2, 1}});
  const Matrix fractional = matrix_from_rows({{0, 1.5f}});
  const Matrix negative = matrix_from_rows({{0, -1}});
  const Matrix two_rows(2, 3);
  expect_rows_rejected({
      {"nnk::select_columns", "column index 4 of 4", [&] { (void)select_columns(x, {0, 4}); },
       {"nnk::select_columns: columns[1] must be in [0, 4), got 4"}},
      {"nnk::seeded_permutation", "n < 0", [] { (void)seeded_permutation(-5, 1); },
       {"nnk::seeded_permutation: n must be >= 0, got -5"}},
      {"nnk::seeded_permutation", "n = 2^62 (cannot be allocated)",
       [] { (void)seeded_permutation(std::int64_t{1} << 62, 1); },
       {"nnk::seeded_permutation: n = 4611686018427387904 exceeds the largest index vector"}},
      {"nnk::train_test_split", "test_fraction = 0", [&] { (void)train_test_split(data, 0.0, 1); },
       {"nnk::train_test_split: test_fraction must be in (0, 1), got 0"}},
      {"nnk::train_test_split", "test_fraction = NaN",
       [&] { (void)train_test_split(data, std::numeric_limits<double>::quiet_NaN(), 1); },
       {"nnk::train_test_split: test_fraction must be in (0, 1), got nan"}},
      {"nnk::train_test_split", "a split leaving no training example",
       [&] { (void)train_test_split(data, 0.9, 1); },
       {"nnk::train_test_split: test_fraction = 0.9 of 4 examples gives 4 test examples, expected between 1 and 3"}},
      {"nnk::train_test_split", "targets with fewer columns than features",
       [&] { (void)train_test_split(ragged, 0.5, 1); },
       {"nnk::train_test_split: data.targets has 3 columns, expected one per example (4)"}},
      {"nnk::Standardizer::fit", "0 examples", [] { (void)Standardizer::fit(Matrix(3, 0)); },
       {"nnk::Standardizer::fit: features has 0 columns, expected at least 1 example"}},
      {"nnk::Standardizer::fit", "a NaN feature value", [&] { (void)Standardizer::fit(with_nan); },
       {"nnk::Standardizer::fit: features(1, 1) = nan is not finite"}},
      {"nnk::Standardizer::transform", "3 rows for a standardizer of 2 features",
       [&] { two_features.transform(three_rows); },
       {"nnk::Standardizer::transform: features has 3 rows, the standardizer was fit on 2"}},
      {"nnk::one_hot", "classes = 0", [&] { (void)one_hot(labels, 0); }, {"nnk::one_hot: classes must be >= 1, got 0"}},
      {"nnk::one_hot", "label 2 with 2 classes", [&] { (void)one_hot(labels, 2); },
       {"nnk::one_hot: labels(0, 1) = 2 is not below classes = 2"}},
      {"nnk::one_hot", "labels with 2 rows", [&] { (void)one_hot(two_rows, 3); },
       {"nnk::one_hot: labels has 2 rows, expected 1 (1 x examples)"}},
      {"nnk::count_classes", "a fractional label", [&] { (void)count_classes(fractional); },
       {"nnk::count_classes: labels(0, 1) = 1.5 is not a class index (an integer >= 0)"}},
      {"nnk::count_classes", "a negative label", [&] { (void)count_classes(negative); },
       {"nnk::count_classes: labels(0, 1) = -1 is not a class index (an integer >= 0)"}},
  });
}

}  // namespace
}  // namespace nnk::test
