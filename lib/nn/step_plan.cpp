#include "nn/step_plan.hpp"

#include <algorithm>

#include "cpu/cache_sizes.hpp"

namespace nnk::nn {

namespace {

// Below this much arithmetic per thread, a fork and join (a few microseconds when the workers are awake, tens when
// they sleep) costs more than the second thread saves.
constexpr double kMinFlopsPerThread = 4e6;

}  // namespace

int threads_for_step(double flops, int threads) {
  const double worth = flops / kMinFlopsPerThread;
  return std::max(1, static_cast<int>(std::min<double>(threads, worth)));
}

std::int64_t column_block_count(std::int64_t m, int threads, std::int64_t largest_layer_floats) {
  if (largest_layer_floats * static_cast<std::int64_t>(sizeof(float)) > cpu::l2_cache_bytes()) return 1;
  const std::int64_t aligned_pieces = (m + kBlockAlign - 1) / kBlockAlign;
  return std::max<std::int64_t>(1, std::min<std::int64_t>(threads, aligned_pieces));
}

ColumnBlock column_block(std::int64_t m, std::int64_t count, std::int64_t index) {
  // Even shares of the columns, each inner boundary rounded to the nearest multiple of kBlockAlign.
  auto boundary = [&](std::int64_t b) {
    if (b == count) return m;
    const std::int64_t even = m * b / count;
    return std::min(m, (even + kBlockAlign / 2) / kBlockAlign * kBlockAlign);
  };
  return {boundary(index), boundary(index + 1)};
}

std::int64_t gradient_block_count(std::int64_t m) {
  return (m + kGradientBlockColumns - 1) / kGradientBlockColumns;
}

ColumnBlock gradient_block(std::int64_t m, std::int64_t index) {
  return {index * kGradientBlockColumns, std::min(m, (index + 1) * kGradientBlockColumns)};
}

bool on_gradient_blocks(std::int64_t m, ColumnBlock block) {
  const auto boundary = [m](std::int64_t c) { return c % kGradientBlockColumns == 0 || c == m; };
  return boundary(block.begin) && boundary(block.end);
}

std::vector<WeightPanel> weight_panels(const std::vector<std::int64_t>& units,
                                       const std::vector<std::int64_t>& fan_in) {
  std::vector<WeightPanel> panels;
  for (std::size_t l = 0; l < units.size(); ++l) {
    const std::int64_t columns = kPanelFloats / std::max<std::int64_t>(units[l], 1);
    const std::int64_t width = std::max<std::int64_t>(1, columns / kPanelAlign) * kPanelAlign;
    for (std::int64_t begin = 0; begin < fan_in[l]; begin += width)
      panels.push_back({l, begin, std::min(fan_in[l], begin + width)});
  }
  return panels;
}

}  // namespace nnk::nn
