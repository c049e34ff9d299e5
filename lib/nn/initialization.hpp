// Initial weights (internal to lib/nn).
#pragma once

#include <cstdint>

#include "nnk/matrix.hpp"
#include "nnk/types.hpp"

namespace nnk::nn {

// Fills W (units x fan_in) of layer `layer` from the counter stream (seed, Initialization, layer): He for ReLU
// (normal, variance 2 / fan_in, which keeps the activations' scale through rectifiers), Glorot for the others
// (uniform in +-sqrt(6 / (fan_in + fan_out)), variance 2 / (fan_in + fan_out)). Element (i, j) depends on its
// index only, so the result does not depend on threads or on the order of evaluation.
void initialize_weights(MatrixView weights, Activation activation, std::uint64_t seed, std::uint64_t layer);

}  // namespace nnk::nn
