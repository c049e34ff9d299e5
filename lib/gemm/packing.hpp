// Packing of A and B into micro-panels, written once and compiled into each ISA's translation unit
// (included only there; internal linkage so that no ISA's copy can stand in for another's).
//
// A panel (MR x kc): step p holds op(A)[r, p] for the MR rows r of the panel, contiguous.
// B panel (kc x NR): step p holds op(B)[p, c] for the NR columns c of the panel, contiguous.
// Rows/columns past the end of the matrix are zero, so the micro-kernel can always compute full tiles.
//
// Two cases copy runs that are contiguous in memory (A as stored, B transposed). The other two turn columns of
// the source into rows of the panel: a transpose, done in square blocks by the ISA's Transposer:
//   Transposer::kBlock                      the block edge (16 for AVX-512)
//   Transposer::transpose(src, lds, vectors, steps, dst, ldd, width)
//     reads `vectors` (<= kBlock) source runs src + q*lds, each `steps` (<= kBlock) floats long, and writes for each
//     step t < steps the `width` floats dst[t*ldd + q] = src[q*lds + t], q < width (zero for q >= vectors).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "nnk/types.hpp"

namespace nnk::gemm {
namespace {

// The portable transposer: plain loops, for ISAs without a vector one.
struct ScalarTransposer {
  static constexpr std::int64_t kBlock = 8;
  static void transpose(const float* src, std::int64_t lds, std::int64_t vectors, std::int64_t steps, float* dst,
                        std::int64_t ldd, std::int64_t width) {
    for (std::int64_t t = 0; t < steps; ++t)
      for (std::int64_t q = 0; q < width; ++q) dst[t * ldd + q] = q < vectors ? src[q * lds + t] : 0.0f;
  }
};

// Copies `count` <= W floats and zero-fills the panel up to W. A full run is a copy of constant size, which the
// compiler turns into a few vector moves instead of a call to memcpy per 48-128 bytes.
template <std::int64_t W>
inline void copy_run(const float* src, std::int64_t count, float* dst) {
  if (count == W) {
    std::memcpy(dst, src, W * sizeof(float));
    return;
  }
  std::copy_n(src, count, dst);
  std::fill(dst + count, dst + W, 0.0f);
}

template <std::int64_t MR, typename Transposer>
void pack_a_panels(Trans trans_a, const float* a, std::int64_t lda, std::int64_t row0, std::int64_t rows,
                   std::int64_t p0, std::int64_t kc, float* dst) {
  const std::int64_t panels = (rows + MR - 1) / MR;
  if (trans_a == Trans::No) {
    // Step-major over the source: each column of A is read once, front to back, into every panel.
    for (std::int64_t p = 0; p < kc; ++p) {
      const float* src = a + row0 + (p0 + p) * lda;
      for (std::int64_t panel = 0; panel < panels; ++panel) {
        const std::int64_t i0 = panel * MR;
        copy_run<MR>(src + i0, std::min(MR, rows - i0), dst + panel * MR * kc + p * MR);
      }
    }
    return;
  }
  // op(A)[r, p] = A[p, r]: row r of a panel is a contiguous run of column r of A.
  constexpr std::int64_t kB = Transposer::kBlock;
  static_assert(MR % kB == 0);
  for (std::int64_t panel = 0; panel < panels; ++panel) {
    float* out = dst + panel * MR * kc;
    for (std::int64_t ib = 0; ib < MR; ib += kB) {
      const std::int64_t r = panel * MR + ib;
      const std::int64_t vectors = std::clamp<std::int64_t>(rows - r, 0, kB);
      for (std::int64_t pb = 0; pb < kc; pb += kB)
        Transposer::transpose(a + p0 + pb + (row0 + r) * lda, lda, vectors, std::min(kB, kc - pb), out + pb * MR + ib,
                              MR, kB);
    }
  }
}

template <std::int64_t NR, typename Transposer>
void pack_b_panels(Trans trans_b, const float* b, std::int64_t ldb, std::int64_t p0, std::int64_t kc,
                   std::int64_t col0, std::int64_t cols, float* dst) {
  const std::int64_t panels = (cols + NR - 1) / NR;
  if (trans_b == Trans::Yes) {
    // op(B)[p, c] = B[c, p]: the NR values of a step are contiguous in column p of B.
    for (std::int64_t p = 0; p < kc; ++p) {
      const float* src = b + col0 + (p0 + p) * ldb;
      for (std::int64_t panel = 0; panel < panels; ++panel) {
        const std::int64_t j0 = panel * NR;
        copy_run<NR>(src + j0, std::min(NR, cols - j0), dst + panel * NR * kc + p * NR);
      }
    }
    return;
  }
  // op(B)[p, c] = B[p, c]: column c of a panel is a contiguous run of column c of B.
  constexpr std::int64_t kB = Transposer::kBlock;
  for (std::int64_t panel = 0; panel < panels; ++panel) {
    float* out = dst + panel * NR * kc;
    for (std::int64_t jb = 0; jb < NR; jb += kB) {
      const std::int64_t c = panel * NR + jb;
      const std::int64_t vectors = std::clamp<std::int64_t>(cols - c, 0, kB);
      const std::int64_t width = std::min(kB, NR - jb);
      for (std::int64_t pb = 0; pb < kc; pb += kB)
        Transposer::transpose(b + p0 + pb + (col0 + c) * ldb, ldb, std::min(vectors, width), std::min(kB, kc - pb),
                              out + pb * NR + jb, NR, width);
    }
  }
}

}  // namespace
}  // namespace nnk::gemm
