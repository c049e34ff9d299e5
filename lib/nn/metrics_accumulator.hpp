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
  // The two halves of add, for a process of a data-parallel group that holds only some columns of each batch: the
  // batch's mean cost over all its `columns`, and this process's logits and targets.
  void add_cost(double mean_cost, std::int64_t columns);
  void add_outputs(ConstMatrixView logits, ConstMatrixView targets);

  // The tallies that add_outputs sums, in a fixed layout, so that a group's processes can add theirs up: examples,
  // then the confusion counts; the regression sums (squared error, y, y^2 per output unit).
  struct Tallies {
    std::vector<std::int64_t> counts;
    std::vector<double> sums;
  };
  Tallies tallies() const;
  void set_tallies(const Tallies& tallies);
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
