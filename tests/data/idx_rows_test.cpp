// nnk::load_idx_rows (one MPI rank's share of an IDX data set), nnk::idx_image_count and nnk::load_idx_labels:
// every range is load_idx's columns bit for bit, from plain and gzip files; ranges outside the file and files cut
// short are named; and the real Fashion-MNIST files where Debian's dataset-fashion-mnist package is installed.
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nnk/data.hpp"
#include "support/idx_files.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kRows = 3, kCols = 2, kImages = 7;

// kImages images of kRows x kCols, every byte different where it can be, and a label each.
std::vector<unsigned char> pixels() {
  std::vector<unsigned char> bytes(kImages * kRows * kCols);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<unsigned char>(i * 37 + 11);
  return bytes;
}
const std::vector<unsigned char> kLabels = {4, 0, 9, 1, 1, 250, 3};

// The columns [first, first + count) of whole, bit for bit, with their targets and names.
void expect_columns_of(const Dataset& whole, const Dataset& part, std::int64_t first, std::int64_t count) {
  ASSERT_EQ(part.features.rows(), whole.features.rows());
  ASSERT_EQ(part.examples(), count);
  ASSERT_EQ(part.targets.cols(), count);
  for (std::int64_t j = 0; j < count; ++j) {
    EXPECT_EQ(std::memcmp(part.features.col(j), whole.features.col(first + j),
                          sizeof(float) * static_cast<std::size_t>(whole.features.rows())),
              0)
        << "column " << j << " of the range starting at " << first;
    EXPECT_EQ(part.targets(0, j), whole.targets(0, first + j)) << "label " << j;
  }
  EXPECT_EQ(part.feature_names, whole.feature_names);
  EXPECT_EQ(part.target_name, whole.target_name);
}

class IdxRows : public ::testing::TestWithParam<Compression> {
 protected:
  void SetUp() override {
    const std::string suffix = GetParam() == Compression::Gzip ? ".gz" : "";
    images_ = file("images" + suffix, idx_images(kRows, kCols, pixels()));
    labels_ = file("labels" + suffix, idx_labels(kLabels));
  }

  std::string file(const std::string& name, const std::string& bytes) {
    const std::string path = dir_.file(name);
    write_bytes(path, bytes, GetParam());
    return path;
  }

  TestDirectory dir_{"idx_rows"};
  std::string images_, labels_;
};

TEST_P(IdxRows, EveryRangeIsLoadIdxsColumns) {
  const Dataset whole = load_idx(images_, labels_);
  for (std::int64_t first = 0; first <= kImages; ++first)
    for (std::int64_t count = 0; first + count <= kImages; ++count) {
      SCOPED_TRACE("images [" + std::to_string(first) + ", " + std::to_string(first + count) + ")");
      expect_columns_of(whole, load_idx_rows(images_, labels_, first, count), first, count);
    }
}

TEST_P(IdxRows, SharesOfRanksSideBySideAreTheWholeSet) {
  const Dataset whole = load_idx(images_, labels_);
  EXPECT_EQ(idx_image_count(images_), kImages);
  for (std::int64_t ranks = 1; ranks <= 9; ++ranks)  // more ranks than images: some shares are empty
    for (std::int64_t r = 0; r < ranks; ++r) {
      const std::int64_t first = r * kImages / ranks, end = (r + 1) * kImages / ranks;
      expect_columns_of(whole, load_idx_rows(images_, labels_, first, end - first), first, end - first);
    }
}

TEST_P(IdxRows, LabelsAloneAreLoadIdxsTargets) {
  const Matrix labels = load_idx_labels(labels_);
  const Dataset whole = load_idx(images_, labels_);
  ASSERT_EQ(labels.rows(), 1);
  ASSERT_EQ(labels.cols(), kImages);
  for (std::int64_t j = 0; j < kImages; ++j) EXPECT_EQ(labels(0, j), whole.targets(0, j));
}

TEST_P(IdxRows, RangesOutsideTheFileNameTheArgumentsAndTheCount) {
  for (const auto& [first, count] : std::vector<std::pair<std::int64_t, std::int64_t>>{
           {-1, 2}, {0, -1}, {0, kImages + 1}, {kImages, 1}, {5, 3}, {kImages + 1, 0}, {INT64_MAX, INT64_MAX}})
    EXPECT_TRUE(throws_error_containing([&] { load_idx_rows(images_, labels_, first, count); },
                                        {"nnk::load_idx_rows: first = " + std::to_string(first),
                                         "count = " + std::to_string(count), images_,
                                         "expected first >= 0, count >= 0 and first + count <= 7"}));
}

