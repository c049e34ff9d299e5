// Small IDX files (MNIST's format) for the tests of nnk::load_idx and of nnk-train's fashion-mnist data set.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nnk::test {

enum class Compression { None, Gzip };

// The bytes of an IDX file: the magic number and the sizes, big-endian uint32, then the values. Any magic and any
// sizes, so that tests can write wrong headers too.
std::string idx_bytes(std::uint32_t magic, const std::vector<std::uint32_t>& sizes,
                      const std::vector<unsigned char>& values);
// An images file (magic 0x00000803) of pixels.size() / (rows * cols) images, and a labels file (0x00000801).
std::string idx_images(std::uint32_t rows, std::uint32_t cols, const std::vector<unsigned char>& pixels);
std::string idx_labels(const std::vector<unsigned char>& labels);

// Writes bytes to path as they are, or gzip-compressed through zlib (gzopen "wb"). Fails the test on an error.
void write_bytes(const std::string& path, const std::string& bytes, Compression compression);
// A file's bytes as they are on disk (a .gz file compressed), "" when it cannot be read.
std::string read_bytes(const std::string& path);

}  // namespace nnk::test
