// The rows of a seeded train/test split (internal to lib/data): train_test_split and split_table share it, so a
// Dataset and a Table of as many rows split the same way.
#pragma once

#include <cstdint>
#include <vector>

namespace nnk::detail {

struct SplitRows {
  std::vector<std::int64_t> train;
  std::vector<std::int64_t> test;  // the first round(test_fraction * rows) of seeded_permutation(rows, seed)
};

// nnk::Error prefixed by `function` when test_fraction is not in (0, 1) or leaves either part empty.
SplitRows split_rows(const char* function, std::int64_t rows, double test_fraction, std::uint64_t seed);

}  // namespace nnk::detail
