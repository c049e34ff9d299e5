#include <cstdio>
#include <cstdlib>
#include <string>

#include "nnk/mpi.hpp"

namespace nnk::mpi {

[[noreturn]] void abort_job(MPI_Comm comm, std::string_view message) {
  // No exceptions from here: this is the last resort, called where anything may already have failed.
  int rank = -1;
  int size = -1;
  int initialized = 0;
  int finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  const bool usable = initialized && !finalized;
  if (usable) {
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
  }
  // One write of the whole line, so that lines of several ranks do not interleave.
  std::string line = "nnk: rank " + std::to_string(rank) + " of " + std::to_string(size) + ": ";
  line.append(message);
  line.push_back('\n');
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  if (usable) MPI_Abort(comm, 1);
  std::abort();  // MPI_Abort does not return; without MPI there is no job to end but this process
}

}  // namespace nnk::mpi
