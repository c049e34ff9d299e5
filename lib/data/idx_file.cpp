// Images and labels in MNIST's IDX format, gzip-compressed or plain, whole or a range of examples.
//
// An IDX file is a big-endian header, the magic number 0x0000TTNN (TT = 0x08: unsigned bytes; NN: the number of
// dimensions) and one uint32 size per dimension, then the values in row-major order. zlib's gzread decompresses a
// gzip file and passes any other file through unchanged, so both take one path; gzseek seeks in a plain file and
// inflates and drops the bytes of a gzip one. Every error names the file.
#include "data/idx_file.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "nnk/data.hpp"
#include "nnk/error.hpp"

namespace nnk::detail {

namespace {

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
  IdxFile(const char* function, const std::string& path) : function_(function), path_(path) {
    errno = 0;
    file_ = gzopen(path.c_str(), "rb");
    if (file_ == nullptr)
      detail::fail(function_, ": cannot open '", path, "': ", errno != 0 ? std::strerror(errno) : "out of memory");
  }
  ~IdxFile() { gzclose(file_); }
  IdxFile(const IdxFile&) = delete;
  IdxFile& operator=(const IdxFile&) = delete;

  const char* function() const { return function_; }
  const std::string& path() const { return path_; }
  // Whether the file is plain (zlib passes it through): then its size tells how much data it holds.
  bool plain() { return gzdirect(file_) == 1; }
  // The position in the (uncompressed) data.
  std::uint64_t position() { return static_cast<std::uint64_t>(std::max<z_off_t>(gztell(file_), 0)); }

  // Moves `count` bytes on: a seek in a plain file; a gzip file inflates them as the next read starts, keeping none.
  void skip(std::uint64_t count) {
    if (count == 0) return;
    errno = 0;
    if (gzseek(file_, static_cast<z_off_t>(count), SEEK_CUR) < 0) fail_read();
  }

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
    detail::fail(function_, ": cannot read '", path_, "': ",
                 code == Z_ERRNO ? std::strerror(saved) : message + " (not a valid gzip stream)");
  }

  // zlib's error message without the "path: " it starts with (ours names the file already), and its code.
  std::string zlib_message(int& code) {
    std::string message = gzerror(file_, &code);
    if (message.starts_with(path_ + ": ")) message.erase(0, path_.size() + 2);
    return message;
  }

  const char* function_;
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
    detail::fail(file.function(), ": '", file.path(), "' has magic number ", hex32(actual), ", expected ", hex32(magic),
                 " (IDX ", what, ": unsigned bytes, ", dimensions, " dimension", dimensions == 1 ? "" : "s", ")",
                 swapped ? "; the images and labels files look swapped" : "");
  }
  if (header.size() < header_bytes)
    detail::fail(file.function(), ": '", file.path(), "' is truncated: an IDX header of ", what, " has ", header_bytes,
                 " bytes, the file has ", header.size(), file.early_end());
  std::vector<std::uint64_t> sizes;
  for (std::size_t d = 0; d < dimensions; ++d) {
    sizes.push_back(big_endian32(header.data() + 4 + 4 * d));
    if (sizes.back() == 0)
      detail::fail(file.function(), ": '", file.path(), "' has size 0 in dimension ", d + 1,
                   " of its header, expected >= 1");
  }
  return sizes;
}

[[noreturn]] void fail_truncated(IdxFile& file, const std::string& description, std::uint64_t bytes,
                                 std::uint64_t actual) {
  detail::fail(file.function(), ": '", file.path(), "' is truncated: ", description, " need ", bytes,
               " bytes after the header, the file has ", actual, file.early_end());
}

[[noreturn]] void fail_longer(IdxFile& file, const std::string& description, std::uint64_t bytes,
                              const std::string& actual) {
  detail::fail(file.function(), ": '", file.path(), "' has more data than its header says: ", description, " need ",
               bytes, " bytes after the header, the file has ", actual);
}

// Reads exactly `bytes` bytes of values after the header; `description` says what they are, for the messages.
std::vector<unsigned char> read_values(IdxFile& file, std::uint64_t bytes, const std::string& description) {
  std::vector<unsigned char> values;
  values.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(bytes, std::uint64_t{1} << 26)));  // <= 64 MiB
  file.append(values, bytes);
  if (values.size() < bytes) fail_truncated(file, description, bytes, values.size());
  std::vector<unsigned char> extra;
  file.append(extra, 1);
  if (!extra.empty()) fail_longer(file, description, bytes, "more");
  return values;
}

// A plain file's size against its header's (both ways), before any seek past its end could hide a short file.
void check_plain_size(IdxFile& file, std::uint64_t header_bytes, std::uint64_t bytes, const std::string& description) {
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(file.path(), error);
  if (error) return;  // not a regular file: reading tells
  const std::uint64_t data_bytes = size > header_bytes ? size - header_bytes : 0;
  if (data_bytes < bytes) fail_truncated(file, description, bytes, data_bytes);
  if (data_bytes > bytes) fail_longer(file, description, bytes, std::to_string(data_bytes));
}

