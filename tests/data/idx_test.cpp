// nnk::load_idx: values, scaling and labels from plain and gzip files; every error, naming the file; and the real
// Fashion-MNIST files where Debian's dataset-fashion-mnist package is installed.
#include <algorithm>
#include <cmath>
#include <cstdint>
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

// Three 2 x 3 images: every byte value that matters for the scaling (0, 1, 51, 128, 254, 255).
const std::vector<unsigned char> kPixels = {0,   1,   51, 128, 254, 255,  //
                                            255, 0,   0,  0,   0,   17,  //
                                            9,   200, 3,  4,   5,   6};
const std::vector<unsigned char> kLabels = {0, 7, 2};

class Idx : public ::testing::Test {
 protected:
  std::string file(const std::string& name, const std::string& bytes, Compression compression = Compression::None) {
    const std::string path = dir_.file(name);
    write_bytes(path, bytes, compression);
    return path;
  }

  TestDirectory dir_{"idx"};
};

void expect_the_three_images(const Dataset& d) {
  ASSERT_EQ(d.features.rows(), 6);
  ASSERT_EQ(d.examples(), 3);
  ASSERT_EQ(d.targets.rows(), 1);
  ASSERT_EQ(d.targets.cols(), 3);
  for (std::int64_t j = 0; j < 3; ++j) {
    for (std::int64_t i = 0; i < 6; ++i) {
      const unsigned char byte = kPixels[static_cast<std::size_t>(j * 6 + i)];
      EXPECT_EQ(d.features(i, j), static_cast<float>(byte) / 255.0f) << "pixel " << i << " of image " << j;
    }
    EXPECT_EQ(d.targets(0, j), static_cast<float>(kLabels[static_cast<std::size_t>(j)]));
  }
  EXPECT_EQ(d.features(0, 0), 0.0f);
  EXPECT_EQ(d.features(5, 0), 1.0f);
  EXPECT_EQ(d.features(2, 0), 0.2f);
  ASSERT_EQ(d.feature_names.size(), 6u);
  EXPECT_EQ(d.feature_names.front(), "pixel0");
  EXPECT_EQ(d.feature_names.back(), "pixel5");
  EXPECT_EQ(d.target_name, "label");
}

TEST_F(Idx, ReadsPlainFilesAsColumnsScaledToTheUnitInterval) {
  expect_the_three_images(load_idx(file("images", idx_images(2, 3, kPixels)), file("labels", idx_labels(kLabels))));
}

TEST_F(Idx, ReadsGzipFilesAndMixedPairsAlike) {
  const std::string images_gz = file("images.gz", idx_images(2, 3, kPixels), Compression::Gzip);
  const std::string labels_gz = file("labels.gz", idx_labels(kLabels), Compression::Gzip);
  ASSERT_NE(fs::file_size(images_gz), idx_images(2, 3, kPixels).size());  // really compressed
  expect_the_three_images(load_idx(images_gz, labels_gz));
  expect_the_three_images(load_idx(images_gz, file("labels", idx_labels(kLabels))));
  expect_the_three_images(load_idx(file("images", idx_images(2, 3, kPixels)), labels_gz));
}

// Labels are class indices of any byte value, as in a CSV target column; count_classes gives max + 1.
TEST_F(Idx, LabelsAreAnyByteValue) {
  const Dataset d = load_idx(file("images", idx_images(1, 1, {10, 20, 30})), file("labels", idx_labels({3, 250, 12})));
  EXPECT_EQ(d.targets(0, 1), 250.0f);
  EXPECT_EQ(count_classes(d.targets), 251);
}

// A pair of files load_idx must reject, and the parts its message must hold ("" matches any message).
struct BadPair {
  std::string images, labels;
  std::string message, more = "";
};

void expect_rejected(const std::vector<BadPair>& pairs) {
  for (const BadPair& p : pairs)
    EXPECT_TRUE(throws_error_containing([&] { load_idx(p.images, p.labels); }, {p.message, p.more}))
        << "load_idx('" << p.images << "', '" << p.labels << "')";
}

