// Fuzz target for nnk::load_csv and nnk::load_table (the RFC 4180 reader under both). Any input must give a result
// or an nnk::Error, never a crash, a sanitizer report or another exception. An accepted file is checked against the
// independent reading in csv_reference.hpp: load_csv's (same shape, bitwise the same numbers), loaded a second time
// by its target's name (the same data, or an error that says the name is ambiguous); load_table's (the same
// records: every field of a number column strtof's value or missing, every field of a text column the same text),
// and a file load_csv accepts is one load_table reads as number columns with the same values. Every file is read
// again in chunks of a few bytes (the cut points everywhere): the same tables, datasets and errors.
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>
#include <optional>
#include <string_view>

#include "data/csv_file.hpp"
#include "support/fuzz/csv_reference.hpp"
#include "support/fuzz/fuzz_check.hpp"
#include "support/fuzz/memory_file.hpp"
#include "support/fuzz/table_text.hpp"
#include "nnk/data.hpp"
#include "nnk/error.hpp"
#include "nnk/table.hpp"

namespace {

using nnk::fuzz::check;

bool same_bits(nnk::ConstMatrixView a, nnk::ConstMatrixView b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (std::int64_t j = 0; j < a.cols(); ++j)
    for (std::int64_t i = 0; i < a.rows(); ++i)
      if (std::bit_cast<std::uint32_t>(a(i, j)) != std::bit_cast<std::uint32_t>(b(i, j))) return false;
  return true;
}

void check_against_reference(const nnk::Dataset& data, std::string_view content) {
  const std::optional<nnk::fuzz::ReferenceTable> table = nnk::fuzz::read_reference_table(content);
  check(table.has_value(), "load_csv accepted a file that the reference reading rejects");
  const std::size_t columns = table->header.size();
  check(columns == data.feature_names.size() + 1, "column count differs from the reference");
  check(static_cast<std::int64_t>(table->rows.size()) == data.examples(), "row count differs from the reference");
  check(data.target_name == table->header.back(), "target (index -1) is not the last header name");
  for (std::size_t c = 0; c + 1 < columns; ++c)
    check(data.feature_names[c] == table->header[c], "feature name differs from the reference");
  for (std::int64_t j = 0; j < data.examples(); ++j) {
    const std::vector<float>& row = table->rows[static_cast<std::size_t>(j)];
    for (std::size_t c = 0; c + 1 < columns; ++c)
      check(std::bit_cast<std::uint32_t>(data.features(static_cast<std::int64_t>(c), j)) ==
                std::bit_cast<std::uint32_t>(row[c]),
            "a feature value differs from strtof's reading of its field");
    check(std::bit_cast<std::uint32_t>(data.targets(0, j)) == std::bit_cast<std::uint32_t>(row.back()),
          "a target value differs from strtof's reading of its field");
  }
}

// The documented missing markers, read independently: NA, N/A, ?, empty, or a whole-text NaN for strtof (which
// also skips leading blanks, which the library does not: those texts are not NaNs).
bool reference_missing(const std::string& text) {
  if (text.empty() || text == "NA" || text == "N/A" || text == "?") return true;
  if (text.front() == ' ' || text.front() == '\t' || text.front() == '\n' || text.front() == '\r' ||
      text.front() == '\v' || text.front() == '\f')
    return false;
  char* end = nullptr;
  const float v = std::strtof(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isnan(v);
}

void check_table(const nnk::Table& table, std::string_view content) {
  const auto records = nnk::fuzz::read_reference_records(content);
  check(records.has_value(), "load_table accepted a file that the reference reading rejects");
  check(!records->empty() && records->front().size() == table.columns.size(), "header differs from the reference");
  check(static_cast<std::int64_t>(records->size()) - 1 == table.rows(), "row count differs from the reference");
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const nnk::TableColumn& column = table.columns[c];
    check(column.name == records->front()[c], "a column name differs from the reference");
    std::int64_t missing = 0;
    for (std::int64_t r = 0; r < table.rows(); ++r) {
      const std::vector<std::string>& record = (*records)[static_cast<std::size_t>(r) + 1];
      check(record.size() == table.columns.size(), "load_table accepted a ragged row");
      const std::string& text = record[c];
      const bool is_missing = reference_missing(text);
      missing += is_missing;
      check(table.is_missing(c, r) == is_missing, "a missing value differs from the reference");
      if (is_missing) continue;
      if (column.type == nnk::ColumnType::Number) {
        char* end = nullptr;
        const float v = std::strtof(text.c_str(), &end);
        check(end == text.c_str() + text.size() && std::bit_cast<std::uint32_t>(v) ==
                                                        std::bit_cast<std::uint32_t>(table.numbers(static_cast<std::int64_t>(c), r)),
              "a number of a number column differs from strtof's reading");
      } else {
        const std::int32_t code = column.codes[static_cast<std::size_t>(r)];
        check(code >= 0 && static_cast<std::size_t>(code) < column.categories.size() &&
                  column.categories[static_cast<std::size_t>(code)] == text,
              "a text value differs from the reference");
      }
    }
    check(missing == column.missing, "a column's missing count differs from the reference");
  }
}

// load_table on every file; returns it when accepted.
std::optional<nnk::Table> table_of(const std::string& path, std::string_view content) {
  try {
    nnk::Table table = nnk::load_table(path);
    check_table(table, content);
    return table;
  } catch (const nnk::Error& e) {
    nnk::fuzz::check_error_message(e, "nnk::load_table: ");
    return std::nullopt;
  }
}

}  // namespace

