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

// Warm-up: caches, page faults, thread pools, the core's clock. Doubles the batch until a batch takes a tenth of
// min_time, then runs on to about min_time in all; returns the batch size for the measurement.
std::int64_t warm_up(const std::function<void()>& call, double min_time) {
  std::int64_t batch = 1;
  double seconds_so_far = 0;
  for (;;) {
    const auto start = Clock::now();
    for (std::int64_t i = 0; i < batch; ++i) call();
    const double seconds = seconds_since(start);
    seconds_so_far += seconds;
    if (seconds >= min_time / 10 || batch >= (std::int64_t{1} << 40)) break;
    batch *= 2;
  }
  if (seconds_so_far < min_time) timed_sample(call, batch, min_time - seconds_so_far);
  return batch;
}

double median(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  const std::size_t half = samples.size() / 2;
  return samples.size() % 2 == 1 ? samples[half] : (samples[half - 1] + samples[half]) / 2;
}

}  // namespace

double median_seconds_per_call(const std::function<void()>& call, const TimingPolicy& policy) {
  const std::int64_t batch = warm_up(call, policy.min_time);
  std::vector<double> samples;
  for (int r = 0; r < policy.repetitions; ++r) samples.push_back(timed_sample(call, batch, policy.min_time));
  return median(std::move(samples));
}

PairedTimes paired_median_seconds_per_call(const std::function<void()>& a, const std::function<void()>& b,
                                           const TimingPolicy& policy) {
  const std::int64_t batch_a = warm_up(a, policy.min_time);
  const std::int64_t batch_b = warm_up(b, policy.min_time);
  std::vector<double> samples_a, samples_b;
  for (int r = 0; r < policy.repetitions; ++r) {
    samples_a.push_back(timed_sample(a, batch_a, policy.min_time));
    samples_b.push_back(timed_sample(b, batch_b, policy.min_time));
  }
  return {median(std::move(samples_a)), median(std::move(samples_b))};
}

}  // namespace nnk_profile
