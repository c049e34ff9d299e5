// The inference forward pass (internal to lib/nn): no dropout, its own scratch space, nothing in the network
// changes, so it may run concurrently on a const network.
#pragma once

#include "nn/network_state.hpp"

namespace nnk::nn {

enum class InferenceOutput { Activations, Logits };

// The hidden layers' activations of one block of columns; it grows to what a call needs and is kept for the next.
struct InferenceScratch {
  Matrix a[2];
};

// out (outputs x m) = A[L-1] (or the logits Z[L-1]) for the columns of x; shapes already checked. Works through x
// in blocks of a fixed number of columns, so the scratch space stays bounded for any m. The first form allocates
// its scratch; the second uses (and if needed enlarges) the caller's.
void infer(const Network::State& state, ConstMatrixView x, MatrixView out, InferenceOutput what);
void infer(const Network::State& state, ConstMatrixView x, MatrixView out, InferenceOutput what,
           InferenceScratch& scratch);

}  // namespace nnk::nn
