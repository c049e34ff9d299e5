// nnk::TableEncoding: which columns feed the network, how (a number, or one-hot categories), and how missing values
// are filled; learned from the training rows and applied to any table with the same columns.
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "nnk/error.hpp"
#include "nnk/table.hpp"

namespace nnk {

namespace {

constexpr const char* kFit = "nnk::TableEncoding::fit";
constexpr const char* kEncode = "nnk::TableEncoding::encode";

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The feature columns: the ones listed, or every column but the target and the ignored ones.
std::vector<std::size_t> feature_columns(const Table& train, const EncodingOptions& options, std::size_t target) {
  for (const std::string& name : options.ignore) train.column_index(name);  // an unknown name is an error
  std::vector<std::size_t> columns;
  if (!options.features.empty()) {
    for (const std::string& name : options.features) {
      const std::size_t c = train.column_index(name);
      if (c == target) detail::fail(kFit, ": the target column '", name, "' cannot also be a feature");
      if (contains(options.ignore, name)) detail::fail(kFit, ": column '", name, "' is both a feature and ignored");
      if (std::find(columns.begin(), columns.end(), c) != columns.end())
        detail::fail(kFit, ": feature column '", name, "' is listed twice");
      columns.push_back(c);
    }
  } else {
    for (std::size_t c = 0; c < train.columns.size(); ++c)
      if (c != target && !contains(options.ignore, train.columns[c].name)) columns.push_back(c);
  }
  if (columns.empty()) detail::fail(kFit, ": no feature columns are left in '", train.source, "'");
  return columns;
}

// Whether row r takes part: it has a target, and (Drop) no missing feature.
bool row_used(const Table& table, std::int64_t r, std::size_t target, const std::vector<std::size_t>& features,
              MissingValues missing) {
  if (table.is_missing(target, r)) return false;
  if (missing == MissingValues::Drop)
    for (const std::size_t c : features)
      if (table.is_missing(c, r)) return false;
  return true;
}

// The table's columns for the encoding's features and target, by name.
struct ColumnMap {
  std::vector<std::size_t> features;
  std::size_t target = 0;
  bool has_target = false;
};

// The column of that name in a table being encoded; nnk::Error naming the file and why the model needs it.
std::size_t needed_column(const Table& table, const std::string& name, const char* why) {
  std::size_t found = table.columns.size();
  for (std::size_t c = 0; c < table.columns.size(); ++c)
    if (table.columns[c].name == name) {
      if (found != table.columns.size())
        detail::fail(kEncode, ": '", table.source, "' has more than one column named '", name, "'");
      found = c;
    }
  if (found == table.columns.size()) {
    std::string list;
    for (std::size_t c = 0; c < table.columns.size() && c < 12; ++c) list += (c ? ", " : "") + table.columns[c].name;
    if (table.columns.size() > 12) list += ", ... (" + std::to_string(table.columns.size()) + " columns)";
    detail::fail(kEncode, ": '", table.source, "' has no ", why, "; its columns are: ", list);
  }
  return found;
}

}  // namespace

std::string one_hot_input_name(const std::string& column, const std::string& category) {
  return column + "=" + category;
}
std::string missing_input_name(const std::string& column) { return column + "=(missing)"; }

TableEncoding TableEncoding::fit(const Table& train, const EncodingOptions& options) {
  if (options.max_categories < 1) detail::fail(kFit, ": max_categories must be >= 1, got ", options.max_categories);
  const std::size_t target = train.column_index(options.target);
  const std::vector<std::size_t> columns = feature_columns(train, options, target);

  std::vector<std::int64_t> used;
  for (std::int64_t r = 0; r < train.rows(); ++r)
    if (row_used(train, r, target, columns, options.missing)) used.push_back(r);
  if (used.empty())
    detail::fail(kFit, ": no training row of '", train.source, "' has a target value",
                 options.missing == MissingValues::Drop ? " and every feature" : "");

  TableEncoding encoding;
  encoding.target = options.target;
  encoding.missing = options.missing;
  const TableColumn& target_column = train.columns[target];
  encoding.target_type = target_column.type;
  if (target_column.type == ColumnType::Text) {
    std::set<std::string> classes;
    for (const std::int64_t r : used) classes.insert(target_column.categories[static_cast<std::size_t>(target_column.codes[static_cast<std::size_t>(r)])]);
    encoding.classes.assign(classes.begin(), classes.end());
  }

  // The number columns' training means, row by row (each row's values are contiguous), sums in double.
  std::vector<double> sum(columns.size(), 0.0);
  std::vector<std::int64_t> count(columns.size(), 0);
  for (const std::int64_t r : used) {
    const float* values = train.numbers.col(r);
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const float v = values[columns[i]];
      if (std::isnan(v)) continue;  // missing (and every value of a text column)
      sum[i] += v;
      ++count[i];
    }
  }

