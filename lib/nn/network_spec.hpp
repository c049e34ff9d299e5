// Validation of a NetworkSpec, and its encoding in nnk's binary files (internal to lib/nn).
#pragma once

#include <string>

#include "nn/byte_io.hpp"
#include "nnk/network.hpp"

namespace nnk::nn {

// Throws nnk::Error, prefixed with `function`, naming the first field that is out of range: inputs and units >= 1,
// at least one layer, valid enumerators, Softmax only on the output layer, the output activation paired with the
// loss, dropout in [0, 1) and 0 on the output layer, l1 and l2 finite and >= 0, and a parameter count that fits
// in memory arithmetic.
void validate_spec(const char* function, const NetworkSpec& spec);

// Parameters of a valid spec: sum over layers of units * (fan_in + 1).
std::int64_t parameter_count(const NetworkSpec& spec);

// The spec as model files and checkpoints store it: i64 inputs, u32 loss, u64 seed, f32 l1, f32 l2, u32 layer
// count, per layer i64 units, u32 activation, f32 dropout.
void encode_spec(ByteWriter& out, const NetworkSpec& spec);
// Reads it back (not validated: run validate_spec). nnk::Error "<function>: '<path>' is corrupt: ..." when the
// bytes end inside it or the layer count is absurd.
NetworkSpec decode_spec(ByteReader& in, const char* function, const std::string& path);

}  // namespace nnk::nn
