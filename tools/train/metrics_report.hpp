// Metrics as nnk-train reports them: regression errors in the target's own units, classification with the
// class labels of the data.
#pragma once

#include <cstdio>
#include <string>

#include "nnk/train.hpp"
#include "task_inference.hpp"

namespace nnk::train_cli {

// The network trains on standardized regression targets; its MSE times scale^2 is the MSE in target units.
// (R^2 does not change with the scale.)
inline double mse_in_target_units(const Metrics& m, double target_scale) { return m.mse * target_scale * target_scale; }

// "accuracy 97.37% (111 of 114)" / "MSE 2900.1 (RMSE 53.85), R^2 0.4612 (89 examples)", one line.
std::string metrics_summary(const Metrics& m, const TargetEncoding& target, double target_scale);

// Prints "<title> <metrics_summary>" and, for classification, the confusion matrix labelled with the classes.
void print_metrics(std::FILE* out, const std::string& title, const Metrics& m, const TargetEncoding& target,
                   double target_scale);

}  // namespace nnk::train_cli