TEST_P(IdxRows, TheFilesAreCheckedAsLoadIdxChecksThem) {
  const std::string two_labels = file("two_labels", idx_labels({1, 2}));
  EXPECT_TRUE(
      throws_error_containing([&] { load_idx_rows(images_, two_labels, 0, 1); },
                              {"nnk::load_idx_rows: '" + images_ + "' holds 7 images but '", "holds 2 labels"}));
  EXPECT_TRUE(throws_error_containing([&] { load_idx_rows(labels_, labels_, 0, 1); },
                                      {"nnk::load_idx_rows: '" + labels_ + "' has magic number 0x00000801"}));
  EXPECT_TRUE(throws_error_containing([&] { idx_image_count(labels_); },
                                      {"nnk::idx_image_count: '" + labels_ + "' has magic number 0x00000801"}));
  EXPECT_TRUE(throws_error_containing([&] { load_idx_labels(images_); },
                                      {"nnk::load_idx_labels: '" + images_ + "' has magic number 0x00000803"}));
}

// Data cut short inside or before a range is an error; a gzip file is read only up to the range's end, a plain
// file's size is checked whatever the range.
TEST_P(IdxRows, TruncatedImagesAreFoundUpToTheRangesEnd) {
  const std::string bytes = idx_images(kRows, kCols, pixels());
  const std::string cut = file("cut", bytes.substr(0, bytes.size() - 3 * kRows * kCols));  // 4 images left
  const std::string longer = file("longer", bytes + "x");
  EXPECT_TRUE(throws_error_containing([&] { load_idx_rows(cut, labels_, 3, 2); },
                                      {"nnk::load_idx_rows: '" + cut + "' is truncated: ",
                                       GetParam() == Compression::Gzip
                                           ? "images [3, 5) of 7 images of 3 x 2 need 30 bytes after the header, "
                                             "the file has 24"
                                           : "7 images of 3 x 2 need 42 bytes after the header, the file has 24"}));
  EXPECT_TRUE(throws_error_containing([&] { load_idx_rows(cut, labels_, 6, 1); }, {"is truncated: "}));
  EXPECT_TRUE(throws_error_containing([&] { load_idx_rows(longer, labels_, 6, 1); },
                                      {"'" + longer + "' has more data than its header says"}));
  if (GetParam() == Compression::Gzip) {
    expect_columns_of(load_idx(images_, labels_), load_idx_rows(cut, labels_, 1, 3), 1, 3);
    expect_columns_of(load_idx(images_, labels_), load_idx_rows(longer, labels_, 0, 6), 0, 6);
  } else {
    EXPECT_TRUE(throws_error_containing([&] { load_idx_rows(cut, labels_, 1, 3); }, {"is truncated: "}));
    EXPECT_TRUE(throws_error_containing([&] { load_idx_rows(longer, labels_, 0, 1); },
                                        {"has more data than its header says: 7 images of 3 x 2 need 42 bytes after "
                                         "the header, the file has 43"}));
  }
}

INSTANTIATE_TEST_SUITE_P(PlainAndGzip, IdxRows, ::testing::Values(Compression::None, Compression::Gzip),
                         [](const auto& test_info) {
                           return test_info.param == Compression::Gzip ? "gzip" : "plain";
                         });

// Debian's dataset-fashion-mnist package: ranks' shares of the 60,000 training images against load_idx.
TEST(FashionMnistRows, SharesAreLoadIdxsColumns) {
  const fs::path dir = NNK_FASHION_MNIST_DIR;
  const std::string images = (dir / "train-images-idx3-ubyte.gz").string();
  const std::string labels = (dir / "train-labels-idx1-ubyte.gz").string();
  if (!fs::exists(images))
    GTEST_SKIP() << "Fashion-MNIST is not installed in " << dir.string()
                 << " (apt-get install dataset-fashion-mnist, or tools/install-deps.sh --datasets)";
  const Dataset whole = load_idx(images, labels);
  EXPECT_EQ(idx_image_count(images), 60000);
  for (const auto& [first, count] : std::vector<std::pair<std::int64_t, std::int64_t>>{
           {0, 20000}, {20000, 20000}, {40000, 20000}, {29999, 2}, {59999, 1}, {60000, 0}}) {
    SCOPED_TRACE("images [" + std::to_string(first) + ", " + std::to_string(first + count) + ")");
    expect_columns_of(whole, load_idx_rows(images, labels, first, count), first, count);
  }
}

}  // namespace
}  // namespace nnk::test
