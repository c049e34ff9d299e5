// GemmEpilogue applied tile by tile through the driver's TileEpilogue hook (internal).
#pragma once

#include <cstdint>

#include "gemm/gemm_driver.hpp"
#include "nnk/gemm.hpp"

namespace nnk::gemm {

// Runs the GEMM with the epilogue fused (arguments already validated).
void run_gemm_with_epilogue(const GemmArgs& args, const GemmEpilogue& epilogue);

// Columns of one epilogue tile on the active ISA (the micro-kernel's NR): row sums are formed per tile of this many
// columns and the tiles' sums are added in column order.
std::int64_t row_sum_tile_columns();

// As run_gemm_with_epilogue, but epilogue.row_sums is ignored: column tile t of this GEMM (columns [t * NR,
// (t + 1) * NR)) writes its unscaled row sums to tile_row_sums + (first_tile + t) * args.m. A caller that runs the
// column blocks of one product as separate GEMMs (blocks starting on multiples of NR) and then adds the tiles in
// order gets the bits run_gemm_with_epilogue gives for the whole product.
void run_gemm_with_tile_row_sums(const GemmArgs& args, const GemmEpilogue& epilogue, float* tile_row_sums,
                                 std::int64_t first_tile);

// row_sums[i] = scale * sum over tiles t in order of tile_row_sums[t * rows + i].
void add_tile_row_sums(const float* tile_row_sums, std::int64_t tiles, std::int64_t rows, float scale,
                       float* row_sums);

}  // namespace nnk::gemm
