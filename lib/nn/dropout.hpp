// Inverted dropout on hidden activations (internal to lib/nn).
//
// The mask of element (i, j) of layer l at training step s is a pure function of (seed, s, l, i + j * rows): it is
// recomputed in the backward pass instead of stored, and the double-precision gradient check rebuilds it exactly.
#pragma once

#include <cstdint>

#include "core/counter_random.hpp"
#include "nnk/matrix.hpp"

namespace nnk::nn {

inline detail::CounterStream dropout_stream(std::uint64_t seed, std::int64_t step, std::size_t layer) {
  return detail::CounterStream(seed, detail::RandomPurpose::Dropout, static_cast<std::uint64_t>(step), layer);
}

// The factor element `index` is multiplied by: 0 (dropped, with probability rate) or 1 / (1 - rate) (kept).
inline float dropout_factor(const detail::CounterStream& stream, std::uint64_t index, float rate) {
  return stream.uniform_float(index) < rate ? 0.0f : 1.0f / (1.0f - rate);
}

// out = in o mask / (1 - rate); in and out have the same shape (they may be the same matrix). Column j of the views is
// column first_column + j of the layer's batch (a column block of it).
void dropout_forward(ConstMatrixView in, MatrixView out, float rate, const detail::CounterStream& stream,
                     std::int64_t first_column = 0);

// dz *= mask / (1 - rate), in place: the backward step through the dropout of the forward pass with this stream.
void dropout_backward(MatrixView dz, float rate, const detail::CounterStream& stream, std::int64_t first_column = 0);

}  // namespace nnk::nn
