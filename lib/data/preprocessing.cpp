// Standardization and class labels.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <utility>

#include "cpu/parallel.hpp"
#include "nnk/data.hpp"
#include "nnk/error.hpp"

namespace nnk {

namespace {

// The first non-finite element in feature-major order (the order the message promises), or nothing.
void check_finite(ConstMatrixView x, const std::vector<double>& sums) {
  for (std::int64_t i = 0; i < x.rows(); ++i) {
    if (std::isfinite(sums[static_cast<std::size_t>(i)])) continue;
    for (std::int64_t j = 0; j < x.cols(); ++j)
      if (!std::isfinite(x(i, j)))  // would make the row's mean and std NaN, and every transform with them
        detail::fail("nnk::Standardizer::fit: features(", i, ", ", j, ") = ", x(i, j), " is not finite");
  }
}

}  // namespace

Standardizer Standardizer::fit(ConstMatrixView features) {
  if (features.cols() < 1) detail::fail("nnk::Standardizer::fit: features has 0 columns, expected at least 1 example");
  // Two passes (mean, then squared deviations): no cancellation for features with a large mean.
  FeatureSums values(features.rows(), features.cols());
  values.add(features);
  check_finite(features, values.totals());
  std::vector<double> mean = values.means();
  FeatureSums squares(mean, features.cols());
  squares.add(features);
  return from_sums(std::move(mean), squares);
}

Standardizer Standardizer::from_sums(std::vector<double> mean, const FeatureSums& squared_deviations) {
  if (static_cast<std::int64_t>(mean.size()) != squared_deviations.features())
    detail::fail("nnk::Standardizer::from_sums: mean has ", mean.size(), " entries, the squared deviations ",
                 squared_deviations.features(), " features");
  for (std::size_t i = 0; i < mean.size(); ++i)
    if (!std::isfinite(mean[i]))
      detail::fail("nnk::Standardizer::from_sums: feature ", i, " has mean ", mean[i],
                   ", expected a finite value (every value of the feature finite)");
  const auto n = static_cast<double>(squared_deviations.examples());
  Standardizer s;
  s.mean_ = std::move(mean);
  for (const double sq : squared_deviations.totals()) {
    const double stddev = std::sqrt(sq / n);
    s.stddev_.push_back(stddev > 0 ? stddev : 1.0);  // a constant feature maps to 0, not to NaN
  }
  return s;
}

Standardizer Standardizer::from(std::vector<double> mean, std::vector<double> stddev) {
  if (mean.size() != stddev.size())
    detail::fail("nnk::Standardizer::from: mean has ", mean.size(), " entries, stddev ", stddev.size());
  for (std::size_t i = 0; i < mean.size(); ++i)
    if (!(std::isfinite(mean[i]) && std::isfinite(stddev[i]) && stddev[i] > 0))
      detail::fail("nnk::Standardizer::from: feature ", i, " has mean ", mean[i], " and stddev ", stddev[i],
                   ", expected finite values and stddev > 0");
  Standardizer s;
  s.mean_ = std::move(mean);
  s.stddev_ = std::move(stddev);
  return s;
}

void Standardizer::transform(MatrixView features) const {
  if (features.rows() != this->features())
    detail::fail("nnk::Standardizer::transform: features has ", features.rows(), " rows, the standardizer was fit on ",
                 this->features());
  const auto n = static_cast<std::size_t>(features.rows());
  const double* mean = mean_.data();
  const double* stddev = stddev_.data();
  cpu::parallel_for(features.cols(), 256, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t j = begin; j < end; ++j) {
      float* column = features.col(j);
      for (std::size_t i = 0; i < n; ++i) column[i] = static_cast<float>((column[i] - mean[i]) / stddev[i]);
    }
  });
}

namespace {

// The label at column j as a class index, or nnk::Error naming the function and the column.
std::int64_t class_index(const char* function, ConstMatrixView labels, std::int64_t j) {
  const float v = labels(0, j);
  if (!(v >= 0 && v == std::floor(v) && v < 9.0e15f))
    detail::fail(function, ": labels(0, ", j, ") = ", v, " is not a class index (an integer >= 0)");
  return static_cast<std::int64_t>(v);
}

void check_label_row(const char* function, ConstMatrixView labels) {
  if (labels.rows() != 1) detail::fail(function, ": labels has ", labels.rows(), " rows, expected 1 (1 x examples)");
}

}  // namespace

std::int64_t count_classes(ConstMatrixView labels) {
  constexpr const char* kFunction = "nnk::count_classes";
  check_label_row(kFunction, labels);
  std::int64_t classes = 0;
  for (std::int64_t j = 0; j < labels.cols(); ++j) classes = std::max(classes, class_index(kFunction, labels, j) + 1);
  return classes;
}

Matrix one_hot(ConstMatrixView labels, std::int64_t classes) {
  constexpr const char* kFunction = "nnk::one_hot";
  check_label_row(kFunction, labels);
  if (classes < 1) detail::fail(kFunction, ": classes must be >= 1, got ", classes);
  Matrix out(classes, labels.cols());
  for (std::int64_t j = 0; j < labels.cols(); ++j) {
    const std::int64_t c = class_index(kFunction, labels, j);
    if (c >= classes)
      detail::fail(kFunction, ": labels(0, ", j, ") = ", c, " is not below classes = ", classes);
    out(c, j) = 1.0f;
  }
  return out;
}

}  // namespace nnk
