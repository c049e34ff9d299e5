// The training-control flags of 'nnk-train train' on CLI11: added to the app before parsing, converted and
// checked after it (UsageError naming the flag and the value).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "training_control_settings.hpp"

namespace nnk::train_cli {

class TrainingControlFlags {
 public:
  explicit TrainingControlFlags(CLI::App& app);
  // After app.parse: the settings. validation_fraction is the run's, which early stopping needs > 0.
  TrainingControl settings(double validation_fraction) const;

 private:
  std::string early_stopping_, schedule_ = "constant", warmup_ = "0", clip_norm_, checkpoint_, every_, resume_;
  CLI::Option* early_stopping_option_;
  CLI::Option* clip_norm_option_;
  CLI::Option* checkpoint_option_;
  CLI::Option* every_option_;
  CLI::Option* resume_option_;
};

// --lr-schedule's value: constant, cosine, step:EVERY:FACTOR or exponential:GAMMA (no warm-up).
LearningRateSchedule schedule_value(const std::string& text);

}  // namespace nnk::train_cli
