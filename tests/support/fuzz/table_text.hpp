// A canonical text of what nnk::load_table or nnk::load_csv returned, or of the error it threw, so that two
// readings of one file (other chunk sizes, other thread counts) can be compared as strings.
#pragma once

#include <string>

namespace nnk::fuzz {

// Names, types, categories, codes, missing counts and every number's bits; or "error: <message>".
std::string table_text(const std::string& path);
// Feature and target names and every value's bits; or "error: <message>".
std::string dataset_text(const std::string& path);

}  // namespace nnk::fuzz
