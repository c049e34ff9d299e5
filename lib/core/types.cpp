#include "nnk/types.hpp"

#include "nnk/error.hpp"

namespace nnk {

std::string_view to_string(Trans t) { return t == Trans::No ? "No" : "Yes"; }

std::string_view to_string(Activation a) {
  switch (a) {
    case Activation::Identity: return "Identity";
    case Activation::Sigmoid: return "Sigmoid";
    case Activation::Tanh: return "Tanh";
    case Activation::ReLU: return "ReLU";
    case Activation::Softmax: return "Softmax";
  }
  return "Activation(?)";
}

std::string_view to_string(Loss l) {
  switch (l) {
    case Loss::BinaryCrossEntropy: return "BinaryCrossEntropy";
    case Loss::CategoricalCrossEntropy: return "CategoricalCrossEntropy";
    case Loss::MeanSquaredError: return "MeanSquaredError";
  }
  return "Loss(?)";
}

Activation output_activation(Loss loss) {
  switch (loss) {
    case Loss::BinaryCrossEntropy: return Activation::Sigmoid;
    case Loss::CategoricalCrossEntropy: return Activation::Softmax;
    case Loss::MeanSquaredError: return Activation::Identity;
  }
  detail::fail("nnk::output_activation: loss must be a nnk::Loss enumerator, got ", static_cast<int>(loss));
}

}  // namespace nnk
