// 'nnk-train [train]': load, infer the task, split, standardize, fit with progress and log, test, save.
#pragma once

#include <cstdio>
#include <functional>
#include <vector>

#include "command_line.hpp"
#include "nnk/network.hpp"
#include "nnk/train.hpp"
#include "sharded_standardizer.hpp"

namespace nnk::train_cli {

// The processes that train together: this one alone, or the ranks of an MPI job (mpi_training.hpp). Every rank
// loads the data and trains; rank 0 alone prints, logs, tests and saves. Where fit_shards is set, each rank loads
// and holds only its share of an IDX training split (training_shard.hpp); CSV data is loaded whole on every rank.
struct TrainingRanks {
  using Fit = std::function<std::vector<EpochReport>(Network&, ConstMatrixView x, ConstMatrixView y,
                                                     const Optimizer&, const FitOptions&)>;
  int rank = 0;
  int size = 1;
  Fit fit;  // nnk::fit over the ranks, each with the whole set (nnk::mpi::fit); empty: nnk::fit in this process
  Fit fit_shards;  // nnk::fit over the ranks' shards (nnk::mpi::fit_sharded); empty: no shards
  SumsInRankOrder sums_in_rank_order;  // with fit_shards: the standardization over the shards
};

// Prints to out (progress, test metrics): on rank 0 only. Throws nnk::Error for runtime failures (files, data,
// paths).
void run_train(const TrainSettings& settings, std::FILE* out, const TrainingRanks& ranks = {});

}  // namespace nnk::train_cli
