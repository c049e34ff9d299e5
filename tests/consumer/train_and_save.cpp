// The README's example: train a classifier on a CSV file, report test accuracy, save it, load it back.
#include <nnk/nnk.hpp>
#include <cstdio>

int main(int argc, char** argv) {
  nnk::Dataset data = nnk::load_csv(argc > 1 ? argv[1] : "wdbc.csv", "benign");  // features x examples
  auto [train, test] = nnk::train_test_split(data, 0.2, /*seed=*/1);
  const nnk::Standardizer scaler = nnk::Standardizer::fit(train.features);       // training split only
  scaler.transform(train.features);
  scaler.transform(test.features);

  nnk::Network net({.inputs = train.features.rows(),
                    .layers = {{.units = 32, .activation = nnk::Activation::ReLU},
                               {.units = 1, .activation = nnk::Activation::Sigmoid}},
                    .loss = nnk::Loss::BinaryCrossEntropy, .seed = 1});
  nnk::fit(net, train.features, train.targets, nnk::Adam{.learning_rate = 1e-3f}, {.epochs = 60, .batch_size = 32, .seed = 1});
  const nnk::Metrics metrics = nnk::evaluate(net, test.features, test.targets);
  std::printf("test accuracy %.1f%%\n", 100 * metrics.accuracy);

  net.save("wdbc.nnk");
  const nnk::Network loaded = nnk::Network::load("wdbc.nnk");  // predicts bit-identically
  return nnk::evaluate(loaded, test.features, test.targets).accuracy == metrics.accuracy ? 0 : 1;
}
