// How a training step is cut for threads (lib/nn/step_plan.hpp): the column blocks and weight panels cover their
// ranges exactly once, in order, on the promised boundaries.
#include "nn/step_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace nnk::test {
namespace {

using nn::ColumnBlock;
using nn::WeightPanel;

TEST(StepPlan, ColumnBlocksCoverTheBatchInEvenAlignedShares) {
  constexpr std::int64_t kSmallLayer = 1000;  // floats: fits any L2
  for (std::int64_t m = 1; m <= 300; ++m) {
    for (int threads = 1; threads <= 16; ++threads) {
      const std::int64_t count = nn::column_block_count(m, threads, kSmallLayer);
      ASSERT_GE(count, 1);
      ASSERT_LE(count, threads);
      ASSERT_LE(count, (m + nn::kBlockAlign - 1) / nn::kBlockAlign) << "m " << m;
      std::int64_t next = 0, widest = 0, narrowest = m;
      for (std::int64_t b = 0; b < count; ++b) {
        const ColumnBlock block = nn::column_block(m, count, b);
        ASSERT_EQ(block.begin, next) << "m " << m << ", " << count << " blocks, block " << b;
        ASSERT_GE(block.end, block.begin);
        if (b + 1 < count) {
          EXPECT_EQ(block.end % nn::kBlockAlign, 0) << "m " << m << ", block " << b;
        }
        widest = std::max(widest, block.columns());
        narrowest = std::min(narrowest, block.columns());
        next = block.end;
      }
      EXPECT_EQ(next, m);
      // Even shares: rounding each boundary to kBlockAlign moves a block by less than one alignment at each end.
      EXPECT_LE(widest - narrowest, 2 * nn::kBlockAlign) << "m " << m << ", " << count << " blocks";
    }
  }
}

TEST(StepPlan, OneBlockWhenALayerOutgrowsL2) {
  // 1 G floats: larger than any L2; then every GEMM splits its own C across the threads.
  EXPECT_EQ(nn::column_block_count(256, 4, std::int64_t{1} << 30), 1);
  EXPECT_EQ(nn::column_block_count(256, 4, 1000), 4);
}

TEST(StepPlan, GradientBlocksCoverTheBatchInFixedBlocks) {
  for (std::int64_t m = 1; m <= 300; ++m) {
    const std::int64_t count = nn::gradient_block_count(m);
    ASSERT_EQ(count, (m + 63) / 64) << "m " << m;
    std::int64_t next = 0;
    for (std::int64_t b = 0; b < count; ++b) {
      const ColumnBlock block = nn::gradient_block(m, b);
      ASSERT_EQ(block.begin, next) << "m " << m << ", block " << b;
      ASSERT_EQ(block.columns(), b + 1 < count ? nn::kGradientBlockColumns : m - next) << "m " << m << ", block " << b;
      EXPECT_TRUE(nn::on_gradient_blocks(m, block));
      next = block.end;
    }
    EXPECT_EQ(next, m);
  }
  EXPECT_TRUE(nn::on_gradient_blocks(256, {64, 192}));
  EXPECT_TRUE(nn::on_gradient_blocks(100, {64, 100}));
  EXPECT_FALSE(nn::on_gradient_blocks(256, {0, 100}));
  EXPECT_FALSE(nn::on_gradient_blocks(256, {32, 64}));
}

TEST(StepPlan, SmallStepsUseFewerThreads) {
  EXPECT_EQ(nn::threads_for_step(1e6, 8), 1);  // 30-64-64-1 at m = 32
  EXPECT_EQ(nn::threads_for_step(32e6, 2), 2);
  EXPECT_EQ(nn::threads_for_step(1e12, 16), 16);
  EXPECT_GE(nn::threads_for_step(0, 4), 1);
}

TEST(StepPlan, WeightPanelsCoverEveryLayerOnce) {
  const std::vector<std::int64_t> units{256, 1024, 10, 1, 3000}, fan_in{784, 1024, 128, 5, 7};
  const std::vector<WeightPanel> panels = nn::weight_panels(units, fan_in);
  std::size_t layer = 0;
  std::int64_t next = 0;
  for (const WeightPanel& p : panels) {
    if (p.layer != layer) {
      ASSERT_EQ(next, fan_in[layer]) << "layer " << layer;
      ASSERT_EQ(p.layer, layer + 1);
      layer = p.layer;
      next = 0;
    }
    ASSERT_EQ(p.begin, next);
    ASSERT_GT(p.end, p.begin);
    if (p.end < fan_in[layer]) {  // every panel but a layer's last is whole
      EXPECT_EQ((p.end - p.begin) % nn::kPanelAlign, 0) << "layer " << layer;
      EXPECT_LE((p.end - p.begin) * units[layer], std::max(nn::kPanelFloats, nn::kPanelAlign * units[layer]));
    }
    next = p.end;
  }
  EXPECT_EQ(layer, units.size() - 1);
  EXPECT_EQ(next, fan_in.back());
}

}  // namespace
}  // namespace nnk::test
