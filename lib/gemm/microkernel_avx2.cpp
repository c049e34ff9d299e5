// AVX2 + FMA GEMM kernels: 16 x 6 tile (2 ymm rows x 6 columns = 12 accumulators, of 16 ymm registers),
// and 8 x 6 for short tiles. Compiled with -mavx2 -mfma.
#include <immintrin.h>

#include "gemm/cache_blocking.hpp"
#include "gemm/epilogue_tile.hpp"
#include "gemm/gemm_kernels.hpp"
#include "gemm/microkernel_template.hpp"
#include "gemm/packing.hpp"
#include "simd/simd.hpp"

namespace nnk::gemm {
namespace {

// 8 x 8 transpose in registers: 32-bit interleave, 64-bit interleave, then 128-bit halves.
struct Ymm8Transposer {
  static constexpr std::int64_t kBlock = 8;
  static void transpose(const float* src, std::int64_t lds, std::int64_t vectors, std::int64_t steps, float* dst,
                        std::int64_t ldd, std::int64_t width) {
    const __m256i step_mask = simd::Avx2::first_lanes(static_cast<int>(steps));
    __m256 r[8], t[8];
#pragma GCC unroll 8
    for (int q = 0; q < 8; ++q) r[q] = q < vectors ? _mm256_maskload_ps(src + q * lds, step_mask) : _mm256_setzero_ps();
#pragma GCC unroll 4
    for (int q = 0; q < 8; q += 2) {
      t[q] = _mm256_unpacklo_ps(r[q], r[q + 1]);
      t[q + 1] = _mm256_unpackhi_ps(r[q], r[q + 1]);
    }
#pragma GCC unroll 2
    for (int q = 0; q < 8; q += 4) {
      r[q] = _mm256_shuffle_ps(t[q], t[q + 2], _MM_SHUFFLE(1, 0, 1, 0));
      r[q + 1] = _mm256_shuffle_ps(t[q], t[q + 2], _MM_SHUFFLE(3, 2, 3, 2));
      r[q + 2] = _mm256_shuffle_ps(t[q + 1], t[q + 3], _MM_SHUFFLE(1, 0, 1, 0));
      r[q + 3] = _mm256_shuffle_ps(t[q + 1], t[q + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
#pragma GCC unroll 4
    for (int q = 0; q < 4; ++q) {
      t[q] = _mm256_permute2f128_ps(r[q], r[q + 4], 0x20);
      t[q + 4] = _mm256_permute2f128_ps(r[q], r[q + 4], 0x31);
    }
    const __m256i width_mask = simd::Avx2::first_lanes(static_cast<int>(width));
    for (std::int64_t s = 0; s < steps; ++s) _mm256_maskstore_ps(dst + s * ldd, width_mask, t[s]);
  }
};

constexpr std::int64_t kMR = 16;
constexpr std::int64_t kNR = 6;
constexpr std::int64_t kKC = 512;

}  // namespace

const GemmKernelSet& gemm_kernel_set_avx2() {
  // As for AVX-512 (see there): a 512 x 6 B panel is 12 KiB of L1d; mc x 512 of A takes 3/8 of L2 (mc = 192 on
  // a 1 MiB L2).
  static const GemmKernelSet set{
      .isa = Isa::Avx2,
      .mr = kMR,
      .nr = kNR,
      .kc = kKC,
      .mc = mc_for_l2(kMR, kKC, 0.375),
      .nc = nc_for_last_level_cache(kNR, kKC),
      .grid = MicroKernelTable<simd::Avx2, kNR, 3>::make(),
      .pack_a = &pack_a_panels<kMR, Ymm8Transposer>,
      .pack_b = &pack_b_panels<kNR, Ymm8Transposer>,
      .select_epilogue = &select_epilogue<simd::Avx2, kNR>,
  };
  return set;
}

}  // namespace nnk::gemm
