// The elementwise kernels the network layer calls, behind one name (internal to lib/nn).
//
// These are the optimized kernels of nnk/kernels.hpp (vectorized, threaded, deterministic for any thread count).
// The reference kernels (nnk/ref.hpp) have identical signatures and semantics: to run the network on them instead
// (to bisect a numerical difference, say), include nnk/ref.hpp and name nnk::ref as `impl`.
#pragma once

#include "nnk/kernels.hpp"

namespace nnk::nn::kernels {

namespace impl = nnk;

using impl::activation_backward;
using impl::activation_derivative;
using impl::adam_update;
using impl::bias_activation_forward;
using impl::bias_gradient;
using impl::loss_and_delta;
using impl::regularization_cost;
using impl::sgd_update;

}  // namespace nnk::nn::kernels
