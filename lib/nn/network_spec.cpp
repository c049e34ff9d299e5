#include "nn/network_spec.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "nnk/error.hpp"

namespace nnk::nn {

namespace {

// Larger networks than this many parameters are rejected before anything is allocated (a corrupt model file
// could otherwise ask for petabytes): 2^40 floats is 4 TiB.
constexpr std::int64_t kMaxParameters = std::int64_t{1} << 40;

bool is_activation(Activation g) {
  switch (g) {
    case Activation::Identity:
    case Activation::Sigmoid:
    case Activation::Tanh:
    case Activation::ReLU:
    case Activation::Softmax: return true;
  }
  return false;
}

bool is_loss(Loss loss) {
  switch (loss) {
    case Loss::BinaryCrossEntropy:
    case Loss::CategoricalCrossEntropy:
    case Loss::MeanSquaredError: return true;
  }
  return false;
}

void check_regularization(const char* function, const char* name, float value) {
  if (!(std::isfinite(value) && value >= 0.0f))
    detail::fail(function, ": spec.", name, " must be finite and >= 0, got ", value);
}

}  // namespace

void validate_spec(const char* function, const NetworkSpec& spec) {
  if (spec.inputs < 1) detail::fail(function, ": spec.inputs must be >= 1, got ", spec.inputs);
  if (spec.layers.empty())
    detail::fail(function, ": spec.layers is empty, expected at least the output layer");
  if (!is_loss(spec.loss))
    detail::fail(function, ": spec.loss must be a nnk::Loss enumerator, got ", static_cast<int>(spec.loss));
  check_regularization(function, "l1", spec.l1);
  check_regularization(function, "l2", spec.l2);

  const std::size_t output = spec.layers.size() - 1;
  std::int64_t fan_in = spec.inputs;
  std::int64_t parameters = 0;
  for (std::size_t l = 0; l < spec.layers.size(); ++l) {
    const LayerSpec& layer = spec.layers[l];
    if (layer.units < 1) detail::fail(function, ": spec.layers[", l, "].units must be >= 1, got ", layer.units);
    if (!is_activation(layer.activation))
      detail::fail(function, ": spec.layers[", l, "].activation must be a nnk::Activation enumerator, got ",
                   static_cast<int>(layer.activation));
    if (l != output && layer.activation == Activation::Softmax)
      detail::fail(function, ": spec.layers[", l, "].activation is Softmax, which is valid on the output layer only (",
                   "layer ", output, ")");
    if (!(layer.dropout >= 0.0f && layer.dropout < 1.0f))
      detail::fail(function, ": spec.layers[", l, "].dropout must be in [0, 1), got ", layer.dropout);
    if (l == output && layer.dropout != 0.0f)
      detail::fail(function, ": spec.layers[", l, "].dropout must be 0 on the output layer, got ", layer.dropout);
    // units * (fan_in + 1) without overflow: both factors are below 2^40 once the running total is.
    if (layer.units > kMaxParameters || fan_in + 1 > kMaxParameters / layer.units ||
        layer.units * (fan_in + 1) > kMaxParameters - parameters)
      detail::fail(function, ": spec.layers[", l, "] brings the parameter count above the limit of ", kMaxParameters);
    parameters += layer.units * (fan_in + 1);
    fan_in = layer.units;
  }

  const Activation expected = output_activation(spec.loss);
  const Activation actual = spec.layers[output].activation;
  if (actual != expected)
    detail::fail(function, ": the output layer (spec.layers[", output, "]) must use ", to_string(expected),
                 " with loss ", to_string(spec.loss), ", got ", to_string(actual));
}

std::int64_t parameter_count(const NetworkSpec& spec) {
  std::int64_t fan_in = spec.inputs;
  std::int64_t parameters = 0;
  for (const LayerSpec& layer : spec.layers) {
    parameters += layer.units * (fan_in + 1);
    fan_in = layer.units;
  }
  return parameters;
}

void encode_spec(ByteWriter& out, const NetworkSpec& spec) {
  out.i64(spec.inputs);
  out.u32(static_cast<std::uint32_t>(spec.loss));
  out.u64(spec.seed);
  out.f32(spec.l1);
  out.f32(spec.l2);
  out.u32(static_cast<std::uint32_t>(spec.layers.size()));
  for (const LayerSpec& layer : spec.layers) {
    out.i64(layer.units);
    out.u32(static_cast<std::uint32_t>(layer.activation));
    out.f32(layer.dropout);
  }
}

NetworkSpec decode_spec(ByteReader& in, const char* function, const std::string& path) {
  constexpr std::uint32_t kMaxLayers = 1u << 20;  // a sanity bound on a count read from a file
  NetworkSpec spec;
  spec.inputs = in.i64();
  spec.loss = static_cast<Loss>(in.u32());
  spec.seed = in.u64();
  spec.l1 = in.f32();
  spec.l2 = in.f32();
  const std::uint32_t layers = in.u32();
  if (layers > kMaxLayers)
    detail::fail(function, ": '", path, "' is corrupt: it declares ", layers, " layers (at most ", kMaxLayers,
                 " supported)");
  for (std::uint32_t l = 0; l < layers && in.ok(); ++l) {
    LayerSpec layer;
    layer.units = in.i64();
    layer.activation = static_cast<Activation>(in.u32());
    layer.dropout = in.f32();
    spec.layers.push_back(layer);
  }
  if (!in.ok()) detail::fail(function, ": '", path, "' is corrupt: the body ends inside the network spec");
  return spec;
}

}  // namespace nnk::nn
