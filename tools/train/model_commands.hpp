// 'nnk-train predict' and 'nnk-train evaluate': a saved model bundle applied to a CSV file.
#pragma once

#include <cstdio>

#include "command_line.hpp"

namespace nnk::train_cli {

// Writes the predictions CSV to settings.output_path (through a temporary file renamed into place) or to out.
void run_predict(const PredictSettings& settings, std::FILE* out);
// Prints the metrics (the format of the training run's final test line) to out.
void run_evaluate(const EvaluateSettings& settings, std::FILE* out);

}  // namespace nnk::train_cli
