// The GEMM driver: cache blocking, packing and threads around the per-ISA micro-kernels (internal).
#pragma once

#include <cstdint>

#include "nnk/types.hpp"

namespace nnk::gemm {

// C <- alpha * op(A) * op(B) + beta * C, arguments already validated by the front end.
struct GemmArgs {
  Trans trans_a = Trans::No;
  Trans trans_b = Trans::No;
  std::int64_t m = 0, n = 0, k = 0;
  float alpha = 1;
  const float* a = nullptr;
  std::int64_t lda = 1;
  const float* b = nullptr;
  std::int64_t ldb = 1;
  float beta = 0;
  float* c = nullptr;
  std::int64_t ldc = 1;
};

// Runs once on each finished tile of C (rows [row0, row0 + rows) x columns [col0, col0 + cols) of the whole C,
// c pointing at its first element), right after the tile's last update, while it is still in L1.
// Tiles are disjoint and cover C; they may run concurrently on different threads. The tiling depends on the ISA
// only, never on the thread count: an epilogue that keeps per-tile partial results (keyed by col0, say) and
// combines them in a fixed order afterwards stays bitwise deterministic.
struct TileEpilogue {
  void (*apply)(void* context, float* c, std::int64_t ldc, std::int64_t row0, std::int64_t col0, std::int64_t rows,
                std::int64_t cols) = nullptr;
  void* context = nullptr;
  // Optional: called with the same tile before its last micro-kernel call, so that the epilogue can prefetch what it
  // will read from memory (another matrix's tile) while the FMAs run.
  void (*prefetch)(void* context, std::int64_t row0, std::int64_t col0, std::int64_t rows, std::int64_t cols) = nullptr;
};

// Runs the GEMM on the active ISA with nnk::num_threads() threads; epilogue may be null. Requires m, n >= 1.
void run_gemm(const GemmArgs& args, const TileEpilogue* epilogue);

}  // namespace nnk::gemm
