#include "measure/eltwise_cases.hpp"

#include <cstdint>

#include "nnk/kernels.hpp"
#include "nnk/ref.hpp"

namespace nnk_measure {

namespace {

using nnk::Activation;
using nnk::Loss;

// Uniform in [lo, hi) from a xorshift generator: quick enough to refill 64 MiB arrays between cases.
void fill_uniform(nnk::Matrix& m, float lo, float hi, std::uint32_t seed) {
  std::uint64_t state = 0x9E3779B97F4A7C15ull * (seed + 1);
  float* data = m.data();
  for (std::int64_t k = 0; k < m.size(); ++k) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const float unit = static_cast<float>(state >> 40) * 0x1.0p-24f;  // [0, 1)
    data[k] = lo + (hi - lo) * unit;
  }
}

// Targets: BCE in [0, 1], CCE one-hot, MSE any real.
void fill_targets(nnk::Matrix& y, Loss loss) {
  if (loss == Loss::CategoricalCrossEntropy) {
    y.fill(0.0f);
    for (std::int64_t j = 0; j < y.cols(); ++j) y(j % y.rows(), j) = 1.0f;
  } else {
    fill_uniform(y, loss == Loss::MeanSquaredError ? -1.0f : 0.0f, 1.0f, 7);
  }
}

// Logits in [-4, 4] as operand 0, bias in [-1, 1].
void setup_logits(EltwiseBuffers& b) {
  fill_uniform(b.operand[0], -4.0f, 4.0f, 1);
  fill_uniform(b.bias, -1.0f, 1.0f, 2);
}

// Activation outputs in operand 0 (in g's range), incoming gradients in operand 1.
void setup_outputs(EltwiseBuffers& b) {
  fill_uniform(b.operand[0], 0.01f, 0.99f, 3);
  fill_uniform(b.operand[1], -1.0f, 1.0f, 4);
}

// Weights, gradients and optimizer state (m2 >= 0).
void setup_weights(EltwiseBuffers& b) {
  fill_uniform(b.operand[0], -1.0f, 1.0f, 5);
  fill_uniform(b.operand[1], -0.01f, 0.01f, 6);
  fill_uniform(b.operand[2], -0.01f, 0.01f, 8);
  fill_uniform(b.operand[3], 0.0f, 1e-4f, 9);
}

// Per element: bias add + g (sigmoid: negate, exp, add, divide; softmax: max, subtract, exp, sum, divide).
EltwiseCase forward(const char* name, Activation g, double flops) {
  return {std::string("forward_") + name, std::string("bias_activation_forward[") + name + "]", true, 1, 1, flops,
          setup_logits,
          [g](EltwiseBuffers& b) { nnk::bias_activation_forward(g, b.operand[0], b.bias, b.operand[1]); },
          [g](EltwiseBuffers& b) { nnk::ref::bias_activation_forward(g, b.operand[0], b.bias, b.operand[1]); }};
}

EltwiseCase derivative(const char* name, Activation g, double flops) {
  return {std::string("derivative_") + name, std::string("activation_derivative[") + name + "]", false, 1, 1, flops,
          setup_outputs,
          [g](EltwiseBuffers& b) { nnk::activation_derivative(g, b.operand[0], b.operand[2]); },
          [g](EltwiseBuffers& b) { nnk::ref::activation_derivative(g, b.operand[0], b.operand[2]); }};
}

// g' from the output, times the incoming gradient.
EltwiseCase backward(const char* name, Activation g, double derivative_flops) {
  return {std::string("backward_") + name, std::string("activation_backward[") + name + "]", false, 2, 1,
          derivative_flops + 1, setup_outputs,
          [g](EltwiseBuffers& b) { nnk::activation_backward(g, b.operand[0], b.operand[1], b.operand[2]); },
          [g](EltwiseBuffers& b) { nnk::ref::activation_backward(g, b.operand[0], b.operand[1], b.operand[2]); }};
}

// The loss term, the delta and the sum.
EltwiseCase loss(const char* name, Loss l, double flops) {
  return {std::string("loss_") + name, std::string("loss_and_delta[") + name + "]", false, 2, 1, flops,
          [l](EltwiseBuffers& b) {
            setup_logits(b);
            fill_targets(b.operand[1], l);
          },
          [l](EltwiseBuffers& b) { nnk::loss_and_delta(l, b.operand[0], b.operand[1], b.operand[2]); },
          [l](EltwiseBuffers& b) { nnk::ref::loss_and_delta(l, b.operand[0], b.operand[1], b.operand[2]); }};
}

}  // namespace

