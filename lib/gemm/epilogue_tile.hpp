// The GEMM epilogue on one finished tile, vectorized with an ISA V of the SIMD layer (included only by the per-ISA
// GEMM files; internal linkage). Semantics: nnk::GemmEpilogue in include/nnk/gemm.hpp.
//
// The tile is walked one row vector at a time, across all of its columns: the bias vector and the activation's
// constants are loaded once per row vector, the columns are independent (their long-latency divisions overlap),
// and the row sums stay in a register. A short row vector (the tile's last, when its rows are not a multiple of
// the vector width) is read and written under a mask. Every row goes through the same vector math whatever its
// position, and the tiling never depends on the thread count: results are bitwise identical for any number of
// threads.
//
// NR is the most columns a tile has.
#pragma once

#include <algorithm>
#include <cstdint>

#include "gemm/gemm_kernels.hpp"
#include "simd/simd.hpp"
#include "simd/vector_math.hpp"

namespace nnk::gemm {
namespace {

// What the epilogue does after the activation step (chosen per GEMM, a template argument of the tile loop).
enum class DerivativeStep { None, Multiply };

// The rows of one row vector that lie inside the tile.
template <class V>
struct RowLanes {
  typename V::LaneMask mask;
  static RowLanes rows(std::int64_t n) { return {V::first_lanes(n)}; }
  typename V::Floats load(const float* p) const { return V::load_first(p, mask); }
  void store(float* p, typename V::Floats x) const { V::store_first(p, mask, x); }
};

// One row vector (rows [i, i + lanes) of the tile) across every column of the tile (at most NR).
// G: the forward activation (applied when `forward`); D: the derivative whose product is taken (when Multiply).
// Every column is loaded before the first store: a short tile's masked store spans the next columns' addresses, and
// a load behind it would wait for it to retire (masked stores do not forward).
template <class V, int NR, Activation G, DerivativeStep Step, Activation D>
inline void epilogue_row_vector(const EpilogueTile& t, std::int64_t i, const RowLanes<V>& lanes, bool forward) {
  using B = typename V::Floats;
  const GemmEpilogue& e = *t.spec;
  const std::int64_t cols = t.cols;
  float* const c = t.c + i;
  B x[NR];
#pragma GCC unroll 16
  for (int j = 0; j < NR; ++j) x[j] = j < cols ? lanes.load(c + j * t.ldc) : B(0.0f);

  if (forward) {
    const B bias = e.bias != nullptr ? lanes.load(e.bias + t.row0 + i) : B(0.0f);
    // Fully unrolled, so that x[] stays in registers (a rolled loop keeps it on the stack) and the columns'
    // divisions overlap; the activations are short enough (tanh: ~20 operations) for a few spills at most.
#pragma GCC unroll 16
    for (int j = 0; j < NR; ++j)
      if (j < cols) x[j] = simd::activate<G>(x[j] + bias);
  }
  if constexpr (Step == DerivativeStep::Multiply) {
    const float* s = e.derivative_of + t.row0 + i + t.col0 * e.derivative_ld;
#pragma GCC unroll 16
    for (int j = 0; j < NR; ++j)
      if (j < cols) x[j] = x[j] * simd::derivative_from_output<D>(lanes.load(s + j * e.derivative_ld));
  }
  if (t.partial_row_sums != nullptr) {
    // Column by column, in order, starting from column 0's value: the sum of each row does not depend on the
    // vector width or on where the tile starts.
    B row_sum = x[0];
#pragma GCC unroll 16
    for (int j = 1; j < NR; ++j)
      if (j < cols) row_sum = row_sum + x[j];
    lanes.store(t.partial_row_sums + i, row_sum);
  }
#pragma GCC unroll 16
  for (int j = 0; j < NR; ++j)
    if (j < cols) lanes.store(c + j * t.ldc, x[j]);
}

template <class V, int NR, Activation G, DerivativeStep Step, Activation D>
void epilogue_tile_for(const EpilogueTile& t) {
  const GemmEpilogue& e = *t.spec;
  const bool forward = e.bias != nullptr || G != Activation::Identity;
  constexpr std::int64_t kLanes = V::kLanes;
  const auto full = RowLanes<V>::rows(kLanes);
  std::int64_t i = 0;
  for (; i + kLanes <= t.rows; i += kLanes) epilogue_row_vector<V, NR, G, Step, D>(t, i, full, forward);
  if (i < t.rows) epilogue_row_vector<V, NR, G, Step, D>(t, i, RowLanes<V>::rows(t.rows - i), forward);
}

template <class V, int NR, Activation G>
EpilogueKernel epilogue_for_derivative(const GemmEpilogue& e) {
  if (e.derivative_of == nullptr) return &epilogue_tile_for<V, NR, G, DerivativeStep::None, Activation::Identity>;
  switch (e.derivative_activation) {
    case Activation::Sigmoid: return &epilogue_tile_for<V, NR, G, DerivativeStep::Multiply, Activation::Sigmoid>;
    case Activation::Tanh: return &epilogue_tile_for<V, NR, G, DerivativeStep::Multiply, Activation::Tanh>;
    case Activation::ReLU: return &epilogue_tile_for<V, NR, G, DerivativeStep::Multiply, Activation::ReLU>;
    default: return &epilogue_tile_for<V, NR, G, DerivativeStep::Multiply, Activation::Identity>;
  }
}

// The tile loop specialized for one epilogue: chosen once per GEMM (softmax is rejected by the front end).
template <class V, int NR>
EpilogueKernel select_epilogue(const GemmEpilogue& e) {
  switch (e.activation) {
    case Activation::Sigmoid: return epilogue_for_derivative<V, NR, Activation::Sigmoid>(e);
    case Activation::Tanh: return epilogue_for_derivative<V, NR, Activation::Tanh>(e);
    case Activation::ReLU: return epilogue_for_derivative<V, NR, Activation::ReLU>(e);
    default: return epilogue_for_derivative<V, NR, Activation::Identity>(e);
  }
}

}  // namespace
}  // namespace nnk::gemm
