// What a Network holds (internal to lib/nn): the spec, the parameters and their gradients, the optimizer's state and
// the workspace a training step runs in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "nn/step_plan.hpp"
#include "nnk/matrix.hpp"
#include "nnk/network.hpp"

namespace nnk {

namespace nn {

struct LayerParameters {
  Matrix weights;      // units x fan_in
  Matrix bias;         // units x 1
  Matrix weight_grad;  // units x fan_in: dW of backward(), or the unregularized dW an optimizer consumes
  Matrix bias_grad;    // units x 1
};

// Per-parameter memory of the optimizer, shaped like the parameters. Created (zeroed) by the first train_step that
// needs it, and recreated when the kind of optimizer changes.
struct OptimizerState {
  enum class Kind { None, SgdMomentum, Adam };
  Kind kind = Kind::None;
  std::vector<Matrix> weight_first, bias_first;    // velocity (SGD with momentum) or Adam's first moment
  std::vector<Matrix> weight_second, bias_second;  // Adam's second moment
  std::int64_t updates = 0;                        // steps applied with this state (Adam's t is updates + 1)
};

// Buffers of the training passes, each with `capacity` columns; a batch of m <= capacity columns uses the first m.
// They grow (only) when a larger batch arrives, so a step at a batch size seen before allocates nothing.
struct Workspace {
  std::int64_t capacity = 0;
  std::vector<Matrix> activations;    // hidden layer l: A[l] after dropout, the input of layer l + 1
  std::vector<Matrix> pre_dropout;    // hidden layer l with dropout: A[l] before it (g' is taken from it); else empty
  Matrix logits;                      // output layer Z (kept: the losses work from the logits)
  Matrix delta;                       // output layer dZ = g(Z) - Y
  Matrix cost_delta;                  // where the cost's own pass over the batch writes its (unused) delta
  std::vector<double> block_losses;   // the mean loss of each gradient block of the batch (step_plan.hpp)
  std::vector<Matrix> hidden_delta;   // hidden layer l: dZ[l]
  std::vector<WeightPanel> panels;    // the weight panels of the update pass (from the shapes; set once)
  std::vector<double> panel_costs;    // each panel's regularization cost, taken before its update
  // Only for forward()/backward() (train_step needs neither): the copied input and g(Z).
  Matrix input;
  Matrix output;
  std::int64_t forward_columns = 0;  // columns of the last forward() that backward() may use; 0: none
  std::int64_t forward_step = 0;     // the step whose dropout masks that forward() used
};

}  // namespace nn

struct Network::State {
  NetworkSpec spec;
  std::vector<nn::LayerParameters> layers;
  nn::OptimizerState optimizer;
  nn::Workspace workspace;
  std::int64_t steps = 0;

  std::size_t num_layers() const { return layers.size(); }
  std::int64_t fan_in(std::size_t l) const { return l == 0 ? spec.inputs : spec.layers[l - 1].units; }
  std::int64_t units(std::size_t l) const { return spec.layers[l].units; }
  bool has_dropout(std::size_t l) const { return spec.layers[l].dropout > 0.0f; }
  bool regularized() const { return spec.l1 != 0.0f || spec.l2 != 0.0f; }
};

// Lets lib/nn (the trainer, the gradient check, serialization) reach a network's state.
struct NetworkAccess {
  static Network::State& state(Network& net) { return *net.state_; }
  static const Network::State& state(const Network& net) { return *net.state_; }
};

}  // namespace nnk
