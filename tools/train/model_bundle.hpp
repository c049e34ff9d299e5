// A model that 'nnk-train predict' and 'evaluate' can use on their own: the network (Network::save's binary file)
// plus its preprocessing in a JSON sidecar, <model>.json: feature and target column names, the task, the class
// labels, the standardizer's mean and scale (and the target's, for regression). The sidecar holds the model file's
// size and FNV-1a checksum, so a sidecar and a model file that do not belong together are rejected.
//
// The encoding of raw CSV columns (nnk::TableEncoding, sidecar field "encoding", format_version 2) comes first:
// a number column is one network input, its missing values filled with "fill" (the training mean); a text column
// is one 0/1 input per category, named "<column>=<category>", in the order of "categories" (sorted), plus
// "<column>=(missing)" when "missing_category" is true; a category not seen in training is all zeros. Then every
// input i is standardized, x' = (x - feature_mean[i]) / feature_scale[i]; the one-hot inputs have mean 0 and
// scale 1, so they stay 0/1. feature_names lists the inputs in order (the encoding's input_names()). A text target's
// classes are "class_names" (class_labels are then 0, 1, ...). A format_version 1 sidecar has no encoding: every
// feature is a number column, filled with its feature_mean.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nnk/matrix.hpp"
#include "nnk/network.hpp"
#include "nnk/table.hpp"
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
  TableEncoding encoding = {};             // raw columns -> the network's inputs (before standardization); left
                                           // empty, save_bundle writes numeric_encoding(feature_names, feature_mean)
};

// The encoding of a format_version 1 model: every feature a number column, missing values filled with its mean.
TableEncoding numeric_encoding(const std::vector<std::string>& feature_names, const std::vector<double>& mean,
                               const std::string& target_name);

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
