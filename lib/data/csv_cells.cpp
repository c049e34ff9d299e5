// Reading the data rows of a CSV file into numbers and text codes, one chunk per task.
#include "data/csv_cells.hpp"

#include <cmath>
#include <limits>
#include <unordered_map>

#include "data/csv_number.hpp"

namespace nnk::detail::csv {

namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

std::string field_problem(const CsvFile& file, std::size_t column, const Field& field, NumberStatus status) {
  return "field '" + std::string(field.text) + "' (column '" + file.header()[column].name + "') " +
         number_problem(status);
}

// A hash that takes string views, so that looking up a field does not build a std::string.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};
using CategoryMap = std::unordered_map<std::string, std::int32_t, TextHash, std::equal_to<>>;

}  // namespace

bool is_missing_marker(std::string_view text) {
  if (text.empty() || text == "NA" || text == "N/A" || text == "?") return true;
  float value = 0;
  return read_float(text, value) == NumberStatus::NotFinite && std::isnan(value);
}

RowLayout row_layout(const CsvFile& file) {
  const std::vector<std::int64_t> counts = file.records_per_chunk();
  RowLayout layout{.first_row = std::vector<std::int64_t>(counts.size() + 1, 0)};
  for (std::size_t k = 0; k < counts.size(); ++k) layout.first_row[k + 1] = layout.first_row[k] + counts[k];
  return layout;
}

std::vector<ChunkNumbers> read_numbers(const CsvFile& file, CellMode mode, const std::vector<char>& text_columns,
                                       const RowLayout& layout, const RowSink& store) {
  const std::size_t columns = file.columns();
  std::vector<ChunkNumbers> chunks(file.chunks());
  file.for_each_chunk([&](std::size_t k, Scanner& scanner) {
    ChunkNumbers& out = chunks[k];
    if (mode == CellMode::Table) {
      out.has_text.assign(columns, 0);
      out.bad_number.resize(columns);
      out.missing.assign(columns, 0);
    }
    std::vector<float> values(columns);  // one record at a time, in cache, then stored
    std::int64_t row = layout.first_row[k];
    while (scanner.next_record()) {
      read_record(scanner, columns, [&](std::size_t c, const Field& field) {
        if (mode == CellMode::Table && !text_columns.empty() && text_columns[c]) {
          values[c] = kMissing;
          return;
        }
        float value = 0;
        const NumberStatus status = read_float(field.text, value);
        if (status == NumberStatus::Ok) {
          values[c] = value;
          return;
        }
        if (mode == CellMode::Strict) throw Problem{field.offset, field_problem(file, c, field, status)};
        values[c] = kMissing;
        if (status == NumberStatus::Empty || (status == NumberStatus::NotFinite && std::isnan(value)) ||
            is_missing_marker(field.text)) {
          ++out.missing[c];
          return;
        }
        if (status == NumberStatus::NotANumber) out.has_text[c] = 1;
        else if (!out.bad_number[c]) out.bad_number[c] = Problem{field.offset, field_problem(file, c, field, status)};
      }, [&](std::size_t c, Scanner& s) { return (text_columns.empty() || !text_columns[c]) && s.next_integer_field(values[c]); });
      // The count and the reading agree on a well-formed file; a malformed one stops with its Problem first.
      if (row >= layout.first_row[k + 1]) throw Problem{scanner.position(), "internal: more records than counted"};
      store(row++, values.data());
    }
    if (row != layout.first_row[k + 1]) throw Problem{scanner.position(), "internal: fewer records than counted"};
  });
  return chunks;
}

std::vector<TextColumnValues> read_text_columns(const CsvFile& file, const std::vector<std::size_t>& columns) {
  std::vector<std::int64_t> slot(file.columns(), -1);  // file column -> index into `columns`
  for (std::size_t i = 0; i < columns.size(); ++i) slot[columns[i]] = static_cast<std::int64_t>(i);

  // Per chunk and column: its own categories (first appearance) and codes into them.
  std::vector<std::vector<TextColumnValues>> chunks(file.chunks(), std::vector<TextColumnValues>(columns.size()));
  file.for_each_chunk([&](std::size_t k, Scanner& scanner) {
    std::vector<TextColumnValues>& out = chunks[k];
    std::vector<CategoryMap> maps(columns.size());
    while (scanner.next_record()) {
      read_record(scanner, file.columns(), [&](std::size_t c, const Field& field) {
        if (slot[c] < 0) return;
        const auto i = static_cast<std::size_t>(slot[c]);
        if (is_missing_marker(field.text)) {
          out[i].codes.push_back(-1);
          ++out[i].missing;
          return;
        }
        auto it = maps[i].find(field.text);
        if (it == maps[i].end()) {
          it = maps[i].emplace(std::string(field.text), static_cast<std::int32_t>(out[i].categories.size())).first;
          out[i].categories.emplace_back(field.text);
        }
        out[i].codes.push_back(it->second);
      });
    }
  });

  // Merged in chunk order: the categories in order of first appearance in the file, as a serial reading gives.
  std::vector<TextColumnValues> merged(columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    CategoryMap global;
    for (const std::vector<TextColumnValues>& chunk : chunks) {
      std::vector<std::int32_t> remap;
      for (const std::string& category : chunk[i].categories) {
        auto it = global.find(category);
        if (it == global.end()) {
          it = global.emplace(category, static_cast<std::int32_t>(merged[i].categories.size())).first;
          merged[i].categories.push_back(category);
        }
        remap.push_back(it->second);
      }
      for (const std::int32_t code : chunk[i].codes) merged[i].codes.push_back(code < 0 ? -1 : remap[static_cast<std::size_t>(code)]);
      merged[i].missing += chunk[i].missing;
    }
  }
  return merged;
}

}  // namespace nnk::detail::csv
