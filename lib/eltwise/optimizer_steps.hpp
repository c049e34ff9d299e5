// The per-element constants of one optimizer step, prepared once per step (internal). nnk::sgd_update and
// nnk::adam_update use them over whole matrices; lib/nn applies the same kernels tile by tile in the epilogue of the
// dW GEMM, so both give the same bits.
#pragma once

#include <cstdint>

#include "eltwise/eltwise_kernels.hpp"
#include "nnk/optim.hpp"
#include "nnk/types.hpp"

namespace nnk::eltwise {

// uses_momentum false: the velocity is neither read nor written.
SgdStep sgd_step(const Sgd& opt, bool uses_momentum, Regularization reg);

// Bias corrections of step `step` (1, 2, ...) computed in double, as the reference does, and folded in.
AdamStep adam_step(const Adam& opt, std::int64_t step, Regularization reg);

}  // namespace nnk::eltwise
