// Enumerations shared by every layer of the public API.
#pragma once

#include <cstdint>
#include <string_view>

namespace nnk {

// op(X) in GEMM: the matrix itself or its transpose.
enum class Trans { No, Yes };

// Activation g of a layer. Softmax normalizes each column and is valid on the output layer only.
enum class Activation { Identity, Sigmoid, Tanh, ReLU, Softmax };

// Loss per example, summed over output units; the cost is the mean over the examples. Each loss has one output
// activation with which dZ = A - Y: BinaryCrossEntropy-Sigmoid, CategoricalCrossEntropy-Softmax,
// MeanSquaredError-Identity (L = 1/2 * sum (a - y)^2).
enum class Loss { BinaryCrossEntropy, CategoricalCrossEntropy, MeanSquaredError };

std::string_view to_string(Trans t);
std::string_view to_string(Activation a);
std::string_view to_string(Loss l);

// The activation of the output layer that pairs with a loss (see above).
Activation output_activation(Loss loss);

}  // namespace nnk
