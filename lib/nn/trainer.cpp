// nnk::fit: epochs of shuffled mini-batch steps, with an optional validation split and a per-epoch report.
//
// Determinism: the validation split and every epoch's order come from counter streams keyed by the seed (and the
// epoch), train_step is deterministic, and nothing else depends on threads.
//
// Failure: each batch is checked for NaN and infinity before its step (while it is gathered), each cost is checked,
// and the parameters are scanned after each epoch. On any of these failures the network is put back to a snapshot
// taken at the start of the epoch (a copy of the parameters and optimizer state per epoch, outside the
// allocation-free train_step), so a failed fit leaves the network as it was after its last completed epoch.
// Checking the cost alone could not do this: the step whose cost is still finite may be the one whose update writes
// the first NaN.
//
// Training control: each epoch's learning rate comes from options.schedule; with clip_norm the steps are
// nn::clipped_train_step (materialized gradients) instead of the fused train_step; early stopping keeps the best
// epoch's state (nn/early_stopping.hpp). A checkpoint (nn/checkpoint_file.hpp) holds the state at an epoch's end and
// what keys the random streams (seed, epoch, steps()), so a resumed run replays the same steps on the same bits.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "core/counter_random.hpp"
#include "cpu/parallel.hpp"
#include "nn/checkpoint_file.hpp"
#include "nn/early_stopping.hpp"
#include "nn/evaluation.hpp"
#include "nn/finite_checks.hpp"
#include "nn/gradient_clipping.hpp"
#include "nn/metrics_accumulator.hpp"
#include "nn/network_checks.hpp"
#include "nn/network_state.hpp"
#include "nn/parameter_update.hpp"
#include "nn/step_group.hpp"
#include "nn/training_pass.hpp"
#include "nn/training_snapshot.hpp"
#include "nnk/data.hpp"
#include "nnk/error.hpp"
#include "nnk/schedule.hpp"
#include "nnk/train.hpp"

