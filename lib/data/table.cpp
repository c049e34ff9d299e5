// nnk::load_table: the raw columns of an RFC 4180 file (numbers, text, missing values); row selection and splits.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "data/csv_cells.hpp"
#include "data/csv_file.hpp"
#include "data/split_rows.hpp"
#include "nnk/data.hpp"
#include "nnk/error.hpp"
#include "nnk/table.hpp"

namespace nnk {

namespace {

constexpr const char* kFunction = "nnk::load_table";

std::string column_list(const std::vector<TableColumn>& columns) {
  std::string list;
  for (std::size_t c = 0; c < columns.size() && c < 12; ++c) list += (c ? ", " : "") + columns[c].name;
  if (columns.size() > 12) list += ", ... (" + std::to_string(columns.size()) + " columns)";
  return list;
}

}  // namespace

bool Table::is_missing(std::size_t column, std::int64_t row) const {
  const TableColumn& c = columns.at(column);
  return c.type == ColumnType::Text ? c.codes[static_cast<std::size_t>(row)] < 0
                                    : std::isnan(numbers(static_cast<std::int64_t>(column), row));
}

std::size_t Table::column_index(std::string_view name) const {
  std::size_t found = columns.size();
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].name != name) continue;
    if (found != columns.size())
      detail::fail("'", source, "' has more than one column named '", name, "' (columns ", found + 1, " and ", c + 1,
                   ")");
    found = c;
  }
  if (found == columns.size())
    detail::fail("'", source, "' has no column named '", name, "'; its columns are: ", column_list(columns));
  return found;
}

Table load_table(const std::string& path, const std::vector<std::string>& text_columns) {
  const detail::csv::CsvFile file(path, kFunction);
  const std::size_t columns = file.columns();
  std::vector<char> forced_text(columns, 0);
  for (std::size_t c = 0; c < columns; ++c)
    for (const std::string& name : text_columns) forced_text[c] = forced_text[c] || file.header()[c].name == name;
  const detail::csv::RowLayout layout = detail::csv::row_layout(file);
  const std::int64_t rows = layout.rows();
  if (rows == 0)
    detail::fail(kFunction, ": ", path, ":", file.line_after_header(), ":1: no data rows after the header row");

  Table table;
  table.source = path;
  table.numbers = Matrix(static_cast<std::int64_t>(columns), rows);
  const std::vector<detail::csv::ChunkNumbers> chunks =
      read_numbers(file, detail::csv::CellMode::Table, forced_text, layout, [&](std::int64_t r, const float* values) {
        std::memcpy(table.numbers.col(r), values, columns * sizeof(float));
      });

  std::vector<std::size_t> text;
  for (std::size_t c = 0; c < columns; ++c) {
    TableColumn column{.name = file.header()[c].name, .type = ColumnType::Number, .categories = {}, .codes = {},
                       .missing = 0};
    bool is_text = forced_text[c] != 0;
    for (const detail::csv::ChunkNumbers& chunk : chunks) is_text = is_text || chunk.has_text[c];
    if (is_text) {
      column.type = ColumnType::Text;
      text.push_back(c);
    } else {
      for (const detail::csv::ChunkNumbers& chunk : chunks)
        if (chunk.bad_number[c]) file.fail_at(*chunk.bad_number[c]);
    }
    table.columns.push_back(std::move(column));
  }

  if (!text.empty()) {
    std::vector<detail::csv::TextColumnValues> values = read_text_columns(file, text);
    for (std::size_t i = 0; i < text.size(); ++i) {
      TableColumn& column = table.columns[text[i]];
      column.categories = std::move(values[i].categories);
      column.codes = std::move(values[i].codes);
      column.missing = values[i].missing;
      const auto row = static_cast<std::int64_t>(text[i]);
      for (std::int64_t r = 0; r < rows; ++r) table.numbers(row, r) = std::numeric_limits<float>::quiet_NaN();
    }
  }
  for (std::size_t c = 0; c < columns; ++c) {
    if (table.columns[c].type == ColumnType::Text) continue;  // counted by read_text_columns
    for (const detail::csv::ChunkNumbers& chunk : chunks) table.columns[c].missing += chunk.missing[c];
  }
  return table;
}

Table select_rows(const Table& table, const std::vector<std::int64_t>& rows) {
  Table out;
  out.source = table.source;
  out.numbers = select_columns(table.numbers, rows);  // checks the row indices
  for (const TableColumn& column : table.columns) {
    TableColumn selected{.name = column.name, .type = column.type, .categories = column.categories, .codes = {},
                         .missing = 0};
    if (column.type == ColumnType::Text)
      for (const std::int64_t r : rows) {
        selected.codes.push_back(column.codes[static_cast<std::size_t>(r)]);
        selected.missing += selected.codes.back() < 0;
      }
    out.columns.push_back(std::move(selected));
  }
  // The number columns' missing counts, row by row: each row's values are contiguous.
  for (std::int64_t j = 0; j < out.rows(); ++j) {
    const float* values = out.numbers.col(j);
    for (std::size_t c = 0; c < out.columns.size(); ++c)
      if (out.columns[c].type == ColumnType::Number) out.columns[c].missing += std::isnan(values[c]);
  }
  return out;
}

TableSplit split_table(const Table& table, double test_fraction, std::uint64_t seed) {
  const detail::SplitRows rows = detail::split_rows("nnk::split_table", table.rows(), test_fraction, seed);
  return {select_rows(table, rows.train), select_rows(table, rows.test)};
}

}  // namespace nnk
