#include "support/fuzz/csv_reference.hpp"

#include <cerrno>
#include <cstdlib>

namespace nnk::fuzz {

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::optional<float> number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::string plain = text;
  char* end = nullptr;
  errno = 0;
  const float value = std::strtof(plain.c_str(), &end);
  if (end != plain.c_str() + plain.size()) return std::nullopt;
  return value;
}

// One record's state: the field being read, whether it was quoted, and the fields so far.
struct RecordBuilder {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;         // the current field had quotes
  bool any_text = false;       // the record has a non-blank character (blank lines are skipped)

  void end_field() {
    if (!quoted) {  // blanks around an unquoted field are not part of it
      std::size_t first = 0, last = field.size();
      while (first < last && blank(field[first])) ++first;
      while (last > first && blank(field[last - 1])) --last;
      field = field.substr(first, last - first);
    }
    fields.push_back(field);
    field.clear();
    quoted = false;
  }
};

}  // namespace

std::optional<std::vector<std::vector<std::string>>> read_reference_records(std::string_view content) {
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (content.starts_with(kByteOrderMark)) content.remove_prefix(kByteOrderMark.size());
  enum class State { Unquoted, InQuotes, AfterQuotes };
  std::vector<std::vector<std::string>> records;
  RecordBuilder record;
  State state = State::Unquoted;
  auto end_record = [&] {
    record.end_field();
    if (record.any_text) records.push_back(record.fields);
    record = RecordBuilder();
  };
  for (std::size_t i = 0; i < content.size(); ++i) {
    const char c = content[i];
    switch (state) {
      case State::Unquoted:
        if (c == ',') {
          record.end_field();
          record.any_text = true;
        } else if (c == '\n') {
          end_record();
        } else if (c == '"') {
          for (const char b : record.field)
            if (!blank(b)) return std::nullopt;  // a quote after text in an unquoted field
          record.field.clear();
          record.quoted = true;
          record.any_text = true;
          state = State::InQuotes;
        } else {
          record.field += c;
          if (!blank(c)) record.any_text = true;
        }
        break;
      case State::InQuotes:
        if (c == '"' && i + 1 < content.size() && content[i + 1] == '"') {
          record.field += '"';
          ++i;
        } else if (c == '"') {
          state = State::AfterQuotes;
        } else {
          record.field += c;
        }
        break;
      case State::AfterQuotes:
        if (c == ',') {
          record.end_field();
          state = State::Unquoted;
        } else if (c == '\n') {
          end_record();
          state = State::Unquoted;
        } else if (!blank(c)) {
          return std::nullopt;  // text after the closing quote
        }
        break;
    }
  }
  if (state == State::InQuotes) return std::nullopt;
  if (record.any_text || !record.field.empty() || record.quoted) end_record();
  return records;
}

std::optional<ReferenceTable> read_reference_table(std::string_view content) {
  const auto records = read_reference_records(content);
  if (!records || records->empty()) return std::nullopt;
  ReferenceTable table;
  table.header = records->front();
  for (std::size_t r = 1; r < records->size(); ++r) {
    const std::vector<std::string>& fields = (*records)[r];
    if (fields.size() != table.header.size()) return std::nullopt;
    std::vector<float> row;
    for (const std::string& f : fields) {
      const std::optional<float> value = number(f);
      if (!value) return std::nullopt;
      row.push_back(*value);
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace nnk::fuzz
