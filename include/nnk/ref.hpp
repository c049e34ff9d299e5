// nnk::ref: naive, obviously correct kernels that sum in double.
//
// They are the oracle of every test and the baseline of every benchmark, and users may call them to check the
// optimized kernels. Each one validates its arguments like any public entry point (nnk::Error on bad input).
// Speed is not a goal here; clarity is.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "nnk/matrix.hpp"
#include "nnk/optim.hpp"
#include "nnk/types.hpp"

namespace nnk::ref {

// C <- alpha * op(A) * op(B) + beta * C, column-major, BLAS argument conventions (op(A) is m x k, op(B) is k x n).
// Every dot product is summed in double. beta == 0 never reads C (C may hold NaN). alpha == 0 does not read A or B.
void sgemm(Trans trans_a, Trans trans_b, std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float* a,
           std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c, std::int64_t ldc);

// A = g(Z + bias * 1^T): bias is rows(Z) x 1, or empty (0 x 0) for no bias. Softmax normalizes each column.
// A may be Z itself (in place).
void bias_activation_forward(Activation g, ConstMatrixView z, ConstMatrixView bias, MatrixView a);

// D = g'(.) computed from the activation output A: sigmoid a(1-a), tanh 1-a^2, ReLU (a > 0 ? 1 : 0), identity 1.
// Softmax has no elementwise derivative: nnk::Error.
void activation_derivative(Activation g, ConstMatrixView a, MatrixView derivative);

// dZ = dA o g'(A), the backward step through a hidden activation. dZ may be dA itself.
void activation_backward(Activation g, ConstMatrixView a, ConstMatrixView da, MatrixView dz);

// The output layer in one pass. Z holds the logits (pre-activation) of the output layer, Y the targets.
// Writes delta = g(Z) - Y with g = output_activation(loss) and returns the cost J = (1/m) * sum over the m columns
// of the per-example loss. Binary cross-entropy is computed from the logit: log(1 + e^z) - y*z, exact for |z| >= 100.
// delta may be Z itself. Categorical cross-entropy is -sum y * log_softmax(z); its delta softmax(z) - y is the
// gradient only when every column of Y sums to 1 (one-hot or probability targets). Z must have >= 1 row and column.
double loss_and_delta(Loss loss, ConstMatrixView z, ConstMatrixView y, MatrixView delta);

// db = scale * (row sums of dZ); db is rows(dZ) x 1.
void bias_gradient(ConstMatrixView dz, float scale, MatrixView db);

// The regularization part of the cost for one weight matrix: l1 * sum |w| + (l2 / 2) * sum w^2.
double regularization_cost(ConstMatrixView w, Regularization reg);

// One SGD step on W: g = dW + l1*sign(W) + l2*W; with momentum v = momentum*v + g, W -= learning_rate * v,
// else W -= learning_rate * g. velocity has W's shape; it may be empty (0 x 0) when momentum == 0, and is then
// neither read nor written.
// Hyperparameters (both optimizers): learning_rate finite >= 0; momentum, beta1, beta2 in [0, 1); epsilon finite > 0;
// l1, l2 finite >= 0; step >= 1. sign(0) = 0: a zero weight gets no L1 push.
void sgd_update(MatrixView w, ConstMatrixView dw, MatrixView velocity, const Sgd& opt, Regularization reg);

// One Adam step (step = 1, 2, ...) on W with g = dW + l1*sign(W) + l2*W; m1, m2 (W's shape) are the first and second
// moment estimates: W -= lr * m1_hat / (sqrt(m2_hat) + epsilon), m_hat = m / (1 - beta^step).
void adam_update(MatrixView w, ConstMatrixView dw, MatrixView m1, MatrixView m2, std::int64_t step, const Adam& opt,
                 Regularization reg);

// --- a whole training step, composed of the kernels above one pass each (the data flow of docs/design.md)

// One dense layer: A = g(W A_prev + b), W units x fan_in (fan_in: the previous layer's units, or the inputs),
// b units x 1.
struct DenseLayer {
  Matrix weights;
  Matrix bias;
  Activation activation = Activation::Identity;
};

// What train_step computes for each layer l = 0 .. L-1, kept so that callers can inspect every stage. Sized by the
// first step at a batch size and reused: later steps at that size allocate nothing.
struct TrainStepValues {
  std::vector<Matrix> z;   // Z[l] = W[l] A[l-1] + b[l] (A[-1] = X); for the output layer, the logits
  std::vector<Matrix> a;   // A[l] = g(Z[l]); the output layer's g is output_activation(loss)
  std::vector<Matrix> da;  // dA[l] = W[l+1]^T dZ[l+1]; empty (0 x 0) for the output layer
  std::vector<Matrix> dz;  // dZ[l]: A[L-1] - Y for the output layer, dA[l] o g'(A[l]) below it
  std::vector<Matrix> dw;  // dW[l] = (1/m) dZ[l] A[l-1]^T, the loss's part (the update adds the regularization)
  std::vector<Matrix> db;  // db[l] = (1/m) rowsum(dZ[l])
  double cost = 0;         // J: the mean loss plus regularization_cost of every W[l]
};

// One step of plain gradient descent on the m columns of x (inputs x m) and y (outputs x m), m >= 1: forward, the
// cost, backward (every dZ from W before it changes), then W[l] -= learning_rate * (dW[l] + l1 sign(W[l]) +
// l2 W[l]) and b[l] -= learning_rate * db[l], as sgd_update does. Returns J, the cost before the update. The output
// layer's activation must be output_activation(loss); Softmax is valid on the output layer only.
double train_step(std::span<DenseLayer> layers, Loss loss, Regularization reg, ConstMatrixView x, ConstMatrixView y,
                  float learning_rate, TrainStepValues& values);

}  // namespace nnk::ref
