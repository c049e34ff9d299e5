// nnk::export_onnx: a trained network as an ONNX model that other runtimes (onnxruntime, OpenCV's dnn, ...) run.
// In the optional library nnk::onnx, built when CMake finds ONNX (Debian: libonnx-dev, libprotobuf-dev):
//
//   find_package(nnk 0.1 REQUIRED COMPONENTS onnx)      target_link_libraries(app PRIVATE nnk::onnx)
//   nnk::export_onnx(net, {.feature_mean = mean, .feature_scale = scale}, "model.onnx");
//
// The graph (ONNX opset 13, standard operators only) takes raw feature values and gives the network's outputs:
//
//   features [N, inputs] --Sub(mean)--Div(scale)--> Gemm(W, b, transB=1) --Relu|Tanh|Sigmoid|Softmax--> ... -->
//   Gemm --Sigmoid|Softmax--> probabilities [N, outputs]       (binary cross-entropy: P(class 1) per output;
//                                                               categorical cross-entropy: one column per class)
//   Gemm --Mul(target_scale)--Add(target_mean)--> values [N, outputs]   (mean squared error)
//
// Rows are examples (ONNX's layout; nnk's matrices have examples as columns). Identity layers add no node; Sub/Div
// and Mul/Add are left out when they would change nothing.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "nnk/network.hpp"

namespace nnk {

// The ONNX operator set the graph uses (the default domain's).
inline constexpr int kOnnxOpsetVersion = 13;
// The graph's input and output names.
inline constexpr const char* kOnnxInputName = "features";
inline constexpr const char* kOnnxProbabilitiesName = "probabilities";  // classification networks
inline constexpr const char* kOnnxValuesName = "values";                // mean-squared-error networks

// What the exported graph does around the network, and what it records about its columns.
struct OnnxPreprocessing {
  // Standardization of each input column, x' = (x - feature_mean) / feature_scale, as nnk::Standardizer: both
  // empty (the graph takes the network's inputs as they are) or one entry per input, finite, scale > 0.
  std::vector<double> feature_mean = {};
  std::vector<double> feature_scale = {};
  // Mean-squared-error networks: the output in the target's units, y = y' * target_scale + target_mean. A
  // classification network must keep the defaults.
  double target_mean = 0;
  double target_scale = 1;
  // Documentation stored in the model (metadata_props, as JSON arrays): the input columns' names (empty or one per
  // input) and the class labels (empty or one per class: outputs, or 2 for a single sigmoid output).
  std::vector<std::string> feature_names = {};
  std::vector<std::string> class_labels = {};
  // More metadata_props entries, stored as given: keys non-empty, unique, and neither "feature_names" nor
  // "class_labels".
  std::vector<std::pair<std::string, std::string>> metadata = {};
};

// Writes network and preprocessing as an ONNX model (a serialized onnx.ModelProto) to path, through a temporary
// file renamed into place: on any failure the old file at path is left as it was. nnk::Error naming the argument,
// the expected and the actual value (e.g. a feature_scale entry that is 0 or does not fit in a float), or the file.
void export_onnx(const Network& network, const OnnxPreprocessing& preprocessing, const std::string& path);

}  // namespace nnk
