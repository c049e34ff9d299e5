// nnk::mpi: data-parallel training over MPI, and the job-level failure handling it needs. In the optional library
// nnk::mpi, built when CMake finds MPI (Debian: libopenmpi-dev, openmpi-bin):
//
//   find_package(nnk 0.1 REQUIRED COMPONENTS mpi)       target_link_libraries(app PRIVATE nnk::mpi)
//   int main() { nnk::mpi::Environment mpi;  ...  }      mpirun -np 4 ./app
//
// Every rank runs the same program. The functions taking an MPI_Comm are collective: every rank of the
// communicator calls them, in the same order.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "nnk/matrix.hpp"
#include "nnk/network.hpp"
#include "nnk/train.hpp"

namespace nnk::mpi {

// MPI for the lifetime of the object: MPI_Init_thread(MPI_THREAD_FUNNELED) unless MPI is already initialized
// (then it is left to whoever initialized it), MPI_Finalize in the destructor when this object initialized it.
// FUNNELED: only the thread that created the Environment calls MPI; nnk's own worker threads never do.
class Environment {
 public:
  Environment();
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  int rank() const noexcept { return rank_; }  // in MPI_COMM_WORLD
  int size() const noexcept { return size_; }  // of MPI_COMM_WORLD
  // Whether this object called MPI_Init_thread (and so will call MPI_Finalize).
  bool owns_mpi() const noexcept { return owns_mpi_; }

 private:
  bool owns_mpi_ = false;
  int rank_ = 0;
  int size_ = 1;
};

// Ends the whole job: writes the line "nnk: rank R of N: <message>" to stderr, flushes it and calls
// MPI_Abort(comm, 1), which makes mpirun stop every rank and exit non-zero. Not collective: one rank may call it
// alone (it is the way out of a failure that the other ranks cannot know about without hanging).
[[noreturn]] void abort_job(MPI_Comm comm, std::string_view message);

// Collective: whether `local` is true on at least one rank of comm (the same answer on every rank).
bool any_rank(MPI_Comm comm, bool local);

// Collective: throws nnk::Error on every rank when the ranks' checksums are not all equal to rank 0's, naming the
// ranks that differ and `what` (e.g. "the parameters after step 12"). A debug check that replicas stay identical.
void check_replicas(MPI_Comm comm, std::uint64_t checksum, std::string_view what);

// Where the data-parallel steps' time went on this rank, and what it sent, summed over the steps of one fit.
struct StepTraffic {
  std::int64_t steps = 0;
  // By this rank: the gradient sums it passed on, and its share of the batches' and validation passes' losses.
  std::int64_t bytes_sent = 0;
  // From each step's start until its last panel was computed and sent: the computation, with (on ranks after the
  // first, one thread per rank) the waits for the previous rank's sums and the updates of the panels already final.
  double compute_seconds = 0;
  double in_flight_seconds = 0;  // the part of compute_seconds after the first panel's sum was sent: sums travelling
  // After the last panel: gathering the batch's losses, waiting for the last sums and applying their updates (every
  // update, with several threads on some rank). What the computation did not hide.
  double wait_seconds = 0;
};

struct DataParallelOptions {
  // After every step, compare the ranks' parameter checksums: nnk::Error on every rank when any differs (a debug
  // mode; it costs a pass over the parameters and a collective per step).
  bool check_replicas = false;
  StepTraffic* traffic = nullptr;  // where to put this rank's StepTraffic (nullptr: nowhere)
};

// nnk::fit over the ranks of comm (collective: every rank calls it, from the thread that initialized MPI, with the
// same network, the same x and y, the same optimizer and options). Each global mini-batch (options.batch_size
// columns, the same batches as nnk::fit) is cut into gradient blocks of 64 columns; the ranks take contiguous ranges
// of blocks (rank 0 first; with fewer blocks than ranks the last ranks idle), run the forward and backward passes
// over their columns, and sum the gradients in one fixed order, block by block: for a given seed, batch size and ISA
// the trained network is bitwise the one nnk::fit trains, for any number of ranks and threads per rank. The
// parameters stay the same on every rank. Shuffling, dropout and the validation split use nnk::fit's counter-based
// streams; the ranks share the validation pass (blocks of 1024 examples) and add its losses in one order, so early
// stopping decides alike everywhere. on_epoch runs on every rank and rank 0's answer counts; it must not change the
// network (a change on some ranks only would go unnoticed). Rank 0 alone writes checkpoints, which are nnk::fit's:
// a run with any number of ranks (or none) resumes them. Reports are the same on every rank, but for `seconds`; mse
// and r2 (regression) are sums taken in another order than one process's and may differ in their last digits.
//
// Errors: nnk::fit's, thrown on every rank where every rank sees them (bad options, a non-finite value in the data
// — every rank names it —, a diverged cost, a bad checkpoint); nnk::Error on every rank when the ranks were given
// different networks (spec, parameters, steps), data (shape and a sample of columns), optimizers or options
// (including resume_from). options.clip_norm > 0 is not supported yet (nnk::Error). An error on one rank alone (an
// allocation that fails, a checkpoint rank 0 cannot write) leaves the others waiting in their next collective:
// catch it and end the job with abort_job, as nnk-train does.
std::vector<EpochReport> fit(Network& net, MPI_Comm comm, ConstMatrixView x, ConstMatrixView y,
                             const Optimizer& optimizer, const FitOptions& options,
                             const DataParallelOptions& parallel = {});

// nnk::mpi::fit with the examples spread over the ranks (collective): rank r passes its shard, the examples
// [first_r, first_r + x.cols()) of the whole set, first_r the sum of the lower ranks' x.cols() (rank 0 holds the
// first examples; a shard may be empty, and shards need not be of one size). The network trained is the one nnk::fit
// trains on the whole set (the shards side by side in rank order), bit for bit, for any number of ranks and threads.
// Before each epoch one MPI_Alltoallv brings every rank the examples of the gradient blocks it computes in that
// epoch (about 1/R of the training set per rank), and the validation examples of its validation blocks once, so a
// rank holds its shard and about as much again. StepTraffic::bytes_sent counts these examples too. Checkpoints hold
// the whole set's fingerprint (each rank hashes its shard after the previous rank's), as nnk::fit's do. Errors as
// nnk::mpi::fit's; a non-finite value is named by its example index in the whole set, on every rank.
std::vector<EpochReport> fit_sharded(Network& net, MPI_Comm comm, ConstMatrixView x, ConstMatrixView y,
                                     const Optimizer& optimizer, const FitOptions& options,
                                     const DataParallelOptions& parallel = {});

}  // namespace nnk::mpi