// The same readings with chunks of 1 to 8 bytes as with one chunk.
void check_tiny_chunks(const std::string& path, std::size_t size) {
  const std::string table = nnk::fuzz::table_text(path), dataset = nnk::fuzz::dataset_text(path);
  nnk::detail::csv::set_chunk_bytes_for_testing(1 + size % 8);
  const bool same = nnk::fuzz::table_text(path) == table && nnk::fuzz::dataset_text(path) == dataset;
  nnk::detail::csv::set_chunk_bytes_for_testing(0);
  check(same, "reading in tiny chunks gives another result than in one chunk");
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  nnk::fuzz::MemoryFile& file = nnk::fuzz::input_file();
  file.assign(bytes, size);
  check_tiny_chunks(file.path(), size);

  const std::string_view content(reinterpret_cast<const char*>(bytes), size);
  const std::optional<nnk::Table> table = table_of(file.path(), content);
  std::optional<nnk::Dataset> by_index;
  try {
    by_index = nnk::load_csv(file.path(), std::int64_t{-1});
  } catch (const nnk::Error& e) {
    nnk::fuzz::check_error_message(e, "nnk::load_csv: ");
    return 0;
  }
  const nnk::Dataset& data = *by_index;
  check(data.examples() >= 1, "an accepted file has no examples");
  check(data.features.rows() == static_cast<std::int64_t>(data.feature_names.size()),
        "feature rows differ from the feature names");
  check(data.targets.rows() == 1 && data.targets.cols() == data.examples(), "targets are not 1 x examples");
  for (std::int64_t j = 0; j < data.examples(); ++j) {
    check(std::isfinite(data.targets(0, j)), "a target is not finite");
    for (std::int64_t i = 0; i < data.features.rows(); ++i)
      check(std::isfinite(data.features(i, j)), "a feature is not finite");
  }
  check_against_reference(data, content);
  check(table.has_value(), "load_table rejected a file that load_csv accepts");
  for (std::size_t c = 0; c < table->columns.size(); ++c)
    check(table->columns[c].type == nnk::ColumnType::Number && table->columns[c].missing == 0,
          "load_table reads a column of a numeric file as text or missing");
  for (std::int64_t j = 0; j < data.examples(); ++j)
    check(std::bit_cast<std::uint32_t>(table->numbers(static_cast<std::int64_t>(table->columns.size()) - 1, j)) ==
              std::bit_cast<std::uint32_t>(data.targets(0, j)),
          "load_table's last column differs from load_csv's target");

  try {
    const nnk::Dataset by_name = nnk::load_csv(file.path(), data.target_name);
    check(same_bits(by_name.features, data.features) && same_bits(by_name.targets, data.targets),
          "loading by the target's name gives other data than loading by its index");
  } catch (const nnk::Error& e) {
    check(std::string_view(e.what()).find("more than one column named") != std::string_view::npos,
          "loading by the target's name failed although loading by index worked, and not for a duplicate name");
  }
  return 0;
}
