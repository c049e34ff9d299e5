// Converting the text of one command-line value into a setting, with the range checks of nnk-train.
//
// Every function throws UsageError naming the flag, the accepted range and the value given, e.g.
// "--epochs must be an integer in [1, 1000000000], got '0'". Values are quoted with printable escapes and cut to a
// readable length, so a message is always one line whatever the input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "command_line.hpp"

namespace nnk::train_cli {

// 'text' for a message: control and non-ASCII bytes as \xNN, at most 60 characters of it.
std::string quote_value(std::string_view text);

// The shortest text that reads back as value ("0.001", "1e-05").
std::string number_text(double value);

// A decimal integer in [min, max].
std::int64_t integer_value(std::string_view flag, std::string_view text, std::int64_t min, std::int64_t max);
// A decimal integer in [0, 2^64 - 1] (seeds).
std::uint64_t seed_value(std::string_view flag, std::string_view text);

// A finite number with a lower bound (inclusive or not) and, optionally, an exclusive upper bound.
struct RealRange {
  double min = 0;
  bool min_inclusive = true;
  double max_exclusive = 0;
  bool has_max = false;
};
double real_value(std::string_view flag, std::string_view text, RealRange range);

// Comma-separated hidden-layer widths, each in [1, max_units], e.g. "64,32"; "none" for no hidden layer.
std::vector<std::int64_t> layer_widths(std::string_view flag, std::string_view text, std::int64_t max_units);

// One of a fixed set of words; the message lists them.
template <typename T>
T choice(std::string_view flag, std::string_view text, const std::vector<std::pair<std::string, T>>& words) {
  for (const auto& [word, value] : words)
    if (word == text) return value;
  std::string list;
  for (const auto& entry : words) list += (list.empty() ? "" : ", ") + entry.first;
  throw UsageError(std::string(flag) + " must be one of " + list + "; got " + quote_value(text));
}

// A path or name that must not be empty.
std::string non_empty(std::string_view flag, const std::string& text);

}  // namespace nnk::train_cli