  for (std::size_t i = 0; i < columns.size(); ++i) {
    const TableColumn& column = train.columns[columns[i]];
    FeatureEncoding feature{.name = column.name, .type = column.type, .fill = 0, .categories = {},
                            .missing_category = false};
    if (column.type == ColumnType::Number) {
      if (count[i] == 0)
        detail::fail(kFit, ": column '", column.name, "' has no value in the training rows of '", train.source,
                     "' (leave it out with --ignore / EncodingOptions::ignore)");
      feature.fill = sum[i] / static_cast<double>(count[i]);
    } else {
      std::set<std::string> categories;
      for (const std::int64_t r : used) {
        const std::int32_t code = column.codes[static_cast<std::size_t>(r)];
        if (code < 0) feature.missing_category = true;
        else categories.insert(column.categories[static_cast<std::size_t>(code)]);
      }
      if (static_cast<std::int64_t>(categories.size()) > options.max_categories)
        detail::fail(kFit, ": column '", column.name, "' has ", categories.size(),
                     " categories in the training rows, more than max_categories (--max-categories) = ",
                     options.max_categories, "; leave it out with --ignore '", column.name,
                     "' or raise --max-categories");
      feature.categories.assign(categories.begin(), categories.end());
    }
    encoding.features.push_back(std::move(feature));
  }
  return encoding;
}

std::int64_t TableEncoding::inputs() const {
  std::int64_t n = 0;
  for (const FeatureEncoding& f : features)
    n += f.type == ColumnType::Number ? 1 : static_cast<std::int64_t>(f.categories.size()) + (f.missing_category ? 1 : 0);
  return n;
}

std::vector<std::string> TableEncoding::input_names() const {
  std::vector<std::string> names;
  for (const FeatureEncoding& f : features) {
    if (f.type == ColumnType::Number) {
      names.push_back(f.name);
      continue;
    }
    for (const std::string& category : f.categories) names.push_back(one_hot_input_name(f.name, category));
    if (f.missing_category) names.push_back(missing_input_name(f.name));
  }
  return names;
}

std::vector<bool> TableEncoding::one_hot_inputs() const {
  std::vector<bool> one_hot;
  for (const FeatureEncoding& f : features) {
    const std::size_t n = f.type == ColumnType::Number ? 1 : f.categories.size() + (f.missing_category ? 1 : 0);
    one_hot.insert(one_hot.end(), n, f.type == ColumnType::Text);
  }
  return one_hot;
}

