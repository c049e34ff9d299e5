// Whole training steps of nnk::Network (forward, backward and SGD update fused) against the FMA peak and against the
// same step done with the nnk::ref kernels one pass at a time (nnk::ref::train_step):
//   train_step[sgd]  784-512-256-1, ReLU hidden layers, sigmoid + binary cross-entropy, m = 256
//   train_step[sgd]  2-16-16-1 tanh, sigmoid + binary cross-entropy, m = 64 (fixed costs per step dominate)
#pragma once

#include "profile_run.hpp"

namespace nnk_profile {

Section train_step_section();

}  // namespace nnk_profile
