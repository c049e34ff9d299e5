// nnk::fit's training control: learning-rate schedules (against the formulas written out by hand), early stopping on
// a crafted sequence of validation losses, an on_epoch that stops, and gradient-norm clipping against nnk::ref's
// gradient with the norm, the scaling and the update computed here in double.
#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>
#include <vector>

#include <gtest/gtest.h>

#include "nnk/cpu.hpp"
#include "nnk/network.hpp"
#include "nnk/ref.hpp"
#include "nnk/schedule.hpp"
#include "nnk/train.hpp"
#include "support/networks.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

std::vector<float> rates(const LearningRateSchedule& s, float base, std::int64_t epochs) {
  std::vector<float> out;
  for (std::int64_t e = 1; e <= epochs; ++e) out.push_back(scheduled_learning_rate(s, base, e, epochs));
  return out;
}

void expect_rates(const std::vector<float>& actual, const std::vector<double>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_FLOAT_EQ(actual[i], static_cast<float>(expected[i])) << "epoch " << i + 1;
}

TEST(Schedule, ConstantKeepsTheBaseRate) {
  for (const float r : rates({}, 0.3f, 5)) EXPECT_EQ(r, 0.3f);  // bit for bit: a constant run is unchanged
}

TEST(Schedule, StepDecaysEveryNEpochs) {
  expect_rates(rates({.kind = ScheduleKind::Step, .every = 3, .factor = 0.5}, 0.8f, 10),
               {0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.1});
}

TEST(Schedule, ExponentialMultipliesEachEpoch) {
  expect_rates(rates({.kind = ScheduleKind::Exponential, .gamma = 0.5}, 1.0f, 5), {1, 0.5, 0.25, 0.125, 0.0625});
}

TEST(Schedule, CosineGoesFromTheBaseTowardsZero) {
  // (1 + cos(pi k / 4)) / 2 for k = 0..3: 1, (2 + sqrt 2) / 4, 1/2, (2 - sqrt 2) / 4.
  expect_rates(rates({.kind = ScheduleKind::Cosine}, 2.0f, 4),
               {2, 2 * (2 + std::numbers::sqrt2) / 4, 1, 2 * (2 - std::numbers::sqrt2) / 4});
}

TEST(Schedule, WarmupRampsLinearlyThenRunsTheScheduleOverTheRest) {
  expect_rates(rates({.warmup_epochs = 3}, 1.0f, 5), {0.25, 0.5, 0.75, 1, 1});
  // Two warm-up epochs, then cosine over the other 4.
  expect_rates(rates({.kind = ScheduleKind::Cosine, .warmup_epochs = 2}, 3.0f, 6),
               {1, 2, 3, 3 * (2 + std::numbers::sqrt2) / 4, 1.5, 3 * (2 - std::numbers::sqrt2) / 4});
  expect_rates(rates({.kind = ScheduleKind::Step, .every = 2, .factor = 0.1, .warmup_epochs = 1}, 1.0f, 5),
               {0.5, 1, 1, 0.1, 0.1});
}

TEST(Schedule, BadValuesAreErrorsNamingTheField) {
  EXPECT_TRUE(throws_error_containing([] { check_schedule("s", {.kind = ScheduleKind::Step, .every = 0}); },
                                      {"s.every", ">= 1", "got 0"}));
  EXPECT_TRUE(throws_error_containing(
      [] { check_schedule("s", {.kind = ScheduleKind::Step, .every = 2, .factor = -1}); }, {"s.factor", "got -1"}));
  EXPECT_TRUE(throws_error_containing(
      [] { check_schedule("s", {.kind = ScheduleKind::Exponential, .gamma = std::nan("")}); }, {"s.gamma", "nan"}));
  EXPECT_TRUE(throws_error_containing([] { check_schedule("s", {.warmup_epochs = -2}); },
                                      {"s.warmup_epochs", ">= 0", "got -2"}));
  Network net(make_spec(2, {}, Activation::Identity, 1, Loss::MeanSquaredError, 1));
  const Matrix x = random_matrix(2, 10, 1), y = random_matrix(1, 10, 2);
  EXPECT_TRUE(throws_error_containing(
      [&] { fit(net, x, y, Sgd{}, {.schedule = {.kind = ScheduleKind::Exponential, .gamma = 0}}); },
      {"nnk::fit: options.schedule.gamma", "got 0"}));
}

