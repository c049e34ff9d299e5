// Training control in the train command: the FitOptions fields of --early-stopping, --lr-schedule, --clip-norm,
// --checkpoint and --resume, the check that a resumed run has the checkpoint's preprocessing, and the lines that
// say where a run resumed and why it stopped.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "command_line.hpp"
#include "nnk/train.hpp"

namespace nnk::train_cli {

// Sets options' schedule, early stopping, clip norm, checkpoint (with `preprocessing` as its user data) and
// resume_from from the settings.
void apply_training_control(const TrainingControl& control, const std::string& preprocessing, FitOptions& options);

// Prints the training control in use ("control: ..."), if any. With --resume: reads the checkpoint (nnk::Error
// naming it when it is no readable checkpoint), checks that it was written with this preprocessing (nnk::Error
// otherwise: other data or split flags), and prints where the run goes on from.
void announce_training_control(const TrainingControl& control, const std::string& preprocessing,
                               std::int64_t epochs, std::FILE* out);

// "stopped early after epoch 37: ..." when the run stopped before --epochs (or its checkpoint had); nothing else.
void print_stop(std::FILE* out, const std::vector<EpochReport>& reports, const TrainingControl& control);

}  // namespace nnk::train_cli
