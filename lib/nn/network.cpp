// nnk::Network: construction, accessors and the checked entry points of the training passes.
#include "nnk/network.hpp"

#include <algorithm>
#include <utility>

#include "nn/initialization.hpp"
#include "nn/network_checks.hpp"
#include "nn/network_spec.hpp"
#include "nn/network_state.hpp"
#include "nn/training_pass.hpp"

namespace nnk {

Network::Network(NetworkSpec spec) {
  nn::validate_spec("nnk::Network", spec);
  state_ = std::make_unique<State>();
  state_->spec = std::move(spec);
  State& s = *state_;
  s.layers.resize(s.spec.layers.size());
  for (std::size_t l = 0; l < s.layers.size(); ++l) {
    nn::LayerParameters& p = s.layers[l];
    p.weights = Matrix(s.units(l), s.fan_in(l));
    p.bias = Matrix(s.units(l), 1);
    p.weight_grad = Matrix(s.units(l), s.fan_in(l));
    p.bias_grad = Matrix(s.units(l), 1);
    nn::initialize_weights(p.weights, s.spec.layers[l].activation, s.spec.seed, l);
  }
}

Network::Network(const Network& other) : state_(std::make_unique<State>(*other.state_)) {}
Network& Network::operator=(const Network& other) {
  if (this != &other) state_ = std::make_unique<State>(*other.state_);
  return *this;
}
Network::Network(Network&& other) noexcept = default;
Network& Network::operator=(Network&& other) noexcept = default;
Network::~Network() = default;

const NetworkSpec& Network::spec() const { return state_->spec; }
std::size_t Network::num_layers() const { return state_->num_layers(); }
std::int64_t Network::inputs() const { return state_->spec.inputs; }
std::int64_t Network::outputs() const { return state_->units(state_->num_layers() - 1); }
std::int64_t Network::steps() const { return state_->steps; }

MatrixView Network::weights(std::size_t l) {
  nn::check_layer("nnk::Network::weights", *state_, l);
  return state_->layers[l].weights.view();
}
ConstMatrixView Network::weights(std::size_t l) const {
  nn::check_layer("nnk::Network::weights", *state_, l);
  return state_->layers[l].weights.view();
}
MatrixView Network::bias(std::size_t l) {
  nn::check_layer("nnk::Network::bias", *state_, l);
  return state_->layers[l].bias.view();
}
ConstMatrixView Network::bias(std::size_t l) const {
  nn::check_layer("nnk::Network::bias", *state_, l);
  return state_->layers[l].bias.view();
}
ConstMatrixView Network::weight_grad(std::size_t l) const {
  nn::check_layer("nnk::Network::weight_grad", *state_, l);
  return state_->layers[l].weight_grad.view();
}
ConstMatrixView Network::bias_grad(std::size_t l) const {
  nn::check_layer("nnk::Network::bias_grad", *state_, l);
  return state_->layers[l].bias_grad.view();
}

ConstMatrixView Network::forward(ConstMatrixView x) {
  State& s = *state_;
  nn::check_input("nnk::Network::forward", s, x);
  const std::int64_t m = x.cols();
  nn::reserve_workspace(s, m, /*with_io=*/true);
  // A copy, so that backward() does not depend on the caller keeping x alive.
  const MatrixView input = s.workspace.input.col_block(0, m);
  for (std::int64_t j = 0; j < m; ++j) std::copy_n(x.col(j), x.rows(), input.col(j));
  nn::forward_pass(s, input, s.steps, /*with_output=*/true);
  s.workspace.forward_columns = m;
  s.workspace.forward_step = s.steps;
  return s.workspace.output.col_block(0, m);
}

float Network::backward(ConstMatrixView y) {
  State& s = *state_;
  const std::int64_t m = s.workspace.forward_columns;
  if (m == 0) detail::fail("nnk::Network::backward: no forward() to go back from (call forward(x) first)");
  nn::check_targets("nnk::Network::backward", s, y, m);
  return static_cast<float>(
      nn::backward_pass(s, s.workspace.input.col_block(0, m), y, s.workspace.forward_step, nullptr));
}

float Network::train_step(ConstMatrixView x, ConstMatrixView y, const Optimizer& optimizer) {
  return nn::train_step(*state_, x, y, optimizer);
}

}  // namespace nnk
