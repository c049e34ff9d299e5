#include "sharded_standardizer.hpp"

#include <utility>

namespace nnk::train_cli {

namespace {

// One pass over every rank's shard: this rank adds its examples to the sums of the ranks before it; afterwards
// `pass` holds the totals of the whole split.
void sum_over_ranks(FeatureSums& pass, ConstMatrixView shard, const TrainingShard& share,
                    const SumsInRankOrder& in_rank_order) {
  std::vector<double> sums = pass.state();
  in_rank_order(sums, [&](std::vector<double>& running) {
    pass.resume(std::move(running), share.first);
    pass.add(shard);
    running = pass.state();
  });
  pass.resume(std::move(sums), share.examples);
}

}  // namespace

Standardizer fit_standardizer_on_shards(ConstMatrixView shard, const TrainingShard& share,
                                        const SumsInRankOrder& in_rank_order) {
  FeatureSums values(shard.rows(), share.examples);
  sum_over_ranks(values, shard, share, in_rank_order);
  std::vector<double> mean = values.means();
  FeatureSums squares(mean, share.examples);
  sum_over_ranks(squares, shard, share, in_rank_order);
  return Standardizer::from_sums(std::move(mean), squares);
}

}  // namespace nnk::train_cli
