// FLOPs per step: 2 m (3 W - W[0]) for W weights in all, W[0] in the first layer: each layer has a forward, a dW and
// (except the first) a dZ GEMM; the elementwise work is not counted. Bytes (a lower bound, for the roofline): every
// parameter read and written once, every activation written once and read once, X and Y read once.
#include "train_step_section.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "measure/network_cases.hpp"
#include "nnk/cpu.hpp"
#include "nnk/network.hpp"
#include "nnk/ref.hpp"

namespace nnk_profile {

namespace {

constexpr const char* kKernel = "train_step[sgd]";
constexpr std::int64_t kMinReferenceBatch = 16;

std::vector<std::string> names(bool) { return {kKernel}; }

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

void run_section(ProfileRun& run) {
  if (!run.options.selected(kKernel)) return;
  const nnk::Sgd sgd{.learning_rate = 0.01f};
  const std::string isa(nnk::to_string(nnk::active_isa()));
  for (const nnk_measure::NetworkCase& c : nnk_measure::user_network_cases()) {
    nnk::Matrix x, y;
    nnk_measure::fill_batch(c, x, y);

    // The reference on fewer examples when the step is large. Not fewer than kMinReferenceBatch: m is the inner
    // dimension of the dW GEMM, and with very few examples the reference's cost per FLOP grows.
    const double per_example = nnk_measure::flops_per_step(c) / static_cast<double>(c.batch);
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
              .shape = c.name,
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