EncodedTable TableEncoding::encode(const Table& table, TargetUse use) const {
  ColumnMap map;
  for (const FeatureEncoding& f : features) {
    const std::size_t c = needed_column(table, f.name, ("column named '" + f.name + "', which the model needs as a feature").c_str());
    const ColumnType actual = table.columns[c].type;
    if (f.type == ColumnType::Number && actual == ColumnType::Text)
      detail::fail(kEncode, ": column '", f.name, "' of '", table.source,
                   "' holds text, the model was trained on numbers in it");
    if (f.type == ColumnType::Text && actual == ColumnType::Number)
      detail::fail(kEncode, ": column '", f.name, "' of '", table.source,
                   "' was read as numbers, the model was trained on it as text (load it with it in text_columns)");
    map.features.push_back(c);
  }
  if (use == TargetUse::Required) {
    map.target = needed_column(table, target, ("target column '" + target + "'").c_str());
    map.has_target = true;
    const ColumnType actual = table.columns[map.target].type;
    if (actual != target_type && !(target_type == ColumnType::Text && table.columns[map.target].missing == table.rows()))
      detail::fail(kEncode, ": target column '", target, "' of '", table.source, "' holds ",
                   actual == ColumnType::Text ? "text" : "numbers", ", the model was trained on ",
                   target_type == ColumnType::Text ? "class names" : "numbers");
  }

  // Per text feature: the table's category codes -> the encoding's input offset within the column (-1: unseen).
  std::vector<std::vector<std::int64_t>> category_input(features.size());
  for (std::size_t i = 0; i < features.size(); ++i) {
    if (features[i].type != ColumnType::Text) continue;
    std::unordered_map<std::string, std::int64_t> position;
    for (std::size_t k = 0; k < features[i].categories.size(); ++k)
      position.emplace(features[i].categories[k], static_cast<std::int64_t>(k));
    for (const std::string& category : table.columns[map.features[i]].categories) {
      const auto it = position.find(category);
      category_input[i].push_back(it == position.end() ? -1 : it->second);
    }
  }
  std::unordered_map<std::string, std::int64_t> class_index;
  for (std::size_t k = 0; k < classes.size(); ++k) class_index.emplace(classes[k], static_cast<std::int64_t>(k));

  EncodedTable out;
  out.report.rows = table.rows();
  for (const FeatureEncoding& f : features) out.report.columns.push_back({.column = f.name, .missing = 0, .unseen = 0});
  for (std::int64_t r = 0; r < table.rows(); ++r) {
    if (map.has_target && table.is_missing(map.target, r)) {
      ++out.report.dropped_missing_target;
      continue;
    }
    if (map.has_target && missing == MissingValues::Drop &&
        std::any_of(map.features.begin(), map.features.end(), [&](std::size_t c) { return table.is_missing(c, r); })) {
      ++out.report.dropped_missing_feature;
      continue;
    }
    out.rows.push_back(r);
  }

  const auto kept = static_cast<std::int64_t>(out.rows.size());
  out.features = Matrix(inputs(), kept);
  if (map.has_target) out.targets = Matrix(1, kept);
  for (std::int64_t j = 0; j < kept; ++j) {
    const std::int64_t r = out.rows[static_cast<std::size_t>(j)];
    float* x = out.features.col(j);
    std::int64_t input = 0;
    for (std::size_t i = 0; i < features.size(); ++i) {
      const FeatureEncoding& f = features[i];
      const TableColumn& column = table.columns[map.features[i]];
      ColumnCounts& counts = out.report.columns[i];
      if (f.type == ColumnType::Number) {
        const float v = table.numbers(static_cast<std::int64_t>(map.features[i]), r);
        if (std::isnan(v)) ++counts.missing;
        x[input++] = std::isnan(v) ? static_cast<float>(f.fill) : v;
        continue;
      }
      const std::int32_t code = column.codes[static_cast<std::size_t>(r)];
      if (code < 0) {
        ++counts.missing;
        if (f.missing_category) x[input + static_cast<std::int64_t>(f.categories.size())] = 1;
      } else {
        const std::int64_t k = category_input[i][static_cast<std::size_t>(code)];
        if (k < 0) ++counts.unseen;
        else x[input + k] = 1;
      }
      input += static_cast<std::int64_t>(f.categories.size()) + (f.missing_category ? 1 : 0);
    }
    if (!map.has_target) continue;
    const TableColumn& target_column = table.columns[map.target];
    if (target_type == ColumnType::Number) {
      out.targets(0, j) = table.numbers(static_cast<std::int64_t>(map.target), r);
      continue;
    }
    const std::string& name = target_column.categories[static_cast<std::size_t>(target_column.codes[static_cast<std::size_t>(r)])];
    const auto it = class_index.find(name);
    if (it == class_index.end()) {
      std::string list;
      for (std::size_t k = 0; k < classes.size() && k < 12; ++k) list += (k ? ", " : "") + classes[k];
      detail::fail(kEncode, ": target column '", target, "' of '", table.source, "' has '", name, "' in data row ",
                   r + 1, ", which is not one of the model's classes (", list, ")");
    }
    out.targets(0, j) = static_cast<float>(it->second);
  }
  return out;
}

}  // namespace nnk
