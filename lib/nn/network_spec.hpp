// Validation of a NetworkSpec (internal to lib/nn).
#pragma once

#include "nnk/network.hpp"

namespace nnk::nn {

// Throws nnk::Error, prefixed with `function`, naming the first field that is out of range: inputs and units >= 1,
// at least one layer, valid enumerators, Softmax only on the output layer, the output activation paired with the
// loss, dropout in [0, 1) and 0 on the output layer, l1 and l2 finite and >= 0, and a parameter count that fits
// in memory arithmetic.
void validate_spec(const char* function, const NetworkSpec& spec);

// Parameters of a valid spec: sum over layers of units * (fan_in + 1).
std::int64_t parameter_count(const NetworkSpec& spec);

}  // namespace nnk::nn