// fit runs each epoch at its scheduled rate: the same as train_step by hand at those rates (no shuffling).
TEST(Schedule, FitStepsAtTheScheduledRateAndReportsIt) {
  const NetworkSpec spec = make_spec(3, {4}, Activation::Tanh, 1, Loss::MeanSquaredError, 21);
  const Matrix x = random_matrix(3, 20, 22), y = random_matrix(1, 20, 23);
  const LearningRateSchedule schedule{.kind = ScheduleKind::Step, .every = 2, .factor = 0.5, .warmup_epochs = 1};
  Network fitted(spec), stepped(spec);
  const auto reports =
      fit(fitted, x, y, Sgd{.learning_rate = 0.2f}, {.epochs = 5, .batch_size = 10, .shuffle = false, .schedule = schedule});
  const std::vector<double> expected = {0.1, 0.2, 0.2, 0.1, 0.1};
  ASSERT_EQ(reports.size(), 5u);
  for (int e = 0; e < 5; ++e) {
    EXPECT_FLOAT_EQ(static_cast<float>(reports[static_cast<std::size_t>(e)].learning_rate),
                    static_cast<float>(expected[static_cast<std::size_t>(e)]));
    for (std::int64_t first = 0; first < 20; first += 10)
      stepped.train_step(Matrix::from(x.col_block(first, 10)), Matrix::from(y.col_block(first, 10)),
                         Sgd{.learning_rate = scheduled_learning_rate(schedule, 0.2f, e + 1, 5)});
  }
  EXPECT_TRUE(same_parameters(fitted, stepped));
}

// Linear regression whose weight on_epoch sets after each epoch; at a learning rate of 1e-30 a step changes no
// weight of order 1, so epoch e's validation loss is that of the weight set after epoch e - 1.
struct ScriptedRun {
  Network net{make_spec(1, {}, Activation::Identity, 1, Loss::MeanSquaredError, 3)};
  Matrix x = random_matrix(1, 40, 31, 0.5f, 1.0f);
  Matrix y = Matrix(1, 40);  // y = 0: the loss grows with |w|
  std::vector<float> weights;  // weights[e - 1]: set after epoch e

  std::vector<EpochReport> run(std::int64_t epochs, std::int64_t patience) {
    net.weights(0)(0, 0) = 5.0f;
    return fit(net, x, y, Sgd{.learning_rate = 1e-30f},
               {.epochs = epochs, .batch_size = 8, .validation_fraction = 0.25, .seed = 4,
                .on_epoch = [this](const EpochReport& r) {
                  if (r.epoch <= static_cast<std::int64_t>(weights.size()))
                    net.weights(0)(0, 0) = weights[static_cast<std::size_t>(r.epoch - 1)];
                },
                .early_stopping_patience = patience});
  }
};

TEST(EarlyStopping, StopsAfterPatienceEpochsWithoutAStrictlyLowerLossAndRestoresTheBest) {
  ScriptedRun s;
  // Epoch weights: 5, 3, 2, 1 (best), 1.5, 1 (equal: not an improvement), 2, 0.5 (never reached).
  s.weights = {3, 2, 1, 1.5f, 1, 2, 0.5f, 0.5f};
  const auto reports = s.run(20, 3);
  ASSERT_EQ(reports.size(), 7u);
  const std::vector<std::int64_t> best = {1, 2, 3, 4, 4, 4, 4};
  for (std::size_t i = 0; i < reports.size(); ++i) {
    EXPECT_EQ(reports[i].best_epoch, best[i]) << "epoch " << i + 1;
    EXPECT_EQ(reports[i].stop, i + 1 == reports.size() ? StopReason::EarlyStopping : StopReason::None);
  }
  EXPECT_EQ(reports[5].validation->loss, reports[3].validation->loss);  // the tie of the crafted case
  EXPECT_EQ(s.net.weights(0)(0, 0), 1.0f);                               // epoch 4's weight
  EXPECT_EQ(s.net.steps(), 4 * 4);                                       // and its steps: 30 examples, batch 8
}

