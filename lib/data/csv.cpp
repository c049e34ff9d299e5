// nnk::load_csv: a header row, then numeric rows; the target column chosen by name or index. The RFC 4180 reading
// (quotes, \r\n, blank lines) and its parallel chunks are csv_file.hpp's; here every field must be a finite number.
#include <cstring>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "data/csv_cells.hpp"
#include "data/csv_file.hpp"
#include "nnk/data.hpp"
#include "nnk/error.hpp"

namespace nnk {

namespace {

constexpr const char* kFunction = "nnk::load_csv";

std::vector<std::string> header_names(const detail::csv::CsvFile& file) {
  std::vector<std::string> names;
  for (const detail::csv::HeaderField& f : file.header()) names.push_back(f.name);
  return names;
}

// Finds the target column by name; lists the columns when there is no such name.
std::size_t column_by_name(const std::string& path, const std::vector<std::string>& names, std::string_view target) {
  std::size_t found = names.size();
  for (std::size_t c = 0; c < names.size(); ++c) {
    if (names[c] != target) continue;
    if (found != names.size())
      detail::fail(kFunction, ": '", path, "' has more than one column named '", target, "' (columns ", found + 1,
                   " and ", c + 1, ")");
    found = c;
  }
  if (found == names.size()) {
    std::ostringstream list;
    for (std::size_t c = 0; c < names.size() && c < 12; ++c) list << (c ? ", " : "") << names[c];
    if (names.size() > 12) list << ", ... (" << names.size() << " columns)";
    detail::fail(kFunction, ": '", path, "' has no column named '", target, "'; its columns are: ", list.str());
  }
  return found;
}

// Parses the file; the target column is resolved by `choose_target` from the header's names.
template <typename ChooseTarget>
Dataset parse_csv(const std::string& path, ChooseTarget choose_target) {
  const detail::csv::CsvFile file(path, kFunction);
  const std::vector<std::string> names = header_names(file);
  if (names.size() < 2)
    detail::fail(kFunction, ": '", path, "' has ", names.size(), " column, expected at least a feature and a target");
  const std::size_t target = choose_target(names);
  const detail::csv::RowLayout layout = detail::csv::row_layout(file);
  const std::int64_t examples = layout.rows();
  if (examples == 0)
    detail::fail(kFunction, ": ", path, ":", file.line_after_header(), ":1: no data rows after the header row");

  const auto columns = names.size();
  Dataset data;
  data.features = Matrix(static_cast<std::int64_t>(columns - 1), examples);
  data.targets = Matrix(1, examples);
  data.target_name = names[target];
  for (std::size_t c = 0; c < columns; ++c)
    if (c != target) data.feature_names.push_back(names[c]);
  // Each row goes straight to its example's column, less the target.
  read_numbers(file, detail::csv::CellMode::Strict, {}, layout, [&](std::int64_t j, const float* row) {
    float* features = data.features.col(j);
    std::memcpy(features, row, target * sizeof(float));
    std::memcpy(features + target, row + target + 1, (columns - target - 1) * sizeof(float));
    data.targets(0, j) = row[target];
  });
  return data;
}

}  // namespace

Dataset load_csv(const std::string& path, std::string_view target_name) {
  return parse_csv(path, [&](const std::vector<std::string>& names) { return column_by_name(path, names, target_name); });
}

Dataset load_csv(const std::string& path, std::int64_t target_index) {
  return parse_csv(path, [&](const std::vector<std::string>& names) {
    const auto count = static_cast<std::int64_t>(names.size());
    const std::int64_t index = target_index < 0 ? target_index + count : target_index;
    if (index < 0 || index >= count)
      detail::fail(kFunction, ": target_index must be in [-", count, ", ", count, ") for the ", count, " columns of '",
                   path, "', got ", target_index);
    return static_cast<std::size_t>(index);
  });
}

}  // namespace nnk
