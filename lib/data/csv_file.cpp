// Reading a CSV file, its header, cutting its data into record-aligned chunks, and offsets to line:column.
#include "data/csv_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace nnk::detail::csv {

namespace {

std::string read_whole_file(const std::string& path, const char* function) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(function, ": cannot open '", path, "': ", std::strerror(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) fail(function, ": cannot read '", path, "': ", std::strerror(errno));  // e.g. a directory
  in.seekg(0, std::ios::beg);
  std::string content(static_cast<std::size_t>(size), '\0');
  in.read(content.data(), size);
  if (in.bad() || in.gcount() != size) fail(function, ": cannot read '", path, "'");
  return content;
}

// Whether a quote count is odd, for the bytes [begin, end): the pre-scan of one piece.
bool odd_quotes(std::string_view text, std::size_t begin, std::size_t end) {
  return (std::count(text.begin() + static_cast<std::ptrdiff_t>(begin), text.begin() + static_cast<std::ptrdiff_t>(end),
                     '"') & 1) != 0;
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

}  // namespace

CsvFile::CsvFile(const std::string& path, const char* function)
    : path_(path), function_(function), content_(read_whole_file(path, function)), text_(content_) {
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
  const std::size_t pieces = std::max<std::size_t>(1, (bytes + kChunkBytes - 1) / kChunkBytes);
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
