// The eltwise kernels' streaming path (non-temporal stores) forced on small arrays, and the shapes that reach its
// corners.
#pragma once

#include <cstdint>
#include <vector>

// White box: the streaming-store threshold (the test target does not put lib/ on the include path).
#include "eltwise/streaming_threshold.hpp"

namespace nnk::test {

// Outputs of at least `bytes` bytes get non-temporal stores while this lives (0: every output), so that the
// streaming path runs on arrays small enough for a quick test; the default threshold is the last-level cache size.
class ScopedStreamingThreshold {
 public:
  explicit ScopedStreamingThreshold(std::int64_t bytes) { eltwise::set_streaming_threshold_for_tests(bytes); }
  ~ScopedStreamingThreshold() { eltwise::set_streaming_threshold_for_tests(-1); }
  ScopedStreamingThreshold(const ScopedStreamingThreshold&) = delete;
  ScopedStreamingThreshold& operator=(const ScopedStreamingThreshold&) = delete;
};

// Shapes for the streaming path: row counts with odd tails for every vector width, column counts that make the
// flat layout span several parts of the work split (65536 elements), and output starts 0..15 floats past a
// 64-byte boundary.
struct StreamingShape {
  std::int64_t rows;
  std::int64_t cols;
  std::int64_t ld_extra;   // 0: contiguous (the flat path), else ld = rows + ld_extra (column by column)
  std::int64_t misalign;   // floats past a 64-byte boundary
};
const std::vector<StreamingShape>& streaming_shapes();

}  // namespace nnk::test
