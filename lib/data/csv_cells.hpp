// The values of a CSV file's data rows, read chunk by chunk on all cores (internal to lib/data): numbers into one
// row-major float buffer per chunk, and, for the columns that hold text, the text values as per-chunk codes.
#pragma once

#include <cstdint>
#include <functional>
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

// The rows of the file: where each chunk's first row is (a prefix sum of CsvFile::records_per_chunk), and the total.
struct RowLayout {
  std::vector<std::int64_t> first_row;  // one per chunk, and the total at the end
  std::int64_t rows() const { return first_row.back(); }
};
RowLayout row_layout(const CsvFile& file);

struct ChunkNumbers {
  std::vector<char> has_text;  // Table: per column, whether a field of this chunk is text
  std::vector<std::optional<Problem>> bad_number;  // Table: per column, its first number out of range or infinite
  std::vector<std::int64_t> missing;               // Table: per column, the missing values of this chunk
};

// Receives each data row's numbers (one per column; NaN for missing or text), by its row index in the file.
using RowSink = std::function<void(std::int64_t row, const float* values)>;

// Reads every chunk and hands each row to `store` (from several threads, each row once). `text_columns` (Table mode;
// per column, may be empty) marks columns read as text whatever their values.
std::vector<ChunkNumbers> read_numbers(const CsvFile& file, CellMode mode, const std::vector<char>& text_columns,
                                       const RowLayout& layout, const RowSink& store);

struct TextColumnValues {
  std::vector<std::string> categories;  // in order of first appearance
  std::vector<std::int32_t> codes;      // per data row, -1 where missing
  std::int64_t missing = 0;
};

// The text values of the columns listed (ascending), in row order; one entry per listed column.
std::vector<TextColumnValues> read_text_columns(const CsvFile& file, const std::vector<std::size_t>& columns);

}  // namespace nnk::detail::csv
