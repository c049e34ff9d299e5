// Picking named columns out of a CSV file whose other columns may differ: used to feed a trained model a file
// with its feature columns in any order (extra columns ignored, the target column optional).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nnk/matrix.hpp"

namespace nnk::train_cli {

struct SelectedColumns {
  Matrix features;               // one row per requested feature, in the requested order; examples are columns
  std::optional<Matrix> target;  // 1 x m, when the file has the target column
};

// Reads path (nnk::load_csv: file:line:column on a bad field) and selects the columns. nnk::Error naming the file
// and the column when a feature column is missing or a needed name appears twice, and when the target is
// required but absent (`why_target` says who needs it).
SelectedColumns read_columns(const std::string& path, const std::vector<std::string>& feature_names,
                             const std::string& target_name, bool target_required, const std::string& why_target);

}  // namespace nnk::train_cli
