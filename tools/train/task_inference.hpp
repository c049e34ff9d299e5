// What the target column asks for: binary or multi-class classification (with which labels), or regression.
//
// Inferred from the values unless the user chose: exactly 2 distinct integers -> binary; 3 to kMaxInferredClasses
// distinct non-negative integers -> multi-class; anything else -> regression.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "command_line.hpp"
#include "nnk/matrix.hpp"
#include "nnk/types.hpp"

namespace nnk::train_cli {

enum class Task { Binary, Multiclass, Regression };

inline constexpr std::int64_t kMaxInferredClasses = 20;
inline constexpr std::int64_t kMaxClasses = 10'000;  // with --task multiclass

std::string_view to_string(Task task);              // "binary", "multiclass", "regression"
Task task_from_string(std::string_view text);       // nnk::Error for anything else
Loss loss_for(Task task);

struct TargetEncoding {
  Task task = Task::Regression;
  std::vector<double> class_labels;  // classification: the distinct target values, ascending; class i = labels[i]
  std::vector<std::string> class_names = {};  // a text target's class names (class_labels are then 0, 1, ...); else empty

  bool classification() const { return task != Task::Regression; }
  std::int64_t outputs() const;      // network output units: 1, or one per class for multi-class
};

// targets is 1 x m, the target column named target_name (for messages). nnk::Error when the choice does not fit
// the values (e.g. --task binary with 3 distinct values).
TargetEncoding infer_target(ConstMatrixView targets, TaskChoice choice, std::string_view target_name);

// A text target (class names, sorted: nnk::TableEncoding::classes): binary for 2 classes, multi-class for more.
// nnk::Error for fewer than 2 classes, for --task regression, and for --task binary with another count.
TargetEncoding infer_text_target(const std::vector<std::string>& classes, TaskChoice choice,
                                 std::string_view target_name);

// The network's target matrix for raw target values: binary 1 x m of 0/1, multi-class one-hot (classes x m),
// regression a copy. nnk::Error naming the data row when a value is not one of the classes.
Matrix encode_targets(const TargetEncoding& encoding, ConstMatrixView targets, std::string_view target_name);

// The class index of a raw label, or -1.
std::int64_t class_index(const TargetEncoding& encoding, double label);

// How a class label is shown: its class name for a text target, else the number ("1", "0.5").
std::string label_text(const TargetEncoding& encoding, double label);

// The classes as format_labels shows them, or a text target's names in quotes ('no', 'yes, soon').
std::string format_classes(const TargetEncoding& encoding);

// "0, 1, 2" (at most 12 shown).
std::string format_labels(const std::vector<double>& labels);

}  // namespace nnk::train_cli
