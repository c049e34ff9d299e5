// GemmEpilogue applied tile by tile through the driver's TileEpilogue hook (internal).
#pragma once

#include "gemm/gemm_driver.hpp"
#include "nnk/gemm.hpp"

namespace nnk::gemm {

// Runs the GEMM with the epilogue fused (arguments already validated).
void run_gemm_with_epilogue(const GemmArgs& args, const GemmEpilogue& epilogue);

}  // namespace nnk::gemm