TEST_F(Idx, MissingOrUnreadableFilesAreNamed) {
  const std::string images = file("images", idx_images(2, 3, kPixels)), labels = file("labels", idx_labels(kLabels));
  const std::string missing = dir_.file("missing.gz"), directory = dir_.path().string();
  expect_rejected({
      {missing, labels, "nnk::load_idx: cannot open '" + missing + "': No such file or directory"},
      {images, missing, "nnk::load_idx: cannot open '" + missing + "'"},
      {directory, labels, "nnk::load_idx: cannot read '" + directory + "': Is a directory"},
  });
}

TEST_F(Idx, WrongMagicNumbersInHex) {
  const std::string images = file("images", idx_images(2, 3, kPixels)), labels = file("labels", idx_labels(kLabels));
  const std::string foreign = file("foreign", idx_bytes(0x12345678, {3, 2, 3}, kPixels));
  const std::string csv = file("data.csv", "pixel0,label\n0,1\n");
  const std::string floats = file("floats", idx_bytes(0x00000D03, {1, 1, 1}, {0, 0, 0, 0}));  // 0x0D: floats
  expect_rejected({
      {foreign, labels, "nnk::load_idx: '" + foreign + "' has magic number 0x12345678, expected 0x00000803",
       "(IDX images: unsigned bytes, 3 dimensions)"},
      {images, csv, "'" + csv + "' has magic number 0x70697865, expected 0x00000801",
       "(IDX labels: unsigned bytes, 1 dimension)"},
      {labels, images, "'" + labels + "' has magic number 0x00000801, expected 0x00000803",
       "the images and labels files look swapped"},
      {floats, labels, "magic number 0x00000d03, expected 0x00000803"},
  });
}

TEST_F(Idx, TruncatedFilesGiveExpectedAndActualByteCounts) {
  const std::string labels = file("labels", idx_labels(kLabels)), images = idx_images(2, 3, kPixels);
  const std::string short_header = file("short_header", images.substr(0, 10));
  const std::string short_data = file("short_data", images.substr(0, images.size() - 5));
  const std::string short_labels = file("short_labels", idx_labels(kLabels).substr(0, 10));
  const std::string empty = file("empty", "");
  expect_rejected({
      {short_header, labels, "nnk::load_idx: '" + short_header + "' is truncated: ",
       "an IDX header of images has 16 bytes, the file has 10"},
      {short_data, labels, "nnk::load_idx: '" + short_data + "' is truncated: ",
       "3 images of 2 x 3 need 18 bytes after the header, the file has 13"},
      {file("images", images), short_labels, "'" + short_labels + "' is truncated: ",
       "3 labels need 3 bytes after the header, the file has 2"},
      {empty, labels, "'" + empty + "' is truncated", "the file has 0"},
  });
}

// A .gz file cut short: zlib reports the stream's early end, and what it delivered before it counts as the data.
// Corrupt deflate data is another error.
TEST_F(Idx, TruncatedOrCorruptGzipStreamsSaySo) {
  const std::string labels = file("labels", idx_labels(kLabels));
  std::string gz = read_bytes(file("whole.gz", idx_images(2, 3, kPixels), Compression::Gzip));
  const std::string cut = file("cut.gz", gz.substr(0, gz.size() - 12));  // the trailer and a little data gone
  for (std::size_t i = 10; i < gz.size() - 8; ++i) gz[i] = static_cast<char>(0xff);  // the deflate data destroyed
  const std::string corrupt = file("corrupt.gz", gz);
  expect_rejected({
      {cut, labels, "nnk::load_idx: '" + cut + "' is truncated", "(the gzip stream ends early: "},
      {corrupt, labels, "nnk::load_idx: cannot read '" + corrupt + "': ", "(not a valid gzip stream)"},
  });
}

