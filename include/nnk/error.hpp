// nnk::Error: the exception type the public API throws, and nnk::TrainingDiverged, the one refinement of it.
#pragma once

#include <cstdint>
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

// Thrown by nnk::fit when training diverges: the cost of a mini-batch is NaN or infinite (typically a learning rate
// too large for the data), or an epoch's updates left a non-finite parameter. Before throwing, fit restores the
// network (parameters, optimizer state, steps()) to its state after the last completed epoch, or to the state it
// was given when the first epoch diverged: no NaN weights are left behind. epoch() and batch() count from 1; batch()
// is the mini-batch whose cost was non-finite, or the epoch's last one when only the parameters showed it.
class TrainingDiverged : public Error {
 public:
  TrainingDiverged(const std::string& message, std::int64_t epoch, std::int64_t batch)
      : Error(message), epoch_(epoch), batch_(batch) {}
  std::int64_t epoch() const noexcept { return epoch_; }
  std::int64_t batch() const noexcept { return batch_; }

 private:
  std::int64_t epoch_;
  std::int64_t batch_;
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
