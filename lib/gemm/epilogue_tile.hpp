// The GEMM epilogue on one finished tile, vectorized with the ISA's batch type (included only by the per-ISA
// GEMM files; internal linkage). Semantics: nnk::GemmEpilogue in include/nnk/gemm.hpp.
//
// A tile column holds at most MR rows: whole vectors, then one partial vector that is copied through a small
// zero-padded buffer, so every row goes through the same vector math whatever its position (and the tiling never
// depends on the thread count: the results are bitwise identical for any number of threads).
#pragma once

#include <algorithm>
#include <cstdint>

#include "eltwise/vector_math.hpp"
#include "gemm/gemm_kernels.hpp"

namespace nnk::gemm {
namespace {

// Calls op(x_ptr, row_offset, lanes) over [0, rows) in vectors of B::size; the last one may be partial (lanes < size).
template <class B, class Op>
inline void for_each_vector(std::int64_t rows, Op&& op) {
  constexpr std::int64_t kLanes = B::size;
  std::int64_t i = 0;
  for (; i + kLanes <= rows; i += kLanes) op(i, kLanes);
  if (i < rows) op(i, rows - i);
}

template <class B>
inline B load_lanes(const float* p, std::int64_t lanes) {
  if (lanes == B::size) return B::load_unaligned(p);
  alignas(64) float buffer[B::size] = {};
  std::copy_n(p, lanes, buffer);
  return B::load_aligned(buffer);
}

template <class B>
inline void store_lanes(float* p, std::int64_t lanes, B x) {
  if (lanes == B::size) return x.store_unaligned(p);
  alignas(64) float buffer[B::size];
  x.store_aligned(buffer);
  std::copy_n(buffer, lanes, p);
}

// C = g(C + bias) over one column run.
template <class B, Activation G>
void bias_activate_run(float* c, const float* bias, std::int64_t rows) {
  for_each_vector<B>(rows, [&](std::int64_t i, std::int64_t lanes) {
    B x = load_lanes<B>(c + i, lanes);
    if (bias != nullptr) x = x + load_lanes<B>(bias + i, lanes);
    store_lanes(c + i, lanes, eltwise::activate<G>(x));
  });
}

// C *= g'(S), g' from the output S, over one column run.
template <class B, Activation D>
void multiply_derivative_run(float* c, const float* s, std::int64_t rows) {
  for_each_vector<B>(rows, [&](std::int64_t i, std::int64_t lanes) {
    const B x = load_lanes<B>(c + i, lanes);
    store_lanes(c + i, lanes, x * eltwise::derivative_from_output<D>(load_lanes<B>(s + i, lanes)));
  });
}

using ColumnRun = void (*)(float* c, const float* other, std::int64_t rows);

template <class B, template <class, Activation> class Pick>
ColumnRun run_for(Activation g) {
  switch (g) {
    case Activation::Sigmoid: return Pick<B, Activation::Sigmoid>::run;
    case Activation::Tanh: return Pick<B, Activation::Tanh>::run;
    case Activation::ReLU: return Pick<B, Activation::ReLU>::run;
    default: return Pick<B, Activation::Identity>::run;
  }
}
template <class B, Activation G>
struct PickForward {
  static void run(float* c, const float* bias, std::int64_t rows) { bias_activate_run<B, G>(c, bias, rows); }
};
template <class B, Activation D>
struct PickDerivative {
  static void run(float* c, const float* s, std::int64_t rows) { multiply_derivative_run<B, D>(c, s, rows); }
};

template <class B>
void epilogue_tile(const EpilogueTile& t) {
  const GemmEpilogue& e = *t.spec;
  const bool forward = e.bias != nullptr || e.activation != Activation::Identity;
  const ColumnRun forward_run = run_for<B, PickForward>(e.activation);
  const ColumnRun derivative_run = run_for<B, PickDerivative>(e.derivative_activation);
  for (std::int64_t j = 0; j < t.cols; ++j) {
    float* col = t.c + j * t.ldc;
    if (forward) forward_run(col, e.bias != nullptr ? e.bias + t.row0 : nullptr, t.rows);
    if (e.derivative_of != nullptr)
      derivative_run(col, e.derivative_of + t.row0 + (t.col0 + j) * e.derivative_ld, t.rows);
    if (t.partial_row_sums != nullptr) {
      // Column by column, in order: the sum of each row does not depend on the vector width.
      for_each_vector<B>(t.rows, [&](std::int64_t i, std::int64_t lanes) {
        const B x = load_lanes<B>(col + i, lanes);
        store_lanes(t.partial_row_sums + i, lanes, j == 0 ? x : x + load_lanes<B>(t.partial_row_sums + i, lanes));
      });
    }
  }
}

}  // namespace
}  // namespace nnk::gemm
