// nnk::load_idx: images and labels in MNIST's IDX format, gzip-compressed or plain.
//
// An IDX file is a big-endian header, the magic number 0x0000TTNN (TT = 0x08: unsigned bytes; NN: the number of
// dimensions) and one uint32 size per dimension, then the values in row-major order. zlib's gzread decompresses a
// gzip file and passes any other file through unchanged, so both take one path. Every error names the file.
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "nnk/data.hpp"
#include "nnk/error.hpp"

namespace nnk {

namespace {

constexpr const char* kFunction = "nnk::load_idx";
constexpr std::uint32_t kImagesMagic = 0x00000803;  // unsigned bytes, 3 dimensions: count, rows, columns
constexpr std::uint32_t kLabelsMagic = 0x00000801;  // unsigned bytes, 1 dimension: count
// Bytes per gzread call: the buffer is sized at most this far beyond the data that has arrived.
constexpr std::size_t kReadChunk = 64 * 1024;

std::string hex32(std::uint32_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", static_cast<unsigned>(v));
  return text;
}

// One IDX file open through zlib; closed on every way out, errors included.
class IdxFile {
 public:
  explicit IdxFile(const std::string& path) : path_(path) {
    errno = 0;
    file_ = gzopen(path.c_str(), "rb");
    if (file_ == nullptr)
      detail::fail(kFunction, ": cannot open '", path, "': ", errno != 0 ? std::strerror(errno) : "out of memory");
  }
  ~IdxFile() { gzclose(file_); }
  IdxFile(const IdxFile&) = delete;
  IdxFile& operator=(const IdxFile&) = delete;

  const std::string& path() const { return path_; }

  // Appends up to `count` bytes to `out`, fewer only where the data ends. The vector grows as data arrives, so a
  // header that claims more than the file holds costs little more memory than the file.
  void append(std::vector<unsigned char>& out, std::uint64_t count) {
    const std::uint64_t goal = out.size() + count;
    while (out.size() < goal) {
      const std::size_t have = out.size();
      const auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(goal - have, kReadChunk));
      out.resize(have + chunk);
      errno = 0;
      const int got = gzread(file_, out.data() + have, static_cast<unsigned>(chunk));
      if (got < 0) fail_read();
      out.resize(have + static_cast<std::size_t>(got));
      if (static_cast<std::size_t>(got) < chunk) return;
    }
  }

  // Why the data ended: "" at the real end of a file, else what zlib says (a gzip stream cut short).
  std::string early_end() {
    int code = Z_OK;
    const std::string message = zlib_message(code);
    return code == Z_OK ? "" : " (the gzip stream ends early: " + message + ")";
  }

 private:
  [[noreturn]] void fail_read() {
    const int saved = errno;
    int code = Z_OK;
    const std::string message = zlib_message(code);
    detail::fail(kFunction, ": cannot read '", path_, "': ",
                 code == Z_ERRNO ? std::strerror(saved) : message + " (not a valid gzip stream)");
  }

  // zlib's error message without the "path: " it starts with (ours names the file already), and its code.
  std::string zlib_message(int& code) {
    std::string message = gzerror(file_, &code);
    if (message.starts_with(path_ + ": ")) message.erase(0, path_.size() + 2);
    return message;
  }

  std::string path_;
  gzFile file_ = nullptr;
};

std::uint32_t big_endian32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | static_cast<std::uint32_t>(p[3]);
}

