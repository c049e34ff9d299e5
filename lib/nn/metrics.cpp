// Metrics: the accumulator shared by evaluate() and fit(), and evaluate() itself.
#include <algorithm>
#include <cstdint>

#include "nn/inference.hpp"
#include "nn/evaluation.hpp"
#include "nn/metrics_accumulator.hpp"
#include "nn/network_checks.hpp"
#include "nn/network_state.hpp"
#include "nnk/kernels.hpp"
#include "nnk/train.hpp"

namespace nnk::nn {

namespace {

std::int64_t argmax_of_column(ConstMatrixView m, std::int64_t j) {
  std::int64_t best = 0;
  for (std::int64_t i = 1; i < m.rows(); ++i)
    if (m(i, j) > m(best, j)) best = i;
  return best;
}

}  // namespace

MetricsAccumulator::MetricsAccumulator(Loss loss, std::int64_t outputs)
    : loss_(loss),
      outputs_(outputs),
      classes_(loss == Loss::CategoricalCrossEntropy ? outputs : (loss == Loss::BinaryCrossEntropy ? 2 : 0)),
      confusion_(static_cast<std::size_t>(classes_ * classes_), 0) {
  if (!classification()) {
    squared_error_.assign(static_cast<std::size_t>(outputs), 0.0);
    target_sum_.assign(static_cast<std::size_t>(outputs), 0.0);
    target_square_sum_.assign(static_cast<std::size_t>(outputs), 0.0);
  }
}

void MetricsAccumulator::reset() {
  examples_ = 0;
  cost_sum_ = 0;
  std::fill(confusion_.begin(), confusion_.end(), 0);
  for (std::vector<double>* sums : {&squared_error_, &target_sum_, &target_square_sum_})
    std::fill(sums->begin(), sums->end(), 0.0);
}

void MetricsAccumulator::add(ConstMatrixView logits, ConstMatrixView targets, double mean_cost) {
  add_cost(mean_cost, logits.cols());
  add_outputs(logits, targets);
}

void MetricsAccumulator::add_cost(double mean_cost, std::int64_t columns) {
  cost_sum_ += mean_cost * static_cast<double>(columns);
}

MetricsAccumulator::Tallies MetricsAccumulator::tallies() const {
  Tallies t;
  t.counts.push_back(examples_);
  t.counts.insert(t.counts.end(), confusion_.begin(), confusion_.end());
  for (const std::vector<double>* sums : {&squared_error_, &target_sum_, &target_square_sum_})
    t.sums.insert(t.sums.end(), sums->begin(), sums->end());
  return t;
}

void MetricsAccumulator::set_tallies(const Tallies& t) {
  examples_ = t.counts.at(0);
  std::copy(t.counts.begin() + 1, t.counts.end(), confusion_.begin());
  auto from = t.sums.begin();
  for (std::vector<double>* sums : {&squared_error_, &target_sum_, &target_square_sum_}) {
    std::copy_n(from, sums->size(), sums->begin());
    from += static_cast<std::ptrdiff_t>(sums->size());
  }
}

void MetricsAccumulator::add_outputs(ConstMatrixView logits, ConstMatrixView targets) {
  const std::int64_t n = logits.cols();
  examples_ += n;
  for (std::int64_t j = 0; j < n; ++j) {
    switch (loss_) {
      case Loss::BinaryCrossEntropy:
        // sigmoid(z) > 1/2 exactly when z > 0; a target counts as class 1 from 1/2 up.
        for (std::int64_t i = 0; i < outputs_; ++i) {
          const std::int64_t truth = targets(i, j) >= 0.5f ? 1 : 0;
          const std::int64_t predicted = logits(i, j) > 0.0f ? 1 : 0;
          ++confusion_[static_cast<std::size_t>(truth * 2 + predicted)];
        }
        break;
      case Loss::CategoricalCrossEntropy: {
        // softmax is monotonic: the largest logit is the most probable class.
        const std::int64_t truth = argmax_of_column(targets, j), predicted = argmax_of_column(logits, j);
        ++confusion_[static_cast<std::size_t>(truth * classes_ + predicted)];
        break;
      }
      case Loss::MeanSquaredError:
        for (std::int64_t i = 0; i < outputs_; ++i) {
          const double y = targets(i, j), error = static_cast<double>(logits(i, j)) - y;
          const auto k = static_cast<std::size_t>(i);
          squared_error_[k] += error * error;
          target_sum_[k] += y;
          target_square_sum_[k] += y * y;
        }
        break;
    }
  }
}

Metrics MetricsAccumulator::result() const {
  Metrics m;
  m.examples = examples_;
  if (examples_ == 0) return m;
  m.loss = cost_sum_ / static_cast<double>(examples_);
  if (classification()) {
    std::int64_t correct = 0, total = 0;
    for (std::int64_t t = 0; t < classes_; ++t) {
      for (std::int64_t p = 0; p < classes_; ++p) {
        const std::int64_t count = confusion_[static_cast<std::size_t>(t * classes_ + p)];
        total += count;
        if (t == p) correct += count;
      }
    }
    m.accuracy = static_cast<double>(correct) / static_cast<double>(total);
    m.confusion = ConfusionMatrix{classes_, confusion_};
    return m;
  }
  const double n = static_cast<double>(examples_);
  double sse = 0, r2_sum = 0;
  for (std::size_t k = 0; k < squared_error_.size(); ++k) {
    sse += squared_error_[k];
    const double sst = std::max(0.0, target_square_sum_[k] - target_sum_[k] * target_sum_[k] / n);
    // Constant targets: R^2 is 1 for a perfect fit, else 0 (scikit-learn's convention).
    r2_sum += sst > 0 ? 1.0 - squared_error_[k] / sst : (squared_error_[k] == 0 ? 1.0 : 0.0);
  }
  m.mse = sse / (n * static_cast<double>(outputs_));
  m.r2 = r2_sum / static_cast<double>(outputs_);
  return m;
}

void Evaluation::prepare(const Network::State& state, std::int64_t columns, std::int64_t outputs) {
  const std::int64_t block = std::min(kBlockColumns, columns);
  if (logits_.rows() != outputs || logits_.cols() < block) {
    logits_ = Matrix(outputs, block);
    delta_ = Matrix(outputs, block);
  }
  if (!metrics_) metrics_.emplace(state.spec.loss, outputs);
  metrics_->reset();
}

void Evaluation::run_blocks(const Network::State& state, ConstMatrixView x, ConstMatrixView y,
                            std::int64_t first_block, std::int64_t end_block, std::vector<double>& block_losses) {
  prepare(state, x.cols(), y.rows());
  for (std::int64_t b = first_block; b < end_block; ++b) {
    const std::int64_t col0 = b * kBlockColumns, n = std::min(kBlockColumns, x.cols() - col0);
    const MatrixView z = logits_.col_block(0, n);
    infer(state, x.col_block(col0, n), z, InferenceOutput::Logits, scratch_);
    const ConstMatrixView targets = y.col_block(col0, n);
    block_losses[static_cast<std::size_t>(b - first_block)] =
        nnk::loss_and_delta(state.spec.loss, z, targets, delta_.col_block(0, n));
    metrics_->add_outputs(z, targets);
  }
}

Metrics Evaluation::run(const Network::State& state, ConstMatrixView x, ConstMatrixView y) {
  const std::int64_t blocks = block_count(x.cols());
  block_losses_.resize(static_cast<std::size_t>(blocks));
  run_blocks(state, x, y, 0, blocks, block_losses_);
  for (std::int64_t b = 0; b < blocks; ++b)
    metrics_->add_cost(block_losses_[static_cast<std::size_t>(b)], std::min(kBlockColumns, x.cols() - b * kBlockColumns));
  return metrics_->result();
}

}  // namespace nnk::nn

namespace nnk {

Metrics evaluate(const Network& net, ConstMatrixView x, ConstMatrixView y) {
  constexpr const char* kFunction = "nnk::evaluate";
  const Network::State& state = NetworkAccess::state(net);
  nn::check_input(kFunction, state, x);
  nn::check_targets(kFunction, state, y, x.cols());
  nn::Evaluation evaluation;
  return evaluation.run(state, x, y);
}

}  // namespace nnk