EltwiseBuffers::EltwiseBuffers(std::int64_t rows_, std::int64_t cols_)
    : rows(rows_),
      cols(cols_),
      operand{nnk::Matrix(rows_, cols_), nnk::Matrix(rows_, cols_), nnk::Matrix(rows_, cols_), nnk::Matrix(rows_, cols_)},
      bias(rows_, 1) {}

const std::vector<EltwiseCase>& eltwise_cases() {
  static const std::vector<EltwiseCase> cases = [] {
    std::vector<EltwiseCase> list{
        forward("identity", Activation::Identity, 1),
        forward("sigmoid", Activation::Sigmoid, 5),
        forward("tanh", Activation::Tanh, 2),
        forward("relu", Activation::ReLU, 2),
        forward("softmax", Activation::Softmax, 6),
        derivative("sigmoid", Activation::Sigmoid, 2),
        derivative("tanh", Activation::Tanh, 2),
        derivative("relu", Activation::ReLU, 1),
        backward("sigmoid", Activation::Sigmoid, 2),
        backward("tanh", Activation::Tanh, 2),
        backward("relu", Activation::ReLU, 1),
        loss("bce", Loss::BinaryCrossEntropy, 9),
        loss("cce", Loss::CategoricalCrossEntropy, 9),
        loss("mse", Loss::MeanSquaredError, 4),
    };
    list.push_back({"bias_gradient", "bias_gradient", false, 1, 0, 1, setup_outputs,
                    [](EltwiseBuffers& b) { nnk::bias_gradient(b.operand[1], 0.01f, b.bias); },
                    [](EltwiseBuffers& b) { nnk::ref::bias_gradient(b.operand[1], 0.01f, b.bias); }});
    // |w|, w^2 and two sums per element.
    list.push_back({"regularization_cost", "regularization_cost", false, 1, 0, 4, setup_weights,
                    [](EltwiseBuffers& b) { nnk::regularization_cost(b.operand[0], {.l1 = 1e-4f, .l2 = 1e-3f}); },
                    [](EltwiseBuffers& b) { nnk::ref::regularization_cost(b.operand[0], {.l1 = 1e-4f, .l2 = 1e-3f}); }});
    const nnk::Sgd sgd{.learning_rate = 0.01f, .momentum = 0.9f};
    const nnk::Regularization l2{.l2 = 1e-4f};
    // g = dw + l2 w, v = mu v + g, w -= lr v: reads w, dw, v; writes w, v.
    list.push_back({"sgd_momentum", "sgd_update[momentum]", false, 3, 2, 6, setup_weights,
                    [=](EltwiseBuffers& b) { nnk::sgd_update(b.operand[0], b.operand[1], b.operand[2], sgd, l2); },
                    [=](EltwiseBuffers& b) { nnk::ref::sgd_update(b.operand[0], b.operand[1], b.operand[2], sgd, l2); }});
    // g = dw + l2 w, two moment updates, bias corrections, sqrt, divide, step: reads w, dw, m1, m2; writes w, m1, m2.
    list.push_back({"adam", "adam_update", false, 4, 3, 14, setup_weights,
                    [=](EltwiseBuffers& b) {
                      nnk::adam_update(b.operand[0], b.operand[1], b.operand[2], b.operand[3], 10, nnk::Adam{}, l2);
                    },
                    [=](EltwiseBuffers& b) {
                      nnk::ref::adam_update(b.operand[0], b.operand[1], b.operand[2], b.operand[3], 10, nnk::Adam{}, l2);
                    }});
    return list;
  }();
  return cases;
}

}  // namespace nnk_measure
