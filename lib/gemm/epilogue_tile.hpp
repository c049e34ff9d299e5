// The GEMM epilogue on one finished tile, vectorized with the ISA's batch type (included only by the per-ISA
// GEMM files; internal linkage). Semantics: nnk::GemmEpilogue in include/nnk/gemm.hpp.
//
// The tile is walked one row vector at a time, across all of its columns: the bias vector and the activation's
// constants are loaded once per row vector, the columns are independent (their long-latency divisions overlap),
// and the row sums stay in a register. A short row vector (the tile's last, when its rows are not a multiple of
// the vector width) is read and written under a mask. Every row goes through the same vector math whatever its
// position, and the tiling never depends on the thread count: results are bitwise identical for any number of
// threads.
//
// B is the xsimd batch of the ISA (for the vector math), V the micro-kernel's register struct (masked loads and
// stores: Reg, Mask, kLanes, load_masked, store_masked, row_mask).
#pragma once

#include <algorithm>
#include <cstdint>

#include "eltwise/vector_math.hpp"
#include "gemm/gemm_kernels.hpp"

namespace nnk::gemm {
namespace {

// What the epilogue does after the activation step (chosen per GEMM, a template argument of the tile loop).
enum class DerivativeStep { None, Multiply };

template <class B, class V>
struct EpilogueLanes {
  static_assert(B::size == V::kLanes, "batch and register struct of one ISA");
  typename V::Mask mask;
  static EpilogueLanes rows(std::int64_t n) { return {V::row_mask(static_cast<int>(n))}; }
  B load(const float* p) const { return B(V::load_masked(p, mask)); }
  void store(float* p, B x) const { V::store_masked(p, mask, static_cast<typename V::Reg>(x)); }
};

// One row vector (rows [i, i + lanes) of the tile) across every column of the tile.
// G: the forward activation (applied when `forward`); D: the derivative whose product is taken (when Multiply).
template <class B, class V, Activation G, DerivativeStep Step, Activation D>
inline void epilogue_row_vector(const EpilogueTile& t, std::int64_t i, const EpilogueLanes<B, V>& lanes,
                                bool forward) {
  const GemmEpilogue& e = *t.spec;
  const B bias = e.bias != nullptr ? lanes.load(e.bias + t.row0 + i) : B(0.0f);
  const float* derivative = Step == DerivativeStep::Multiply ? e.derivative_of + t.row0 + i + t.col0 * e.derivative_ld
                                                             : nullptr;
  B row_sum(0.0f);
  for (std::int64_t j = 0; j < t.cols; ++j) {
    float* c = t.c + i + j * t.ldc;
    B x = lanes.load(c);
    if (forward) x = eltwise::activate<G>(x + bias);
    if constexpr (Step == DerivativeStep::Multiply)
      x = x * eltwise::derivative_from_output<D>(lanes.load(derivative + j * e.derivative_ld));
    lanes.store(c, x);
    // Column by column, in order, starting from column 0's value: the sum of each row does not depend on the
    // vector width or on where the tile starts.
    row_sum = j == 0 ? x : row_sum + x;
  }
  if (t.partial_row_sums != nullptr) lanes.store(t.partial_row_sums + i, row_sum);
}

template <class B, class V, Activation G, DerivativeStep Step, Activation D>
void epilogue_tile_for(const EpilogueTile& t) {
  const GemmEpilogue& e = *t.spec;
  const bool forward = e.bias != nullptr || G != Activation::Identity;
  constexpr std::int64_t kLanes = B::size;
  const auto full = EpilogueLanes<B, V>::rows(kLanes);
  std::int64_t i = 0;
  for (; i + kLanes <= t.rows; i += kLanes) epilogue_row_vector<B, V, G, Step, D>(t, i, full, forward);
  if (i < t.rows) epilogue_row_vector<B, V, G, Step, D>(t, i, EpilogueLanes<B, V>::rows(t.rows - i), forward);
}

template <class B, class V, Activation G>
EpilogueKernel epilogue_for_derivative(const GemmEpilogue& e) {
  if (e.derivative_of == nullptr) return &epilogue_tile_for<B, V, G, DerivativeStep::None, Activation::Identity>;
  switch (e.derivative_activation) {
    case Activation::Sigmoid: return &epilogue_tile_for<B, V, G, DerivativeStep::Multiply, Activation::Sigmoid>;
    case Activation::Tanh: return &epilogue_tile_for<B, V, G, DerivativeStep::Multiply, Activation::Tanh>;
    case Activation::ReLU: return &epilogue_tile_for<B, V, G, DerivativeStep::Multiply, Activation::ReLU>;
    default: return &epilogue_tile_for<B, V, G, DerivativeStep::Multiply, Activation::Identity>;
  }
}

// The tile loop specialized for one epilogue: chosen once per GEMM (softmax is rejected by the front end).
template <class B, class V>
EpilogueKernel select_epilogue(const GemmEpilogue& e) {
  switch (e.activation) {
    case Activation::Sigmoid: return epilogue_for_derivative<B, V, Activation::Sigmoid>(e);
    case Activation::Tanh: return epilogue_for_derivative<B, V, Activation::Tanh>(e);
    case Activation::ReLU: return epilogue_for_derivative<B, V, Activation::ReLU>(e);
    default: return epilogue_for_derivative<B, V, Activation::Identity>(e);
  }
}

}  // namespace
}  // namespace nnk::gemm
