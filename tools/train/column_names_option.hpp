// The value of --features and --ignore: column names separated by commas. A name may hold spaces and parentheses
// as they are; one that holds a comma or a quote is written in double quotes with its quotes doubled, as in the CSV
// header ("a,b" or "say ""hi""").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nnk::train_cli {

// UsageError naming the flag for an empty name, an unclosed quote, text after a closing quote, a repeated name.
std::vector<std::string> column_names_value(std::string_view flag, std::string_view text);

}  // namespace nnk::train_cli
