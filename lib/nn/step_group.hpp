// The processes that share fit's steps (internal to lib/nn): none for nnk::fit, the ranks of a communicator for
// nnk::mpi::fit. Every process runs the same loop over the same data and batches; a group says which columns of each
// batch this process computes, runs the step that combines the processes' gradients, and makes the decisions that
// must be the same everywhere (a bad batch, the callback's stop) the same.
#pragma once

#include <cstdint>
#include <vector>

#include "nn/evaluation.hpp"
#include "nn/metrics_accumulator.hpp"
#include "nn/network_state.hpp"
#include "nn/step_plan.hpp"
#include "nnk/network.hpp"
#include "nnk/train.hpp"

namespace nnk::nn {

class StepGroup {
 public:
  virtual ~StepGroup() = default;

  // The columns of a batch of m columns that this process computes: whole gradient blocks (step_plan.hpp), possibly
  // none; the processes' columns together are the batch, each once.
  virtual ColumnBlock local_columns(std::int64_t m) const = 0;

  // Every process calls it with whether it found a problem in its columns; true when any process did.
  virtual bool any(bool local) = 0;

  // One training step of a batch of m columns, this process's part of it in (x, y) (columns `first` onwards):
  // the parameters of every process change identically. Returns J. Advances steps() like Network::train_step.
  virtual double train_step(Network::State& state, ConstMatrixView x, ConstMatrixView y, std::int64_t m,
                            std::int64_t first, const Optimizer& optimizer) = 0;

  // Replaces the epoch's training metrics tallies (add_outputs of this process's columns) by the group's total.
  virtual void combine(MetricsAccumulator& metrics) = 0;

  // The validation metrics, the same as evaluation.run's (nn/evaluation.hpp), each process evaluating a share.
  virtual Metrics validate(const Network::State& state, ConstMatrixView x, ConstMatrixView y,
                           Evaluation& evaluation) = 0;

  // The decision of the process that decides (the first), on every process.
  virtual bool agree(bool decision) = 0;

  // Whether this process writes the checkpoints (one process of a group does).
  virtual bool writes_files() const = 0;
};

// nnk::fit's loop with the steps shared by `group` (nullptr: this process alone, which is nnk::fit).
std::vector<EpochReport> fit(Network& net, ConstMatrixView x, ConstMatrixView y, const Optimizer& optimizer,
                             const FitOptions& options, StepGroup* group);

}  // namespace nnk::nn
