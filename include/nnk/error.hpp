// nnk::Error: the one exception type the public API throws.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace nnk {

// Thrown by every public entry point on bad input. The message names the function, the argument, the expected and
// the actual value, e.g. "nnk::sgemm: lda must be >= max(1, m) = 31, got 7".
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

namespace detail {

// Builds a message from any streamable parts and throws nnk::Error. Out of line of the hot path by design.
template <typename... Parts>
[[noreturn]] void fail(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  throw Error(out.str());
}

}  // namespace detail
}  // namespace nnk
