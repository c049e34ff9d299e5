// Tabular data: CSV and IDX loading, seeded splits, standardization, one-hot labels (raw CSV tables with text and
// missing values: nnk/table.hpp).
//
//   nnk::Dataset all = nnk::load_csv("wdbc.csv", "benign");          // features 30 x 569, targets 1 x 569
//   nnk::Dataset digits = nnk::load_idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
//   nnk::Dataset part = nnk::load_idx_rows("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 30000, 10000);
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

// The images [first, first + count) of load_idx's data set, and their labels: load_idx's columns first .. first +
// count - 1, bit for bit (one MPI rank's share of the training data). Only those images are kept in memory: a plain
// images file is read from the range's first image on, a gzip one is inflated from its start to the range's end
// (zlib cannot seek in compressed data), keeping nothing before the range. The checks are load_idx's, except that
// the data after the range of a gzip file is read, and checked, only where the range reaches the file's end (a
// plain file's size is always checked). first and count outside 0 <= first, 0 <= count, first + count <= the image
// count: nnk::Error naming them and the count. The labels file is read whole.
Dataset load_idx_rows(const std::string& images_path, const std::string& labels_path, std::int64_t first,
                      std::int64_t count);
// The image count of an IDX images file, from its header alone (to choose load_idx_rows's ranges).
std::int64_t idx_image_count(const std::string& images_path);
// Every label of an IDX labels file (load_idx's targets: 1 x count), without the images.
Matrix load_idx_labels(const std::string& labels_path);

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
class FeatureSums;

class Standardizer {
 public:
  static Standardizer fit(ConstMatrixView features);
  // fit's result from the means (FeatureSums::means of the values) and the sums of squared deviations from them,
  // however the passes were made (e.g. over MPI ranks' shards). nnk::Error when a mean is not finite (a feature
  // value that is not), or the sizes differ.
  static Standardizer from_sums(std::vector<double> mean, const FeatureSums& squared_deviations);
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

// One of Standardizer::fit's two passes over a data set whose examples are held in consecutive pieces, e.g. MPI
// ranks' shards in rank order: per feature, in double, the sum of the values, or of the squared deviations from
// given means. Each piece continues the sums of the pieces before it in fit's order (fixed blocks of examples; a
// block cut between two pieces goes on in the next), so the totals are fit's over the whole set, bit for bit.
//
//   nnk::FeatureSums values(features, examples);    // on the holder of the examples [first, first + piece.cols()):
//   if (first > 0) values.resume(state_from_the_holder_before, first);
//   values.add(piece);                              // then values.state() on to the next holder; the last has
//   std::vector<double> mean = values.means();      // the totals
class FeatureSums {
 public:
  // The sums of the values of `features` features over `examples` examples (the whole set), from example 0.
  FeatureSums(std::int64_t features, std::int64_t examples);
  // The sums of the squared deviations (x - mean)^2, mean one per feature.
  FeatureSums(std::vector<double> mean, std::int64_t examples);

  // Adds the examples [position(), position() + piece.cols()) of the set; runs on all of nnk's threads. nnk::Error
  // when the piece's rows are not the features or it goes past the set's end.
  void add(ConstMatrixView piece);
  std::int64_t position() const { return position_; }
  std::int64_t features() const { return static_cast<std::int64_t>(state_.size() / 2); }
  std::int64_t examples() const { return examples_; }

  // The running sums (2 x features doubles): what the holder of the next piece resumes from, at position().
  const std::vector<double>& state() const { return state_; }
  // Continues from the sums made (elsewhere) over the examples [0, position): nnk::Error unless state has 2 x
  // features entries and 0 <= position <= examples.
  void resume(std::vector<double> state, std::int64_t position);

  // Once position() == examples (nnk::Error before): the sums, and the means (sums / examples).
  std::vector<double> totals() const;
  std::vector<double> means() const;

 private:
  std::vector<double> mean_;   // empty: sums of the values
  std::vector<double> state_;  // the finished blocks' sums added in order, then the open block's sums
  std::int64_t examples_ = 0;
  std::int64_t position_ = 0;
};

// Integer class labels (1 x m, values 0 .. classes-1) to one-hot columns (classes x m).
Matrix one_hot(ConstMatrixView labels, std::int64_t classes);
// The number of classes of integer labels 0 .. k-1: max + 1 (nnk::Error for a negative or fractional label).
std::int64_t count_classes(ConstMatrixView labels);

}  // namespace nnk
