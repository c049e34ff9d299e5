// nnk::gradient_check: backward()'s float gradient against central differences of the cost computed in double.
//
// The double-precision model below is an independent, naive implementation of the cost (it shares only the dropout
// mask function with the float path, so that both see the same masks). A perturbation of a parameter of layer l
// recomputes the layers from l on, starting from the stored unperturbed activations of layer l - 1.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "nn/dropout.hpp"
#include "nn/network_checks.hpp"
#include "nn/network_state.hpp"
#include "nnk/error.hpp"
#include "nnk/network.hpp"

namespace nnk {

namespace {

// Column-major double matrix.
struct DMatrix {
  std::int64_t rows = 0, cols = 0;
  std::vector<double> v;
  DMatrix() = default;
  DMatrix(std::int64_t r, std::int64_t c) : rows(r), cols(c), v(static_cast<std::size_t>(r * c), 0.0) {}
  double& operator()(std::int64_t i, std::int64_t j) { return v[static_cast<std::size_t>(i + j * rows)]; }
  double operator()(std::int64_t i, std::int64_t j) const { return v[static_cast<std::size_t>(i + j * rows)]; }
};

DMatrix to_double(ConstMatrixView x) {
  DMatrix d(x.rows(), x.cols());
  for (std::int64_t j = 0; j < x.cols(); ++j)
    for (std::int64_t i = 0; i < x.rows(); ++i) d(i, j) = x(i, j);
  return d;
}

double activate(Activation g, double z) {
  switch (g) {
    case Activation::Sigmoid: return 1.0 / (1.0 + std::exp(-z));
    case Activation::Tanh: return std::tanh(z);
    case Activation::ReLU: return z > 0 ? z : 0.0;
    default: return z;
  }
}

// Loss of one example from its logits (column j of z).
double example_loss(Loss loss, const DMatrix& z, const DMatrix& y, std::int64_t j) {
  double sum = 0;
  switch (loss) {
    case Loss::BinaryCrossEntropy:
      for (std::int64_t i = 0; i < z.rows; ++i)
        sum += std::max(z(i, j), 0.0) - y(i, j) * z(i, j) + std::log1p(std::exp(-std::fabs(z(i, j))));
      break;
    case Loss::CategoricalCrossEntropy: {
      double max = z(0, j);
      for (std::int64_t i = 1; i < z.rows; ++i) max = std::max(max, z(i, j));
      double sum_exp = 0;
      for (std::int64_t i = 0; i < z.rows; ++i) sum_exp += std::exp(z(i, j) - max);
      const double log_sum_exp = max + std::log(sum_exp);
      for (std::int64_t i = 0; i < z.rows; ++i) sum += y(i, j) * (log_sum_exp - z(i, j));
      break;
    }
    case Loss::MeanSquaredError:
      for (std::int64_t i = 0; i < z.rows; ++i) sum += 0.5 * (z(i, j) - y(i, j)) * (z(i, j) - y(i, j));
      break;
  }
  return sum;
}

class DoubleModel {
 public:
  DoubleModel(const Network::State& state, ConstMatrixView x, ConstMatrixView y, std::int64_t step)
      : spec_(state.spec), x_(to_double(x)), y_(to_double(y)) {
    const std::size_t layers = state.num_layers();
    for (std::size_t l = 0; l < layers; ++l) {
      weights_.push_back(to_double(state.layers[l].weights));
      biases_.push_back(to_double(state.layers[l].bias));
      DMatrix factors;
      if (state.has_dropout(l)) {
        factors = DMatrix(state.units(l), x.cols());
        const detail::CounterStream stream = nn::dropout_stream(spec_.seed, step, l);
        for (std::size_t k = 0; k < factors.v.size(); ++k)
          factors.v[k] = nn::dropout_factor(stream, k, spec_.layers[l].dropout);
      }
      dropout_factors_.push_back(std::move(factors));
    }
    activations_.resize(layers);
    base_positive_.resize(layers);
    scratch_positive_.resize(layers);
    evaluate_from(0, /*record_base=*/true);
  }

  DMatrix& weights(std::size_t l) { return weights_[l]; }
  DMatrix& bias(std::size_t l) { return biases_[l]; }

  // J with the current parameters, recomputing from layer `first` (the layers before keep their activations).
  // kink: whether some ReLU pre-activation has another sign than at the unperturbed parameters.
  double cost(std::size_t first, bool& kink) {
    const double j = evaluate_from(first, /*record_base=*/false);
    kink = false;
    for (std::size_t l = first; l < scratch_positive_.size(); ++l) kink = kink || scratch_positive_[l] != base_positive_[l];
    return j;
  }

