#include "reference_train_step.hpp"

#include <stdexcept>
#include <string>

#include "nnk/ref.hpp"

namespace nnk_profile {

ReferenceTrainStep::ReferenceTrainStep(const nnk::Network& network, std::int64_t batch) : spec_(network.spec()) {
  for (std::size_t l = 0; l < network.num_layers(); ++l) {
    if (spec_.layers[l].dropout != 0)
      throw std::invalid_argument("ReferenceTrainStep: layer " + std::to_string(l) + " has dropout " +
                                  std::to_string(spec_.layers[l].dropout) + ", expected 0");
    weights_.push_back(nnk::Matrix::from(network.weights(l)));
    biases_.push_back(nnk::Matrix::from(network.bias(l)));
    const std::int64_t units = spec_.layers[l].units;
    activations_.emplace_back(units, batch);
    deltas_.emplace_back(units, batch);
    weight_grads_.emplace_back(weights_.back().rows(), weights_.back().cols());
    bias_grads_.emplace_back(units, 1);
  }
}

float ReferenceTrainStep::train_step(nnk::ConstMatrixView x, nnk::ConstMatrixView y, const nnk::Sgd& sgd) {
  const std::size_t layers = weights_.size();
  const std::int64_t m = x.cols();
  if (m != activations_[0].cols() || y.cols() != m)
    throw std::invalid_argument("ReferenceTrainStep::train_step: x has " + std::to_string(m) + " and y " +
                                std::to_string(y.cols()) + " columns, expected the batch size " +
                                std::to_string(activations_[0].cols()));
  const nnk::Regularization reg{.l1 = spec_.l1, .l2 = spec_.l2};
  auto input_of = [&](std::size_t l) -> nnk::ConstMatrixView { return l == 0 ? x : activations_[l - 1].view(); };

  // Forward. The output layer keeps its logits: the loss takes Z and applies the output activation itself.
  for (std::size_t l = 0; l < layers; ++l) {
    const nnk::ConstMatrixView in = input_of(l);
    nnk::Matrix& z = activations_[l];
    nnk::ref::sgemm(nnk::Trans::No, nnk::Trans::No, z.rows(), m, in.rows(), 1.0f, weights_[l].data(), weights_[l].ld(),
                    in.data(), in.ld(), 0.0f, z.data(), z.ld());
    const bool output = l + 1 == layers;
    nnk::ref::bias_activation_forward(output ? nnk::Activation::Identity : spec_.layers[l].activation, z, biases_[l],
                                      z);
  }
  double cost = nnk::ref::loss_and_delta(spec_.loss, activations_[layers - 1], y, deltas_[layers - 1]);
  for (const nnk::Matrix& w : weights_) cost += nnk::ref::regularization_cost(w, reg);

  // Backward: dW = dZ A_prev^T / m, db = rowsum(dZ) / m, dZ_prev = (W^T dZ) o g'(A_prev) (before W changes).
  const float inv_m = 1.0f / static_cast<float>(m);
  for (std::size_t l = layers; l-- > 0;) {
    const nnk::ConstMatrixView in = input_of(l);
    const nnk::Matrix& dz = deltas_[l];
    nnk::Matrix& dw = weight_grads_[l];
    nnk::ref::sgemm(nnk::Trans::No, nnk::Trans::Yes, dw.rows(), dw.cols(), m, inv_m, dz.data(), dz.ld(), in.data(),
                    in.ld(), 0.0f, dw.data(), dw.ld());
    nnk::ref::bias_gradient(dz, inv_m, bias_grads_[l]);
    if (l == 0) continue;
    nnk::Matrix& dz_prev = deltas_[l - 1];
    nnk::ref::sgemm(nnk::Trans::Yes, nnk::Trans::No, dz_prev.rows(), m, dz.rows(), 1.0f, weights_[l].data(),
                    weights_[l].ld(), dz.data(), dz.ld(), 0.0f, dz_prev.data(), dz_prev.ld());
    nnk::ref::activation_backward(spec_.layers[l - 1].activation, activations_[l - 1], dz_prev, dz_prev);
  }

  // Update: regularization on the weights only.
  const nnk::Sgd plain{.learning_rate = sgd.learning_rate, .momentum = 0};
  for (std::size_t l = 0; l < layers; ++l) {
    nnk::ref::sgd_update(weights_[l], weight_grads_[l], nnk::MatrixView(), plain, reg);
    nnk::ref::sgd_update(biases_[l], bias_grads_[l], nnk::MatrixView(), plain, {});
  }
  return static_cast<float>(cost);
}

}  // namespace nnk_profile
