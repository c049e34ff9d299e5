// Checkpoints of nnk::fit: everything a run needs to go on exactly where it was, so that a resumed run ends with the
// bits an uninterrupted one would have (nnk/train.hpp: FitOptions::checkpoint and FitOptions::resume_from).
//
//   nnk::FitOptions options{.epochs = 100, .validation_fraction = 0.1, .seed = 7,
//                           .checkpoint = {.path = "run.ckpt", .every = 5}};
//   nnk::fit(net, x, y, nnk::Adam{}, options);          // killed at epoch 42: run.ckpt holds epoch 40
//   options.resume_from = "run.ckpt";
//   nnk::fit(net, x, y, nnk::Adam{}, options);          // epochs 41..100; the same final weights
//
// A checkpoint holds the parameters, the optimizer state (moments, update count), steps() (it keys the dropout
// masks), the completed epoch count, the run's seed, batch size, shuffle flag and validation fraction (they key the
// validation split and each epoch's permutation), the optimizer and its hyperparameters, the schedule, the clip
// norm, the early-stopping state (patience, best validation loss and epoch, and that epoch's parameters and
// optimizer state), the shapes and an FNV-1a checksum of x and y, and an opaque user string. The random streams
// are counter-based, so the seed, the epoch and steps() are their whole position. Costs: one pass over x and y
// (the checksum) when a run checkpoints or resumes, and per checkpoint a copy of the state and one file write.
//
// File format (version 1, little-endian, floats as their IEEE-754 bits), framed like a model file:
//   8 bytes magic 89 'N' 'K' 'C' 0D 0A 1A 0A, u32 version, u64 body size, body, u64 FNV-1a of all bytes before it.
#pragma once

#include <cstdint>
#include <string>

#include "nnk/network.hpp"

namespace nnk {

struct CheckpointOptions {
  std::string path = {};        // empty: no checkpoint. Written to a temporary file and renamed into place.
  std::int64_t every = 1;       // written after every `every`-th epoch (>= 1), and after the run's last epoch
  std::string user_data = {};   // stored as is and returned by read_checkpoint_info (e.g. the preprocessing)
};

// What a checkpoint says about itself, without touching any network.
struct CheckpointInfo {
  NetworkSpec spec = {};
  std::int64_t epoch = 0;        // epochs completed when it was written
  std::int64_t epochs = 0;       // FitOptions::epochs of the run that wrote it
  bool finished = false;         // that run stopped early (early stopping): resuming it trains no further
  std::string user_data = {};
};

// Reads and checks a whole checkpoint (magic, version, size, checksum, contents). nnk::Error naming the file and
// what is wrong: not a checkpoint, truncated, corrupt, or another version.
CheckpointInfo read_checkpoint_info(const std::string& path);

}  // namespace nnk
