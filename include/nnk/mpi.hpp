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

// nnk::mpi::fit: see below.

}  // namespace nnk::mpi
