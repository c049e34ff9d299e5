#include "measure/result_check.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <string>

namespace nnk_measure {

namespace {

// Odd sizes, none a multiple of a SIMD width or tile, so that a wrong leading dimension or swapped m/n shows.
constexpr std::int64_t kM = 67;
constexpr std::int64_t kN = 45;
constexpr std::int64_t kK = 131;

float max_abs(const nnk::Matrix& x) {
  float largest = 0;
  for (std::int64_t i = 0; i < x.size(); ++i) largest = std::max(largest, std::abs(x.data()[i]));
  return largest;
}

// Infinity when an element is NaN or infinite (std::max would silently drop a NaN).
float max_abs_diff(const nnk::Matrix& x, const nnk::Matrix& y) {
  float largest = 0;
  for (std::int64_t i = 0; i < x.size(); ++i) {
    const float difference = std::abs(x.data()[i] - y.data()[i]);
    if (!std::isfinite(difference)) return std::numeric_limits<float>::infinity();
    largest = std::max(largest, difference);
  }
  return largest;
}

// C of `backend` on these operands, single-threaded; NaN in C first, so an untouched C cannot pass.
nnk::Matrix product(const GemmBackend& backend, GemmOperands operands) {
  operands.c.fill(std::numeric_limits<float>::quiet_NaN());
  backend.with_threads(1, [&] { backend.multiply(operands); });
  return operands.c;
}

std::string format_difference(float value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2e", static_cast<double>(value));
  return text;
}

}  // namespace

bool check_results(const std::vector<GemmBackend>& backends, std::ostream& log) {
  const GemmBackend reference = reference_backend();
  const GemmBackend active_nnk = nnk_backend(nnk::active_isa());
  bool all_ok = true;
  for (nnk::Trans trans_a : {nnk::Trans::No, nnk::Trans::Yes}) {
    for (nnk::Trans trans_b : {nnk::Trans::No, nnk::Trans::Yes}) {
      const GemmOperands operands({trans_a, trans_b, kM, kN, kK});
      const nnk::Matrix expected = product(reference, operands);
      const nnk::Matrix nnk_result = product(active_nnk, operands);
      const float tolerance = 64 * std::numeric_limits<float>::epsilon() * std::sqrt(static_cast<float>(kK)) *
                              std::max(1.0f, max_abs(expected));
      for (const GemmBackend& backend : backends) {
        if (backend.library == reference.library) continue;
        log << "check " << backend.name() << " " << describe(operands.shape) << ": ";
        try {
          const nnk::Matrix result = product(backend, operands);
          const float error = max_abs_diff(result, expected);
          const bool ok = error <= tolerance;
          all_ok = all_ok && ok;
          log << "max|C - ref| = " << format_difference(error);
          if (backend.library != active_nnk.library)
            log << ", max|C - " << active_nnk.name() << "| = " << format_difference(max_abs_diff(result, nnk_result));
          log << " (tolerance " << format_difference(tolerance) << ") " << (ok ? "ok" : "WRONG") << "\n";
        } catch (const std::exception& error) {
          all_ok = false;
          log << "failed: " << error.what() << "\n";
        }
      }
    }
  }
  return all_ok;
}

}  // namespace nnk_measure
