// The output layer, naive: the cost J and the delta dZ = g(Z) - Y in one pass over the logits.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "nnk/error.hpp"
#include "nnk/ref.hpp"
#include "core/eltwise_argument_checks.hpp"
#include "ref/ref_math.hpp"

namespace nnk::ref {

namespace {

// -[y log s(z) + (1-y) log(1 - s(z))] rewritten from the logit: max(z, 0) - y*z + log(1 + e^-|z|).
// e^-|z| <= 1 never overflows, and log1p keeps the tail exact, so the loss is finite and exact for any finite z.
double binary_cross_entropy_from_logit(double z, double y) {
  return std::max(z, 0.0) - y * z + std::log1p(std::exp(-std::fabs(z)));
}

}  // namespace

double loss_and_delta(Loss loss, ConstMatrixView z, ConstMatrixView y, MatrixView delta) {
  nnk::detail::check_loss_and_delta("nnk::ref::loss_and_delta", loss, z, y, delta);

  // Every element of z and y is read before delta(i, j) is written, so delta may be z (or y) itself.
  double loss_sum = 0;
  for (std::int64_t j = 0; j < z.cols(); ++j) {
    switch (loss) {
      case Loss::BinaryCrossEntropy:
        for (std::int64_t i = 0; i < z.rows(); ++i) {
          const double zi = z(i, j), yi = y(i, j);
          loss_sum += binary_cross_entropy_from_logit(zi, yi);
          delta(i, j) = static_cast<float>(detail::sigmoid(zi) - yi);
        }
        break;
      case Loss::CategoricalCrossEntropy: {
        // The general form -sum_i y_i * log_softmax(z)_i = sum_i y_i * (logsumexp(z) - z_i). Note that
        // delta = softmax(z) - y is the gradient of this loss only when the column of y sums to 1.
        const detail::ColumnExpSums sums =
            detail::column_exp_sums(z.rows(), [&](std::int64_t i) { return static_cast<double>(z(i, j)); });
        const double log_sum_exp = sums.log_sum_exp();
        for (std::int64_t i = 0; i < z.rows(); ++i) {
          const double zi = z(i, j), yi = y(i, j);
          loss_sum += yi * (log_sum_exp - zi);
          delta(i, j) = static_cast<float>(std::exp(zi - sums.max) / sums.sum_exp - yi);
        }
        break;
      }
      case Loss::MeanSquaredError:
        for (std::int64_t i = 0; i < z.rows(); ++i) {
          const double difference = static_cast<double>(z(i, j)) - static_cast<double>(y(i, j));
          loss_sum += 0.5 * difference * difference;
          delta(i, j) = static_cast<float>(difference);
        }
        break;
    }
  }
  return loss_sum / static_cast<double>(z.cols());
}

}  // namespace nnk::ref
