// The argument contracts of the activation, loss and optimizer kernels (internal).
//
// nnk::ref::f and nnk::f accept exactly the same arguments, so both call the same check with their own name for the
// messages, e.g. check_activation_backward("nnk::activation_backward", ...). Each check throws nnk::Error naming the
// function, the argument, the expected and the actual value (see argument_checks.hpp).
#pragma once

#include <cstdint>

#include "nnk/matrix.hpp"
#include "nnk/optim.hpp"
#include "nnk/types.hpp"

namespace nnk::detail {

// bias_activation_forward(g, z, bias, a): a has z's shape; bias is rows(z) x 1, or 0 x 0 for none.
// Returns whether a bias was given.
bool check_bias_activation_forward(const char* function, Activation g, const ConstMatrixView& z, const ConstMatrixView& bias,
                                   const ConstMatrixView& a);

// activation_derivative(g, a, derivative): g elementwise (not Softmax); derivative has a's shape.
void check_activation_derivative(const char* function, Activation g, const ConstMatrixView& a, const ConstMatrixView& derivative);

// activation_backward(g, a, da, dz): g elementwise; da and dz have a's shape.
void check_activation_backward(const char* function, Activation g, const ConstMatrixView& a, const ConstMatrixView& da,
                               const ConstMatrixView& dz);

// loss_and_delta(loss, z, y, delta): z has at least one row and one column; y and delta have z's shape.
void check_loss_and_delta(const char* function, Loss loss, const ConstMatrixView& z, const ConstMatrixView& y,
                          const ConstMatrixView& delta);

// bias_gradient(dz, scale, db): db is rows(dz) x 1.
void check_bias_gradient(const char* function, const ConstMatrixView& dz, const ConstMatrixView& db);

// l1, l2 finite and >= 0.
void check_regularization(const char* function, Regularization reg);

// sgd_update(w, dw, velocity, opt, reg): dw has w's shape; velocity too, or 0 x 0 when momentum == 0.
// Returns whether the step uses momentum (momentum != 0), i.e. reads and writes the velocity.
bool check_sgd_update(const char* function, const ConstMatrixView& w, const ConstMatrixView& dw, const ConstMatrixView& velocity,
                      const Sgd& opt, Regularization reg);

// adam_update(w, dw, m1, m2, step, opt, reg): dw, m1, m2 have w's shape; step >= 1.
void check_adam_update(const char* function, const ConstMatrixView& w, const ConstMatrixView& dw, const ConstMatrixView& m1,
                       const ConstMatrixView& m2, std::int64_t step, const Adam& opt, Regularization reg);

}  // namespace nnk::detail
