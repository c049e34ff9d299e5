// Bad inputs at the network-level entry points: the Network constructor (spec), its accessors and passes,
// train_step's optimizers, predict, gradient_check, fit and evaluate.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "support/networks.hpp"
#include "nnk/network.hpp"
#include "nnk/train.hpp"
#include "support/reliability/bad_input_table.hpp"
#include "support/random.hpp"

namespace nnk::test {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// 3 inputs, a hidden tanh layer of 4, a sigmoid output: the network every row below misuses.
NetworkSpec small_spec() { return make_spec(3, {4}, Activation::Tanh, 1, Loss::BinaryCrossEntropy, 1); }

NetworkSpec with(std::function<void(NetworkSpec&)> change) {
  NetworkSpec spec = small_spec();
  change(spec);
  return spec;
}

TEST(BadInputs, NetworkSpec) {
  const std::string ctor = "nnk::Network (constructor)";
  expect_rows_rejected({
      {ctor, "inputs = 0", [] { Network(with([](NetworkSpec& s) { s.inputs = 0; })); },
       {"nnk::Network: spec.inputs must be >= 1, got 0"}},
      {ctor, "no layers", [] { Network(with([](NetworkSpec& s) { s.layers.clear(); })); },
       {"nnk::Network: spec.layers is empty, expected at least the output layer"}},
      {ctor, "width 0 (hidden layer units = 0)", [] { Network(with([](NetworkSpec& s) { s.layers[0].units = 0; })); },
       {"nnk::Network: spec.layers[0].units must be >= 1, got 0"}},
      {ctor, "dropout = 1", [] { Network(with([](NetworkSpec& s) { s.layers[0].dropout = 1.0f; })); },
       {"nnk::Network: spec.layers[0].dropout must be in [0, 1), got 1"}},
      {ctor, "dropout = NaN", [] { Network(with([](NetworkSpec& s) { s.layers[0].dropout = kNaN; })); },
       {"nnk::Network: spec.layers[0].dropout must be in [0, 1), got nan"}},
      {ctor, "dropout on the output layer", [] { Network(with([](NetworkSpec& s) { s.layers[1].dropout = 0.5f; })); },
       {"nnk::Network: spec.layers[1].dropout must be 0 on the output layer, got 0.5"}},
      {ctor, "Softmax on a hidden layer",
       [] { Network(with([](NetworkSpec& s) { s.layers[0].activation = Activation::Softmax; })); },
       {"nnk::Network: spec.layers[0].activation is Softmax, which is valid on the output layer only"}},
      {ctor, "output activation does not match the loss",
       [] { Network(with([](NetworkSpec& s) { s.layers[1].activation = Activation::Tanh; })); },
       {"nnk::Network: the output layer (spec.layers[1]) must use Sigmoid with loss BinaryCrossEntropy, got Tanh"}},
      {ctor, "l2 < 0", [] { Network(with([](NetworkSpec& s) { s.l2 = -1e-4f; })); },
       {"nnk::Network: spec.l2 must be finite and >= 0, got -0.0001"}},
      {ctor, "l1 = inf", [] { Network(with([](NetworkSpec& s) { s.l1 = kInf; })); },
       {"nnk::Network: spec.l1 must be finite and >= 0, got inf"}},
      {ctor, "widths whose parameters exceed 2^40 (2^21 x 2^20)", [] {
         Network(with([](NetworkSpec& s) {
           s.inputs = std::int64_t{1} << 20;
           s.layers[0].units = std::int64_t{1} << 21;
         }));
       },
       {"nnk::Network: spec.layers[0] brings the parameter count above the limit of 1099511627776"}},
      {ctor, "widths needing 2^39 floats (2 TiB: the allocation fails)", [] {
         Network(with([](NetworkSpec& s) {
           s.inputs = std::int64_t{1} << 19;
           s.layers[0].units = std::int64_t{1} << 20;
         }));
       },
       {"nnk::Matrix: cannot allocate 1048576 x 524288 floats"}},
  });
}

TEST(BadInputs, NetworkPasses) {
  Network net(small_spec());
  const Network& const_net = net;
  const Matrix x(3, 5), x_wide(4, 5), x_empty(3, 0), y(1, 5), y2(2, 5), y6(1, 6), out(1, 5), out_bad(1, 4);
  Matrix out_mut = out, out_bad_mut = out_bad;
  Network fresh(small_spec());
  const float* huge_batch_data = x.data();  // never read: the workspace allocation fails first
  expect_rows_rejected({
      {"nnk::Network::weights", "layer index out of range", [&] { (void)net.weights(2); },
       {"nnk::Network::weights: l must be < num_layers() = 2, got 2"}},
      {"nnk::Network::bias_grad", "layer index out of range", [&] { (void)const_net.bias_grad(7); },
       {"nnk::Network::bias_grad: l must be < num_layers() = 2, got 7"}},
      {"nnk::Network::forward", "x has 4 rows for 3 inputs", [&] { (void)net.forward(x_wide); },
       {"nnk::Network::forward: x has 4 rows, the network expects 3 inputs"}},
      {"nnk::Network::forward", "x has 0 columns", [&] { (void)net.forward(x_empty); },
       {"nnk::Network::forward: x has 0 columns, expected at least 1 example"}},
      {"nnk::Network::backward", "no forward() before", [&] { (void)fresh.backward(y); },
       {"nnk::Network::backward: no forward() to go back from (call forward(x) first)"}},
      {"nnk::Network::backward", "y has 6 columns after a 5-column forward",
       [&] {
         (void)net.forward(x);
         (void)net.backward(y6);
       },
       {"nnk::Network::backward: y is 1 x 6, expected outputs x examples = 1 x 5"}},
      {"nnk::Network::train_step", "y has 2 rows for 1 output", [&] { (void)net.train_step(x, y2, Sgd{}); },
       {"nnk::Network::train_step: y is 2 x 5, expected outputs x examples = 1 x 5"}},
      {"nnk::Network::train_step", "Sgd learning_rate < 0",
       [&] { (void)net.train_step(x, y, Sgd{.learning_rate = -1.0f}); },
       {"nnk::Network::train_step: optimizer.learning_rate must be finite and >= 0, got -1"}},
      {"nnk::Network::train_step", "Sgd learning_rate = NaN",
       [&] { (void)net.train_step(x, y, Sgd{.learning_rate = kNaN}); },
       {"nnk::Network::train_step: optimizer.learning_rate must be finite and >= 0, got nan"}},
      {"nnk::Network::train_step", "Sgd momentum = 1",
       [&] { (void)net.train_step(x, y, Sgd{.momentum = 1.0f}); },
       {"nnk::Network::train_step: optimizer.momentum must be in [0, 1), got 1"}},
      {"nnk::Network::train_step", "Adam beta1 < 0", [&] { (void)net.train_step(x, y, Adam{.beta1 = -0.1f}); },
       {"nnk::Network::train_step: optimizer.beta1 must be in [0, 1), got -0.1"}},
      {"nnk::Network::train_step", "Adam epsilon < 0", [&] { (void)net.train_step(x, y, Adam{.epsilon = -1e-8f}); },
       {"nnk::Network::train_step: optimizer.epsilon must be finite and > 0, got -1e-08"}},
      {"nnk::Network::train_step", "a batch of 2^40 columns (the workspace cannot be allocated)",
       [&] {
         const ConstMatrixView huge(huge_batch_data, 3, std::int64_t{1} << 40);
         const ConstMatrixView huge_y(huge_batch_data, 1, std::int64_t{1} << 40);
         (void)net.train_step(huge, huge_y, Sgd{});
       },
       {"nnk::Matrix: cannot allocate 4 x 1099511627776 floats"}},
      {"nnk::Network::predict", "out is 1x4 for 5 columns", [&] { const_net.predict(x, out_bad_mut); },
       {"nnk::Network::predict: out is 1 x 4, expected outputs x columns of x = 1 x 5"}},
      {"nnk::Network::predict", "x has 4 rows", [&] { const_net.predict(x_wide, out_mut); },
       {"nnk::Network::predict: x has 4 rows, the network expects 3 inputs"}},
      {"nnk::gradient_check", "options.step = 0",
       [&] { (void)gradient_check(net, x, y, {.step = 0}); },
       {"nnk::gradient_check: options.step must be finite and > 0, got 0"}},
      {"nnk::gradient_check", "options.floor = NaN",
       [&] { (void)gradient_check(net, x, y, {.floor = std::numeric_limits<double>::quiet_NaN()}); },
       {"nnk::gradient_check: options.floor must be finite and > 0, got nan"}},
      {"nnk::gradient_check", "options.max_entries_per_matrix < 0",
       [&] { (void)gradient_check(net, x, y, {.max_entries_per_matrix = -1}); },
       {"nnk::gradient_check: options.max_entries_per_matrix must be >= 0, got -1"}},
      {"nnk::gradient_check", "y has the wrong shape", [&] { (void)gradient_check(net, x, y6); },
       {"nnk::gradient_check: y is 1 x 6, expected outputs x examples = 1 x 5"}},
  });
}

TEST(BadInputs, FitAndEvaluate) {
  Network net(small_spec());
  const Matrix x = random_matrix(3, 20, 1), x_wide(4, 20), y = random_targets(Loss::BinaryCrossEntropy, 1, 20, 2),
               y19(1, 19), x_empty(3, 0), y_empty(1, 0);
  Matrix x_nan = x, y_inf = y;
  x_nan(1, 13) = kNaN;
  y_inf(0, 6) = -kInf;
  Network nan_net(small_spec());
  nan_net.weights(1)(0, 2) = kNaN;
  expect_rows_rejected({
      {"nnk::fit", "x has 4 rows for 3 inputs", [&] { fit(net, x_wide, y, Sgd{}, {}); },
       {"nnk::fit: x has 4 rows, the network expects 3 inputs"}},
      {"nnk::fit", "y has 19 columns for 20 examples", [&] { fit(net, x, y19, Sgd{}, {}); },
       {"nnk::fit: y is 1 x 19, expected outputs x examples = 1 x 20"}},
      {"nnk::fit", "learning_rate = 0", [&] { fit(net, x, y, Sgd{.learning_rate = 0.0f}, {}); },
       {"nnk::fit: optimizer.learning_rate must be finite and > 0, got 0"}},
      {"nnk::fit", "learning_rate < 0", [&] { fit(net, x, y, Adam{.learning_rate = -1e-3f}, {}); },
       {"nnk::fit: optimizer.learning_rate must be finite and > 0, got -0.001"}},
      {"nnk::fit", "Adam beta2 = 1", [&] { fit(net, x, y, Adam{.beta2 = 1.0f}, {}); },
       {"nnk::fit: optimizer.beta2 must be in [0, 1), got 1"}},
      {"nnk::fit", "batch_size = 0", [&] { fit(net, x, y, Sgd{}, {.batch_size = 0}); },
       {"nnk::fit: options.batch_size must be >= 1, got 0"}},
      {"nnk::fit", "epochs < 0", [&] { fit(net, x, y, Sgd{}, {.epochs = -1}); },
       {"nnk::fit: options.epochs must be >= 0, got -1"}},
      {"nnk::fit", "validation_fraction = 1", [&] { fit(net, x, y, Sgd{}, {.validation_fraction = 1.0}); },
       {"nnk::fit: options.validation_fraction must be in [0, 1), got 1"}},
      {"nnk::fit", "validation_fraction leaving no training example",
       [&] { fit(net, x, y, Sgd{}, {.validation_fraction = 0.99}); },
       {"nnk::fit: options.validation_fraction = 0.99 leaves no training example out of 20"}},
      {"nnk::fit", "NaN in x (example 13, no shuffling, batches of 5)",
       [&] { fit(net, x_nan, y, Sgd{}, {.batch_size = 5, .shuffle = false}); },
       {"nnk::fit: x holds a non-finite value (nan) at row 1 of example 13, met in epoch 1, batch 3 of 4; no step used "
        "it, and the network was restored to the state fit was given"}},
      {"nnk::fit", "-inf in y (example 6, no shuffling, batches of 5)",
       [&] { fit(net, x, y_inf, Sgd{}, {.batch_size = 5, .shuffle = false}); },
       {"nnk::fit: y holds a non-finite value (-inf) at row 0 of example 6, met in epoch 1, batch 2 of 4"}},
      {"nnk::fit", "a network holding a NaN weight", [&] { fit(nan_net, x, y, Sgd{}, {}); },
       {"nnk::fit: net holds a non-finite parameter before training: layer 1 weights (0, 2) = nan"}},
      {"nnk::evaluate", "x has 0 columns", [&] { (void)evaluate(net, x_empty, y_empty); },
       {"nnk::evaluate: x has 0 columns, expected at least 1 example"}},
      {"nnk::evaluate", "y has 19 columns for 20 examples", [&] { (void)evaluate(net, x, y19); },
       {"nnk::evaluate: y is 1 x 19, expected outputs x examples = 1 x 20"}},
  });
}

// The divergence row of the table: a learning rate far too large for linear regression.
TEST(BadInputs, FitDivergesWithALearningRateFarTooLarge) {
  Network net(make_spec(1, {}, Activation::Identity, 1, Loss::MeanSquaredError, 3));
  const Matrix x = random_matrix(1, 16, 4, 1.0f, 2.0f), y = random_matrix(1, 16, 5);
  expect_rows_rejected({{"nnk::fit", "Sgd learning_rate = 10 on linear regression (diverges)",
                         [&] { fit(net, x, y, Sgd{.learning_rate = 10.0f}, {.epochs = 100, .batch_size = 16}); },
                         {"nnk::fit: training diverged in epoch ", ", batch 1 of 1: the cost is inf",
                          "the network was restored to its state after epoch "}}});
}

}  // namespace
}  // namespace nnk::test