// The bytes of the images [range.first, range.first + range.count) of `count` images of `pixels` bytes each.
std::vector<unsigned char> read_image_range(IdxFile& file, std::uint64_t header_bytes, std::uint64_t count,
                                            std::uint64_t pixels, IdxRange range, const std::string& description) {
  const auto first = static_cast<std::uint64_t>(range.first), end = first + static_cast<std::uint64_t>(range.count);
  if (file.plain()) check_plain_size(file, header_bytes, count * pixels, description);
  // A range short of the end is described as such: its end is what must be there.
  const std::string needed = end == count ? description
                                          : "images [" + std::to_string(first) + ", " + std::to_string(end) +
                                                ") of " + description;
  file.skip(first * pixels);
  std::vector<unsigned char> values;
  values.reserve(static_cast<std::size_t>(std::min<std::uint64_t>((end - first) * pixels, std::uint64_t{1} << 26)));
  file.append(values, (end - first) * pixels);
  if (values.size() < (end - first) * pixels)
    fail_truncated(file, needed, end * pixels, file.position() - header_bytes);
  if (end == count) {
    std::vector<unsigned char> extra;
    file.append(extra, 1);
    if (!extra.empty()) fail_longer(file, description, count * pixels, "more");
  }
  return values;
}

// The image count and (rows, columns) of an images file whose header was read, checked to fit in memory sizes.
void check_image_shape(IdxFile& file, const std::vector<std::uint64_t>& shape) {
  if (shape[0] > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / (shape[1] * shape[2]))
    detail::fail(file.function(), ": '", file.path(), "' claims ", shape[0], " images of ", shape[1], " x ", shape[2],
                 " pixels, more bytes than a file can hold");
}

}  // namespace

Dataset read_idx_examples(const char* function, const std::string& images_path, const std::string& labels_path,
                          const std::function<IdxRange(std::int64_t images)>& choose_range) {
  IdxFile images(function, images_path);
  const std::vector<std::uint64_t> shape = read_header(images, kImagesMagic, "images");
  IdxFile labels(function, labels_path);
  const std::uint64_t label_count = read_header(labels, kLabelsMagic, "labels")[0];
  const std::uint64_t count = shape[0], pixels = shape[1] * shape[2];  // each size < 2^32: no overflow
  if (label_count != count)
    detail::fail(function, ": '", images_path, "' holds ", count, " images but '", labels_path, "' holds ",
                 label_count, " labels, expected one label per image");
  check_image_shape(images, shape);
  const IdxRange range = choose_range(static_cast<std::int64_t>(count));

  const std::vector<unsigned char> pixel_bytes = read_image_range(
      images, 4 + 4 * shape.size(), count, pixels, range,
      std::to_string(count) + " images of " + std::to_string(shape[1]) + " x " + std::to_string(shape[2]));
  const std::vector<unsigned char> label_bytes = read_values(labels, count, std::to_string(count) + " labels");

  Dataset data;
  const auto rows = static_cast<std::int64_t>(pixels);
  data.features = Matrix(rows, range.count);
  data.targets = Matrix(1, range.count);
  // An image's pixels are contiguous in the file and in its column: the file's order is the matrix's.
  const unsigned char* in = pixel_bytes.data();
  for (std::int64_t j = 0; j < range.count; ++j) {
    float* column = data.features.col(j);
    for (std::int64_t i = 0; i < rows; ++i) column[i] = static_cast<float>(*in++) / 255.0f;
    data.targets(0, j) = static_cast<float>(label_bytes[static_cast<std::size_t>(range.first + j)]);
  }
  data.feature_names.reserve(static_cast<std::size_t>(rows));
  for (std::int64_t i = 0; i < rows; ++i) data.feature_names.push_back("pixel" + std::to_string(i));
  data.target_name = "label";
  return data;
}

std::int64_t read_idx_image_count(const char* function, const std::string& images_path) {
  IdxFile images(function, images_path);
  const std::vector<std::uint64_t> shape = read_header(images, kImagesMagic, "images");
  check_image_shape(images, shape);
  return static_cast<std::int64_t>(shape[0]);
}

Matrix read_idx_labels(const char* function, const std::string& labels_path) {
  IdxFile labels(function, labels_path);
  const std::uint64_t count = read_header(labels, kLabelsMagic, "labels")[0];
  const std::vector<unsigned char> bytes = read_values(labels, count, std::to_string(count) + " labels");
  Matrix row(1, static_cast<std::int64_t>(count));
  for (std::size_t j = 0; j < bytes.size(); ++j) row(0, static_cast<std::int64_t>(j)) = static_cast<float>(bytes[j]);
  return row;
}

}  // namespace nnk::detail
