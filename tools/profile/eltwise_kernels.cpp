#include "eltwise_kernels.hpp"

#include "nnk/kernels.hpp"
#include "nnk/ref.hpp"

namespace nnk_profile {

namespace {

using nnk::Activation;
using nnk::Loss;

// Uniform in [lo, hi) from a xorshift stream: fast enough to refill 64 MiB arrays between kernels.
void fill_uniform(nnk::Matrix& x, float lo, float hi, std::uint64_t seed) {
  std::uint64_t state = 0x9E3779B97F4A7C15ull * (seed + 1);
  float* data = x.data();
  for (std::int64_t i = 0; i < x.size(); ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    data[i] = lo + (hi - lo) * (static_cast<float>(state >> 40) * 0x1.0p-24f);
  }
}

// Operand 0: logits in [-4, 4]; bias in [-1, 1].
void logits(EltwiseBuffers& b) {
  fill_uniform(b.operand[0], -4.0f, 4.0f, 1);
  fill_uniform(b.bias, -1.0f, 1.0f, 2);
}

// Operand 0: activation outputs in (0, 1), inside every activation's range; operand 1: incoming gradients.
void outputs(EltwiseBuffers& b) {
  fill_uniform(b.operand[0], 0.01f, 0.99f, 3);
  fill_uniform(b.operand[1], -1.0f, 1.0f, 4);
}

// Operand 1: targets in the loss's domain (BCE [0, 1], CCE one-hot columns, MSE any real).
void targets(EltwiseBuffers& b, Loss loss) {
  logits(b);
  nnk::Matrix& y = b.operand[1];
  if (loss == Loss::CategoricalCrossEntropy) {
    y.fill(0.0f);
    for (std::int64_t j = 0; j < y.cols(); ++j) y(j % y.rows(), j) = 1.0f;
  } else {
    fill_uniform(y, loss == Loss::MeanSquaredError ? -1.0f : 0.0f, 1.0f, 5);
  }
}

// Weights, gradients, and the optimizer's state (the second moment >= 0).
void weights(EltwiseBuffers& b) {
  fill_uniform(b.operand[0], -1.0f, 1.0f, 6);
  fill_uniform(b.operand[1], -0.01f, 0.01f, 7);
  fill_uniform(b.operand[2], -0.01f, 0.01f, 8);
  fill_uniform(b.operand[3], 0.0f, 1e-4f, 9);
}

struct Variant {
  const char* name;
  Activation g;
  double forward_flops;     // bias add + g
  double derivative_flops;  // g' from the output
};

// Sigmoid 1 / (1 + exp(-x)): negate, exp, add, divide; softmax per element: max, subtract, exp, sum, divide.
constexpr Variant kActivations[] = {{"identity", Activation::Identity, 1, 0},
                                    {"sigmoid", Activation::Sigmoid, 5, 2},
                                    {"tanh", Activation::Tanh, 2, 2},
                                    {"relu", Activation::ReLU, 2, 1},
                                    {"softmax", Activation::Softmax, 6, 0}};

struct LossVariant {
  const char* name;
  Loss loss;
  double flops;  // loss term, delta and the sum, per element
};

constexpr LossVariant kLosses[] = {{"bce", Loss::BinaryCrossEntropy, 9},
                                   {"cce", Loss::CategoricalCrossEntropy, 9},
                                   {"mse", Loss::MeanSquaredError, 4}};

std::vector<EltwiseKernel> make_kernels() {
  std::vector<EltwiseKernel> list;
  for (const Variant& v : kActivations) {
    const Activation g = v.g;
    list.push_back(
        {"bias_activation_forward[" + std::string(v.name) + "]", 1, 1, v.forward_flops, logits,
         [g](EltwiseBuffers& b) { nnk::bias_activation_forward(g, b.operand[0], b.bias, b.operand[1]); },
         [g](EltwiseBuffers& b) { nnk::ref::bias_activation_forward(g, b.operand[0], b.bias, b.operand[1]); }});
  }
  for (const Variant& v : kActivations) {
    if (v.g == Activation::Identity || v.g == Activation::Softmax) continue;  // trivial / no elementwise derivative
    const Activation g = v.g;
    list.push_back({"activation_derivative[" + std::string(v.name) + "]", 1, 1, v.derivative_flops, outputs,
                    [g](EltwiseBuffers& b) { nnk::activation_derivative(g, b.operand[0], b.operand[2]); },
                    [g](EltwiseBuffers& b) { nnk::ref::activation_derivative(g, b.operand[0], b.operand[2]); }});
  }
  for (const Variant& v : kActivations) {
    if (v.g == Activation::Identity || v.g == Activation::Softmax) continue;
    const Activation g = v.g;
    list.push_back(
        {"activation_backward[" + std::string(v.name) + "]", 2, 1, v.derivative_flops + 1, outputs,
         [g](EltwiseBuffers& b) { nnk::activation_backward(g, b.operand[0], b.operand[1], b.operand[2]); },
         [g](EltwiseBuffers& b) { nnk::ref::activation_backward(g, b.operand[0], b.operand[1], b.operand[2]); }});
  }
  for (const LossVariant& v : kLosses) {
    const Loss loss = v.loss;
    list.push_back(
        {"loss_and_delta[" + std::string(v.name) + "]", 2, 1, v.flops, [loss](EltwiseBuffers& b) { targets(b, loss); },
         [loss](EltwiseBuffers& b) { nnk::loss_and_delta(loss, b.operand[0], b.operand[1], b.operand[2]); },
         [loss](EltwiseBuffers& b) { nnk::ref::loss_and_delta(loss, b.operand[0], b.operand[1], b.operand[2]); }});
  }
  list.push_back({"bias_gradient", 1, 0, 1, outputs,
                  [](EltwiseBuffers& b) { nnk::bias_gradient(b.operand[1], 0.01f, b.bias); },
                  [](EltwiseBuffers& b) { nnk::ref::bias_gradient(b.operand[1], 0.01f, b.bias); }});
  const nnk::Regularization reg{.l1 = 1e-4f, .l2 = 1e-3f};
  // |w|, w^2, two sums, two scalings folded into the end: 4 per element.
  list.push_back({"regularization_cost", 1, 0, 4, weights,
                  [reg](EltwiseBuffers& b) { nnk::regularization_cost(b.operand[0], reg); },
                  [reg](EltwiseBuffers& b) { nnk::ref::regularization_cost(b.operand[0], reg); }});
  const nnk::Sgd sgd{.learning_rate = 0.01f, .momentum = 0.9f};
  const nnk::Regularization l2{.l2 = 1e-4f};
  // g = dw + l2 w, v = mu v + g, w -= lr v: reads w, dw, v; writes w, v.
  list.push_back({"sgd_update[momentum]", 3, 2, 6, weights,
                  [=](EltwiseBuffers& b) { nnk::sgd_update(b.operand[0], b.operand[1], b.operand[2], sgd, l2); },
                  [=](EltwiseBuffers& b) { nnk::ref::sgd_update(b.operand[0], b.operand[1], b.operand[2], sgd, l2); }});
  // g = dw + l2 w, two moment updates, bias corrections, sqrt, divide, step: reads w, dw, m1, m2; writes w, m1, m2.
  list.push_back({"adam_update", 4, 3, 14, weights,
                  [=](EltwiseBuffers& b) {
                    nnk::adam_update(b.operand[0], b.operand[1], b.operand[2], b.operand[3], 10, nnk::Adam{}, l2);
                  },
                  [=](EltwiseBuffers& b) {
                    nnk::ref::adam_update(b.operand[0], b.operand[1], b.operand[2], b.operand[3], 10, nnk::Adam{}, l2);
                  }});
  return list;
}

}  // namespace

EltwiseBuffers::EltwiseBuffers(std::int64_t rows, std::int64_t cols)
    : operand{nnk::Matrix(rows, cols), nnk::Matrix(rows, cols), nnk::Matrix(rows, cols), nnk::Matrix(rows, cols)},
      bias(rows, 1) {}

const std::vector<EltwiseKernel>& eltwise_kernels() {
  static const std::vector<EltwiseKernel> kernels = make_kernels();
  return kernels;
}

}  // namespace nnk_profile
