// nnk::fit (batches, shuffling, validation, reports, determinism) and nnk::evaluate (metrics by hand).
#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "support/networks.hpp"
#include "nnk/cpu.hpp"
#include "nnk/network.hpp"
#include "nnk/train.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

TEST(Fit, RunsEveryBatchOfEveryEpochAndReports) {
  Network net(make_spec(4, {8}, Activation::Tanh, 1, Loss::BinaryCrossEntropy, 1));
  const Matrix x = random_matrix(4, 103, 2);
  const Matrix y = random_targets(Loss::BinaryCrossEntropy, 1, 103, 3);
  std::vector<std::int64_t> seen;
  const auto reports = fit(net, x, y, Sgd{.learning_rate = 0.1f},
                           {.epochs = 3, .batch_size = 10, .validation_fraction = 0.2, .seed = 4,
                            .on_epoch = [&](const EpochReport& r) {
                              seen.push_back(r.epoch);
                              EXPECT_EQ(r.epochs, 3);
                            }});
  EXPECT_EQ(seen, (std::vector<std::int64_t>{1, 2, 3}));
  ASSERT_EQ(reports.size(), 3u);
  // 103 examples: round(20.6) = 21 held out, 82 trained on in 8 full batches and one of 2.
  EXPECT_EQ(net.steps(), 3 * 9);
  for (const EpochReport& r : reports) {
    EXPECT_EQ(r.train.examples, 82);
    ASSERT_TRUE(r.validation.has_value());
    EXPECT_EQ(r.validation->examples, 21);
    EXPECT_TRUE(std::isfinite(r.train.loss));
    EXPECT_GE(r.train.accuracy, 0.0);
    EXPECT_EQ(r.validation->confusion.classes, 2);
  }
  const auto without_validation = fit(net, x, y, Sgd{}, {.epochs = 1, .batch_size = 500});
  EXPECT_FALSE(without_validation[0].validation.has_value());
  EXPECT_EQ(without_validation[0].train.examples, 103);  // a batch larger than the data is clipped to it
}

// The same seed gives bitwise the same weights for 1, 2 and 3 threads and on every run; another seed does not.
TEST(Fit, IsBitwiseIdenticalForAnyThreadCount) {
  const std::uint64_t seed = derive_seed(301);
  NNK_SEED_TRACE(seed);
  NetworkSpec spec = make_spec(40, {256, 64}, Activation::ReLU, 5, Loss::CategoricalCrossEntropy, seed);
  spec.layers[0].dropout = 0.1f;
  const Matrix x = random_matrix(40, 300, seed + 1);
  const Matrix y = random_targets(spec.loss, 5, 300, seed + 2);
  const auto train = [&](int threads, std::uint64_t fit_seed) {
    const ScopedNumThreads scoped(threads);
    Network net(spec);
    fit(net, x, y, Adam{}, {.epochs = 2, .batch_size = 64, .validation_fraction = 0.1, .seed = fit_seed});
    return net;
  };
  const Network one = train(1, 9);
  EXPECT_TRUE(same_parameters(one, train(2, 9)));
  EXPECT_TRUE(same_parameters(one, train(3, 9)));
  EXPECT_TRUE(same_parameters(one, train(1, 9)));
  EXPECT_FALSE(same_parameters(one, train(1, 10)));
}

TEST(Fit, ShuffleOffKeepsTheOrder) {
  // Without shuffling, fit's steps are train_step on consecutive column blocks.
  const NetworkSpec spec = make_spec(3, {5}, Activation::Sigmoid, 2, Loss::MeanSquaredError, 11);
  const Matrix x = random_matrix(3, 25, 12), y = random_matrix(2, 25, 13);
  Network fitted(spec), stepped(spec);
  fit(fitted, x, y, Sgd{.learning_rate = 0.2f}, {.epochs = 2, .batch_size = 10, .shuffle = false});
  for (int epoch = 0; epoch < 2; ++epoch)
    for (std::int64_t first = 0; first < 25; first += 10) {
      const std::int64_t n = std::min<std::int64_t>(10, 25 - first);
      stepped.train_step(Matrix::from(x.col_block(first, n)), Matrix::from(y.col_block(first, n)),
                         Sgd{.learning_rate = 0.2f});
    }
  EXPECT_TRUE(same_parameters(fitted, stepped));
}

