// The processes that share fit's steps (internal to lib/nn): none for nnk::fit, the ranks of a communicator for
// nnk::mpi::fit. Every process runs the same loop over the same data and batches; a group says which columns of each
// batch this process computes, runs the step that combines the processes' gradients, and makes the decisions that
// must be the same everywhere (a bad batch, the callback's stop) the same.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "nn/evaluation.hpp"
#include "nn/example_shards.hpp"
#include "nn/finite_checks.hpp"
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

  // The first of the processes' non-finite values, in the order of their columns (each passes the first of its own
  // columns, if any, with col counted in the whole batch or set): the same on every process.
  virtual std::optional<NonFiniteElement> first_non_finite(const std::optional<NonFiniteElement>& local) = 0;

  // One training step of a batch of m columns, this process's part of it in (x, y) (columns `first` onwards):
  // the parameters of every process change identically. Returns J. Advances steps() like Network::train_step.
  virtual double train_step(Network::State& state, ConstMatrixView x, ConstMatrixView y, std::int64_t m,
                            std::int64_t first, const Optimizer& optimizer) = 0;

  // Replaces the epoch's training metrics tallies (add_outputs of this process's columns) by the group's total.
  virtual void combine(MetricsAccumulator& metrics) = 0;

  // The validation examples this process evaluates, of `columns` held out: whole blocks of Evaluation, possibly none.
  virtual ColumnBlock validation_columns(std::int64_t columns) const = 0;

  // The validation metrics of `columns` examples, the same as evaluation.run's over all of them
  // (nn/evaluation.hpp): x and y hold this process's validation_columns(columns).
  virtual Metrics validate(const Network::State& state, ConstMatrixView x, ConstMatrixView y, std::int64_t columns,
                           Evaluation& evaluation) = 0;

  // The decision of the process that decides (the first), on every process.
  virtual bool agree(bool decision) = 0;

  // Whether this process writes the checkpoints (one process of a group does).
  virtual bool writes_files() const = 0;

  // The examples when each process holds a shard of them; nullptr when every process holds them all.
  virtual ExampleShards* shards() { return nullptr; }
};

// nnk::fit's loop with the steps shared by `group` (nullptr: this process alone, which is nnk::fit). x and y are the
// examples, or this process's shard of them when group->shards() is not null.
std::vector<EpochReport> fit(Network& net, ConstMatrixView x, ConstMatrixView y, const Optimizer& optimizer,
                             const FitOptions& options, StepGroup* group);

}  // namespace nnk::nn
