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

}  // namespace nnk_profile
