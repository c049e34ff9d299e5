// The standardization statistics of a training split held in shards by the ranks of a job: those
// nnk::Standardizer::fit computes on the whole split, bit for bit.
#pragma once

#include <functional>
#include <vector>

#include "nnk/data.hpp"
#include "training_shard.hpp"

namespace nnk::train_cli {

// Runs continue_sums on every rank in rank order, each on the sums the rank before left (rank 0 on sums as given),
// then gives every rank the last rank's sums. Collective: every rank calls it with sums of one size.
using SumsInRankOrder =
    std::function<void(std::vector<double>& sums, const std::function<void(std::vector<double>&)>& continue_sums)>;

// Collective. shard holds this rank's examples (`share`); each of fit's two passes (nnk::FeatureSums) continues
// from rank to rank in rank order, so every rank gets fit's statistics of the whole split.
Standardizer fit_standardizer_on_shards(ConstMatrixView shard, const TrainingShard& share,
                                        const SumsInRankOrder& in_rank_order);

}  // namespace nnk::train_cli
