// Helpers shared by the eltwise kernel tests: error budgets against the reference, and inputs that reach the
// corners of each kernel (vector tails, strided views, special values).
#pragma once

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

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

}  // namespace nnk::test
