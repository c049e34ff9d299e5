// --log FILE: one JSON object per epoch, one per line (the schema tools/plots read; keep it exactly):
//   {"epoch":1,"epochs":50,"seconds":0.012,"examples_per_second":12345.6,"learning_rate":0.001,
//    "train":{"loss":0.69,"accuracy":0.61},"validation":{"loss":0.66,"accuracy":0.65}}
// learning_rate is the epoch's (after --lr-schedule and --warmup-epochs). Only when they apply: "best_epoch" (with
// --early-stopping: the epoch of the lowest validation loss so far), "clipped_steps" (steps --clip-norm scaled, when
// any) and, on the last line of a run that stopped before --epochs, "stop":"early_stopping".
// Metrics objects hold "loss" and "accuracy" (classification) or "loss", "mse" and "r2" (regression; mse in the
// target's units, loss the training cost on standardized targets). "validation" is absent without a validation
// split. A non-finite value is written as null.
#pragma once

#include <fstream>
#include <string>

#include "nnk/train.hpp"
#include "task_inference.hpp"

namespace nnk::train_cli {

class MetricsLog {
 public:
  // Creates (truncates) the file now, so a bad path fails before training: nnk::Error naming it.
  MetricsLog(const std::string& path, const TargetEncoding& target, double target_scale);

  // Appends the epoch's line and flushes it (a run stopped early leaves whole lines).
  void write(const EpochReport& report);

 private:
  std::string path_;
  std::ofstream out_;
  bool classification_;
  double target_scale_;
};

// The line write() appends, without its newline.
std::string epoch_log_line(const EpochReport& report, bool classification, double target_scale);

}  // namespace nnk::train_cli
