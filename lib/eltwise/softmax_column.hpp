// Softmax of one column, v = z + bias (internal; per-ISA translation units only, everything in an anonymous
// namespace). Categorical cross-entropy runs the same routine with its own output (loss_bodies.hpp).
//
// The routine, SoftmaxShiftedByMax: the column's range; p = e^(v - m), m = max v, and S = sum p in double; a = p / S.
// v - m is an exact float pair (hi + lo, TwoSum), so the roundings of z + bias and of the subtraction, which e^x
// would magnify by |v - m|, do not reach the result. A moderate column (finite, a spread of at most kModerateSpread,
// at most kSoftmaxScratchRows rows) keeps p in scratch with no range check; any other recomputes p with every check.
// Outputs below FLT_MIN are 0; a NaN or +inf makes the column NaN, and so does a column of -inf (the reference's).
//
// The one fast path, softmax_column_scaled, shifts by K ln 2 for an integer K estimated from the first vector: no
// exact difference is needed and the range pass merges into the exponential pass; the range of k = round(v / ln 2)
// is checked afterwards. Which K is used changes no bit: the scaled p, S and 1 / S differ by exact powers of two.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "eltwise/column_vectors.hpp"

namespace nnk::eltwise {
namespace {

inline constexpr std::int64_t kSoftmaxScratchRows = 4096;  // 16 KiB: a column, its scratch and bias fit L1 and L2
inline constexpr float kModerateSpread = 75.0f;       // e^-75 / 4096 > FLT_MIN: no exponential or output flushes
inline constexpr float kReducibleMagnitude = 350.0f;  // k = round(v / ln 2) within 2^9: an exact first reduction
// The scaled way's bounds on k:
inline constexpr float kLargestReducibleK = 505.0f;  // |v| <= 350: exact reduction (its first step)
inline constexpr float kLargestShiftedK = 40.0f;     // p = 2^(k - K) e^r <= 2^41: S <= 2^53
inline constexpr float kSmallestShiftedK = -110.0f;  // p >= 2^-111 (e^r >= 1/2): p, S and 1 / S's low part normal
inline constexpr float kLargestSpreadK = 108.0f;     // a spread <= 76.3: every output >= e^-76.3 / 4096 > FLT_MIN

template <class Floats>  // 1 / S as a float pair, so that p * (1/S) = p * hi + p * lo rounds once
struct InverseSum {
  Floats hi, lo;
  explicit InverseSum(double sum)
      : hi(static_cast<float>(1.0 / sum)), lo(static_cast<float>(1.0 / sum - static_cast<float>(1.0 / sum))) {}
  Floats times(Floats p) const { return mul_add(p, hi, p * lo); }
};

// v = z + bias as hi + lo (kBias), or z itself with lo = 0.
template <class V, bool kBias>
struct BiasedColumn {
  using Floats = typename V::Floats;
  const float *z, *bias;
  template <class Lanes>
  Floats value(std::int64_t i, const Lanes& lanes, Floats& lo) const {
    const Floats zi = lanes.load(z + i), b = kBias ? lanes.load(bias + i) : Floats(0.0f);
    const Floats hi = kBias ? zi + b : zi;
    lo = kBias ? two_sum_error(zi, b, hi) : Floats(0.0f);
    return hi;
  }
};

// The largest and smallest v of a column (NaN lanes may or may not be seen); is_moderate is false for NaN or inf.
struct ColumnRange {
  float max, min;
  bool is_moderate(std::int64_t rows) const { return rows <= kSoftmaxScratchRows && max - min <= kModerateSpread; }
};

template <class V, bool kBias>
ColumnRange range_of(const BiasedColumn<V, kBias>& v, std::int64_t rows) {
  using Floats = typename V::Floats;
  Floats max_lanes(-kInfinity), min_lanes(kInfinity);
  for_each_vector<V>(rows, [&](std::int64_t i, auto lanes) {
    Floats lo;
    const Floats x = v.value(i, lanes, lo);
    max_lanes = V::max(max_lanes, lanes.keep_or(x, Floats(-kInfinity)));
    min_lanes = V::min(min_lanes, lanes.keep_or(x, Floats(kInfinity)));
  });
  return {horizontal_max(max_lanes), horizontal_min(min_lanes)};
}

// The routine: passes 2 and 3 over a column of known range. The constructor sums the exponentials (S is `sum`);
// emit(i, lanes, softmax, hi, lo) then sees each vector in order, with v - m = hi + lo. scratch: kSoftmaxScratchRows
// floats, 64-byte aligned. Nothing is written before the last pass, so emit's output may alias the column.
template <class V, bool kBias>
class SoftmaxShiftedByMax {
  using Floats = typename V::Floats;
 public:
  SoftmaxShiftedByMax(const BiasedColumn<V, kBias>& v, ColumnRange range, std::int64_t rows, float* scratch)
      : v_(v), m_(range.max), rows_(rows), scratch_(scratch), moderate_(range.is_moderate(rows)) {
    DoubleSum<V> exp_sum;
    for_each_vector<V>(rows_, [&](std::int64_t i, auto lanes) {
      Floats lo;
      const Floats hi = shifted(i, lanes, lo);
      const Floats p = moderate_ ? exponential_of_moderate_sum(hi, lo) : exponential_of_sum(hi, lo);
      if (moderate_) p.store_aligned(scratch_ + i);
      exp_sum.add(lanes.keep(p));
    });
    sum = exp_sum.total();
  }

