// Softmax of one column, and the pieces categorical cross-entropy shares with it (internal; per-ISA translation
// units only, everything in an anonymous namespace).
//
// softmax(v), v = z + bias. The general way, three passes over the column:
//   1. m = max v (and min v);
//   2. p = e^(v - m) and S = sum p in double;
//   3. a = p / S.
// v - m is carried as a float pair (hi + lo, exact: TwoSum), so the rounding of z + bias and of the subtraction,
// which e^x would magnify by |v - m|, does not reach the result.
//
// The common column (finite, |v| <= kReducibleMagnitude, a spread of about 75 at most, at most kSoftmaxScratchRows
// rows) takes a scaled way instead (softmax_column_scaled): the shift is K ln 2 for an integer K, which needs no
// exact difference, and K is estimated from the column's first vector, so that passes 1 and 2 merge: p and the
// column's range (in k = round(v / ln 2)) come out of one pass, and the range is checked afterwards. A column whose
// range does not fit K (or the moderate bounds) goes the general way, or the scaled way again with K from its
// maximum. The scaled way keeps p in an L1-sized scratch buffer, so the output is written once, through the caller's
// column writer (streaming stores for large outputs never read the destination), and no exponential or output can
// leave the normal range, so its range checks drop out. Which K is used does not change a bit of the result: the
// scaled p, S and 1 / S differ by exact powers of two.
//
// A bias shared by many columns (bias_exponentials.hpp) can come tabulated as e^bias = high + low: the scaled way
// then multiplies e^z by it (TabulatedBiasColumn) instead of forming z + bias exactly, five vector operations fewer
// per vector; the fallbacks use z + bias as above.
//
// Every output is within 3 ulp on the accuracy sweep (tests/eltwise/accuracy_sweep_test.cpp; the budget is
// 4). The general way flushes outputs below FLT_MIN to 0; a NaN or +inf anywhere makes the column NaN, and a column
// of -inf is NaN, as in the reference.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "eltwise/column_vectors.hpp"
#include "eltwise/vector_math.hpp"

