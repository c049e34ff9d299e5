// Timing of one kernel call: warm-up, then repetitions of at least a minimum time each, and their median.
#pragma once

#include <functional>

namespace nnk_profile {

struct TimingPolicy {
  double min_time = 0.05;  // seconds per repetition (a repetition runs the call as many times as that takes)
  int repetitions = 5;     // the median of these is reported
};

// Median over policy.repetitions of (seconds / calls) of `call`, after a warm-up of at least one call and about
// min_time. Each repetition runs the call in batches sized from the warm-up, so that reading the clock does not
// weigh on calls of a microsecond or less.
double median_seconds_per_call(const std::function<void()>& call, const TimingPolicy& policy);

// Two calls timed in alternation, a repetition of `a` then one of `b`, so that both see the same load on a shared
// host: the medians of seconds per call of each, for a ratio such as a kernel's bandwidth over the triad's.
struct PairedTimes {
  double a = 0;
  double b = 0;
};
PairedTimes paired_median_seconds_per_call(const std::function<void()>& a, const std::function<void()>& b,
                                           const TimingPolicy& policy);

}  // namespace nnk_profile
