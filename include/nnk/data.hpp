// Tabular data: CSV and IDX loading, seeded splits, standardization, one-hot labels (raw CSV tables with text and
// missing values: nnk/table.hpp).
//
//   nnk::Dataset all = nnk::load_csv("wdbc.csv", "benign");          // features 30 x 569, targets 1 x 569
//   nnk::Dataset digits = nnk::load_idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
//   auto [train, test] = nnk::train_test_split(all, 0.2, /*seed=*/7);
//   nnk::Standardizer scaler = nnk::Standardizer::fit(train.features);  // statistics of the training split only
//   scaler.transform(train.features);
//   scaler.transform(test.features);
//
// Examples are columns (docs/design.md): features is (features x examples), targets (1 x examples).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nnk/matrix.hpp"

namespace nnk {

struct Dataset {
  Matrix features;                         // features x examples
  Matrix targets;                          // 1 x examples
  std::vector<std::string> feature_names;  // from the header row
  std::string target_name;

  std::int64_t examples() const { return features.cols(); }
};

// Reads a comma-separated file of numbers: a header row of column names, then one example per row, every field a
// finite number (surrounding spaces allowed). The file is RFC 4180 (nnk/table.hpp says more): fields and names may
// be quoted, \n or \r\n line ends, blank lines ignored; it is parsed on all of nnk's threads. For text columns
// and missing values, use nnk::load_table. The target column is chosen by name, or by index (0-based; negative
// counts from the end: -1 is the last column). Errors are nnk::Error with "path:line:column" for a bad field, a
// ragged row, malformed quoting, an empty file or one without data rows, and a clear message for a missing file or
// an unknown target column.
Dataset load_csv(const std::string& path, std::string_view target_name);
Dataset load_csv(const std::string& path, std::int64_t target_index);

// Reads images and their labels in MNIST's IDX format, gzip-compressed or plain (detected from the content): an
// images file (magic 0x00000803: unsigned bytes, dimensions count x rows x columns) and a labels file (magic
// 0x00000801: count), with equal counts. Image j is column j of features ((rows * columns) x count, pixel (r, c) at
// row r * columns + c, named "pixel<row>"), each byte divided by 255 so that values lie in [0, 1]; its label (any
// byte value: labels are class indices, count_classes gives max + 1) is targets(0, j), named "label". Errors are
// nnk::Error naming the file: it cannot be opened or read, a wrong magic number (expected and actual, in hex), a
// size of 0, data shorter or longer than the header says (expected and actual byte counts), a count mismatch.
Dataset load_idx(const std::string& images_path, const std::string& labels_path);

// The columns of x listed in `columns`, in that order (an index may repeat).
Matrix select_columns(ConstMatrixView x, const std::vector<std::int64_t>& columns);

// A random permutation of 0 .. n-1 keyed by seed (Fisher-Yates on a counter-based stream: the same on every run
// and machine).
std::vector<std::int64_t> seeded_permutation(std::int64_t n, std::uint64_t seed);

struct TrainTestSplit {
  Dataset train;
  Dataset test;
};

// Shuffles the examples with seeded_permutation(seed) and puts round(test_fraction * examples) of them in test.
// test_fraction in (0, 1); both parts must get at least one example.
TrainTestSplit train_test_split(const Dataset& data, double test_fraction, std::uint64_t seed);

// Per-feature standardization x' = (x - mean) / std (population std, sums in double). A constant feature gets
// std 1, so it maps to 0. Fit it on the training split and apply it to every split.
//
// Both run on all of nnk's threads, reading each example's column once per pass (memory speed); fit sums fixed
// blocks of examples and adds the blocks' sums in order, so its statistics are the same for any thread count.
// transform computes (x - mean) / std in double and rounds to float, with denormals flushed (as nnk's kernels).
class Standardizer {
 public:
  static Standardizer fit(ConstMatrixView features);
  // Given statistics (e.g. a saved model's): nnk::Error unless the sizes agree and every std is finite and > 0.
  static Standardizer from(std::vector<double> mean, std::vector<double> stddev);
  void transform(MatrixView features) const;  // in place; rows must match
  std::int64_t features() const { return static_cast<std::int64_t>(mean_.size()); }
  const std::vector<double>& mean() const { return mean_; }
  const std::vector<double>& stddev() const { return stddev_; }

 private:
  std::vector<double> mean_;
  std::vector<double> stddev_;
};

// Integer class labels (1 x m, values 0 .. classes-1) to one-hot columns (classes x m).
Matrix one_hot(ConstMatrixView labels, std::int64_t classes);
// The number of classes of integer labels 0 .. k-1: max + 1 (nnk::Error for a negative or fractional label).
std::int64_t count_classes(ConstMatrixView labels);

}  // namespace nnk
