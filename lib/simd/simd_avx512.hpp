// AVX-512 (F, CD, DQ, BW, VL): 16 float lanes, mask registers for compares and for partial vectors. Included by
// simd.hpp in translation units compiled with the avx512 flags.
#pragma once

#include <immintrin.h>

#include <cstdint>

#include <xsimd/xsimd.hpp>

namespace nnk::simd {
namespace {

struct Avx512 {
  using Arch = xsimd::avx512bw;
  using Floats = xsimd::batch<float, Arch>;
  using Ints = xsimd::batch<std::int32_t, Arch>;
  using Doubles = xsimd::batch<double, Arch>;
  using Mask = __mmask16;
  using LaneMask = __mmask16;
  static constexpr int kLanes = 16;
  static constexpr bool kHasFma = true;

  static Floats zero() { return _mm512_setzero_ps(); }
  static Floats broadcast(float x) { return _mm512_set1_ps(x); }
  static Floats load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, Floats v) { _mm512_storeu_ps(p, v); }
  static LaneMask first_lanes(std::int64_t n) { return static_cast<LaneMask>((1u << n) - 1u); }
  static Floats load_first(const float* p, LaneMask m) { return _mm512_maskz_loadu_ps(m, p); }
  static void store_first(float* p, LaneMask m, Floats v) { _mm512_mask_storeu_ps(p, m, v); }
  static void stream(float* p, Floats v) { _mm512_stream_ps(p, v); }
  static void fence() { _mm_sfence(); }
  static float first_lane(Floats v) { return _mm512_cvtss_f32(v); }

  static Floats mul(Floats a, Floats b) { return _mm512_mul_ps(a, b); }
  static Floats mul_add(Floats a, Floats b, Floats c) { return _mm512_fmadd_ps(a, b, c); }
  static Floats neg_mul_add(Floats a, Floats b, Floats c) { return _mm512_fnmadd_ps(a, b, c); }
  static Floats neg_mul_sub(Floats a, Floats b, Floats c) { return _mm512_fnmsub_ps(a, b, c); }
  static Floats sqrt(Floats a) { return _mm512_sqrt_ps(a); }
  static Floats max(Floats a, Floats b) { return _mm512_max_ps(a, b); }
  static Floats min(Floats a, Floats b) { return _mm512_min_ps(a, b); }
  static Floats abs(Floats a) { return _mm512_abs_ps(a); }
  static Floats negate(Floats a) { return _mm512_xor_ps(a, _mm512_set1_ps(-0.0f)); }
  static Floats bit_or(Floats a, Floats b) { return _mm512_or_ps(a, b); }

  static Mask less(Floats a, Floats b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static Mask less_equal(Floats a, Floats b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
  static Mask greater(Floats a, Floats b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
  static Mask equal(Floats a, Floats b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
  static Mask is_nan(Floats a) { return _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q); }
  static Mask either(Mask a, Mask b) { return static_cast<Mask>(a | b); }
  static Floats select(Mask m, Floats if_true, Floats if_false) { return _mm512_mask_blend_ps(m, if_false, if_true); }
  static Floats zero_where(Mask m, Floats x) { return _mm512_maskz_mov_ps(static_cast<Mask>(~m), x); }
  static Floats select_negative(Floats x, Floats if_negative, Floats otherwise) {
    return _mm512_mask_blend_ps(_mm512_movepi32_mask(_mm512_castps_si512(x)), otherwise, if_negative);
  }

  static Ints to_int(Floats a) { return _mm512_cvttps_epi32(a); }
  static Floats to_float(Ints a) { return _mm512_cvtepi32_ps(a); }
  static Ints as_ints(Floats a) { return _mm512_castps_si512(a); }
  static Floats as_floats(Ints a) { return _mm512_castsi512_ps(a); }
  template <int kBits>
  static Ints shift_left(Ints a) { return _mm512_slli_epi32(a, kBits); }
  template <int kBits>
  static Ints shift_right(Ints a) { return _mm512_srai_epi32(a, kBits); }
  static Ints bit_and(Ints a, Ints b) { return _mm512_and_si512(a, b); }
  static Ints add(Ints a, Ints b) { return _mm512_add_epi32(a, b); }
  static Ints sub(Ints a, Ints b) { return _mm512_sub_epi32(a, b); }
  static Ints max_int(Ints a, Ints b) { return _mm512_max_epi32(a, b); }
  static Ints min_int(Ints a, Ints b) { return _mm512_min_epi32(a, b); }
  static std::int32_t max_lane(Ints a) { return _mm512_reduce_max_epi32(a); }
  static std::int32_t min_lane(Ints a) { return _mm512_reduce_min_epi32(a); }

  static Doubles widen_low(Floats v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
  static Doubles widen_high(Floats v) { return _mm512_cvtps_pd(_mm512_extractf32x8_ps(v, 1)); }
  // One two-source permute.
  struct Shift {
    __m512i index;
    explicit Shift(std::int64_t lead)
        : index(_mm512_add_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                 _mm512_set1_epi32(static_cast<int>(lead)))) {}
    Floats operator()(Floats a, Floats b) const { return _mm512_permutex2var_ps(a, index, b); }
  };
};

template <>
struct OpsFor<Avx512::Arch> {
  using type = Avx512;
};

}  // namespace
}  // namespace nnk::simd
