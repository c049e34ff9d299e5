// nnk-train's training-control and resume settings (--early-stopping, --lr-schedule, --warmup-epochs, --clip-norm,
// --checkpoint, --checkpoint-every, --resume), as parsed by training_control_flags.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "nnk/schedule.hpp"

namespace nnk::train_cli {

struct TrainingControl {
  std::int64_t early_stopping = 0;           // patience in epochs; 0: off
  LearningRateSchedule schedule = {};        // warm-up included
  double clip_norm = 0;                      // 0: off
  std::optional<std::string> checkpoint_path;
  std::int64_t checkpoint_every = 1;
  std::optional<std::string> resume_path;    // continue this run to --epochs in total
};

}  // namespace nnk::train_cli
