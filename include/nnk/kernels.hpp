// The optimized activation, loss and optimizer kernels: the functions of nnk::ref (nnk/ref.hpp) other than sgemm,
// with the same signatures, semantics and argument checks (nnk::Error naming the argument), vectorized for the
// active ISA (nnk::active_isa()) and spread over nnk's threads on large inputs.
//
// Results are bitwise identical for any thread count (reductions use a chunking fixed by the shape and add the
// chunks in order; elementwise results never depend on the split). They may differ between ISAs, and from nnk::ref
// within these bounds ("ulp" against the reference's correctly rounded result; the largest errors measured, and the
// budgets tests/eltwise enforces: tests/support/eltwise/accuracy_budgets.hpp holds the same numbers):
//   bias_activation_forward  identity, ReLU: the reference's bits. sigmoid <= 2 ulp, tanh <= 2 ulp (3 on generic;
//                            every float in [-100, 100]); softmax <= 3 ulp per element, z + bias formed exactly.
//                            For sigmoid and tanh z + bias is rounded to float first: with a bias, allow 1e-7
//                            absolute (sigmoid) or one more ulp (tanh). Results below FLT_MIN are 0 (the reference
//                            may return subnormals).
//   activation_derivative    identity, ReLU: exact; sigmoid, tanh: one rounding (1 ulp from the reference, which
//                            rounds twice) with FMA, <= 2 ulp on generic.
//   activation_backward      identity, ReLU: the reference's bits; sigmoid, tanh <= 2 ulp (3 on generic).
//   loss_and_delta           delta: MSE the reference's bits; BCE and CCE within the sigmoid / softmax bound before
//                            y is subtracted. Cost: per-element losses in float (<= 3 ulp each), summed in double per
//                            chunk of columns, chunks in order: relative error <= 4 * 2^-24 when every term is >= 0
//                            (targets in the loss's domain); MSE from the exact difference, ~1e-15.
//   bias_gradient            the reference's bits (each row summed in double over the columns in order).
//   regularization_cost      summed in double: relative error ~1e-15.
//   sgd_update, adam_update  float arithmetic with FMA: within an ulp of w plus a few ulp of the step.
// NaN propagates as in the reference, and +-inf give the reference's limits.
#pragma once

#include <cstdint>

#include "nnk/matrix.hpp"
#include "nnk/optim.hpp"
#include "nnk/types.hpp"

namespace nnk {

// A = g(Z + bias * 1^T): bias is rows(Z) x 1, or empty (0 x 0) for no bias. Softmax normalizes each column.
// A may be Z itself (in place).
void bias_activation_forward(Activation g, ConstMatrixView z, ConstMatrixView bias, MatrixView a);

// D = g'(.) computed from the activation output A: sigmoid a(1-a), tanh 1-a^2, ReLU (a > 0 ? 1 : 0), identity 1.
// Softmax has no elementwise derivative: nnk::Error.
void activation_derivative(Activation g, ConstMatrixView a, MatrixView derivative);

// dZ = dA o g'(A), the backward step through a hidden activation. dZ may be dA itself.
void activation_backward(Activation g, ConstMatrixView a, ConstMatrixView da, MatrixView dz);

// The output layer in one pass: delta = g(Z) - Y with g = output_activation(loss); returns the cost
// J = (1/m) * sum over the m columns of the per-example loss. Binary cross-entropy from the logit. delta may be Z
// (or Y) itself. Categorical cross-entropy's delta is its gradient only when every column of Y sums to 1.
// Z must have >= 1 row and column.
double loss_and_delta(Loss loss, ConstMatrixView z, ConstMatrixView y, MatrixView delta);

// db = scale * (row sums of dZ); db is rows(dZ) x 1.
void bias_gradient(ConstMatrixView dz, float scale, MatrixView db);

// The regularization part of the cost for one weight matrix: l1 * sum |w| + (l2 / 2) * sum w^2.
double regularization_cost(ConstMatrixView w, Regularization reg);

// One SGD step on W: g = dW + l1*sign(W) + l2*W; with momentum v = momentum*v + g, W -= learning_rate * v,
// else W -= learning_rate * g. velocity has W's shape, or is empty (0 x 0) when momentum == 0 (then untouched).
void sgd_update(MatrixView w, ConstMatrixView dw, MatrixView velocity, const Sgd& opt, Regularization reg);

// One Adam step (step = 1, 2, ...) on W with g = dW + l1*sign(W) + l2*W; m1, m2 (W's shape) are the first and second
// moment estimates: W -= lr * m1_hat / (sqrt(m2_hat) + epsilon), m_hat = m / (1 - beta^step).
void adam_update(MatrixView w, ConstMatrixView dw, MatrixView m1, MatrixView m2, std::int64_t step, const Adam& opt,
                 Regularization reg);

}  // namespace nnk