TEST(Fit, RejectsBadOptions) {
  Network net(make_spec(3, {}, Activation::Identity, 1, Loss::MeanSquaredError, 0));
  const Matrix x(3, 10), y(1, 10);
  EXPECT_TRUE(throws_error_containing([&] { fit(net, x, y, Sgd{}, {.epochs = -1}); }, {"nnk::fit: options.epochs"}));
  EXPECT_TRUE(throws_error_containing([&] { fit(net, x, y, Sgd{}, {.batch_size = 0}); },
                                      {"options.batch_size must be >= 1, got 0"}));
  EXPECT_TRUE(throws_error_containing([&] { fit(net, x, y, Sgd{}, {.validation_fraction = 1.0}); },
                                      {"options.validation_fraction must be in [0, 1)"}));
  EXPECT_TRUE(throws_error_containing([&] { fit(net, x, y, Sgd{}, {.validation_fraction = 0.97}); },
                                      {"leaves no training example"}));
  EXPECT_TRUE(throws_error_containing([&] { fit(net, x, Matrix(1, 9), Sgd{}, {}); }, {"nnk::fit: y is 1 x 9"}));
  EXPECT_TRUE(throws_error_containing([&] { fit(net, x, y, Adam{.learning_rate = -1}, {}); },
                                      {"nnk::fit: optimizer.learning_rate"}));
}

// A network that passes its input through (W = I, b = 0) makes the metrics computable by hand.
Network pass_through(std::int64_t units, Loss loss) {
  Network net(make_spec(units, {}, Activation::Identity, units, loss, 0));
  for (std::int64_t i = 0; i < units; ++i)
    for (std::int64_t k = 0; k < units; ++k) net.weights(0)(i, k) = i == k ? 1.0f : 0.0f;
  return net;
}

TEST(Evaluate, BinaryConfusionMatrixAndAccuracy) {
  const Network net = pass_through(1, Loss::BinaryCrossEntropy);
  const Matrix x = matrix_from_rows({{2, -1, 3, -2, 0.5f, -4}});  // predicted 1 when the logit is > 0
  const Matrix y = matrix_from_rows({{1, 0, 0, 1, 1, 0}});
  const Metrics m = evaluate(net, x, y);
  EXPECT_EQ(m.examples, 6);
  EXPECT_EQ(m.confusion(0, 0), 2);  // true 0 predicted 0: -1, -4
  EXPECT_EQ(m.confusion(0, 1), 1);  // 3
  EXPECT_EQ(m.confusion(1, 0), 1);  // -2
  EXPECT_EQ(m.confusion(1, 1), 2);  // 2, 0.5
  EXPECT_DOUBLE_EQ(m.accuracy, 4.0 / 6.0);
  double loss = 0;
  for (std::int64_t j = 0; j < 6; ++j) loss += std::log1p(std::exp(-x(0, j))) + (1 - y(0, j)) * x(0, j);
  EXPECT_NEAR(m.loss, loss / 6, 1e-6);
  EXPECT_TRUE(std::isnan(m.mse));
}

TEST(Evaluate, CategoricalConfusionMatrix) {
  const Network net = pass_through(3, Loss::CategoricalCrossEntropy);
  const Matrix x = matrix_from_rows({{5, 0, 0, 0}, {0, 5, 0, 5}, {0, 0, 5, 0}});  // predicted 0, 1, 2, 1
  const Matrix y = matrix_from_rows({{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 1}});  // true 0, 1, 2, 2
  const Metrics m = evaluate(net, x, y);
  EXPECT_EQ(m.confusion.classes, 3);
  EXPECT_EQ(m.confusion(2, 1), 1);
  EXPECT_EQ(m.confusion(0, 0) + m.confusion(1, 1) + m.confusion(2, 2), 3);
  EXPECT_DOUBLE_EQ(m.accuracy, 0.75);
}

TEST(Evaluate, RegressionMseAndR2) {
  const Network net = pass_through(1, Loss::MeanSquaredError);
  const Matrix prediction = matrix_from_rows({{1, 2, 3, 5}});
  const Matrix y = matrix_from_rows({{1, 3, 3, 4}});  // errors 0, -1, 0, 1; mean 2.75
  const Metrics m = evaluate(net, prediction, y);
  EXPECT_DOUBLE_EQ(m.mse, 0.5);
  const double sst = 1.75 * 1.75 + 0.25 * 0.25 + 0.25 * 0.25 + 1.25 * 1.25;
  EXPECT_NEAR(m.r2, 1.0 - 2.0 / sst, 1e-12);
  EXPECT_NEAR(m.loss, 0.5 * 2.0 / 4.0, 1e-7);  // (1/2) sum (a - y)^2, mean over examples
  EXPECT_TRUE(std::isnan(m.accuracy));
}

}  // namespace
}  // namespace nnk::test
