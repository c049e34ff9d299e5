// The frame shared by nnk's binary files (model files, checkpoints; internal to lib/nn); core/atomic_file.hpp writes them:
//   8 bytes magic, u32 format version, u64 body size, body, u64 FNV-1a 64 of every byte before it (little-endian).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nnk::nn {

struct FileFormat {
  const char* function;        // names the API call in messages: "nnk::Network::load"
  const char* noun;            // "model", "checkpoint": "is not an nnk model file"
  const std::uint8_t* magic;   // 8 bytes
  std::uint32_t version;
};

// magic, version, size, body, checksum.
std::vector<std::uint8_t> frame(const FileFormat& format, const std::vector<std::uint8_t>& body);

// Checks bytes (read from path) against the format: magic, header, version, size and checksum; nnk::Error naming
// the file otherwise (not such a file, truncated, corrupt, another version). Returns the body's offset and size.
struct FramedBody {
  std::size_t offset = 0;
  std::size_t size = 0;
};
FramedBody unframe(const FileFormat& format, const std::string& path, const std::vector<std::uint8_t>& bytes);

// The whole file; nnk::Error naming it when it cannot be opened or read.
std::vector<std::uint8_t> read_whole_file(const char* function, const std::string& path);

}  // namespace nnk::nn
