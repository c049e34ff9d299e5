// A model that 'nnk-train predict' and 'evaluate' can use on their own: the network (Network::save's binary file)
// plus its preprocessing in a JSON sidecar, <model>.json: feature and target column names, the task, the class
// labels, the standardizer's mean and scale (and the target's, for regression). The sidecar holds the model file's
// size and FNV-1a checksum, so a sidecar and a model file that do not belong together are rejected.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nnk/matrix.hpp"
#include "nnk/network.hpp"
#include "task_inference.hpp"

namespace nnk::train_cli {

struct ModelBundle {
  Network network;
  std::vector<std::string> feature_names;  // the network's inputs, in order
  std::string target_name;
  TargetEncoding target;
  std::vector<double> feature_mean;        // x' = (x - mean) / scale, as nnk::Standardizer
  std::vector<double> feature_scale;
  double target_mean = 0;                  // regression: the network predicts (y - target_mean) / target_scale
  double target_scale = 1;
};

std::string sidecar_path(const std::string& model_path);

// Writes model_path (Network::save) and then sidecar_path(model_path) (temporary file + rename). nnk::Error on
// failure, naming the file.
void save_bundle(const ModelBundle& bundle, const std::string& model_path);

// Reads both files and checks that they belong together and agree (inputs, outputs, loss). nnk::Error naming the
// file and what is wrong.
ModelBundle load_bundle(const std::string& model_path);

// Standardizes features (rows = bundle.feature_names) in place, exactly as nnk::Standardizer::transform.
void standardize_features(const ModelBundle& bundle, MatrixView features);

// FNV-1a (64-bit) of a file's bytes, and its size. nnk::Error if it cannot be read.
struct FileFingerprint {
  std::uint64_t size = 0;
  std::uint64_t fnv1a = 0;
};
FileFingerprint fingerprint_file(const std::string& path);

// The bundle's preprocessing (task, columns, labels, standardization) as one line of JSON, without the network:
// nnk-train stores it in its checkpoints and compares it when resuming.
std::string preprocessing_json(const ModelBundle& bundle);

}  // namespace nnk::train_cli
