// Column selection by name on top of nnk::load_csv: the file is read with its last column as the "target", so
// every column is available, then the wanted ones are looked up by their header names.
#include "csv_columns.hpp"

#include "nnk/data.hpp"
#include "nnk/error.hpp"

namespace nnk::train_cli {

namespace {

// Where a column is in the loaded data set: a row of features, or the targets row (the file's last column).
struct ColumnPlace {
  bool found = false;
  bool in_targets = false;
  std::int64_t row = 0;
};

ColumnPlace find_column(const std::string& path, const Dataset& all, const std::string& name) {
  ColumnPlace place;
  auto note = [&](bool in_targets, std::int64_t row) {
    if (place.found) detail::fail("'", path, "' has more than one column named '", name, "'");
    place = {.found = true, .in_targets = in_targets, .row = row};
  };
  for (std::size_t i = 0; i < all.feature_names.size(); ++i)
    if (all.feature_names[i] == name) note(false, static_cast<std::int64_t>(i));
  if (all.target_name == name) note(true, 0);
  return place;
}

void copy_row(const Dataset& all, const ColumnPlace& place, MatrixView out, std::int64_t out_row) {
  const ConstMatrixView source = place.in_targets ? ConstMatrixView(all.targets) : ConstMatrixView(all.features);
  for (std::int64_t j = 0; j < all.examples(); ++j) out(out_row, j) = source(place.row, j);
}

std::string column_list(const std::vector<std::string>& names) {
  std::string list;
  for (std::size_t i = 0; i < names.size() && i < 12; ++i) list += (i ? ", " : "") + names[i];
  if (names.size() > 12) list += ", ... (" + std::to_string(names.size()) + " columns)";
  return list;
}

}  // namespace

SelectedColumns read_columns(const std::string& path, const std::vector<std::string>& feature_names,
                             const std::string& target_name, bool target_required, const std::string& why_target) {
  const Dataset all = load_csv(path, std::int64_t{-1});
  const std::int64_t m = all.examples();
  SelectedColumns selected{.features = Matrix(static_cast<std::int64_t>(feature_names.size()), m), .target = {}};
  for (std::size_t i = 0; i < feature_names.size(); ++i) {
    const ColumnPlace place = find_column(path, all, feature_names[i]);
    if (!place.found) {
      std::vector<std::string> names = all.feature_names;
      names.push_back(all.target_name);
      detail::fail("'", path, "' has no column named '", feature_names[i],
                   "', which the model needs as a feature; its columns are: ", column_list(names));
    }
    copy_row(all, place, selected.features, static_cast<std::int64_t>(i));
  }
  const ColumnPlace target = find_column(path, all, target_name);
  if (target.found) {
    selected.target = Matrix(1, m);
    copy_row(all, target, *selected.target, 0);
  } else if (target_required) {
    detail::fail("'", path, "' has no target column '", target_name, "' (", why_target, ")");
  }
  return selected;
}

}  // namespace nnk::train_cli
