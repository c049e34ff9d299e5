// How the ranks share a run of blocks (gradient blocks of a batch, validation blocks): contiguous ranges in rank
// order, the first blocks % ranks ranks one block more than the others, so that rank 0's range is never empty and
// with fewer blocks than ranks the last ranks idle.
#pragma once

#include <algorithm>
#include <cstdint>

namespace nnk::mpi::detail {

struct BlockRange {
  std::int64_t first = 0, end = 0;  // [first, end)
};

inline BlockRange blocks_of_rank(std::int64_t blocks, int rank, int ranks) {
  const std::int64_t share = blocks / ranks, extra = blocks % ranks;
  const auto start = [&](std::int64_t r) { return r * share + std::min(r, extra); };
  return {start(rank), start(rank + 1)};
}

// The rank whose range holds block b (0 <= b < blocks): the inverse of blocks_of_rank.
inline int rank_of_block(std::int64_t blocks, std::int64_t b, int ranks) {
  const std::int64_t share = blocks / ranks, extra = blocks % ranks;
  const std::int64_t long_blocks = extra * (share + 1);  // in the ranges of the first `extra` ranks
  return static_cast<int>(b < long_blocks ? b / (share + 1) : extra + (b - long_blocks) / share);
}

// The columns [begin, end) of `columns` cut in blocks of `block` columns that rank r's range of them holds.
struct Columns {
  std::int64_t begin = 0, end = 0;
};
inline Columns columns_of_rank(std::int64_t columns, std::int64_t block, int rank, int ranks) {
  const BlockRange range = blocks_of_rank((columns + block - 1) / block, rank, ranks);
  return {std::min(columns, range.first * block), std::min(columns, range.end * block)};
}

}  // namespace nnk::mpi::detail
