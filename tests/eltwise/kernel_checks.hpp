// Helpers shared by the eltwise kernel tests: error budgets against the reference, and inputs that reach the
// corners of each kernel (vector tails, strided views, special values).
#pragma once

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

// White box: the streaming-store threshold (the test target does not put lib/ on the include path).
#include "eltwise/streaming_threshold.hpp"
#include "nnk/cpu.hpp"
#include "nnk/matrix.hpp"
#include "support/random.hpp"

namespace nnk::test {

// How far a kernel's float may be from the reference's (the reference rounds a double result once).
struct Budget {
  std::uint64_t max_ulp = 0;  // ulp_distance(expected, actual) <= max_ulp passes,
  double abs_tol = 0;         // and so does |expected - actual| <= abs_tol.
};

// Every element within the budget; NaN matches NaN, an infinity only the same infinity. Where the reference is
// subnormal (0 < |expected| < FLT_MIN) the kernel must give 0: the kernels flush results below FLT_MIN. With
// flushes_subnormals == false, the kernel must match a subnormal reference within the budget instead.
::testing::AssertionResult within_budget(ConstMatrixView expected, ConstMatrixView actual, Budget budget,
                                         bool flushes_subnormals = true);

// No element is subnormal.
::testing::AssertionResult has_no_subnormals(ConstMatrixView m);

// Whether the active ISA fuses multiply-add (one rounding): generic (SSE2) does not.
inline bool active_isa_has_fma() { return active_isa() != Isa::Generic; }

// Row counts around every vector width (4, 8, 16 lanes): 1 .. 33.
const std::vector<std::int64_t>& rows_around_vector_widths();

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
