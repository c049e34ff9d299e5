// Training loop (fit) and metrics (evaluate) on top of nnk::Network.
//
//   nnk::FitOptions options{.epochs = 50, .batch_size = 32, .validation_fraction = 0.1, .seed = 1,
//                           .on_epoch = [](const nnk::EpochReport& r) { std::printf("%lld %g\n", r.epoch, r.train.loss); }};
//   nnk::fit(net, x, y, nnk::Adam{.learning_rate = 1e-3f}, options);
//   nnk::Metrics m = nnk::evaluate(net, x_test, y_test);   // m.accuracy, m.confusion(true_class, predicted)
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include "nnk/matrix.hpp"
#include "nnk/network.hpp"

namespace nnk {

// counts(t, p): examples of true class t predicted as p. Binary cross-entropy: 2 classes (0, 1) per output unit,
// summed over the output units; categorical cross-entropy: one class per output unit (argmax).
struct ConfusionMatrix {
  std::int64_t classes = 0;
  std::vector<std::int64_t> counts = {};  // classes x classes, row-major: counts[t * classes + p]
  std::int64_t operator()(std::int64_t true_class, std::int64_t predicted) const {
    return counts[static_cast<std::size_t>(true_class * classes + predicted)];
  }
};

// Classification (BinaryCrossEntropy, CategoricalCrossEntropy) fills accuracy and confusion; regression
// (MeanSquaredError) fills mse (mean of (a - y)^2 over every output element) and r2 (1 - SSE / SST per output unit,
// averaged over the units). The others stay NaN / empty.
struct Metrics {
  double loss = std::numeric_limits<double>::quiet_NaN();  // mean loss over the examples (no regularization)
  std::int64_t examples = 0;
  double accuracy = std::numeric_limits<double>::quiet_NaN();
  ConfusionMatrix confusion = {};
  double mse = std::numeric_limits<double>::quiet_NaN();
  double r2 = std::numeric_limits<double>::quiet_NaN();
};

// Inference-mode metrics of net on (x, y): x is inputs x m, y outputs x m, m >= 1.
Metrics evaluate(const Network& net, ConstMatrixView x, ConstMatrixView y);

struct EpochReport {
  std::int64_t epoch = 0;   // 1, 2, ..., epochs
  std::int64_t epochs = 0;
  // Over this epoch's training steps, from their forward passes (dropout on, weights of each step before its
  // update): loss is the mean J (regularization included), the rest as in Metrics.
  Metrics train = {};
  std::optional<Metrics> validation = std::nullopt;  // evaluate() on the validation split, when there is one
  double seconds = 0;                 // wall time of the epoch, validation included
};

struct FitOptions {
  std::int64_t epochs = 10;
  std::int64_t batch_size = 32;      // the last batch of an epoch holds the remainder; clipped to the examples
  bool shuffle = true;               // a new permutation each epoch, keyed by (seed, epoch)
  double validation_fraction = 0;    // in [0, 1): this share of the examples (chosen by seed) is held out
  std::uint64_t seed = 0;
  std::function<void(const EpochReport&)> on_epoch = nullptr;  // called after every epoch (progress display)
};

// Trains net on (x, y) with mini-batch steps. For a given seed and ISA, the resulting weights are bitwise identical
// for any thread count and on every run. Returns one report per epoch.
//
// Errors (nnk::Error; every check is made before the step that would use the value):
//   - shapes of x and y, optimizer hyperparameters (learning_rate must be > 0 here), options out of range;
//   - a non-finite parameter in net before training (or written into it by on_epoch between epochs);
//   - NaN or infinity in x or y: the message names the matrix, the row, the example (column of x / y), and the
//     epoch and batch where a step would have used it (examples held out for validation are checked up front);
//   - nnk::TrainingDiverged (nnk/error.hpp) when a batch's cost is NaN or infinite, or an epoch's updates leave a
//     non-finite parameter: it names the epoch and batch.
// Whenever fit throws after training started, net is restored to its state after the last completed epoch (or the
// state it was given): parameters, optimizer state and steps(). Costs one copy of those per epoch and a scan of
// each batch.
std::vector<EpochReport> fit(Network& net, ConstMatrixView x, ConstMatrixView y, const Optimizer& optimizer,
                             const FitOptions& options);

}  // namespace nnk
