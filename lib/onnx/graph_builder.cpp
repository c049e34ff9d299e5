// GraphBuilder: the protobuf calls that put tensors and nodes into a graph.
#include "onnx/graph_builder.hpp"

#include <cassert>

namespace nnk::onnx_export {

const std::string& GraphBuilder::add_initializer(const std::string& name, const std::vector<std::int64_t>& dims,
                                                 const std::vector<float>& row_major_data) {
  onnx::TensorProto& tensor = *graph_.add_initializer();
  tensor.set_name(name);
  tensor.set_data_type(onnx::TensorProto::FLOAT);
  for (const std::int64_t d : dims) tensor.add_dims(d);
  // float_data (not raw_data): the schema's own field for floats, with no byte order to get wrong.
  tensor.mutable_float_data()->Add(row_major_data.begin(), row_major_data.end());
  return tensor.name();
}

onnx::NodeProto& GraphBuilder::add_node(const std::string& op_type, const std::vector<std::string>& inputs,
                                        const std::string& output) {
  onnx::NodeProto& node = *graph_.add_node();
  node.set_op_type(op_type);
  node.set_name(output + "." + op_type);
  for (const std::string& input : inputs) node.add_input(input);
  node.add_output(output);
  return node;
}

void GraphBuilder::set_float_tensor_type(onnx::ValueInfoProto& value, const std::vector<std::int64_t>& dims) {
  onnx::TypeProto_Tensor& tensor = *value.mutable_type()->mutable_tensor_type();
  tensor.set_elem_type(onnx::TensorProto::FLOAT);
  for (const std::int64_t d : dims) {
    onnx::TensorShapeProto_Dimension& dim = *tensor.mutable_shape()->add_dim();
    if (d < 0) dim.set_dim_param("N");
    else dim.set_dim_value(d);
  }
}

void GraphBuilder::rename_last_output(const std::string& name) {
  assert(graph_.node_size() > 0);
  onnx::NodeProto& last = *graph_.mutable_node(graph_.node_size() - 1);
  last.set_output(0, name);
  last.set_name(name + "." + last.op_type());
}

void set_int_attribute(onnx::NodeProto& node, const std::string& name, std::int64_t value) {
  onnx::AttributeProto& attribute = *node.add_attribute();
  attribute.set_name(name);
  attribute.set_type(onnx::AttributeProto::INT);
  attribute.set_i(value);
}

}  // namespace nnk::onnx_export
