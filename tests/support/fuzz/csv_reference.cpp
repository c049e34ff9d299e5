#include "support/fuzz/csv_reference.hpp"

#include <cerrno>
#include <cstdlib>

namespace nnk::fuzz {

namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  for (std::size_t at = s.find(separator); at != std::string_view::npos; at = s.find(separator)) {
    parts.push_back(s.substr(0, at));
    s.remove_prefix(at + 1);
  }
  parts.push_back(s);
  return parts;
}

std::optional<float> number(std::string_view field) {
  const std::string text(field);  // strtof needs a terminator
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const float value = std::strtof(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<ReferenceTable> read_reference_table(std::string_view content) {
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (content.starts_with(kByteOrderMark)) content.remove_prefix(kByteOrderMark.size());
  if (content.ends_with('\n')) content.remove_suffix(1);  // a final line end does not open another line

  ReferenceTable table;
  bool have_header = false;
  for (std::string_view line : split(content, '\n')) {
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (trim(line).empty()) continue;
    const std::vector<std::string_view> fields = split(line, ',');
    if (!have_header) {
      for (std::string_view f : fields) table.header.emplace_back(trim(f));
      have_header = true;
      continue;
    }
    if (fields.size() != table.header.size()) return std::nullopt;
    std::vector<float> row;
    for (std::string_view f : fields) {
      const std::optional<float> value = number(trim(f));
      if (!value) return std::nullopt;
      row.push_back(*value);
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace nnk::fuzz