TEST(EarlyStopping, RestoresTheBestEpochAlsoWhenEveryEpochRan) {
  ScriptedRun s;
  s.weights = {1, 2, 3};
  const auto reports = s.run(4, 10);
  ASSERT_EQ(reports.size(), 4u);
  EXPECT_EQ(reports.back().stop, StopReason::None);
  EXPECT_EQ(reports.back().best_epoch, 2);
  EXPECT_EQ(s.net.weights(0)(0, 0), 1.0f);
}

TEST(EarlyStopping, NeedsAValidationSplit) {
  ScriptedRun s;
  EXPECT_TRUE(throws_error_containing([&] { fit(s.net, s.x, s.y, Sgd{}, {.early_stopping_patience = 2}); },
                                      {"nnk::fit", "early_stopping_patience = 2", "validation"}));
  EXPECT_TRUE(throws_error_containing([&] { fit(s.net, s.x, s.y, Sgd{}, {.early_stopping_patience = -1}); },
                                      {"early_stopping_patience must be >= 0", "got -1"}));
}

TEST(OnEpoch, ReturningStopEndsTrainingAfterThatEpoch) {
  Network net(make_spec(3, {4}, Activation::ReLU, 2, Loss::CategoricalCrossEntropy, 5));
  const Matrix x = random_matrix(3, 30, 6);
  const Matrix y = random_targets(Loss::CategoricalCrossEntropy, 2, 30, 7);
  const auto reports = fit(net, x, y, Adam{}, {.epochs = 10, .batch_size = 10, .on_epoch = [](const EpochReport& r) {
                                                 return r.epoch == 3 ? EpochAction::Stop : EpochAction::Continue;
                                               }});
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_EQ(reports[1].stop, StopReason::None);
  EXPECT_EQ(reports[2].stop, StopReason::Callback);
  EXPECT_EQ(net.steps(), 3 * 3);
}

TEST(OnEpoch, VoidCallablesAndEmptyFunctionsAreAccepted) {
  Network net(make_spec(2, {}, Activation::Identity, 1, Loss::MeanSquaredError, 1));
  const Matrix x = random_matrix(2, 10, 1), y = random_matrix(1, 10, 2);
  int calls = 0;
  const std::function<void(const EpochReport&)> counting = [&](const EpochReport&) { ++calls; };
  EXPECT_EQ(fit(net, x, y, Sgd{}, {.epochs = 2, .on_epoch = counting}).size(), 2u);
  EXPECT_EQ(calls, 2);
  const std::function<void(const EpochReport&)> empty;
  EXPECT_FALSE(EpochCallback(empty));
  EXPECT_EQ(fit(net, x, y, Sgd{}, {.epochs = 2, .on_epoch = empty}).size(), 2u);
  EXPECT_FALSE(EpochCallback(nullptr));
}

