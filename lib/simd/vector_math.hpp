// Vector math for the elementwise kernels and the GEMM epilogue (internal): exp, log, log1p, sigmoid, tanh,
// ReLU, and the derivatives of the activations computed from their outputs, as templates over the float batch of
// an ISA of the SIMD layer (simd.hpp), whose operations they reach through OpsOf.
//
// Include it from per-ISA translation units only. Everything is in nnk::simd::{anonymous}, so that every ISA's
// copy has internal linkage (no weak symbol a generic caller could bind to: tests/isa_symbols.sh).
// The functions are self-contained and inline:
// no tables, no state, no dependence on the rounding mode beyond round-to-nearest.
// Names differ from xsimd's on purpose (exponential, not exp): an unqualified exp(batch) would find xsimd::exp by
// argument-dependent lookup and silently call it instead.
//
// Accuracy, float, against the exact value rounded to float: the budgets of sigmoid, tanh and softmax per ISA are
// the ones nnk/kernels.hpp documents and tests/eltwise/accuracy_sweep_test.cpp enforces (one_minus_exp is covered
// through tanh).
//   e^x (exp_neg_abs, exponential_of_sum) <= 1 ulp, log_of_one_to_two <= 1 ulp, log_one_plus_fraction <= 1 ulp:
//   every 7th float of the ranges of their general forms (exp: [-87.3, 88.7]; log: (0, inf); log1p: (-1, 1e6]),
//   measured when written; the restricted forms keep those bits on the ranges they take.
//   Derivatives from the output: one rounding on FMA ISAs (a - a*a, 1 - a*a fused), <= 1.5 ulp without FMA.
// Special values: NaN in -> NaN out (relu too: xsimd 8.1's max(NaN, 0) would return 0); +-inf give the limits; a
// result that would be subnormal is 0 (exponentials, sigmoid, tanh: by a select, or, where the comment says so, by
// the flush-to-zero environment every kernel call runs in, cpu::FlushDenormalsScope); no -ffast-math assumptions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include <xsimd/xsimd.hpp>

#include "simd/simd.hpp"
#include "nnk/types.hpp"

