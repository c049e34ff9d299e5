// train_step (the fused forward + backward + update) against forward(), backward() and the reference optimizer
// kernels; dropout; bitwise determinism across thread counts and runs.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "nn/network_state.hpp"
#include "support/networks.hpp"
#include "nnk/cpu.hpp"
#include "nnk/kernels.hpp"
#include "nnk/network.hpp"
#include "nnk/ref.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

// The fused step and the unfused reference differ by float rounding (fused beta-scaling vs a separate update,
// vectorized vs double kernels): a few ulp of each parameter and of each step.
constexpr double kAbsTol = 1e-6;
constexpr double kRelTol = 1e-5;

::testing::AssertionResult parameters_near(const Network& a, const Network& b) {
  for (std::size_t l = 0; l < a.num_layers(); ++l) {
    if (auto r = matrices_near(a.weights(l), b.weights(l), kAbsTol, kRelTol); !r) return r << " (weights of layer " << l << ")";
    if (auto r = matrices_near(a.bias(l), b.bias(l), kAbsTol, kRelTol); !r) return r << " (bias of layer " << l << ")";
  }
  return ::testing::AssertionSuccess();
}

NetworkSpec regularized_spec(Loss loss, std::uint64_t seed) {
  NetworkSpec spec = make_spec(7, {12, 9}, Activation::Tanh, 3, loss, seed);
  spec.layers[0].activation = Activation::ReLU;
  spec.l1 = 0.002f;
  spec.l2 = 0.01f;
  return spec;
}

TEST(TrainStep, PlainSgdIsBackwardThenGradientStep) {
  const std::uint64_t seed = derive_seed(201);
  NNK_SEED_TRACE(seed);
  for (const Loss loss : kLosses) {
    for (const float l1 : {0.0f, 0.002f}) {  // l1 == 0: the update is fused into the dW GEMM
      NetworkSpec spec = regularized_spec(loss, seed);
      spec.l1 = l1;
      spec.layers[1].dropout = 0.3f;
      Network fused(spec), reference(spec);
      const Matrix x = random_matrix(7, 33, seed + 1);
      const Matrix y = random_targets(loss, 3, 33, seed + 2);
      const float lr = 0.1f;
      const float cost = fused.train_step(x, y, Sgd{.learning_rate = lr});

      reference.forward(x);
      const float expected_cost = reference.backward(y);  // weight_grad includes the regularization
      for (std::size_t l = 0; l < reference.num_layers(); ++l) {
        ref::sgd_update(reference.weights(l), reference.weight_grad(l), MatrixView(), Sgd{.learning_rate = lr}, {});
        ref::sgd_update(reference.bias(l), reference.bias_grad(l), MatrixView(), Sgd{.learning_rate = lr}, {});
      }
      EXPECT_NEAR(cost, expected_cost, 1e-5 * std::fabs(expected_cost));
      EXPECT_TRUE(parameters_near(fused, reference)) << to_string(loss) << " l1 = " << l1;
      EXPECT_EQ(fused.steps(), 1);
    }
  }
}

// Zeroed optimizer state shaped like each parameter of net, in the order W[0], b[0], W[1], b[1], ...
std::vector<Matrix> zeros_like_parameters(const Network& net) {
  std::vector<Matrix> zeros;
  for (std::size_t k = 0; k < 2 * net.num_layers(); ++k) {
    const ConstMatrixView like = k % 2 ? net.bias(k / 2) : net.weights(k / 2);
    zeros.emplace_back(like.rows(), like.cols());
  }
  return zeros;
}

// update(k, parameter, gradient) for every parameter of net with backward()'s gradient, in the same order.
template <typename Update>
void update_with_gradients(Network& net, Update&& update) {
  for (std::size_t k = 0; k < 2 * net.num_layers(); ++k) {
    const std::size_t l = k / 2;
    update(k, k % 2 ? net.bias(l) : net.weights(l), k % 2 ? net.bias_grad(l) : net.weight_grad(l));
  }
}

