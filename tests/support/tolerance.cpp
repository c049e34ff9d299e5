// The elementwise comparisons (bitwise, absolute + relative, ulp) and the GEMM error bound.
#include "support/tolerance.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <iomanip>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support/float_bits.hpp"
#include "support/matrices.hpp"

namespace nnk::test {

namespace {

// One element that failed a comparison; `severity` orders the report (worst first).
struct Mismatch {
  std::int64_t i, j;
  float expected, actual;
  double severity;
  std::string detail;
};

// Compares element by element; judge(i, j, expected, actual) returns std::nullopt when they agree, else a Mismatch
// with severity and detail filled in (this function fills in i and j). `what` describes the criterion.
template <typename Judge>
::testing::AssertionResult compare_elementwise(ConstMatrixView expected, ConstMatrixView actual, const std::string& what,
                                               Judge judge) {
  if (expected.rows() != actual.rows() || expected.cols() != actual.cols())
    return ::testing::AssertionFailure() << "shapes differ: expected is " << expected.rows() << " x "
                                         << expected.cols() << ", actual is " << actual.rows() << " x "
                                         << actual.cols();
  std::vector<Mismatch> mismatches;
  for (std::int64_t j = 0; j < expected.cols(); ++j) {
    for (std::int64_t i = 0; i < expected.rows(); ++i) {
      if (auto mismatch = judge(i, j, expected(i, j), actual(i, j))) {
        mismatch->i = i;
        mismatch->j = j;
        mismatches.push_back(*mismatch);
      }
    }
  }
  if (mismatches.empty()) return ::testing::AssertionSuccess();

  const auto shown = std::min<std::size_t>(mismatches.size(), kMaxReportedMismatches);
  std::partial_sort(mismatches.begin(), mismatches.begin() + static_cast<std::ptrdiff_t>(shown), mismatches.end(),
                    [](const Mismatch& x, const Mismatch& y) { return x.severity > y.severity; });
  auto failure = ::testing::AssertionFailure();
  failure << mismatches.size() << " of " << expected.rows() * expected.cols() << " elements of a " << expected.rows()
          << " x " << expected.cols() << " matrix differ (" << what << "); the worst " << shown << ":";
  for (std::size_t r = 0; r < shown; ++r) {
    const Mismatch& m = mismatches[r];
    failure << "\n  (" << m.i << ", " << m.j << "): expected " << std::setprecision(9) << m.expected << ", actual "
            << m.actual << "; " << m.detail;
  }
  return failure;
}

// Non-finite values match only themselves: NaN matches NaN, +inf matches +inf.
bool same_non_finite(float expected, float actual) {
  if (std::isnan(expected) || std::isnan(actual)) return std::isnan(expected) && std::isnan(actual);
  return expected == actual;  // at least one is infinite here
}

std::string format_error(double error, double allowed) {
  std::ostringstream out;
  out << std::setprecision(3) << "|error| " << error << " > allowed " << allowed;
  return out.str();
}

// Within `tolerance` of expected, or both the same non-finite value; else the mismatch.
std::optional<Mismatch> judge_with_tolerance(float expected, float actual, double tolerance) {
  if (!std::isfinite(expected) || !std::isfinite(actual)) {
    if (same_non_finite(expected, actual)) return std::nullopt;
    return Mismatch{0, 0, expected, actual, std::numeric_limits<double>::infinity(), "non-finite mismatch"};
  }
  const double error = std::fabs(static_cast<double>(expected) - static_cast<double>(actual));
  if (error <= tolerance) return std::nullopt;
  return Mismatch{0, 0, expected, actual, tolerance > 0 ? error / tolerance : error, format_error(error, tolerance)};
}

// Maps a float's bits to an integer that orders like the float: negative floats count down from 0.
std::int64_t ordered_bits(float x) {
  const auto bits = static_cast<std::int64_t>(std::bit_cast<std::uint32_t>(x));
  return bits & 0x80000000 ? -(bits & 0x7FFFFFFF) : bits;
}

}  // namespace

std::uint64_t ulp_distance(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<std::uint64_t>::max();
  const std::int64_t x = ordered_bits(a), y = ordered_bits(b);
  return static_cast<std::uint64_t>(x > y ? x - y : y - x);
}

::testing::AssertionResult matrices_equal(ConstMatrixView expected, ConstMatrixView actual) {
  return compare_elementwise(expected, actual, "bitwise equality", [](std::int64_t, std::int64_t, float e, float a) -> std::optional<Mismatch> {
    if (std::bit_cast<std::uint32_t>(e) == std::bit_cast<std::uint32_t>(a)) return std::nullopt;
    return Mismatch{0, 0, e, a, static_cast<double>(ulp_distance(e, a)),
                    "bits " + describe_bits(e) + " vs " + describe_bits(a)};
  });
}

::testing::AssertionResult matrices_near(ConstMatrixView expected, ConstMatrixView actual, double abs_tol,
                                         double rel_tol) {
  std::ostringstream what;
  what << "|expected - actual| <= " << abs_tol << " + " << rel_tol << " * |expected|";
  return compare_elementwise(expected, actual, what.str(), [&](std::int64_t, std::int64_t, float e, float a) {
    return judge_with_tolerance(e, a, abs_tol + rel_tol * std::fabs(static_cast<double>(e)));
  });
}

::testing::AssertionResult matrices_within_ulp(ConstMatrixView expected, ConstMatrixView actual,
                                               std::uint64_t max_ulp) {
  return compare_elementwise(expected, actual, "at most " + std::to_string(max_ulp) + " ulp apart",
                             [&](std::int64_t, std::int64_t, float e, float a) -> std::optional<Mismatch> {
                               if (std::isnan(e) && std::isnan(a)) return std::nullopt;
                               const std::uint64_t distance = ulp_distance(e, a);
                               if (distance <= max_ulp) return std::nullopt;
                               return Mismatch{0, 0, e, a, static_cast<double>(distance),
                                               std::to_string(distance) + " ulp apart"};
                             });
}

double gemm_error_bound(std::int64_t k) {
  return kGemmBoundFactor * static_cast<double>(std::numeric_limits<float>::epsilon()) *
         std::sqrt(static_cast<double>(std::max<std::int64_t>(k, 1)));
}

Matrix gemm_magnitude(Trans trans_a, Trans trans_b, float alpha, ConstMatrixView a, ConstMatrixView b, float beta,
                      ConstMatrixView c_before) {
  auto absolute = [](ConstMatrixView x) {
    Matrix result = Matrix::from(x);
    for (std::int64_t j = 0; j < result.cols(); ++j)
      for (std::int64_t i = 0; i < result.rows(); ++i) result(i, j) = std::fabs(result(i, j));
    return result;
  };
  // With beta == 0 the GEMM does not read C, so neither does its magnitude: C may hold NaN.
  Matrix magnitude = beta == 0.0f ? Matrix(c_before.rows(), c_before.cols()) : absolute(c_before);
  ref_gemm(trans_a, trans_b, std::fabs(alpha), absolute(a), absolute(b), std::fabs(beta), magnitude);
  return magnitude;
}

::testing::AssertionResult gemm_result_near(ConstMatrixView expected, ConstMatrixView actual, ConstMatrixView magnitude,
                                            std::int64_t k) {
  if (magnitude.rows() != expected.rows() || magnitude.cols() != expected.cols())
    return ::testing::AssertionFailure() << "magnitude is " << magnitude.rows() << " x " << magnitude.cols()
                                         << ", expected the shape of the result, " << expected.rows() << " x "
                                         << expected.cols();
  const double relative = gemm_error_bound(k);
  std::ostringstream what;
  what << "|error| <= " << kGemmBoundFactor << " * eps * sqrt(k = " << k << ") * magnitude + " << kGemmAbsoluteFloor;
  return compare_elementwise(expected, actual, what.str(), [&](std::int64_t i, std::int64_t j, float e, float a) {
    return judge_with_tolerance(e, a, relative * static_cast<double>(magnitude(i, j)) + kGemmAbsoluteFloor);
  });
}

}  // namespace nnk::test
