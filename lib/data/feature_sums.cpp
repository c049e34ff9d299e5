// nnk::FeatureSums: Standardizer::fit's per-feature sums, resumable from piece to piece of a data set.
//
// The set's examples are cut into fixed blocks (their size a function of the whole set's example count, never of
// the thread count or the pieces); each block sums its examples in order from 0.0, and the blocks' sums are added
// in block order. A piece sums its blocks in parallel; a block cut by a piece's edge continues from the sums that
// the piece before left open, so every addition is the one a single pass over the whole set makes.
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "cpu/parallel.hpp"
#include "nnk/data.hpp"
#include "nnk/error.hpp"

namespace nnk {

namespace {

constexpr const char* kClass = "nnk::FeatureSums";
// Examples per block: large enough that a whole set has at most kMaxBlocks blocks of partial sums.
constexpr std::int64_t kMinBlock = 1024;
constexpr std::int64_t kMaxBlocks = 256;

std::int64_t block_size(std::int64_t examples) {
  return std::max(kMinBlock, (examples + kMaxBlocks - 1) / kMaxBlocks);
}

}  // namespace

FeatureSums::FeatureSums(std::int64_t features, std::int64_t examples) : examples_(examples) {
  if (features < 0 || examples < 0)
    detail::fail(kClass, ": features = ", features, " and examples = ", examples, ", expected both >= 0");
  state_.assign(2 * static_cast<std::size_t>(features), 0.0);
}

FeatureSums::FeatureSums(std::vector<double> mean, std::int64_t examples)
    : FeatureSums(static_cast<std::int64_t>(mean.size()), examples) {
  mean_ = std::move(mean);
}

void FeatureSums::add(ConstMatrixView piece) {
  const auto n = static_cast<std::size_t>(features());
  if (piece.rows() != features())
    detail::fail(kClass, "::add: the piece has ", piece.rows(), " rows, expected ", features(), " (the features)");
  if (piece.cols() > examples_ - position_)
    detail::fail(kClass, "::add: the piece has ", piece.cols(), " examples, expected at most ", examples_ - position_,
                 " (", position_, " of the set's ", examples_, " are summed)");
  if (piece.cols() == 0) return;
  const std::int64_t block = block_size(examples_), start = position_, end = position_ + piece.cols();
  const std::int64_t first_block = start / block, blocks = (end - 1) / block - first_block + 1;
  // The piece's blocks, the first continuing the open block's sums (zeros at a block's start).
  std::vector<double> partial(static_cast<std::size_t>(blocks) * n, 0.0);
  std::copy(state_.begin() + static_cast<std::ptrdiff_t>(n), state_.end(), partial.begin());
  const double* mean = mean_.data();
  const bool squares = !mean_.empty();
  cpu::parallel_for(blocks, 1, [&](std::int64_t begin, std::int64_t stop) {
    for (std::int64_t b = begin; b < stop; ++b) {
      double* sums = partial.data() + static_cast<std::size_t>(b) * n;
      const std::int64_t from = std::max(start, (first_block + b) * block);
      const std::int64_t to = std::min(end, (first_block + b + 1) * block);
      for (std::int64_t j = from; j < to; ++j) {
        const float* column = piece.col(j - start);
        if (squares) {
          for (std::size_t i = 0; i < n; ++i) {
            const double d = column[i] - mean[i];
            sums[i] += d * d;
          }
        } else {
          for (std::size_t i = 0; i < n; ++i) sums[i] += static_cast<double>(column[i]);
        }
      }
    }
  });
  // Finished blocks join the total in block order; the last one stays open where the piece ends inside it.
  double* total = state_.data();
  double* open = state_.data() + n;
  for (std::int64_t b = 0; b < blocks; ++b) {
    const double* sums = partial.data() + static_cast<std::size_t>(b) * n;
    if (std::min(examples_, (first_block + b + 1) * block) <= end) {
      for (std::size_t i = 0; i < n; ++i) total[i] += sums[i];
      std::fill(open, open + n, 0.0);
    } else {
      std::copy(sums, sums + n, open);
    }
  }
  position_ = end;
}

void FeatureSums::resume(std::vector<double> state, std::int64_t position) {
  if (state.size() != state_.size())
    detail::fail(kClass, "::resume: the state has ", state.size(), " entries, expected ", state_.size(),
                 " (2 x ", features(), " features)");
  if (position < 0 || position > examples_)
    detail::fail(kClass, "::resume: position = ", position, ", expected 0 .. ", examples_, " (the set's examples)");
  state_ = std::move(state);
  position_ = position;
}

std::vector<double> FeatureSums::totals() const {
  if (position_ != examples_)
    detail::fail(kClass, "::totals: ", position_, " of the set's ", examples_, " examples are summed, expected all");
  return {state_.begin(), state_.begin() + features()};
}

std::vector<double> FeatureSums::means() const {
  std::vector<double> mean = totals();
  for (double& m : mean) m /= static_cast<double>(examples_);
  return mean;
}

}  // namespace nnk
