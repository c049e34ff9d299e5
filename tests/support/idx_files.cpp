// IDX files for tests: the header built byte by byte (big-endian whatever the host), compressed ones through gzwrite.
#include "support/idx_files.hpp"

#include <zlib.h>

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace nnk::test {

std::string idx_bytes(std::uint32_t magic, const std::vector<std::uint32_t>& sizes,
                      const std::vector<unsigned char>& values) {
  std::string out;
  const auto put = [&](std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
  };
  put(magic);
  for (const std::uint32_t size : sizes) put(size);
  out.append(values.begin(), values.end());
  return out;
}

std::string idx_images(std::uint32_t rows, std::uint32_t cols, const std::vector<unsigned char>& pixels) {
  return idx_bytes(0x00000803, {static_cast<std::uint32_t>(pixels.size() / (rows * cols)), rows, cols}, pixels);
}

std::string idx_labels(const std::vector<unsigned char>& labels) {
  return idx_bytes(0x00000801, {static_cast<std::uint32_t>(labels.size())}, labels);
}

void write_bytes(const std::string& path, const std::string& bytes, Compression compression) {
  if (compression == Compression::None) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
    ASSERT_TRUE(out.good()) << "cannot write " << path;
    return;
  }
  const gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr) << "cannot open " << path;
  const int written = bytes.empty() ? 0 : gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
  const int closed = gzclose(file);
  ASSERT_EQ(written, static_cast<int>(bytes.size())) << "gzwrite to " << path;
  ASSERT_EQ(closed, Z_OK) << "gzclose of " << path;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace nnk::test
