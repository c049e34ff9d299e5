// add_into: accumulator[i] = accumulator[i] + addend[i], one IEEE float addition per element and nothing else.
// The ordered fold's bits rest on it: no contraction (there is no product to fuse with), no reassociation (nnk is
// built without -ffast-math), no wider intermediate. Vectorized, it is one vaddps per lane group.
#pragma once

#include <cstddef>

namespace nnk::mpi::detail {

void add_into(float* accumulator, const float* addend, std::size_t n) noexcept;

}  // namespace nnk::mpi::detail
