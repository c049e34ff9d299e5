// Argument checks shared by the public entry points (internal): nnk::ref, the optimized kernels, and the kernel
// contracts in core/eltwise_argument_checks.hpp that both of those call.
//
// Each check throws nnk::Error with a message that names the function, the argument, the expected and the actual
// value, e.g. "nnk::ref::activation_backward: da is 3 x 4, expected the shape of a, 3 x 5".
#pragma once

#include <cmath>
#include <cstdint>
#include <ostream>

#include "nnk/error.hpp"
#include "nnk/matrix.hpp"
#include "nnk/types.hpp"

namespace nnk::detail {

// Prints as "rows x cols".
struct Shape {
  std::int64_t rows;
  std::int64_t cols;
};

inline std::ostream& operator<<(std::ostream& out, Shape shape) { return out << shape.rows << " x " << shape.cols; }

inline Shape shape_of(ConstMatrixView v) { return {v.rows(), v.cols()}; }

inline bool same_shape(ConstMatrixView x, ConstMatrixView y) { return x.rows() == y.rows() && x.cols() == y.cols(); }

// `name` must have the shape of `reference_name`.
inline void expect_same_shape(const char* function, const char* name, ConstMatrixView v, const char* reference_name,
                              ConstMatrixView reference) {
  if (!same_shape(v, reference))
    fail(function, ": ", name, " is ", shape_of(v), ", expected the shape of ", reference_name, ", ",
                      shape_of(reference));
}

// `name` must be rows x cols; `how` says where the expected shape comes from, e.g. "rows(dz) x 1".
inline void expect_shape(const char* function, const char* name, ConstMatrixView v, Shape expected, const char* how) {
  if (v.rows() != expected.rows || v.cols() != expected.cols)
    fail(function, ": ", name, " is ", shape_of(v), ", expected ", how, " = ", expected);
}

inline void expect_valid(const char* function, const char* name, Activation g) {
  switch (g) {
    case Activation::Identity:
    case Activation::Sigmoid:
    case Activation::Tanh:
    case Activation::ReLU:
    case Activation::Softmax: return;
  }
  fail(function, ": ", name, " must be a nnk::Activation enumerator, got ", static_cast<int>(g));
}

inline void expect_valid(const char* function, const char* name, Loss loss) {
  switch (loss) {
    case Loss::BinaryCrossEntropy:
    case Loss::CategoricalCrossEntropy:
    case Loss::MeanSquaredError: return;
  }
  fail(function, ": ", name, " must be a nnk::Loss enumerator, got ", static_cast<int>(loss));
}

inline void expect_valid(const char* function, const char* name, Trans t) {
  if (t != Trans::No && t != Trans::Yes)
    fail(function, ": ", name, " must be Trans::No or Trans::Yes, got ", static_cast<int>(t));
}

// Hyperparameters. NaN fails every comparison, so each check also rejects NaN.
inline void expect_finite_nonnegative(const char* function, const char* name, double value) {
  if (!(std::isfinite(value) && value >= 0)) fail(function, ": ", name, " must be finite and >= 0, got ", value);
}

inline void expect_finite_positive(const char* function, const char* name, double value) {
  if (!(std::isfinite(value) && value > 0)) fail(function, ": ", name, " must be finite and > 0, got ", value);
}

// 0 <= value < 1: momentum and the Adam decay rates.
inline void expect_decay_rate(const char* function, const char* name, double value) {
  if (!(value >= 0 && value < 1)) fail(function, ": ", name, " must be in [0, 1), got ", value);
}

}  // namespace nnk::detail
