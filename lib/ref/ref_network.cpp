// A whole training step, naive: the kernels of nnk::ref composed one pass per operation, every stage kept.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nnk/ref.hpp"
#include "core/argument_checks.hpp"

namespace nnk::ref {

namespace {

constexpr const char* kTrainStep = "nnk::ref::train_step";

// The layers must chain from x's rows to y's, and the activations must suit their place and the loss.
void check_train_step(std::span<const DenseLayer> layers, Loss loss, ConstMatrixView x, ConstMatrixView y) {
  nnk::detail::expect_valid(kTrainStep, "loss", loss);
  if (layers.empty()) nnk::detail::fail(kTrainStep, ": layers is empty, expected at least the output layer");
  if (x.cols() < 1) nnk::detail::fail(kTrainStep, ": x has no columns, expected at least one example");
  const std::size_t output = layers.size() - 1;
  std::int64_t fan_in = x.rows();
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const DenseLayer& layer = layers[l];
    const std::int64_t units = layer.weights.rows();
    if (units < 1 || layer.weights.cols() != fan_in)
      nnk::detail::fail(kTrainStep, ": layers[", l, "].weights is ", nnk::detail::shape_of(layer.weights),
                        ", expected units x ", fan_in, " (units >= 1)");
    if (layer.bias.rows() != units || layer.bias.cols() != 1)
      nnk::detail::fail(kTrainStep, ": layers[", l, "].bias is ", nnk::detail::shape_of(layer.bias), ", expected ",
                        units, " x 1");
    nnk::detail::expect_valid(kTrainStep, "activation", layer.activation);
    if (l != output && layer.activation == Activation::Softmax)
      nnk::detail::fail(kTrainStep, ": layers[", l, "].activation is Softmax, which is valid on the output layer only");
    fan_in = units;
  }
  if (layers[output].activation != output_activation(loss))
    nnk::detail::fail(kTrainStep, ": the output layer's activation is ", to_string(layers[output].activation), ", ",
                      to_string(loss), " needs ", to_string(output_activation(loss)));
  nnk::detail::expect_shape(kTrainStep, "y", y, {fan_in, x.cols()}, "rows(output weights) x cols(x)");
}

// Keeps `m` when it already has the shape: a step at the same batch size allocates nothing.
void ensure_shape(Matrix& m, std::int64_t rows, std::int64_t cols) {
  if (m.rows() != rows || m.cols() != cols) m = Matrix(rows, cols);
}

void size_values(std::span<const DenseLayer> layers, std::int64_t batch, TrainStepValues& values) {
  for (std::vector<Matrix>* stage : {&values.z, &values.a, &values.da, &values.dz, &values.dw, &values.db})
    stage->resize(layers.size());
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const ConstMatrixView w = layers[l].weights;
    ensure_shape(values.z[l], w.rows(), batch);
    ensure_shape(values.a[l], w.rows(), batch);
    ensure_shape(values.dz[l], w.rows(), batch);
    ensure_shape(values.dw[l], w.rows(), w.cols());
    ensure_shape(values.db[l], w.rows(), 1);
    if (l + 1 < layers.size()) ensure_shape(values.da[l], w.rows(), batch);
    else values.da[l] = Matrix();
  }
}

// C = alpha op(A) op(B), the sizes from the operands.
void multiply(Trans trans_a, Trans trans_b, float alpha, ConstMatrixView a, ConstMatrixView b, MatrixView c) {
  const std::int64_t k = trans_a == Trans::No ? a.cols() : a.rows();
  sgemm(trans_a, trans_b, c.rows(), c.cols(), k, alpha, a.data(), a.ld(), b.data(), b.ld(), 0.0f, c.data(), c.ld());
}

}  // namespace

double train_step(std::span<DenseLayer> layers, Loss loss, Regularization reg, ConstMatrixView x, ConstMatrixView y,
                  float learning_rate, TrainStepValues& values) {
  check_train_step(layers, loss, x, y);
  const std::int64_t m = x.cols();
  size_values(layers, m, values);
  const std::size_t output = layers.size() - 1;
  auto input_of = [&](std::size_t l) -> ConstMatrixView { return l == 0 ? x : ConstMatrixView(values.a[l - 1]); };

  // Forward. A comes from W A_prev + b as summed, Z from the same sum rounded once: the value the loss takes.
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const Activation g = l == output ? output_activation(loss) : layers[l].activation;
    multiply(Trans::No, Trans::No, 1.0f, layers[l].weights, input_of(l), values.z[l]);
    bias_activation_forward(g, values.z[l], layers[l].bias, values.a[l]);
    bias_activation_forward(Activation::Identity, values.z[l], layers[l].bias, values.z[l]);
  }
  values.cost = loss_and_delta(loss, values.z[output], y, values.dz[output]);
  for (const DenseLayer& layer : layers) values.cost += regularization_cost(layer.weights, reg);

  // Backward, from the output down; dZ[l-1] needs W[l] before the update.
  const float inverse_m = 1.0f / static_cast<float>(m);
  for (std::size_t l = layers.size(); l-- > 0;) {
    multiply(Trans::No, Trans::Yes, inverse_m, values.dz[l], input_of(l), values.dw[l]);
    bias_gradient(values.dz[l], inverse_m, values.db[l]);
    if (l == 0) continue;
    multiply(Trans::Yes, Trans::No, 1.0f, layers[l].weights, values.dz[l], values.da[l - 1]);
    activation_backward(layers[l - 1].activation, values.a[l - 1], values.da[l - 1], values.dz[l - 1]);
  }

  // Update: regularization on the weights only.
  const Sgd sgd{.learning_rate = learning_rate, .momentum = 0};
  for (std::size_t l = 0; l < layers.size(); ++l) {
    sgd_update(layers[l].weights, values.dw[l], MatrixView(), sgd, reg);
    sgd_update(layers[l].bias, values.db[l], MatrixView(), sgd, {});
  }
  return values.cost;
}

}  // namespace nnk::ref
