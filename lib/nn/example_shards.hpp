// The examples of fit spread over the processes of a step group (internal to lib/nn): each process holds a
// contiguous shard of them, and the columns it computes are brought to it from the shards that hold them.
#pragma once

#include <cstdint>
#include <vector>

#include "nn/checkpoint_file.hpp"
#include "nnk/matrix.hpp"

namespace nnk::nn {

// Where a process finds the columns of an epoch: column `columns[k]` of (x, y) is the epoch's example at position
// k, for every position k this process computes (the other entries are not used).
struct EpochExamples {
  ConstMatrixView x, y;
  const std::vector<std::int64_t>* columns = nullptr;
};

// Every member is collective: each process of the group calls it, in the same order, with the same arguments.
class ExampleShards {
 public:
  virtual ~ExampleShards() = default;

  // The examples of all shards together.
  virtual std::int64_t examples() const = 0;
  // The whole set's fingerprints (nn::fingerprint of the shards side by side).
  virtual DataFingerprint fingerprint_x() = 0;
  virtual DataFingerprint fingerprint_y() = 0;

  // This process's validation examples, the positions StepGroup::validation_columns(held_out.size()) of held_out
  // (example indices), into x and y (resized), in position order.
  virtual void fetch_validation(const std::vector<std::int64_t>& held_out, Matrix& x, Matrix& y) = 0;

  // The columns this process computes in an epoch whose examples are `order` (example indices, in step order) and
  // whose batches have `batch` columns (the last one the rest). Valid until the next call.
  virtual EpochExamples fetch_epoch(const std::vector<std::int64_t>& order, std::int64_t batch) = 0;
};

}  // namespace nnk::nn
