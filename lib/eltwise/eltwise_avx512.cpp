// AVX-512 elementwise kernels: 16 float lanes (xsimd::batch<float, avx512bw>), masked loads and stores for the last
// vector of a column, 64-byte non-temporal stores for large outputs. Compiled with -mavx512f/cd/dq/bw/vl -mfma.
#include <immintrin.h>

#include <cstdint>

#include "eltwise/eltwise_kernels.hpp"
#include "eltwise/kernel_bodies.hpp"

namespace nnk::eltwise {
namespace {

struct Avx512Vectors {
  using Floats = xsimd::batch<float, xsimd::avx512bw>;
  using Doubles = xsimd::batch<double, xsimd::avx512bw>;
  static __mmask16 first_lanes(std::int64_t n) { return static_cast<__mmask16>((1u << n) - 1u); }
  static Floats load_first(const float* p, std::int64_t n) { return _mm512_maskz_loadu_ps(first_lanes(n), p); }
  static void store_first(float* p, std::int64_t n, Floats v) { _mm512_mask_storeu_ps(p, first_lanes(n), v); }
  static Doubles widen_low(Floats v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
  static Doubles widen_high(Floats v) { return _mm512_cvtps_pd(_mm512_extractf32x8_ps(v, 1)); }
  // p 64-byte aligned.
  static void stream(float* p, Floats v) { _mm512_stream_ps(p, v); }
  static void fence() { _mm_sfence(); }
  // Lanes [lead, 16) of a followed by lanes [0, lead) of b, 0 < lead < 16: one two-source permute.
  struct Shift {
    __m512i index;
    explicit Shift(std::int64_t lead)
        : index(_mm512_add_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                 _mm512_set1_epi32(static_cast<int>(lead)))) {}
    Floats operator()(Floats a, Floats b) const { return _mm512_permutex2var_ps(a, index, b); }
  };
};

constexpr EltwiseKernelSet kAvx512Kernels = make_kernel_set<Avx512Vectors>(Isa::Avx512);

}  // namespace

const EltwiseKernelSet& eltwise_kernel_set_avx512() { return kAvx512Kernels; }

}  // namespace nnk::eltwise
