// Which training examples a rank holds: its share of the training split, or all of it.
#pragma once

#include <cstdint>
#include <string>

namespace nnk::train_cli {

// The examples [first, first + count) of a training split of `examples` examples.
struct TrainingShard {
  std::int64_t first = 0;
  std::int64_t count = 0;
  std::int64_t examples = 0;
  bool spread = false;  // a share of a split spread over several ranks (even one that holds all examples)

  // "[first, first + count) of examples"
  std::string range_text() const;
};

// Every example.
TrainingShard whole_training_set(std::int64_t examples);
// Rank r of `ranks` holds the examples [r * examples / ranks, (r + 1) * examples / ranks): contiguous shares in rank
// order, their sizes at most one apart (nnk::mpi::fit_sharded's layout: the shards side by side are the set).
TrainingShard rank_share(std::int64_t examples, int rank, int ranks);

}  // namespace nnk::train_cli
