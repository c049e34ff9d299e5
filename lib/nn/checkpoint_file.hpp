// The checkpoint file of nnk::fit (internal to lib/nn; the format is described in nnk/checkpoint.hpp).
#pragma once

#include <cstdint>
#include <string>

#include "nn/training_snapshot.hpp"
#include "nnk/checkpoint.hpp"
#include "nnk/matrix.hpp"
#include "nn/byte_io.hpp"
#include "nnk/network.hpp"
#include "nnk/schedule.hpp"

namespace nnk::nn {

// The shape and FNV-1a 64 of a matrix's values (column by column, each float's 4 little-endian bytes).
struct DataFingerprint {
  std::int64_t rows = 0, cols = 0;
  std::uint64_t fnv1a = 0;
  bool operator==(const DataFingerprint&) const = default;
};
DataFingerprint fingerprint(ConstMatrixView data);
// The fingerprint of the columns of `before` followed by those of `more` (the same rows): a data set hashed in parts.
DataFingerprint continue_fingerprint(const DataFingerprint& before, ConstMatrixView more);

// Everything that decides the bits of a run besides the network and the epoch count: a resume must match it.
struct RunSettings {
  std::uint64_t seed = 0;
  std::int64_t batch_size = 0;
  bool shuffle = true;
  double validation_fraction = 0;
  Optimizer optimizer = Sgd{};
  LearningRateSchedule schedule = {};
  std::int64_t early_stopping_patience = 0;
  float clip_norm = 0;
  DataFingerprint x = {}, y = {};
};

// The settings as checkpoints store them (the layout at the top of checkpoint_file.cpp).
void encode_run_settings(ByteWriter& out, const RunSettings& settings);

struct CheckpointContents {
  CheckpointInfo info;          // spec, epoch, epochs, finished, user_data
  RunSettings settings;
  std::int64_t best_epoch = 0;  // early stopping; 0: no best state
  double best_loss = 0;
  TrainingSnapshot best;        // the best epoch's network (when best_epoch > 0)
  TrainingSnapshot current;     // the network after epoch info.epoch
};

// Writes the checkpoint atomically (temporary file + rename; nnk::Error prefixed with `function` on failure, and
// the old file stays).
void write_checkpoint(const char* function, const std::string& path, const CheckpointContents& contents);

// Reads and checks a whole checkpoint: nnk::Error prefixed with `function`, naming the file, when it is not a
// checkpoint, truncated, corrupt, of another version, or its parts do not fit its network spec.
CheckpointContents read_checkpoint(const char* function, const std::string& path);

// nnk::Error prefixed with `function` naming the first difference between what wrote the checkpoint and this run:
// the network spec, then each setting (the data by shape and checksum).
void check_resumable(const char* function, const std::string& path, const CheckpointContents& checkpoint,
                     const NetworkSpec& spec, const RunSettings& settings);

}  // namespace nnk::nn
