// Running metrics over batches of (logits, targets) (internal to lib/nn): evaluate() and fit() both use it.
#pragma once

#include <cstdint>
#include <vector>

#include "nnk/matrix.hpp"
#include "nnk/train.hpp"
#include "nnk/types.hpp"

namespace nnk::nn {

class MetricsAccumulator {
 public:
  MetricsAccumulator(Loss loss, std::int64_t outputs);

  // Back to no batches, keeping the storage (fit reuses one accumulator for every epoch).
  void reset();

  // One batch: the output layer's logits and the targets (outputs x n), and the batch's mean cost.
  void add(ConstMatrixView logits, ConstMatrixView targets, double mean_cost);
  Metrics result() const;

 private:
  bool classification() const { return loss_ != Loss::MeanSquaredError; }

  Loss loss_;
  std::int64_t outputs_;
  std::int64_t classes_;
  std::int64_t examples_ = 0;
  double cost_sum_ = 0;
  std::vector<std::int64_t> confusion_;  // classes x classes, row-major (true, predicted)
  // Regression, per output unit: sum of squared errors, sum of y and of y^2 (for SST = sum y^2 - (sum y)^2 / n).
  std::vector<double> squared_error_, target_sum_, target_square_sum_;
};

}  // namespace nnk::nn
