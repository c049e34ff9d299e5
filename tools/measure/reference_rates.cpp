#include "measure/reference_rates.hpp"

#include <algorithm>
#include <chrono>

namespace nnk_measure {

void ReferenceRates::measure(const GemmBackend& reference, const std::vector<GemmShape>& shapes) {
  constexpr int kRuns = 3;
  for (const GemmShape& shape : shapes) {
    if (!reference.runs(shape, 1)) continue;
    GemmOperands operands(shape);
    std::vector<double> seconds;
    reference.with_threads(1, [&] {
      reference.multiply(operands);  // warm-up: caches and page faults
      for (int r = 0; r < kRuns; ++r) {
        const auto start = std::chrono::steady_clock::now();
        reference.multiply(operands);
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      }
    });
    std::nth_element(seconds.begin(), seconds.begin() + kRuns / 2, seconds.end());
    rates_[key(shape)] = gemm_flops(shape) / seconds[kRuns / 2];
  }
}

double ReferenceRates::flops_per_second(const GemmShape& shape) const {
  const auto found = rates_.find(key(shape));
  return found == rates_.end() ? 0.0 : found->second;
}

}  // namespace nnk_measure
