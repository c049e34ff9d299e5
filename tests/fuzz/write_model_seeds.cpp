// Writes the seed model files of corpus/model_load: small networks of every loss, activation and regularization,
// saved with nnk::Network::save (so they follow the current format). Usage: nnk_fuzz_write_model_seeds DIR
#include <cstdio>
#include <string>

#include "nnk/network.hpp"

namespace {

void train_a_little(nnk::Network& net) {
  // A few steps so that the biases are not all zero and the file holds trained-looking parameters.
  nnk::Matrix x(net.inputs(), 4), y(net.outputs(), 4);
  for (std::int64_t j = 0; j < 4; ++j) {
    for (std::int64_t i = 0; i < x.rows(); ++i) x(i, j) = static_cast<float>((i + 1) * (j - 1)) * 0.5f;
    y(j % y.rows(), j) = 1.0f;
  }
  for (int step = 0; step < 3; ++step) net.train_step(x, y, nnk::Sgd{.learning_rate = 0.1f});
}

void write(const std::string& dir, const char* name, const nnk::NetworkSpec& spec) {
  nnk::Network net(spec);
  train_a_little(net);
  net.save(dir + "/" + name);
  std::printf("wrote %s/%s\n", dir.c_str(), name);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  using nnk::Activation;
  using nnk::Loss;
  write(dir, "linear_regression.nnk",
        {.inputs = 2, .layers = {{.units = 1, .activation = Activation::Identity}}, .loss = Loss::MeanSquaredError});
  write(dir, "binary_relu_dropout_l2.nnk",
        {.inputs = 3,
         .layers = {{.units = 4, .activation = Activation::ReLU, .dropout = 0.25f},
                    {.units = 1, .activation = Activation::Sigmoid}},
         .loss = Loss::BinaryCrossEntropy, .seed = 7, .l2 = 1e-3f});
  write(dir, "softmax_tanh_l1.nnk",
        {.inputs = 4,
         .layers = {{.units = 3, .activation = Activation::Tanh}, {.units = 3, .activation = Activation::Softmax}},
         .loss = Loss::CategoricalCrossEntropy, .seed = 3, .l1 = 1e-4f});
  write(dir, "deep_sigmoid_mse.nnk",
        {.inputs = 1,
         .layers = {{.units = 2, .activation = Activation::Sigmoid},
                    {.units = 2, .activation = Activation::ReLU},
                    {.units = 1, .activation = Activation::Identity}},
         .loss = Loss::MeanSquaredError, .seed = 11});
  return 0;
}
