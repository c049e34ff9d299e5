// Network construction: spec validation, shapes, initialization, accessors, argument checks of the entry points.
#include <cmath>
#include <cstdint>

#include <gtest/gtest.h>

#include "support/networks.hpp"
#include "nnk/network.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

TEST(NetworkSpec, ShapesFollowTheSpec) {
  Network net(make_spec(30, {16, 8}, Activation::ReLU, 1, Loss::BinaryCrossEntropy, 1));
  ASSERT_EQ(net.num_layers(), 3u);
  EXPECT_EQ(net.inputs(), 30);
  EXPECT_EQ(net.outputs(), 1);
  const std::int64_t rows[] = {16, 8, 1}, cols[] = {30, 16, 8};
  for (std::size_t l = 0; l < 3; ++l) {
    EXPECT_EQ(net.weights(l).rows(), rows[l]);
    EXPECT_EQ(net.weights(l).cols(), cols[l]);
    EXPECT_EQ(net.bias(l).rows(), rows[l]);
    EXPECT_EQ(net.bias(l).cols(), 1);
    EXPECT_EQ(net.weight_grad(l).rows(), rows[l]);
    EXPECT_EQ(net.bias_grad(l).rows(), rows[l]);
  }
  // No hidden layer: a linear model.
  Network linear(make_spec(10, {}, Activation::Identity, 1, Loss::MeanSquaredError, 1));
  EXPECT_EQ(linear.num_layers(), 1u);
  EXPECT_EQ(linear.weights(0).cols(), 10);
}

TEST(NetworkSpec, InvalidSpecsAreErrorsNamingTheField) {
  const auto rejects = [](NetworkSpec spec, std::initializer_list<std::string_view> fragments) {
    return throws_error_containing([&] { Network net(spec); }, fragments);
  };
  const NetworkSpec good = make_spec(4, {5}, Activation::Tanh, 3, Loss::CategoricalCrossEntropy, 0);
  NetworkSpec s = good;
  s.inputs = 0;
  EXPECT_TRUE(rejects(s, {"nnk::Network", "spec.inputs must be >= 1, got 0"}));
  s = good;
  s.layers.clear();
  EXPECT_TRUE(rejects(s, {"spec.layers is empty"}));
  s = good;
  s.layers[0].units = 0;
  EXPECT_TRUE(rejects(s, {"spec.layers[0].units must be >= 1, got 0"}));
  s = good;
  s.layers[0].activation = Activation::Softmax;
  EXPECT_TRUE(rejects(s, {"spec.layers[0].activation is Softmax", "output layer only"}));
  s = good;
  s.layers[1].activation = Activation::Sigmoid;
  EXPECT_TRUE(rejects(s, {"must use Softmax with loss CategoricalCrossEntropy, got Sigmoid"}));
  s = make_spec(4, {}, Activation::Tanh, 1, Loss::BinaryCrossEntropy, 0);
  s.layers[0].activation = Activation::Identity;
  EXPECT_TRUE(rejects(s, {"must use Sigmoid with loss BinaryCrossEntropy, got Identity"}));
  s = make_spec(4, {}, Activation::Tanh, 1, Loss::MeanSquaredError, 0);
  s.layers[0].activation = Activation::ReLU;
  EXPECT_TRUE(rejects(s, {"must use Identity with loss MeanSquaredError, got ReLU"}));
  s = good;
  s.layers[0].dropout = 1.0f;
  EXPECT_TRUE(rejects(s, {"spec.layers[0].dropout must be in [0, 1), got 1"}));
  s = good;
  s.layers[0].dropout = -0.1f;
  EXPECT_TRUE(rejects(s, {"spec.layers[0].dropout"}));
  s = good;
  s.layers[1].dropout = 0.5f;
  EXPECT_TRUE(rejects(s, {"spec.layers[1].dropout must be 0 on the output layer"}));
  s = good;
  s.l1 = -1;
  EXPECT_TRUE(rejects(s, {"spec.l1 must be finite and >= 0, got -1"}));
  s = good;
  s.l2 = INFINITY;
  EXPECT_TRUE(rejects(s, {"spec.l2"}));
  s = good;
  s.loss = static_cast<Loss>(7);
  EXPECT_TRUE(rejects(s, {"spec.loss must be a nnk::Loss enumerator, got 7"}));
  s = good;
  s.layers[0].activation = static_cast<Activation>(9);
  EXPECT_TRUE(rejects(s, {"spec.layers[0].activation must be a nnk::Activation enumerator, got 9"}));
  s = good;
  s.layers[0].units = std::int64_t{1} << 40;
  EXPECT_TRUE(rejects(s, {"parameter count above the limit"}));
}

