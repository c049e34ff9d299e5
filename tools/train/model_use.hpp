// Using a saved model on raw (unstandardized) data: predictions per example and metrics against known targets.
// These are what 'nnk-train predict' and 'evaluate' print; tests call them directly.
#pragma once

#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "model_bundle.hpp"
#include "nnk/train.hpp"

namespace nnk::train_cli {

struct Prediction {
  double value = 0;  // the class label (classification) or the predicted target value (regression)
  double probability = std::numeric_limits<double>::quiet_NaN();  // of that class; NaN for regression
};

// raw_features: one row per bundle.feature_names entry, examples as columns.
std::vector<Prediction> predict_examples(const ModelBundle& bundle, ConstMatrixView raw_features);

// nnk::evaluate on the standardized features and encoded targets (raw_targets: 1 x m, raw values). nnk::Error
// naming the data row for a label the model does not know.
Metrics evaluate_examples(const ModelBundle& bundle, ConstMatrixView raw_features, ConstMatrixView raw_targets);

// A CSV field for text: quoted (quotes doubled) when it holds a comma, a quote, a line break or edge blanks.
std::string csv_field(const std::string& text);

// CSV: a header ("prediction,probability" or "prediction"), then one row per example; a text target's class name
// as a CSV field.
void write_predictions_csv(std::ostream& out, const ModelBundle& bundle, const std::vector<Prediction>& rows);

// The network's target matrix for raw targets: encode_targets, then for regression (y - mean) / scale.
Matrix network_targets(const TargetEncoding& target, ConstMatrixView raw_targets, const std::string& target_name,
                       double target_mean, double target_scale);

}  // namespace nnk::train_cli