// One step of fit (one batch, plain SGD, L2 on) with clip_norm against: nnk::ref's gradient of that step plus
// l2 W, its norm in double here, the scale min(1, c / norm), and W - lr * scale * g.
void expect_clipped_step(float clip_norm, bool expect_clipped) {
  const NetworkSpec spec = [] {
    NetworkSpec s = make_spec(5, {7}, Activation::Tanh, 3, Loss::CategoricalCrossEntropy, 41);
    s.l2 = 0.05f;
    return s;
  }();
  const Matrix x = random_matrix(5, 16, 42, -2.0f, 2.0f);
  const Matrix y = random_targets(spec.loss, 3, 16, 43);
  Network net(spec);
  std::vector<ref::DenseLayer> layers;
  for (std::size_t l = 0; l < net.num_layers(); ++l)
    layers.push_back({Matrix::from(net.weights(l)), Matrix::from(net.bias(l)), spec.layers[l].activation});
  ref::TrainStepValues values;
  ref::train_step(layers, spec.loss, {}, x, y, 0.0f, values);  // lr 0: the gradient, no change

  double sum = 0;
  std::vector<std::vector<double>> gw(layers.size()), gb(layers.size());
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const Matrix& w = layers[l].weights;
    for (std::int64_t i = 0; i < w.size(); ++i) {
      gw[l].push_back(static_cast<double>(values.dw[l].data()[i]) + spec.l2 * static_cast<double>(w.data()[i]));
      sum += gw[l].back() * gw[l].back();
    }
    for (std::int64_t i = 0; i < layers[l].bias.size(); ++i) {
      gb[l].push_back(values.db[l].data()[i]);
      sum += gb[l].back() * gb[l].back();
    }
  }
  const double norm = std::sqrt(sum);
  ASSERT_EQ(norm > clip_norm, expect_clipped) << "norm " << norm;
  const double scale = std::min(1.0, clip_norm / norm), lr = 0.5;
  const auto reports = fit(net, x, y, Sgd{.learning_rate = 0.5f},
                           {.epochs = 1, .batch_size = 16, .shuffle = false, .clip_norm = clip_norm});
  EXPECT_EQ(reports[0].clipped_steps, expect_clipped ? 1 : 0);
  for (std::size_t l = 0; l < layers.size(); ++l) {
    for (std::int64_t i = 0; i < layers[l].weights.size(); ++i)
      EXPECT_NEAR(net.weights(l).data()[i],
                  layers[l].weights.data()[i] - lr * scale * gw[l][static_cast<std::size_t>(i)], 1e-6)
          << "layer " << l << " weight " << i;
    for (std::int64_t i = 0; i < layers[l].bias.size(); ++i)
      EXPECT_NEAR(net.bias(l).data()[i], layers[l].bias.data()[i] - lr * scale * gb[l][static_cast<std::size_t>(i)],
                  1e-6)
          << "layer " << l << " bias " << i;
  }
}

TEST(ClipNorm, ScalesTheWholeGradientToTheLimit) { expect_clipped_step(0.05f, true); }
TEST(ClipNorm, LeavesASmallerGradientAlone) { expect_clipped_step(1e3f, false); }

TEST(ClipNorm, IsBitwiseIdenticalForAnyThreadCountWithMomentumAdamAndDropout) {
  NetworkSpec spec = make_spec(30, {128, 64}, Activation::ReLU, 4, Loss::CategoricalCrossEntropy, 51);
  spec.layers[0].dropout = 0.2f;
  spec.l1 = 1e-4f;
  const Matrix x = random_matrix(30, 400, 52), y = random_targets(spec.loss, 4, 400, 53);
  for (const Optimizer& optimizer : {Optimizer(Sgd{.learning_rate = 0.3f, .momentum = 0.9f}), Optimizer(Adam{})}) {
    const auto train = [&](int threads) {
      const ScopedNumThreads scoped(threads);
      Network net(spec);
      const auto reports = fit(net, x, y, optimizer,
                               {.epochs = 2, .batch_size = 100, .validation_fraction = 0.1, .seed = 3, .clip_norm = 0.5f});
      EXPECT_GT(reports[0].clipped_steps, 0);
      return net;
    };
    const Network one = train(1);
    EXPECT_TRUE(same_parameters(one, train(2)));
    EXPECT_TRUE(same_parameters(one, train(3)));
  }
}

TEST(ClipNorm, BadValuesAreErrors) {
  Network net(make_spec(2, {}, Activation::Identity, 1, Loss::MeanSquaredError, 1));
  const Matrix x = random_matrix(2, 10, 1), y = random_matrix(1, 10, 2);
  EXPECT_TRUE(throws_error_containing([&] { fit(net, x, y, Sgd{}, {.clip_norm = -1}); },
                                      {"nnk::fit: options.clip_norm", "got -1"}));
  EXPECT_TRUE(throws_error_containing([&] { fit(net, x, y, Sgd{}, {.clip_norm = INFINITY}); },
                                      {"options.clip_norm", "finite"}));
}

}  // namespace
}  // namespace nnk::test
