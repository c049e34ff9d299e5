// AVX2 + FMA: 8 float lanes; compares give all-ones lanes, partial vectors use vmaskmov (which reads each lane's
// sign bit). Included by simd.hpp in translation units compiled with -mavx2 -mfma.
#pragma once

#include <immintrin.h>

#include <cstdint>

#include <xsimd/xsimd.hpp>

namespace nnk::simd {
namespace {

struct Avx2 {
  using Arch = xsimd::fma3<xsimd::avx2>;
  using Floats = xsimd::batch<float, Arch>;
  using Ints = xsimd::batch<std::int32_t, Arch>;
  using Doubles = xsimd::batch<double, Arch>;
  using Mask = __m256;
  using LaneMask = __m256i;
  static constexpr int kLanes = 8;
  static constexpr bool kHasFma = true;

  static Floats zero() { return _mm256_setzero_ps(); }
  static Floats broadcast(float x) { return _mm256_set1_ps(x); }
  static Floats load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, Floats v) { _mm256_storeu_ps(p, v); }
  static LaneMask first_lanes(std::int64_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static Floats load_first(const float* p, LaneMask m) { return _mm256_maskload_ps(p, m); }
  static void store_first(float* p, LaneMask m, Floats v) { _mm256_maskstore_ps(p, m, v); }
  static void stream(float* p, Floats v) { _mm256_stream_ps(p, v); }
  static void fence() { _mm_sfence(); }
  static float first_lane(Floats v) { return _mm256_cvtss_f32(v); }

  static Floats mul(Floats a, Floats b) { return _mm256_mul_ps(a, b); }
  static Floats mul_add(Floats a, Floats b, Floats c) { return _mm256_fmadd_ps(a, b, c); }
  static Floats neg_mul_add(Floats a, Floats b, Floats c) { return _mm256_fnmadd_ps(a, b, c); }
  static Floats neg_mul_sub(Floats a, Floats b, Floats c) { return _mm256_fnmsub_ps(a, b, c); }
  static Floats sqrt(Floats a) { return _mm256_sqrt_ps(a); }
  static Floats max(Floats a, Floats b) { return _mm256_max_ps(a, b); }
  static Floats min(Floats a, Floats b) { return _mm256_min_ps(a, b); }
  static Floats abs(Floats a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
  static Floats negate(Floats a) { return _mm256_xor_ps(a, _mm256_set1_ps(-0.0f)); }
  static Floats bit_or(Floats a, Floats b) { return _mm256_or_ps(a, b); }

  static Mask less(Floats a, Floats b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static Mask less_equal(Floats a, Floats b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
  static Mask greater(Floats a, Floats b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
  static Mask equal(Floats a, Floats b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
  static Mask is_nan(Floats a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
  static Mask either(Mask a, Mask b) { return _mm256_or_ps(a, b); }
  static Floats select(Mask m, Floats if_true, Floats if_false) { return _mm256_blendv_ps(if_false, if_true, m); }
  // One and-not: g++ turns a blend with zero into a sign-bit compare plus an and-not.
  static Floats zero_where(Mask m, Floats x) { return _mm256_andnot_ps(m, x); }
  // The blend reads the sign bits directly.
  static Floats select_negative(Floats x, Floats if_negative, Floats otherwise) {
    return _mm256_blendv_ps(otherwise, if_negative, x);
  }

  static Ints to_int(Floats a) { return _mm256_cvttps_epi32(a); }
  static Floats to_float(Ints a) { return _mm256_cvtepi32_ps(a); }
  static Ints as_ints(Floats a) { return _mm256_castps_si256(a); }
  static Floats as_floats(Ints a) { return _mm256_castsi256_ps(a); }
  template <int kBits>
  static Ints shift_left(Ints a) { return _mm256_slli_epi32(a, kBits); }
  template <int kBits>
  static Ints shift_right(Ints a) { return _mm256_srai_epi32(a, kBits); }
  static Ints bit_and(Ints a, Ints b) { return _mm256_and_si256(a, b); }
  static Ints add(Ints a, Ints b) { return _mm256_add_epi32(a, b); }
  static Ints sub(Ints a, Ints b) { return _mm256_sub_epi32(a, b); }
  static Ints max_int(Ints a, Ints b) { return _mm256_max_epi32(a, b); }
  static Ints min_int(Ints a, Ints b) { return _mm256_min_epi32(a, b); }
  static std::int32_t max_lane(Ints a) {
    return fold_halves(_mm_max_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1)), _mm_max_epi32);
  }
  static std::int32_t min_lane(Ints a) {
    return fold_halves(_mm_min_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1)), _mm_min_epi32);
  }
  template <class Combine>
  static std::int32_t fold_halves(__m128i m, Combine combine) {
    m = combine(m, _mm_shuffle_epi32(m, _MM_SHUFFLE(1, 0, 3, 2)));
    return _mm_cvtsi128_si32(combine(m, _mm_shuffle_epi32(m, _MM_SHUFFLE(2, 3, 0, 1))));
  }

  static Doubles widen_low(Floats v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
  static Doubles widen_high(Floats v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }
  // Both rotated by lead, then blended.
  struct Shift {
    __m256i index;  // (j + lead) mod 8
    __m256 take_b;  // lanes j with j + lead >= 8
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

template <>
struct OpsFor<Avx2::Arch> {
  using type = Avx2;
};

}  // namespace
}  // namespace nnk::simd
