// Lane operations on xsimd float batches, one struct per ISA (internal; included by vector_math.hpp).
//
// Why not xsimd's own select, max, abs, fma, shifts, conversions...: in xsimd 8.1 they are noexcept functions that
// call intrinsics, and g++ 12 wraps each such call in a must-not-throw region. Every object that inlines one then
// references DW.ref.__gxx_personality_v0, a weak symbol, which tests/isa_symbols.sh rejects in per-ISA objects
// (checked: xsimd::select or xsimd::max alone is enough). These plain inline functions call the same intrinsics
// without that wrapper. xsimd's batch types, constructors, loads, stores and + - * / do not have the problem and
// are used directly.
//
// VectorOps<Arch> provides, for Floats = xsimd::batch<float, Arch> and Ints = xsimd::batch<int32_t, Arch>:
//   Mask less(a, b), less_equal, greater, equal (ordered: false when either is NaN), is_nan(a), either(m1, m2)
//   select(mask, if_true, if_false), zero_where(mask, x) (0 where mask is set: one and-not on AVX2 and SSE2, where g++
//   turns a blend with zero into a sign-bit compare plus an and-not), max(a, b) and min(a, b) (x86 rule: b when
//   either is NaN, so max(c, x) keeps a NaN x), abs, bit_or,
//   negate (flips the sign bit, NaN included), mul_add(a, b, c) = a * b + c and
//   neg_mul_add(a, b, c) = c - a * b, neg_mul_sub(a, b, c) = -(a * b) - c (each fused where the ISA has FMA), sqrt,
//   to_int (truncates; NaN and out-of-range give INT_MIN), to_float, as_ints / as_floats (bit casts),
//   shift_left<n>, shift_right<n> (arithmetic), bit_and, add, sub, max_int, min_int (signed) on Ints,
//   select_negative(x, if_negative, otherwise): by x's sign bit (-0 and a NaN with the sign bit count as negative;
//   one blend on AVX2, where the blend reads the sign bits directly).
#pragma once

#include <immintrin.h>

#include <cstdint>

#include <xsimd/xsimd.hpp>

namespace nnk::eltwise {
namespace {

template <class Arch>
struct VectorOps;

// Each ISA's operations exist where the translation unit is compiled for that ISA.
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512DQ__)
template <>
struct VectorOps<xsimd::avx512bw> {
  using Floats = xsimd::batch<float, xsimd::avx512bw>;
  using Ints = xsimd::batch<std::int32_t, xsimd::avx512bw>;
  using Mask = __mmask16;
  static constexpr bool kHasFma = true;

