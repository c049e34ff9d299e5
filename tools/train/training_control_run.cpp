#include "training_control_run.hpp"

#include <algorithm>

#include "nnk/checkpoint.hpp"
#include "nnk/error.hpp"

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

void check_and_announce_resume(const TrainingControl& control, const std::string& preprocessing,
                               std::int64_t epochs, std::FILE* out) {
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
