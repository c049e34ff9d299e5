// The RFC 4180 field scanner under nnk::load_csv and nnk::load_table (internal to lib/data).
//
// Our own scanner rather than Debian's libcsv: libcsv streams the whole file through one callback-driven state
// machine, so it cannot start in the middle of a file; this one scans any record-aligned byte range, which is what
// lets csv_chunks.cpp parse a file on all cores, and it hands out fields as views into the file without copies.
//
// Fields are separated by commas and records by \n (a \r before it is dropped). A field may be quoted: inside the
// quotes, commas and line breaks are data and a doubled quote is one quote. Blanks (space, tab) around an unquoted
// field or around the quotes are not part of the field (nor is a \r there). A line of blanks between records is
// skipped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace nnk::detail::csv {

// A malformed file: what is wrong at a byte offset of the file; the caller turns the offset into line:column.
struct Problem {
  std::size_t offset;
  std::string message;
};

struct Field {
  std::string_view text;  // without the quotes, doubled quotes made single; valid until the next field is read
  std::size_t offset;     // of the field's first character (its opening quote when quoted)
  bool quoted;
};

inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

class Scanner {
 public:
  // Scans data[begin, end); begin must be the start of a record.
  Scanner(std::string_view data, std::size_t begin, std::size_t end) : data_(data.data()), pos_(begin), end_(end) {}

  // Skips blank lines; false when no record is left in the range.
  bool next_record() {
    while (pos_ < end_) {
      std::size_t p = pos_;
      while (p < end_ && is_blank(data_[p])) ++p;
      if (p < end_ && data_[p] != '\n') break;
      pos_ = p < end_ ? p + 1 : end_;
    }
    record_ended_ = false;
    return pos_ < end_;
  }

  // The next field of the current record. Throws Problem for a quote inside an unquoted field, an unclosed quote, or
  // text after a closing quote.
  Field next_field() {
    std::size_t p = pos_;
    while (p < end_ && is_blank(data_[p])) ++p;
    if (p < end_ && data_[p] == '"') return quoted_field(p);
    const std::size_t start = p;
    while (p < end_) {
      const char c = data_[p];
      if (c == ',' || c == '\n') break;
      if (c == '"')
        throw Problem{p, "a quote inside an unquoted field (quote the whole field and double the quotes in it)"};
      ++p;
    }
    std::size_t stop = p;
    while (stop > start && is_blank(data_[stop - 1])) --stop;
    finish_field(p);
    return {std::string_view(data_ + start, stop - start), start, false};
  }

  // A fast path for the bulk of numeric files: a field of 1 to 18 digits (after an optional '-') directly followed by
  // a comma or \n, read in the same pass (the same float as read_float gives). Returns false, consuming nothing, for
  // any other field: then call next_field.
  bool next_integer_field(float& value) {
    const std::size_t start = pos_;
    const bool negative = start < end_ && data_[start] == '-';
    const std::size_t first = start + (negative ? 1 : 0);
    std::uint64_t n = 0;
    std::size_t p = first;
    for (; p < end_ && p - first <= 18; ++p) {
      const auto digit = static_cast<unsigned>(data_[p] - '0');
      if (digit > 9) break;
      n = n * 10 + digit;
    }
    if (p == first || p - first > 18 || (p < end_ && data_[p] != ',' && data_[p] != '\n')) return false;
    value = negative ? -static_cast<float>(n) : static_cast<float>(n);
    finish_field(p);
    return true;
  }

  // Whether the last field read ended its record.
  bool record_ended() const { return record_ended_; }
  // After the last field of a record: the offset of its line end (of the \r of a \r\n), or of the range's end.
  std::size_t record_end() const { return record_end_; }
  std::size_t position() const { return pos_; }

 private:
  Field quoted_field(std::size_t open) {
    std::size_t segment = open + 1;
    bool unescaped = false;
    std::size_t close = 0;
    while (true) {
      const void* quote = segment < end_ ? std::memchr(data_ + segment, '"', end_ - segment) : nullptr;
      if (quote == nullptr)
        throw Problem{open, "a quoted field is not closed (no closing quote before the end of the file)"};
      close = static_cast<std::size_t>(static_cast<const char*>(quote) - data_);
      if (close + 1 < end_ && data_[close + 1] == '"') {  // a doubled quote: one quote of data
        if (!unescaped) scratch_.clear();
        scratch_.append(data_ + segment, close + 1 - segment);
        unescaped = true;
        segment = close + 2;
        continue;
      }
      break;
    }
    if (unescaped) scratch_.append(data_ + segment, close - segment);
    std::size_t p = close + 1;
    while (p < end_ && is_blank(data_[p])) ++p;
    if (p < end_ && data_[p] != ',' && data_[p] != '\n')
      throw Problem{p, "unexpected text after the closing quote of a field (expected a comma or a line end)"};
    finish_field(p);
    const std::string_view text = unescaped ? std::string_view(scratch_)
                                            : std::string_view(data_ + open + 1, close - open - 1);
    return {text, open, true};
  }

  // p is at the field's delimiter: a comma, a line end or the range's end.
  void finish_field(std::size_t p) {
    if (p < end_ && data_[p] == ',') {
      pos_ = p + 1;
      record_ended_ = false;
      return;
    }
    record_ended_ = true;
    record_end_ = p > 0 && data_[p - 1] == '\r' ? p - 1 : p;
    pos_ = p < end_ ? p + 1 : end_;
  }

  const char* data_;
  std::size_t pos_;
  std::size_t end_;
  bool record_ended_ = false;
  std::size_t record_end_ = 0;
  std::string scratch_;  // a quoted field with doubled quotes, unescaped
};

}  // namespace nnk::detail::csv
