// Argument checks of the Network entry points (internal to lib/nn). Each throws nnk::Error prefixed with the
// function name and naming the argument, the expected and the actual value.
#pragma once

#include <cstddef>
#include <cstdint>

#include "nn/network_state.hpp"
#include "nnk/error.hpp"

namespace nnk::nn {

// x must be inputs x m with m >= 1; `examples` is m (x.cols(), or the whole set's size where x is a shard of it).
inline void check_input(const char* function, const Network::State& state, ConstMatrixView x, std::int64_t examples) {
  if (x.rows() != state.spec.inputs)
    detail::fail(function, ": x has ", x.rows(), " rows, the network expects ", state.spec.inputs, " inputs");
  if (examples < 1) detail::fail(function, ": x has 0 columns, expected at least 1 example");
}
inline void check_input(const char* function, const Network::State& state, ConstMatrixView x) {
  check_input(function, state, x, x.cols());
}

// y must be outputs x m.
inline void check_targets(const char* function, const Network::State& state, ConstMatrixView y, std::int64_t m) {
  const std::int64_t outputs = state.units(state.num_layers() - 1);
  if (y.rows() != outputs || y.cols() != m)
    detail::fail(function, ": y is ", y.rows(), " x ", y.cols(), ", expected outputs x examples = ", outputs, " x ", m);
}

inline void check_layer(const char* function, const Network::State& state, std::size_t l) {
  if (l >= state.num_layers())
    detail::fail(function, ": l must be < num_layers() = ", state.num_layers(), ", got ", l);
}

}  // namespace nnk::nn
