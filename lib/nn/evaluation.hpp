// Inference-mode metrics over a data set with storage that persists between calls (internal to lib/nn): evaluate()
// uses one per call, fit one for every epoch's validation pass, so that an epoch allocates nothing for it.
#pragma once

#include <optional>

#include "nn/inference.hpp"
#include "nn/metrics_accumulator.hpp"
#include "nn/network_state.hpp"
#include "nnk/train.hpp"

namespace nnk::nn {

class Evaluation {
 public:
  // The metrics of the network on (x, y), shapes already checked; the same as nnk::evaluate. One Evaluation serves
  // one network (the loss and output count of the first run stay).
  Metrics run(const Network::State& state, ConstMatrixView x, ConstMatrixView y);

 private:
  InferenceScratch scratch_;
  Matrix logits_, delta_;
  std::optional<MetricsAccumulator> metrics_;
};

}  // namespace nnk::nn
