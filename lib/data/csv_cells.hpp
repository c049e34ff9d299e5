// The values of a CSV file's data rows, read chunk by chunk on all cores (internal to lib/data): numbers into one
// row-major float buffer per chunk, and, for the columns that hold text, the text values as per-chunk codes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/csv_file.hpp"

namespace nnk::detail::csv {

// A missing value: empty, NA, N/A, ? or a NaN as read_float reads it (nan, NaN, NAN, -nan, +nan, nan(...)).
bool is_missing_marker(std::string_view text);

enum class CellMode {
  Strict,  // nnk::load_csv: every field a finite number, else a Problem naming the field and its column
  Table,   // nnk::load_table: numbers, missing values (NaN) and text (NaN, the column marked as text)
};

struct ChunkNumbers {
  std::vector<float> values;  // record r's column c at values[r * columns + c]
  std::int64_t rows = 0;
  std::vector<char> has_text;  // Table: per column, whether a field of this chunk is text
  std::vector<std::optional<Problem>> bad_number;  // Table: per column, its first number out of range or infinite
};

// Reads every chunk. `text_columns` (Table mode; per column, may be empty) marks columns read as text whatever
// their values.
std::vector<ChunkNumbers> read_numbers(const CsvFile& file, CellMode mode, const std::vector<char>& text_columns);

struct TextColumnValues {
  std::vector<std::string> categories;  // in order of first appearance
  std::vector<std::int32_t> codes;      // per data row, -1 where missing
  std::int64_t missing = 0;
};

// The text values of the columns listed (ascending), in row order; one entry per listed column.
std::vector<TextColumnValues> read_text_columns(const CsvFile& file, const std::vector<std::size_t>& columns);

}  // namespace nnk::detail::csv
