// SumsInRankOrder (sharded_standardizer.hpp) over an MPI communicator: the sums travel rank to rank, then the last
// rank broadcasts them. Compiled where nnk-train is built with nnk::mpi.
#pragma once

#include <mpi.h>

#include <functional>
#include <vector>

namespace nnk::train_cli {

// Collective over comm: rank r receives the sums from rank r - 1 (rank 0 starts from its own), runs continue_sums,
// sends them to rank r + 1; the last rank's sums are then every rank's.
void mpi_sums_in_rank_order(MPI_Comm comm, std::vector<double>& sums,
                            const std::function<void(std::vector<double>&)>& continue_sums);

}  // namespace nnk::train_cli
