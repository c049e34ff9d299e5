// How a training step is cut for threads (internal to lib/nn): column blocks of the batch for the forward and
// backward passes, panels of the weight matrices for the weight gradients and updates.
//
// None of it changes a bit of the result, so the cut may follow the thread count: an example's forward and backward
// values do not depend on the block that holds it; every sum over the batch (each weight- and bias-gradient element,
// the cost) is a left fold over the batch's gradient blocks, fixed by the batch size alone; and the regularization
// terms are summed over panels fixed by the shapes alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nnk::nn {

// Columns [begin, end) of the batch.
struct ColumnBlock {
  std::int64_t begin = 0;
  std::int64_t end = 0;
  std::int64_t columns() const { return end - begin; }
};

// Gradient blocks: the batch's columns in blocks of kGradientBlockColumns (the last one shorter). Each sum over the
// batch is ((s0 + s1) + s2) + ..., s_b the sum over block b, so that the ranks of a data-parallel run, each holding
// whole blocks, reproduce one process's bits (nnk::mpi). The GEMM's K loop then stops at each block boundary: short
// enough that up to four ranks share a batch of 256, long enough that loading and storing C stays a small part.
inline constexpr std::int64_t kGradientBlockColumns = 64;
std::int64_t gradient_block_count(std::int64_t m);  // ceil(m / kGradientBlockColumns)
ColumnBlock gradient_block(std::int64_t m, std::int64_t index);
// Whether block lies on gradient-block boundaries of a batch of m columns.
bool on_gradient_blocks(std::int64_t m, ColumnBlock block);

// Columns [begin, end) of layer `layer`'s weight matrix (and of its gradient).
struct WeightPanel {
  std::size_t layer = 0;
  std::int64_t begin = 0;
  std::int64_t end = 0;
};

// Threads worth using on a step of `flops` multiply-add FLOPs when `threads` are configured: each thread must get
// enough arithmetic to pay for the step's two forks and joins (docs/performance.md, "Threads in a training step").
int threads_for_step(double flops, int threads);

// Blocks for `threads` threads over m columns: at most one per thread, even shares with boundaries on multiples of
// kBlockAlign columns (so that a block's last micro-kernel tile is not needlessly narrow).
// One block (each GEMM then splits across the threads itself) when the largest weight matrix, of
// largest_layer_floats floats, does not fit the L2 cache: every block's GEMMs read (and pack) all of it, which costs
// more than splitting each GEMM's rows or columns once.
inline constexpr std::int64_t kBlockAlign = 4;
std::int64_t column_block_count(std::int64_t m, int threads, std::int64_t largest_layer_floats);
ColumnBlock column_block(std::int64_t m, std::int64_t count, std::int64_t index);

// Panels of every layer's weights (units[l] x fan_in[l]): multiples of kPanelAlign columns holding about
// kPanelFloats gradient floats each, so that a panel's dW stays in L2 between its GEMM and its update (and few enough
// panels that the per-call costs of the GEMM and optimizer kernels stay small).
inline constexpr std::int64_t kPanelFloats = 32 * 1024;
inline constexpr std::int64_t kPanelAlign = 48;  // a whole number of micro-kernel tiles on every ISA (NR = 12, 6, 4)
std::vector<WeightPanel> weight_panels(const std::vector<std::int64_t>& units, const std::vector<std::int64_t>& fan_in);

}  // namespace nnk::nn
