// The loss kernels (delta = g(z) - y with the sum of the per-example losses) and the bias gradient, as templates
// over an ISA V of the SIMD layer (internal; per-ISA translation units only). Entry points: losses.cpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "eltwise/column_vectors.hpp"
#include "eltwise/column_writers.hpp"
#include "eltwise/eltwise_kernels.hpp"
#include "eltwise/softmax_column.hpp"
#include "nnk/types.hpp"

namespace nnk::eltwise {
namespace {

// --- losses: delta = g(z) - y and the sum of the per-example losses of the block

// Binary cross-entropy from the logit: loss = max(z, 0) - y z + log1p(e^-|z|), delta = sigmoid(z) - y, sharing
// t = e^-|z|.
template <class V, class Writer>
double binary_cross_entropy(ConstBlock z, ConstBlock y, Block delta) {
  using Floats = typename V::Floats;
  DoubleSum<V> sum;
  for (std::int64_t j = 0; j < z.cols; ++j) {
    const float* zj = column(z, j);
    const float* yj = column(y, j);
    Writer out(column(delta, j));
    for_each_vector<V>(z.rows, [&](std::int64_t i, auto lanes) {
      const Floats zi = lanes.load(zj + i);
      const Floats yi = lanes.load(yj + i);
      const Floats t = exp_neg_abs(zi);
      out.put(i, lanes, sigmoid_given_exp_neg_abs(zi, t) - yi);
      sum.add(lanes.keep(neg_mul_add(yi, zi, relu(zi)) + log_one_plus_fraction(t)));
    });
    out.finish();
  }
  return sum.total();
}

// Mean squared error: delta = z - y (exactly the reference's), loss = (z - y)^2 / 2 computed in double from the
// exact difference.
template <class V, class Writer>
double mean_squared_error(ConstBlock z, ConstBlock y, Block delta) {
  using Doubles = typename V::Doubles;
  Doubles low(0.0), high(0.0);
  for (std::int64_t j = 0; j < z.cols; ++j) {
    const float* zj = column(z, j);
    const float* yj = column(y, j);
    Writer out(column(delta, j));
    for_each_vector<V>(z.rows, [&](std::int64_t i, auto lanes) {
      const auto zi = lanes.load(zj + i);
      const auto yi = lanes.load(yj + i);  // lanes past the column are 0 in both: they add 0
      out.put(i, lanes, zi - yi);
      const Doubles d_low = V::widen_low(zi) - V::widen_low(yi);
      const Doubles d_high = V::widen_high(zi) - V::widen_high(yi);
      low += Doubles(0.5) * d_low * d_low;
      high += Doubles(0.5) * d_high * d_high;
    });
    out.finish();
  }
  return horizontal_sum(low + high);
}

// Categorical cross-entropy, per column, through softmax's routine (softmax_column.hpp): with m = max z and
// S = sum e^(z - m), loss = sum y (log S - (z - m)) and delta = softmax(z) - y; z - m = hi + lo exactly.
// log S - (z - m) is a sum of two non-negative terms: no cancellation. delta may be z or y itself: the routine
// writes nothing before its last pass.
template <class V, class Writer>
double categorical_cross_entropy(ConstBlock z, ConstBlock y, Block delta) {
  using Floats = typename V::Floats;
  alignas(64) float scratch[kSoftmaxScratchRows];
  DoubleSum<V> sum;
  for (std::int64_t j = 0; j < z.cols; ++j) {
    const BiasedColumn<V, false> zj{column(z, j), nullptr};
    const float* yj = column(y, j);
    const SoftmaxShiftedByMax<V, false> softmax(zj, range_of<V>(zj, z.rows), z.rows, scratch);
    const Floats log_s(static_cast<float>(std::log(softmax.sum)));
    Writer out(column(delta, j));
    softmax.for_each([&](std::int64_t i, const auto& lanes, Floats a, Floats hi, Floats lo) {
      const Floats yi = lanes.load(yj + i);
      out.put(i, lanes, a - yi);
      sum.add(lanes.keep(yi * ((log_s - hi) - lo)));
    });
    out.finish();
  }
  return sum.total();
}

template <class V>
double loss_and_delta_kernel(Loss loss, ConstBlock z, ConstBlock y, Block delta,
                             Stores stores) {
  return with_column_writer<V>(stores, [&](auto writer) -> double {
    using Writer = typename decltype(writer)::type;
    switch (loss) {
      case Loss::BinaryCrossEntropy: return binary_cross_entropy<V, Writer>(z, y, delta);
      case Loss::CategoricalCrossEntropy: return categorical_cross_entropy<V, Writer>(z, y, delta);
      case Loss::MeanSquaredError: return mean_squared_error<V, Writer>(z, y, delta);
    }
    return 0;
  });
}

// --- reductions for the gradients and the regularization cost

// db[i] = scale * sum_j dz(i, j), rows <= kBiasGradientRowBlock. Each row is its own double lane, summed over the
// columns in order: the reference's exact sequence of additions.
template <class V>
void bias_gradient_kernel(ConstBlock dz, float scale, float* db) {
  using Doubles = typename V::Doubles;
  constexpr std::int64_t kHalf = Doubles::size;
  constexpr std::int64_t kWidth = V::Floats::size;
  if (dz.rows <= kWidth) {
    // One row vector (a network's output layer): its sums stay in registers across the columns, instead of a
    // store and a load per column through the scratch below.
    for_each_vector<V>(dz.rows, [&](std::int64_t i, auto lanes) {
      Doubles low(0.0), high(0.0);
      for (std::int64_t j = 0; j < dz.cols; ++j) {
        const auto x = lanes.load(column(dz, j) + i);
        low = low + V::widen_low(x);
        high = high + V::widen_high(x);
      }
      alignas(64) double sums[2 * kHalf];
      low.store_aligned(sums);
      high.store_aligned(sums + kHalf);
      for (std::int64_t r = 0; r < lanes.live(); ++r) {
        db[i + r] = static_cast<float>(static_cast<double>(scale) * sums[r]);
      }
    });
    return;
  }
  // Column by column, front to back through memory (a row-vector-first order strides across every column and is
  // several times slower on large blocks); only the sums of the rows present are cleared.
  alignas(64) double sums[kBiasGradientRowBlock];
  const std::int64_t used = std::min<std::int64_t>(kBiasGradientRowBlock, (dz.rows + kWidth - 1) / kWidth * kWidth);
  for (std::int64_t i = 0; i < used; ++i) sums[i] = 0.0;
  for (std::int64_t j = 0; j < dz.cols; ++j) {
    const float* dzj = column(dz, j);
    for_each_vector<V>(dz.rows, [&](std::int64_t i, auto lanes) {
      const auto x = lanes.load(dzj + i);  // lanes past the block are 0 and land in unused sums
      (Doubles::load_aligned(sums + i) + V::widen_low(x)).store_aligned(sums + i);
      (Doubles::load_aligned(sums + i + kHalf) + V::widen_high(x)).store_aligned(sums + i + kHalf);
    });
  }
  for (std::int64_t i = 0; i < dz.rows; ++i) db[i] = static_cast<float>(static_cast<double>(scale) * sums[i]);
}

}  // namespace
}  // namespace nnk::eltwise
