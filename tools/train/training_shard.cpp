#include "training_shard.hpp"

#include "nnk/error.hpp"

namespace nnk::train_cli {

std::string TrainingShard::range_text() const {
  return "[" + std::to_string(first) + ", " + std::to_string(first + count) + ") of " + std::to_string(examples);
}

TrainingShard whole_training_set(std::int64_t examples) {
  return {.first = 0, .count = examples, .examples = examples, .spread = false};
}

TrainingShard rank_share(std::int64_t examples, int rank, int ranks) {
  if (ranks < 1 || rank < 0 || rank >= ranks)
    detail::fail("rank_share: rank = ", rank, " and ranks = ", ranks, ", expected 0 <= rank < ranks");
  if (examples < 0) detail::fail("rank_share: examples = ", examples, ", expected >= 0");
  // examples * ranks < 2^63: examples is an IDX count (< 2^32) and ranks an int
  const auto boundary = [&](int r) { return examples * r / ranks; };
  return {.first = boundary(rank), .count = boundary(rank + 1) - boundary(rank), .examples = examples,
          .spread = ranks > 1};
}

}  // namespace nnk::train_cli
