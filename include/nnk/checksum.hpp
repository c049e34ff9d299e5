// FNV-1a, 64 bits, over bytes fed in any number of pieces: the checksum that nnk's model files end with, and that
// tools use to tie a file to its metadata. It detects any single changed byte and, with overwhelming probability,
// any other corruption; it is not a cryptographic hash.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nnk {

class Fnv1a64 {
 public:
  Fnv1a64() = default;
  // Continues a hash whose value() was `state`: the bytes added after it hash as if added to that object.
  explicit Fnv1a64(std::uint64_t state) : hash_(state) {}
  void add(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) {
      hash_ ^= bytes[i];
      hash_ *= 0x100000001b3ULL;
    }
  }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

// The checksum of one contiguous byte range.
inline std::uint64_t fnv1a64(const void* data, std::size_t size) {
  Fnv1a64 hash;
  hash.add(data, size);
  return hash.value();
}

}  // namespace nnk
