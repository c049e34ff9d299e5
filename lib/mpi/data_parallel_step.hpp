// The ranks of a communicator as fit's step group (nn::StepGroup): data parallelism whose bits do not depend on the
// number of ranks.
//
// A batch's gradient blocks (nn/step_plan.hpp) are dealt out to the ranks in contiguous ranges, rank 0 first. Each
// rank runs the forward and backward passes over its columns; then, panel by panel of the weights, the ranks continue
// one process's fold of the blocks in block order, in one of two ways, the same on every rank:
//   chain_step (every rank on one thread)  rank r waits for the previous ranks' sum of a panel, adds its own blocks
//       in the GEMM (beta = 1, as one process adds its later blocks) and sends it on while it computes the next
//       panel; the last rank sends each final panel to the others, and each panel is updated as soon as it is final.
//   fold_step (some rank has several threads)  rank 0 folds its blocks, the other ranks compute each block's partial
//       on its own, and an OrderedFold (ordered_fold.hpp) per panel adds them in order while later panels compute;
//       then every panel is updated.
// Every rank applies the same update to the same parameters.
#pragma once

#include <mpi.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "mpi/ordered_fold.hpp"
#include "nn/step_group.hpp"
#include "nnk/matrix.hpp"
#include "nnk/mpi.hpp"

namespace nnk::mpi::detail {

// FNV-1a of every parameter's bits, layer by layer (W, then b).
std::uint64_t parameter_checksum(const Network::State& state);

class DataParallelGroup final : public nn::StepGroup {
 public:
  // check_replicas: after every step, compare the ranks' parameter checksums (nnk::Error on a difference).
  // shards: where the examples are when each rank holds a shard of them (nullptr: every rank holds them all).
  DataParallelGroup(MPI_Comm comm, bool check_replicas, nn::ExampleShards* shards = nullptr);
  ~DataParallelGroup() override;
  DataParallelGroup(const DataParallelGroup&) = delete;
  DataParallelGroup& operator=(const DataParallelGroup&) = delete;

  nn::ColumnBlock local_columns(std::int64_t m) const override;
  bool any(bool local) override;
  std::optional<nn::NonFiniteElement> first_non_finite(const std::optional<nn::NonFiniteElement>& local) override;
  double train_step(Network::State& state, ConstMatrixView x, ConstMatrixView y, std::int64_t m, std::int64_t first,
                    const Optimizer& optimizer) override;
  void combine(nn::MetricsAccumulator& metrics) override;
  nn::ColumnBlock validation_columns(std::int64_t columns) const override;
  Metrics validate(const Network::State& state, ConstMatrixView x, ConstMatrixView y, std::int64_t columns,
                   nn::Evaluation& evaluation) override;
  bool agree(bool decision) override;
  bool writes_files() const override { return rank_ == 0; }
  nn::ExampleShards* shards() override { return shards_; }

  const StepTraffic& traffic() const { return traffic_; }

 private:
  // Per layer: units x (fan_in + 1) floats, dW then db in the last column, so that a panel's columns and the last
  // panel with the bias are each one contiguous span.
  using LayerBuffers = std::vector<Matrix>;
  using Clock = std::chrono::steady_clock;
  // The layer buffers, and `local_blocks` sets of partials (fold_step on ranks after the first).
  void reserve(const Network::State& state, std::int64_t local_blocks);
  // A panel's gradient sums on this rank. chained: sums_ holds the fold of the ranks before, to continue.
  void compute_panel(Network::State& state, ConstMatrixView x, std::size_t panel, float inv_m, bool fused,
                     const Optimizer& optimizer, bool chained);
  // The two ways of combining the ranks' panels, each from the column pass to the updated parameters; return J.
  double fold_step(Network::State& state, ConstMatrixView x, std::int64_t m, const Optimizer& optimizer,
                   Clock::time_point start);
  double chain_step(Network::State& state, ConstMatrixView x, std::int64_t m, const Optimizer& optimizer,
                    Clock::time_point start);
  void count_time(Clock::time_point start, Clock::time_point first_send, Clock::time_point computed);
  // The optimizer step of panel p (and of its layer's bias after the layer's last panel) from its sum in `sums`.
  void apply_panel_update(Network::State& state, const Optimizer& optimizer, std::size_t p, LayerBuffers& sums);
  void start_fold(const Network::State& state, std::size_t panel, std::int64_t n);
  double exchange_cost(const Network::State& state, std::int64_t m);
  // Every rank's values of its range of `blocks` blocks (blocks_of_rank), in block order, on every rank.
  const std::vector<double>& gather_block_values(const std::vector<double>& mine, std::int64_t blocks);

  MPI_Comm comm_ = MPI_COMM_NULL;  // a duplicate of the caller's
  int rank_ = 0;
  int size_ = 1;
  bool check_replicas_ = false;
  nn::ExampleShards* shards_ = nullptr;
  LayerBuffers sums_;                   // the folded sums (rank 0's fold on entry to each fold)
  LayerBuffers finals_;                 // chain_step: where the last rank's sums arrive
  std::vector<LayerBuffers> partials_;  // ranks > 0: one set per local gradient block
  std::vector<OrderedFold> folds_;      // one per panel
  std::vector<std::atomic<bool>> panel_done_;  // this step's computed panels
  std::vector<const float*> partial_pointers_;
  std::vector<MPI_Request> prefix_requests_, final_requests_, send_requests_;  // chain_step's messages
  bool chained_ = false;  // every rank runs on one thread: chain_step, else fold_step
  std::vector<double> local_values_, all_block_values_;
  std::vector<int> loss_counts_, loss_offsets_;
  StepTraffic traffic_;
};

}  // namespace nnk::mpi::detail
