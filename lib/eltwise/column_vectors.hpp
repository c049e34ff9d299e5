// Walking the columns of a block one vector of rows at a time, and the double sums of the kernels (internal;
// included by the kernel bodies in the per-ISA translation units, everything in an anonymous namespace). V is an ISA
// of the SIMD layer (simd/simd.hpp).
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
#include "simd/simd.hpp"
#include "simd/vector_math.hpp"

namespace nnk::eltwise {
namespace {

// The kernels are written in the SIMD layer's vocabulary (mul_add, select, sigmoid...).
using namespace nnk::simd;

constexpr float kInfinity = std::numeric_limits<float>::infinity();
constexpr float kSmallestNormal = std::numeric_limits<float>::min();
alignas(64) constexpr float kLaneIndices[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

inline const float* column(ConstBlock b, std::int64_t j) { return b.data + j * b.ld; }
inline float* column(Block b, std::int64_t j) { return b.data + j * b.ld; }

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
  typename V::LaneMask mask;
  explicit FirstLanes(std::int64_t n) : count(n), mask(V::first_lanes(n)) {}
  Floats load(const float* p) const { return V::load_first(p, mask); }
  void store(float* p, Floats v) const { V::store_first(p, mask, v); }
  Floats keep(Floats v) const { return keep_or(v, Floats(0.0f)); }
  std::int64_t live() const { return count; }
  Floats keep_or(Floats v, Floats fill) const {
    return V::select(V::less(Floats::load_aligned(kLaneIndices), Floats(static_cast<float>(count))), v, fill);
  }
};

// body(i, lanes) for i = 0, W, 2W, ... < n (W lanes per vector); lanes is AllLanes, or FirstLanes for a last,
// partial vector.
template <class V, class Body>
inline void for_each_vector(std::int64_t n, Body&& body) {
  constexpr std::int64_t kWidth = V::Floats::size;
  std::int64_t i = 0;
  for (; i + kWidth <= n; i += kWidth) body(i, AllLanes<V>{});
  if (i < n) body(i, FirstLanes<V>(n - i));
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

}  // namespace
}  // namespace nnk::eltwise
