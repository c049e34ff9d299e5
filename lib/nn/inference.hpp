// The inference forward pass (internal to lib/nn): no dropout, its own scratch space, nothing in the network
// changes, so it may run concurrently on a const network.
#pragma once

#include "nn/network_state.hpp"

namespace nnk::nn {

enum class InferenceOutput { Activations, Logits };

// out (outputs x m) = A[L-1] (or the logits Z[L-1]) for the columns of x; shapes already checked. Works through x
// in blocks of a fixed number of columns, so the scratch space stays bounded for any m.
void infer(const Network::State& state, ConstMatrixView x, MatrixView out, InferenceOutput what);

}  // namespace nnk::nn
