// Standardization and class labels.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "nnk/data.hpp"
#include "nnk/error.hpp"

namespace nnk {

Standardizer Standardizer::fit(ConstMatrixView features) {
  if (features.cols() < 1) detail::fail("nnk::Standardizer::fit: features has 0 columns, expected at least 1 example");
  Standardizer s;
  const auto n = static_cast<double>(features.cols());
  for (std::int64_t i = 0; i < features.rows(); ++i) {
    // Two passes (mean, then squared deviations): no cancellation for features with a large mean.
    double sum = 0;
    for (std::int64_t j = 0; j < features.cols(); ++j) {
      if (!std::isfinite(features(i, j)))  // would make the row's mean and std NaN, and every transform with them
        detail::fail("nnk::Standardizer::fit: features(", i, ", ", j, ") = ", features(i, j), " is not finite");
      sum += features(i, j);
    }
    const double mean = sum / n;
    double squares = 0;
    for (std::int64_t j = 0; j < features.cols(); ++j) squares += (features(i, j) - mean) * (features(i, j) - mean);
    const double stddev = std::sqrt(squares / n);
    s.mean_.push_back(mean);
    s.stddev_.push_back(stddev > 0 ? stddev : 1.0);  // a constant feature maps to 0, not to NaN
  }
  return s;
}

void Standardizer::transform(MatrixView features) const {
  if (features.rows() != this->features())
    detail::fail("nnk::Standardizer::transform: features has ", features.rows(), " rows, the standardizer was fit on ",
                 this->features());
  for (std::int64_t j = 0; j < features.cols(); ++j)
    for (std::int64_t i = 0; i < features.rows(); ++i) {
      const auto k = static_cast<std::size_t>(i);
      features(i, j) = static_cast<float>((features(i, j) - mean_[k]) / stddev_[k]);
    }
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