TEST(NetworkSpec, EntryPointsCheckTheirArguments) {
  Network net(make_spec(30, {4}, Activation::Tanh, 2, Loss::MeanSquaredError, 0));
  EXPECT_TRUE(throws_error_containing([&] { net.forward(Matrix(31, 4)); },
                                      {"nnk::Network::forward: x has 31 rows, the network expects 30 inputs"}));
  EXPECT_TRUE(throws_error_containing([&] { net.backward(Matrix(2, 4)); },
                                      {"nnk::Network::backward", "call forward(x) first"}));
  net.forward(Matrix(30, 4));
  EXPECT_TRUE(throws_error_containing([&] { net.backward(Matrix(2, 5)); },
                                      {"nnk::Network::backward: y is 2 x 5, expected outputs x examples = 2 x 4"}));
  Matrix out(2, 3);
  EXPECT_TRUE(throws_error_containing([&] { net.predict(Matrix(30, 4), out); },
                                      {"nnk::Network::predict: out is 2 x 3, expected outputs x columns of x = 2 x 4"}));
  EXPECT_TRUE(throws_error_containing([&] { net.weights(2); },
                                      {"nnk::Network::weights: l must be < num_layers() = 2, got 2"}));
  EXPECT_TRUE(throws_error_containing([&] { net.bias_grad(5); }, {"nnk::Network::bias_grad", "got 5"}));
  // A train_step replaces what forward() kept: backward() refuses rather than mixing the two.
  net.train_step(Matrix(30, 4), Matrix(2, 4), Sgd{});
  EXPECT_TRUE(throws_error_containing([&] { net.backward(Matrix(2, 4)); }, {"call forward(x) first"}));
}

// He (normal, variance 2 / fan_in) for ReLU, Glorot (uniform, variance 2 / (fan_in + fan_out), bounded by
// sqrt(6 / (fan_in + fan_out))) otherwise; biases 0; a function of (seed, layer) only.
TEST(Initialization, HeForReluGlorotOtherwise) {
  NetworkSpec spec = make_spec(300, {400, 200}, Activation::ReLU, 1, Loss::MeanSquaredError, 42);
  spec.layers[1].activation = Activation::Tanh;
  Network net(spec);
  const auto moments = [](ConstMatrixView w) {
    double sum = 0, squares = 0, max_abs = 0;
    for (std::int64_t j = 0; j < w.cols(); ++j)
      for (std::int64_t i = 0; i < w.rows(); ++i) {
        sum += w(i, j);
        squares += static_cast<double>(w(i, j)) * w(i, j);
        max_abs = std::max(max_abs, std::fabs(static_cast<double>(w(i, j))));
      }
    const double n = static_cast<double>(w.size());
    return std::array<double, 3>{sum / n, squares / n - (sum / n) * (sum / n), max_abs};
  };
  const auto he = moments(net.weights(0));  // 120000 samples: the variance estimate is within ~1% (4 sigma)
  EXPECT_NEAR(he[0], 0.0, 4 * std::sqrt(2.0 / 300 / 120000));
  EXPECT_NEAR(he[1], 2.0 / 300, 0.02 * 2.0 / 300);
  EXPECT_GT(he[2], 3.5 * std::sqrt(2.0 / 300));  // a normal's tails, not a uniform's
  const auto glorot = moments(net.weights(1));
  EXPECT_NEAR(glorot[1], 2.0 / 600, 0.02 * 2.0 / 600);
  EXPECT_LE(glorot[2], std::sqrt(6.0 / 600));
  for (std::size_t l = 0; l < 3; ++l)
    for (std::int64_t i = 0; i < net.bias(l).rows(); ++i) EXPECT_EQ(net.bias(l)(i, 0), 0.0f);

  EXPECT_TRUE(same_parameters(net, Network(spec)));
  NetworkSpec other_seed = spec;
  other_seed.seed = 43;
  EXPECT_FALSE(same_parameters(net, Network(other_seed)));
}

TEST(Network, CopiesAreIndependent) {
  Network a(make_spec(3, {4}, Activation::Sigmoid, 1, Loss::BinaryCrossEntropy, 1));
  Network b = a;
  b.weights(0)(0, 0) += 1.0f;
  EXPECT_NE(a.weights(0)(0, 0), b.weights(0)(0, 0));
  Network c(make_spec(2, {}, Activation::Identity, 1, Loss::MeanSquaredError, 1));
  c = a;
  EXPECT_TRUE(same_parameters(a, c));
  Network d = std::move(c);
  EXPECT_TRUE(same_parameters(a, d));
}

}  // namespace
}  // namespace nnk::test
