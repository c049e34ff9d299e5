// nnk::mpi::Environment: rank and size are MPI_COMM_WORLD's, and a second Environment leaves MPI to the first.
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "nnk/mpi.hpp"

namespace {

TEST(MpiEnvironment, RankAndSizeAreThoseOfCommWorld) {
  int rank = -1;
  int size = -1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const nnk::mpi::Environment mpi;  // main() initialized MPI already
  EXPECT_EQ(mpi.rank(), rank);
  EXPECT_EQ(mpi.size(), size);
  EXPECT_FALSE(mpi.owns_mpi());
  // mpirun tells each process its place (Open MPI's variable).
  if (const char* world_size = std::getenv("OMPI_COMM_WORLD_SIZE")) {
    EXPECT_EQ(std::to_string(size), world_size);
  }
}

TEST(MpiEnvironment, ASecondEnvironmentDoesNotFinalize) {
  { const nnk::mpi::Environment inner; }
  int finalized = 1;
  MPI_Finalized(&finalized);
  EXPECT_EQ(finalized, 0);
  int initialized = 0;
  MPI_Initialized(&initialized);
  EXPECT_EQ(initialized, 1);
}

}  // namespace
