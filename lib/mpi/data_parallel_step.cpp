#include "mpi/data_parallel_step.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <span>
#include <string>
#include <thread>

#include "cpu/float_env.hpp"
#include "mpi/block_ranges.hpp"
#include "mpi/mpi_call.hpp"
#include "nn/parameter_update.hpp"
#include "nn/training_pass.hpp"
#include "nnk/checksum.hpp"
#include "nnk/cpu.hpp"
#include "nnk/kernels.hpp"
#include "nnk/mpi.hpp"

namespace nnk::mpi::detail {

namespace {

constexpr const char* kFunction = "nnk::mpi::fit";

// dZ[l] and the input of layer l over this rank's n columns.
ConstMatrixView layer_delta(const Network::State& state, std::size_t l, std::int64_t n) {
  const nn::Workspace& ws = state.workspace;
  return l + 1 == state.num_layers() ? ws.delta.col_block(0, n) : ws.hidden_delta[l].col_block(0, n);
}
ConstMatrixView layer_input(const Network::State& state, std::size_t l, ConstMatrixView x, std::int64_t n) {
  return l == 0 ? x.col_block(0, n) : state.workspace.activations[l - 1].col_block(0, n);
}

void copy_into(MatrixView target, ConstMatrixView source) {
  for (std::int64_t j = 0; j < source.cols(); ++j)
    std::memcpy(target.col(j), source.col(j), static_cast<std::size_t>(source.rows()) * sizeof(float));
}

// The floats of a panel's fold in a layer buffer: its columns of dW, and db after the layer's last panel.
std::span<float> panel_span(Matrix& layer, const nn::WeightPanel& panel, bool last) {
  const std::int64_t units = layer.rows();
  const std::int64_t columns = panel.end - panel.begin + (last ? 1 : 0);
  return {layer.data() + panel.begin * units, static_cast<std::size_t>(columns * units)};
}

}  // namespace

DataParallelGroup::~DataParallelGroup() { MPI_Comm_free(&comm_); }

std::uint64_t parameter_checksum(const Network::State& state) {
  Fnv1a64 hash;
  for (const nn::LayerParameters& p : state.layers)
    for (const Matrix* m : {&p.weights, &p.bias})
      for (std::int64_t j = 0; j < m->cols(); ++j)
        hash.add(m->col(j), static_cast<std::size_t>(m->rows()) * sizeof(float));
  return hash.value();
}

DataParallelGroup::DataParallelGroup(MPI_Comm comm, bool check_replicas, nn::ExampleShards* shards)
    : rank_(rank_of(comm)), size_(size_of(comm)), check_replicas_(check_replicas), shards_(shards) {
  // A communicator of our own: the steps' tags cannot meet the caller's messages on comm.
  check_mpi(MPI_Comm_dup(comm, &comm_), "MPI_Comm_dup");
  // The two ways of combining panels do not talk to each other: every rank must take the same one.
  int most_threads = nnk::num_threads();
  check_mpi(MPI_Allreduce(MPI_IN_PLACE, &most_threads, 1, MPI_INT, MPI_MAX, comm_), "MPI_Allreduce");
  chained_ = most_threads == 1;
}

nn::ColumnBlock DataParallelGroup::local_columns(std::int64_t m) const {
  const Columns c = columns_of_rank(m, nn::kGradientBlockColumns, rank_, size_);
  return {c.begin, c.end};
}

nn::ColumnBlock DataParallelGroup::validation_columns(std::int64_t columns) const {
  const Columns c = columns_of_rank(columns, nn::Evaluation::kBlockColumns, rank_, size_);
  return {c.begin, c.end};
}

bool DataParallelGroup::any(bool local) { return any_rank(comm_, local); }

std::optional<nn::NonFiniteElement> DataParallelGroup::first_non_finite(
    const std::optional<nn::NonFiniteElement>& local) {
  // Every rank's (found, row, col, value); ranks hold their columns in rank order, so the first that found one wins.
  const double mine[4] = {local ? 1.0 : 0.0, local ? static_cast<double>(local->row) : 0.0,
                          local ? static_cast<double>(local->col) : 0.0, local ? local->value : 0.0};
  std::vector<double> all(4 * static_cast<std::size_t>(size_));
  check_mpi(MPI_Allgather(mine, 4, MPI_DOUBLE, all.data(), 4, MPI_DOUBLE, comm_), "MPI_Allgather");
  for (int r = 0; r < size_; ++r) {
    const double* e = all.data() + 4 * static_cast<std::size_t>(r);
    if (e[0] != 0)
      return nn::NonFiniteElement{static_cast<std::int64_t>(e[1]), static_cast<std::int64_t>(e[2]),
                                  static_cast<float>(e[3])};
  }
  return std::nullopt;
}

bool DataParallelGroup::agree(bool decision) {
  int value = decision ? 1 : 0;
  check_mpi(MPI_Bcast(&value, 1, MPI_INT, 0, comm_), "MPI_Bcast");
  return value != 0;
}

void DataParallelGroup::combine(nn::MetricsAccumulator& metrics) {
  nn::MetricsAccumulator::Tallies tallies = metrics.tallies();
  check_mpi(MPI_Allreduce(MPI_IN_PLACE, tallies.counts.data(), static_cast<int>(tallies.counts.size()), MPI_INT64_T,
                          MPI_SUM, comm_),
            "MPI_Allreduce");  // integer counts: exact in any order
  if (!tallies.sums.empty()) {  // doubles: added in rank order, the same on every rank
    const std::size_t length = tallies.sums.size();
    std::vector<double> all(length * static_cast<std::size_t>(size_));
    check_mpi(MPI_Allgather(tallies.sums.data(), static_cast<int>(length), MPI_DOUBLE, all.data(),
                            static_cast<int>(length), MPI_DOUBLE, comm_),
              "MPI_Allgather");
    for (std::size_t i = 0; i < length; ++i) {
      double sum = 0;
      for (int r = 0; r < size_; ++r) sum += all[static_cast<std::size_t>(r) * length + i];
      tallies.sums[i] = sum;
    }
  }
  metrics.set_tallies(tallies);
}

void DataParallelGroup::reserve(const Network::State& state, std::int64_t local_blocks) {
  const auto layer_buffers = [&] {
    LayerBuffers buffers;
    for (std::size_t l = 0; l < state.num_layers(); ++l) buffers.emplace_back(state.units(l), state.fan_in(l) + 1);
    return buffers;
  };
  if (sums_.size() != state.num_layers()) sums_ = layer_buffers();
  if (chained_ && finals_.size() != state.num_layers()) finals_ = layer_buffers();
  while (static_cast<std::int64_t>(partials_.size()) < local_blocks) partials_.push_back(layer_buffers());
  folds_.resize(state.workspace.panels.size());
  if (panel_done_.size() != folds_.size()) panel_done_ = std::vector<std::atomic<bool>>(folds_.size());
}

void DataParallelGroup::compute_panel(Network::State& state, ConstMatrixView x, std::size_t p, float inv_m,
                                      bool fused, const Optimizer& optimizer, bool chained) {
  nn::Workspace& ws = state.workspace;
  const nn::WeightPanel& panel = ws.panels[p];
  const std::size_t l = panel.layer;
  const std::int64_t columns = panel.end - panel.begin, n = x.cols();
  const bool last = panel.end == state.fan_in(l);
  const ConstMatrixView w = state.layers[l].weights.view().col_block(panel.begin, columns);
  if (state.regularized())  // before this panel's update, the only write to these weights
    ws.panel_costs[p] = nnk::regularization_cost(w, Regularization{state.spec.l1, state.spec.l2});
  if (n == 0) return;  // a rank without blocks passes the fold on
  const ConstMatrixView dz = layer_delta(state, l, n);
  const ConstMatrixView input_rows = layer_input(state, l, x, n).block(panel.begin, 0, columns, n);
  const float alpha = fused ? nn::fused_sgd_gradient_scale(optimizer, inv_m) : inv_m;
  if (chained) {  // the fold so far arrived from the previous rank: this rank's blocks continue it
    const MatrixView sum = sums_[l].view().col_block(panel.begin, columns);
    nn::fold_weight_gradient(alpha, dz, input_rows, 1.0f, sum);
    if (last) nn::fold_bias_gradient(dz, inv_m, sums_[l].view().col_block(state.fan_in(l), 1), /*continues=*/true);
    return;
  }
  if (rank_ == 0) {  // block 0 onwards: one process's fold
    const MatrixView sum = sums_[l].view().col_block(panel.begin, columns);
    float beta = 0.0f;
    if (fused) {
      copy_into(sum, w);
      beta = nn::fused_sgd_weight_scale(optimizer, state.spec);
    }
    nn::fold_weight_gradient(alpha, dz, input_rows, beta, sum);
    if (last) nn::fold_bias_gradient(dz, inv_m, sums_[l].view().col_block(state.fan_in(l), 1));
    return;
  }
  for (std::int64_t k = 0; k < nn::gradient_block_count(n); ++k) {  // each block's partial, for the fold to add
    const nn::ColumnBlock g = nn::gradient_block(n, k);
    Matrix& partial = partials_[static_cast<std::size_t>(k)][l];
    const ConstMatrixView dz_block = dz.col_block(g.begin, g.columns());
    nn::fold_weight_gradient(alpha, dz_block, input_rows.col_block(g.begin, g.columns()), 0.0f,
                             partial.view().col_block(panel.begin, columns));
    if (last) nnk::bias_gradient(dz_block, inv_m, partial.view().col_block(state.fan_in(l), 1));
  }
}

void DataParallelGroup::start_fold(const Network::State& state, std::size_t p, std::int64_t n) {
  const nn::WeightPanel& panel = state.workspace.panels[p];
  const bool last = panel.end == state.fan_in(panel.layer);
  const std::span<float> sum = panel_span(sums_[panel.layer], panel, last);
  partial_pointers_.clear();
  if (rank_ > 0)
    for (std::int64_t k = 0; k < (n > 0 ? nn::gradient_block_count(n) : 0); ++k)
      partial_pointers_.push_back(panel_span(partials_[static_cast<std::size_t>(k)][panel.layer], panel, last).data());
  folds_[p].start(comm_, sum, partial_pointers_, static_cast<int>(p));
  // The chain sends the vector on from every rank but the last; the result goes round a ring from the last.
  const int sends = (rank_ + 1 < size_ ? 1 : 0) + (rank_ + 1 == size_ || rank_ + 2 < size_ ? 1 : 0);
  traffic_.bytes_sent += size_ > 1 ? static_cast<std::int64_t>(sum.size_bytes()) * sends : 0;
}

const std::vector<double>& DataParallelGroup::gather_block_values(const std::vector<double>& mine,
                                                                  std::int64_t blocks) {
  loss_counts_.resize(static_cast<std::size_t>(size_));
  loss_offsets_.resize(static_cast<std::size_t>(size_));
  for (int r = 0; r < size_; ++r) {
    const BlockRange range = blocks_of_rank(blocks, r, size_);
    loss_counts_[static_cast<std::size_t>(r)] = static_cast<int>(range.end - range.first);
    loss_offsets_[static_cast<std::size_t>(r)] = static_cast<int>(range.first);
  }
  all_block_values_.resize(static_cast<std::size_t>(blocks));
  check_mpi(MPI_Allgatherv(mine.data(), static_cast<int>(mine.size()), MPI_DOUBLE, all_block_values_.data(),
                           loss_counts_.data(), loss_offsets_.data(), MPI_DOUBLE, comm_),
            "MPI_Allgatherv");
  traffic_.bytes_sent += static_cast<std::int64_t>(mine.size() * sizeof(double)) * (size_ - 1);
  return all_block_values_;
}

double DataParallelGroup::exchange_cost(const Network::State& state, std::int64_t m) {
  return nn::step_cost(state, m, gather_block_values(state.workspace.block_losses, nn::gradient_block_count(m)));
}

Metrics DataParallelGroup::validate(const Network::State& state, ConstMatrixView x, ConstMatrixView y,
                                    std::int64_t columns, nn::Evaluation& evaluation) {
  const std::int64_t blocks = nn::Evaluation::block_count(columns);
  const BlockRange range = blocks_of_rank(blocks, rank_, size_);
  local_values_.resize(static_cast<std::size_t>(range.end - range.first));
  // x holds this rank's blocks from its column 0 on: the same blocks, counted from the first of them.
  evaluation.run_blocks(state, x, y, 0, range.end - range.first, local_values_);
  const std::vector<double>& losses = gather_block_values(local_values_, blocks);
  for (std::int64_t b = 0; b < blocks; ++b)  // in block order, as Evaluation::run adds them
    evaluation.metrics().add_cost(losses[static_cast<std::size_t>(b)],
                                  std::min(nn::Evaluation::kBlockColumns, columns - b * nn::Evaluation::kBlockColumns));
  combine(evaluation.metrics());
  return evaluation.metrics().result();
}

void DataParallelGroup::apply_panel_update(Network::State& state, const Optimizer& optimizer, std::size_t p,
                                           LayerBuffers& sums) {
  const nn::WeightPanel& panel = state.workspace.panels[p];
  const std::size_t l = panel.layer;
  const std::int64_t columns = panel.end - panel.begin;
  const ConstMatrixView sum = sums[l].view().col_block(panel.begin, columns);
  if (nn::fuses_sgd_into_gemm(optimizer, state.spec)) {
    copy_into(state.layers[l].weights.view().col_block(panel.begin, columns), sum);
  } else {
    nn::apply_weight_gradient(state, l, panel.begin, sum, optimizer);
  }
  if (panel.end == state.fan_in(l)) {
    copy_into(state.layers[l].bias_grad, sums[l].view().col_block(state.fan_in(l), 1));
    nn::update_bias(state, l, optimizer);
  }
}

// Some rank has several threads: the panels in one fork. Only the calling thread may call MPI
// (MPI_THREAD_FUNNELED): between the panels it computes itself it starts the folds of every panel finished so far,
// in panel order, so that they travel while the rest compute; the folds of panels finished last start after the
// join. Then the updates, in a second fork.
double DataParallelGroup::fold_step(Network::State& state, ConstMatrixView x, std::int64_t m,
                                    const Optimizer& optimizer, Clock::time_point start) {
  const nn::Workspace& ws = state.workspace;
  const std::int64_t n = x.cols();
  const float inv_m = 1.0f / static_cast<float>(m);
  const bool fused = nn::fuses_sgd_into_gemm(optimizer, state.spec);
  const auto panels = static_cast<std::int64_t>(ws.panels.size());
  const std::thread::id caller = std::this_thread::get_id();
  for (std::size_t p = 0; p < panel_done_.size(); ++p) panel_done_[p].store(false, std::memory_order_relaxed);
  std::int64_t started = 0;
  Clock::time_point first_send{};
  const auto start_finished_folds = [&] {
    for (; started < panels && panel_done_[static_cast<std::size_t>(started)].load(std::memory_order_acquire);
         ++started) {
      if (started == 0) first_send = Clock::now();
      start_fold(state, static_cast<std::size_t>(started), n);
    }
    for (std::int64_t p = 0; p < started; ++p) folds_[static_cast<std::size_t>(p)].test();
  };
  nn::run_step_tasks(panels, [&](std::int64_t p) {
    compute_panel(state, x, static_cast<std::size_t>(p), inv_m, fused, optimizer, /*chained=*/false);
    panel_done_[static_cast<std::size_t>(p)].store(true, std::memory_order_release);
    if (std::this_thread::get_id() == caller) start_finished_folds();
  });
  start_finished_folds();
  const auto computed = Clock::now();
  const double cost = exchange_cost(state, m);
  for (OrderedFold& fold : folds_) fold.wait();
  count_time(start, first_send, computed);
  nn::run_step_tasks(panels, [&](std::int64_t p) {
    apply_panel_update(state, optimizer, static_cast<std::size_t>(p), sums_);
  });
  return cost;
}

// Every rank on one thread: the fold goes from rank to rank panel by panel. Rank r waits for panel p's fold of the
// ranks before it, continues it with its own blocks (the GEMM's beta = 1, as one process adds its later blocks) and
// sends it on while it computes panel p + 1; the last rank sends each finished panel to every other rank. Each rank
// computes what it would have computed anyway, and no partials are stored or added. A panel's update runs as soon
// as its sum is final, while it is still in cache (as one process updates panel by panel): nothing computed later
// reads the panel's weights.
double DataParallelGroup::chain_step(Network::State& state, ConstMatrixView x, std::int64_t m,
                                     const Optimizer& optimizer, Clock::time_point start) {
  const nn::Workspace& ws = state.workspace;
  const std::size_t panels = ws.panels.size();
  const float inv_m = 1.0f / static_cast<float>(m);
  const bool fused = nn::fuses_sgd_into_gemm(optimizer, state.spec);
  const int last_rank = size_ - 1;
  const auto span_of = [&](LayerBuffers& buffers, std::size_t p) {
    const nn::WeightPanel& panel = ws.panels[p];
    return panel_span(buffers[panel.layer], panel, panel.end == state.fan_in(panel.layer));
  };
  const auto receive = [&](std::span<float> data, int source, int tag, std::vector<MPI_Request>& requests) {
    requests.emplace_back();
    check_mpi(MPI_Irecv(data.data(), static_cast<int>(data.size()), MPI_FLOAT, source, tag, comm_, &requests.back()),
              "MPI_Irecv");
  };
  const auto send = [&](std::span<float> data, int destination, int tag) {
    send_requests_.emplace_back();
    check_mpi(MPI_Isend(data.data(), static_cast<int>(data.size()), MPI_FLOAT, destination, tag, comm_,
                        &send_requests_.back()),
              "MPI_Isend");
    traffic_.bytes_sent += static_cast<std::int64_t>(data.size_bytes());
  };
  prefix_requests_.clear();
  final_requests_.clear();
  send_requests_.clear();
  for (std::size_t p = 0; p < panels; ++p) {  // tags: 2p the fold so far, 2p + 1 the final sum
    if (rank_ > 0) receive(span_of(sums_, p), rank_ - 1, 2 * static_cast<int>(p), prefix_requests_);
    if (rank_ < last_rank) receive(span_of(finals_, p), last_rank, 2 * static_cast<int>(p) + 1, final_requests_);
  }
  std::size_t applied = 0;  // ranks before the last: panels whose final sum arrived and was applied, in order
  const auto apply_arrived = [&](bool wait) {
    for (; applied < final_requests_.size(); ++applied) {
      int arrived = 1;
      if (wait) {
        check_mpi(MPI_Wait(&final_requests_[applied], MPI_STATUS_IGNORE), "MPI_Wait");
      } else {
        check_mpi(MPI_Test(&final_requests_[applied], &arrived, MPI_STATUS_IGNORE), "MPI_Test");
      }
      if (!arrived) return;
      apply_panel_update(state, optimizer, applied, finals_);
    }
  };
  Clock::time_point first_send{};
  for (std::size_t p = 0; p < panels; ++p) {
    if (rank_ > 0) check_mpi(MPI_Wait(&prefix_requests_[p], MPI_STATUS_IGNORE), "MPI_Wait");
    compute_panel(state, x, p, inv_m, fused, optimizer, /*chained=*/rank_ > 0);
    if (p == 0) first_send = Clock::now();
    const int tag = 2 * static_cast<int>(p);
    if (rank_ < last_rank) {
      send(span_of(sums_, p), rank_ + 1, tag);
    } else {
      for (int r = 0; r < last_rank; ++r) send(span_of(sums_, p), r, tag + 1);
    }
    int sent = 0;  // lets the messages posted so far move on while the next panel computes
    check_mpi(MPI_Testall(static_cast<int>(send_requests_.size()), send_requests_.data(), &sent, MPI_STATUSES_IGNORE),
              "MPI_Testall");
    if (rank_ == last_rank) {
      apply_panel_update(state, optimizer, p, sums_);
    } else {
      apply_arrived(/*wait=*/false);
    }
  }
  const auto computed = Clock::now();
  const double cost = exchange_cost(state, m);
  apply_arrived(/*wait=*/true);
  check_mpi(MPI_Waitall(static_cast<int>(send_requests_.size()), send_requests_.data(), MPI_STATUSES_IGNORE),
            "MPI_Waitall");
  count_time(start, first_send, computed);
  return cost;
}

void DataParallelGroup::count_time(Clock::time_point start, Clock::time_point first_send, Clock::time_point computed) {
  const auto seconds = [](auto from, auto to) { return std::chrono::duration<double>(to - from).count(); };
  traffic_.compute_seconds += seconds(start, computed);
  traffic_.in_flight_seconds += seconds(first_send, computed);
  traffic_.wait_seconds += seconds(computed, Clock::now());
  ++traffic_.steps;
}

double DataParallelGroup::train_step(Network::State& state, ConstMatrixView x, ConstMatrixView y, std::int64_t m,
                                     std::int64_t first, const Optimizer& optimizer) {
  const auto start = Clock::now();
  nn::check_optimizer(kFunction, optimizer);
  nn::prepare_optimizer_state(state, optimizer);
  const std::int64_t n = x.cols();
  nn::reserve_workspace(state, std::max<std::int64_t>(n, 1), /*with_io=*/false);
  nn::Workspace& ws = state.workspace;
  ws.forward_columns = 0;
  const int threads = nn::training_threads(state, std::max<std::int64_t>(n, 1));
  reserve(state, chained_ || rank_ == 0 || n == 0 ? 0 : nn::gradient_block_count(n));

  const cpu::FlushDenormalsScope flush;
  const ScopedNumThreads scoped(threads);
  if (n > 0) {
    if (!nn::forward_backward_columns(state, x, y, state.steps, threads, first)) nn::record_block_losses(state, y);
  } else {
    ws.block_losses.clear();
  }

  const double cost = chained_ ? chain_step(state, x, m, optimizer, start) : fold_step(state, x, m, optimizer, start);
  nn::finish_optimizer_step(state);
  ++state.steps;
  if (check_replicas_)
    check_replicas(comm_, parameter_checksum(state),
                   "nnk::mpi::fit: the parameters after step " + std::to_string(state.steps));
  return cost;
}

}  // namespace nnk::mpi::detail
