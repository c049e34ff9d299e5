// The SIMD layer (internal): one struct per ISA that wraps its float registers and the operations every vectorized
// part of nnk uses (GEMM micro-kernels and epilogues, elementwise kernels, the FMA peak loop), plus the lane folds
// written once for all of them. vector_math.hpp builds the transcendental functions on top.
//
// Include it from per-ISA translation units only: each struct exists where the unit is compiled for its ISA
// (simd_avx512.hpp, simd_avx2.hpp, simd_sse2.hpp), and everything is in an anonymous namespace, so that no ISA's
// copy of an inline function can stand in for another's at link time (tests/isa_symbols.sh).
//
// Each struct S provides, with Floats = xsimd::batch<float, S::Arch> (likewise Ints, Doubles):
//   kLanes, kHasFma; Mask (a compare result) and LaneMask (the first n lanes, for loads and stores)
//   zero, broadcast, load, store, first_lanes(n), load_first(p, mask) (other lanes 0), store_first(p, mask, v),
//   stream(p, v) (non-temporal, p vector-aligned), fence(), first_lane(v)
//   mul_add(a, b, c) = a * b + c, neg_mul_add = c - a * b, neg_mul_sub = -(a * b) - c (one rounding with FMA), mul,
//   sqrt, max and min (x86 rule: b when either is NaN, so max(c, x) keeps a NaN x), abs, negate, bit_or
//   less, less_equal, greater, equal (false when either is NaN), is_nan, either, select, zero_where, select_negative
//   (by the sign bit, -0 and NaNs with the sign bit included)
//   on Ints: to_int (truncates; NaN and out-of-range give INT_MIN), to_float, as_ints, as_floats, shift_left<n>,
//   shift_right<n> (arithmetic), bit_and, add, sub, max_int, min_int, max_lane and min_lane (the largest and smallest
//   lane, by a shuffle tree)
//   widen_low(v), widen_high(v) (halves as doubles); Shift(lead)(a, b): lanes [lead, W) of a, then [0, lead) of b
//
// Why not xsimd's own select, max, fma, reductions...: in xsimd 8.1 they are noexcept functions around intrinsics,
// and g++ 12 wraps each call in a must-not-throw region whose personality routine is a weak symbol
// (DW.ref.__gxx_personality_v0) in every per-ISA object. xsimd's batch types, constructors, loads, stores and
// + - * / have no such wrapper and are used directly.
#pragma once

#include <cstddef>

#include <xsimd/xsimd.hpp>

namespace nnk::simd {
namespace {

// The struct of the ISA an xsimd architecture tag names (specialized by each ISA's header).
template <class Arch>
struct OpsFor;

// The operations of batch type B's ISA: lets vector_math deduce the ISA from its arguments.
template <class B>
using OpsOf = typename OpsFor<typename B::arch_type>::type;

// The lanes of a batch folded in lane order: combine(combine(lane 0, lane 1), lane 2)...
template <class Batch, class Combine>
inline typename Batch::value_type fold_lanes(Batch v, Combine combine) {
  alignas(64) typename Batch::value_type lanes[Batch::size];
  v.store_aligned(lanes);
  typename Batch::value_type result = lanes[0];
  for (std::size_t k = 1; k < Batch::size; ++k) result = combine(result, lanes[k]);
  return result;
}

// The lanes of a batch added in lane order.
template <class Batch>
inline typename Batch::value_type horizontal_sum(Batch v) {
  return fold_lanes(v, [](auto sum, auto lane) { return sum + lane; });
}

// The largest and smallest lane (NaN lanes may or may not be seen).
template <class Batch>
inline typename Batch::value_type horizontal_max(Batch v) {
  return fold_lanes(v, [](auto max, auto lane) { return lane > max ? lane : max; });
}

template <class Batch>
inline typename Batch::value_type horizontal_min(Batch v) {
  return fold_lanes(v, [](auto min, auto lane) { return lane < min ? lane : min; });
}

}  // namespace
}  // namespace nnk::simd

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512DQ__)
#include "simd/simd_avx512.hpp"
#endif
#if defined(__AVX2__) && defined(__FMA__)
#include "simd/simd_avx2.hpp"
#endif
#include "simd/simd_sse2.hpp"
