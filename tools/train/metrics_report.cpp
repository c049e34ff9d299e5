// Printing final metrics and the confusion matrix.
#include "metrics_report.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

namespace nnk::train_cli {

std::string metrics_summary(const Metrics& m, const TargetEncoding& target, double target_scale) {
  char text[256];
  if (target.classification()) {
    std::int64_t correct = 0;
    for (std::int64_t k = 0; k < m.confusion.classes; ++k) correct += m.confusion(k, k);
    std::snprintf(text, sizeof text, "accuracy %.2f%% (%lld of %lld), loss %.4f", 100.0 * m.accuracy,
                  static_cast<long long>(correct), static_cast<long long>(m.examples), m.loss);
  } else {
    const double mse = mse_in_target_units(m, target_scale);
    std::snprintf(text, sizeof text, "MSE %.6g (RMSE %.6g), R^2 %.4f (%lld examples)", mse, std::sqrt(mse), m.r2,
                  static_cast<long long>(m.examples));
  }
  return text;
}

void print_metrics(std::FILE* out, const std::string& title, const Metrics& m, const TargetEncoding& target,
                   double target_scale) {
  std::fprintf(out, "%s %s\n", title.c_str(), metrics_summary(m, target, target_scale).c_str());
  if (!target.classification() || m.confusion.classes == 0) return;
  // Binary confusion matrices come from the network as classes 0 / 1, which are class_labels[0] / [1].
  std::vector<std::string> labels;
  for (std::int64_t k = 0; k < m.confusion.classes; ++k)
    labels.push_back(k < static_cast<std::int64_t>(target.class_labels.size())
                         ? label_text(target, target.class_labels[static_cast<std::size_t>(k)])
                         : std::to_string(k));
  std::size_t width = 5;
  for (const auto& l : labels) width = std::max(width, l.size());
  for (std::int64_t t = 0; t < m.confusion.classes; ++t)
    for (std::int64_t p = 0; p < m.confusion.classes; ++p)
      width = std::max(width, std::to_string(m.confusion(t, p)).size());
  const int w = static_cast<int>(width);
  std::fprintf(out, "confusion matrix (rows: true class, columns: predicted class)\n%*s", w, "");
  for (const auto& l : labels) std::fprintf(out, " %*s", w, l.c_str());
  std::fprintf(out, "\n");
  for (std::int64_t t = 0; t < m.confusion.classes; ++t) {
    std::fprintf(out, "%*s", w, labels[static_cast<std::size_t>(t)].c_str());
    for (std::int64_t p = 0; p < m.confusion.classes; ++p)
      std::fprintf(out, " %*lld", w, static_cast<long long>(m.confusion(t, p)));
    std::fprintf(out, "\n");
  }
}

}  // namespace nnk::train_cli
