// Task inference and target encoding for nnk-train.
#include "task_inference.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "nnk/error.hpp"

namespace nnk::train_cli {

namespace {

bool is_integer(double v) { return std::floor(v) == v; }

std::vector<double> distinct_values(ConstMatrixView targets, std::size_t limit) {
  std::set<double> values;
  for (std::int64_t j = 0; j < targets.cols() && values.size() <= limit; ++j) values.insert(targets(0, j));
  return {values.begin(), values.end()};
}

std::string number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

}  // namespace

std::string_view to_string(Task task) {
  switch (task) {
    case Task::Binary: return "binary";
    case Task::Multiclass: return "multiclass";
    case Task::Regression: return "regression";
  }
  return "?";
}

Task task_from_string(std::string_view text) {
  for (Task t : {Task::Binary, Task::Multiclass, Task::Regression})
    if (to_string(t) == text) return t;
  detail::fail("task must be binary, multiclass or regression, got '", text, "'");
}

Loss loss_for(Task task) {
  switch (task) {
    case Task::Binary: return Loss::BinaryCrossEntropy;
    case Task::Multiclass: return Loss::CategoricalCrossEntropy;
    case Task::Regression: return Loss::MeanSquaredError;
  }
  return Loss::MeanSquaredError;
}

std::int64_t TargetEncoding::outputs() const {
  return task == Task::Multiclass ? static_cast<std::int64_t>(class_labels.size()) : 1;
}

std::string format_classes(const TargetEncoding& encoding) {
  if (encoding.class_names.empty()) return format_labels(encoding.class_labels);
  std::string out;
  const auto& names = encoding.class_names;
  for (std::size_t i = 0; i < names.size() && i < 12; ++i) out += (i ? ", '" : "'") + names[i] + "'";
  if (names.size() > 12) out += ", ... (" + std::to_string(names.size()) + " classes)";
  return out;
}

std::string format_labels(const std::vector<double>& labels) {
  std::string out;
  for (std::size_t i = 0; i < labels.size() && i < 12; ++i) out += (i ? ", " : "") + number(labels[i]);
  if (labels.size() > 12) out += ", ... (" + std::to_string(labels.size()) + " values)";
  return out;
}

TargetEncoding infer_target(ConstMatrixView targets, TaskChoice choice, std::string_view target_name) {
  const std::vector<double> values = distinct_values(targets, static_cast<std::size_t>(kMaxClasses));
  const bool integers = std::all_of(values.begin(), values.end(), is_integer);
  const bool non_negative = !values.empty() && values.front() >= 0;
  const auto count = static_cast<std::int64_t>(values.size());

  Task task = Task::Regression;
  switch (choice) {
    case TaskChoice::Auto:
      if (integers && count == 2) task = Task::Binary;
      else if (integers && non_negative && count >= 3 && count <= kMaxInferredClasses) task = Task::Multiclass;
      break;
    case TaskChoice::Binary:
      if (count != 2)
        detail::fail("--task binary needs exactly 2 distinct values in target column '", target_name, "', found ",
                     count > kMaxClasses ? "more than " + std::to_string(kMaxClasses) : std::to_string(count),
                     count ? " (" + format_labels(values) + ")" : "");
      task = Task::Binary;
      break;
    case TaskChoice::Multiclass:
      if (count < 2 || count > kMaxClasses)
        detail::fail("--task multiclass needs 2 to ", kMaxClasses, " distinct values in target column '",
                     target_name, "', found ",
                     count > kMaxClasses ? "more than " + std::to_string(kMaxClasses) : std::to_string(count));
      task = Task::Multiclass;
      break;
    case TaskChoice::Regression: break;
  }
  TargetEncoding encoding{.task = task, .class_labels = {}, .class_names = {}};
  if (encoding.classification()) encoding.class_labels = values;
  return encoding;
}

TargetEncoding infer_text_target(const std::vector<std::string>& classes, TaskChoice choice,
                                 std::string_view target_name) {
  const auto count = static_cast<std::int64_t>(classes.size());
  if (choice == TaskChoice::Regression)
    detail::fail("--task regression needs numbers in target column '", target_name, "', it holds class names");
  if (count < 2 || count > kMaxClasses)
    detail::fail("target column '", target_name, "' needs 2 to ", kMaxClasses, " classes, found ", count);
  if (choice == TaskChoice::Binary && count != 2)
    detail::fail("--task binary needs exactly 2 classes in target column '", target_name, "', found ", count);
  TargetEncoding encoding{.task = count == 2 && choice != TaskChoice::Multiclass ? Task::Binary : Task::Multiclass,
                          .class_labels = {}, .class_names = classes};
  for (std::int64_t k = 0; k < count; ++k) encoding.class_labels.push_back(static_cast<double>(k));
  return encoding;
}

std::string label_text(const TargetEncoding& encoding, double label) {
  const std::int64_t k = class_index(encoding, label);
  if (!encoding.class_names.empty() && k >= 0) return encoding.class_names[static_cast<std::size_t>(k)];
  return number(label);
}

std::int64_t class_index(const TargetEncoding& encoding, double label) {
  const auto& labels = encoding.class_labels;
  const auto it = std::lower_bound(labels.begin(), labels.end(), label);
  return it != labels.end() && *it == label ? it - labels.begin() : -1;
}

Matrix encode_targets(const TargetEncoding& encoding, ConstMatrixView targets, std::string_view target_name) {
  const std::int64_t m = targets.cols();
  Matrix y(encoding.outputs(), m);
  for (std::int64_t j = 0; j < m; ++j) {
    if (encoding.task == Task::Regression) {
      y(0, j) = targets(0, j);
      continue;
    }
    const std::int64_t k = class_index(encoding, targets(0, j));
    if (k < 0)
      detail::fail("target column '", target_name, "' has ", targets(0, j), " in data row ", j + 1,
                   ", which is not one of the model's classes (", format_labels(encoding.class_labels), ")");
    if (encoding.task == Task::Binary) y(0, j) = static_cast<float>(k);
    else y(k, j) = 1.0f;
  }
  return y;
}

}  // namespace nnk::train_cli