  static Mask less(Floats a, Floats b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static Mask less_equal(Floats a, Floats b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
  static Mask greater(Floats a, Floats b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
  static Mask equal(Floats a, Floats b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
  static Mask is_nan(Floats a) { return _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q); }
  static Mask either(Mask a, Mask b) { return static_cast<Mask>(a | b); }
  static Floats select(Mask m, Floats if_true, Floats if_false) { return _mm512_mask_blend_ps(m, if_false, if_true); }
  static Floats zero_where(Mask m, Floats x) { return _mm512_maskz_mov_ps(static_cast<Mask>(~m), x); }
  static Floats max(Floats a, Floats b) { return _mm512_max_ps(a, b); }
  static Floats min(Floats a, Floats b) { return _mm512_min_ps(a, b); }
  static Floats abs(Floats a) { return _mm512_abs_ps(a); }
  static Floats bit_or(Floats a, Floats b) { return _mm512_or_ps(a, b); }
  static Floats negate(Floats a) { return _mm512_xor_ps(a, _mm512_set1_ps(-0.0f)); }
  static Floats mul_add(Floats a, Floats b, Floats c) { return _mm512_fmadd_ps(a, b, c); }
  static Floats neg_mul_add(Floats a, Floats b, Floats c) { return _mm512_fnmadd_ps(a, b, c); }
  static Floats neg_mul_sub(Floats a, Floats b, Floats c) { return _mm512_fnmsub_ps(a, b, c); }
  static Floats sqrt(Floats a) { return _mm512_sqrt_ps(a); }
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
  static Floats select_negative(Floats x, Floats if_negative, Floats otherwise) {
    return _mm512_mask_blend_ps(_mm512_movepi32_mask(_mm512_castps_si512(x)), otherwise, if_negative);
  }
};
#endif

#if defined(__AVX2__) && defined(__FMA__)

template <>
struct VectorOps<xsimd::fma3<xsimd::avx2>> {
  using Floats = xsimd::batch<float, xsimd::fma3<xsimd::avx2>>;
  using Ints = xsimd::batch<std::int32_t, xsimd::fma3<xsimd::avx2>>;
  using Mask = __m256;  // all ones or all zeros per lane
  static constexpr bool kHasFma = true;

  static Mask less(Floats a, Floats b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static Mask less_equal(Floats a, Floats b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
  static Mask greater(Floats a, Floats b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
  static Mask equal(Floats a, Floats b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
  static Mask is_nan(Floats a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
  static Mask either(Mask a, Mask b) { return _mm256_or_ps(a, b); }
  static Floats select(Mask m, Floats if_true, Floats if_false) { return _mm256_blendv_ps(if_false, if_true, m); }
  static Floats zero_where(Mask m, Floats x) { return _mm256_andnot_ps(m, x); }
  static Floats max(Floats a, Floats b) { return _mm256_max_ps(a, b); }
  static Floats min(Floats a, Floats b) { return _mm256_min_ps(a, b); }
  static Floats abs(Floats a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
  static Floats bit_or(Floats a, Floats b) { return _mm256_or_ps(a, b); }
  static Floats negate(Floats a) { return _mm256_xor_ps(a, _mm256_set1_ps(-0.0f)); }
  static Floats mul_add(Floats a, Floats b, Floats c) { return _mm256_fmadd_ps(a, b, c); }
  static Floats neg_mul_add(Floats a, Floats b, Floats c) { return _mm256_fnmadd_ps(a, b, c); }
  static Floats neg_mul_sub(Floats a, Floats b, Floats c) { return _mm256_fnmsub_ps(a, b, c); }
  static Floats sqrt(Floats a) { return _mm256_sqrt_ps(a); }
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
  static Floats select_negative(Floats x, Floats if_negative, Floats otherwise) {
    return _mm256_blendv_ps(otherwise, if_negative, x);
  }
};
#endif

template <>
struct VectorOps<xsimd::sse2> {
  using Floats = xsimd::batch<float, xsimd::sse2>;
  using Ints = xsimd::batch<std::int32_t, xsimd::sse2>;
  using Mask = __m128;  // all ones or all zeros per lane
  static constexpr bool kHasFma = false;

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
  static Floats max(Floats a, Floats b) { return _mm_max_ps(a, b); }
  static Floats min(Floats a, Floats b) { return _mm_min_ps(a, b); }
  static Floats abs(Floats a) { return _mm_andnot_ps(_mm_set1_ps(-0.0f), a); }
  static Floats bit_or(Floats a, Floats b) { return _mm_or_ps(a, b); }
  static Floats negate(Floats a) { return _mm_xor_ps(a, _mm_set1_ps(-0.0f)); }
  // No FMA on baseline x86-64: two roundings (the compiler cannot contract without the instruction).
  static Floats mul_add(Floats a, Floats b, Floats c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
  static Floats neg_mul_add(Floats a, Floats b, Floats c) { return _mm_sub_ps(c, _mm_mul_ps(a, b)); }
  static Floats neg_mul_sub(Floats a, Floats b, Floats c) { return _mm_sub_ps(negate(_mm_mul_ps(a, b)), c); }
  static Floats sqrt(Floats a) { return _mm_sqrt_ps(a); }
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
  // SSE2 has no pmaxsd / pminsd (SSE4.1): a compare and a select.
  static Ints max_int(Ints a, Ints b) { return pick(_mm_cmpgt_epi32(a, b), a, b); }
  static Ints min_int(Ints a, Ints b) { return pick(_mm_cmpgt_epi32(a, b), b, a); }
  static Ints pick(__m128i mask, Ints if_true, Ints if_false) {
    return _mm_or_si128(_mm_and_si128(mask, if_true), _mm_andnot_si128(mask, if_false));
  }
  static Floats select_negative(Floats x, Floats if_negative, Floats otherwise) {
    return select(_mm_castsi128_ps(_mm_srai_epi32(_mm_castps_si128(x), 31)), if_negative, otherwise);
  }
};

// The operations of batch type B's ISA.
template <class B>
using OpsOf = VectorOps<typename B::arch_type>;

}  // namespace
}  // namespace nnk::eltwise
