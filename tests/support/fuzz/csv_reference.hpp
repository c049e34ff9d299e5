// An independent reading of the CSV format that nnk::load_csv documents (nnk/data.hpp), written from the
// documentation rather than from lib/data/csv.cpp: lines split at \n (a trailing \r dropped, a leading UTF-8
// byte-order mark skipped, blank lines ignored), fields split at commas and trimmed of spaces and tabs, numbers
// read with strtof. The CSV fuzz target checks every file load_csv accepts against it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnk::fuzz {

struct ReferenceTable {
  std::vector<std::string> header;
  std::vector<std::vector<float>> rows;  // one per data line, as many values as header names
};

// The table, or nullopt when a row's field count differs from the header's or a field is not a number that strtof
// reads completely (strtof is more permissive than load_csv: hex floats, inf, nan; the caller only compares files
// that load_csv accepted).
std::optional<ReferenceTable> read_reference_table(std::string_view content);

}  // namespace nnk::fuzz
