// Reading a CSV field as a float (internal to lib/data): exactly what std::from_chars reads (correctly rounded, as
// strtof), plus a leading '+', with a fast path for plain integers, the bulk of numeric files such as image pixels.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>

namespace nnk::detail::csv {

enum class NumberStatus { Ok, Empty, NotANumber, OutOfRange, NotFinite };

inline NumberStatus read_float(std::string_view text, float& value) {
  if (text.empty()) return NumberStatus::Empty;
  // Fast path: [+-]digits with at most 18 digits. An int64 converts to the correctly rounded float, as from_chars.
  {
    const bool negative = text[0] == '-';
    const std::size_t first = (negative || text[0] == '+') ? 1 : 0;
    const std::size_t digits = text.size() - first;
    if (digits >= 1 && digits <= 18) {
      std::uint64_t n = 0;
      std::size_t i = first;
      for (; i < text.size(); ++i) {
        const auto d = static_cast<unsigned>(text[i] - '0');
        if (d > 9) break;
        n = n * 10 + d;
      }
      if (i == text.size()) {
        value = negative ? -static_cast<float>(n) : static_cast<float>(n);
        return NumberStatus::Ok;
      }
    }
  }
  // from_chars does not take a leading '+'; a '+' followed by another sign ('+-3') stays and is rejected.
  std::string_view number = text;
  if (number.size() > 1 && number.front() == '+' && number[1] != '-' && number[1] != '+') number.remove_prefix(1);
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (error == std::errc::result_out_of_range) return NumberStatus::OutOfRange;
  if (error != std::errc() || end != number.data() + number.size()) return NumberStatus::NotANumber;
  if (!std::isfinite(value)) return NumberStatus::NotFinite;
  return NumberStatus::Ok;
}

// The message of a status other than Ok, as load_csv words it after "field '...' (column '...') ".
inline const char* number_problem(NumberStatus status) {
  switch (status) {
    case NumberStatus::Ok: break;
    case NumberStatus::Empty: return "is empty, expected a number";
    case NumberStatus::NotANumber: return "is not a number";
    case NumberStatus::OutOfRange: return "is out of the range of float";
    case NumberStatus::NotFinite: return "is not finite";
  }
  return "";
}

}  // namespace nnk::detail::csv
