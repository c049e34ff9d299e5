// The activation, derivative, loss and optimizer kernels of nnk/kernels.hpp on L1-resident arrays and on 64 MiB
// arrays, in GB/s against the triad on arrays of the same size and thread count (timed in alternation with the
// kernel, so that both see the same load), and against nnk::ref.
#pragma once

#include "profile_run.hpp"

namespace nnk_profile {

Section eltwise_section();

}  // namespace nnk_profile
