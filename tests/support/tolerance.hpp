// Comparisons of results against the reference, each with a tolerance that has a reason.
//
// Every assertion returns ::testing::AssertionResult (use with EXPECT_TRUE) and, on failure, names up to
// kMaxReportedMismatches worst elements with their (i, j), expected and actual values.
#pragma once

#include <cstdint>

#include <gtest/gtest.h>

#include "nnk/matrix.hpp"
#include "nnk/types.hpp"

namespace nnk::test {

inline constexpr int kMaxReportedMismatches = 5;

// Units in the last place between two floats: the number of representable floats from a to b. +0 and -0 are 0
// apart; opposite signs count through zero; NaN against anything is UINT64_MAX (never "close").
std::uint64_t ulp_distance(float a, float b);

// Bitwise equality (NaN payloads and the sign of zero included): for results that must be deterministic.
::testing::AssertionResult matrices_equal(ConstMatrixView expected, ConstMatrixView actual);

// |expected - actual| <= abs_tol + rel_tol * |expected| for every element. NaN matches only NaN, an infinity only the
// same infinity. Shapes must agree.
::testing::AssertionResult matrices_near(ConstMatrixView expected, ConstMatrixView actual, double abs_tol,
                                         double rel_tol);

// ulp_distance(expected, actual) <= max_ulp for every element, except that NaN matches NaN. For elementwise
// functions, whose error budget is measured in ULP.
::testing::AssertionResult matrices_within_ulp(ConstMatrixView expected, ConstMatrixView actual,
                                               std::uint64_t max_ulp);

// --- GEMM
//
// A float GEMM and the double-accumulating reference differ by rounding errors that depend on the summation order
// (blocking over K, FMA contraction, vector lanes). The bound used here, per element of C, is
//     |expected - actual| <= gemm_error_bound(k) * magnitude + kGemmAbsoluteFloor,
//     magnitude = sum_p |alpha * a_ip * b_pj| + |beta * c_ij|       (see gemm_magnitude)
// Why relative to the magnitude, not to |c|: cancellation can make |c| tiny while each rounding error is relative
// to the partial sums, whose size the magnitude bounds. Why sqrt(k): each of the k additions rounds with an error of
// at most eps/2 of its partial sum, with signs that behave like independent random ones, so the errors add like a
// random walk, ~ sqrt(k) (the worst case k * eps is reached only by adversarial data, never by random inputs).

// The factor c in c * eps * sqrt(k): the random-walk error has a standard deviation near eps/6 * sqrt(k) for
// same-sign inputs (and is much smaller for mixed signs). Measured with naive sequential float accumulation (the
// least accurate order a kernel could use) on 8 x 8 results, 20 seeds, k = 16 .. 65536: the worst error was
// 0.38-0.5 * eps * sqrt(k) * magnitude for inputs in [0, 1] and below 0.24 for [-1, 1]. c = 4 leaves a margin of
// 8x over that while still catching a single wrong or missing term, whose error is of the order of a term.
inline constexpr double kGemmBoundFactor = 4.0;
// Absorbs the absolute (not relative) rounding of subnormal results: the smallest normal float.
inline constexpr double kGemmAbsoluteFloor = 1.1754943508222875e-38;

// kGemmBoundFactor * FLT_EPSILON * sqrt(max(k, 1)): relative to the magnitude, not to the result.
double gemm_error_bound(std::int64_t k);

// magnitude(i, j) = |alpha| * sum_p |op(A)_ip| * |op(B)_pj| + |beta| * |C_before(i, j)|, computed with nnk::ref::sgemm
// on absolute values. c_before is C as it was before the GEMM ran; with beta == 0 it is not read (it may hold NaN),
// like the GEMM itself. Throws std::invalid_argument when the shapes do not agree.
Matrix gemm_magnitude(Trans trans_a, Trans trans_b, float alpha, ConstMatrixView a, ConstMatrixView b, float beta,
                      ConstMatrixView c_before);

// Checks the bound above for every element (expected: the reference result; magnitude: from gemm_magnitude).
// A non-finite expected element must be matched exactly (NaN by NaN, an infinity by the same infinity).
::testing::AssertionResult gemm_result_near(ConstMatrixView expected, ConstMatrixView actual, ConstMatrixView magnitude,
                                            std::int64_t k);

}  // namespace nnk::test
