// Walking the columns of a block one vector of rows at a time, and the small reductions of the kernels (internal;
// included by kernel_bodies.hpp in the per-ISA translation units, everything in an anonymous namespace).
//
// Vector traits V provide:
//   Floats, Doubles                    xsimd batches of the ISA (Doubles has half as many lanes)
//   load_first(p, n), store_first(p, n, v)   the first n < Floats::size lanes; load_first zeroes the others
//   widen_low(v), widen_high(v)        the low / high half of a float batch as doubles
//   stream(p, v), fence()              non-temporal store of a whole vector at an aligned p; store fence
//   Shift(lead)(a, b)                  lanes [lead, W) of a followed by lanes [0, lead) of b, 0 < lead < W
//
// The last, partial vector of a column uses masked loads and stores (FirstLanes), so nothing past the end of a
// column is touched and every lane computes the same arithmetic whatever its position: a result never depends on
// how the work was split.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include <xsimd/xsimd.hpp>

#include "eltwise/eltwise_kernels.hpp"
#include "eltwise/vector_math.hpp"

namespace nnk::eltwise {
namespace {

constexpr float kInfinity = std::numeric_limits<float>::infinity();
constexpr float kSmallestNormal = std::numeric_limits<float>::min();
alignas(64) constexpr float kLaneIndices[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

// --- walking a column one vector at a time

// Every lane of the vector lies inside the column.
template <class V>
struct AllLanes {
  using Floats = typename V::Floats;
  static Floats load(const float* p) { return Floats::load_unaligned(p); }
  static void store(float* p, Floats v) { v.store_unaligned(p); }
  static Floats keep(Floats v) { return v; }                        // v in live lanes, 0 elsewhere
  static Floats keep_or(Floats v, Floats /*fill*/) { return v; }   // v in live lanes, fill elsewhere
  static constexpr std::int64_t live() { return Floats::size; }     // lanes inside the column
};

// Only the first `count` lanes lie inside the column (the last vector of a column).
template <class V>
struct FirstLanes {
  using Floats = typename V::Floats;
  std::int64_t count;
  Floats load(const float* p) const { return V::load_first(p, count); }
  void store(float* p, Floats v) const { V::store_first(p, count, v); }
  Floats keep(Floats v) const { return keep_or(v, Floats(0.0f)); }
  std::int64_t live() const { return count; }
  Floats keep_or(Floats v, Floats fill) const {
    using Ops = OpsOf<Floats>;
    return Ops::select(Ops::less(Floats::load_aligned(kLaneIndices), Floats(static_cast<float>(count))), v, fill);
  }
};

// body(i, lanes) for i = 0, W, 2W, ... < n (W lanes per vector); lanes is AllLanes, or FirstLanes for a last,
// partial vector.
template <class V, class Body>
inline void for_each_vector(std::int64_t n, Body&& body) {
  constexpr std::int64_t kWidth = V::Floats::size;
  std::int64_t i = 0;
  for (; i + kWidth <= n; i += kWidth) body(i, AllLanes<V>{});
  if (i < n) body(i, FirstLanes<V>{n - i});
}

// The lanes of a batch folded in lane order: combine(combine(lane 0, lane 1), lane 2)... (xsimd's reductions would
// bring a weak symbol: see vector_ops.hpp).
template <class Batch, class Combine>
inline typename Batch::value_type fold_lanes(Batch v, Combine combine) {
  alignas(64) typename Batch::value_type lanes[Batch::size];
  v.store_aligned(lanes);
  typename Batch::value_type result = lanes[0];
  for (std::size_t k = 1; k < Batch::size; ++k) result = combine(result, lanes[k]);
  return result;
}

// The lanes of a double batch added in lane order.
template <class Doubles>
inline double horizontal_sum(Doubles v) {
  return fold_lanes(v, [](double sum, double lane) { return sum + lane; });
}

// A sum of floats kept in double lanes; total() adds the lanes in a fixed order.
template <class V>
struct DoubleSum {
  using Doubles = typename V::Doubles;
  Doubles low = Doubles(0.0);
  Doubles high = Doubles(0.0);
  void add(typename V::Floats v) {
    low += V::widen_low(v);
    high += V::widen_high(v);
  }
  double total() const { return horizontal_sum(low + high); }
};

// The largest and smallest lane of v (NaN lanes may or may not be seen).
template <class V>
inline float horizontal_max(typename V::Floats v) {
  return fold_lanes(v, [](float max, float lane) { return lane > max ? lane : max; });
}

template <class V>
inline float horizontal_min(typename V::Floats v) {
  return fold_lanes(v, [](float min, float lane) { return lane < min ? lane : min; });
}

}  // namespace
}  // namespace nnk::eltwise
