// A CSV file in memory, its header, and its data rows cut into record-aligned chunks that parse in parallel
// (internal to lib/data: the ground under nnk::load_csv and nnk::load_table).
//
// Chunks: the data is cut into pieces of about kChunkBytes; a quote-parity pre-scan (each piece's quote count, then
// a prefix sum) tells whether a piece starts inside a quoted field, and each cut moves to the first line end outside
// quotes after it. Before the first malformed quote, quote parity is exactly the scanner's state, so every chunk
// starts at a record and the first chunk's first error is the error a serial reading would report first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cpu/float_env.hpp"
#include "cpu/parallel.hpp"
#include "data/csv_scanner.hpp"
#include "data/mapped_file.hpp"
#include "nnk/error.hpp"

namespace nnk::detail::csv {

inline constexpr std::size_t kChunkBytes = std::size_t{1} << 20;

// Tests and the fuzz target make the chunks tiny (a few bytes), so that cuts fall everywhere, even in small files:
// the result must not change. 0 restores kChunkBytes. Not for concurrent use with loading.
void set_chunk_bytes_for_testing(std::size_t bytes);

struct HeaderField {
  std::string name;
  std::size_t offset;
};

class CsvFile {
 public:
  // Reads the file and its header row (the first non-blank record). `function` prefixes every message. nnk::Error
  // when the file cannot be read, is empty or blank, or a header field is empty.
  CsvFile(const std::string& path, const char* function);

  const std::string& path() const { return path_; }
  const char* function() const { return function_; }
  const std::vector<HeaderField>& header() const { return header_; }
  std::size_t columns() const { return header_.size(); }
  // The 1-based line just after the header row (where "no data rows" points).
  std::int64_t line_after_header() const;

  std::size_t chunks() const { return cuts_.size() - 1; }
  // Per chunk, how many records it holds (blank lines not counted), from a quote-aware count of line ends: what the
  // scanner will find in a well-formed file, so that rows can be written in place. In parallel.
  std::vector<std::int64_t> records_per_chunk() const;
  Scanner scanner(std::size_t chunk) const { return Scanner(text_, cuts_[chunk], cuts_[chunk + 1]); }

  // "<function>: <path>:<line>:<column>: <parts>" as an nnk::Error.
  template <typename... Parts>
  [[noreturn]] void fail_at(std::size_t offset, const Parts&... parts) const {
    fail(function_, ": ", path_, ":", line_of(offset), ":", column_of(offset), ": ", parts...);
  }
  [[noreturn]] void fail_at(const Problem& problem) const { fail_at(problem.offset, problem.message); }

  // body(chunk, scanner) for every chunk, in parallel. A Problem thrown by a body stops that chunk; afterwards the
  // first chunk's problem is thrown as an nnk::Error at its line:column. Bodies run with the caller's
  // floating-point environment (not nnk's flushed denormals): numbers read as strtof reads them.
  template <typename Body>
  void for_each_chunk(Body&& body) const {
    std::vector<std::optional<Problem>> problems(chunks());
    const std::uint32_t caller_mxcsr = cpu::read_mxcsr();
    cpu::parallel_for(static_cast<std::int64_t>(chunks()), 1, [&](std::int64_t begin, std::int64_t end) {
      const std::uint32_t chunk_mxcsr = cpu::read_mxcsr();
      cpu::write_mxcsr(caller_mxcsr);
      for (std::int64_t k = begin; k < end; ++k) {
        const auto chunk = static_cast<std::size_t>(k);
        try {
          Scanner scanner = this->scanner(chunk);
          body(chunk, scanner);
        } catch (Problem& p) {
          problems[chunk] = std::move(p);
        }
      }
      cpu::write_mxcsr(chunk_mxcsr);
    });
    for (const std::optional<Problem>& p : problems)
      if (p) fail_at(*p);
  }

  std::int64_t line_of(std::size_t offset) const;
  std::int64_t column_of(std::size_t offset) const;

 private:
  void read_header();
  void cut_chunks(std::size_t data_begin);

  std::string path_;
  const char* function_;
  MappedFile content_;
  std::string_view text_;  // content_ without a UTF-8 byte-order mark
  std::vector<HeaderField> header_;
  std::size_t header_end_ = 0;      // the header row's line end
  std::vector<std::size_t> cuts_;   // chunk k is [cuts_[k], cuts_[k + 1])
};

// Reads the fields of one record (after Scanner::next_record returned true): on_field(column, field) for each,
// unless fast(column, scanner) read the field itself (returning true). Throws Problem when the record has another
// field count than `columns`, pointing at its first extra field or, for a short record, at its line end.
template <typename OnField, typename Fast>
void read_record(Scanner& scanner, std::size_t columns, OnField&& on_field, Fast&& fast) {
  std::size_t column = 0;
  std::size_t first_extra = 0;
  do {
    if (column < columns && fast(column, scanner)) {
      ++column;
      continue;
    }
    const Field field = scanner.next_field();
    if (column < columns) on_field(column, field);
    else if (column == columns) first_extra = field.offset;
    ++column;
  } while (!scanner.record_ended());
  if (column == columns) return;
  std::ostringstream message;
  message << "row has " << column << " fields, expected " << columns << " (as many as the header)";
  throw Problem{column > columns ? first_extra : scanner.record_end(), message.str()};
}

template <typename OnField>
void read_record(Scanner& scanner, std::size_t columns, OnField&& on_field) {
  read_record(scanner, columns, on_field, [](std::size_t, Scanner&) { return false; });
}

}  // namespace nnk::detail::csv
