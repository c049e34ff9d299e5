#include "training_control_flags.hpp"

#include <string_view>
#include <vector>

#include "command_line.hpp"
#include "option_values.hpp"

namespace nnk::train_cli {

namespace {

constexpr std::int64_t kMaxEpochs = 1'000'000'000;
constexpr const char* kScheduleForms = "constant, cosine, step:EVERY:FACTOR or exponential:GAMMA";

std::vector<std::string> split_colons(const std::string& text) {
  std::vector<std::string> parts(1);
  for (const char c : text) {
    if (c == ':') {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

[[noreturn]] void bad_schedule(const std::string& text) {
  throw UsageError(std::string("--lr-schedule must be ") + kScheduleForms + "; got " + quote_value(text));
}

}  // namespace

LearningRateSchedule schedule_value(const std::string& text) {
  const std::vector<std::string> parts = split_colons(text);
  const std::string& kind = parts[0];
  if ((kind == "constant" || kind == "cosine") && parts.size() == 1)
    return {.kind = kind == "constant" ? ScheduleKind::Constant : ScheduleKind::Cosine};
  const RealRange positive{.min = 0, .min_inclusive = false};
  if (kind == "step" && parts.size() == 3)
    return {.kind = ScheduleKind::Step, .every = integer_value("--lr-schedule step:EVERY", parts[1], 1, kMaxEpochs),
            .factor = real_value("--lr-schedule step:EVERY:FACTOR", parts[2], positive)};
  if (kind == "exponential" && parts.size() == 2)
    return {.kind = ScheduleKind::Exponential, .gamma = real_value("--lr-schedule exponential:GAMMA", parts[1], positive)};
  bad_schedule(text);
}

TrainingControlFlags::TrainingControlFlags(CLI::App& app) {
  early_stopping_option_ =
      app.add_option("--early-stopping", early_stopping_,
                     "Stop after N epochs without a lower validation loss; keep the best epoch's model")
          ->type_name("N");
  app.add_option("--lr-schedule", schedule_, std::string("Learning-rate schedule: ") + kScheduleForms)
      ->type_name("SPEC")->capture_default_str();
  app.add_option("--warmup-epochs", warmup_, "Linear learning-rate warm-up over the first N epochs")
      ->type_name("N")->capture_default_str();
  clip_norm_option_ =
      app.add_option("--clip-norm", clip_norm_, "Scale the gradient to a global L2 norm of at most X")->type_name("X");
  checkpoint_option_ = app.add_option("--checkpoint", checkpoint_, "Write a checkpoint here (atomically) after epochs")
                           ->type_name("PATH");
  every_option_ = app.add_option("--checkpoint-every", every_, "Checkpoint every N epochs (default 1) and at the end")
                      ->type_name("N");
  resume_option_ = app.add_option("--resume", resume_, "Continue the run of this checkpoint to --epochs in total")
                       ->type_name("PATH");
}

TrainingControl TrainingControlFlags::settings(double validation_fraction) const {
  TrainingControl c;
  if (early_stopping_option_->count() > 0) {
    c.early_stopping = integer_value("--early-stopping", early_stopping_, 1, kMaxEpochs);
    if (!(validation_fraction > 0))
      throw UsageError("--early-stopping watches the validation loss: it needs --validation-fraction > 0, got " +
                       number_text(validation_fraction));
  }
  c.schedule = schedule_value(schedule_);
  c.schedule.warmup_epochs = integer_value("--warmup-epochs", warmup_, 0, kMaxEpochs);
  if (clip_norm_option_->count() > 0) c.clip_norm = real_value("--clip-norm", clip_norm_, {.min = 0, .min_inclusive = false});
  if (checkpoint_option_->count() > 0) c.checkpoint_path = non_empty("--checkpoint", checkpoint_);
  if (every_option_->count() > 0) {
    if (!c.checkpoint_path) throw UsageError("--checkpoint-every needs --checkpoint PATH");
    c.checkpoint_every = integer_value("--checkpoint-every", every_, 1, kMaxEpochs);
  }
  if (resume_option_->count() > 0) c.resume_path = non_empty("--resume", resume_);
  return c;
}

}  // namespace nnk::train_cli
