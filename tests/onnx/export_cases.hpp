// The networks the ONNX tests export: every hidden activation with every loss, a linear model and a multi-label
// sigmoid network, each with random weights and biases and a standardization (and, for regression, target units)
// that changes every value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nnk/matrix.hpp"
#include "nnk/network.hpp"
#include "nnk/onnx.hpp"

namespace nnk::test {

struct ExportCase {
  std::string name;  // e.g. "relu_categorical_cross_entropy"
  Network network;
  OnnxPreprocessing preprocessing;
};

std::vector<ExportCase> export_cases();

// Raw feature values for a case (inputs x m, examples as columns): standardized, they spread over about [-2, 2].
Matrix raw_features(const ExportCase& c, std::int64_t m, std::uint64_t seed);

// What nnk computes for raw features: standardized in double as nnk::Standardizer, Network::predict, then (mean
// squared error) y * target_scale + target_mean in double. outputs x m.
std::vector<std::vector<double>> nnk_outputs(const ExportCase& c, ConstMatrixView raw);

}  // namespace nnk::test
