// Column writers: how a kernel stores the result vectors of one column (internal; per-ISA translation units only).
//
// A kernel computes a column one vector at a time, from the column's first row (column_vectors.hpp), and hands each
// result to a writer with put(i, lanes, v); finish() after the last one. CachedColumn stores each vector where it
// belongs, as before. StreamingColumn writes the same values with non-temporal stores, which need an aligned address:
// when the column does not start on a vector boundary, consecutive results are re-cut into aligned vectors with one
// lane shift (V::Shift) instead of computing the column in another grouping, so the arithmetic, and the order of any
// sum the kernel accumulates next to its output, are the same with either writer: results are bitwise identical.
//
// A writer never writes an element before the kernel has loaded it from its inputs (put(i, ...) writes elements
// below i + W only), so outputs may alias inputs as the kernel contract allows.
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "eltwise/column_vectors.hpp"
#include "eltwise/eltwise_kernels.hpp"

namespace nnk::eltwise {
namespace {

// Regular stores: the column stays in cache for whatever reads it next.
template <class V>
class CachedColumn {
 public:
  explicit CachedColumn(float* column) : column_(column) {}
  template <class Lanes>
  void put(std::int64_t i, const Lanes& lanes, typename V::Floats v) {
    lanes.store(column_ + i, v);
  }
  void finish() {}

 private:
  float* column_;
};

// Non-temporal stores of whole aligned vectors; the elements before the first vector boundary (lead of them) and
// after the last whole aligned vector go through masked regular stores.
template <class V>
class StreamingColumn {
  using Floats = typename V::Floats;
  static constexpr std::int64_t kWidth = Floats::size;
  static constexpr std::uintptr_t kVectorBytes = sizeof(float) * kWidth;

 public:
  explicit StreamingColumn(float* column)
      : column_(column),
        lead_(static_cast<std::int64_t>((kVectorBytes - reinterpret_cast<std::uintptr_t>(column) % kVectorBytes) %
                                        kVectorBytes / sizeof(float))),
        shift_(lead_ == 0 ? 1 : lead_) {}

  // v: the results for elements [i, i + lanes.live()), i = 0, W, 2W, ... in order.
  template <class Lanes>
  void put(std::int64_t i, const Lanes& lanes, Floats v) {
    const std::int64_t end = i + lanes.live();
    if (lead_ == 0) {  // aligned column: each whole vector is an aligned vector
      if (end - i == kWidth) {
        V::stream(column_ + i, v);
      } else {
        V::store_first(column_ + i, V::first_lanes(end - i), v);
      }
      return;
    }
    if (i == 0) {  // the unaligned head
      written_ = std::min(lead_, end);
      V::store_first(column_, V::first_lanes(written_), v);
    } else {  // elements [written_, written_ + W): the rest of the previous vector, the start of this one
      const Floats aligned = shift_(previous_, v);
      const std::int64_t pending = end - written_;
      if (pending >= kWidth) {
        V::stream(column_ + written_, aligned);
        written_ += kWidth;
      } else {
        V::store_first(column_ + written_, V::first_lanes(pending), aligned);
        written_ = end;
      }
    }
    previous_ = v;
    end_ = end;
  }

  // The elements of the last vector not written yet (fewer than W - lead of them).
  void finish() {
    if (lead_ != 0 && written_ < end_) {
      V::store_first(column_ + written_, V::first_lanes(end_ - written_), shift_(previous_, previous_));
    }
  }

 private:
  float* column_;
  std::int64_t lead_;  // elements before the first aligned address (0: the column is aligned)
  typename V::Shift shift_;
  Floats previous_ = Floats(0.0f);
  std::int64_t written_ = 0;  // elements [0, written_) are stored
  std::int64_t end_ = 0;      // elements [0, end_) were put
};

// kernel(type_identity<Writer>{}) with the writer of `stores`; a streaming kernel is followed by a store fence, so
// that its non-temporal stores are ordered before whatever tells another thread the work is done.
template <class V, class Kernel>
inline auto with_column_writer(Stores stores, Kernel&& kernel) {
  if (stores == Stores::Streaming) {
    struct Fence {
      ~Fence() { V::fence(); }
    } fence;
    return kernel(std::type_identity<StreamingColumn<V>>{});
  }
  return kernel(std::type_identity<CachedColumn<V>>{});
}

}  // namespace
}  // namespace nnk::eltwise
