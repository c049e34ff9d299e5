// A two-rank job in which rank 1 fails while rank 0 is blocked in MPI_Recv from it; expect_job_failure.sh runs it
// under mpirun and checks that the whole job ends, soon, with a non-zero status (tests/mpi/CMakeLists.txt).
//   nnk_mpi_failure_probe abort | throw | sigkill | unfinished-fold
#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "mpi/ordered_fold.hpp"
#include "nnk/mpi.hpp"

namespace {

void fail_as(std::string_view mode) {
  if (mode == "abort") nnk::mpi::abort_job(MPI_COMM_WORLD, "the probe gives up (abort_job)");
  if (mode == "throw") throw std::runtime_error("the probe throws and nothing catches it");
  if (mode == "sigkill") std::raise(SIGKILL);
  if (mode == "unfinished-fold") {
    // Leaves the scope of a fold it never waited for: the destructor ends the job.
    std::vector<float> accumulator(1000, 0.0f);
    nnk::mpi::detail::OrderedFold fold;
    fold.start(MPI_COMM_WORLD, accumulator, {}, 1, 10);
    return;
  }
  std::fprintf(stderr, "nnk_mpi_failure_probe: unknown mode '%.*s' (expected abort, throw, sigkill or "
               "unfinished-fold)\n", static_cast<int>(mode.size()), mode.data());
}

}  // namespace

int main(int argc, char** argv) {
  nnk::mpi::Environment mpi;
  if (argc != 2 || mpi.size() != 2) {
    std::fprintf(stderr, "usage: mpirun -np 2 nnk_mpi_failure_probe MODE\n");
    return 2;
  }
  if (mpi.rank() == 1) {
    fail_as(argv[1]);
  } else {
    // Never satisfied: rank 1 sends nothing. Only the job's end gets rank 0 out of here.
    int value = 0;
    MPI_Recv(&value, 1, MPI_INT, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  }
  return 3;  // not reached on rank 0; a rank 1 that returns means the mode did not fail
}
