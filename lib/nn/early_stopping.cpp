#include "nn/early_stopping.hpp"

namespace nnk::nn {

bool EarlyStopping::observe(std::int64_t epoch, double loss, const Network::State& state) {
  if (loss < best_loss_) {  // strictly lower; false for NaN
    best_loss_ = loss;
    best_epoch_ = epoch;
    best_.take(state);
    return false;
  }
  return epoch - best_epoch_ >= patience_;
}

void EarlyStopping::restore_best(Network::State& state) const {
  if (best_epoch_ > 0) best_.restore(state);
}

}  // namespace nnk::nn