namespace nnk {

namespace {

constexpr const char* kFunction = "nnk::fit";

// fit trains, so a learning rate of 0 (which train_step accepts: a step that only advances steps()) is an error.
void check_learning_rate(const Optimizer& optimizer) {
  const float rate = std::visit([](const auto& o) { return o.learning_rate; }, optimizer);
  if (!(std::isfinite(rate) && rate > 0.0f))
    detail::fail(kFunction, ": optimizer.learning_rate must be finite and > 0, got ", rate);
}

void check_options(const FitOptions& options) {
  if (options.epochs < 0) detail::fail(kFunction, ": options.epochs must be >= 0, got ", options.epochs);
  if (options.batch_size < 1) detail::fail(kFunction, ": options.batch_size must be >= 1, got ", options.batch_size);
  if (!(options.validation_fraction >= 0 && options.validation_fraction < 1))
    detail::fail(kFunction, ": options.validation_fraction must be in [0, 1), got ", options.validation_fraction);
  check_schedule("nnk::fit: options.schedule", options.schedule);
  if (options.early_stopping_patience < 0)
    detail::fail(kFunction, ": options.early_stopping_patience must be >= 0 (0: off), got ",
                 options.early_stopping_patience);
  if (!(std::isfinite(options.clip_norm) && options.clip_norm >= 0))
    detail::fail(kFunction, ": options.clip_norm must be finite and >= 0 (0: off), got ", options.clip_norm);
  if (options.checkpoint.every < 1)
    detail::fail(kFunction, ": options.checkpoint.every must be >= 1, got ", options.checkpoint.every);
}

// The optimizer of one epoch: the given one at the schedule's rate.
Optimizer at_learning_rate(const Optimizer& optimizer, float rate) {
  return std::visit(
      [rate](auto o) -> Optimizer {
        o.learning_rate = rate;
        return o;
      },
      optimizer);
}

// With shards, the fingerprints of the whole set (collective).
nn::RunSettings run_settings(const FitOptions& options, const Optimizer& optimizer, ConstMatrixView x,
                             ConstMatrixView y, nn::ExampleShards* shards) {
  return {.seed = options.seed, .batch_size = options.batch_size, .shuffle = options.shuffle,
          .validation_fraction = options.validation_fraction, .optimizer = optimizer, .schedule = options.schedule,
          .early_stopping_patience = options.early_stopping_patience, .clip_norm = options.clip_norm,
          .x = shards != nullptr ? shards->fingerprint_x() : nn::fingerprint(x),
          .y = shards != nullptr ? shards->fingerprint_y() : nn::fingerprint(y)};
}

// Copies columns `indices[first .. first + count)` of source into the first `count` columns of target, on nnk's
// threads (the gather is a random read of the data set, bound by memory). Returns false when a copied value is NaN
// or infinite: each column is checked right after its copy, while it is in L1, instead of in a second pass.
bool gather_finite_columns(ConstMatrixView source, const std::vector<std::int64_t>& indices, std::size_t first,
                           std::int64_t count, MatrixView target) {
  constexpr std::int64_t kFloatsPerTask = 64 * 1024;
  constexpr std::int64_t kPrefetchAhead = 4;
  const std::int64_t rows = source.rows();
  std::atomic<bool> finite{true};
  cpu::parallel_for(count, std::max<std::int64_t>(1, kFloatsPerTask / std::max<std::int64_t>(rows, 1)),
                    [&](std::int64_t begin, std::int64_t end) {
                      bool chunk_finite = true;
                      for (std::int64_t j = begin; j < end; ++j) {
                        // The source columns are scattered: ask for the one kPrefetchAhead columns on while this
                        // one is copied, so that several are on their way from memory at once.
                        const auto column = [&](std::int64_t k) {
                          return source.col(indices[first + static_cast<std::size_t>(k)]);
                        };
                        if (j + kPrefetchAhead < end) {
                          const float* ahead = column(j + kPrefetchAhead);
                          for (std::int64_t i = 0; i < rows; i += 16) __builtin_prefetch(ahead + i, 0, 2);
                        }
                        std::copy_n(column(j), rows, target.col(j));
                        chunk_finite = chunk_finite && nn::all_finite(target.col_block(j, 1));
                      }
                      if (!chunk_finite) finite.store(false, std::memory_order_relaxed);
                    });
  return finite.load(std::memory_order_relaxed);
}

std::string describe(const nn::NonFiniteParameter& p) {
  std::ostringstream out;
  out << "layer " << p.layer << (p.is_bias ? " bias" : " weights") << " (" << p.element.row << ", " << p.element.col
      << ") = " << p.element.value;
  return out.str();
}

// One batch of an epoch, copied out of the data set and checked for NaN and infinity as it was copied.
struct GatheredBatch {
  Matrix x, y;
  std::int64_t columns = 0;
  std::atomic<bool> x_finite{true}, y_finite{true};
};

// The gather of a batch into `target`, in pieces of its columns: as side tasks of the previous step, one per thread
// (nn::SideTask), or all at once for an epoch's first batch.
struct BatchGather {
  GatheredBatch* target;
  ConstMatrixView x, y;
  const std::vector<std::int64_t>* indices;
  std::int64_t first, columns;

  // Sets the target's size and flags; then the pieces may run in any order, on any threads.
  void begin() const {
    target->columns = columns;
    target->x_finite = true;
    target->y_finite = true;
  }

