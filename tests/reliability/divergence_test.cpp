// fit under non-finite numbers: divergence is reported as nnk::TrainingDiverged with its epoch and batch, NaN or
// infinity in the data is an error naming the example, epoch and batch, and after any of these the network is back
// at its state after the last completed epoch (never NaN weights).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "support/networks.hpp"
#include "nnk/error.hpp"
#include "nnk/network.hpp"
#include "nnk/train.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

bool all_parameters_finite(const Network& net) {
  for (std::size_t l = 0; l < net.num_layers(); ++l)
    for (const ConstMatrixView p : {net.weights(l), net.bias(l)})
      for (std::int64_t j = 0; j < p.cols(); ++j)
        for (std::int64_t i = 0; i < p.rows(); ++i)
          if (!std::isfinite(p(i, j))) return false;
  return true;
}

// Linear regression on one feature with a learning rate far beyond the stable range (lr * (x^2 + 1) < 2): the
// error is multiplied by about -5 per step, so the cost overflows after a few dozen epochs of one batch each.
struct UnstableRegression {
  NetworkSpec spec = make_spec(1, {}, Activation::Identity, 1, Loss::MeanSquaredError, 3);
  Matrix x = matrix_from_rows({{1.0f, 1.0f, 1.0f, 1.0f}});
  Matrix y = matrix_from_rows({{0.5f, 0.5f, 0.5f, 0.5f}});
};

// Runs fit, keeping a copy of the network after every completed epoch; returns the exception it threw.
template <class Exception>
std::optional<Exception> fit_expecting(Network& net, ConstMatrixView x, ConstMatrixView y, const Optimizer& opt,
                                       FitOptions options, std::vector<Network>& after_epoch) {
  options.on_epoch = [&](const EpochReport&) { after_epoch.push_back(net); };
  try {
    fit(net, x, y, opt, options);
  } catch (const Exception& e) {
    return e;
  }
  return std::nullopt;
}

TEST(FitDivergence, ALearningRateTooLargeIsReportedWithItsEpochAndBatch) {
  for (const Optimizer& optimizer : {Optimizer{Sgd{.learning_rate = 3.0f}},
                                     Optimizer{Sgd{.learning_rate = 3.0f, .momentum = 0.5f}}}) {
    UnstableRegression r;
    Network net(r.spec);
    std::vector<Network> after_epoch;
    const auto error = fit_expecting<TrainingDiverged>(net, r.x, r.y, optimizer,
                                                       {.epochs = 1000, .batch_size = 4}, after_epoch);
    ASSERT_TRUE(error.has_value()) << "no divergence reported";
    const std::int64_t completed = static_cast<std::int64_t>(after_epoch.size());
    EXPECT_GT(completed, 3);
    EXPECT_EQ(error->epoch(), completed + 1);
    EXPECT_EQ(error->batch(), 1);
    const std::string message = error->what();
    EXPECT_NE(message.find("nnk::fit: training diverged in epoch " + std::to_string(completed + 1) + ", batch 1 of 1"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("restored to its state after epoch " + std::to_string(completed)), std::string::npos)
        << message;
    // Back at the last completed epoch, bit for bit, with finite weights.
    EXPECT_TRUE(all_parameters_finite(net));
    EXPECT_TRUE(same_parameters(net, after_epoch.back()));
    EXPECT_EQ(net.steps(), after_epoch.back().steps());
  }
}

// Several batches per epoch: the batch where the cost first became non-finite is the one reported.
TEST(FitDivergence, NamesTheBatchWithinTheEpoch) {
  const NetworkSpec spec = make_spec(3, {16}, Activation::Tanh, 1, Loss::MeanSquaredError, 5);
  const Matrix x = random_matrix(3, 90, 6, -30.0f, 30.0f);
  const Matrix y = random_matrix(1, 90, 7, -1000.0f, 1000.0f);
  Network net(spec);
  const Network before = net;
  std::vector<Network> after_epoch;
  const auto error = fit_expecting<TrainingDiverged>(net, x, y, Sgd{.learning_rate = 1e30f},
                                                     {.epochs = 5, .batch_size = 10, .seed = 1}, after_epoch);
  ASSERT_TRUE(error.has_value());
  EXPECT_GE(error->batch(), 1);
  EXPECT_LE(error->batch(), 9);
  EXPECT_NE(std::string(error->what()).find(", batch " + std::to_string(error->batch()) + " of 9"), std::string::npos)
      << error->what();
  EXPECT_TRUE(all_parameters_finite(net));
  EXPECT_TRUE(same_parameters(net, after_epoch.empty() ? before : after_epoch.back()));
}

// One step whose cost is finite but whose update overflows the weights: only the parameter scan after the epoch can
// see it, and the error names the epoch's last batch and the parameter.
TEST(FitDivergence, AnUpdateThatOverflowsTheWeightsIsCaughtAfterTheEpoch) {
  NetworkSpec spec = make_spec(2, {}, Activation::Identity, 1, Loss::MeanSquaredError, 9);
  Network net(spec);
  const Network before = net;
  const Matrix x = matrix_from_rows({{100.0f, 100.0f}, {100.0f, 100.0f}});
  const Matrix y = matrix_from_rows({{-1000.0f, -1000.0f}});
  std::vector<Network> after_epoch;
  const auto error = fit_expecting<TrainingDiverged>(net, x, y, Sgd{.learning_rate = 1e37f},
                                                     {.epochs = 3, .batch_size = 2}, after_epoch);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->epoch(), 1);
  EXPECT_EQ(error->batch(), 1);
  EXPECT_NE(std::string(error->what())
                .find("epoch 1, batch 1 of 1 or earlier: after the epoch's last step layer 0 weights (0, 0) = "),
            std::string::npos)
      << error->what();
  EXPECT_TRUE(after_epoch.empty());
  EXPECT_TRUE(same_parameters(net, before));
  EXPECT_EQ(net.steps(), 0);
}

