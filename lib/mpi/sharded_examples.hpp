// The examples of nnk::mpi::fit_sharded: each rank holds a contiguous shard of them (rank 0 the first ones). Before
// each epoch one MPI_Alltoallv brings every rank the examples of the gradient blocks it computes in that epoch, in
// step order; the validation examples of its validation blocks come once, the same way.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <vector>

#include "nn/example_shards.hpp"
#include "nnk/matrix.hpp"

namespace nnk::mpi::detail {

class ShardedExamples final : public nn::ExampleShards {
 public:
  // Collective over comm: learns every rank's shard size. x and y (this rank's shard, the same number of columns,
  // the same rows on every rank) must outlive the object.
  ShardedExamples(MPI_Comm comm, ConstMatrixView x, ConstMatrixView y);
  ~ShardedExamples() override;
  ShardedExamples(const ShardedExamples&) = delete;
  ShardedExamples& operator=(const ShardedExamples&) = delete;

  std::int64_t examples() const override { return firsts_.back(); }
  nn::DataFingerprint fingerprint_x() override { return chained_fingerprint(x_); }
  nn::DataFingerprint fingerprint_y() override { return chained_fingerprint(y_); }
  void fetch_validation(const std::vector<std::int64_t>& held_out, Matrix& x, Matrix& y) override;
  nn::EpochExamples fetch_epoch(const std::vector<std::int64_t>& order, std::int64_t batch) override;

  // The bytes of examples this rank sent to other ranks so far.
  std::int64_t bytes_sent() const { return bytes_sent_; }

 private:
  // The rank whose shard holds example e.
  int owner_of(std::int64_t e) const;
  // The fingerprint of the shards side by side: each rank continues the previous rank's hash over its columns.
  nn::DataFingerprint chained_fingerprint(ConstMatrixView data);
  // Brings each rank the examples wanted[k] of the positions k with consumer[k] == that rank: into this rank's
  // (x, y) (resized), in position order, column_of[k] the column of position k (-1 where another rank consumes it).
  void exchange(const std::vector<std::int64_t>& wanted, const std::vector<int>& consumer, Matrix& x, Matrix& y,
                std::vector<std::int64_t>& column_of);

  MPI_Comm comm_ = MPI_COMM_NULL;  // a duplicate of the caller's
  int rank_ = 0;
  int size_ = 1;
  ConstMatrixView x_, y_;
  std::vector<std::int64_t> firsts_;  // rank r's shard: examples [firsts_[r], firsts_[r + 1])
  MPI_Datatype x_column_ = MPI_DATATYPE_NULL, y_column_ = MPI_DATATYPE_NULL;  // one example's floats
  // Kept between epochs, so that an epoch allocates nothing.
  std::vector<int> send_counts_, send_offsets_, receive_counts_, receive_offsets_, next_send_, next_receive_, consumer_;
  std::vector<std::int64_t> send_columns_, kept_columns_, epoch_columns_;
  Matrix send_x_, send_y_, epoch_x_, epoch_y_;
  std::int64_t bytes_sent_ = 0;
};

}  // namespace nnk::mpi::detail
