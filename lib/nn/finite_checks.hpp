// Scans for NaN and infinity (internal to lib/nn): fit checks each batch of data before a step uses it, and the
// parameters after each epoch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "nn/network_state.hpp"
#include "nnk/matrix.hpp"

namespace nnk::nn {

// Whether every element of v is finite. One pass of integer compares over the bit patterns, which the compiler
// vectorizes (std::isfinite in a loop does not): cheap next to a training step on the same data.
bool all_finite(ConstMatrixView v);

// The first non-finite element of v in column-major order, if any (the slow path, after all_finite said no).
struct NonFiniteElement {
  std::int64_t row = 0;
  std::int64_t col = 0;
  float value = 0;
};
std::optional<NonFiniteElement> first_non_finite(ConstMatrixView v);

// The first non-finite parameter of a network: layer, weights or bias, and the element.
struct NonFiniteParameter {
  std::size_t layer = 0;
  bool is_bias = false;
  NonFiniteElement element;
};
std::optional<NonFiniteParameter> first_non_finite_parameter(const Network::State& state);

}  // namespace nnk::nn