// After a divergence with Adam, the optimizer's moments and step count are those of the last completed epoch too:
// the next step is bitwise the one a network stopped there takes.
TEST(FitDivergence, RestoresTheOptimizerStateToo) {
  UnstableRegression r;
  Network diverged(r.spec);
  std::vector<Network> after_epoch;
  const Adam adam{.learning_rate = 1e37f};
  const auto error =
      fit_expecting<TrainingDiverged>(diverged, r.x, r.y, adam, {.epochs = 50, .batch_size = 2}, after_epoch);
  ASSERT_TRUE(error.has_value());
  const auto completed = static_cast<std::int64_t>(after_epoch.size());
  Network stopped(r.spec);
  if (completed > 0) fit(stopped, r.x, r.y, adam, {.epochs = completed, .batch_size = 2});
  EXPECT_TRUE(same_parameters(diverged, stopped));
  const Adam calm{.learning_rate = 1e-3f};
  diverged.train_step(r.x, r.y, calm);
  stopped.train_step(r.x, r.y, calm);
  EXPECT_TRUE(same_parameters(diverged, stopped));
}

struct BadValue {
  const char* matrix;  // "x" or "y"
  std::int64_t row, col;
  float value;
  const char* printed;
};

class FitRejectsNonFiniteData : public ::testing::TestWithParam<BadValue> {};

// Without shuffling, example 17 lies in batch 2 (examples 10..19) of epoch 1.
TEST_P(FitRejectsNonFiniteData, NamingTheExampleEpochAndBatchBeforeAnyStepUsesIt) {
  const BadValue bad = GetParam();
  const NetworkSpec spec = make_spec(4, {6}, Activation::ReLU, 2, Loss::MeanSquaredError, 11);
  Matrix x = random_matrix(4, 45, 12);
  Matrix y = random_matrix(2, 45, 13);
  (std::string(bad.matrix) == "x" ? x : y)(bad.row, bad.col) = bad.value;
  Network net(spec);
  const Network before = net;
  EXPECT_TRUE(throws_error_containing(
      [&] { fit(net, x, y, Sgd{.learning_rate = 0.1f}, {.epochs = 2, .batch_size = 10, .shuffle = false}); },
      {std::string("nnk::fit: ") + bad.matrix + " holds a non-finite value (" + bad.printed + ") at row " +
           std::to_string(bad.row) + " of example 17, met in epoch 1, batch 2 of 5; no step used it",
       "restored to the state fit was given"}));
  EXPECT_TRUE(same_parameters(net, before));
  EXPECT_EQ(net.steps(), 0);
}

