// Inference-mode metrics over a data set with storage that persists between calls (internal to lib/nn): evaluate()
// uses one per call, fit one for every epoch's validation pass, so that an epoch allocates nothing for it.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

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

  // A share of run, for the processes of a step group: x's columns in blocks of kBlockColumns, this process
  // evaluating blocks [first_block, end_block). Adds their outputs to metrics() (reset first) and writes each
  // block's mean loss to block_losses[b - first_block]; the group then adds every block's cost to metrics() in
  // block order (add_cost) and combines the tallies, which gives run's result.
  static constexpr std::int64_t kBlockColumns = 1024;  // bounds the scratch for any number of examples
  static std::int64_t block_count(std::int64_t columns) { return (columns + kBlockColumns - 1) / kBlockColumns; }
  void run_blocks(const Network::State& state, ConstMatrixView x, ConstMatrixView y, std::int64_t first_block,
                  std::int64_t end_block, std::vector<double>& block_losses);
  MetricsAccumulator& metrics() { return *metrics_; }

 private:
  void prepare(const Network::State& state, std::int64_t columns, std::int64_t outputs);

  InferenceScratch scratch_;
  Matrix logits_, delta_;
  std::vector<double> block_losses_;
  std::optional<MetricsAccumulator> metrics_;
};

}  // namespace nnk::nn
