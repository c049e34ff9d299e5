// nnk::mpi::fit: nnk::fit's loop (nn::fit) with the ranks of a communicator as its step group.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "mpi/data_parallel_step.hpp"
#include "mpi/mpi_call.hpp"
#include "mpi/sharded_examples.hpp"
#include "nn/byte_io.hpp"
#include "nn/checkpoint_file.hpp"
#include "nn/network_spec.hpp"
#include "nn/network_state.hpp"
#include "nn/step_group.hpp"
#include "nnk/checksum.hpp"
#include "nnk/mpi.hpp"

namespace nnk::mpi {

namespace {

// A matrix's shape and a sample of its columns (64 of them, evenly spread): enough to tell another file from this
// one without a pass over a large data set.
nn::DataFingerprint sampled_fingerprint(ConstMatrixView data) {
  Fnv1a64 hash;
  const std::int64_t stride = std::max<std::int64_t>(1, data.cols() / 64);
  for (std::int64_t j = 0; j < data.cols(); j += stride)
    hash.add(data.col(j), static_cast<std::size_t>(data.rows()) * sizeof(float));
  return {data.rows(), data.cols(), hash.value()};
}

// What every rank must agree on before training: the network (spec and parameters), the data (its fingerprint),
// every option that decides the steps and their number, and the checkpoint to resume. Ranks that differ in any of
// these would train on different bits, or run different numbers of steps and leave the others waiting.
std::uint64_t setup_checksum(const Network& net, const nn::DataFingerprint& x, const nn::DataFingerprint& y,
                             const Optimizer& optimizer, const FitOptions& options) {
  const Network::State& state = NetworkAccess::state(net);
  nn::ByteWriter out;
  nn::encode_spec(out, state.spec);
  nn::encode_run_settings(out, {.seed = options.seed, .batch_size = options.batch_size, .shuffle = options.shuffle,
                                .validation_fraction = options.validation_fraction, .optimizer = optimizer,
                                .schedule = options.schedule,
                                .early_stopping_patience = options.early_stopping_patience,
                                .clip_norm = options.clip_norm, .x = x, .y = y});
  out.i64(options.epochs);
  out.i64(options.checkpoint.every);
  out.bytes(options.resume_from.data(), options.resume_from.size());
  out.u64(detail::parameter_checksum(state));
  out.i64(state.steps);
  return fnv1a64(out.buffer().data(), out.buffer().size());
}

// nn::fit over the ranks of comm once they agreed on the setup: alone, nnk::fit's own steps.
std::vector<EpochReport> fit_on_ranks(Network& net, MPI_Comm comm, ConstMatrixView x, ConstMatrixView y,
                                      const Optimizer& optimizer, const FitOptions& options,
                                      const DataParallelOptions& parallel, detail::ShardedExamples* shards) {
  if (detail::size_of(comm) == 1) return nn::fit(net, x, y, optimizer, options, nullptr);
  detail::DataParallelGroup group(comm, parallel.check_replicas, shards);
  std::vector<EpochReport> reports = nn::fit(net, x, y, optimizer, options, &group);
  if (parallel.traffic != nullptr) {
    *parallel.traffic = group.traffic();
    if (shards != nullptr) parallel.traffic->bytes_sent += shards->bytes_sent();
  }
  return reports;
}

}  // namespace

std::vector<EpochReport> fit(Network& net, MPI_Comm comm, ConstMatrixView x, ConstMatrixView y,
                             const Optimizer& optimizer, const FitOptions& options, const DataParallelOptions& parallel) {
  check_replicas(comm, setup_checksum(net, sampled_fingerprint(x), sampled_fingerprint(y), optimizer, options),
                 "nnk::mpi::fit: the network, the data, the optimizer and the options (every rank must pass the same)");
  return fit_on_ranks(net, comm, x, y, optimizer, options, parallel, nullptr);
}

std::vector<EpochReport> fit_sharded(Network& net, MPI_Comm comm, ConstMatrixView x, ConstMatrixView y,
                                     const Optimizer& optimizer, const FitOptions& options,
                                     const DataParallelOptions& parallel) {
  detail::ShardedExamples shards(comm, x, y);
  // The shards differ by design: the ranks must agree on their rows and on the whole set's size.
  const nn::DataFingerprint x_shape{x.rows(), shards.examples(), 0}, y_shape{y.rows(), shards.examples(), 0};
  check_replicas(comm, setup_checksum(net, x_shape, y_shape, optimizer, options),
                 "nnk::mpi::fit_sharded: the network, the rows of x and y, the optimizer and the options (every rank "
                 "must pass the same)");
  return fit_on_ranks(net, comm, x, y, optimizer, options, parallel, &shards);  // alone, the shard is the set
}

}  // namespace nnk::mpi
