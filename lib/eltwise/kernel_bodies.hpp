// The elementwise kernels as templates over an ISA's vector traits (internal). Each eltwise_<isa>.cpp defines the
// traits (column_vectors.hpp lists them) and instantiates the set with make_kernel_set<Traits>(); everything here
// has internal linkage.
//
// Columns are processed one vector of rows at a time (column_vectors.hpp); outputs go through a column writer
// (column_writers.hpp), regular or non-temporal stores as the caller chose.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include <xsimd/xsimd.hpp>

#include "eltwise/column_vectors.hpp"
#include "eltwise/column_writers.hpp"
#include "eltwise/eltwise_kernels.hpp"
#include "eltwise/softmax_column.hpp"
#include "eltwise/vector_math.hpp"
#include "nnk/types.hpp"

namespace nnk::eltwise {
namespace {

inline const float* column(ConstBlock b, std::int64_t j) { return b.data + j * b.ld; }
inline float* column(Block b, std::int64_t j) { return b.data + j * b.ld; }

// --- activations

// The column a softmax kernel prefetches (into L2) while it works on column j: about 16 KiB of rows ahead (four
// columns of 1024 rows). On 64 MiB problems, one thread, alternated runs: 0.68-0.88 of the triad against 0.61-0.67
// for the next column into L1 and 0.54-0.76 with no software prefetch. The distance in columns is an integer
// division: once per call, not per column.
struct SoftmaxPrefetch {
  static constexpr std::int64_t kPrefetchFloats = 4096;
  ConstBlock z;
  std::int64_t ahead;  // columns
  explicit SoftmaxPrefetch(ConstBlock block)
      : z(block), ahead(std::max<std::int64_t>(1, (kPrefetchFloats + block.rows - 1) / block.rows)) {}
  const float* column_after(std::int64_t j) const { return j + ahead < z.cols ? column(z, j + ahead) : nullptr; }
};

// a = g(z + bias). Without a bias, z + 0 still: the reference adds 0.0, which turns -0 into +0.
template <class V, Activation G, class Writer>
void forward_elementwise(ConstBlock z, const float* bias, Block a) {
  using Floats = typename V::Floats;
  for (std::int64_t j = 0; j < z.cols; ++j) {
    const float* zj = column(z, j);
    Writer out(column(a, j));
    if (bias != nullptr) {
      for_each_vector<V>(z.rows, [&](std::int64_t i, auto lanes) {
        out.put(i, lanes, activate<G>(lanes.load(zj + i) + lanes.load(bias + i)));
      });
    } else {
      for_each_vector<V>(z.rows, [&](std::int64_t i, auto lanes) {
        out.put(i, lanes, activate<G>(lanes.load(zj + i) + Floats(0.0f)));
      });
    }
    out.finish();
  }
}

template <class V>
void bias_activation_forward_kernel(Activation g, ConstBlock z, const float* bias, Block a,
                                    Stores stores) {
  with_column_writer<V>(stores, [&](auto writer) {
    using Writer = typename decltype(writer)::type;
    switch (g) {
      case Activation::Identity: return forward_elementwise<V, Activation::Identity, Writer>(z, bias, a);
      case Activation::Sigmoid: return forward_elementwise<V, Activation::Sigmoid, Writer>(z, bias, a);
      case Activation::Tanh: return forward_elementwise<V, Activation::Tanh, Writer>(z, bias, a);
      case Activation::ReLU: return forward_elementwise<V, Activation::ReLU, Writer>(z, bias, a);
      case Activation::Softmax: {
        if (z.rows == 0) return;
        alignas(64) float scratch[kSoftmaxScratchRows];
        const SoftmaxPrefetch prefetch(z);
        for (std::int64_t j = 0; j < z.cols; ++j)
          softmax_column<V, Writer>(column(z, j), bias, column(a, j), z.rows, scratch, prefetch.column_after(j));
        return;
      }
    }
  });
}

template <class V>
void softmax_forward_with_bias_exponentials_kernel(ConstBlock z, const float* bias, BiasExponentials exponentials,
                                                   Block a, Stores stores) {
  if (z.rows == 0) return;
  with_column_writer<V>(stores, [&](auto writer) {
    using Writer = typename decltype(writer)::type;
    alignas(64) float scratch[kSoftmaxScratchRows];
    const SoftmaxPrefetch prefetch(z);
    for (std::int64_t j = 0; j < z.cols; ++j) {
      softmax_column_with_bias_exponentials<V, Writer>(column(z, j), bias, exponentials, column(a, j), z.rows,
                                                       scratch, prefetch.column_after(j));
    }
  });
}

template <class V, Activation G, class Writer>
void derivative_elementwise(ConstBlock a, Block d) {
  for (std::int64_t j = 0; j < a.cols; ++j) {
    const float* aj = column(a, j);
    Writer out(column(d, j));
    for_each_vector<V>(a.rows, [&](std::int64_t i, auto lanes) {
      out.put(i, lanes, derivative_from_output<G>(lanes.load(aj + i)));
    });
    out.finish();
  }
}

template <class V>
void activation_derivative_kernel(Activation g, ConstBlock a, Block d, Stores stores) {
  with_column_writer<V>(stores, [&](auto writer) {
    using Writer = typename decltype(writer)::type;
    switch (g) {
      case Activation::Identity: return derivative_elementwise<V, Activation::Identity, Writer>(a, d);
      case Activation::Sigmoid: return derivative_elementwise<V, Activation::Sigmoid, Writer>(a, d);
      case Activation::Tanh: return derivative_elementwise<V, Activation::Tanh, Writer>(a, d);
      case Activation::ReLU: return derivative_elementwise<V, Activation::ReLU, Writer>(a, d);
      case Activation::Softmax: return;  // rejected by the caller
    }
  });
}

// dz = da * g'(a): the same product as the reference (for ReLU and identity, bit for bit: da * 1 or da * 0).
template <class V, Activation G, class Writer>
void backward_elementwise(ConstBlock a, ConstBlock da, Block dz) {
  for (std::int64_t j = 0; j < a.cols; ++j) {
    const float* aj = column(a, j);
    const float* daj = column(da, j);
    Writer out(column(dz, j));
    for_each_vector<V>(a.rows, [&](std::int64_t i, auto lanes) {
      out.put(i, lanes, lanes.load(daj + i) * derivative_from_output<G>(lanes.load(aj + i)));
    });
    out.finish();
  }
}

template <class V>
void activation_backward_kernel(Activation g, ConstBlock a, ConstBlock da, Block dz,
                                Stores stores) {
  with_column_writer<V>(stores, [&](auto writer) {
    using Writer = typename decltype(writer)::type;
    switch (g) {
      case Activation::Identity: return backward_elementwise<V, Activation::Identity, Writer>(a, da, dz);
      case Activation::Sigmoid: return backward_elementwise<V, Activation::Sigmoid, Writer>(a, da, dz);
      case Activation::Tanh: return backward_elementwise<V, Activation::Tanh, Writer>(a, da, dz);
      case Activation::ReLU: return backward_elementwise<V, Activation::ReLU, Writer>(a, da, dz);
      case Activation::Softmax: return;  // rejected by the caller
    }
  });
}

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

// Categorical cross-entropy, per column: with m = max z and S = sum e^(z - m) (in double),
// loss = sum y (log S - (z - m)), delta = softmax(z) - y = e^(z - m) / S - y. z - m is carried as an exact float
// pair as in softmax_column. Three passes over the column; delta may be z or y itself, so nothing is stored before
// the last pass: a moderate column (softmax_column.hpp) keeps e^(z - m) in a scratch buffer between passes 2 and 3,
// any other recomputes it with every range check (the same bits).
template <class V, class Writer>
double categorical_cross_entropy(ConstBlock z, ConstBlock y, Block delta) {
  using Floats = typename V::Floats;
  using Ops = OpsOf<Floats>;
  alignas(64) float scratch[kSoftmaxScratchRows];
  DoubleSum<V> sum;
  for (std::int64_t j = 0; j < z.cols; ++j) {
    const float* zj = column(z, j);
    const float* yj = column(y, j);

    ColumnRange<V> range;
    for_each_vector<V>(z.rows, [&](std::int64_t i, auto lanes) { range.add(lanes, lanes.load(zj + i)); });
    const float max = horizontal_max<V>(range.max_lanes);
    const bool moderate = is_moderate_column(max, horizontal_min<V>(range.min_lanes), z.rows);
    const Floats m(max);
    // z - m as hi + lo; -inf (z = -inf) gets lo = 0.
    auto shifted = [&](Floats zi, Floats& lo) {
      const Floats hi = zi - m;
      lo = Ops::select(is_finite(hi), two_sum_error(zi, Ops::negate(m), hi), Floats(0.0f));
      return hi;
    };

    DoubleSum<V> exp_sum;
    if (moderate) {
      for_each_vector<V>(z.rows, [&](std::int64_t i, auto lanes) {
        const Floats zi = lanes.load(zj + i);
        const Floats hi = zi - m;
        const Floats p = exponential_of_moderate_sum(hi, two_sum_error(zi, Ops::negate(m), hi));
        p.store_aligned(scratch + i);
        exp_sum.add(lanes.keep(p));
      });
    } else {
      for_each_vector<V>(z.rows, [&](std::int64_t i, auto lanes) {
        Floats lo;
        const Floats hi = shifted(lanes.load(zj + i), lo);
        exp_sum.add(lanes.keep(exponential_of_sum(hi, lo)));
      });
    }
    const double s = exp_sum.total();
    const InverseSum<Floats> inverse(s);
    const Floats log_s(static_cast<float>(std::log(s)));

    Writer out(column(delta, j));
    if (moderate) {  // every value finite, no softmax below FLT_MIN
      for_each_vector<V>(z.rows, [&](std::int64_t i, auto lanes) {
        const Floats yi = lanes.load(yj + i);
        const Floats zi = lanes.load(zj + i);
        const Floats hi = zi - m;
        const Floats lo = two_sum_error(zi, Ops::negate(m), hi);
        out.put(i, lanes, inverse.times(Floats::load_aligned(scratch + i)) - yi);
        // log S - (z - m) is a sum of two non-negative terms: no cancellation.
        sum.add(lanes.keep(yi * ((log_s - hi) - lo)));
      });
    } else {
      for_each_vector<V>(z.rows, [&](std::int64_t i, auto lanes) {
        const Floats yi = lanes.load(yj + i);
        Floats lo;
        const Floats hi = shifted(lanes.load(zj + i), lo);
        const Floats softmax = inverse.times(exponential_of_sum(hi, lo));
        out.put(i, lanes, Ops::zero_where(Ops::less(softmax, Floats(kSmallestNormal)), softmax) - yi);
        sum.add(lanes.keep(yi * ((log_s - hi) - lo)));
      });
    }
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

template <class V>
RegularizationSums regularization_sums_kernel(ConstBlock w) {
  using Doubles = typename V::Doubles;
  using Ops = OpsOf<typename V::Floats>;
  Doubles abs_low(0.0), abs_high(0.0), square_low(0.0), square_high(0.0);
  for (std::int64_t j = 0; j < w.cols; ++j) {
    const float* wj = column(w, j);
    for_each_vector<V>(w.rows, [&](std::int64_t i, auto lanes) {
      const auto x = Ops::abs(lanes.load(wj + i));  // lanes past the column are 0; |x| is exact
      const Doubles low = V::widen_low(x), high = V::widen_high(x);
      abs_low += low;
      abs_high += high;
      square_low += low * low;  // the square of a float is exact in double
      square_high += high * high;
    });
  }
  return {horizontal_sum(abs_low + abs_high), horizontal_sum(square_low + square_high)};
}

// g = dw + l1 sign(w) + l2 w, sign(0) = 0.
template <class Floats>
inline Floats regularized_gradient(Floats w, Floats dw, float l1, float l2) {
  using Ops = OpsOf<Floats>;
  const Floats negative_or_zero = Ops::select(Ops::less(w, Floats(0.0f)), Floats(-1.0f), Floats(0.0f));
  const Floats sign = Ops::select(Ops::greater(w, Floats(0.0f)), Floats(1.0f), negative_or_zero);
  return mul_add(Floats(l2), w, mul_add(Floats(l1), sign, dw));
}

template <class V, bool kMomentum>
void sgd_columns(Block w, ConstBlock dw, Block velocity, SgdStep step) {
  using Floats = typename V::Floats;
  for (std::int64_t j = 0; j < w.cols; ++j) {
    float* wj = column(w, j);
    const float* dwj = column(dw, j);
    float* vj = kMomentum ? column(velocity, j) : nullptr;
    for_each_vector<V>(w.rows, [&](std::int64_t i, auto lanes) {
      const Floats wi = lanes.load(wj + i);
      Floats g = regularized_gradient(wi, lanes.load(dwj + i), step.l1, step.l2);
      if constexpr (kMomentum) {
        g = mul_add(Floats(step.momentum), lanes.load(vj + i), g);
        lanes.store(vj + i, g);
      }
      lanes.store(wj + i, neg_mul_add(Floats(step.learning_rate), g, wi));
    });
  }
}

template <class V>
void sgd_update_kernel(Block w, ConstBlock dw, Block velocity, SgdStep step) {
  if (step.momentum != 0.0f) {
    sgd_columns<V, true>(w, dw, velocity, step);
  } else {
    sgd_columns<V, false>(w, dw, velocity, step);
  }
}

template <class V>
void adam_update_kernel(Block w, ConstBlock dw, Block m1, Block m2, AdamStep step) {
  using Floats = typename V::Floats;
  for (std::int64_t j = 0; j < w.cols; ++j) {
    float* wj = column(w, j);
    const float* dwj = column(dw, j);
    float* m1j = column(m1, j);
    float* m2j = column(m2, j);
    for_each_vector<V>(w.rows, [&](std::int64_t i, auto lanes) {
      const Floats wi = lanes.load(wj + i);
      const Floats g = regularized_gradient(wi, lanes.load(dwj + i), step.l1, step.l2);
      const Floats first = mul_add(Floats(step.beta1), lanes.load(m1j + i), Floats(step.one_minus_beta1) * g);
      const Floats second = mul_add(Floats(step.beta2), lanes.load(m2j + i), Floats(step.one_minus_beta2) * g * g);
      lanes.store(m1j + i, first);
      lanes.store(m2j + i, second);
      // lr * (m1 / c1) / (sqrt(m2 / c2) + epsilon), with the corrections folded into step_size and the factor.
      const Floats denominator =
          mul_add(OpsOf<Floats>::sqrt(second), Floats(step.inverse_sqrt_correction2), Floats(step.epsilon));
      lanes.store(wj + i, wi - Floats(step.step_size) * first / denominator);
    });
  }
}

// The kernel set of the ISA whose vector traits are V.
template <class V>
constexpr EltwiseKernelSet make_kernel_set(Isa isa) {
  return EltwiseKernelSet{
      .isa = isa,
      .bias_activation_forward = &bias_activation_forward_kernel<V>,
      .softmax_forward_with_bias_exponentials =
          OpsOf<typename V::Floats>::kHasFma ? &softmax_forward_with_bias_exponentials_kernel<V> : nullptr,
      .activation_derivative = &activation_derivative_kernel<V>,
      .activation_backward = &activation_backward_kernel<V>,
      .loss_and_delta = &loss_and_delta_kernel<V>,
      .bias_gradient = &bias_gradient_kernel<V>,
      .regularization_sums = &regularization_sums_kernel<V>,
      .sgd_update = &sgd_update_kernel<V>,
      .adam_update = &adam_update_kernel<V>,
  };
}

}  // namespace
}  // namespace nnk::eltwise