 private:
  // Forward from layer `first`; the perturbed run writes into scratch activations (the base ones stay).
  double evaluate_from(std::size_t first, bool record_base) {
    const std::size_t output = weights_.size() - 1;
    const std::int64_t m = x_.cols;
    DMatrix current;
    const DMatrix* input = first == 0 ? &x_ : &activations_[first - 1];
    for (std::size_t l = first; l <= output; ++l) {
      const DMatrix& w = weights_[l];
      DMatrix z(w.rows, m);
      for (std::int64_t j = 0; j < m; ++j) {
        for (std::int64_t i = 0; i < w.rows; ++i) z(i, j) = biases_[l](i, 0);
        for (std::int64_t k = 0; k < w.cols; ++k) {
          const double a = (*input)(k, j);
          for (std::int64_t i = 0; i < w.rows; ++i) z(i, j) += w(i, k) * a;
        }
      }
      if (l == output) {
        double sum = 0;
        for (std::int64_t j = 0; j < m; ++j) sum += example_loss(spec_.loss, z, y_, j);
        return sum / static_cast<double>(m) + regularization();
      }
      const Activation g = spec_.layers[l].activation;
      std::vector<bool>& positive = record_base ? base_positive_[l] : scratch_positive_[l];
      positive.assign(g == Activation::ReLU ? z.v.size() : 0, false);
      for (std::size_t k = 0; k < z.v.size(); ++k) {
        if (g == Activation::ReLU) positive[k] = z.v[k] > 0;
        z.v[k] = activate(g, z.v[k]);
        if (!dropout_factors_[l].v.empty()) z.v[k] *= dropout_factors_[l].v[k];
      }
      if (record_base) {
        activations_[l] = std::move(z);
        input = &activations_[l];
      } else {
        current = std::move(z);
        input = &current;
      }
    }
    return 0;  // unreachable: the output layer returns
  }

  double regularization() const {
    double abs_sum = 0, square_sum = 0;
    for (const DMatrix& w : weights_)
      for (double v : w.v) {
        abs_sum += std::fabs(v);
        square_sum += v * v;
      }
    return static_cast<double>(spec_.l1) * abs_sum + 0.5 * static_cast<double>(spec_.l2) * square_sum;
  }

  const NetworkSpec& spec_;
  DMatrix x_, y_;
  std::vector<DMatrix> weights_, biases_, dropout_factors_;
  std::vector<DMatrix> activations_;  // unperturbed A[l] (after dropout) of the hidden layers
  std::vector<std::vector<bool>> base_positive_, scratch_positive_;
};

// Which entries of a matrix with `size` elements to check: all, or `limit` evenly spaced ones.
std::vector<std::int64_t> entries_to_check(std::int64_t size, std::int64_t limit) {
  std::vector<std::int64_t> entries;
  const std::int64_t count = limit <= 0 || size <= limit ? size : limit;
  for (std::int64_t k = 0; k < count; ++k) entries.push_back(count == size ? k : k * size / count);
  return entries;
}

}  // namespace

GradientCheckResult gradient_check_details(Network& net, ConstMatrixView x, ConstMatrixView y,
                                           const GradientCheckOptions& options) {
  constexpr const char* kFunction = "nnk::gradient_check";
  const Network::State& state = NetworkAccess::state(net);
  nn::check_input(kFunction, state, x);
  nn::check_targets(kFunction, state, y, x.cols());
  if (!(std::isfinite(options.step) && options.step > 0))
    detail::fail(kFunction, ": options.step must be finite and > 0, got ", options.step);
  if (!(std::isfinite(options.floor) && options.floor > 0))
    detail::fail(kFunction, ": options.floor must be finite and > 0, got ", options.floor);
  if (options.max_entries_per_matrix < 0)
    detail::fail(kFunction, ": options.max_entries_per_matrix must be >= 0, got ", options.max_entries_per_matrix);

  net.forward(x);
  net.backward(y);
  DoubleModel model(state, x, y, state.workspace.forward_step);
  const double h = options.step;
  const bool l1_kinks = state.spec.l1 != 0.0f;

  GradientCheckResult result;
  for (std::size_t l = 0; l < state.num_layers(); ++l) {
    for (const bool is_bias : {false, true}) {
      DMatrix& parameters = is_bias ? model.bias(l) : model.weights(l);
      const ConstMatrixView analytic = is_bias ? net.bias_grad(l) : net.weight_grad(l);
      for (const std::int64_t index : entries_to_check(static_cast<std::int64_t>(parameters.v.size()),
                                                        options.max_entries_per_matrix)) {
        double& p = parameters.v[static_cast<std::size_t>(index)];
        const double original = p;
        bool kink_plus = false, kink_minus = false;
        p = original + h;
        const double j_plus = model.cost(l, kink_plus);
        p = original - h;
        const double j_minus = model.cost(l, kink_minus);
        p = original;
        // |w| <= h: the L1 term's kink at 0 lies inside the difference.
        if (kink_plus || kink_minus || (l1_kinks && !is_bias && std::fabs(original) <= h)) {
          ++result.skipped_at_kinks;
          continue;
        }
        const std::int64_t row = index % parameters.rows, col = index / parameters.rows;
        const double numeric = (j_plus - j_minus) / (2 * h);
        const double a = analytic(row, col);
        double error = std::fabs(a - numeric) / std::max(std::fabs(a) + std::fabs(numeric), options.floor);
        if (std::isnan(error)) error = std::numeric_limits<double>::infinity();  // a NaN gradient is the worst mismatch, not an ignored one
        ++result.checked;
        if (result.checked == 1 || error > result.max_relative_error) {
          result.max_relative_error = error;
          result.layer = l;
          result.is_bias = is_bias;
          result.row = row;
          result.col = col;
          result.analytic = a;
          result.numeric = numeric;
        }
      }
    }
  }
  return result;
}

double gradient_check(Network& net, ConstMatrixView x, ConstMatrixView y, const GradientCheckOptions& options) {
  return gradient_check_details(net, x, y, options).max_relative_error;
}

}  // namespace nnk
