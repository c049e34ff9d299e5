// Reading a CSV file, its header, cutting its data into record-aligned chunks, and offsets to line:column.
#include "data/csv_file.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>

namespace nnk::detail::csv {

namespace {

std::atomic<std::size_t> chunk_bytes{kChunkBytes};

// Whether a quote count is odd, for the bytes [begin, end): the pre-scan of one piece (memchr: numeric files have
// no quotes, and it runs at memory speed).
bool odd_quotes(std::string_view text, std::size_t begin, std::size_t end) {
  bool odd = false;
  for (const char* p = text.data() + begin; const void* quote = std::memchr(p, '"', static_cast<std::size_t>(text.data() + end - p));) {
    odd = !odd;
    p = static_cast<const char*>(quote) + 1;
  }
  return odd;
}

// The first record start at or after `from`, given whether `from` lies inside quotes: just past the first line end
// outside quotes (the text's end when there is none).
std::size_t record_start_after(std::string_view text, std::size_t from, bool inside_quotes) {
  for (std::size_t p = from; p < text.size(); ++p) {
    if (text[p] == '"') inside_quotes = !inside_quotes;
    else if (text[p] == '\n' && !inside_quotes) return p + 1;
  }
  return text.size();
}

// The records of [begin, end), counted as Scanner::next_record finds them: a line end outside quotes ends a record
// unless its line holds only blanks. Lines without quotes (the bulk of numeric files) go through memchr.
std::int64_t count_records(std::string_view text, std::size_t begin, std::size_t end) {
  const char* data = text.data();
  std::int64_t records = 0;
  bool inside_quotes = false, non_blank = false;
  std::size_t p = begin;
  while (p < end) {
    if (inside_quotes) {
      const void* quote = std::memchr(data + p, '"', end - p);
      if (quote == nullptr) break;  // an unclosed quote: the scanner reports it
      inside_quotes = false;
      p = static_cast<std::size_t>(static_cast<const char*>(quote) - data) + 1;
      continue;
    }
    const void* newline = std::memchr(data + p, '\n', end - p);
    const std::size_t line_end = newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - data) : end;
    if (const void* quote = std::memchr(data + p, '"', line_end - p)) {
      non_blank = true;
      inside_quotes = true;
      p = static_cast<std::size_t>(static_cast<const char*>(quote) - data) + 1;
      continue;
    }
    for (std::size_t i = p; i < line_end && !non_blank; ++i) non_blank = !is_blank(data[i]);
    if (line_end < end && non_blank) ++records;
    if (line_end < end) non_blank = false;
    p = line_end < end ? line_end + 1 : end;
  }
  return records + (non_blank ? 1 : 0);
}

}  // namespace

void set_chunk_bytes_for_testing(std::size_t bytes) { chunk_bytes = bytes == 0 ? kChunkBytes : bytes; }

std::vector<std::int64_t> CsvFile::records_per_chunk() const {
  std::vector<std::int64_t> counts(chunks());
  cpu::parallel_for(static_cast<std::int64_t>(chunks()), 1, [&](std::int64_t begin, std::int64_t end) {
    for (auto k = static_cast<std::size_t>(begin); k < static_cast<std::size_t>(end); ++k)
      counts[k] = count_records(text_, cuts_[k], cuts_[k + 1]);
  });
  return counts;
}

CsvFile::CsvFile(const std::string& path, const char* function)
    : path_(path), function_(function), content_(path, function), text_(content_.bytes()) {
  if (text_.starts_with("\xEF\xBB\xBF")) text_.remove_prefix(3);
  read_header();
}

void CsvFile::read_header() {
  Scanner scanner(text_, 0, text_.size());
  if (!scanner.next_record())
    fail(function_, ": ", path_, ":1:1: the file is empty (or blank), expected a header row of column names");
  try {
    do {
      const Field field = scanner.next_field();
      if (field.text.empty())
        fail_at(field.offset, "header column ", header_.size() + 1, " has no name");
      header_.push_back({std::string(field.text), field.offset});
    } while (!scanner.record_ended());
  } catch (const Problem& p) {
    fail_at(p);
  }
  header_end_ = scanner.record_end();
  cut_chunks(scanner.position());
}

void CsvFile::cut_chunks(std::size_t data_begin) {
  const std::size_t bytes = text_.size() - data_begin;
  const std::size_t piece_bytes = chunk_bytes.load();
  const std::size_t pieces = std::max<std::size_t>(1, (bytes + piece_bytes - 1) / piece_bytes);
  std::vector<std::size_t> piece_start(pieces + 1);
  for (std::size_t k = 0; k <= pieces; ++k) piece_start[k] = data_begin + bytes / pieces * k + std::min(k, bytes % pieces);

  std::vector<char> odd(pieces);
  cpu::parallel_for(static_cast<std::int64_t>(pieces), 1, [&](std::int64_t begin, std::int64_t end) {
    for (auto k = static_cast<std::size_t>(begin); k < static_cast<std::size_t>(end); ++k)
      odd[k] = odd_quotes(text_, piece_start[k], piece_start[k + 1]);
  });
  std::vector<char> inside(pieces, 0);  // whether piece k starts inside quotes: the parity of all quotes before it
  for (std::size_t k = 1; k < pieces; ++k) inside[k] = static_cast<char>(inside[k - 1] != odd[k - 1]);

  cuts_.assign(pieces + 1, text_.size());
  cuts_[0] = data_begin;
  cpu::parallel_for(static_cast<std::int64_t>(pieces), 1, [&](std::int64_t begin, std::int64_t end) {
    for (auto k = static_cast<std::size_t>(std::max<std::int64_t>(begin, 1)); k < static_cast<std::size_t>(end); ++k)
      cuts_[k] = record_start_after(text_, piece_start[k], inside[k] != 0);
  });
  for (std::size_t k = 1; k <= pieces; ++k) cuts_[k] = std::max(cuts_[k], cuts_[k - 1]);  // a record longer than a piece
}

std::int64_t CsvFile::line_after_header() const { return line_of(header_end_) + 1; }

std::int64_t CsvFile::line_of(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  return 1 + std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
}

std::int64_t CsvFile::column_of(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  const std::size_t newline = offset == 0 ? std::string_view::npos : text_.rfind('\n', offset - 1);
  const std::size_t line_start = newline == std::string_view::npos ? 0 : newline + 1;
  return static_cast<std::int64_t>(offset - line_start) + 1;
}

}  // namespace nnk::detail::csv
