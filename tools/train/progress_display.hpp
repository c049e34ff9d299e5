// Training progress on stdout: a live bar redrawn in place (\r) when stdout is a terminal, one plain line per
// epoch otherwise (logs, pipes, CI). Shows epoch, loss, accuracy or MSE, validation figures, the learning rate
// ("best" after it when early stopping has just found a lower validation loss), examples per second and the
// estimated time left.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "command_line.hpp"
#include "nnk/train.hpp"
#include "task_inference.hpp"

namespace nnk::train_cli {

class ProgressDisplay {
 public:
  // mode Auto picks Bar or Lines from isatty(out).
  ProgressDisplay(ProgressMode mode, std::FILE* out, const TargetEncoding& target, double target_scale);
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;
  ~ProgressDisplay();

  void epoch(const EpochReport& report);
  // Ends the bar's line (idempotent); called before anything else is printed.
  void finish();

  bool live() const { return mode_ == ProgressMode::Bar; }

 private:
  std::string figures(const EpochReport& report) const;

  ProgressMode mode_;
  std::FILE* out_;
  TargetEncoding target_;
  double target_scale_;
  double elapsed_seconds_ = 0;
  std::int64_t epochs_shown_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};  // the bar is redrawn at most every kRedrawInterval
  std::size_t last_width_ = 0;  // of the bar line drawn last, to blank what a shorter one leaves
  bool open_line_ = false;
};

}  // namespace nnk::train_cli
