// nnk::mpi::fit: nnk::fit's loop (nn::fit) with the ranks of a communicator as its step group.
#include <cstdint>
#include <cstring>
#include <vector>

#include "mpi/data_parallel_step.hpp"
#include "mpi/mpi_call.hpp"
#include "nn/network_state.hpp"
#include "nn/step_group.hpp"
#include "nnk/checksum.hpp"
#include "nnk/mpi.hpp"

namespace nnk::mpi {

namespace {

// What every rank must agree on before training: the parameters, the data's shape and the options that shape the
// steps. A rank that loaded another model or a file of another shape would otherwise train on silently.
std::uint64_t setup_checksum(const Network& net, ConstMatrixView x, ConstMatrixView y, const FitOptions& options) {
  std::vector<std::uint64_t> words{static_cast<std::uint64_t>(x.rows()), static_cast<std::uint64_t>(x.cols()),
                                   static_cast<std::uint64_t>(y.rows()), static_cast<std::uint64_t>(options.epochs),
                                   static_cast<std::uint64_t>(options.batch_size), options.seed,
                                   options.shuffle ? 1u : 0u};
  std::uint64_t validation_bits = 0;
  std::memcpy(&validation_bits, &options.validation_fraction, sizeof validation_bits);
  words.push_back(validation_bits);
  words.push_back(detail::parameter_checksum(NetworkAccess::state(net)));
  return fnv1a64(words.data(), words.size() * sizeof(std::uint64_t));
}

}  // namespace

std::vector<EpochReport> fit(Network& net, MPI_Comm comm, ConstMatrixView x, ConstMatrixView y,
                             const Optimizer& optimizer, const FitOptions& options, const DataParallelOptions& parallel) {
  check_replicas(comm, setup_checksum(net, x, y, options),
                 "nnk::mpi::fit: the network, the data's shape and the options (every rank must pass the same)");
  if (detail::size_of(comm) == 1) return nn::fit(net, x, y, optimizer, options, nullptr);  // the same steps, alone
  detail::DataParallelGroup group(comm, parallel.check_replicas);
  std::vector<EpochReport> reports = nn::fit(net, x, y, optimizer, options, &group);
  if (parallel.traffic != nullptr) *parallel.traffic = group.traffic();
  return reports;
}

}  // namespace nnk::mpi