// Momentum and Adam carry state across steps: two steps of each against the reference kernels on backward()'s
// gradient (which already holds the regularization, so the reference update gets none).
TEST(TrainStep, MomentumAndAdamFollowTheReferenceOverSteps) {
  const std::uint64_t seed = derive_seed(202);
  NNK_SEED_TRACE(seed);
  const Sgd momentum{.learning_rate = 0.05f, .momentum = 0.9f};
  const Adam adam{.learning_rate = 0.01f};
  for (const bool use_adam : {false, true}) {
    const NetworkSpec spec = regularized_spec(Loss::CategoricalCrossEntropy, seed);
    Network fused(spec), reference(spec);
    std::vector<Matrix> first = zeros_like_parameters(reference), second = zeros_like_parameters(reference);
    for (std::int64_t step = 1; step <= 2; ++step) {
      const Matrix x = random_matrix(7, 20, seed + 10 * step);
      const Matrix y = random_targets(spec.loss, 3, 20, seed + 10 * step + 1);
      if (use_adam) fused.train_step(x, y, adam); else fused.train_step(x, y, momentum);
      reference.forward(x);
      reference.backward(y);
      update_with_gradients(reference, [&](std::size_t k, MatrixView p, ConstMatrixView g) {
        if (use_adam) ref::adam_update(p, g, first[k], second[k], step, adam, {});
        else ref::sgd_update(p, g, first[k], momentum, {});
      });
      EXPECT_TRUE(parameters_near(fused, reference)) << (use_adam ? "Adam" : "SGD with momentum") << ", step " << step;
    }
  }
}

// The optimizer fused into the update region (on each weight panel's dW while it is in cache) gives the bits of the
// unfused path: backward()'s gradients, then nnk::sgd_update / nnk::adam_update over whole matrices, over three
// steps. The layers span several weight panels and micro-kernel tiles, with edge tiles in both directions, and
// dropout. Without regularization:
// backward() adds it to dW in its own rounding, the optimizer kernels inside their gradient.
TEST(TrainStep, FusedOptimizerMatchesBackwardThenOptimizerKernelsBitwise) {
  const std::uint64_t seed = derive_seed(207);
  NNK_SEED_TRACE(seed);
  NetworkSpec spec = make_spec(50, {333, 70}, Activation::ReLU, 5, Loss::CategoricalCrossEntropy, seed);
  spec.layers[0].dropout = 0.25f;
  const Sgd momentum{.learning_rate = 0.05f, .momentum = 0.9f};
  const Adam adam{.learning_rate = 0.01f};
  for (const bool use_adam : {false, true}) {
    Network fused(spec), unfused(spec);
    std::vector<Matrix> first = zeros_like_parameters(unfused), second = zeros_like_parameters(unfused);
    for (std::int64_t step = 1; step <= 3; ++step) {
      const Matrix x = random_matrix(50, 77, seed + 10 * step);
      const Matrix y = random_targets(spec.loss, 5, 77, seed + 10 * step + 1);
      const float fused_cost = use_adam ? fused.train_step(x, y, adam) : fused.train_step(x, y, momentum);
      unfused.forward(x);
      const float unfused_cost = unfused.backward(y);
      update_with_gradients(unfused, [&](std::size_t k, MatrixView p, ConstMatrixView g) {
        if (use_adam) nnk::adam_update(p, g, first[k], second[k], step, adam, {});
        else nnk::sgd_update(p, g, first[k], momentum, {});
      });
      unfused.train_step(x, y, Sgd{.learning_rate = 0.0f});  // only advances steps(): the next dropout masks
      EXPECT_EQ(fused_cost, unfused_cost) << (use_adam ? "Adam" : "SGD with momentum") << ", step " << step;
      EXPECT_TRUE(same_parameters(fused, unfused)) << (use_adam ? "Adam" : "SGD with momentum") << ", step " << step;
    }
  }
}

// A view with ld > rows (examples picked out of a larger matrix) trains exactly like a compact copy.
TEST(TrainStep, StridedViewsTrainLikeCompactCopies) {
  const std::uint64_t seed = derive_seed(203);
  NNK_SEED_TRACE(seed);
  const NetworkSpec spec = regularized_spec(Loss::BinaryCrossEntropy, seed);
  const Matrix big_x = random_matrix(10, 40, seed);
  const Matrix big_y = random_targets(Loss::BinaryCrossEntropy, 5, 40, seed + 1);
  const ConstMatrixView x = big_x.view().block(2, 5, 7, 30), y = big_y.view().block(1, 5, 3, 30);
  Network strided(spec), compact(spec);
  strided.train_step(x, y, Adam{});
  compact.train_step(Matrix::from(x), Matrix::from(y), Adam{});
  EXPECT_TRUE(same_parameters(strided, compact));
}

