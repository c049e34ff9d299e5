// Writes a small data set in Fashion-MNIST's layout for the nnk-train IDX tests under mpirun (train_cli_idx_tests.sh):
//   nnk_idx_fixture DIR TRAIN_IMAGES TEST_IMAGES [TRAIN_IMAGES_PRESENT]
// DIR/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz of 6 x 6 images, 5 classes. With TRAIN_IMAGES_PRESENT, the
// training images file's header still says TRAIN_IMAGES but its data stops after that many images.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "support/idx_files.hpp"

namespace {

constexpr std::uint32_t kSide = 6;
constexpr std::uint32_t kClasses = 5;

// Image j: a bright square whose place says its class, over a hashed background (learnable, and no two alike).
std::vector<unsigned char> image_bytes(std::uint32_t first, std::uint32_t count) {
  std::vector<unsigned char> bytes;
  for (std::uint32_t j = first; j < first + count; ++j)
    for (std::uint32_t p = 0; p < kSide * kSide; ++p) {
      const std::uint32_t hash = (j * 2654435761u + p * 40503u) >> 24;
      const bool in_square = p % kSide == j % kClasses && p / kSide <= 1;
      bytes.push_back(static_cast<unsigned char>(in_square ? 200 + hash % 56 : hash % 100));
    }
  return bytes;
}

std::vector<unsigned char> labels(std::uint32_t first, std::uint32_t count) {
  std::vector<unsigned char> bytes;
  for (std::uint32_t j = first; j < first + count; ++j) bytes.push_back(static_cast<unsigned char>(j % kClasses));
  return bytes;
}

void write_split(const std::string& prefix, std::uint32_t first, std::uint32_t count, std::uint32_t present) {
  using nnk::test::Compression;
  nnk::test::write_bytes(prefix + "-images-idx3-ubyte.gz",
                         nnk::test::idx_bytes(0x00000803, {count, kSide, kSide}, image_bytes(first, present)),
                         Compression::Gzip);
  nnk::test::write_bytes(prefix + "-labels-idx1-ubyte.gz", nnk::test::idx_labels(labels(first, count)),
                         Compression::Gzip);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: %s DIR TRAIN_IMAGES TEST_IMAGES [TRAIN_IMAGES_PRESENT]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const auto train = static_cast<std::uint32_t>(std::stoul(argv[2]));
  const auto test = static_cast<std::uint32_t>(std::stoul(argv[3]));
  const auto present = argc == 5 ? static_cast<std::uint32_t>(std::stoul(argv[4])) : train;
  std::filesystem::create_directories(dir);
  write_split(dir + "/train", 0, train, present);
  write_split(dir + "/t10k", train, test, test);
  return 0;
}
