// Value conversion for nnk-train's flags: std::from_chars (exact, locale-free, no exceptions) plus range checks.
#include "option_values.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <system_error>

namespace nnk::train_cli {

namespace {

constexpr std::size_t kMaxQuotedLength = 60;

[[noreturn]] void fail_value(std::string_view flag, const std::string& expected, std::string_view text) {
  throw UsageError(std::string(flag) + " must be " + expected + ", got " + quote_value(text));
}

}  // namespace

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::string quote_value(std::string_view text) {
  std::string out = "'";
  const bool cut = text.size() > kMaxQuotedLength;
  for (const char c : text.substr(0, kMaxQuotedLength)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  out += cut ? "...'" : "'";
  return out;
}

std::int64_t integer_value(std::string_view flag, std::string_view text, std::int64_t min, std::int64_t max) {
  const std::string expected = "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max)
    fail_value(flag, expected, text);
  return value;
}

std::uint64_t seed_value(std::string_view flag, std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size())
    fail_value(flag, "an integer in [0, 18446744073709551615]", text);
  return value;
}

double real_value(std::string_view flag, std::string_view text, RealRange range) {
  std::string expected = "a number ";
  if (range.has_max) {
    expected += "in " + std::string(range.min_inclusive ? "[" : "(") + number_text(range.min) + ", " +
                number_text(range.max_exclusive) + ")";
  } else {
    expected += (range.min_inclusive ? ">= " : "> ") + number_text(range.min);
  }
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  // NaN fails every comparison below, infinity fails isfinite.
  const bool in_range = std::isfinite(value) && (range.min_inclusive ? value >= range.min : value > range.min) &&
                        (!range.has_max || value < range.max_exclusive);
  if (error != std::errc() || end != text.data() + text.size() || !in_range) fail_value(flag, expected, text);
  return value;
}

std::vector<std::int64_t> layer_widths(std::string_view flag, std::string_view text, std::int64_t max_units) {
  if (text == "none") return {};
  const std::string expected =
      "comma-separated layer widths in [1, " + std::to_string(max_units) + "] (e.g. 64,32) or 'none'";
  std::vector<std::int64_t> widths;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string_view item = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    std::int64_t width = 0;
    const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), width);
    if (error != std::errc() || end != item.data() + item.size() || width < 1 || width > max_units)
      throw UsageError(std::string(flag) + " must be " + expected + ", got " + quote_value(text) + " (layer " +
                       std::to_string(widths.size() + 1) + " is " + quote_value(item) + ")");
    widths.push_back(width);
    if (comma == std::string_view::npos) return widths;
    start = comma + 1;
  }
}

std::string non_empty(std::string_view flag, const std::string& text) {
  if (text.empty()) throw UsageError(std::string(flag) + " must not be empty");
  return text;
}

}  // namespace nnk::train_cli