// A batch smaller than one seen before runs in the first columns of the grown buffers: same result as on a network
// whose buffers were sized for it.
TEST(TrainStep, SmallerBatchAfterLargerOneIsUnaffected) {
  const std::uint64_t seed = derive_seed(204);
  NNK_SEED_TRACE(seed);
  const NetworkSpec spec = regularized_spec(Loss::MeanSquaredError, seed);
  Network grown(spec), fresh(spec);
  grown.forward(random_matrix(7, 64, seed));  // grows the workspace, changes no parameter
  const Matrix x = random_matrix(7, 17, seed + 1), y = random_targets(spec.loss, 3, 17, seed + 2);
  grown.train_step(x, y, Sgd{.learning_rate = 0.1f});
  fresh.train_step(x, y, Sgd{.learning_rate = 0.1f});
  EXPECT_TRUE(same_parameters(grown, fresh));
}

// Inverted dropout: about `rate` of the hidden units are zeroed, the kept ones scaled by 1 / (1 - rate); the mask
// depends on the step only, never on the thread count; predict() applies none.
TEST(Dropout, DropsTheRateAndRescalesTheRest) {
  NetworkSpec spec = make_spec(20, {1000}, Activation::Sigmoid, 1, Loss::BinaryCrossEntropy, 5);
  spec.layers[0].dropout = 0.3f;
  Network net(spec);
  const Matrix x = random_matrix(20, 100, 6);
  net.forward(x);
  const nn::Workspace& ws = NetworkAccess::state(net).workspace;
  std::int64_t dropped = 0;
  for (std::int64_t j = 0; j < 100; ++j) {
    for (std::int64_t i = 0; i < 1000; ++i) {
      const float before = ws.pre_dropout[0](i, j), after = ws.activations[0](i, j);
      if (after == 0.0f) {
        ++dropped;
      } else {
        ASSERT_EQ(after, before * (1.0f / 0.7f));
      }
    }
  }
  EXPECT_NEAR(static_cast<double>(dropped) / 100000.0, 0.3, 0.01);
}

TEST(Dropout, MasksChangeWithTheStepOnly) {
  NetworkSpec spec = make_spec(4, {50}, Activation::Tanh, 2, Loss::MeanSquaredError, 8);
  spec.layers[0].dropout = 0.5f;
  Network net(spec);
  const Matrix x = random_matrix(4, 10, 9), y = random_matrix(2, 10, 10);
  const Matrix first = Matrix::from(net.forward(x));
  EXPECT_TRUE(matrices_equal(first, net.forward(x)));  // same step, same masks
  Network other = net;
  net.train_step(x, y, Sgd{.learning_rate = 0.0f});  // parameters unchanged, step advances
  EXPECT_EQ(net.steps(), 1);
  EXPECT_FALSE(matrices_equal(first, net.forward(x)));
  // Inference has no dropout: equal to the forward pass of the same network without it.
  NetworkSpec plain = spec;
  plain.layers[0].dropout = 0;
  Network no_dropout(plain);
  EXPECT_TRUE(matrices_near(no_dropout.forward(x), other.predict(x), 0, 1e-6));
}

// Training is bitwise identical for 1, 2, 3 and 4 threads, and on a second run: weights, biases, optimizer state (seen
// through later steps) and the returned costs. The layers are wide enough for every thread count to get its own
// column blocks (training_pass.cpp); the batch sizes put block boundaries and the batch's end on and off the
// micro-kernel's column tiles; the hidden layers cover dropout (db summed from dZ), g' = 1 (identity) and the fused
// derivative with tile row sums.
TEST(Determinism, TrainingIsBitwiseIdenticalForAnyThreadCount) {
  const std::uint64_t seed = derive_seed(205);
  NNK_SEED_TRACE(seed);
  NetworkSpec spec = make_spec(64, {300, 200, 48}, Activation::ReLU, 10, Loss::CategoricalCrossEntropy, seed);
  spec.layers[1].activation = Activation::Tanh;
  spec.layers[2].activation = Activation::Identity;
  spec.layers[0].dropout = 0.2f;
  spec.l1 = 1e-5f;
  spec.l2 = 1e-4f;
  const Optimizer optimizers[] = {Sgd{.learning_rate = 0.05f}, Sgd{.learning_rate = 0.05f, .momentum = 0.9f},
                                  Adam{.learning_rate = 1e-3f}};
  for (const std::int64_t m : {37, 128, 203}) {
    const Matrix x = random_matrix(64, m, seed + 1);
    const Matrix y = random_targets(spec.loss, 10, m, seed + 2);
    for (const Optimizer& optimizer : optimizers) {
      std::vector<float> costs;
      auto train = [&](int threads) {
        const ScopedNumThreads scoped(threads);
        Network net(spec);
        costs.clear();
        for (int step = 0; step < 4; ++step) costs.push_back(net.train_step(x, y, optimizer));
        return net;
      };
      const Network one = train(1);
      const std::vector<float> one_costs = costs;
      for (const int threads : {2, 3, 4, 1}) {
        const Network other = train(threads);
        EXPECT_TRUE(same_parameters(one, other)) << "m " << m << ", optimizer " << optimizer.index() << ", threads "
                                                 << threads;
        EXPECT_EQ(std::memcmp(one_costs.data(), costs.data(), costs.size() * sizeof(float)), 0)
            << "m " << m << ", optimizer " << optimizer.index() << ", threads " << threads;
      }
    }
  }
}

