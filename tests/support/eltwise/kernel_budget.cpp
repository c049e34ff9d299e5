#include "support/eltwise/kernel_budget.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "support/tolerance.hpp"

namespace nnk::test {

namespace {

constexpr int kMaxReported = 5;

bool is_subnormal(float x) { return x != 0.0f && std::fabs(x) < std::numeric_limits<float>::min(); }

bool passes(float e, float a, Budget budget, bool flushes_subnormals) {
  if (std::isnan(e) || std::isnan(a)) return std::isnan(e) && std::isnan(a);
  if (std::isinf(e) || std::isinf(a)) return e == a;
  if (flushes_subnormals && is_subnormal(e)) return a == 0.0f;
  if (ulp_distance(e, a) <= budget.max_ulp) return true;
  return std::fabs(static_cast<double>(e) - static_cast<double>(a)) <= budget.abs_tol;
}

}  // namespace

::testing::AssertionResult within_budget(ConstMatrixView expected, ConstMatrixView actual, Budget budget,
                                         bool flushes_subnormals) {
  if (expected.rows() != actual.rows() || expected.cols() != actual.cols())
    return ::testing::AssertionFailure() << "shapes differ: " << expected.rows() << " x " << expected.cols() << " vs "
                                         << actual.rows() << " x " << actual.cols();
  std::ostringstream report;
  int failures = 0;
  for (std::int64_t j = 0; j < expected.cols(); ++j) {
    for (std::int64_t i = 0; i < expected.rows(); ++i) {
      const float e = expected(i, j), a = actual(i, j);
      if (passes(e, a, budget, flushes_subnormals)) continue;
      if (failures < kMaxReported)
        report << "\n  (" << i << ", " << j << "): expected " << std::hexfloat << e << " (" << std::defaultfloat << e
               << "), got " << std::hexfloat << a << " (" << std::defaultfloat << a << "), " << ulp_distance(e, a)
               << " ulp";
      ++failures;
    }
  }
  if (failures == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << failures << " element(s) outside " << budget.max_ulp << " ulp / "
                                       << budget.abs_tol << " absolute:" << report.str();
}

::testing::AssertionResult has_no_subnormals(ConstMatrixView m) {
  for (std::int64_t j = 0; j < m.cols(); ++j)
    for (std::int64_t i = 0; i < m.rows(); ++i)
      if (is_subnormal(m(i, j)))
        return ::testing::AssertionFailure() << "(" << i << ", " << j << ") is subnormal: " << m(i, j);
  return ::testing::AssertionSuccess();
}

}  // namespace nnk::test
