// Early stopping on the validation loss (internal to lib/nn; the rule is FitOptions::early_stopping_patience's):
// an epoch improves when its loss is strictly lower than the best so far (NaN never does); the state after the best
// epoch is kept, and training stops after `patience` epochs in a row without improvement.
#pragma once

#include <cstdint>
#include <limits>

#include "nn/network_state.hpp"
#include "nn/training_snapshot.hpp"

namespace nnk::nn {

class EarlyStopping {
 public:
  explicit EarlyStopping(std::int64_t patience) : patience_(patience) {}

  bool enabled() const { return patience_ > 0; }
  std::int64_t patience() const { return patience_; }

  // Records epoch `epoch`'s validation loss, with `state` the network after that epoch: kept when it improves.
  // Returns true when training should stop here.
  bool observe(std::int64_t epoch, double loss, const Network::State& state);

  // Puts the best epoch's network back (no-op before any improvement).
  void restore_best(Network::State& state) const;

  std::int64_t best_epoch() const { return best_epoch_; }  // 0 before the first improvement
  double best_loss() const { return best_loss_; }

  // For the checkpoint file: the state to write, and to set when resuming.
  TrainingSnapshot& best_state() { return best_; }
  const TrainingSnapshot& best_state() const { return best_; }
  void set_best(std::int64_t epoch, double loss) {
    best_epoch_ = epoch;
    best_loss_ = loss;
  }

 private:
  std::int64_t patience_;
  std::int64_t best_epoch_ = 0;
  double best_loss_ = std::numeric_limits<double>::infinity();
  TrainingSnapshot best_;
};

}  // namespace nnk::nn