  static void run(void* context, int piece, int pieces) {
    const BatchGather& g = *static_cast<const BatchGather*>(context);
    const std::int64_t c0 = g.columns * piece / pieces, c1 = g.columns * (piece + 1) / pieces;
    const auto offset = static_cast<std::size_t>(g.first + c0);
    if (!gather_finite_columns(g.x, *g.indices, offset, c1 - c0, g.target->x.col_block(c0, c1 - c0)))
      g.target->x_finite = false;
    if (!gather_finite_columns(g.y, *g.indices, offset, c1 - c0, g.target->y.col_block(c0, c1 - c0)))
      g.target->y_finite = false;
  }
};

// "its state after epoch 2", or "the state fit was given" when no epoch completed.
std::string restored_state(std::int64_t epoch) {
  return epoch > 1 ? "its state after epoch " + std::to_string(epoch - 1) : std::string("the state fit was given");
}

// The first non-finite value of data, its column counted from `first`; with a group, the first of every process's.
std::optional<nn::NonFiniteElement> first_non_finite_of(ConstMatrixView data, std::int64_t first,
                                                        nn::StepGroup* group) {
  std::optional<nn::NonFiniteElement> e;
  if (!nn::all_finite(data)) {
    e = nn::first_non_finite(data);
    e->col += first;
  }
  return group != nullptr ? group->first_non_finite(e) : e;
}

// Rejects non-finite values in columns of a data set that no training step reads (the validation split): data holds
// the held-out examples from position `first` on.
void check_held_out(const char* name, ConstMatrixView data, std::int64_t first,
                    const std::vector<std::int64_t>& held_out, nn::StepGroup* group) {
  if (const auto e = first_non_finite_of(data, first, group))
    detail::fail(kFunction, ": ", name, " holds a non-finite value (", e->value, ") at row ", e->row, " of example ",
                 held_out[static_cast<std::size_t>(e->col)], " (held out for validation)");
}

// Checks the checkpoint of options.resume_from against this run, then puts its state into `state` and
// early_stopping. Returns the first epoch to run: options.epochs + 1 when that run had stopped early.
std::int64_t resume(Network::State& state, const FitOptions& options, const nn::RunSettings& settings,
                    nn::EarlyStopping& early_stopping) {
  nn::CheckpointContents resumed = nn::read_checkpoint(kFunction, options.resume_from);
  nn::check_resumable(kFunction, options.resume_from, resumed, state.spec, settings);
  if (resumed.info.epoch > options.epochs)
    detail::fail(kFunction, ": cannot resume from '", options.resume_from, "': it holds ", resumed.info.epoch,
                 " completed epochs, more than options.epochs = ", options.epochs, " in total");
  resumed.current.restore(state);
  if (resumed.best_epoch > 0) {
    early_stopping.best_state() = std::move(resumed.best);
    early_stopping.set_best(resumed.best_epoch, resumed.best_loss);
  }
  return resumed.info.finished ? options.epochs + 1 : resumed.info.epoch + 1;
}

// The checkpoint after `epoch`: `contents` keeps the run's info and settings between writes.
void write_epoch_checkpoint(const Network::State& state, const std::string& path, std::int64_t epoch, bool finished,
                            const nn::EarlyStopping& early_stopping, nn::CheckpointContents& contents) {
  contents.info.epoch = epoch;
  contents.info.finished = finished;
  contents.current.take(state);
  contents.best_epoch = early_stopping.best_epoch();
  contents.best_loss = early_stopping.best_loss();
  if (contents.best_epoch > 0) contents.best = early_stopping.best_state();
  nn::write_checkpoint(kFunction, path, contents);
}

}  // namespace

namespace nn {

std::vector<EpochReport> fit(Network& net, ConstMatrixView x, ConstMatrixView y, const Optimizer& optimizer,
                             const FitOptions& options, StepGroup* group) {
  const Network::State& state = NetworkAccess::state(net);
  nn::ExampleShards* const shards = group != nullptr ? group->shards() : nullptr;
  // A shard may be empty, the whole set may not (its size is known to every process: the same error everywhere).
  nn::check_input(kFunction, state, x, shards != nullptr ? shards->examples() : x.cols());
  nn::check_targets(kFunction, state, y, x.cols());
  check_learning_rate(optimizer);
  nn::check_optimizer(kFunction, optimizer);
  check_options(options);
  if (const auto p = nn::first_non_finite_parameter(state))
    detail::fail(kFunction, ": net holds a non-finite parameter before training: ", describe(*p));
  if (group != nullptr && options.clip_norm > 0)
    detail::fail(kFunction, ": options.clip_norm = ", options.clip_norm, " is not supported by data-parallel ",
                 "training (nnk::mpi::fit) yet; use 0 (off)");

  // The validation split: a seeded choice of examples; training keeps the rest in their original order.
  const std::int64_t m = shards != nullptr ? shards->examples() : x.cols();
  const auto validation_count = static_cast<std::int64_t>(std::llround(options.validation_fraction * static_cast<double>(m)));
  if (validation_count >= m)
    detail::fail(kFunction, ": options.validation_fraction = ", options.validation_fraction, " leaves no training ",
                 "example out of ", m);
  std::vector<std::int64_t> training(static_cast<std::size_t>(m));
  for (std::int64_t j = 0; j < m; ++j) training[static_cast<std::size_t>(j)] = j;
  Matrix validation_x, validation_y;
  if (validation_count > 0) {
    std::vector<std::int64_t> order;
    const detail::CounterStream split(options.seed, detail::RandomPurpose::ValidationSplit, 0, 0);
    detail::fill_permutation(order, m, split);
    const std::vector<std::int64_t> held_out(order.begin(), order.begin() + validation_count);
    training.assign(order.begin() + validation_count, order.end());
    std::sort(training.begin(), training.end());
    // This process's part of the validation pass, all of it without a group.
    const ColumnBlock part = group != nullptr ? group->validation_columns(validation_count)
                                              : ColumnBlock{0, validation_count};
    if (shards != nullptr) {
      shards->fetch_validation(held_out, validation_x, validation_y);
    } else {
      const std::vector<std::int64_t> mine(held_out.begin() + part.begin, held_out.begin() + part.end);
      validation_x = select_columns(x, mine);
      validation_y = select_columns(y, mine);
    }
    check_held_out("x", validation_x, part.begin, held_out, group);
    check_held_out("y", validation_y, part.begin, held_out, group);
  }
  if (options.early_stopping_patience > 0 && validation_count == 0)
    detail::fail(kFunction, ": options.early_stopping_patience = ", options.early_stopping_patience,
                 " needs a validation split, but options.validation_fraction = ", options.validation_fraction,
                 " holds out no example");

  // Checkpoints and resuming. Every check of the checkpoint comes before the network changes.
  nn::EarlyStopping early_stopping(options.early_stopping_patience);
  const bool checkpointing = !options.checkpoint.path.empty();
  nn::CheckpointContents checkpoint;
  if (checkpointing || !options.resume_from.empty())
    checkpoint.settings = run_settings(options, optimizer, x, y, shards);
  std::int64_t first_epoch = 1;
  Network::State& mutable_state = NetworkAccess::state(net);
  if (!options.resume_from.empty()) {
    first_epoch = resume(mutable_state, options, checkpoint.settings, early_stopping);
    if (first_epoch > options.epochs) {  // nothing left to train (or that run stopped early)
      early_stopping.restore_best(mutable_state);
      return {};
    }
  }
  checkpoint.info = {.spec = state.spec, .epoch = 0, .epochs = options.epochs, .finished = false,
                     .user_data = options.checkpoint.user_data};

  const auto train_count = static_cast<std::int64_t>(training.size());
  const std::int64_t batch = std::min(options.batch_size, train_count);
  GatheredBatch gathered[2] = {{Matrix(x.rows(), batch), Matrix(y.rows(), batch)},
                               {Matrix(x.rows(), batch), Matrix(y.rows(), batch)}};
  std::vector<std::int64_t> order, epoch_indices(training.size());
  std::vector<EpochReport> reports;
  reports.reserve(static_cast<std::size_t>(options.epochs - first_epoch + 1));
  // Kept for every epoch, so that an epoch allocates nothing but what its report holds.
  nn::MetricsAccumulator train_metrics(state.spec.loss, net.outputs());
  nn::Evaluation validation;
  const std::int64_t batches = (train_count + batch - 1) / batch;
  nn::TrainingSnapshot snapshot;

  for (std::int64_t epoch = first_epoch; epoch <= options.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    const float learning_rate =
        scheduled_learning_rate(options.schedule, std::visit([](const auto& o) { return o.learning_rate; }, optimizer),
                                epoch, options.epochs);
    const Optimizer epoch_optimizer = at_learning_rate(optimizer, learning_rate);
    std::int64_t clipped_steps = 0;
    if (epoch > first_epoch && options.on_epoch) {  // the callback may have changed the network
      if (const auto p = nn::first_non_finite_parameter(state))
        detail::fail(kFunction, ": net holds a non-finite parameter before epoch ", epoch, ": ", describe(*p),
                     " (set after epoch ", epoch - 1, ", by options.on_epoch)");
    }
    snapshot.take(state);
    if (options.shuffle) {
      const detail::CounterStream shuffle(options.seed, detail::RandomPurpose::Permutation,
                                          static_cast<std::uint64_t>(epoch), 0);
      detail::fill_permutation(order, train_count, shuffle);
      for (std::size_t k = 0; k < training.size(); ++k)
        epoch_indices[k] = training[static_cast<std::size_t>(order[k])];
    } else {
      epoch_indices = training;
    }
    // Where this process's columns of the epoch are: the data itself, or what the shards brought.
    const nn::EpochExamples source = shards != nullptr ? shards->fetch_epoch(epoch_indices, batch)
                                                       : nn::EpochExamples{x, y, &epoch_indices};

    // The epoch's steps. Whatever stops them (bad data, divergence, a failed allocation) puts the network back to
    // the snapshot before the exception leaves fit.
    Metrics train;
    try {
      train_metrics.reset();
      // This process's columns of the batch that starts at `first` (all of them without a group).
      const auto local_part = [&](std::int64_t first) {
        const std::int64_t columns = std::min(batch, train_count - first);
        return group != nullptr ? group->local_columns(columns) : ColumnBlock{0, columns};
      };
      const auto gather_of = [&](GatheredBatch& target, std::int64_t first) {
        const ColumnBlock part = local_part(first);
        return BatchGather{&target, source.x, source.y, source.columns, first + part.begin, part.columns()};
      };
      BatchGather first_batch = gather_of(gathered[0], 0);
      first_batch.begin();
      BatchGather::run(&first_batch, 0, 1);
      for (std::int64_t first = 0, b = 1; first < train_count; first += batch, ++b) {
        GatheredBatch& current = gathered[(b - 1) % 2];
        const std::int64_t n = current.columns;
        const std::int64_t batch_columns = std::min(batch, train_count - first);
        const std::int64_t local_first = local_part(first).begin;
        const bool local_finite = current.x_finite && current.y_finite;
        // Some process met a non-finite value: all name the first of the batch, in x before y, as one process would.
        if (group != nullptr ? group->any(!local_finite) : !local_finite) {
          for (const bool targets : {false, true}) {
            const ConstMatrixView data = (targets ? current.y : current.x).col_block(0, current.columns);
            const auto e = first_non_finite_of(data, local_first, group);
            if (!e) continue;
            detail::fail(kFunction, ": ", targets ? "y" : "x", " holds a non-finite value (", e->value, ") at row ",
                         e->row, " of example ", epoch_indices[static_cast<std::size_t>(first + e->col)],
                         ", met in epoch ", epoch, ", batch ", b, " of ", batches,
                         "; no step used it, and the network was restored to ", restored_state(epoch));
          }
        }
        // The next batch is gathered while this step's update runs (a memory-bound copy next to its GEMMs).
        const std::int64_t next_first = first + batch;
        BatchGather next{&gathered[b % 2], source.x, source.y, source.columns, next_first, 0};
        nn::SideTask side;
        if (next_first < train_count) {
          next = gather_of(gathered[b % 2], next_first);
          next.begin();  // sets its column count, which may be 0 (a rank without blocks in it)
          if (next.columns > 0) side = {&BatchGather::run, &next};
        }
        float cost = 0;
        if (group != nullptr) {
          if (side.run != nullptr) side.run(side.context, 0, 1);  // the group's step takes no side task
          cost = static_cast<float>(group->train_step(mutable_state, current.x.col_block(0, n),
                                                      current.y.col_block(0, n), batch_columns, local_first,
                                                      epoch_optimizer));
        } else if (options.clip_norm > 0) {
          if (side.run != nullptr) side.run(side.context, 0, 1);  // the clipped step has no update region to share
          const nn::ClippedStep step = nn::clipped_train_step(mutable_state, current.x.col_block(0, n),
                                                              current.y.col_block(0, n), epoch_optimizer,
                                                              options.clip_norm);
          cost = static_cast<float>(step.cost);
          clipped_steps += step.clipped ? 1 : 0;
        } else {
          cost = nn::train_step(mutable_state, current.x.col_block(0, n), current.y.col_block(0, n), epoch_optimizer,
                                side);
        }
        if (!std::isfinite(cost)) {
          std::ostringstream message;
          message << kFunction << ": training diverged in epoch " << epoch << ", batch " << b << " of " << batches
                  << ": the cost is " << cost << " (is the learning rate too large?); the network was restored to "
                  << restored_state(epoch);
          throw TrainingDiverged(message.str(), epoch, b);
        }
        // The step's own logits (before its update): training metrics without a second forward pass.
        train_metrics.add_cost(cost, batch_columns);
        train_metrics.add_outputs(state.workspace.logits.col_block(0, n), current.y.col_block(0, n));
      }
      if (const auto p = nn::first_non_finite_parameter(state)) {
        const std::string where = describe(*p);
        std::ostringstream message;
        message << kFunction << ": training diverged in epoch " << epoch << ", batch " << batches << " of " << batches
                << " or earlier: after the epoch's last step " << where << " (is the learning rate too large?); the "
                << "network was restored to " << restored_state(epoch);
        throw TrainingDiverged(message.str(), epoch, batches);
      }
      if (group != nullptr) group->combine(train_metrics);
      train = train_metrics.result();
    } catch (...) {
      snapshot.restore(mutable_state);
      throw;
    }

    EpochReport report;
    report.epoch = epoch;
    report.epochs = options.epochs;
    report.train = train;
    if (validation_count > 0)
      report.validation = group != nullptr
                              ? group->validate(state, validation_x, validation_y, validation_count, validation)
                              : validation.run(state, validation_x, validation_y);
    report.learning_rate = learning_rate;
    report.clipped_steps = clipped_steps;
    bool stop = false;
    if (early_stopping.enabled()) {
      stop = early_stopping.observe(epoch, report.validation->loss, state);
      report.best_epoch = early_stopping.best_epoch();
      if (stop) report.stop = StopReason::EarlyStopping;
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    reports.push_back(report);
    bool asked_to_stop = options.on_epoch && options.on_epoch(reports.back()) == EpochAction::Stop;
    if (group != nullptr) asked_to_stop = group->agree(asked_to_stop);
    if (asked_to_stop && !stop) {
      reports.back().stop = StopReason::Callback;
      stop = true;
    }
    // After the callback, which may change the network: the checkpoint holds the state the next epoch starts from.
    const bool writes_checkpoint = checkpointing && (group == nullptr || group->writes_files());
    if (writes_checkpoint && (epoch % options.checkpoint.every == 0 || epoch == options.epochs || stop))
      write_epoch_checkpoint(state, options.checkpoint.path, epoch, reports.back().stop == StopReason::EarlyStopping,
                             early_stopping, checkpoint);
    if (stop) break;
  }
  early_stopping.restore_best(mutable_state);  // no-op when it is off
  return reports;
}

}  // namespace nn

std::vector<EpochReport> fit(Network& net, ConstMatrixView x, ConstMatrixView y, const Optimizer& optimizer,
                             const FitOptions& options) {
  return nn::fit(net, x, y, optimizer, options, nullptr);
}

}  // namespace nnk