std::string bad_value_name(const ::testing::TestParamInfo<BadValue>& info) {
  const float v = info.param.value;
  return std::string(info.param.matrix) + "_" + (std::isnan(v) ? "nan" : v > 0 ? "inf" : "minus_inf");
}

INSTANTIATE_TEST_SUITE_P(Values, FitRejectsNonFiniteData,
                         ::testing::Values(BadValue{"x", 2, 17, kNaN, "nan"}, BadValue{"x", 0, 17, kInf, "inf"},
                                           BadValue{"y", 1, 17, -kInf, "-inf"}, BadValue{"y", 0, 17, kNaN, "nan"}),
                         bad_value_name);

TEST(FitNonFiniteData, ShuffledExamplesAreNamedByTheirColumnInX) {
  const NetworkSpec spec = make_spec(4, {6}, Activation::Tanh, 1, Loss::BinaryCrossEntropy, 11);
  Matrix x = random_matrix(4, 45, 12);
  const Matrix y = random_targets(Loss::BinaryCrossEntropy, 1, 45, 13);
  x(3, 31) = kNaN;
  Network net(spec);
  EXPECT_TRUE(throws_error_containing([&] { fit(net, x, y, Adam{}, {.epochs = 2, .batch_size = 8, .seed = 5}); },
                                      {"x holds a non-finite value (nan) at row 3 of example 31, met in epoch 1"}));
}

TEST(FitNonFiniteData, HeldOutExamplesAreCheckedBeforeTraining) {
  const NetworkSpec spec = make_spec(4, {6}, Activation::Tanh, 1, Loss::MeanSquaredError, 11);
  Matrix x = random_matrix(4, 40, 12);
  Matrix y = random_matrix(1, 40, 13);
  // Every example: whichever are held out, one of them has a bad target.
  for (std::int64_t j = 0; j < 40; ++j) y(0, j) = kInf;
  Network net(spec);
  EXPECT_TRUE(throws_error_containing(
      [&] { fit(net, x, y, Sgd{}, {.epochs = 1, .validation_fraction = 0.25, .seed = 2}); },
      {"nnk::fit: y holds a non-finite value (inf) at row 0 of example ", "(held out for validation)"}));
  EXPECT_EQ(net.steps(), 0);
}

TEST(FitNonFiniteData, ANetworkWithANaNParameterIsRejected) {
  Network net(make_spec(3, {4}, Activation::Tanh, 1, Loss::MeanSquaredError, 1));
  net.bias(0)(2, 0) = kNaN;
  const Matrix x = random_matrix(3, 10, 1), y = random_matrix(1, 10, 2);
  EXPECT_TRUE(throws_error_containing(
      [&] { fit(net, x, y, Sgd{}, {}); },
      {"nnk::fit: net holds a non-finite parameter before training: layer 0 bias (2, 0) = nan"}));
}

TEST(FitNonFiniteData, ACallbackThatWritesNaNIsCaughtBeforeTheNextEpoch) {
  Network net(make_spec(3, {4}, Activation::Tanh, 1, Loss::MeanSquaredError, 1));
  const Matrix x = random_matrix(3, 10, 1), y = random_matrix(1, 10, 2);
  FitOptions options{.epochs = 3};
  options.on_epoch = [&](const EpochReport&) { net.weights(1)(0, 3) = kInf; };
  EXPECT_TRUE(throws_error_containing([&] { fit(net, x, y, Sgd{}, options); },
                                      {"net holds a non-finite parameter before epoch 2: layer 1 weights (0, 3) = inf",
                                       "by options.on_epoch"}));
}

// Network::train_step does not scan its inputs (it stays a bare, allocation-free step): a NaN in y reaches the
// cost, which it returns as NaN, and the update spreads it to the parameters. fit is the checked way to train.
TEST(TrainStepNonFinite, ReturnsTheNonFiniteCost) {
  Network net(make_spec(3, {4}, Activation::Tanh, 1, Loss::MeanSquaredError, 1));
  const Matrix x = random_matrix(3, 10, 1);
  Matrix y = random_matrix(1, 10, 2);
  y(0, 4) = kNaN;
  EXPECT_TRUE(std::isnan(net.train_step(x, y, Sgd{.learning_rate = 0.1f})));
}

}  // namespace
}  // namespace nnk::test
