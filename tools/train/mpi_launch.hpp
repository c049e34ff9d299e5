// Whether nnk-train was started by an MPI launcher (mpirun, mpiexec), told from the environment the launcher sets:
// reading it needs no MPI, so a plain nnk-train never initializes MPI (nor starts Open MPI's singleton runtime).
#pragma once

#include <optional>

namespace nnk::train_cli {

struct MpiLaunch {
  int rank = 0;             // this process's rank in the job
  std::optional<int> size;  // the job's number of ranks, where the launcher says (Open MPI, MPICH's Hydra)
};

// The launch described by OMPI_COMM_WORLD_RANK / OMPI_COMM_WORLD_SIZE (Open MPI), PMIX_RANK (PMIx launchers) or
// PMI_RANK / PMI_SIZE (MPICH, Intel MPI); nullopt when none is set: a plain run. A variable that is set but holds
// no non-negative number is ignored.
std::optional<MpiLaunch> mpi_launch_from_environment();

}  // namespace nnk::train_cli
