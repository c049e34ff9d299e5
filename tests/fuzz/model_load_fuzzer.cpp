// Fuzz target for nnk::Network::load. Any input must give a Network or an nnk::Error, never a crash, a sanitizer
// report or another exception, and a loaded network must be usable (predict on a zero input).
//
// The model file ends with a checksum of everything before it, so almost every mutation of a valid file dies at the
// checksum test. Each input is therefore loaded twice: as it is, and "repaired" -- the header's body size and the
// trailing FNV-1a 64 checksum rewritten to match the bytes -- which lets mutations reach the spec and parameter
// decoding behind the checksum. The layout is the documented one (lib/nn/model_file.cpp): 8 bytes magic, u32
// version, u64 body size, body, u64 checksum, all little-endian.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "support/fuzz/fuzz_check.hpp"
#include "support/fuzz/memory_file.hpp"
#include "nnk/error.hpp"
#include "nnk/network.hpp"

namespace {

using nnk::fuzz::check;

constexpr std::size_t kBodySizeOffset = 12;
constexpr std::size_t kHeaderBytes = 20;
constexpr std::size_t kChecksumBytes = 8;

void put_u64(std::uint8_t* at, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) at[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

std::uint64_t fnv1a_64(const std::uint8_t* data, std::size_t size) {
  std::uint64_t hash = 14695981039346656037ULL;  // FNV offset basis
  for (std::size_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 1099511628211ULL;  // FNV prime
  return hash;
}

void load_and_use(const std::uint8_t* bytes, std::size_t size) {
  nnk::fuzz::MemoryFile& file = nnk::fuzz::input_file();
  file.assign(bytes, size);
  std::optional<nnk::Network> net;
  try {
    net.emplace(nnk::Network::load(file.path()));
  } catch (const nnk::Error& e) {
    nnk::fuzz::check_error_message(e, "nnk::Network::load: ");
    return;
  }
  check(net->num_layers() == net->spec().layers.size() && net->num_layers() >= 1, "layer count is inconsistent");
  check(net->inputs() == net->spec().inputs && net->outputs() == net->spec().layers.back().units,
        "inputs or outputs disagree with the spec");
  const nnk::Matrix x(net->inputs(), 1);
  const nnk::Matrix out = net->predict(x);
  check(out.rows() == net->outputs() && out.cols() == 1, "predict returned the wrong shape");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  load_and_use(bytes, size);
  if (size >= kHeaderBytes + kChecksumBytes) {
    std::vector<std::uint8_t> repaired(bytes, bytes + size);
    put_u64(repaired.data() + kBodySizeOffset, size - kHeaderBytes - kChecksumBytes);
    put_u64(repaired.data() + size - kChecksumBytes, fnv1a_64(repaired.data(), size - kChecksumBytes));
    load_and_use(repaired.data(), repaired.size());
  }
  return 0;
}