// backward()'s gradients (the unfused path of the same passes) are bitwise identical for any thread count.
TEST(Determinism, GradientsAreBitwiseIdenticalForAnyThreadCount) {
  const std::uint64_t seed = derive_seed(206);
  NNK_SEED_TRACE(seed);
  NetworkSpec spec = make_spec(40, {256, 96}, Activation::Sigmoid, 3, Loss::MeanSquaredError, seed);
  spec.layers[1].dropout = 0.3f;
  spec.l2 = 1e-3f;
  const Matrix x = random_matrix(40, 150, seed + 1);
  const Matrix y = random_targets(spec.loss, 3, 150, seed + 2);
  auto gradients = [&](int threads) {
    const ScopedNumThreads scoped(threads);
    Network net(spec);
    net.forward(x);
    const float cost = net.backward(y);
    std::vector<Matrix> out;
    for (std::size_t l = 0; l < net.num_layers(); ++l) {
      out.push_back(Matrix::from(net.weight_grad(l)));
      out.push_back(Matrix::from(net.bias_grad(l)));
    }
    out.emplace_back(1, 1);
    out.back()(0, 0) = cost;
    return out;
  };
  const std::vector<Matrix> one = gradients(1);
  for (const int threads : {2, 3, 4}) {
    const std::vector<Matrix> other = gradients(threads);
    for (std::size_t i = 0; i < one.size(); ++i)
      EXPECT_TRUE(matrices_equal(one[i], other[i])) << "matrix " << i << ", threads " << threads;
  }
}

TEST(TrainStep, RejectsBadArgumentsWithoutTouchingTheNetwork) {
  Network net(make_spec(3, {4}, Activation::Tanh, 2, Loss::MeanSquaredError, 1));
  const Network before = net;
  const Matrix x(3, 5), y(2, 5);
  const auto rejects = [&](const Optimizer& opt, std::initializer_list<std::string_view> fragments) {
    return throws_error_containing([&] { net.train_step(x, y, opt); }, fragments);
  };
  EXPECT_TRUE(rejects(Sgd{.learning_rate = -1}, {"nnk::Network::train_step", "optimizer.learning_rate", "got -1"}));
  EXPECT_TRUE(rejects(Sgd{.learning_rate = NAN}, {"optimizer.learning_rate", "finite"}));
  EXPECT_TRUE(rejects(Sgd{.momentum = 1}, {"optimizer.momentum must be in [0, 1), got 1"}));
  EXPECT_TRUE(rejects(Adam{.beta1 = 1}, {"optimizer.beta1"}));
  EXPECT_TRUE(rejects(Adam{.beta2 = -0.5f}, {"optimizer.beta2"}));
  EXPECT_TRUE(rejects(Adam{.epsilon = 0}, {"optimizer.epsilon must be finite and > 0, got 0"}));
  EXPECT_TRUE(throws_error_containing([&] { net.train_step(Matrix(4, 5), y, Sgd{}); },
                                      {"nnk::Network::train_step: x has 4 rows, the network expects 3 inputs"}));
  EXPECT_TRUE(throws_error_containing([&] { net.train_step(x, Matrix(2, 6), Sgd{}); },
                                      {"y is 2 x 6, expected outputs x examples = 2 x 5"}));
  EXPECT_TRUE(throws_error_containing([&] { net.train_step(Matrix(3, 0), Matrix(2, 0), Sgd{}); },
                                      {"x has 0 columns, expected at least 1 example"}));
  EXPECT_TRUE(same_parameters(net, before));
  EXPECT_EQ(net.steps(), 0);
}

}  // namespace
}  // namespace nnk::test
