// 'nnk-train [train]' under mpirun: this process as one rank of a data-parallel job (nnk::mpi::fit). In
// mpi_training.cpp where nnk-train was built with the optional nnk::mpi, mpi_training_unavailable.cpp otherwise.
#pragma once

#include <cstdio>

#include "command_line.hpp"
#include "mpi_launch.hpp"

namespace nnk::train_cli {

// Initializes MPI, then runs the train command on this rank: the data loaded here (Fashion-MNIST's training images:
// this rank's share alone, trained with nnk::mpi::fit_sharded; CSV data whole, with nnk::mpi::fit) over
// MPI_COMM_WORLD (nnk::fit when the job has one rank), rank 0 printing to out and writing the files.
// Returns on success only. Any error ends the whole job through nnk::mpi::abort_job with one line naming it: rank 0
// at once, the other ranks after a grace period that lets rank 0's line be the one shown for an error every rank
// sees. --clip-norm with more than one rank is such an error (nnk::mpi::fit does not support it yet).
// Built without nnk::mpi: nnk::Error naming the packages to install; MPI is not initialized.
void run_train_on_ranks(const TrainSettings& settings, const MpiLaunch& launch, std::FILE* out);

}  // namespace nnk::train_cli
