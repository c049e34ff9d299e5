// Raw CSV files through a model's encoding, and the wording of the encoding's counts.
#include "csv_columns.hpp"

#include <cstdio>

namespace nnk::train_cli {

namespace {

std::string plural(std::int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", v);
  return text;
}

}  // namespace

std::vector<std::string> text_columns(const TableEncoding& encoding) {
  std::vector<std::string> names;
  for (const FeatureEncoding& f : encoding.features)
    if (f.type == ColumnType::Text) names.push_back(f.name);
  if (encoding.target_type == ColumnType::Text) names.push_back(encoding.target);
  return names;
}

EncodedTable read_encoded(const std::string& path, const TableEncoding& encoding, TargetUse use) {
  return encoding.encode(load_table(path, text_columns(encoding)), use);
}

ReportLines report_lines(const EncodingReport& report, const TableEncoding& encoding, const std::string& where) {
  std::vector<std::string> parts;
  if (report.dropped_missing_target > 0)
    parts.push_back(plural(report.dropped_missing_target, "row", "rows") + " without a target dropped");
  if (report.dropped_missing_feature > 0)
    parts.push_back(plural(report.dropped_missing_feature, "row", "rows") + " with a missing feature dropped");
  ReportLines lines;
  for (std::size_t i = 0; i < report.columns.size(); ++i) {
    const ColumnCounts& c = report.columns[i];
    const FeatureEncoding& f = encoding.features[i];
    if (c.missing > 0) {
      std::string how = f.type == ColumnType::Number ? "filled with the training mean " + number(f.fill)
                        : f.missing_category   ? "in their own category"
                                               : "encoded as all zeros (no missing value in training)";
      parts.push_back("'" + c.column + "': " + std::to_string(c.missing) + " " + how);
    }
    if (c.unseen > 0)
      lines.warnings.push_back("warning: column '" + c.column + "' of " + where + ": " +
                               plural(c.unseen, "value", "values") +
                               " of a category not seen in training, encoded as all zeros");
  }
  lines.any_missing = !parts.empty();
  lines.missing = "missing values in " + where + ": ";
  if (parts.empty()) lines.missing += "none";
  for (std::size_t i = 0; i < parts.size(); ++i) lines.missing += (i ? "; " : "") + parts[i];
  return lines;
}

}  // namespace nnk::train_cli
