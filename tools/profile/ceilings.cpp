#include "ceilings.hpp"

#include <algorithm>

#include "measure/peak_measurement.hpp"

namespace nnk_profile {

Ceilings::Ceilings(nnk::Isa isa, double peak_max_age)
    : isa_(isa), peak_max_age_(peak_max_age), start_(std::chrono::steady_clock::now()) {}

double Ceilings::seconds_since_start() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

double Ceilings::fma_peak(int threads) {
  const auto found = latest_peak_.find(threads);
  if (found != latest_peak_.end() && seconds_since_start() - found->second.at_seconds <= peak_max_age_)
    return best_peak_[threads];
  nnk_measure::PeakTable table;
  table.measure(isa_, threads);
  const CeilingSample sample{
      .threads = threads, .rate = table.flops_per_second(isa_, threads), .at_seconds = seconds_since_start()};
  latest_peak_[threads] = sample;
  peak_samples_.push_back(sample);
  double& best = best_peak_[threads];
  best = std::max(best, sample.rate);
  return best;
}

double Ceilings::best_fma_peak(int threads) const {
  const auto found = best_peak_.find(threads);
  return found == best_peak_.end() ? 0.0 : found->second;
}

nnk_measure::Triad& Ceilings::triad(std::int64_t elements, int threads) {
  std::unique_ptr<nnk_measure::Triad>& triad = triads_[{elements, threads}];
  if (!triad) {
    triad = std::make_unique<nnk_measure::Triad>(elements, threads);
    // Faults the pages in, starts the threads, lets the cores reach their clock.
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
    while (std::chrono::steady_clock::now() < until) triad->run();
  }
  return *triad;
}

void Ceilings::record_triad(std::int64_t elements, int threads, double bytes_per_second) {
  triad_samples_.push_back(
      {.threads = threads, .elements = elements, .rate = bytes_per_second, .at_seconds = seconds_since_start()});
}

}  // namespace nnk_profile