// Reads the header of `what` ("images" or "labels") and returns its sizes, each checked to be >= 1.
std::vector<std::uint64_t> read_header(IdxFile& file, std::uint32_t magic, const char* what) {
  const std::size_t dimensions = magic & 0xff;
  const std::uint64_t header_bytes = 4 + 4 * dimensions;
  std::vector<unsigned char> header;
  file.append(header, header_bytes);
  if (header.size() >= 4 && big_endian32(header.data()) != magic) {
    const std::uint32_t actual = big_endian32(header.data());
    const bool swapped = actual == (magic == kImagesMagic ? kLabelsMagic : kImagesMagic);
    detail::fail(kFunction, ": '", file.path(), "' has magic number ", hex32(actual), ", expected ", hex32(magic),
                 " (IDX ", what, ": unsigned bytes, ", dimensions, " dimension", dimensions == 1 ? "" : "s", ")",
                 swapped ? "; the images and labels files look swapped" : "");
  }
  if (header.size() < header_bytes)
    detail::fail(kFunction, ": '", file.path(), "' is truncated: an IDX header of ", what, " has ", header_bytes,
                 " bytes, the file has ", header.size(), file.early_end());
  std::vector<std::uint64_t> sizes;
  for (std::size_t d = 0; d < dimensions; ++d) {
    sizes.push_back(big_endian32(header.data() + 4 + 4 * d));
    if (sizes.back() == 0)
      detail::fail(kFunction, ": '", file.path(), "' has size 0 in dimension ", d + 1, " of its header, expected >= 1");
  }
  return sizes;
}

// Reads exactly `bytes` bytes of values after the header; `description` says what they are, for the messages.
std::vector<unsigned char> read_values(IdxFile& file, std::uint64_t bytes, const std::string& description) {
  std::vector<unsigned char> values;
  values.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(bytes, std::uint64_t{1} << 26)));  // <= 64 MiB
  file.append(values, bytes);
  if (values.size() < bytes)
    detail::fail(kFunction, ": '", file.path(), "' is truncated: ", description, " need ", bytes,
                 " bytes after the header, the file has ", values.size(), file.early_end());
  std::vector<unsigned char> extra;
  file.append(extra, 1);
  if (!extra.empty())
    detail::fail(kFunction, ": '", file.path(), "' has more data than its header says: ", description, " need ",
                 bytes, " bytes after the header, the file has more");
  return values;
}

}  // namespace

Dataset load_idx(const std::string& images_path, const std::string& labels_path) {
  IdxFile images(images_path);
  const std::vector<std::uint64_t> shape = read_header(images, kImagesMagic, "images");
  IdxFile labels(labels_path);
  const std::uint64_t label_count = read_header(labels, kLabelsMagic, "labels")[0];
  const std::uint64_t count = shape[0], pixels = shape[1] * shape[2];  // each size < 2^32: no overflow
  if (label_count != count)
    detail::fail(kFunction, ": '", images_path, "' holds ", count, " images but '", labels_path, "' holds ",
                 label_count, " labels, expected one label per image");
  if (count > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / pixels)
    detail::fail(kFunction, ": '", images_path, "' claims ", count, " images of ", shape[1], " x ", shape[2],
                 " pixels, more bytes than a file can hold");

  const std::vector<unsigned char> pixel_bytes =
      read_values(images, count * pixels,
                  std::to_string(count) + " images of " + std::to_string(shape[1]) + " x " + std::to_string(shape[2]));
  const std::vector<unsigned char> label_bytes = read_values(labels, count, std::to_string(count) + " labels");

  Dataset data;
  const auto rows = static_cast<std::int64_t>(pixels), examples = static_cast<std::int64_t>(count);
  data.features = Matrix(rows, examples);
  data.targets = Matrix(1, examples);
  // An image's pixels are contiguous in the file and in its column: the file's order is the matrix's.
  const unsigned char* in = pixel_bytes.data();
  for (std::int64_t j = 0; j < examples; ++j) {
    float* column = data.features.col(j);
    for (std::int64_t i = 0; i < rows; ++i) column[i] = static_cast<float>(*in++) / 255.0f;
    data.targets(0, j) = static_cast<float>(label_bytes[static_cast<std::size_t>(j)]);
  }
  data.feature_names.reserve(static_cast<std::size_t>(rows));
  for (std::int64_t i = 0; i < rows; ++i) data.feature_names.push_back("pixel" + std::to_string(i));
  data.target_name = "label";
  return data;
}

}  // namespace nnk