TEST_F(Idx, SizesThatDoNotFit) {
  const std::string images = file("images", idx_images(2, 3, kPixels));
  const std::string two_labels = file("two_labels", idx_labels({1, 2}));
  const std::string longer = file("longer", idx_images(2, 3, kPixels) + "x");
  const std::string no_images = file("no_images", idx_bytes(0x00000803, {0, 28, 28}, {}));
  const std::string no_columns = file("no_columns", idx_bytes(0x00000803, {3, 2, 0}, {}));
  expect_rejected({
      {images, two_labels, "nnk::load_idx: '" + images + "' holds 3 images but '" + two_labels + "' holds 2 labels",
       "expected one label per image"},
      {longer, file("labels", idx_labels(kLabels)), "nnk::load_idx: '" + longer + "' has more data than its header ",
       "says: 3 images of 2 x 3 need 18 bytes"},
      {no_images, two_labels, "nnk::load_idx: '" + no_images + "' has size 0 in dimension 1 of its header",
       "expected >= 1"},
      {no_columns, two_labels, "has size 0 in dimension 3"},
  });
}

// Debian's dataset-fashion-mnist package: the standard 60,000 / 10,000 split of 28 x 28 images in 10 classes.
TEST(FashionMnist, RealFilesHaveTheKnownShapeAndLabels) {
  const fs::path dir = NNK_FASHION_MNIST_DIR;
  if (!fs::exists(dir / "train-labels-idx1-ubyte.gz"))
    GTEST_SKIP() << "Fashion-MNIST is not installed in " << dir.string()
                 << " (apt-get install dataset-fashion-mnist, or tools/install-deps.sh --datasets)";
  struct Split {
    std::string name;
    std::int64_t examples;
    std::vector<float> first_labels;
  };
  // The first labels, read from the package's files with Python's gzip module (labels file, bytes 8 onwards).
  const Split splits[] = {{"train", 60000, {9, 0, 0, 3, 0, 2, 7, 2, 5, 5, 0, 9}},
                          {"t10k", 10000, {9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 5}}};
  for (const Split& split : splits) {
    SCOPED_TRACE(split.name);
    const Dataset d = load_idx((dir / (split.name + "-images-idx3-ubyte.gz")).string(),
                               (dir / (split.name + "-labels-idx1-ubyte.gz")).string());
    ASSERT_EQ(d.examples(), split.examples);
    ASSERT_EQ(d.features.rows(), 784);
    EXPECT_EQ(count_classes(d.targets), 10);
    std::vector<std::int64_t> per_class(10);
    for (std::int64_t j = 0; j < d.examples(); ++j) ++per_class[static_cast<std::size_t>(d.targets(0, j))];
    EXPECT_EQ(per_class, std::vector<std::int64_t>(10, split.examples / 10));  // the package's classes are balanced
    for (std::size_t j = 0; j < split.first_labels.size(); ++j)
      EXPECT_EQ(d.targets(0, static_cast<std::int64_t>(j)), split.first_labels[j]) << "label " << j;
    const float* begin = d.features.data();
    const float* end = begin + d.features.size();
    EXPECT_EQ(*std::min_element(begin, end), 0.0f);
    EXPECT_EQ(*std::max_element(begin, end), 1.0f);
    if (split.name == "train") {
      // Pixels of the first training image, read the same way (images file, bytes 16 onwards): bytes 96 and 99
      // are 1 and 13, and its 784 bytes sum to 76247.
      EXPECT_EQ(d.features(96, 0), 1.0f / 255.0f);
      EXPECT_EQ(d.features(99, 0), 13.0f / 255.0f);
      double sum = 0;
      for (std::int64_t i = 0; i < 784; ++i) sum += std::round(d.features(i, 0) * 255.0);
      EXPECT_EQ(sum, 76247.0);
    }
  }
}

}  // namespace
}  // namespace nnk::test