namespace nnk::eltwise {
namespace {

// 16 KiB of floats: a column of that many rows, its scratch copy and the bias fit L1 and L2 comfortably.
inline constexpr std::int64_t kSoftmaxScratchRows = 4096;
// e^-75 / 4096 ~ 6e-37 is still far above FLT_MIN: in a column whose values lie within kModerateSpread of its
// maximum, no exponential and no normalized output can reach the flush-to-zero threshold.
inline constexpr float kModerateSpread = 75.0f;
// |v| <= 350: k = round(v / ln 2) stays within 2^9, where round_and_reduce's first step is exact.
inline constexpr float kReducibleMagnitude = 350.0f;
// The scaled way's bounds on k = round(v / ln 2) (softmax_column_scaled):
inline constexpr float kLargestReducibleK = 505.0f;  // |v| <= 350: exact reduction (its first step)
inline constexpr float kLargestShiftedK = 40.0f;     // p = 2^(k - K) e^r <= 2^41: S <= 2^53
inline constexpr float kSmallestShiftedK = -110.0f;  // p >= 2^-111 (e^r >= 1/2): p, S and 1 / S's low part normal
inline constexpr float kLargestSpreadK = 108.0f;     // a spread <= 76.3: every output >= e^-76.3 / 4096 > FLT_MIN

// e^(hi + lo) for hi in [-kModerateSpread - 1, 0] and a small correction lo (<= ulp(hi)), or NaN: exponential_of_sum
// without its range checks, which cannot trigger there (2^k is normal for k >= -110), and with 2^k formed from the
// rounding itself (reduce_to_power_of_two).
template <class B>
inline B exponential_of_moderate_sum(B hi, B lo) {
  B r;
  const B power = reduce_to_power_of_two(hi, r);
  return times_exp_minus_one_plus_one(power, exp_minus_one_reduced(r + lo));
}

// Max and min of the values a column walk produces.
template <class V>
struct ColumnRange {
  using Floats = typename V::Floats;
  Floats max_lanes = Floats(-kInfinity);
  Floats min_lanes = Floats(kInfinity);
  template <class Lanes>
  void add(const Lanes& lanes, Floats v) {
    using Ops = OpsOf<Floats>;
    max_lanes = Ops::max(max_lanes, lanes.keep_or(v, Floats(-kInfinity)));
    min_lanes = Ops::min(min_lanes, lanes.keep_or(v, Floats(kInfinity)));
  }
};

// The range of the scaled way's t (ShiftedRounding), tracked on its bits as signed integers: wherever a column fits,
// t is a positive float, whose bits order as its values do; a NaN (either sign), an infinity or a negative t lands
// beyond one end, so no NaN slips through as it can through float max and min (which may drop a NaN lane).
template <class V>
struct BitsRange {
  using Floats = typename V::Floats;
  using Ops = OpsOf<Floats>;
  using Ints = typename Ops::Ints;
  static constexpr std::int32_t kLowest = std::numeric_limits<std::int32_t>::min();
  static constexpr std::int32_t kHighest = std::numeric_limits<std::int32_t>::max();
  Ints max_bits = Ints(kLowest);
  Ints min_bits = Ints(kHighest);
  template <class Lanes>
  void add(const Lanes& lanes, Floats t) {
    max_bits = Ops::max_int(max_bits, Ops::as_ints(lanes.keep_or(t, Ops::as_floats(Ints(kLowest)))));
    min_bits = Ops::min_int(min_bits, Ops::as_ints(lanes.keep_or(t, Ops::as_floats(Ints(kHighest)))));
  }
  // The largest and smallest t, as floats (NaN, an infinity or a negative value where the column has one).
  float max() const {
    const auto larger = [](std::int32_t max, std::int32_t lane) { return lane > max ? lane : max; };
    return std::bit_cast<float>(fold_lanes(max_bits, larger));
  }
  float min() const {
    const auto smaller = [](std::int32_t min, std::int32_t lane) { return lane < min ? lane : min; };
    return std::bit_cast<float>(fold_lanes(min_bits, smaller));
  }
};

// A sum of floats in one vector of doubles: each vector's halves are added in double first (exactly, or within
// 2^-53 of the pair), so one accumulator is live instead of DoubleSum's two; in the scaled way's loop AVX2's 16
// registers otherwise spill it to the stack (1024 x 512, one thread: ~2% faster).
template <class V>
struct OneAccumulatorSum {
  typename V::Doubles lanes = typename V::Doubles(0.0);
  void add(typename V::Floats v) { lanes += V::widen_low(v) + V::widen_high(v); }
  double total() const { return horizontal_sum(lanes); }
};

// 1 / S as a float pair, so that p * (1/S) = p * hi + p * lo rounds once.
template <class Floats>
struct InverseSum {
  Floats hi, lo;
  explicit InverseSum(double sum) {
    const double inverse = 1.0 / sum;
    const float inverse_hi = static_cast<float>(inverse);
    hi = Floats(inverse_hi);
    lo = Floats(static_cast<float>(inverse - static_cast<double>(inverse_hi)));
  }
  Floats times(Floats p) const { return mul_add(p, hi, p * lo); }
};

// The scaled way's k = round(x / ln 2) and its scaling by 2^(k - K) for a column shift K (an integer, |K| <=
// kLargestReducibleK): one FMA rounds x log2(e) + (1.5 2^23 + bias - K) to t = 1.5 2^23 + bias + (k - K), whose low
// mantissa bits hold k - K + bias, so that t shifted left by 23 (as integers) is already an exponent field: no
// conversion and no subtraction of K per vector. With bias = 127 it is 2^(k - K) itself (PowerScaling); with
// bias = 0 it is k - K to add to another float's exponent field (ExponentAddScaling). t is also what the column's
// range is tracked in (k = t - offset, exactly).
template <class Floats>
struct ShiftedRounding {
  float offset;  // 1.5 2^23 + bias - K: an integer in [2^23, 2^24), exact
  ShiftedRounding(float shift, float exponent_bias) : offset(kRoundingShifter + exponent_bias - shift) {}
  // Sets t and r = x - k ln 2 (exact first step for |k| <= kLargestReducibleK); for |x| beyond ~2^21, t is merely
  // large (k_of tells).
  void reduce(Floats x, Floats& r, Floats& t) const { t = round_and_reduce(x, Floats(offset), r); }
  // k for one value of t: exact for the t of reduce (the ranges the scaled way checks).
  float k_of(float t) const { return t - offset; }
};

// t << 23 for the t of ShiftedRounding::reduce, as the bits it is.
template <class Floats>
inline typename OpsOf<Floats>::Ints exponent_field(Floats t) {
  using Ops = OpsOf<Floats>;
  return Ops::template shift_left<23>(Ops::as_ints(t));
}

// e^r - 1 scaled by 2^(k - K), with the rounding biased by 127 so that t << 23 is 2^(k - K): normal for the k - K
// within the scaled way's bounds, which a column of power 0 (BiasedColumn) keeps in [-110, 40].
struct PowerScaling {
  static constexpr float kExponentBias = 127.0f;
  template <class Floats>
  static Floats scaled(Floats exp_minus_one, Floats t) {
    return times_exp_minus_one_plus_one(power_of_two_from(t), exp_minus_one);
  }
};

// m 2^(k - K) by adding k - K to m's exponent field: for an m = 2^power m' far from 1 (TabulatedBiasColumn), whose
// 2^(k - K) alone could leave the normal range while m 2^(k - K) stays in it (the scaled way's bounds).
struct ExponentAddScaling {
  static constexpr float kExponentBias = 0.0f;
  template <class Floats>
  static Floats scaled(Floats m, Floats t) {
    using Ops = OpsOf<Floats>;
    return Ops::as_floats(Ops::add(Ops::as_ints(m), exponent_field(t)));
  }
};

// Passes 2 and 3 may take the moderate way: finite, within the spread, short enough for the scratch buffer.
inline bool is_moderate_column(float max, float min, std::int64_t rows) {
  return rows <= kSoftmaxScratchRows && max - min <= kModerateSpread;  // false for NaN and infinite max or min
}

// v = z + bias as hi + lo (kBias), or z + 0.
template <class V, bool kBias>
struct BiasedColumn {
  using Floats = typename V::Floats;
  const float* z;
  const float* bias;
  template <class Lanes>
  Floats value(std::int64_t i, const Lanes& lanes, Floats& lo) const {
    const Floats zi = lanes.load(z + i);
    if constexpr (kBias) {
      const Floats b = lanes.load(bias + i);
      const Floats hi = zi + b;
      lo = two_sum_error(zi, b, hi);
      return hi;
    } else {
      lo = Floats(0.0f);
      return zi;
    }
  }
  using Scaling = PowerScaling;
  // e^(v - K ln 2) = 2^(k - K) m: returns it for m = e^r (in [1/sqrt 2, sqrt 2]), k = round(v / ln 2),
  // r = v - k ln 2, and sets t (ShiftedRounding).
  template <class Lanes>
  Floats scaled_exponential(std::int64_t i, const Lanes& lanes, const ShiftedRounding<Floats>& rounding,
                            Floats& t) const {
    Floats v_lo;
    const Floats v_hi = value(i, lanes, v_lo);
    Floats r;
    rounding.reduce(v_hi, r, t);
    if constexpr (kBias) r = r + v_lo;
    return Scaling::scaled(exp_minus_one_reduced(r), t);
  }
  // m = 2^power m' with m' in [1/2, 2]: the bounds of power over the column.
  float min_power() const { return 0.0f; }
  float max_power() const { return 0.0f; }
};

// v = z + bias with e^bias tabulated (BiasExponentials): e^v = e^z (high + low), so that no exact z + bias is
// needed. FMA ISAs only: m = high + (high (e^r - 1) + low) rounds twice, each time by at most half an ulp of a
// partial result of m.
template <class V>
struct TabulatedBiasColumn {
  using Floats = typename V::Floats;
  const float* z;
  BiasExponentials exponentials;
  using Scaling = ExponentAddScaling;
  // e^(v - K ln 2) = 2^(k - K) m: returns it for m = e^r e^bias, k = round(z / ln 2), r = z - k ln 2, and sets t
  // (ShiftedRounding).
  template <class Lanes>
  Floats scaled_exponential(std::int64_t i, const Lanes& lanes, const ShiftedRounding<Floats>& rounding,
                            Floats& t) const {
    Floats r;
    rounding.reduce(lanes.load(z + i), r, t);
    const Floats high = lanes.load(exponentials.high + i);
    return Scaling::scaled(mul_add(high, exp_minus_one_reduced(r), lanes.load(exponentials.low + i)) + high, t);
  }
  // m = 2^power m' with m' = e^r e^(bias - power ln 2) in [1/2, 2].
  float min_power() const { return exponentials.min_power; }
  float max_power() const { return exponentials.max_power; }
};

// Any column: p stored in a, then scaled in place, with every range check (regular stores).
template <class V, bool kBias>
void softmax_column_general(const BiasedColumn<V, kBias>& v, float m, float* a, std::int64_t rows) {
  using Floats = typename V::Floats;
  using Ops = OpsOf<Floats>;
  const Floats max(m);
  DoubleSum<V> sum;
  for_each_vector<V>(rows, [&](std::int64_t i, auto lanes) {
    Floats v_lo;
    const Floats v_hi = v.value(i, lanes, v_lo);
    const Floats d_hi = v_hi - max;
    const Floats d_lo = two_sum_error(v_hi, Ops::negate(max), d_hi) + v_lo;
    // d_hi = -inf: e^d is 0 whatever the (NaN) low part says.
    const Floats p = exponential_of_sum(d_hi, Ops::select(is_finite(d_hi), d_lo, Floats(0.0f)));
    lanes.store(a + i, p);
    sum.add(lanes.keep(p));
  });
  const InverseSum<Floats> inverse(sum.total());
  for_each_vector<V>(rows, [&](std::int64_t i, auto lanes) {
    const Floats s = inverse.times(lanes.load(a + i));
    lanes.store(a + i, Ops::zero_where(Ops::less(s, Floats(kSmallestNormal)), s));
  });
}

// The scaled way: p = e^(v - K ln 2) = 2^(k - K) m from the column's scaled_exponential
// (BiasedColumn: k = round(v / ln 2), m = e^r, r = v - k ln 2, whose first step v - k ln2_high is exact for
// |k| <= kLargestReducibleK, so only z + bias needs an exact float pair; TabulatedBiasColumn: k = round(z / ln 2),
// m = e^r times a tabulated e^bias). p goes to scratch (kSoftmaxScratchRows floats, 64-byte aligned), a is written
// once by Writer. Returns false, having written nothing, when the column's range does not fit the bounds
// kLargestReducibleK (on k), kLargestShiftedK, kSmallestShiftedK and kLargestSpreadK (on k plus the column's power
// bounds: m = 2^power m', m' in [1/2, 2]), or when a value is NaN (the general way then makes the whole column NaN,
// as the reference does).
// S = sum p (FMA ISAs): four vectors at a time, (p0 + p1) + (p2 + p3) in float, then into the double lanes. Every p is
// positive, so each float rounding is a relative error of at most u/2 of a partial sum of S: at most u of S in all
// (u = 2^-24), for a quarter of the conversions and double additions of a vector-by-vector double sum.
// next: a column that comes later, or nullptr; it is prefetched into L2 here, one cache line per 64 bytes of rows,
// so that it is read from cache rather than memory.
template <class V, class Writer, class Column>
bool softmax_column_scaled(const Column& v, float shift, float* a, std::int64_t rows, float* scratch,
                           const float* next) {
  using Floats = typename V::Floats;
  using Ops = OpsOf<Floats>;
  constexpr std::int64_t kWidth = Floats::size;
  constexpr std::int64_t kFour = 4 * kWidth;
  const ShiftedRounding<Floats> rounding(shift, Column::Scaling::kExponentBias);
  BitsRange<V> t_range;  // a NaN must be seen: the exponent add could turn its payload bits into a finite p
  auto exponential_at = [&](std::int64_t i, const auto& lanes) {
    Floats t;
    const Floats p = v.scaled_exponential(i, lanes, rounding, t);
    t_range.add(lanes, t);
    p.store_aligned(scratch + i);  // whole vectors: the scratch holds a multiple of every vector width
    if (next != nullptr && i % 16 == 0) __builtin_prefetch(next + i, 0, 2);
    return p;
  };
  OneAccumulatorSum<V> sum;
  std::int64_t start = 0;
  for (; start + kFour <= rows; start += kFour) {
    const AllLanes<V> all;
    const Floats p0 = exponential_at(start, all);
    const Floats p1 = exponential_at(start + kWidth, all);
    const Floats p2 = exponential_at(start + 2 * kWidth, all);
    const Floats p3 = exponential_at(start + 3 * kWidth, all);
    if constexpr (Ops::kHasFma) {
      sum.add((p0 + p1) + (p2 + p3));
    } else {  // without FMA the exponential's own error is larger: each p goes to double (<= 3 ulp either way)
      sum.add(p0);
      sum.add(p1);
      sum.add(p2);
      sum.add(p3);
    }
  }
  for_each_vector<V>(rows - start, [&](std::int64_t offset, auto lanes) {
    sum.add(lanes.keep(exponential_at(start + offset, lanes)));
  });
  const float k_max = rounding.k_of(t_range.max());  // NaN where the column has a NaN
  const float k_min = rounding.k_of(t_range.min());
  const float power_max = k_max + v.max_power();
  const float power_min = k_min + v.min_power();
  const bool fits = k_max <= kLargestReducibleK && k_min >= -kLargestReducibleK &&  // false for infinite k
                    power_max - shift <= kLargestShiftedK && power_min - shift >= kSmallestShiftedK &&
                    power_max - power_min <= kLargestSpreadK;  // false for NaN
  if (!fits) return false;
  const InverseSum<Floats> inverse(sum.total());
  Writer out(a);
  for_each_vector<V>(rows, [&](std::int64_t i, auto lanes) {
    out.put(i, lanes, inverse.times(Floats::load_aligned(scratch + i)));
  });
  out.finish();
  return true;
}

// K for the scaled way from a value near the column's maximum, or NaN when that value is out of its range.
inline float shift_for(float near_max) {
  return std::fabs(near_max) <= kReducibleMagnitude ? std::nearbyint(near_max * kLog2E) : std::nanf("");
}

// K estimated from the column's first vector (v = z + bias rounded: an estimate is all it needs to be), or NaN.
template <class V, bool kBias>
float first_vector_shift(const BiasedColumn<V, kBias>& v, std::int64_t rows) {
  using Floats = typename V::Floats;
  Floats lo;
  const Floats first = rows >= static_cast<std::int64_t>(Floats::size)
                           ? v.value(0, AllLanes<V>{}, lo)
                           : FirstLanes<V>{rows}.keep_or(v.value(0, FirstLanes<V>{rows}, lo), Floats(-kInfinity));
  return shift_for(horizontal_max<V>(first));
}

// A column the one-pass scaled way could not take: its range first, then the scaled way with K from its maximum
// where the column is moderate, else the general way.
template <class V, class Writer, bool kBias>
void softmax_column_from_range(const BiasedColumn<V, kBias>& v, float* a, std::int64_t rows, float* scratch,
                               const float* next) {
  using Floats = typename V::Floats;
  ColumnRange<V> range;
  for_each_vector<V>(rows, [&](std::int64_t i, auto lanes) {
    Floats lo;
    range.add(lanes, v.value(i, lanes, lo));
  });
  const float max = horizontal_max<V>(range.max_lanes);
  const float min = horizontal_min<V>(range.min_lanes);
  const float shift = shift_for(max);  // NaN beyond kReducibleMagnitude
  if (is_moderate_column(max, min, rows) && shift == shift &&
      softmax_column_scaled<V, Writer>(v, shift, a, rows, scratch, next)) {
    return;
  }
  softmax_column_general<V>(v, max, a, rows);
}

template <class V, class Writer, bool kBias>
void softmax_column_of(const BiasedColumn<V, kBias>& v, float* a, std::int64_t rows, float* scratch,
                       const float* next) {
  if (rows <= kSoftmaxScratchRows) {  // the common column: one pass with K from the first vector
    const float shift = first_vector_shift(v, rows);
    if (shift == shift && softmax_column_scaled<V, Writer>(v, shift, a, rows, scratch, next)) return;
  }
  softmax_column_from_range<V, Writer>(v, a, rows, scratch, next);
}

// a = softmax(z + bias) for one column of rows >= 1 with e^bias tabulated (FMA ISAs); the fallbacks use z + bias.
template <class V, class Writer>
void softmax_column_with_bias_exponentials(const float* z, const float* bias, const BiasExponentials& exponentials,
                                           float* a, std::int64_t rows, float* scratch, const float* next) {
  const BiasedColumn<V, true> v{z, bias};
  if (rows <= kSoftmaxScratchRows) {
    const float shift = first_vector_shift(v, rows);
    if (shift == shift && softmax_column_scaled<V, Writer>(TabulatedBiasColumn<V>{z, exponentials}, shift, a,
                                                          rows, scratch, next)) {
      return;
    }
  }
  softmax_column_from_range<V, Writer>(v, a, rows, scratch, next);
}

// a = softmax(z + bias) for one column of rows >= 1; bias may be nullptr; scratch: kSoftmaxScratchRows floats,
// 64-byte aligned.
template <class V, class Writer>
void softmax_column(const float* z, const float* bias, float* a, std::int64_t rows, float* scratch, const float* next) {
  if (bias != nullptr) {
    softmax_column_of<V, Writer>(BiasedColumn<V, true>{z, bias}, a, rows, scratch, next);
  } else {
    softmax_column_of<V, Writer>(BiasedColumn<V, false>{z, nullptr}, a, rows, scratch, next);
  }
}

}  // namespace
}  // namespace nnk::eltwise
