// nnk::load_csv: a header row, then numeric rows; the target column chosen by name or index.
//
// Deliberately small: no quoting or escaped commas (numeric data needs neither). Every error names the file, and
// where it applies the 1-based line and column (of the offending field's first character).
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "nnk/data.hpp"
#include "nnk/error.hpp"

namespace nnk {

namespace {

constexpr const char* kFunction = "nnk::load_csv";

// A field of a line: its text without surrounding blanks and the 1-based column where that text starts.
struct Field {
  std::string_view text;
  std::int64_t column;
};

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::vector<Field> split_fields(std::string_view line) {
  std::vector<Field> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
    std::size_t first = start, last = end;
    while (first < last && is_blank(line[first])) ++first;
    while (last > first && is_blank(line[last - 1])) --last;
    fields.push_back({line.substr(first, last - first), static_cast<std::int64_t>(first) + 1});
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

// A line with its 1-based number in the file.
struct Line {
  std::string_view text;
  std::int64_t number;
};

// The non-blank lines, without their line ends (\n or \r\n) and without a leading UTF-8 byte-order mark.
std::vector<Line> split_lines(std::string_view content) {
  if (content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);
  std::vector<Line> lines;
  std::int64_t number = 0;
  std::size_t start = 0;
  while (start < content.size()) {
    ++number;
    std::size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    std::string_view text = content.substr(start, end - start);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    bool blank = true;
    for (char c : text) blank = blank && is_blank(c);
    if (!blank) lines.push_back({text, number});
    start = end + 1;
  }
  return lines;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) detail::fail(kFunction, ": cannot open '", path, "': ", std::strerror(errno));
  std::string content;
  try {
    content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::ios_base::failure&) {  // libstdc++ throws from a failed read(2), e.g. on a directory
    detail::fail(kFunction, ": cannot read '", path, "': ", std::strerror(errno));
  }
  if (in.bad()) detail::fail(kFunction, ": cannot read '", path, "'");
  return content;
}

float parse_number(const std::string& path, const Line& line, const Field& field, std::string_view column_name) {
  std::string_view text = field.text;
  // from_chars does not take a leading '+'; a '+' followed by another sign ('+-3') stays and is rejected.
  if (text.size() > 1 && text.front() == '+' && text[1] != '-' && text[1] != '+') text.remove_prefix(1);
  float value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  const char* problem = nullptr;
  if (field.text.empty()) problem = "is empty, expected a number";
  else if (error == std::errc::result_out_of_range) problem = "is out of the range of float";
  else if (error != std::errc() || end != text.data() + text.size()) problem = "is not a number";
  else if (!std::isfinite(value)) problem = "is not finite";
  if (problem != nullptr)
    detail::fail(kFunction, ": ", path, ":", line.number, ":", field.column, ": field '", field.text, "' (column '",
                 column_name, "') ", problem);
  return value;
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
  const std::string content = read_file(path);
  const std::vector<Line> lines = split_lines(content);
  if (lines.empty())
    detail::fail(kFunction, ": ", path, ":1:1: the file is empty (or blank), expected a header row of column names");

  std::vector<std::string> names;
  for (const Field& f : split_fields(lines[0].text)) {
    if (f.text.empty())
      detail::fail(kFunction, ": ", path, ":", lines[0].number, ":", f.column, ": header column ", names.size() + 1,
                   " has no name");
    names.emplace_back(f.text);
  }
  if (names.size() < 2)
    detail::fail(kFunction, ": '", path, "' has ", names.size(), " column, expected at least a feature and a target");
  if (lines.size() < 2)
    detail::fail(kFunction, ": ", path, ":", lines[0].number + 1, ":1: no data rows after the header row");
  const std::size_t target = choose_target(names);

  const auto examples = static_cast<std::int64_t>(lines.size() - 1);
  const auto features = static_cast<std::int64_t>(names.size() - 1);
  Dataset data;
  data.features = Matrix(features, examples);
  data.targets = Matrix(1, examples);
  data.target_name = names[target];
  for (std::size_t c = 0; c < names.size(); ++c)
    if (c != target) data.feature_names.push_back(names[c]);

  for (std::int64_t j = 0; j < examples; ++j) {
    const Line& line = lines[static_cast<std::size_t>(j) + 1];
    const std::vector<Field> fields = split_fields(line.text);
    if (fields.size() != names.size()) {
      // Point at the first extra field, or just past the end of a short row.
      const std::int64_t column = fields.size() > names.size() ? fields[names.size()].column
                                                               : static_cast<std::int64_t>(line.text.size()) + 1;
      detail::fail(kFunction, ": ", path, ":", line.number, ":", column, ": row has ", fields.size(),
                   " fields, expected ", names.size(), " (as many as the header)");
    }
    std::int64_t feature = 0;
    for (std::size_t c = 0; c < fields.size(); ++c) {
      const float value = parse_number(path, line, fields[c], names[c]);
      if (c == target) {
        data.targets(0, j) = value;
      } else {
        data.features(feature++, j) = value;
      }
    }
  }
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
