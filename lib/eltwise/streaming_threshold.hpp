// When the elementwise entry points write their output with non-temporal stores (internal; generic translation
// units only: it is plain C++ and reads sysfs; it includes no other nnk header, so white-box tests can include it).
//
// A regular store to a line that is not in cache first reads the line from memory (read for ownership), so writing
// an output that is not in cache costs twice its size in memory traffic; non-temporal stores write it once and do
// not keep it in cache. That is the right trade only for outputs that could not stay in cache anyway: an output at
// least as large as the last-level cache evicts its own beginning while it is written, so the next kernel would read
// it from memory whatever the stores were. Smaller outputs keep regular stores, so the next kernel (the next
// layer's GEMM, the backward pass) finds them in L2 or L3.
//
// The threshold is the size of the last-level cache that the calling core shares (sysfs: on this kind of VM, glibc's
// sysconf reports the whole socket's L3, ten times too much), 32 MiB where it cannot be read.
// Tests lower it (set_streaming_threshold_for_tests) to cover the streaming path on small arrays.
#pragma once

#include <atomic>
#include <cstdint>
#include <fstream>
#include <string>

namespace nnk::eltwise {

inline constexpr std::int64_t kDefaultLastLevelCacheBytes = std::int64_t{32} << 20;

// The size of the highest-level cache of cpu0 in sysfs ("32768K"), or 0.
inline std::int64_t last_level_cache_bytes_from_sysfs() {
  std::int64_t best_level = 0, best_bytes = 0;
  for (int index = 0; index < 16; ++index) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
    std::ifstream level_file(dir + "level"), size_file(dir + "size");
    std::int64_t level = 0, size = 0;
    std::string unit;
    if (!(level_file >> level) || !(size_file >> size)) break;
    size_file >> unit;  // "K" or "M" right after the number, or nothing
    if (!unit.empty() && unit[0] == 'K') size <<= 10;
    if (!unit.empty() && unit[0] == 'M') size <<= 20;
    if (level > best_level) {
      best_level = level;
      best_bytes = size;
    }
  }
  return best_bytes;
}

inline std::int64_t last_level_cache_bytes() {
  static const std::int64_t bytes = [] {
    const std::int64_t from_sysfs = last_level_cache_bytes_from_sysfs();
    return from_sysfs > 0 ? from_sysfs : kDefaultLastLevelCacheBytes;
  }();
  return bytes;
}

// -1: the last-level cache size.
inline std::atomic<std::int64_t> streaming_threshold_override{-1};

// Outputs of at least this many bytes are written with non-temporal stores.
inline std::int64_t streaming_threshold_bytes() {
  const std::int64_t forced = streaming_threshold_override.load(std::memory_order_relaxed);
  return forced >= 0 ? forced : last_level_cache_bytes();
}

// For tests: bytes >= 0 sets the threshold, -1 restores the default.
inline void set_streaming_threshold_for_tests(std::int64_t bytes) {
  streaming_threshold_override.store(bytes, std::memory_order_relaxed);
}

// Whether an output of rows x cols floats is written with non-temporal stores.
inline bool streams_output(std::int64_t rows, std::int64_t cols) {
  const std::int64_t bytes = rows * cols * static_cast<std::int64_t>(sizeof(float));
  return bytes > 0 && bytes >= streaming_threshold_bytes();
}

}  // namespace nnk::eltwise
