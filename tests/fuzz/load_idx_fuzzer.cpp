// Fuzz target for nnk::load_idx. The input is split into two files: its first byte is the length L of the labels
// file, the next L bytes are that file and the rest is the images file (short inputs give short files). Any input
// must give a Dataset or an nnk::Error, never a crash, a sanitizer report or another exception. An accepted pair of
// plain (not gzip) files is checked against the bytes themselves: every pixel is its byte / 255, every label its
// byte, in the file's order.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>

#include "support/fuzz/fuzz_check.hpp"
#include "support/fuzz/memory_file.hpp"
#include "nnk/data.hpp"
#include "nnk/error.hpp"

namespace {

using nnk::fuzz::check;

bool is_gzip(const std::uint8_t* bytes, std::size_t size) { return size >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b; }

std::uint32_t big_endian32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | std::uint32_t{p[3]};
}

void check_against_bytes(const nnk::Dataset& data, const std::uint8_t* images, std::size_t images_size,
                         const std::uint8_t* labels, std::size_t labels_size) {
  check(images_size >= 16 && labels_size >= 8, "accepted files shorter than their IDX headers");
  const std::int64_t count = big_endian32(images + 4);
  const std::int64_t pixels = std::int64_t{big_endian32(images + 8)} * big_endian32(images + 12);
  check(data.examples() == count && data.features.rows() == pixels, "shape differs from the images header");
  check(static_cast<std::int64_t>(images_size) == 16 + count * pixels, "accepted an images file of the wrong length");
  check(static_cast<std::int64_t>(labels_size) == 8 + count, "accepted a labels file of the wrong length");
  check(data.feature_names.size() == static_cast<std::size_t>(pixels) && data.target_name == "label",
        "names differ from pixel<i> / label");
  for (std::int64_t j = 0; j < count; ++j) {
    for (std::int64_t i = 0; i < pixels; ++i) {
      const float expected = static_cast<float>(images[16 + j * pixels + i]) / 255.0f;
      check(std::bit_cast<std::uint32_t>(data.features(i, j)) == std::bit_cast<std::uint32_t>(expected),
            "a pixel differs from its byte / 255");
    }
    check(data.targets(0, j) == static_cast<float>(labels[8 + j]), "a label differs from its byte");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  static nnk::fuzz::MemoryFile labels_file;
  nnk::fuzz::MemoryFile& images_file = nnk::fuzz::input_file();
  const std::size_t labels_size = size == 0 ? 0 : std::min<std::size_t>(bytes[0], size - 1);
  const std::uint8_t* labels = bytes + (size == 0 ? 0 : 1);
  const std::uint8_t* images = labels + labels_size;
  const std::size_t images_size = size - (images - bytes);
  labels_file.assign(labels, labels_size);
  images_file.assign(images, images_size);

  nnk::Dataset data;
  try {
    data = nnk::load_idx(images_file.path(), labels_file.path());
  } catch (const nnk::Error& e) {
    nnk::fuzz::check_error_message(e, "nnk::load_idx: ");
    return 0;
  }
  check(data.examples() >= 1 && data.features.rows() >= 1, "an accepted pair holds no pixel");
  check(data.targets.rows() == 1 && data.targets.cols() == data.examples(), "targets are not 1 x examples");
  if (!is_gzip(images, images_size) && !is_gzip(labels, labels_size))
    check_against_bytes(data, images, images_size, labels, labels_size);
  return 0;
}
