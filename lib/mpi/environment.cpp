#include "mpi/mpi_call.hpp"
#include "nnk/error.hpp"
#include "nnk/mpi.hpp"

namespace nnk::mpi {

Environment::Environment() {
  int initialized = 0;
  int finalized = 0;
  detail::check_mpi(MPI_Initialized(&initialized), "MPI_Initialized");
  detail::check_mpi(MPI_Finalized(&finalized), "MPI_Finalized");
  // MPI cannot be initialized a second time in a process.
  if (finalized) nnk::detail::fail("nnk::mpi::Environment: MPI was already finalized in this process");
  if (!initialized) {
    int provided = MPI_THREAD_SINGLE;
    detail::check_mpi(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    owns_mpi_ = true;
    if (provided < MPI_THREAD_FUNNELED) {
      MPI_Finalize();
      owns_mpi_ = false;
      nnk::detail::fail("nnk::mpi::Environment: the MPI library must provide thread level MPI_THREAD_FUNNELED (",
                        MPI_THREAD_FUNNELED, ") or more, got ", provided);
    }
  }
  rank_ = detail::rank_of(MPI_COMM_WORLD);
  size_ = detail::size_of(MPI_COMM_WORLD);
}

Environment::~Environment() {
  if (owns_mpi_) MPI_Finalize();
}

}  // namespace nnk::mpi
