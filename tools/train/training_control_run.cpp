#include "training_control_run.hpp"

#include <algorithm>

#include "nnk/checkpoint.hpp"
#include "nnk/error.hpp"
#include "nnk/schedule.hpp"
#include "option_values.hpp"

namespace nnk::train_cli {

void apply_training_control(const TrainingControl& control, const std::string& preprocessing, FitOptions& options) {
  options.schedule = control.schedule;
  options.early_stopping_patience = control.early_stopping;
  options.clip_norm = static_cast<float>(control.clip_norm);
  if (control.checkpoint_path)
    options.checkpoint = {.path = *control.checkpoint_path, .every = control.checkpoint_every,
                          .user_data = preprocessing};
  if (control.resume_path) options.resume_from = *control.resume_path;
}

namespace {

// "lr schedule cosine warmup 3, early stopping after 10, clip-norm 1, checkpoint run.ckpt every 5", or "".
std::string describe(const TrainingControl& c) {
  std::string text;
  const auto add = [&](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
  if (c.schedule != LearningRateSchedule{}) add("lr schedule " + to_string(c.schedule));
  if (c.early_stopping > 0) add("early stopping after " + std::to_string(c.early_stopping));
  if (c.clip_norm > 0) add("clip-norm " + number_text(c.clip_norm));
  if (c.checkpoint_path)
    add("checkpoint " + *c.checkpoint_path +
        (c.checkpoint_every > 1 ? " every " + std::to_string(c.checkpoint_every) : std::string()));
  return text;
}

}  // namespace

void announce_training_control(const TrainingControl& control, const std::string& preprocessing,
                               std::int64_t epochs, std::FILE* out) {
  if (const std::string text = describe(control); !text.empty()) std::fprintf(out, "control: %s\n", text.c_str());
  if (!control.resume_path) return;
  const std::string& path = *control.resume_path;
  const CheckpointInfo info = read_checkpoint_info(path);
  if (info.user_data != preprocessing)
    detail::fail("--resume '", path, "': the checkpoint was written with other preprocessing (another data file, ",
                 "target, --test-fraction, --test-data or --split-seed?): resume with the first run's data and flags");
  if (info.finished) {
    std::fprintf(out, "resuming from %s: its run had stopped early after epoch %lld; nothing more to train\n",
                 path.c_str(), static_cast<long long>(info.epoch));
  } else {
    std::fprintf(out, "resuming from %s: %lld of %lld epochs done\n", path.c_str(),
                 static_cast<long long>(info.epoch), static_cast<long long>(epochs));
  }
  std::fflush(out);
}

void print_stop(std::FILE* out, const std::vector<EpochReport>& reports, const TrainingControl& control) {
  if (reports.empty() || reports.back().stop != StopReason::EarlyStopping) return;
  const EpochReport& last = reports.back();
  const auto best = std::find_if(reports.begin(), reports.end(),
                                 [&](const EpochReport& r) { return r.epoch == last.best_epoch; });
  std::fprintf(out, "stopped early after epoch %lld of %lld: no lower validation loss in %lld epochs; kept epoch %lld",
               static_cast<long long>(last.epoch), static_cast<long long>(last.epochs),
               static_cast<long long>(control.early_stopping), static_cast<long long>(last.best_epoch));
  if (best != reports.end() && best->validation) std::fprintf(out, " (validation loss %.4g)", best->validation->loss);
  std::fprintf(out, "\n");
}

}  // namespace nnk::train_cli
