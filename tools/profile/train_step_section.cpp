// FLOPs per step: 2 m (3 W - W[0]) for W weights in all, W[0] in the first layer: each layer has a forward, a dW and
// (except the first) a dZ GEMM; the elementwise work is not counted. Bytes (a lower bound, for the roofline): every
// parameter read and written once, every activation written once and read once, X and Y read once.
#include "train_step_section.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nnk/cpu.hpp"
#include "nnk/network.hpp"
#include "nnk/ref.hpp"

namespace nnk_profile {

namespace {

using nnk::Activation;

struct NetworkCase {
  std::string shape;  // the row's shape column
  nnk::NetworkSpec spec;
  std::int64_t batch;
};

std::vector<NetworkCase> cases() {
  const auto layer = [](std::int64_t units, Activation g) { return nnk::LayerSpec{.units = units, .activation = g}; };
  return {{"784-512-256-1 m=256",
           {.inputs = 784,
            .layers = {layer(512, Activation::ReLU), layer(256, Activation::ReLU), layer(1, Activation::Sigmoid)},
            .loss = nnk::Loss::BinaryCrossEntropy,
            .seed = 1},
           256},
          {"2-16-16-1 tanh m=64",
           {.inputs = 2,
            .layers = {layer(16, Activation::Tanh), layer(16, Activation::Tanh), layer(1, Activation::Sigmoid)},
            .loss = nnk::Loss::BinaryCrossEntropy,
            .seed = 1},
           64}};
}

constexpr const char* kKernel = "train_step[sgd]";
constexpr std::int64_t kMinReferenceBatch = 16;

std::vector<std::string> names(bool) { return {kKernel}; }

double flops_per_example(const nnk::NetworkSpec& spec) {
  double weights = 0, first = 0;
  std::int64_t fan_in = spec.inputs;
  for (const nnk::LayerSpec& l : spec.layers) {
    const double w = static_cast<double>(l.units) * static_cast<double>(fan_in);
    if (weights == 0) first = w;
    weights += w;
    fan_in = l.units;
  }
  return 2.0 * (3.0 * weights - first);
}

double bytes_moved(const nnk::NetworkSpec& spec, std::int64_t m) {
  double parameters = 0, activations = 0;
  std::int64_t fan_in = spec.inputs;
  for (const nnk::LayerSpec& l : spec.layers) {
    parameters += static_cast<double>(l.units) * static_cast<double>(fan_in + 1);
    activations += static_cast<double>(l.units) * static_cast<double>(m);
    fan_in = l.units;
  }
  const double inputs_and_targets =
      static_cast<double>(spec.inputs + spec.layers.back().units) * static_cast<double>(m);
  return 4.0 * (2 * parameters + 2 * activations + inputs_and_targets);
}

// The parameters of `net` as nnk::ref::train_step takes them.
std::vector<nnk::ref::DenseLayer> reference_layers(const nnk::Network& net) {
  std::vector<nnk::ref::DenseLayer> layers;
  for (std::size_t l = 0; l < net.num_layers(); ++l)
    layers.push_back(
        {nnk::Matrix::from(net.weights(l)), nnk::Matrix::from(net.bias(l)), net.spec().layers[l].activation});
  return layers;
}

// Deterministic inputs in [-1, 1) and 0/1 labels: a step costs the same whatever the values.
void fill_batch(nnk::Matrix& x, nnk::Matrix& y) {
  std::uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<float>(state >> 40) * 0x1.0p-23f - 1.0f;
  };
  for (std::int64_t i = 0; i < x.size(); ++i) x.data()[i] = next();
  for (std::int64_t i = 0; i < y.size(); ++i) y.data()[i] = next() > 0 ? 1.0f : 0.0f;
}

void run_section(ProfileRun& run) {
  if (!run.options.selected(kKernel)) return;
  const nnk::Sgd sgd{.learning_rate = 0.01f};
  const std::string isa(nnk::to_string(nnk::active_isa()));
  for (const NetworkCase& c : cases()) {
    const std::int64_t outputs = c.spec.layers.back().units;
    nnk::Matrix x(c.spec.inputs, c.batch), y(outputs, c.batch);
    fill_batch(x, y);

    // The reference on fewer examples when the step is large. Not fewer than kMinReferenceBatch: m is the inner
    // dimension of the dW GEMM, and with very few examples the reference's cost per FLOP grows.
    const double per_example = flops_per_example(c.spec);
    const std::int64_t small = std::min<std::int64_t>(
        c.batch, std::max<std::int64_t>(kMinReferenceBatch,
                                        static_cast<std::int64_t>(run.reference_flops_per_call() / per_example)));
    std::vector<nnk::ref::DenseLayer> reference = reference_layers(nnk::Network(c.spec));
    const nnk::Regularization reg{.l1 = c.spec.l1, .l2 = c.spec.l2};
    nnk::ref::TrainStepValues values;
    const nnk::Matrix x_small = nnk::Matrix::from(x.col_block(0, small));
    const nnk::Matrix y_small = nnk::Matrix::from(y.col_block(0, small));
    const double reference_seconds = median_seconds_per_call(
        [&] { nnk::ref::train_step(reference, c.spec.loss, reg, x_small, y_small, sgd.learning_rate, values); },
        run.reference_timing());
    const double reference_rate = per_example * static_cast<double>(small) / reference_seconds;

    for (int threads : run.options.threads) {
      const nnk::ScopedNumThreads use_threads(threads);
      nnk::Network net(c.spec);
      Row row{.kernel = kKernel,
              .shape = c.shape,
              .isa = isa,
              .threads = threads,
              .unit = RateUnit::Flops,
              .flops = per_example * static_cast<double>(c.batch),
              .bytes = bytes_moved(c.spec, c.batch),
              .ceiling = run.ceilings.fma_peak(threads),
              .reference_rate = reference_rate,
              .reference_note = small == c.batch ? "" : "ref at m=" + std::to_string(small)};
      row.seconds = median_seconds_per_call([&] { net.train_step(x, y, sgd); }, run.timing());
      run.add(std::move(row));
    }
  }
}

}  // namespace

Section train_step_section() { return {names, run_section}; }

}  // namespace nnk_profile
