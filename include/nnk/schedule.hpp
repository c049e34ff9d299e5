// Learning-rate schedules for nnk::fit: the rate is set once per epoch from the optimizer's learning_rate (the base
// rate r0) and the epoch number e = 1, 2, ..., E (E = FitOptions::epochs).
//
//   nnk::FitOptions options{.epochs = 60, .schedule = {.kind = nnk::ScheduleKind::Cosine, .warmup_epochs = 5}};
//
// Warm-up (warmup_epochs = W >= 0): epochs 1..W use r0 * e / (W + 1), a straight line that reaches r0 at epoch
// W + 1. The schedule proper then runs over the epochs after the warm-up, with k = e - W - 1 = 0, 1, ... and
// E' = E - W of them:
//   Constant      r0
//   Cosine        r0 * (1 + cos(pi * k / E')) / 2     (r0 at the first epoch, never 0 at the last)
//   Step          r0 * factor ^ floor(k / every)      (every >= 1, factor > 0)
//   Exponential   r0 * gamma ^ k                      (gamma > 0)
// Computed in double and rounded once to float. Cosine depends on E: resuming a run to another total changes it.
#pragma once

#include <cstdint>
#include <string>

namespace nnk {

enum class ScheduleKind { Constant, Cosine, Step, Exponential };

struct LearningRateSchedule {
  ScheduleKind kind = ScheduleKind::Constant;
  std::int64_t every = 1;    // Step: epochs between two decays
  double factor = 1;         // Step: the decay at each
  double gamma = 1;          // Exponential: the decay per epoch
  std::int64_t warmup_epochs = 0;

  bool operator==(const LearningRateSchedule&) const = default;
};

// nnk::Error naming `name`'s field when a value is out of range (every < 1, factor or gamma not finite and > 0,
// warmup_epochs < 0).
void check_schedule(const char* name, const LearningRateSchedule& schedule);

// The learning rate of epoch `epoch` (1 <= epoch) of `epochs`, from the base rate; see the formulas above.
float scheduled_learning_rate(const LearningRateSchedule& schedule, float base_rate, std::int64_t epoch,
                              std::int64_t epochs);

// "constant", "cosine", "step:10:0.5", "exponential:0.95", plus " warmup 5" when there is a warm-up: the spelling
// of nnk-train's --lr-schedule.
std::string to_string(const LearningRateSchedule& schedule);

}  // namespace nnk
