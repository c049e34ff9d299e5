// An independent reading of the CSV format that nnk::load_csv and nnk::load_table document (nnk/data.hpp,
// nnk/table.hpp), written from the documentation rather than from lib/data: a character-by-character RFC 4180 state
// machine over the whole text (a leading UTF-8 byte-order mark skipped), fields trimmed of spaces and tabs outside
// quotes, a \r before a line end dropped, records of blanks only skipped; numbers read with strtof. The CSV fuzz
// target and tests/data check what the library accepts against it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnk::fuzz {

// The records (the header first), each a list of field texts; nullopt for a malformed file (an unclosed quote,
// text after a closing quote, a quote inside an unquoted field). Field counts are not checked here.
std::optional<std::vector<std::vector<std::string>>> read_reference_records(std::string_view content);

struct ReferenceTable {
  std::vector<std::string> header;
  std::vector<std::vector<float>> rows;  // one per data record, as many values as header names
};

// The table, or nullopt when the records are malformed, a row's field count differs from the header's or a field
// is not a number that strtof reads completely (strtof is more permissive than load_csv: hex floats, inf, nan; the
// caller only compares files that load_csv accepted).
std::optional<ReferenceTable> read_reference_table(std::string_view content);

}  // namespace nnk::fuzz
