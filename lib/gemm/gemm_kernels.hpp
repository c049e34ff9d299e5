// The per-ISA GEMM kernel set: micro-kernels, packing routines and the block sizes that go with them (internal).
//
// Micro-kernel contract (every ISA):
//   Computes the MR x NR tile  C <- alpha * A_panel * B_panel + beta * C  over kc steps, and stores only the
//   m_rem x n_rem top-left part of it (1 <= m_rem <= MR, 1 <= n_rem <= NR).
//   - a: op(A) rows of the tile, rows contiguous; step p starts at a + p * a_stride. Packed panels have
//     a_stride == MR and are zero-padded to MR rows; an unpacked column-major A has a_stride == lda and may end
//     right after row m_rem - 1: the kernel never reads rows >= m_rem of an unpacked A (masked loads).
//   - b: op(B) columns of the tile. Packed (b_packed): a micro-panel of NR floats per step, zero-padded columns.
//     Unpacked: element (p, j) at b[p * b_step_stride + j * b_col_stride]; columns >= n_rem are never read.
//   - beta == 0: C is written, never read (it may hold NaN). Otherwise C is read and written.
//   - kc may be 0 (then C <- beta * C, or 0 when beta == 0).
//   - No allocation, no exceptions, no thread synchronization.
#pragma once

#include <cstdint>

#include "nnk/cpu.hpp"
#include "nnk/gemm.hpp"
#include "nnk/types.hpp"

namespace nnk::gemm {

// One call of a micro-kernel.
struct MicroTile {
  std::int64_t kc = 0;
  const float* a = nullptr;
  std::int64_t a_stride = 0;
  const float* b = nullptr;
  bool b_packed = true;
  std::int64_t b_step_stride = 0;  // unpacked B only
  std::int64_t b_col_stride = 0;   // unpacked B only
  float* c = nullptr;
  std::int64_t ldc = 0;
  std::int64_t m_rem = 0;
  std::int64_t n_rem = 0;
  float alpha = 1;
  float beta = 0;
};

using MicroKernel = void (*)(const MicroTile& tile);

// Packs op(A)[row0 : row0+rows, p0 : p0+kc] into ceil(rows/MR) panels of MR x kc, each stored step-major
// (MR floats per step), rows past the end zero-filled. op(A) = A or A^T, A column-major with leading dimension lda.
using PackA = void (*)(Trans trans_a, const float* a, std::int64_t lda, std::int64_t row0, std::int64_t rows,
                       std::int64_t p0, std::int64_t kc, float* dst);

// Packs op(B)[p0 : p0+kc, col0 : col0+cols] into ceil(cols/NR) panels of kc x NR, each step-major (NR floats per
// step), columns past the end zero-filled.
using PackB = void (*)(Trans trans_b, const float* b, std::int64_t ldb, std::int64_t p0, std::int64_t kc,
                       std::int64_t col0, std::int64_t cols, float* dst);

// Micro-kernels by tile shape: kernels[v][s] covers tiles of up to (v + 1) * mr / 2 rows and
// (s + 1) * nr / column_steps columns, so that short and narrow edge tiles compute no more than they store.
inline constexpr int kMaxColumnSteps = 4;
struct KernelGrid {
  int column_steps = 1;
  MicroKernel kernels[2][kMaxColumnSteps] = {};
};

// One tile handed to the epilogue: rows [row0, row0 + rows) x columns [col0, col0 + cols) of C, c at its first
// element; partial_row_sums (when the epilogue sums rows) is this tile's slot for rows row0.., written, not added to.
struct EpilogueTile {
  const GemmEpilogue* spec = nullptr;
  float* c = nullptr;
  std::int64_t ldc = 0;
  std::int64_t row0 = 0, col0 = 0, rows = 0, cols = 0;
  float* partial_row_sums = nullptr;
};
using EpilogueKernel = void (*)(const EpilogueTile& tile);
// The tile kernel specialized for one epilogue's activation and derivative, chosen once per GEMM.
using EpilogueSelector = EpilogueKernel (*)(const GemmEpilogue& epilogue);

struct GemmKernelSet {
  Isa isa;
  std::int64_t mr;  // rows of the micro-tile (a multiple of the vector width)
  std::int64_t nr;  // columns of the micro-tile
  // Cache blocking: kc x nr of B stays in L1 while the A panels stream through (kc a per-ISA constant: it fixes the
  // bits), mc x kc of packed A stays in L2 and kc x nc of packed B in L3, both from the sizes the OS reports
  // (cache_blocking.hpp).
  std::int64_t kc;
  std::int64_t mc;  // multiple of mr
  std::int64_t nc;  // multiple of nr
  KernelGrid grid;
  PackA pack_a;
  PackB pack_b;
  EpilogueSelector select_epilogue;
};

const GemmKernelSet& gemm_kernel_set(Isa isa);

// The kernel for a tile of m_rem x n_rem (1 <= m_rem <= mr, 1 <= n_rem <= nr).
inline MicroKernel select_kernel(const GemmKernelSet& ks, std::int64_t m_rem, std::int64_t n_rem) {
  const int v = m_rem <= ks.mr / 2 ? 0 : 1;
  const std::int64_t step = ks.nr / ks.grid.column_steps;
  return ks.grid.kernels[v][(n_rem + step - 1) / step - 1];
}

// Defined in the per-ISA translation units.
const GemmKernelSet& gemm_kernel_set_avx512();
const GemmKernelSet& gemm_kernel_set_avx2();
const GemmKernelSet& gemm_kernel_set_generic();

}  // namespace nnk::gemm
