#include "measure/network_cases.hpp"

namespace nnk_measure {

namespace {

using nnk::Activation;
using nnk::Loss;

nnk::LayerSpec layer(std::int64_t units, Activation g) { return {.units = units, .activation = g}; }

NetworkCase make_case(std::vector<std::int64_t> widths, Activation hidden, Activation output, Loss loss,
                      std::int64_t batch) {
  NetworkCase c;
  c.spec.inputs = widths.front();
  c.name = std::to_string(widths.front());
  for (std::size_t l = 1; l < widths.size(); ++l) {
    c.spec.layers.push_back(layer(widths[l], l + 1 == widths.size() ? output : hidden));
    c.name += "-" + std::to_string(widths[l]);
  }
  if (hidden == Activation::Tanh) c.name += "-tanh";
  c.name += "/m:" + std::to_string(batch);
  c.spec.loss = loss;
  c.spec.seed = 1;
  c.batch = batch;
  return c;
}

}  // namespace

std::vector<NetworkCase> user_network_cases() {
  const Activation relu = Activation::ReLU, tanh = Activation::Tanh;
  const Activation softmax = Activation::Softmax, sigmoid = Activation::Sigmoid, identity = Activation::Identity;
  const Loss cce = Loss::CategoricalCrossEntropy, bce = Loss::BinaryCrossEntropy, mse = Loss::MeanSquaredError;
  return {make_case({784, 256, 128, 10}, relu, softmax, cce, 32),
          make_case({784, 256, 128, 10}, relu, softmax, cce, 128),
          make_case({784, 256, 128, 10}, relu, softmax, cce, 256),
          make_case({784, 1024, 1024, 10}, relu, softmax, cce, 128),
          make_case({100, 128, 128, 128, 128, 1}, tanh, identity, mse, 64),
          make_case({30, 64, 64, 1}, relu, sigmoid, bce, 32),
          make_case({784, 512, 256, 1}, relu, sigmoid, bce, 256),
          make_case({2, 16, 16, 1}, tanh, sigmoid, bce, 64)};
}

double flops_per_step(const NetworkCase& c) {
  double weights = 0, first = 0;
  std::int64_t fan_in = c.spec.inputs;
  for (const nnk::LayerSpec& l : c.spec.layers) {
    const double w = static_cast<double>(l.units) * static_cast<double>(fan_in);
    if (weights == 0) first = w;
    weights += w;
    fan_in = l.units;
  }
  return 2.0 * static_cast<double>(c.batch) * (3.0 * weights - first);
}

void fill_batch(const NetworkCase& c, nnk::Matrix& x, nnk::Matrix& y) {
  x = nnk::Matrix(c.spec.inputs, c.batch);
  y = nnk::Matrix(c.spec.layers.back().units, c.batch);
  std::uint64_t state = 12345;
  auto next = [&] {  // a 64-bit LCG's top bits: uniform in [-1, 1)
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<float>(state >> 40) * 0x1.0p-23f - 1.0f;
  };
  for (std::int64_t j = 0; j < c.batch; ++j) {
    for (std::int64_t i = 0; i < x.rows(); ++i) x(i, j) = next();
    if (c.spec.loss == Loss::CategoricalCrossEntropy) {
      y(static_cast<std::int64_t>((next() + 1.0f) * 0.5f * static_cast<float>(y.rows())) % y.rows(), j) = 1.0f;
    } else {
      for (std::int64_t i = 0; i < y.rows(); ++i)
        y(i, j) = c.spec.loss == Loss::BinaryCrossEntropy ? (next() > 0 ? 1.0f : 0.0f) : next();
    }
  }
}

}  // namespace nnk_measure
