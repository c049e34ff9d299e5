// nnk::Network: a multilayer perceptron trained with the fused kernels of the training-step data flow.
//
//   nnk::Network net({.inputs = 30,
//                     .layers = {{.units = 16, .activation = nnk::Activation::ReLU, .dropout = 0.1f},
//                                {.units = 1, .activation = nnk::Activation::Sigmoid}},
//                     .loss = nnk::Loss::BinaryCrossEntropy, .seed = 42, .l2 = 1e-4f});
//   float cost = net.train_step(x, y, nnk::Adam{.learning_rate = 1e-3f});   // x: 30 x m, y: 1 x m
//   net.predict(x_test, probabilities);                                      // 1 x m_test
//
// Conventions (docs/design.md): column-major, examples are columns, layers indexed from 0 (layer 0 reads the
// inputs, layer num_layers() - 1 is the output layer). For a given seed and ISA every result is bitwise identical
// for any thread count and on every run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "nnk/matrix.hpp"
#include "nnk/optim.hpp"
#include "nnk/types.hpp"

namespace nnk {

// One layer: `units` outputs, activation g. dropout is the probability of dropping a unit of a hidden layer during
// training (inverted dropout: kept units are scaled by 1 / (1 - dropout)); it must be 0 on the output layer.
struct LayerSpec {
  std::int64_t units = 1;
  Activation activation = Activation::Identity;
  float dropout = 0;
};

// The whole architecture. layers.back() is the output layer; its activation must be the one the loss pairs with
// (nnk::output_activation(loss): Sigmoid for BinaryCrossEntropy, Softmax for CategoricalCrossEntropy, Identity for
// MeanSquaredError). A single layer is a generalized linear model (linear regression with MeanSquaredError).
// seed keys every random number (initialization, dropout). l1 and l2 regularize the weights, never the biases, and
// are part of the cost: J += l1 * sum|W| + (l2 / 2) * sum W^2.
struct NetworkSpec {
  std::int64_t inputs = 1;
  std::vector<LayerSpec> layers = {};
  Loss loss = Loss::MeanSquaredError;
  std::uint64_t seed = 0;
  float l1 = 0;
  float l2 = 0;
};

// The update rule of train_step: nnk::Sgd (optionally with momentum) or nnk::Adam (nnk/optim.hpp).
using Optimizer = std::variant<Sgd, Adam>;

class Network {
 public:
  // Validates the spec (nnk::Error naming the field otherwise) and initializes the weights from spec.seed: He
  // (normal, variance 2 / fan_in) for ReLU layers, Glorot (uniform, variance 2 / (fan_in + fan_out)) for the others;
  // biases start at 0.
  explicit Network(NetworkSpec spec);
  Network(const Network& other);
  Network& operator=(const Network& other);
  Network(Network&& other) noexcept;
  Network& operator=(Network&& other) noexcept;
  ~Network();

  const NetworkSpec& spec() const;
  std::size_t num_layers() const;
  std::int64_t inputs() const;
  std::int64_t outputs() const;
  // train_step calls so far: the step that keys the dropout masks of the next forward pass.
  std::int64_t steps() const;

  // Parameters of layer l: W is units[l] x units[l-1] (units[-1] = inputs), b is units[l] x 1. Writable.
  MatrixView weights(std::size_t l);
  ConstMatrixView weights(std::size_t l) const;
  MatrixView bias(std::size_t l);
  ConstMatrixView bias(std::size_t l) const;

  // dW and db of layer l as the last backward() computed them (the cost's gradient, regularization included).
  // Unspecified after train_step, which may update the weights without materializing the gradient.
  ConstMatrixView weight_grad(std::size_t l) const;
  ConstMatrixView bias_grad(std::size_t l) const;

  // Training-mode forward pass over the m columns of x (inputs x m, m >= 1): dropout is applied with the masks of
  // step steps(). Keeps what backward() needs (x is copied). Returns A[L-1] (outputs x m), valid until the next call
  // that changes this network.
  ConstMatrixView forward(ConstMatrixView x);

  // Backward pass for the last forward(): y is outputs x m. Returns the cost J (mean loss plus regularization) and
  // fills weight_grad / bias_grad. Does not change the parameters.
  float backward(ConstMatrixView y);

  // One training step on the mini-batch (x, y): forward, backward and update fused (docs/design.md), then steps()
  // grows by one. Returns J before the update. After the first call at a given batch size, allocates nothing.
  // Non-finite values are not looked for (that would cost a pass per step): NaN or infinity in x, y or the
  // parameters, or an overflow, shows as a NaN or infinite return value, and the update may already have written
  // NaN into the parameters. Check the returned cost, or train with nnk::fit, which rejects such data before the
  // step and restores the network when training diverges (nnk::TrainingDiverged).
  float train_step(ConstMatrixView x, ConstMatrixView y, const Optimizer& optimizer);

  // Inference (no dropout): out (outputs x m) = A[L-1] for the columns of x. Safe to call concurrently on a const
  // network (it uses its own scratch space).
  void predict(ConstMatrixView x, MatrixView out) const;
  Matrix predict(ConstMatrixView x) const;

  // A versioned little-endian binary file: the spec, the parameters and a checksum; written to a temporary file in
  // the same directory and renamed into place. load rejects a truncated, corrupt or foreign file with nnk::Error.
  // The loaded network predicts bit-identically to the saved one (optimizer state and steps() are not saved).
  void save(const std::string& path) const;
  static Network load(const std::string& path);

  struct State;  // the implementation (lib/nn/network_state.hpp)

 private:
  std::unique_ptr<State> state_;
  friend struct NetworkAccess;
};

// --- gradient check

struct GradientCheckOptions {
  double step = 1e-5;                    // h of the central difference (J(p + h) - J(p - h)) / 2h, in double
  double floor = 1e-3;                   // relative error = |analytic - numeric| / max(|analytic| + |numeric|, floor)
  std::int64_t max_entries_per_matrix = 256;  // larger W or b: this many entries, evenly spaced; 0: all
};

struct GradientCheckResult {
  double max_relative_error = 0;
  // Where the worst entry is: layer, bias or weight, row, column, and both values.
  std::size_t layer = 0;
  bool is_bias = false;
  std::int64_t row = 0, col = 0;
  double analytic = 0, numeric = 0;
  std::int64_t checked = 0;           // entries compared
  std::int64_t skipped_at_kinks = 0;  // entries whose +-h moved a ReLU pre-activation across 0 (no derivative there)
};

// Compares backward()'s gradient (the float kernels) at (x, y) with central differences of the cost evaluated in
// double, dropout masks and regularization included. Runs forward/backward on net (so weight_grad changes); the
// parameters are left as they were.
GradientCheckResult gradient_check_details(Network& net, ConstMatrixView x, ConstMatrixView y,
                                           const GradientCheckOptions& options = {});
// The maximum relative error of gradient_check_details.
double gradient_check(Network& net, ConstMatrixView x, ConstMatrixView y, const GradientCheckOptions& options = {});

}  // namespace nnk
