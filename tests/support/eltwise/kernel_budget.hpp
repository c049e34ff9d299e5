// An eltwise kernel's result against the reference's, within an error budget (ulp or absolute), and the check that
// no output is subnormal.
#pragma once

#include <cstdint>

#include <gtest/gtest.h>

#include "nnk/matrix.hpp"

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

}  // namespace nnk::test
