// AVX-512 GEMM kernels: 32 x 12 tile (2 zmm rows x 12 columns = 24 accumulators, of 32 zmm registers),
// and 16 x 12 for short tiles. Compiled with -mavx512f/cd/dq/bw/vl -mfma.
//
// Why 32 x 12: each step issues 24 FMAs against 2 loads of A and 12 broadcasts of B (embedded in the FMAs as
// {1to16} memory operands), enough independent FMAs to cover a 4-cycle latency on 2 pipes three times over.
#include <immintrin.h>

#include "gemm/cache_blocking.hpp"
#include "gemm/epilogue_tile.hpp"
#include "gemm/gemm_kernels.hpp"
#include "gemm/microkernel_template.hpp"
#include "gemm/packing.hpp"
#include "simd/simd.hpp"

namespace nnk::gemm {
namespace {

// 16 x 16 transpose in registers: 32-bit interleave, 64-bit interleave, then two rounds of 128-bit lane shuffles.
struct Zmm16Transposer {
  static constexpr std::int64_t kBlock = 16;
  static void transpose(const float* src, std::int64_t lds, std::int64_t vectors, std::int64_t steps, float* dst,
                        std::int64_t ldd, std::int64_t width) {
    const __mmask16 step_mask = static_cast<__mmask16>((1u << steps) - 1u);
    __m512 r[16], t[16];
#pragma GCC unroll 16
    for (int q = 0; q < 16; ++q) r[q] = q < vectors ? _mm512_maskz_loadu_ps(step_mask, src + q * lds) : _mm512_setzero_ps();
#pragma GCC unroll 8
    for (int q = 0; q < 16; q += 2) {
      t[q] = _mm512_unpacklo_ps(r[q], r[q + 1]);
      t[q + 1] = _mm512_unpackhi_ps(r[q], r[q + 1]);
    }
#pragma GCC unroll 4
    for (int q = 0; q < 16; q += 4) {
      r[q] = _mm512_shuffle_ps(t[q], t[q + 2], _MM_SHUFFLE(1, 0, 1, 0));
      r[q + 1] = _mm512_shuffle_ps(t[q], t[q + 2], _MM_SHUFFLE(3, 2, 3, 2));
      r[q + 2] = _mm512_shuffle_ps(t[q + 1], t[q + 3], _MM_SHUFFLE(1, 0, 1, 0));
      r[q + 3] = _mm512_shuffle_ps(t[q + 1], t[q + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
#pragma GCC unroll 4
    for (int q = 0; q < 4; ++q) {
      t[q] = _mm512_shuffle_f32x4(r[q], r[q + 4], 0x88);
      t[q + 4] = _mm512_shuffle_f32x4(r[q], r[q + 4], 0xDD);
      t[q + 8] = _mm512_shuffle_f32x4(r[q + 8], r[q + 12], 0x88);
      t[q + 12] = _mm512_shuffle_f32x4(r[q + 8], r[q + 12], 0xDD);
    }
#pragma GCC unroll 8
    for (int q = 0; q < 8; ++q) {
      r[q] = _mm512_shuffle_f32x4(t[q], t[q + 8], 0x88);
      r[q + 8] = _mm512_shuffle_f32x4(t[q], t[q + 8], 0xDD);
    }
    const __mmask16 width_mask = static_cast<__mmask16>((1u << width) - 1u);
    for (std::int64_t s = 0; s < steps; ++s) _mm512_mask_storeu_ps(dst + s * ldd, width_mask, r[s]);
  }
};

constexpr std::int64_t kMR = 32;
constexpr std::int64_t kNR = 12;
constexpr std::int64_t kKC = 512;

}  // namespace

const GemmKernelSet& gemm_kernel_set_avx512() {
  // kc: long enough that the C tile's load and store are a small part of each call's FMAs; the kc x 12 B panel
  // (24 KiB) stays in a 32-48 KiB L1d while the A panel streams from L2, where the L2 prefetcher keeps up.
  // mc: the packed mc x kc block of A fills half of L2 (mc = 256 on a 1 MiB L2, 512 on 2 MiB). nc: kc x nc of B in
  // a quarter of the last-level cache (cache_blocking.hpp).
  static const GemmKernelSet set{
      .isa = Isa::Avx512,
      .mr = kMR,
      .nr = kNR,
      .kc = kKC,
      .mc = mc_for_l2(kMR, kKC, 0.5),
      .nc = nc_for_last_level_cache(kNR, kKC),
      .grid = MicroKernelTable<simd::Avx512, kNR, 3>::make(),
      .pack_a = &pack_a_panels<kMR, Zmm16Transposer>,
      .pack_b = &pack_b_panels<kNR, Zmm16Transposer>,
      .select_epilogue = &select_epilogue<simd::Avx512, kNR>,
  };
  return set;
}

}  // namespace nnk::gemm
