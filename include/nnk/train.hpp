// Training loop (fit) and metrics (evaluate) on top of nnk::Network.
//
//   nnk::FitOptions options{.epochs = 50, .batch_size = 32, .validation_fraction = 0.1, .seed = 1,
//                           .on_epoch = [](const nnk::EpochReport& r) { std::printf("%lld %g\n", r.epoch, r.train.loss); }};
//   nnk::fit(net, x, y, nnk::Adam{.learning_rate = 1e-3f}, options);
//   nnk::Metrics m = nnk::evaluate(net, x_test, y_test);   // m.accuracy, m.confusion(true_class, predicted)
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "nnk/checkpoint.hpp"
#include "nnk/matrix.hpp"
#include "nnk/network.hpp"
#include "nnk/schedule.hpp"

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

// Why fit ended before options.epochs: early stopping (no lower validation loss for `patience` epochs), or the
// on_epoch callback asked to stop.
enum class StopReason { None, EarlyStopping, Callback };

struct EpochReport {
  std::int64_t epoch = 0;   // 1, 2, ..., epochs
  std::int64_t epochs = 0;
  // Over this epoch's training steps, from their forward passes (dropout on, weights of each step before its
  // update): loss is the mean J (regularization included), the rest as in Metrics.
  Metrics train = {};
  std::optional<Metrics> validation = std::nullopt;  // evaluate() on the validation split, when there is one
  double seconds = 0;                 // wall time of the epoch, validation included
  double learning_rate = 0;           // the rate of this epoch's steps (options.schedule applied)
  std::int64_t clipped_steps = 0;     // steps whose gradient norm exceeded options.clip_norm and was scaled down
  // Early stopping: the epoch with the lowest validation loss so far (this one when it improved); 0 when off.
  std::int64_t best_epoch = 0;
  // Set on the last report when training ends here, before options.epochs (None otherwise). With EarlyStopping,
  // net holds the state of best_epoch when fit returns.
  StopReason stop = StopReason::None;
};

// What on_epoch tells fit after each epoch.
enum class EpochAction { Continue, Stop };

// The per-epoch callback: any callable taking the report and returning EpochAction, or returning nothing (it then
// never stops training), so progress displays written as void lambdas keep working.
class EpochCallback {
 public:
  EpochCallback() = default;
  EpochCallback(std::nullptr_t) {}  // NOLINT: lets `.on_epoch = nullptr` read as "no callback"
  template <typename F>
    requires(!std::same_as<std::remove_cvref_t<F>, EpochCallback> && std::invocable<F&, const EpochReport&>)
  EpochCallback(F f) {  // NOLINT: implicit, so a lambda can be given directly
    using Result = std::invoke_result_t<F&, const EpochReport&>;
    static_assert(std::is_void_v<Result> || std::same_as<Result, EpochAction>,
                  "on_epoch must return void or nnk::EpochAction");
    if constexpr (std::is_pointer_v<F> || requires { typename F::result_type; }) {  // std::function, function pointer
      if (!f) return;  // an empty one is no callback
    }
    if constexpr (std::is_void_v<Result>) {
      call_ = [f = std::move(f)](const EpochReport& r) mutable {
        f(r);
        return EpochAction::Continue;
      };
    } else {
      call_ = std::move(f);
    }
  }
  explicit operator bool() const { return static_cast<bool>(call_); }
  EpochAction operator()(const EpochReport& report) const { return call_(report); }

 private:
  std::function<EpochAction(const EpochReport&)> call_;
};

struct FitOptions {
  std::int64_t epochs = 10;
  std::int64_t batch_size = 32;      // the last batch of an epoch holds the remainder; clipped to the examples
  bool shuffle = true;               // a new permutation each epoch, keyed by (seed, epoch)
  double validation_fraction = 0;    // in [0, 1): this share of the examples (chosen by seed) is held out
  std::uint64_t seed = 0;
  EpochCallback on_epoch = nullptr;  // called after every epoch (progress display); may stop training
  // The learning rate of each epoch, from the optimizer's learning_rate (nnk/schedule.hpp).
  LearningRateSchedule schedule = {};
  // Early stopping (needs a validation split): an epoch "improves" when its validation loss (Metrics::loss, no
  // regularization) is strictly lower than every earlier epoch's; NaN never improves. Training stops after
  // `early_stopping_patience` epochs in a row without improvement, and whenever it is on (> 0) fit returns with
  // the network (parameters, optimizer state, steps()) of the best epoch, also when all epochs ran. 0: off.
  std::int64_t early_stopping_patience = 0;
  // Gradient-norm clipping: when the global L2 norm of every dW and db (regularization included) exceeds
  // clip_norm, they are scaled by clip_norm / norm before the update. 0: off. It costs the fused update: the
  // gradients are materialized, their norm taken in double (one fixed order), then the optimizer kernels run.
  float clip_norm = 0;
  CheckpointOptions checkpoint = {};  // nnk/checkpoint.hpp
  // A checkpoint to continue from (empty: start afresh): net, x, y and every option but epochs and on_epoch must be
  // those of the run that wrote it (else nnk::Error naming the difference, and net is untouched). Training goes on
  // from the checkpoint's epoch to options.epochs in total; the reports are those of the epochs run here.
  std::string resume_from = {};
};

// Trains net on (x, y) with mini-batch steps. For a given seed and ISA, the resulting weights are bitwise identical
// for any thread count and on every run, and a run resumed from a checkpoint ends with the same bits as one that was
// never interrupted. Returns one report per epoch run.
//
// Errors (nnk::Error; every check is made before the step that would use the value):
//   - shapes of x and y, optimizer hyperparameters (learning_rate must be > 0 here), options out of range
//     (early stopping without a validation split, a bad schedule, clip_norm < 0 or not finite);
//   - a checkpoint that cannot be written (the previous one stays), or a resume_from checkpoint that is unreadable,
//     corrupt, truncated or of another network, data set or set of options;
//   - a non-finite parameter in net before training (or written into it by on_epoch between epochs);
//   - NaN or infinity in x or y: the message names the matrix, the row, the example (column of x / y), and the
//     epoch and batch where a step would have used it (examples held out for validation are checked up front);
//   - nnk::TrainingDiverged (nnk/error.hpp) when a batch's cost is NaN or infinite, or an epoch's updates leave a
//     non-finite parameter: it names the epoch and batch.
// Whenever fit throws after training started, net is restored to its state after the last completed epoch (or the
// state it was given): parameters, optimizer state and steps(). Costs one copy of those per epoch and a scan of
// each batch. Every buffer is allocated in the first epoch: later epochs allocate only what their reports hold (the
// confusion matrices) and, when checkpointing, the checkpoint's bytes.
std::vector<EpochReport> fit(Network& net, ConstMatrixView x, ConstMatrixView y, const Optimizer& optimizer,
                             const FitOptions& options);

}  // namespace nnk
