// When the elementwise entry points write their output with non-temporal stores (internal; generic translation
// units and white-box tests).
//
// A regular store to a line that is not in cache first reads the line from memory (read for ownership), so writing
// an output that is not in cache costs twice its size in memory traffic; non-temporal stores write it once and do
// not keep it in cache. That is the right trade only for outputs that could not stay in cache anyway: an output at
// least as large as the last-level cache evicts its own beginning while it is written, so the next kernel would read
// it from memory whatever the stores were. Smaller outputs keep regular stores, so the next kernel (the next
// layer's GEMM, the backward pass) finds them in L2 or L3.
//
// The threshold is the size of the last-level cache that cpu0 shares (cpu/cache_sizes.hpp). Tests lower it
// (set_streaming_threshold_for_tests) to cover the streaming path on small arrays.
#pragma once

#include <atomic>
#include <cstdint>

#include "cpu/cache_sizes.hpp"

namespace nnk::eltwise {

// -1: the last-level cache size.
inline std::atomic<std::int64_t> streaming_threshold_override{-1};

// Outputs of at least this many bytes are written with non-temporal stores.
inline std::int64_t streaming_threshold_bytes() {
  const std::int64_t forced = streaming_threshold_override.load(std::memory_order_relaxed);
  return forced >= 0 ? forced : cpu::last_level_cache_bytes();
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
