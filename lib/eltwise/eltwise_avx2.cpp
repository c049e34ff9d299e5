// AVX2 + FMA elementwise kernels: 8 float lanes (xsimd::batch<float, fma3<avx2>>), vmaskmov loads and stores for the
// last vector of a column, 32-byte non-temporal stores for large outputs. Compiled with -mavx2 -mfma.
#include <immintrin.h>

#include <cstdint>

#include "eltwise/eltwise_kernels.hpp"
#include "eltwise/kernel_bodies.hpp"

namespace nnk::eltwise {
namespace {

struct Avx2Vectors {
  using Floats = xsimd::batch<float, xsimd::fma3<xsimd::avx2>>;
  using Doubles = xsimd::batch<double, xsimd::fma3<xsimd::avx2>>;
  // All ones in the first n 32-bit lanes (vmaskmov reads the sign bit).
  static __m256i first_lanes(std::int64_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static Floats load_first(const float* p, std::int64_t n) { return _mm256_maskload_ps(p, first_lanes(n)); }
  static void store_first(float* p, std::int64_t n, Floats v) { _mm256_maskstore_ps(p, first_lanes(n), v); }
  static Doubles widen_low(Floats v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
  static Doubles widen_high(Floats v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }
  // p 32-byte aligned.
  static void stream(float* p, Floats v) { _mm256_stream_ps(p, v); }
  static void fence() { _mm_sfence(); }
  // Lanes [lead, 8) of a followed by lanes [0, lead) of b, 0 < lead < 8: both rotated by lead, then blended.
  struct Shift {
    __m256i index;     // (j + lead) mod 8
    __m256 take_b;     // lanes j with j + lead >= 8
    explicit Shift(std::int64_t lead) {
      const __m256i lanes = _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                             _mm256_set1_epi32(static_cast<int>(lead)));
      index = _mm256_and_si256(lanes, _mm256_set1_epi32(7));
      take_b = _mm256_castsi256_ps(_mm256_cmpgt_epi32(lanes, _mm256_set1_epi32(7)));
    }
    Floats operator()(Floats a, Floats b) const {
      return _mm256_blendv_ps(_mm256_permutevar8x32_ps(a, index), _mm256_permutevar8x32_ps(b, index), take_b);
    }
  };
};

constexpr EltwiseKernelSet kAvx2Kernels = make_kernel_set<Avx2Vectors>(Isa::Avx2);

}  // namespace

const EltwiseKernelSet& eltwise_kernel_set_avx2() { return kAvx2Kernels; }

}  // namespace nnk::eltwise
