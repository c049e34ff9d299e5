// Predictions and metrics of a model bundle on raw data.
#include "model_use.hpp"

#include <cstdio>

namespace nnk::train_cli {

namespace {

Matrix standardized_copy(const ModelBundle& bundle, ConstMatrixView raw_features) {
  Matrix x = Matrix::from(raw_features);
  standardize_features(bundle, x);
  return x;
}

std::string number(const char* pattern, double v) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, v);
  return text;
}

}  // namespace

Matrix network_targets(const TargetEncoding& target, ConstMatrixView raw_targets, const std::string& target_name,
                       double target_mean, double target_scale) {
  Matrix y = encode_targets(target, raw_targets, target_name);
  if (target.task == Task::Regression)
    for (std::int64_t j = 0; j < y.cols(); ++j)
      y(0, j) = static_cast<float>((raw_targets(0, j) - target_mean) / target_scale);
  return y;
}

std::vector<Prediction> predict_examples(const ModelBundle& bundle, ConstMatrixView raw_features) {
  const Matrix x = standardized_copy(bundle, raw_features);
  const Matrix out = bundle.network.predict(x);
  const auto& labels = bundle.target.class_labels;
  std::vector<Prediction> rows(static_cast<std::size_t>(out.cols()));
  for (std::int64_t j = 0; j < out.cols(); ++j) {
    Prediction& p = rows[static_cast<std::size_t>(j)];
    switch (bundle.target.task) {
      case Task::Binary: {
        const double positive = out(0, j);  // probability of class 1 (labels[1])
        const bool is_positive = positive > 0.5;
        p.value = labels[is_positive ? 1 : 0];
        p.probability = is_positive ? positive : 1.0 - positive;
        break;
      }
      case Task::Multiclass: {
        std::int64_t best = 0;  // the first largest, as nnk::evaluate's argmax
        for (std::int64_t k = 1; k < out.rows(); ++k)
          if (out(k, j) > out(best, j)) best = k;
        p.value = labels[static_cast<std::size_t>(best)];
        p.probability = out(best, j);
        break;
      }
      case Task::Regression:
        p.value = static_cast<double>(out(0, j)) * bundle.target_scale + bundle.target_mean;
        break;
    }
  }
  return rows;
}

Metrics evaluate_examples(const ModelBundle& bundle, ConstMatrixView raw_features, ConstMatrixView raw_targets) {
  const Matrix x = standardized_copy(bundle, raw_features);
  const Matrix y =
      network_targets(bundle.target, raw_targets, bundle.target_name, bundle.target_mean, bundle.target_scale);
  return evaluate(bundle.network, x, y);
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos && text.find_first_of(" \t") != 0 &&
      (text.empty() || (text.back() != ' ' && text.back() != '\t')))
    return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

void write_predictions_csv(std::ostream& out, const ModelBundle& bundle, const std::vector<Prediction>& rows) {
  const bool classification = bundle.target.classification();
  const bool named = !bundle.target.class_names.empty();
  out << (classification ? "prediction,probability\n" : "prediction\n");
  for (const Prediction& p : rows) {
    const std::string value = named ? csv_field(label_text(bundle.target, p.value)) : number("%.9g", p.value);
    if (classification) out << value << ',' << number("%.6f", p.probability) << '\n';
    else out << value << '\n';
  }
}

}  // namespace nnk::train_cli
