// 'nnk-train [train]': load, infer the task, split, standardize, fit with progress and log, test, save.
#pragma once

#include <cstdio>
#include <functional>
#include <vector>

#include "command_line.hpp"
#include "nnk/network.hpp"
#include "nnk/train.hpp"

namespace nnk::train_cli {

// The processes that train together: this one alone, or the ranks of an MPI job (mpi_training.hpp). Every rank
// loads the data and trains; rank 0 alone prints, logs, tests and saves.
struct TrainingRanks {
  using Fit = std::function<std::vector<EpochReport>(Network&, ConstMatrixView x, ConstMatrixView y,
                                                     const Optimizer&, const FitOptions&)>;
  int rank = 0;
  int size = 1;
  Fit fit;  // nnk::fit over the ranks (nnk::mpi::fit); empty: nnk::fit in this process
};

// Prints to out (progress, test metrics): on rank 0 only. Throws nnk::Error for runtime failures (files, data,
// paths).
void run_train(const TrainSettings& settings, std::FILE* out, const TrainingRanks& ranks = {});

}  // namespace nnk::train_cli
