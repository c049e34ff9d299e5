// nnk::export_onnx: the network's layers as ONNX Gemm and activation nodes, the standardization before them and the
// target scaling after them, serialized through the onnx.ModelProto schema.
#include "nnk/onnx.hpp"

#include <onnx/onnx-ml.pb.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/atomic_file.hpp"
#include "nnk/error.hpp"
#include "nnk/version.hpp"
#include "onnx/export_checks.hpp"
#include "onnx/graph_builder.hpp"
#include "onnx/json_text.hpp"

namespace nnk {

namespace {

using onnx_export::GraphBuilder;

// Opset 13 (kOnnxOpsetVersion): the first whose Softmax normalizes along one axis (older ones flatten the trailing
// axes); onnx 1.12's checker and current runtimes accept it. IR version 7 is the one that came with opset 13.
constexpr std::int64_t kIrVersion = 7;

std::vector<float> to_floats(const std::vector<double>& values) { return {values.begin(), values.end()}; }

// W (units x fan_in, column-major in nnk) as ONNX's row-major [units, fan_in]: Gemm reads it with transB = 1.
std::vector<float> row_major(ConstMatrixView w) {
  std::vector<float> out;
  out.reserve(static_cast<std::size_t>(w.rows() * w.cols()));
  for (std::int64_t i = 0; i < w.rows(); ++i)
    for (std::int64_t k = 0; k < w.cols(); ++k) out.push_back(w(i, k));
  return out;
}

const char* activation_op(Activation activation) {
  switch (activation) {
    case Activation::Sigmoid: return "Sigmoid";
    case Activation::Tanh: return "Tanh";
    case Activation::ReLU: return "Relu";
    case Activation::Softmax: return "Softmax";
    case Activation::Identity: break;
  }
  return nullptr;
}

// Sub(mean) and Div(scale) on the input, when there is a standardization. Returns the standardized tensor's name.
std::string add_standardization(GraphBuilder& graph, const OnnxPreprocessing& p) {
  if (p.feature_mean.empty()) return kOnnxInputName;
  const std::int64_t inputs = static_cast<std::int64_t>(p.feature_mean.size());
  const std::string& mean = graph.add_initializer("feature_mean", {inputs}, to_floats(p.feature_mean));
  const std::string& scale = graph.add_initializer("feature_scale", {inputs}, to_floats(p.feature_scale));
  graph.add_node("Sub", {kOnnxInputName, mean}, "centered");
  graph.add_node("Div", {"centered", scale}, "standardized");
  return "standardized";
}

// Gemm (+ activation) per layer. Returns the name of the last layer's output.
std::string add_layers(GraphBuilder& graph, const Network& network, std::string x) {
  for (std::size_t l = 0; l < network.num_layers(); ++l) {
    const std::string layer = "layer" + std::to_string(l);
    const ConstMatrixView w = network.weights(l);
    const ConstMatrixView b = network.bias(l);
    const std::string& weight = graph.add_initializer(layer + ".weight", {w.rows(), w.cols()}, row_major(w));
    std::vector<float> bias(static_cast<std::size_t>(b.rows()));
    for (std::int64_t i = 0; i < b.rows(); ++i) bias[static_cast<std::size_t>(i)] = b(i, 0);
    const std::string& bias_name = graph.add_initializer(layer + ".bias", {b.rows()}, bias);
    onnx_export::set_int_attribute(graph.add_node("Gemm", {x, weight, bias_name}, layer + ".z"), "transB", 1);
    x = layer + ".z";
    const Activation activation = network.spec().layers[l].activation;
    if (const char* op = activation_op(activation)) {
      onnx::NodeProto& node = graph.add_node(op, {x}, layer + ".a");
      if (activation == Activation::Softmax) onnx_export::set_int_attribute(node, "axis", 1);  // over the classes
      x = layer + ".a";
    }
  }
  return x;
}

// Mul(target_scale) and Add(target_mean) on a regression output, unless they are 1 and 0.
void add_target_scaling(GraphBuilder& graph, const OnnxPreprocessing& p, const std::string& y) {
  if (p.target_scale == 1 && p.target_mean == 0) return;
  const std::string& scale = graph.add_initializer("target_scale", {1}, {static_cast<float>(p.target_scale)});
  const std::string& mean = graph.add_initializer("target_mean", {1}, {static_cast<float>(p.target_mean)});
  graph.add_node("Mul", {y, scale}, "scaled");
  graph.add_node("Add", {"scaled", mean}, "values");
}

std::string output_description(const Network& network) {
  switch (network.spec().loss) {
    case Loss::BinaryCrossEntropy:
      return network.outputs() == 1 ? "the probability of class 1 (the second class label), one row per example"
                                    : "one independent sigmoid probability per output, one row per example";
    case Loss::CategoricalCrossEntropy:
      return "the probability of each class (columns in the order of class_labels), one row per example";
    case Loss::MeanSquaredError: break;
  }
  return "the predicted values in the target's units, one row per example";
}

void add_metadata(onnx::ModelProto& model, const std::string& key, const std::string& value) {
  onnx::StringStringEntryProto& entry = *model.add_metadata_props();
  entry.set_key(key);
  entry.set_value(value);
}

onnx::ModelProto build_model(const Network& network, const OnnxPreprocessing& p) {
  onnx::ModelProto model;
  model.set_ir_version(kIrVersion);
  model.add_opset_import()->set_version(kOnnxOpsetVersion);  // the default domain ""
  model.set_producer_name("nnk");
  model.set_producer_version(std::to_string(kVersionMajor) + "." + std::to_string(kVersionMinor) + "." +
                             std::to_string(kVersionPatch));
  model.set_doc_string("A multilayer perceptron trained with nnk (" + std::to_string(network.num_layers()) +
                       " layers, " + std::string(to_string(network.spec().loss)) + ").");

  onnx::GraphProto& graph_proto = *model.mutable_graph();
  graph_proto.set_name("nnk_mlp");
  GraphBuilder graph(graph_proto);
  const std::string output = network.spec().loss == Loss::MeanSquaredError ? kOnnxValuesName : kOnnxProbabilitiesName;
  const std::string y = add_layers(graph, network, add_standardization(graph, p));
  add_target_scaling(graph, p, y);
  graph.rename_last_output(output);

  onnx::ValueInfoProto& input = *graph_proto.add_input();
  input.set_name(kOnnxInputName);
  input.set_doc_string("raw feature values, one row per example, columns in the order of feature_names");
  GraphBuilder::set_float_tensor_type(input, {-1, network.inputs()});
  onnx::ValueInfoProto& out = *graph_proto.add_output();
  out.set_name(output);
  out.set_doc_string(output_description(network));
  GraphBuilder::set_float_tensor_type(out, {-1, network.outputs()});

  if (!p.feature_names.empty()) add_metadata(model, "feature_names", onnx_export::json_string_array(p.feature_names));
  if (!p.class_labels.empty()) add_metadata(model, "class_labels", onnx_export::json_string_array(p.class_labels));
  for (const auto& [key, value] : p.metadata) add_metadata(model, key, value);
  return model;
}

}  // namespace

void export_onnx(const Network& network, const OnnxPreprocessing& preprocessing, const std::string& path) {
  onnx_export::check_export_arguments(network, preprocessing, path);
  std::string bytes;
  if (!build_model(network, preprocessing).SerializeToString(&bytes))
    detail::fail(onnx_export::kCaller, ": cannot serialize the model for '", path, "' (larger than protobuf's 2 GiB?)");
  detail::write_file_atomically(onnx_export::kCaller, path, bytes.data(), bytes.size());
}

}  // namespace nnk
