// The regularization sums and the SGD and Adam updates as templates over an ISA V of the SIMD layer (internal;
// per-ISA translation units only). Entry points: optimizers.cpp.
#pragma once

#include <cstdint>

#include "eltwise/column_vectors.hpp"
#include "eltwise/eltwise_kernels.hpp"

namespace nnk::eltwise {
namespace {

template <class V>
RegularizationSums regularization_sums_kernel(ConstBlock w) {
  using Doubles = typename V::Doubles;
  using Ops = OpsOf<typename V::Floats>;
  Doubles abs_low(0.0), abs_high(0.0), square_low(0.0), square_high(0.0);
  for (std::int64_t j = 0; j < w.cols; ++j) {
    const float* wj = column(w, j);
    for_each_vector<V>(w.rows, [&](std::int64_t i, auto lanes) {
      const auto x = Ops::abs(lanes.load(wj + i));  // lanes past the column are 0; |x| is exact
      const Doubles low = V::widen_low(x), high = V::widen_high(x);
      abs_low += low;
      abs_high += high;
      square_low += low * low;  // the square of a float is exact in double
      square_high += high * high;
    });
  }
  return {horizontal_sum(abs_low + abs_high), horizontal_sum(square_low + square_high)};
}

// g = dw + l1 sign(w) + l2 w, sign(0) = 0.
template <class Floats>
inline Floats regularized_gradient(Floats w, Floats dw, float l1, float l2) {
  using Ops = OpsOf<Floats>;
  const Floats negative_or_zero = Ops::select(Ops::less(w, Floats(0.0f)), Floats(-1.0f), Floats(0.0f));
  const Floats sign = Ops::select(Ops::greater(w, Floats(0.0f)), Floats(1.0f), negative_or_zero);
  return mul_add(Floats(l2), w, mul_add(Floats(l1), sign, dw));
}

template <class V, bool kMomentum>
void sgd_columns(Block w, ConstBlock dw, Block velocity, SgdStep step) {
  using Floats = typename V::Floats;
  for (std::int64_t j = 0; j < w.cols; ++j) {
    float* wj = column(w, j);
    const float* dwj = column(dw, j);
    float* vj = kMomentum ? column(velocity, j) : nullptr;
    for_each_vector<V>(w.rows, [&](std::int64_t i, auto lanes) {
      const Floats wi = lanes.load(wj + i);
      Floats g = regularized_gradient(wi, lanes.load(dwj + i), step.l1, step.l2);
      if constexpr (kMomentum) {
        g = mul_add(Floats(step.momentum), lanes.load(vj + i), g);
        lanes.store(vj + i, g);
      }
      lanes.store(wj + i, neg_mul_add(Floats(step.learning_rate), g, wi));
    });
  }
}

template <class V>
void sgd_update_kernel(Block w, ConstBlock dw, Block velocity, SgdStep step) {
  if (step.momentum != 0.0f) {
    sgd_columns<V, true>(w, dw, velocity, step);
  } else {
    sgd_columns<V, false>(w, dw, velocity, step);
  }
}

template <class V>
void adam_update_kernel(Block w, ConstBlock dw, Block m1, Block m2, AdamStep step) {
  using Floats = typename V::Floats;
  for (std::int64_t j = 0; j < w.cols; ++j) {
    float* wj = column(w, j);
    const float* dwj = column(dw, j);
    float* m1j = column(m1, j);
    float* m2j = column(m2, j);
    for_each_vector<V>(w.rows, [&](std::int64_t i, auto lanes) {
      const Floats wi = lanes.load(wj + i);
      const Floats g = regularized_gradient(wi, lanes.load(dwj + i), step.l1, step.l2);
      const Floats first = mul_add(Floats(step.beta1), lanes.load(m1j + i), Floats(step.one_minus_beta1) * g);
      const Floats second = mul_add(Floats(step.beta2), lanes.load(m2j + i), Floats(step.one_minus_beta2) * g * g);
      lanes.store(m1j + i, first);
      lanes.store(m2j + i, second);
      // lr * (m1 / c1) / (sqrt(m2 / c2) + epsilon), with the corrections folded into step_size and the factor.
      const Floats denominator =
          mul_add(OpsOf<Floats>::sqrt(second), Floats(step.inverse_sqrt_correction2), Floats(step.epsilon));
      lanes.store(wj + i, wi - Floats(step.step_size) * first / denominator);
    });
  }
}

}  // namespace
}  // namespace nnk::eltwise
