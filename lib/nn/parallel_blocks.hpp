// Elementwise work over the columns of a matrix, split into blocks that run in parallel (internal to lib/nn).
//
// Only for work whose result per element does not depend on the split (elementwise updates, copies, masks):
// then any split gives bitwise the same result. Sums are never split this way.
#pragma once

#include <algorithm>
#include <cstdint>

#include "cpu/parallel.hpp"

namespace nnk::nn {

// Below about this many elements per block, a TBB task costs more than the work it carries.
inline constexpr std::int64_t kElementsPerBlock = 16 * 1024;

// body(col0, ncols) for column blocks covering [0, cols) of a matrix with `rows` rows.
template <typename Body>
void for_each_column_block(std::int64_t rows, std::int64_t cols, Body&& body) {
  if (cols <= 0) return;
  const std::int64_t block = std::max<std::int64_t>(1, kElementsPerBlock / std::max<std::int64_t>(rows, 1));
  if (block >= cols) {
    body(std::int64_t{0}, cols);
    return;
  }
  const std::int64_t blocks = (cols + block - 1) / block;
  cpu::parallel_for(blocks, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t b = begin; b < end; ++b) body(b * block, std::min(block, cols - b * block));
  });
}

}  // namespace nnk::nn
