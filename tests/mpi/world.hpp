// The calling rank's place in MPI_COMM_WORLD, for the tests that run under mpirun.
#pragma once

#include <mpi.h>

namespace nnk::test {

inline int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

inline int world_size() {
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

}  // namespace nnk::test