  template <class Emit>
  void for_each(Emit&& emit) const {
    const InverseSum<Floats> inverse(sum);
    for_each_vector<V>(rows_, [&](std::int64_t i, auto lanes) {
      Floats lo;
      const Floats hi = shifted(i, lanes, lo);
      if (moderate_) {  // every output is normal
        emit(i, lanes, inverse.times(Floats::load_aligned(scratch_ + i)), hi, lo);
      } else {
        const Floats s = inverse.times(exponential_of_sum(hi, lo));
        emit(i, lanes, V::zero_where(V::less(s, Floats(kSmallestNormal)), s), hi, lo);
      }
    });
  }

  double sum;

 private:
  template <class Lanes>
  Floats shifted(std::int64_t i, const Lanes& lanes, Floats& lo) const {
    Floats v_lo;
    const Floats v_hi = v_.value(i, lanes, v_lo);
    const Floats hi = v_hi - m_;
    lo = two_sum_error(v_hi, V::negate(m_), hi);
    if constexpr (kBias) lo = lo + v_lo;
    if (!moderate_) lo = V::select(is_finite(hi), lo, Floats(0.0f));  // hi = -inf: e^hi is 0 whatever lo says
    return hi;
  }

  BiasedColumn<V, kBias> v_;
  Floats m_;
  std::int64_t rows_;
  float* scratch_;
  bool moderate_;
};

// The scaled way's t = x log2(e) + (1.5 2^23 + 127 - K), rounded once, holds k - K + 127 in its low mantissa bits:
// t << 23 is 2^(k - K) (power_of_two_from) and k = t - offset. Its range is tracked on its bits as signed integers:
// a fitting t is positive, its bits ordered as its values; a NaN, an infinity or a negative t lands beyond an end.
template <class V>
struct ShiftedRounding {
  using Floats = typename V::Floats;
  float offset;  // an integer in [2^23, 2^24), exact
  explicit ShiftedRounding(float shift) : offset(kRoundingShifter + 127.0f - shift) {}
  // e^(v - K ln 2) = 2^(k - K) e^r for r = v - k ln 2 (+ the low part of v); sets t.
  template <bool kLowPart>
  Floats scaled_exponential(Floats v_hi, Floats v_lo, Floats& t) const {
    Floats r;
    t = round_and_reduce(v_hi, Floats(offset), r);
    return times_exp_minus_one_plus_one(power_of_two_from(t), exp_minus_one_reduced(kLowPart ? r + v_lo : r));
  }
};

// t's range on its bits; k_max, k_min are NaN, infinite or far out where the column has a NaN, an inf or a huge value.
template <class V>
struct BitsRange {
  using Ints = typename V::Ints;
  static constexpr std::int32_t kLowest = std::numeric_limits<std::int32_t>::min(), kHighest = -(kLowest + 1);
  Ints max_bits = Ints(kLowest), min_bits = Ints(kHighest);
  template <class Lanes>
  void add(const Lanes& lanes, typename V::Floats t) {
    max_bits = V::max_int(max_bits, V::as_ints(lanes.keep_or(t, V::as_floats(Ints(kLowest)))));
    min_bits = V::min_int(min_bits, V::as_ints(lanes.keep_or(t, V::as_floats(Ints(kHighest)))));
  }
  float k_max(float offset) const { return std::bit_cast<float>(V::max_lane(max_bits)) - offset; }
  float k_min(float offset) const { return std::bit_cast<float>(V::min_lane(min_bits)) - offset; }
};

// The fast path for a column of at most kSoftmaxScratchRows rows: p = 2^(k - K) e^r into scratch, then a = p / S
// written once by Writer. Returns false, having written nothing, when the column's k do not fit the bounds above or
// a value is NaN. S (FMA ISAs): four vectors at a time, (p0 + p1) + (p2 + p3) in float, then into double; every p is
// positive, so the float roundings cost at most u = 2^-24 of S in all. next: a later column, prefetched into L2.
template <class V, class Writer, bool kBias>
bool softmax_column_scaled(const BiasedColumn<V, kBias>& v, float shift, float* a, std::int64_t rows, float* scratch,
                           const float* next) {
  using Floats = typename V::Floats;
  constexpr std::int64_t kWidth = V::kLanes;
  const ShiftedRounding<V> rounding(shift);
  BitsRange<V> t_range;
  auto exponential_at = [&](std::int64_t i, const auto& lanes) {
    Floats v_lo;
    const Floats v_hi = v.value(i, lanes, v_lo);
    Floats t;
    const Floats p = rounding.template scaled_exponential<kBias>(v_hi, v_lo, t);
    t_range.add(lanes, t);
    p.store_aligned(scratch + i);  // whole vectors: the scratch holds a multiple of every vector width
    if (next != nullptr && i % 16 == 0) __builtin_prefetch(next + i, 0, 2);
    return p;
  };
  // One double accumulator: each vector's halves added first, so that AVX2 keeps it in a register.
  typename V::Doubles sum(0.0);
  auto add = [&](Floats p) { sum += V::widen_low(p) + V::widen_high(p); };
  std::int64_t start = 0;
  for (; start + 4 * kWidth <= rows; start += 4 * kWidth) {
    const AllLanes<V> all;
    const Floats p0 = exponential_at(start, all), p1 = exponential_at(start + kWidth, all);
    const Floats p2 = exponential_at(start + 2 * kWidth, all), p3 = exponential_at(start + 3 * kWidth, all);
    if constexpr (V::kHasFma) add((p0 + p1) + (p2 + p3));
    else add(p0), add(p1), add(p2), add(p3);  // without FMA the exponential's own error is larger: each p in double
  }
  for_each_vector<V>(rows - start, [&](std::int64_t offset, auto lanes) {
    add(lanes.keep(exponential_at(start + offset, lanes)));
  });
  const float k_max = t_range.k_max(rounding.offset), k_min = t_range.k_min(rounding.offset);
  const bool fits = k_max <= kLargestReducibleK && k_min >= -kLargestReducibleK &&  // false for infinite k
                    k_max - shift <= kLargestShiftedK && k_min - shift >= kSmallestShiftedK &&
                    k_max - k_min <= kLargestSpreadK;  // false for NaN
  if (!fits) return false;
  const InverseSum<Floats> inverse(horizontal_sum(sum));
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

// a = softmax(z + bias) for one column of rows >= 1; bias may be nullptr; scratch: kSoftmaxScratchRows floats,
// 64-byte aligned.
template <class V, class Writer, bool kBias>
void softmax_column_of(const BiasedColumn<V, kBias>& v, float* a, std::int64_t rows, float* scratch,
                       const float* next) {
  using Floats = typename V::Floats;
  if (rows <= kSoftmaxScratchRows) {  // K from the first vector (v rounded: an estimate is all it needs to be)
    Floats lo;
    const Floats first = rows >= V::kLanes
                             ? v.value(0, AllLanes<V>{}, lo)
                             : FirstLanes<V>(rows).keep_or(v.value(0, FirstLanes<V>(rows), lo), Floats(-kInfinity));
    const float shift = shift_for(horizontal_max(first));
    if (shift == shift && softmax_column_scaled<V, Writer>(v, shift, a, rows, scratch, next)) return;
  }
  const ColumnRange range = range_of<V>(v, rows);
  const float shift = shift_for(range.max);  // NaN beyond kReducibleMagnitude
  if (range.is_moderate(rows) && shift == shift && softmax_column_scaled<V, Writer>(v, shift, a, rows, scratch, next))
    return;
  Writer out(a);
  SoftmaxShiftedByMax<V, kBias>(v, range, rows, scratch).for_each([&](auto i, auto& lanes, Floats s, Floats, Floats) {
    out.put(i, lanes, s);
  });
  out.finish();
}

template <class V, class Writer>
void softmax_column(const float* z, const float* bias, float* a, std::int64_t rows, float* scratch, const float* next) {
  if (bias != nullptr) return softmax_column_of<V, Writer>(BiasedColumn<V, true>{z, bias}, a, rows, scratch, next);
  softmax_column_of<V, Writer>(BiasedColumn<V, false>{z, nullptr}, a, rows, scratch, next);
}

}  // namespace
}  // namespace nnk::eltwise
