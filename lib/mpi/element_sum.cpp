#include "mpi/element_sum.hpp"

namespace nnk::mpi::detail {

void add_into(float* accumulator, const float* addend, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) accumulator[i] = accumulator[i] + addend[i];
}

}  // namespace nnk::mpi::detail
