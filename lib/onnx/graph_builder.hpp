// Appends nodes and float initializers to an onnx.GraphProto, one tensor name after another (internal to nnk::onnx).
#pragma once

#include <onnx/onnx-ml.pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nnk::onnx_export {

class GraphBuilder {
 public:
  explicit GraphBuilder(onnx::GraphProto& graph) : graph_(graph) {}

  // A constant float tensor of the given shape, data in row-major order. Returns its name.
  const std::string& add_initializer(const std::string& name, const std::vector<std::int64_t>& dims,
                                     const std::vector<float>& row_major_data);

  // A node of the default ONNX domain with inputs and one output. Returns the node, to add attributes.
  onnx::NodeProto& add_node(const std::string& op_type, const std::vector<std::string>& inputs,
                            const std::string& output);

  // A float tensor's type and shape; a negative dimension is the symbolic batch dimension "N".
  static void set_float_tensor_type(onnx::ValueInfoProto& value, const std::vector<std::int64_t>& dims);

  // Renames the output of the last node added (so the final node writes the graph's output name).
  void rename_last_output(const std::string& name);

 private:
  onnx::GraphProto& graph_;
};

void set_int_attribute(onnx::NodeProto& node, const std::string& name, std::int64_t value);

}  // namespace nnk::onnx_export
