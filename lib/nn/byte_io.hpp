// Little-endian encoding of fixed-width values into a byte buffer, and bounds-checked decoding (internal to lib/nn).
// Written byte by byte with shifts, so the format is the same whatever the host's byte order.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace nnk::nn {

class ByteWriter {
 public:
  void u32(std::uint32_t v) { put(v, 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void i64(std::int64_t v) { put(static_cast<std::uint64_t>(v), 8); }
  void f32(float v) { put(std::bit_cast<std::uint32_t>(v), 4); }
  void f64(double v) { put(std::bit_cast<std::uint64_t>(v), 8); }
  void bytes(const void* data, std::size_t count) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    buffer_.insert(buffer_.end(), p, p + count);
  }
  std::vector<std::uint8_t>& buffer() { return buffer_; }

 private:
  void put(std::uint64_t v, int count) {
    for (int i = 0; i < count; ++i) buffer_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  std::vector<std::uint8_t> buffer_;
};

// Reads from [data, data + size). ok() turns false, for good, at the first read past the end (which returns 0).
class ByteReader {
 public:
  ByteReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint32_t u32() { return static_cast<std::uint32_t>(get(4)); }
  std::uint64_t u64() { return get(8); }
  std::int64_t i64() { return static_cast<std::int64_t>(get(8)); }
  float f32() { return std::bit_cast<float>(static_cast<std::uint32_t>(get(4))); }
  double f64() { return std::bit_cast<double>(get(8)); }
  // The next `count` bytes (empty, and ok() false, when fewer remain).
  std::vector<std::uint8_t> bytes(std::size_t count) {
    if (!ok_ || remaining() < count) {
      ok_ = false;
      return {};
    }
    std::vector<std::uint8_t> out(data_ + offset_, data_ + offset_ + count);
    offset_ += count;
    return out;
  }
  bool ok() const { return ok_; }
  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return size_ - offset_; }

 private:
  std::uint64_t get(int count) {
    if (!ok_ || remaining() < static_cast<std::size_t>(count)) {
      ok_ = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < count; ++i) v |= static_cast<std::uint64_t>(data_[offset_ + i]) << (8 * i);
    offset_ += count;
    return v;
  }
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t offset_ = 0;
  bool ok_ = true;
};

}  // namespace nnk::nn
