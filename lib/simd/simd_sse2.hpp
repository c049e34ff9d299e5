// SSE2 (baseline x86-64): 4 float lanes, no FMA (multiply, then add: two roundings), no masked loads or stores
// (a partial vector goes through a small buffer), no pmaxsd (SSE4.1).
#pragma once

#include <emmintrin.h>

#include <cstdint>

#include <xsimd/xsimd.hpp>

namespace nnk::simd {
namespace {

struct Sse2 {
  using Arch = xsimd::sse2;
  using Floats = xsimd::batch<float, Arch>;
  using Ints = xsimd::batch<std::int32_t, Arch>;
  using Doubles = xsimd::batch<double, Arch>;
  using Mask = __m128;
  using LaneMask = int;  // the number of lanes
  static constexpr int kLanes = 4;
  static constexpr bool kHasFma = false;

  static Floats zero() { return _mm_setzero_ps(); }
  static Floats broadcast(float x) { return _mm_set1_ps(x); }
  static Floats load(const float* p) { return _mm_loadu_ps(p); }
  static void store(float* p, Floats v) { _mm_storeu_ps(p, v); }
  static LaneMask first_lanes(std::int64_t n) { return static_cast<LaneMask>(n); }
  static Floats load_first(const float* p, LaneMask n) {
    if (n == kLanes) return _mm_loadu_ps(p);
    alignas(16) float lanes[kLanes] = {};
    for (int i = 0; i < n; ++i) lanes[i] = p[i];
    return _mm_load_ps(lanes);
  }
  static void store_first(float* p, LaneMask n, Floats v) {
    if (n == kLanes) return _mm_storeu_ps(p, v);
    alignas(16) float lanes[kLanes];
    _mm_store_ps(lanes, v);
    for (int i = 0; i < n; ++i) p[i] = lanes[i];
  }
  static void stream(float* p, Floats v) { _mm_stream_ps(p, v); }
  static void fence() { _mm_sfence(); }
  static float first_lane(Floats v) { return _mm_cvtss_f32(v); }

  static Floats mul(Floats a, Floats b) { return _mm_mul_ps(a, b); }
  static Floats mul_add(Floats a, Floats b, Floats c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
  static Floats neg_mul_add(Floats a, Floats b, Floats c) { return _mm_sub_ps(c, _mm_mul_ps(a, b)); }
  static Floats neg_mul_sub(Floats a, Floats b, Floats c) { return _mm_sub_ps(negate(_mm_mul_ps(a, b)), c); }
  static Floats sqrt(Floats a) { return _mm_sqrt_ps(a); }
  static Floats max(Floats a, Floats b) { return _mm_max_ps(a, b); }
  static Floats min(Floats a, Floats b) { return _mm_min_ps(a, b); }
  static Floats abs(Floats a) { return _mm_andnot_ps(_mm_set1_ps(-0.0f), a); }
  static Floats negate(Floats a) { return _mm_xor_ps(a, _mm_set1_ps(-0.0f)); }
  static Floats bit_or(Floats a, Floats b) { return _mm_or_ps(a, b); }

  static Mask less(Floats a, Floats b) { return _mm_cmplt_ps(a, b); }
  static Mask less_equal(Floats a, Floats b) { return _mm_cmple_ps(a, b); }
  static Mask greater(Floats a, Floats b) { return _mm_cmpgt_ps(a, b); }
  static Mask equal(Floats a, Floats b) { return _mm_cmpeq_ps(a, b); }
  static Mask is_nan(Floats a) { return _mm_cmpunord_ps(a, a); }
  static Mask either(Mask a, Mask b) { return _mm_or_ps(a, b); }
  static Floats select(Mask m, Floats if_true, Floats if_false) {
    return _mm_or_ps(_mm_and_ps(m, if_true), _mm_andnot_ps(m, if_false));
  }
  static Floats zero_where(Mask m, Floats x) { return _mm_andnot_ps(m, x); }
  static Floats select_negative(Floats x, Floats if_negative, Floats otherwise) {
    return select(_mm_castsi128_ps(_mm_srai_epi32(_mm_castps_si128(x), 31)), if_negative, otherwise);
  }

  static Ints to_int(Floats a) { return _mm_cvttps_epi32(a); }
  static Floats to_float(Ints a) { return _mm_cvtepi32_ps(a); }
  static Ints as_ints(Floats a) { return _mm_castps_si128(a); }
  static Floats as_floats(Ints a) { return _mm_castsi128_ps(a); }
  template <int kBits>
  static Ints shift_left(Ints a) { return _mm_slli_epi32(a, kBits); }
  template <int kBits>
  static Ints shift_right(Ints a) { return _mm_srai_epi32(a, kBits); }
  static Ints bit_and(Ints a, Ints b) { return _mm_and_si128(a, b); }
  static Ints add(Ints a, Ints b) { return _mm_add_epi32(a, b); }
  static Ints sub(Ints a, Ints b) { return _mm_sub_epi32(a, b); }
  static Ints max_int(Ints a, Ints b) { return pick(_mm_cmpgt_epi32(a, b), a, b); }
  static Ints min_int(Ints a, Ints b) { return pick(_mm_cmpgt_epi32(a, b), b, a); }
  static Ints pick(__m128i mask, Ints if_true, Ints if_false) {
    return _mm_or_si128(_mm_and_si128(mask, if_true), _mm_andnot_si128(mask, if_false));
  }
  static std::int32_t max_lane(Ints a) {
    a = max_int(a, Ints(_mm_shuffle_epi32(a, _MM_SHUFFLE(1, 0, 3, 2))));
    return _mm_cvtsi128_si32(max_int(a, Ints(_mm_shuffle_epi32(a, _MM_SHUFFLE(2, 3, 0, 1)))));
  }
  static std::int32_t min_lane(Ints a) {
    a = min_int(a, Ints(_mm_shuffle_epi32(a, _MM_SHUFFLE(1, 0, 3, 2))));
    return _mm_cvtsi128_si32(min_int(a, Ints(_mm_shuffle_epi32(a, _MM_SHUFFLE(2, 3, 0, 1)))));
  }

  static Doubles widen_low(Floats v) { return _mm_cvtps_pd(v); }
  static Doubles widen_high(Floats v) { return _mm_cvtps_pd(_mm_movehl_ps(v, v)); }
  // Byte shifts take immediates: one case per lead.
  struct Shift {
    std::int64_t lead;
    explicit Shift(std::int64_t lead_) : lead(lead_) {}
    Floats operator()(Floats a, Floats b) const {
      const __m128i ai = _mm_castps_si128(a), bi = _mm_castps_si128(b);
      switch (lead) {
        case 1: return _mm_castsi128_ps(_mm_or_si128(_mm_srli_si128(ai, 4), _mm_slli_si128(bi, 12)));
        case 2: return _mm_castsi128_ps(_mm_or_si128(_mm_srli_si128(ai, 8), _mm_slli_si128(bi, 8)));
        default: return _mm_castsi128_ps(_mm_or_si128(_mm_srli_si128(ai, 12), _mm_slli_si128(bi, 4)));
      }
    }
  };
};

template <>
struct OpsFor<Sse2::Arch> {
  using type = Sse2;
};

}  // namespace
}  // namespace nnk::simd
