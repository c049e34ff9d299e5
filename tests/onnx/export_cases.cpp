// Export cases: random networks with non-trivial preprocessing, and nnk's own predictions for them.
#include "export_cases.hpp"

#include <cctype>

#include "support/networks.hpp"
#include "support/random.hpp"

namespace nnk::test {

namespace {

// "ReLU" -> "relu", "MeanSquaredError" -> "mean_squared_error" (with words_apart).
std::string lower_case(std::string_view name, bool words_apart) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (words_apart && i > 0 && std::isupper(c) && std::islower(static_cast<unsigned char>(name[i - 1]))) out += '_';
    out += static_cast<char>(std::tolower(c));
  }
  return out;
}

ExportCase make_case(const std::string& name, const NetworkSpec& spec, std::uint64_t seed) {
  ExportCase c{.name = name, .network = Network(spec), .preprocessing = {}};
  Rng rng(seed);
  // Initialization leaves the biases at 0: random ones, so that a bias wired to the wrong place shows.
  for (std::size_t l = 0; l < c.network.num_layers(); ++l) rng.fill(c.network.bias(l), -0.5f, 0.5f);
  OnnxPreprocessing& p = c.preprocessing;
  for (std::int64_t i = 0; i < spec.inputs; ++i) {
    p.feature_mean.push_back(rng.uniform(-5.0f, 5.0f));
    p.feature_scale.push_back(rng.uniform(0.25f, 4.0f));
    p.feature_names.push_back("x" + std::to_string(i));
  }
  if (spec.loss == Loss::MeanSquaredError) {
    p.target_mean = 150.25;
    p.target_scale = 42.5;
  } else if (spec.loss == Loss::CategoricalCrossEntropy || c.network.outputs() == 1) {
    const std::int64_t classes = spec.loss == Loss::BinaryCrossEntropy ? 2 : c.network.outputs();
    for (std::int64_t k = 0; k < classes; ++k) p.class_labels.push_back("class " + std::to_string(k));
  }
  return c;
}

}  // namespace

std::vector<ExportCase> export_cases() {
  std::vector<ExportCase> cases;
  std::uint64_t seed = 1000;
  for (const Loss loss : kLosses) {
    const std::int64_t outputs = loss == Loss::CategoricalCrossEntropy ? 4 : loss == Loss::MeanSquaredError ? 2 : 1;
    for (const Activation hidden : kHiddenActivations) {
      const std::string name = lower_case(to_string(hidden), false) + "_" + lower_case(to_string(loss), true);
      cases.push_back(make_case(name, make_spec(5, {7, 6}, hidden, outputs, loss, seed), seed));
      ++seed;
    }
  }
  cases.push_back(make_case("linear_regression", make_spec(3, {}, Activation::Identity, 1, Loss::MeanSquaredError, 7),
                            7));
  cases.push_back(
      make_case("multi_label_sigmoid", make_spec(4, {8}, Activation::Tanh, 3, Loss::BinaryCrossEntropy, 8), 8));
  return cases;
}

Matrix raw_features(const ExportCase& c, std::int64_t m, std::uint64_t seed) {
  Matrix x = random_matrix(c.network.inputs(), m, seed, -2.0f, 2.0f);
  for (std::int64_t j = 0; j < m; ++j)
    for (std::int64_t i = 0; i < x.rows(); ++i) {
      const auto k = static_cast<std::size_t>(i);
      x(i, j) = static_cast<float>(c.preprocessing.feature_mean[k] + x(i, j) * c.preprocessing.feature_scale[k]);
    }
  return x;
}

std::vector<std::vector<double>> nnk_outputs(const ExportCase& c, ConstMatrixView raw) {
  const OnnxPreprocessing& p = c.preprocessing;
  Matrix x(raw.rows(), raw.cols());
  for (std::int64_t j = 0; j < raw.cols(); ++j)
    for (std::int64_t i = 0; i < raw.rows(); ++i) {
      const auto k = static_cast<std::size_t>(i);
      x(i, j) = static_cast<float>((raw(i, j) - p.feature_mean[k]) / p.feature_scale[k]);
    }
  const Matrix out = c.network.predict(x);
  std::vector<std::vector<double>> rows(static_cast<std::size_t>(out.cols()));
  for (std::int64_t j = 0; j < out.cols(); ++j)
    for (std::int64_t i = 0; i < out.rows(); ++i)
      rows[static_cast<std::size_t>(j)].push_back(out(i, j) * p.target_scale + p.target_mean);
  return rows;
}

}  // namespace nnk::test