namespace nnk::simd {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kFloatMin = std::numeric_limits<float>::min();  // the smallest normal float

// --- building blocks

// x * y + z, one rounding where the ISA has FMA.
template <class B>
inline B mul_add(B x, B y, B z) {
  return OpsOf<B>::mul_add(x, y, z);
}

// z - x * y, one rounding where the ISA has FMA.
template <class B>
inline B neg_mul_add(B x, B y, B z) {
  return OpsOf<B>::neg_mul_add(x, y, z);
}

// The rounding error of s = a + b: a + b == s + two_sum_error(a, b, s) exactly (Knuth's TwoSum, any order of
// magnitude). Plain additions only, so no contraction into FMA can break it.
template <class B>
inline B two_sum_error(B a, B b, B s) {
  if constexpr (OpsOf<B>::kHasFma) {
    const B minus_one(-1.0f);
    const B b_part = OpsOf<B>::mul_add(a, minus_one, s);
    const B a_part = s - b_part;
    return OpsOf<B>::mul_add(a_part, minus_one, a) + (b - b_part);
  } else {
    const B b_part = s - a;
    const B a_part = s - b_part;
    return (a - a_part) + (b - b_part);
  }
}

// |x| <= FLT_MAX: false for +-inf and NaN.
template <class B>
inline auto is_finite(B x) {
  return OpsOf<B>::less_equal(OpsOf<B>::abs(x), B(std::numeric_limits<float>::max()));
}

// Adding 1.5 * 2^23 to a float of magnitude below 2^22 pushes its fraction bits out: the sum is an integer, and its
// low mantissa bits hold that integer minus 1.5 * 2^23 (two's complement in 23 bits).
constexpr float kRoundingShifter = 12582912.0f;
// kRoundingShifter + 127 (exact): the low bits of the rounded sum hold the integer plus 127, a float exponent field.
constexpr float kPowerShifter = kRoundingShifter + 127.0f;

// c[0] + c[1] x + ... + c[N-1] x^(N-1) by Horner's rule.
template <class B, std::size_t N>
inline B polynomial(B x, const float (&c)[N]) {
  B result(c[N - 1]);
  for (std::size_t i = N - 1; i-- > 0;) result = mul_add(result, x, B(c[i]));
  return result;
}

// max(x, 0) that keeps NaN (x86's max(NaN, 0), and so xsimd 8.1's, returns 0).
template <class B>
inline B relu(B x) {
  return OpsOf<B>::zero_where(OpsOf<B>::less_equal(x, B(0.0f)), x);  // NaN <= 0 is false: NaN passes
}

// --- exp

// The thresholds of the float exponential: e^x overflows above kMaxLogFloat (the largest float x with e^x <= FLT_MAX)
// and is below FLT_MIN (would be subnormal) under kMinLogNormal (the smallest float x with e^x >= FLT_MIN).
constexpr float kMaxLogFloat = 88.72283172607421875f;
constexpr float kMinLogNormal = -87.33654022216796875f;
// ln 2 split so that k * kLn2High is exact for |k| <= 2^9 (kLn2High has 15 significant bits).
constexpr float kLn2High = 0.693145751953125f;
constexpr float kLn2Low = 1.42860682030941723e-6f;
constexpr float kLog2E = 1.44269502162933349609f;

// e^r - 1 - r = r^2 Q(r) on |r| <= ln2/2: minimax Q of degree 4 (relative error of 1 + r + r^2 Q below 1e-8),
// fitted for this file with a Remez exchange.
constexpr float kExpQ[] = {0.5f, 0.16666576266288757f, 0.04166637361049652f, 0.008363175205886364f,
                           0.0013941113138571382f};

// 2^k e^r for an integer-valued k with 2^k normal (-126 <= k <= 127, and k = 128 with e_r < 1): k is added to the
// exponent bits of e_r. to_int maps NaN to INT_MIN, whose shifted bits are 0, so a NaN e_r stays NaN.
template <class B>
inline B scale_by_power_of_two(B e_r, B k) {
  using Ops = OpsOf<B>;
  return Ops::as_floats(Ops::add(Ops::as_ints(e_r), Ops::template shift_left<23>(Ops::to_int(k))));
}

// e^r - 1 for |r| <= ln2/2 (plus rounding slack): r + r^2 Q(r).
template <class B>
inline B exp_minus_one_reduced(B r) {
  return mul_add(r * r, polynomial(r, kExpQ), r);
}

// The rounding step of every exponential here: t = x log2(e) + shifter rounded once (one FMA; without FMA the
// product is rounded first), for a shifter within 2^10 of 1.5 2^23 and |x log2(e)| < 2^21, so that t stays in
// [2^23, 2^24), an integer whose low mantissa bits hold k + (shifter - 1.5 2^23), k = t - shifter = round(x / ln 2)
// (exact); and
// r = x - k ln 2 in [-ln2/2, ln2/2] (Cody-Waite: the first step is exact for |k| <= 2^9). Returns t.
template <class B>
inline B round_and_reduce(B x, B shifter, B& r) {
  const B t = mul_add(x, B(kLog2E), shifter);
  const B k = t - shifter;
  r = neg_mul_add(k, B(kLn2Low), neg_mul_add(k, B(kLn2High), x));  // k * kLn2High is exact: 24 bits at most
  return t;
}

// round_and_reduce(-x, shifter, r) without forming -x: k = round(-x / ln 2), r = -x - k ln 2.
template <class B>
inline B round_and_reduce_negated(B x, B shifter, B& r) {
  const B t = mul_add(x, B(-kLog2E), shifter);
  const B k = t - shifter;
  r = neg_mul_add(k, B(kLn2Low), OpsOf<B>::neg_mul_sub(k, B(kLn2High), x));
  return t;
}

// k = round(x / ln2) as a float, and r = x - k ln2 (round_and_reduce), for |x| < 2^22 ln2.
template <class B>
inline B reduce_by_ln2(B x, B& r) {
  const B shifter(kRoundingShifter);
  return round_and_reduce(x, shifter, r) - shifter;
}

// t << 23 as a float, for the t of round_and_reduce or round_and_reduce_negated with kPowerShifter (or softmax's
// shifted offset, PowerScaling, where k is k - K): its low bits hold k + 127, 2^k's exponent field, so this is 2^k
// itself for -126 <= k <= 127, +0 for k = -127 (no conversion to integers or add: 3 operations fewer than adding k
// to 1.0's bits). Beyond that range of k the power is meaningless, and for a NaN x so is the power, but r is NaN:
// callers clamp x, replace those lanes or let r carry the NaN. Without FMA, a product x log2(e) that lands on a
// half-integer may round to the other neighbour than with kRoundingShifter (kPowerShifter is odd): |r| is ln 2 / 2
// either way.
template <class B>
inline B power_of_two_from(B t) {
  using Ops = OpsOf<B>;
  return Ops::as_floats(Ops::template shift_left<23>(Ops::as_ints(t)));
}

// 2^k for k = round(x / ln 2), and r = x - k ln 2 (round_and_reduce; power_of_two_from for the range of k).
template <class B>
inline B reduce_to_power_of_two(B x, B& r) {
  return power_of_two_from(round_and_reduce(x, B(kPowerShifter), r));
}

// 2^k e^r from e^r - 1 and power = 2^k, for a normal result: the same bits as e^r rounded, then scaled. With FMA,
// 2^k (e^r - 1) + 2^k is rounded once (one operation); without, 2^k (e^r - 1) alone could be subnormal, and flushed
// to zero, so e^r is rounded first.
template <class B>
inline B times_exp_minus_one_plus_one(B power, B exp_minus_one) {
  if constexpr (OpsOf<B>::kHasFma) {
    return mul_add(exp_minus_one, power, power);
  } else {
    return (exp_minus_one + B(1.0f)) * power;
  }
}

// e^(hi + lo) for a small correction |lo| <= ulp(hi) (the low part of a float pair), <= 1 ulp; +inf above
// kMaxLogFloat, 0 below FLT_MIN, NaN -> NaN. lo joins the reduced argument, where it is not lost to rounding.
template <class B>
inline B exponential_of_sum(B hi, B lo) {
  using Ops = OpsOf<B>;
  B r;
  const B k = reduce_by_ln2(hi, r);
  const B result = scale_by_power_of_two(exp_minus_one_reduced(r + lo) + B(1.0f), k);
  const B bounded = Ops::select(Ops::greater(hi, B(kMaxLogFloat)), B(kInf), result);
  // Below FLT_MIN: decided on the result, since near the threshold lo can carry hi + lo across it (ulp(hi) is 2^-17
  // there, ~64 ulp of e^x); hi half a unit below kMinLogNormal is clearly under, and keeps k >= -127 with r > 0 when
  // k = -127, so the exponent field above cannot wrap.
  const auto below = Ops::either(Ops::less(hi, B(kMinLogNormal - 0.5f)), Ops::less(bounded, B(kFloatMin)));
  return Ops::zero_where(below, bounded);
}

// e^(hi + lo) for hi in [-76, 0] and a small correction lo (<= ulp(hi)), or NaN: exponential_of_sum without its
// range checks, which cannot trigger there, and with 2^k formed from the rounding itself.
template <class B>
inline B exponential_of_moderate_sum(B hi, B lo) {
  B r;
  const B power = reduce_to_power_of_two(hi, r);
  return times_exp_minus_one_plus_one(power, exp_minus_one_reduced(r + lo));
}

// 1 - e^v = -expm1(v) for v in [-40, 40], NaN -> NaN: (1 - 2^k) - 2^k (e^r - 1) with one rounding (FMA), accurate
// near 0 where 1 - e^v = -v (1 + ...); 1 in float below v = -17.33; +0 (not -0) for v = +-0. Above k = 24, 1 - 2^k
// rounds to -2^k: a relative error of 2^-k, far below the final rounding.
template <class B>
inline B one_minus_exp(B v) {
  B r;
  const B power = reduce_to_power_of_two(v, r);  // 2^k, |k| <= 58; NaN v: r is NaN
  return neg_mul_add(power, exp_minus_one_reduced(r), B(1.0f) - power);
}

// --- log, log1p

// log(1 + f) = f - f^2/2 + s (f^2/2 + s^2 T(s^2)), s = f / (2 + f), |s| <= 0.1716: the atanh series 2 atanh(s)
// rearranged so that its large terms are exact. T(w) = 2/3 + 2w/5 + ...: minimax of degree 2 (relative error of
// the series below 3e-9), fitted for this file with a Remez exchange.
constexpr float kLogT[] = {0.6666668653488159f, 0.39988717436790466f, 0.2958204746246338f};

// log(v) for v in [1, 2], <= 1 ulp (NaN v: a meaningless number; log_one_plus_fraction's correction carries the
// NaN). The only logarithms the kernels take are of 1 + e^-|x|, so zero, infinite, negative and subnormal
// arguments, and their selects, never arise.
template <class B>
inline B log_of_one_to_two(B v) {
  using Ops = OpsOf<B>;
  using Ints = typename Ops::Ints;
  // v = 2^k m with m in [sqrt(1/2), sqrt(2)), k = 0 or 1: offset the bits so that the exponent field steps at sqrt(2).
  const Ints offset_bits = Ops::add(Ops::as_ints(v), Ints(0x3F800000 - 0x3F3504F3));
  const B k = Ops::to_float(Ops::sub(Ops::template shift_right<23>(offset_bits), Ints(127)));
  const B m = Ops::as_floats(Ops::add(Ops::bit_and(offset_bits, Ints(0x007FFFFF)), Ints(0x3F3504F3)));
  const B f = m - B(1.0f);  // exact (Sterbenz)
  const B s = f / (f + B(2.0f));
  const B w = s * s;
  const B half_f_squared = B(0.5f) * f * f;
  const B series_tail = s * mul_add(w, polynomial(w, kLogT), half_f_squared);  // s (f^2/2 + s^2 T)
  // k ln2 + (f - (f^2/2 - tail)), ln 2's low part joining the small terms.
  const B small_terms = mul_add(k, B(kLn2Low), series_tail) - half_f_squared;
  return mul_add(k, B(kLn2High), f + small_terms);
}

// log(1 + t) for t in [0, 1] (t = e^-|x|), <= 1 ulp, NaN -> NaN. v = 1 + t rounds; log(1 + t) = log(v) + e / v to
// first order, with e = (1 - v) + t the rounding error of v (exact: Fast2Sum, as 1 >= t): exact for tiny t
// (log(1) = 0, e = t).
template <class B>
inline B log_one_plus_fraction(B t) {
  const B v = t + B(1.0f);
  return log_of_one_to_two(v) + ((B(1.0f) - v) + t) / v;
}

// Beyond +-88 sigmoid does not change in float (1 from x = 17.33 up; below FLT_MIN from x = -87.34 down), and
// there k = round(-x / ln 2) stays in [-127, 127], where power_of_two_from gives 2^k (+0 for k = -127) and
// e^-x <= 1.7e38 is finite: sigmoid and binary cross-entropy's e^-|x| clamp their argument there instead of
// selecting results.
constexpr float kSigmoidClamp = 88.0f;

// e^-|x| in [0, 1], NaN -> NaN: the shared first step of binary cross-entropy's cost and delta. Below FLT_MIN (x
// beyond +-87.34) the result is subnormal or +0 (k = -127), and the kernels' floating-point environment
// (cpu::FlushDenormalsScope, which every caller runs in) flushes it to 0: no select.
template <class B>
inline B exp_neg_abs(B x) {
  using Ops = OpsOf<B>;
  const B v = Ops::max(B(-kSigmoidClamp), Ops::bit_or(x, B(-0.0f)));  // -|x| clamped; max(c, NaN) = NaN
  B r;
  const B power = reduce_to_power_of_two(v, r);
  return times_exp_minus_one_plus_one(power, exp_minus_one_reduced(r));
}

// --- activations

// 1 / (1 + e^-x) given t = e^-|x| (binary cross-entropy's delta): 1 / (1 + t) for x >= 0, t / (1 + t) for x < 0.
// Both forms divide numbers in [0, 2] without cancellation; where e^x < FLT_MIN, t is 0 (flushed: exp_neg_abs) and
// so is the result.
template <class B>
inline B sigmoid_given_exp_neg_abs(B x, B t) {
  const B numerator = OpsOf<B>::select_negative(x, t, B(1.0f));  // -0: t = 1, the same quotient
  return numerator / (t + B(1.0f));
}

// 1 / (1 + e^-x), <= 2 ulp: one exponential of the clamped x (kSigmoidClamp), one division, no select. For x < 0,
// e^-x >= 1 carries its own error into the result almost whole, as t / (1 + t) would. sigmoid(-inf) = 0,
// sigmoid(inf) = 1, NaN -> NaN. Below x = -87.34 the quotient is below FLT_MIN, and the kernels' floating-point
// environment (cpu::FlushDenormalsScope) flushes it to 0.
template <class B>
inline B sigmoid(B x) {
  using Ops = OpsOf<B>;
  const B clamped = Ops::min(B(kSigmoidClamp), Ops::max(B(-kSigmoidClamp), x));  // min, max (c, NaN) = NaN
  B r;
  const B power = power_of_two_from(round_and_reduce_negated(clamped, B(kPowerShifter), r));
  const B exp_minus_x = times_exp_minus_one_plus_one(power, exp_minus_one_reduced(r));
  return B(1.0f) / (exp_minus_x + B(1.0f));
}

// tanh(x) = E / (2 - E) with E = 1 - e^(-2x) = -expm1(-2x): one exponential, one division. E keeps its accuracy
// near 0, where tanh(x) ~ x; for x < 0 (E < 0, 2 - E > 2) its two terms (1 - 2^k) and -2^k (e^r - 1) partly cancel
// when k >= 1 and r < 0, up to doubling the error of e^r - 1 (within the 2 ulp measured; 3 without FMA). -2x is
// clamped to [-40, 40], where E / (2 - E) is +-1 in float already. tanh(+-inf) = +-1, NaN -> NaN; tanh(+-0) = +0
// (E = +0). Subnormal x give +0 through the kernels' floating-point environment (cpu::FlushDenormalsScope: x reads
// as 0), which every caller runs in; without it they would give x (subnormal), the exact result rounded.
template <class B>
inline B hyperbolic_tangent(B x) {
  using Ops = OpsOf<B>;
  const B e = one_minus_exp(Ops::min(B(40.0f), Ops::max(B(-40.0f), x * B(-2.0f))));  // min, max (c, NaN) = NaN
  return e / (B(2.0f) - e);
}

// --- derivatives from the output a = g(z) (the design stores A, not Z)

// a (1 - a). With FMA: a - a*a rounded once (correctly rounded); +-inf give -inf, as a (1 - a) does.
// Without FMA: a * (1 - a), where 1 - a is exact for a in [0.5, 1]: <= 1.5 ulp.
template <class B>
inline B sigmoid_derivative_from_output(B a) {
  using Ops = OpsOf<B>;
  if constexpr (Ops::kHasFma) {
    const B value = neg_mul_add(a, a, a);
    return Ops::select(Ops::equal(Ops::abs(a), B(kInf)), B(-kInf), value);
  } else {
    return a * (B(1.0f) - a);
  }
}

// 1 - a^2. With FMA: rounded once. Without: (1 - a)(1 + a), which avoids the cancellation of 1 - a*a near |a| = 1.
template <class B>
inline B tanh_derivative_from_output(B a) {
  if constexpr (OpsOf<B>::kHasFma) {
    return neg_mul_add(a, a, B(1.0f));
  } else {
    return (B(1.0f) - a) * (B(1.0f) + a);
  }
}

// a > 0 ? 1 : 0 (NaN -> 0, like the reference).
template <class B>
inline B relu_derivative_from_output(B a) {
  return OpsOf<B>::select(OpsOf<B>::greater(a, B(0.0f)), B(1.0f), B(0.0f));
}

// g(x) for an elementwise activation known at compile time (Softmax is per column: not here).
template <Activation G, class B>
inline B activate(B x) {
  static_assert(G != Activation::Softmax, "softmax normalizes a column: it is not elementwise");
  if constexpr (G == Activation::Sigmoid) {
    return sigmoid(x);
  } else if constexpr (G == Activation::Tanh) {
    return hyperbolic_tangent(x);
  } else if constexpr (G == Activation::ReLU) {
    return relu(x);
  } else {
    return x;
  }
}

// g'(z) from a = g(z) for an elementwise activation known at compile time.
template <Activation G, class B>
inline B derivative_from_output(B a) {
  static_assert(G != Activation::Softmax, "softmax has no elementwise derivative");
  if constexpr (G == Activation::Sigmoid) {
    return sigmoid_derivative_from_output(a);
  } else if constexpr (G == Activation::Tanh) {
    return tanh_derivative_from_output(a);
  } else if constexpr (G == Activation::ReLU) {
    return relu_derivative_from_output(a);
  } else {
    return B(1.0f);
  }
}

}  // namespace
}  // namespace nnk::simd
