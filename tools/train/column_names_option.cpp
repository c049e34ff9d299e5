// Splitting --features / --ignore into column names.
#include "column_names_option.hpp"

#include <algorithm>

#include "command_line.hpp"
#include "option_values.hpp"

namespace nnk::train_cli {

namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

[[noreturn]] void fail_list(std::string_view flag, const std::string& problem, std::string_view text) {
  throw UsageError(std::string(flag) + ": " + problem + " in " + quote_value(text) +
                   " (expected column names separated by commas; quote a name that holds a comma: \"a,b\")");
}

}  // namespace

std::vector<std::string> column_names_value(std::string_view flag, std::string_view text) {
  std::vector<std::string> names;
  std::size_t p = 0;
  while (true) {
    while (p < text.size() && blank(text[p])) ++p;
    std::string name;
    if (p < text.size() && text[p] == '"') {
      ++p;
      while (true) {
        if (p >= text.size()) fail_list(flag, "an unclosed quote", text);
        if (text[p] == '"' && p + 1 < text.size() && text[p + 1] == '"') {
          name += '"';
          p += 2;
        } else if (text[p] == '"') {
          ++p;
          break;
        } else {
          name += text[p++];
        }
      }
      while (p < text.size() && blank(text[p])) ++p;
      if (p < text.size() && text[p] != ',') fail_list(flag, "text after a closing quote", text);
    } else {
      const std::size_t comma = std::min(text.find(',', p), text.size());
      name = std::string(text.substr(p, comma - p));
      while (!name.empty() && blank(name.back())) name.pop_back();
      p = comma;
    }
    if (name.empty()) fail_list(flag, "an empty column name", text);
    if (std::find(names.begin(), names.end(), name) != names.end())
      fail_list(flag, "column " + quote_value(name) + " named twice", text);
    names.push_back(std::move(name));
    if (p >= text.size()) return names;
    ++p;  // the comma
  }
}

}  // namespace nnk::train_cli
