// 'nnk-train [train]': load, infer the task, split, standardize, fit with progress and log, test, save.
#pragma once

#include <cstdio>

#include "command_line.hpp"

namespace nnk::train_cli {

// Prints to out (progress, test metrics). Throws nnk::Error for runtime failures (files, data, paths).
void run_train(const TrainSettings& settings, std::FILE* out);

}  // namespace nnk::train_cli
