// The train command under mpirun in an nnk-train built without MPI (CMake did not find libopenmpi-dev).
#include <string>

#include "mpi_training.hpp"
#include "nnk/error.hpp"

namespace nnk::train_cli {

void run_train_on_ranks(const TrainSettings&, const MpiLaunch& launch, std::FILE*) {
  const std::string ranks = launch.size ? " on " + std::to_string(*launch.size) + " ranks" : std::string();
  detail::fail("started by an MPI launcher (mpirun)", ranks, ", but this nnk-train was built without MPI support: ",
               "install libopenmpi-dev openmpi-bin, then configure and build again (or run nnk-train without mpirun)");
}

}  // namespace nnk::train_cli
