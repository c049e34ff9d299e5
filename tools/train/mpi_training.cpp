// The train command as one rank of an MPI job, and the end of the job when anything fails.
#include "mpi_training.hpp"

#include <chrono>
#include <cstdio>
#include <exception>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "error_message.hpp"
#include "mpi_sums_in_rank_order.hpp"
#include "nnk/error.hpp"
#include "nnk/mpi.hpp"
#include "option_values.hpp"
#include "train_command.hpp"

namespace nnk::train_cli {

namespace {

// An error every rank sees (the options, the data, a diverged cost, a bad checkpoint) reaches the ranks within
// moments of each other, so the others leave rank 0 this long to end the job with its line. An error of one rank
// alone still ends the job, this much later.
constexpr std::chrono::seconds kRankZeroGrace{2};

[[noreturn]] void end_job(const mpi::Environment& environment, const std::string& message) {
  std::fflush(stdout);  // what rank 0 printed before the error
  if (environment.rank() != 0) std::this_thread::sleep_for(kRankZeroGrace);
  mpi::abort_job(MPI_COMM_WORLD, message);
}

void check_supported(const TrainSettings& s, int ranks) {
  if (ranks > 1 && s.control.clip_norm > 0)
    detail::fail("--clip-norm ", number_text(s.control.clip_norm), " is not supported on ", ranks,
                 " MPI ranks yet (data-parallel training cannot clip the gradient's norm): use --clip-norm 0, or ",
                 "train on one rank");
}

std::vector<EpochReport> fit_on_world(Network& net, ConstMatrixView x, ConstMatrixView y,
                                      const Optimizer& optimizer, const FitOptions& options) {
  return mpi::fit(net, MPI_COMM_WORLD, x, y, optimizer, options);
}

// x and y: this rank's shard (training_shard.hpp's layout, which is fit_sharded's).
std::vector<EpochReport> fit_shards_on_world(Network& net, ConstMatrixView x, ConstMatrixView y,
                                             const Optimizer& optimizer, const FitOptions& options) {
  return mpi::fit_sharded(net, MPI_COMM_WORLD, x, y, optimizer, options);
}

}  // namespace

void run_train_on_ranks(const TrainSettings& settings, const MpiLaunch&, std::FILE* out) {
  // The rank and size MPI gives are the ones that count (the launcher's variables only told that it is a job).
  const mpi::Environment environment;
  try {
    check_supported(settings, environment.size());
    TrainingRanks ranks{.rank = environment.rank(), .size = environment.size(), .fit = {}, .fit_shards = {},
                        .sums_in_rank_order = {}};
    if (environment.size() > 1) {
      ranks.fit = fit_on_world;
      ranks.fit_shards = fit_shards_on_world;
      ranks.sums_in_rank_order = [](std::vector<double>& sums,
                                    const std::function<void(std::vector<double>&)>& continue_sums) {
        mpi_sums_in_rank_order(MPI_COMM_WORLD, sums, continue_sums);
      };
    }
    run_train(settings, out, ranks);
  } catch (const std::exception& e) {
    end_job(environment, error_message(e));
  } catch (...) {
    end_job(environment, "training failed with an exception that is no std::exception");
  }
}

}  // namespace nnk::train_cli
