#include "stopwatch.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

namespace nnk_profile {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Runs `call` in batches of `batch` until at least min_time has passed; returns seconds per call.
double timed_sample(const std::function<void()>& call, std::int64_t batch, double min_time) {
  std::int64_t calls = 0;
  const auto start = Clock::now();
  double seconds = 0;
  do {
    for (std::int64_t i = 0; i < batch; ++i) call();
    calls += batch;
    seconds = seconds_since(start);
  } while (seconds < min_time);
  return seconds / static_cast<double>(calls);
}

}  // namespace

double median_seconds_per_call(const std::function<void()>& call, const TimingPolicy& policy) {
  // Warm-up: caches, page faults, thread pools, the core's clock. Doubles the batch until a batch takes a tenth of
  // min_time, which also sizes the batches of the measurement.
  std::int64_t batch = 1;
  double warm_up = 0;
  for (;;) {
    const auto start = Clock::now();
    for (std::int64_t i = 0; i < batch; ++i) call();
    const double seconds = seconds_since(start);
    warm_up += seconds;
    if (seconds >= policy.min_time / 10 || batch >= (std::int64_t{1} << 40)) break;
    batch *= 2;
  }
  if (warm_up < policy.min_time) timed_sample(call, batch, policy.min_time - warm_up);

  std::vector<double> samples;
  for (int r = 0; r < policy.repetitions; ++r) samples.push_back(timed_sample(call, batch, policy.min_time));
  std::sort(samples.begin(), samples.end());
  const std::size_t half = samples.size() / 2;
  return samples.size() % 2 == 1 ? samples[half] : (samples[half - 1] + samples[half]) / 2;
}

}  // namespace nnk_profile
