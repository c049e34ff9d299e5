// nnk::export_onnx: the file parses as an onnx.ModelProto with the graph the header describes (node by node, every
// weight bit for bit), its arguments are checked before anything is written, and a failed write keeps the old
// file. That the graph computes what Network::predict computes is checked by evaluate_onnx.py (ctest
// nnk_onnx_graph_evaluation), independently of this code.
#include <gtest/gtest.h>
#include <onnx/onnx-ml.pb.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "export_cases.hpp"
#include "nnk/onnx.hpp"
#include "support/errors.hpp"
#include "support/networks.hpp"
#include "support/test_directory.hpp"

namespace nnk::test {
namespace {

namespace fs = std::filesystem;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

onnx::ModelProto read_model(const std::string& path) {
  onnx::ModelProto model;
  EXPECT_TRUE(model.ParseFromString(read_bytes(path))) << path;
  return model;
}

// The operators the header promises, in order, from the spec alone.
std::vector<std::string> expected_ops(const ExportCase& c) {
  std::vector<std::string> ops = {"Sub", "Div"};
  for (const LayerSpec& layer : c.network.spec().layers) {
    ops.push_back("Gemm");
    if (layer.activation == Activation::ReLU) ops.push_back("Relu");
    if (layer.activation == Activation::Tanh) ops.push_back("Tanh");
    if (layer.activation == Activation::Sigmoid) ops.push_back("Sigmoid");
    if (layer.activation == Activation::Softmax) ops.push_back("Softmax");
  }
  if (c.network.spec().loss == Loss::MeanSquaredError) ops.insert(ops.end(), {"Mul", "Add"});
  return ops;
}

const onnx::TensorProto* find_initializer(const onnx::GraphProto& graph, const std::string& name) {
  for (const onnx::TensorProto& t : graph.initializer())
    if (t.name() == name) return &t;
  return nullptr;
}

std::vector<std::int64_t> dims_of(const onnx::ValueInfoProto& value) {
  std::vector<std::int64_t> dims;
  for (const auto& d : value.type().tensor_type().shape().dim()) dims.push_back(d.has_dim_param() ? -1 : d.dim_value());
  return dims;
}

class OnnxExport : public ::testing::Test {
 protected:
  TestDirectory dir_{"onnx_export"};
};

TEST_F(OnnxExport, GraphOfEveryActivationAndLoss) {
  for (const ExportCase& c : export_cases()) {
    SCOPED_TRACE(c.name);
    const std::string path = dir_.file(c.name + ".onnx");
    export_onnx(c.network, c.preprocessing, path);
    const onnx::ModelProto model = read_model(path);
    ASSERT_EQ(model.opset_import_size(), 1);
    EXPECT_EQ(model.opset_import(0).domain(), "");
    EXPECT_EQ(model.opset_import(0).version(), 13);
    const onnx::GraphProto& graph = model.graph();

    std::vector<std::string> ops;
    for (const onnx::NodeProto& node : graph.node()) ops.push_back(node.op_type());
    EXPECT_EQ(ops, expected_ops(c));

    ASSERT_EQ(graph.input_size(), 1);
    EXPECT_EQ(graph.input(0).name(), "features");
    EXPECT_EQ(graph.input(0).type().tensor_type().elem_type(), onnx::TensorProto::FLOAT);
    EXPECT_EQ(dims_of(graph.input(0)), (std::vector<std::int64_t>{-1, c.network.inputs()}));
    ASSERT_EQ(graph.output_size(), 1);
    const bool regression = c.network.spec().loss == Loss::MeanSquaredError;
    EXPECT_EQ(graph.output(0).name(), regression ? "values" : "probabilities");
    EXPECT_EQ(dims_of(graph.output(0)), (std::vector<std::int64_t>{-1, c.network.outputs()}));
    EXPECT_EQ(graph.node(graph.node_size() - 1).output(0), graph.output(0).name());

    // Every Gemm reads W as [units, fan_in] with transB = 1: element (i, k) is W(i, k), bit for bit.
    for (std::size_t l = 0; l < c.network.num_layers(); ++l) {
      const ConstMatrixView w = c.network.weights(l);
      const onnx::TensorProto* weight = find_initializer(graph, "layer" + std::to_string(l) + ".weight");
      const onnx::TensorProto* bias = find_initializer(graph, "layer" + std::to_string(l) + ".bias");
      ASSERT_NE(weight, nullptr);
      ASSERT_NE(bias, nullptr);
      ASSERT_EQ(weight->dims_size(), 2);
      EXPECT_EQ(weight->dims(0), w.rows());
      EXPECT_EQ(weight->dims(1), w.cols());
      ASSERT_EQ(weight->float_data_size(), w.rows() * w.cols());
      for (std::int64_t i = 0; i < w.rows(); ++i)
        for (std::int64_t k = 0; k < w.cols(); ++k)
          ASSERT_EQ(std::bit_cast<std::uint32_t>(weight->float_data(static_cast<int>(i * w.cols() + k))),
                    std::bit_cast<std::uint32_t>(w(i, k)))
              << "layer " << l << " W(" << i << ", " << k << ")";
      ASSERT_EQ(bias->float_data_size(), w.rows());
      for (std::int64_t i = 0; i < w.rows(); ++i)
        EXPECT_EQ(bias->float_data(static_cast<int>(i)), c.network.bias(l)(i, 0));
    }
    for (const onnx::NodeProto& node : graph.node()) {
      if (node.op_type() == "Gemm") {
        ASSERT_EQ(node.attribute_size(), 1);
        EXPECT_EQ(node.attribute(0).name(), "transB");
        EXPECT_EQ(node.attribute(0).i(), 1);
      }
      if (node.op_type() == "Softmax") {
        ASSERT_EQ(node.attribute_size(), 1);
        EXPECT_EQ(node.attribute(0).name(), "axis");
        EXPECT_EQ(node.attribute(0).i(), 1);
      }
    }
    const onnx::TensorProto* mean = find_initializer(graph, "feature_mean");
    ASSERT_NE(mean, nullptr);
    ASSERT_EQ(mean->float_data_size(), c.network.inputs());
    EXPECT_EQ(mean->float_data(0), static_cast<float>(c.preprocessing.feature_mean[0]));
  }
}

TEST_F(OnnxExport, NoPreprocessingNoExtraNodes) {
  const Network net(make_spec(3, {4}, Activation::ReLU, 1, Loss::MeanSquaredError, 3));
  export_onnx(net, {}, dir_.file("plain.onnx"));
  const onnx::ModelProto model = read_model(dir_.file("plain.onnx"));
  std::vector<std::string> ops;
  for (const onnx::NodeProto& node : model.graph().node()) ops.push_back(node.op_type());
  EXPECT_EQ(ops, (std::vector<std::string>{"Gemm", "Relu", "Gemm"}));
  EXPECT_EQ(model.graph().node(2).output(0), "values");
  EXPECT_EQ(model.graph().node(0).input(0), "features");
}

TEST_F(OnnxExport, MetadataAsJsonArrays) {
  const Network net(make_spec(2, {}, Activation::Identity, 1, Loss::BinaryCrossEntropy, 4));
  const OnnxPreprocessing p{.feature_names = {"age (years)", "say \"hi\",\\ok\n"},
                            .class_labels = {"no", "yes"},
                            .metadata = {{"target", "outcome"}}};
  export_onnx(net, p, dir_.file("meta.onnx"));
  const onnx::ModelProto model = read_model(dir_.file("meta.onnx"));
  ASSERT_EQ(model.metadata_props_size(), 3);
  EXPECT_EQ(model.metadata_props(0).key(), "feature_names");
  EXPECT_EQ(model.metadata_props(0).value(), R"json(["age (years)","say \"hi\",\\ok\u000a"])json");
  EXPECT_EQ(model.metadata_props(1).key(), "class_labels");
  EXPECT_EQ(model.metadata_props(1).value(), R"(["no","yes"])");
  EXPECT_EQ(model.metadata_props(2).key(), "target");
  EXPECT_EQ(model.metadata_props(2).value(), "outcome");
  EXPECT_EQ(model.producer_name(), "nnk");
}

struct BadArguments {
  const char* name;
  OnnxPreprocessing preprocessing;
  std::string_view fragment, actual;  // what the message says is wrong, and the value it reports
};

TEST_F(OnnxExport, BadArgumentsAreErrorsAndKeepTheOldFile) {
  const Network classifier(make_spec(2, {3}, Activation::Tanh, 3, Loss::CategoricalCrossEntropy, 5));
  const double huge = 1e300, inf = std::numeric_limits<double>::infinity();
  const std::vector<BadArguments> cases = {
      {"mean size", {.feature_mean = {0}, .feature_scale = {1, 1}},
       "feature_mean and feature_scale must both be empty or have one entry per network input (2)", "got 1 and 2"},
      {"zero scale", {.feature_mean = {0, 0}, .feature_scale = {1, 0}}, "feature_scale[1] must be > 0", "got 0"},
      {"scale underflows", {.feature_mean = {0, 0}, .feature_scale = {1e-50, 1}}, "feature_scale[0]", "got 1e-50"},
      {"mean overflows", {.feature_mean = {huge, 0}, .feature_scale = {1, 1}},
       "feature_mean[0] must be finite in float", "got 1e+300"},
      {"infinite mean", {.feature_mean = {0, inf}, .feature_scale = {1, 1}}, "feature_mean[1]", "got inf"},
      {"target scaling", {.target_scale = 2}, "mean-squared-error networks only", "target_scale 2"},
      {"names", {.feature_names = {"a"}}, "feature_names must be empty or have one name per network input (2)",
       "got 1"},
      {"labels", {.class_labels = {"a", "b"}}, "class_labels must be empty or have one label per class (3)", "got 2"},
      {"reserved key", {.metadata = {{"class_labels", "x"}}}, "metadata key 'class_labels'", "export_onnx writes"},
      {"duplicate key", {.metadata = {{"k", "1"}, {"k", "2"}}}, "metadata key 'k'", "given twice"},
      {"empty key", {.metadata = {{"", "1"}}}, "metadata key is empty", "nnk::export_onnx: "},
  };
  const std::string path = dir_.file("kept.onnx");
  export_onnx(classifier, {}, path);
  const std::string before = read_bytes(path);
  for (const BadArguments& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_TRUE(throws_error_containing([&] { export_onnx(classifier, c.preprocessing, path); },
                                        {"nnk::export_onnx: ", c.fragment, c.actual}));
    EXPECT_EQ(read_bytes(path), before);
  }
  const Network regression(make_spec(2, {}, Activation::Identity, 1, Loss::MeanSquaredError, 6));
  EXPECT_TRUE(throws_error_containing([&] { export_onnx(regression, {.target_scale = 0}, path); },
                                      {"nnk::export_onnx", "target_scale", "got 0"}));
  EXPECT_TRUE(throws_error_containing([&] { export_onnx(regression, {.class_labels = {"a", "b"}}, path); },
                                      {"class_labels must be empty for a mean-squared-error network"}));
  EXPECT_TRUE(throws_error_containing([&] { export_onnx(regression, {}, ""); }, {"nnk::export_onnx", "path is empty"}));
  EXPECT_EQ(read_bytes(path), before);
}

TEST_F(OnnxExport, FailedWriteNamesTheFileAndLeavesNothing) {
  const Network net(make_spec(2, {}, Activation::Identity, 1, Loss::MeanSquaredError, 6));
  const std::string missing_dir = dir_.file("no/such/dir/m.onnx");
  EXPECT_TRUE(throws_error_containing([&] { export_onnx(net, {}, missing_dir); },
                                      {"nnk::export_onnx: cannot write '", missing_dir, "No such file or directory"}));
  // A directory in the way: the rename fails, and neither the directory nor a temporary file is left behind.
  const std::string dir_path = dir_.file("a_directory");
  fs::create_directory(dir_path);
  EXPECT_TRUE(throws_error_containing([&] { export_onnx(net, {}, dir_path); }, {"cannot write", "renaming"}));
  EXPECT_TRUE(fs::is_directory(dir_path));
  std::int64_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_.path())) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(OnnxExport, ReplacesAnOldFile) {
  const std::string path = dir_.file("m.onnx");
  { std::ofstream(path) << "not a model"; }
  const Network net(make_spec(2, {}, Activation::Identity, 1, Loss::MeanSquaredError, 6));
  export_onnx(net, {}, path);
  EXPECT_EQ(read_model(path).graph().node_size(), 1);
}

}  // namespace
}  // namespace nnk::test
