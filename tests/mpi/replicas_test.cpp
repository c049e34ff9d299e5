// nnk::mpi::any_rank and nnk::mpi::check_replicas: the same answer, or the same error, on every rank.
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "nnk/mpi.hpp"
#include "support/errors.hpp"
#include "world.hpp"

namespace {

using nnk::test::world_rank;
using nnk::test::world_size;

TEST(MpiAnyRank, IsTheOrOfEveryRank) {
  const int rank = world_rank();
  const int last = world_size() - 1;
  EXPECT_FALSE(nnk::mpi::any_rank(MPI_COMM_WORLD, false));
  EXPECT_TRUE(nnk::mpi::any_rank(MPI_COMM_WORLD, true));
  EXPECT_TRUE(nnk::mpi::any_rank(MPI_COMM_WORLD, rank == last));
  EXPECT_TRUE(nnk::mpi::any_rank(MPI_COMM_WORLD, rank == 0));
}

TEST(MpiCheckReplicas, EqualChecksumsPass) {
  EXPECT_NO_THROW(nnk::mpi::check_replicas(MPI_COMM_WORLD, 0x0123456789ABCDEFull, "the parameters"));
}

TEST(MpiCheckReplicas, OneRankDifferingThrowsOnEveryRankAndNamesIt) {
  const int size = world_size();
  if (size < 2) GTEST_SKIP() << "needs 2 ranks or more";
  const std::uint64_t checksum = world_rank() == 1 ? 0xBADull : 0xC0FFEEull;
  const std::string names_rank_1 = "rank 1 of " + std::to_string(size) + " differ from rank 0";
  EXPECT_TRUE(nnk::test::throws_error_containing(
      [&] { nnk::mpi::check_replicas(MPI_COMM_WORLD, checksum, "the parameters after step 3"); },
      {"nnk::mpi::check_replicas", "the parameters after step 3", names_rank_1, "rank 0: 0xc0ffee",
       "rank 1: 0xbad"}));
}

TEST(MpiCheckReplicas, SeveralRanksDifferingAreAllNamed) {
  const int size = world_size();
  if (size < 4) GTEST_SKIP() << "needs 4 ranks";
  const int rank = world_rank();
  const std::uint64_t checksum = (rank == 1 || rank == 3) ? 100u + static_cast<std::uint64_t>(rank) : 7u;
  EXPECT_TRUE(nnk::test::throws_error_containing(
      [&] { nnk::mpi::check_replicas(MPI_COMM_WORLD, checksum, "weights"); },
      {"weights: ranks 1, 3 of 4 differ from rank 0", "rank 0: 0x7", "rank 1: 0x65", "rank 3: 0x67"}));
}

}  // namespace
