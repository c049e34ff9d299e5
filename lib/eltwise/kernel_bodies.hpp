// The elementwise kernels as templates over an ISA's vector traits (internal). Each eltwise_<isa>.cpp defines the
// traits and instantiates the set with make_kernel_set<Traits>(); everything here has internal linkage.
//
// Vector traits V provide:
//   Floats, Doubles                    xsimd batches of the ISA (Doubles has half as many lanes)
//   load_first(p, n), store_first(p, n, v)   the first n < Floats::size lanes; load_first zeroes the others
//   widen_low(v), widen_high(v)        the low / high half of a float batch as doubles
//
// Columns are processed one vector of rows at a time; the last, partial vector of a column uses masked loads and
// stores (FirstLanes), so nothing past the end of a column is touched and every lane computes the same arithmetic
// whatever its position: a result never depends on how the work was split.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include <xsimd/xsimd.hpp>

#include "eltwise/eltwise_kernels.hpp"
#include "eltwise/vector_math.hpp"
#include "nnk/types.hpp"

namespace nnk::eltwise {
namespace {

constexpr float kInfinity = std::numeric_limits<float>::infinity();
constexpr float kSmallestNormal = std::numeric_limits<float>::min();
alignas(64) constexpr float kLaneIndices[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

// --- walking a column one vector at a time

// Every lane of the vector lies inside the column.
template <class V>
struct AllLanes {
  using Floats = typename V::Floats;
  static Floats load(const float* p) { return Floats::load_unaligned(p); }
  static void store(float* p, Floats v) { v.store_unaligned(p); }
  static Floats keep(Floats v) { return v; }                        // v in live lanes, 0 elsewhere
  static Floats keep_or(Floats v, Floats /*fill*/) { return v; }   // v in live lanes, fill elsewhere
};

// Only the first `count` lanes lie inside the column (the last vector of a column).
template <class V>
struct FirstLanes {
  using Floats = typename V::Floats;
  std::int64_t count;
  Floats load(const float* p) const { return V::load_first(p, count); }
  void store(float* p, Floats v) const { V::store_first(p, count, v); }
  Floats keep(Floats v) const { return keep_or(v, Floats(0.0f)); }
  Floats keep_or(Floats v, Floats fill) const {
    using Ops = OpsOf<Floats>;
    return Ops::select(Ops::less(Floats::load_aligned(kLaneIndices), Floats(static_cast<float>(count))), v, fill);
  }
};

// body(i, lanes) for i = 0, W, 2W, ... < n (W lanes per vector); lanes is AllLanes, or FirstLanes for a last,
// partial vector.
template <class V, class Body>
inline void for_each_vector(std::int64_t n, Body&& body) {
  constexpr std::int64_t kWidth = V::Floats::size;
  std::int64_t i = 0;
  for (; i + kWidth <= n; i += kWidth) body(i, AllLanes<V>{});
  if (i < n) body(i, FirstLanes<V>{n - i});
}

// The lanes of a double batch added in lane order (xsimd::hadd would bring a weak symbol: see vector_ops.hpp).
template <class Doubles>
inline double horizontal_sum(Doubles v) {
  alignas(64) double lanes[Doubles::size];
  v.store_aligned(lanes);
  double sum = lanes[0];
  for (std::size_t k = 1; k < Doubles::size; ++k) sum += lanes[k];
  return sum;
}

// A sum of floats kept in double lanes; total() adds the lanes in a fixed order.
template <class V>
struct DoubleSum {
  using Doubles = typename V::Doubles;
  Doubles low = Doubles(0.0);
  Doubles high = Doubles(0.0);
  void add(typename V::Floats v) {
    low += V::widen_low(v);
    high += V::widen_high(v);
  }
  double total() const { return horizontal_sum(low + high); }
};

template <class V>
inline float horizontal_max(typename V::Floats v) {
  alignas(64) float lanes[V::Floats::size];
  v.store_aligned(lanes);
  float result = lanes[0];
  for (std::size_t k = 1; k < V::Floats::size; ++k) result = lanes[k] > result ? lanes[k] : result;
  return result;
}

inline const float* column(const ConstBlock& b, std::int64_t j) { return b.data + j * b.ld; }
inline float* column(const Block& b, std::int64_t j) { return b.data + j * b.ld; }

// --- activations

// a = g(z + bias). Without a bias, z + 0 still: the reference adds 0.0, which turns -0 into +0.
template <class V, Activation G>
void forward_elementwise(const ConstBlock& z, const float* bias, const Block& a) {
  using Floats = typename V::Floats;
  for (std::int64_t j = 0; j < z.cols; ++j) {
    const float* zj = column(z, j);
    float* aj = column(a, j);
    if (bias != nullptr) {
      for_each_vector<V>(z.rows, [&](std::int64_t i, auto lanes) {
        lanes.store(aj + i, activate<G>(lanes.load(zj + i) + lanes.load(bias + i)));
      });
    } else {
      for_each_vector<V>(z.rows, [&](std::int64_t i, auto lanes) {
        lanes.store(aj + i, activate<G>(lanes.load(zj + i) + Floats(0.0f)));
      });
    }
  }
}

// softmax(z + bias) of one column, in three passes over it (it is in L1 after the first):
//   1. m = max of v = z + bias;
//   2. p = e^(v - m), stored in a, and S = sum p in double;
//   3. a = p / S.
// v - m is carried as a float pair (hi + lo, exact: TwoSum), so the rounding of z + bias and of the subtraction,
// which e^x would magnify by |v - m|, does not reach the result: <= 2 ulp per element. Outputs below FLT_MIN are
// flushed to 0. A NaN or +inf anywhere makes the whole column NaN, and a column of -inf is NaN, as in the reference.
template <class V>
void softmax_column(const float* z, const float* bias, float* a, std::int64_t rows) {
  using Floats = typename V::Floats;
  using Ops = OpsOf<Floats>;
  // v = z + bias as hi + lo.
  auto biased = [&](std::int64_t i, auto lanes, Floats& lo) {
    const Floats zi = lanes.load(z + i);
    if (bias == nullptr) {
      lo = Floats(0.0f);
      return zi;
    }
    const Floats b = lanes.load(bias + i);
    const Floats hi = zi + b;
    lo = two_sum_error(zi, b, hi);
    return hi;
  };

  Floats lane_max(-kInfinity);
  for_each_vector<V>(rows, [&](std::int64_t i, auto lanes) {
    Floats lo;
    lane_max = Ops::max(lane_max, lanes.keep_or(biased(i, lanes, lo), Floats(-kInfinity)));
  });
  const Floats m(horizontal_max<V>(lane_max));

  DoubleSum<V> sum;
  for_each_vector<V>(rows, [&](std::int64_t i, auto lanes) {
    Floats v_lo;
    const Floats v_hi = biased(i, lanes, v_lo);
    const Floats d_hi = v_hi - m;
    const Floats d_lo = two_sum_error(v_hi, Ops::negate(m), d_hi) + v_lo;
    // d_hi = -inf: e^d is 0 whatever the (NaN) low part says.
    const Floats p = exponential_of_sum(d_hi, Ops::select(is_finite(d_hi), d_lo, Floats(0.0f)));
    lanes.store(a + i, p);
    sum.add(lanes.keep(p));
  });

  // 1 / S as a float pair, so that p * (1/S) rounds once.
  const double inverse = 1.0 / sum.total();
  const float inverse_hi = static_cast<float>(inverse);
  const Floats scale_hi(inverse_hi);
  const Floats scale_lo(static_cast<float>(inverse - static_cast<double>(inverse_hi)));
  for_each_vector<V>(rows, [&](std::int64_t i, auto lanes) {
    const Floats p = lanes.load(a + i);
    const Floats s = mul_add(p, scale_hi, p * scale_lo);
    lanes.store(a + i, Ops::select(Ops::less(s, Floats(kSmallestNormal)), Floats(0.0f), s));
  });
}

template <class V>
void bias_activation_forward_kernel(Activation g, const ConstBlock& z, const float* bias, const Block& a) {
  switch (g) {
    case Activation::Identity: return forward_elementwise<V, Activation::Identity>(z, bias, a);
    case Activation::Sigmoid: return forward_elementwise<V, Activation::Sigmoid>(z, bias, a);
    case Activation::Tanh: return forward_elementwise<V, Activation::Tanh>(z, bias, a);
    case Activation::ReLU: return forward_elementwise<V, Activation::ReLU>(z, bias, a);
    case Activation::Softmax:
      if (z.rows == 0) return;
      for (std::int64_t j = 0; j < z.cols; ++j) softmax_column<V>(column(z, j), bias, column(a, j), z.rows);
      return;
  }
}

template <class V, Activation G>
void derivative_elementwise(const ConstBlock& a, const Block& d) {
  for (std::int64_t j = 0; j < a.cols; ++j) {
    const float* aj = column(a, j);
    float* dj = column(d, j);
    for_each_vector<V>(a.rows, [&](std::int64_t i, auto lanes) {
      lanes.store(dj + i, derivative_from_output<G>(lanes.load(aj + i)));
    });
  }
}

template <class V>
void activation_derivative_kernel(Activation g, const ConstBlock& a, const Block& d) {
  switch (g) {
    case Activation::Identity: return derivative_elementwise<V, Activation::Identity>(a, d);
    case Activation::Sigmoid: return derivative_elementwise<V, Activation::Sigmoid>(a, d);
    case Activation::Tanh: return derivative_elementwise<V, Activation::Tanh>(a, d);
    case Activation::ReLU: return derivative_elementwise<V, Activation::ReLU>(a, d);
    case Activation::Softmax: return;  // rejected by the caller
  }
}

// dz = da * g'(a): the same product as the reference (for ReLU and identity, bit for bit: da * 1 or da * 0).
template <class V, Activation G>
void backward_elementwise(const ConstBlock& a, const ConstBlock& da, const Block& dz) {
  for (std::int64_t j = 0; j < a.cols; ++j) {
    const float* aj = column(a, j);
    const float* daj = column(da, j);
    float* dzj = column(dz, j);
    for_each_vector<V>(a.rows, [&](std::int64_t i, auto lanes) {
      lanes.store(dzj + i, lanes.load(daj + i) * derivative_from_output<G>(lanes.load(aj + i)));
    });
  }
}

template <class V>
void activation_backward_kernel(Activation g, const ConstBlock& a, const ConstBlock& da, const Block& dz) {
  switch (g) {
    case Activation::Identity: return backward_elementwise<V, Activation::Identity>(a, da, dz);
    case Activation::Sigmoid: return backward_elementwise<V, Activation::Sigmoid>(a, da, dz);
    case Activation::Tanh: return backward_elementwise<V, Activation::Tanh>(a, da, dz);
    case Activation::ReLU: return backward_elementwise<V, Activation::ReLU>(a, da, dz);
    case Activation::Softmax: return;  // rejected by the caller
  }
}

// --- losses: delta = g(z) - y and the sum of the per-example losses of the block

// Binary cross-entropy from the logit: loss = max(z, 0) - y z + log1p(e^-|z|), delta = sigmoid(z) - y, sharing
// t = e^-|z|.
template <class V>
double binary_cross_entropy(const ConstBlock& z, const ConstBlock& y, const Block& delta) {
  using Floats = typename V::Floats;
  DoubleSum<V> sum;
  for (std::int64_t j = 0; j < z.cols; ++j) {
    const float* zj = column(z, j);
    const float* yj = column(y, j);
    float* dj = column(delta, j);
    for_each_vector<V>(z.rows, [&](std::int64_t i, auto lanes) {
      const Floats zi = lanes.load(zj + i);
      const Floats yi = lanes.load(yj + i);
      const Floats t = exp_neg_abs(zi);
      lanes.store(dj + i, sigmoid_given_exp_neg_abs(zi, t) - yi);
      sum.add(lanes.keep(neg_mul_add(yi, zi, relu(zi)) + log_one_plus(t)));
    });
  }
  return sum.total();
}

// Mean squared error: delta = z - y (exactly the reference's), loss = (z - y)^2 / 2 computed in double from the
// exact difference.
template <class V>
double mean_squared_error(const ConstBlock& z, const ConstBlock& y, const Block& delta) {
  using Doubles = typename V::Doubles;
  Doubles low(0.0), high(0.0);
  for (std::int64_t j = 0; j < z.cols; ++j) {
    const float* zj = column(z, j);
    const float* yj = column(y, j);
    float* dj = column(delta, j);
    for_each_vector<V>(z.rows, [&](std::int64_t i, auto lanes) {
      const auto zi = lanes.load(zj + i);
      const auto yi = lanes.load(yj + i);  // lanes past the column are 0 in both: they add 0
      lanes.store(dj + i, zi - yi);
      const Doubles d_low = V::widen_low(zi) - V::widen_low(yi);
      const Doubles d_high = V::widen_high(zi) - V::widen_high(yi);
      low += Doubles(0.5) * d_low * d_low;
      high += Doubles(0.5) * d_high * d_high;
    });
  }
  return horizontal_sum(low + high);
}

// Categorical cross-entropy, per column: with m = max z and S = sum e^(z - m) (in double),
// loss = sum y (log S - (z - m)), delta = softmax(z) - y = e^(z - m) / S - y. z - m is carried as an exact float
// pair as in softmax_column. Three passes over the column: delta may be z or y itself, so nothing is stored before
// the last pass, which recomputes e^(z - m).
template <class V>
double categorical_cross_entropy(const ConstBlock& z, const ConstBlock& y, const Block& delta) {
  using Floats = typename V::Floats;
  using Ops = OpsOf<Floats>;
  DoubleSum<V> sum;
  for (std::int64_t j = 0; j < z.cols; ++j) {
    const float* zj = column(z, j);
    const float* yj = column(y, j);
    float* dj = column(delta, j);

    Floats lane_max(-kInfinity);
    for_each_vector<V>(z.rows, [&](std::int64_t i, auto lanes) {
      lane_max = Ops::max(lane_max, lanes.keep_or(lanes.load(zj + i), Floats(-kInfinity)));
    });
    const Floats m(horizontal_max<V>(lane_max));
    // z - m as hi + lo; -inf (z = -inf) gets lo = 0.
    auto shifted = [&](Floats zi, Floats& lo) {
      const Floats hi = zi - m;
      lo = Ops::select(is_finite(hi), two_sum_error(zi, Ops::negate(m), hi), Floats(0.0f));
      return hi;
    };

    DoubleSum<V> exp_sum;
    for_each_vector<V>(z.rows, [&](std::int64_t i, auto lanes) {
      Floats lo;
      const Floats hi = shifted(lanes.load(zj + i), lo);
      exp_sum.add(lanes.keep(exponential_of_sum(hi, lo)));
    });
    const double s = exp_sum.total();
    const double inverse = 1.0 / s;
    const float inverse_hi = static_cast<float>(inverse);
    const Floats scale_hi(inverse_hi);
    const Floats scale_lo(static_cast<float>(inverse - static_cast<double>(inverse_hi)));
    const Floats log_s(static_cast<float>(std::log(s)));

    for_each_vector<V>(z.rows, [&](std::int64_t i, auto lanes) {
      const Floats yi = lanes.load(yj + i);
      Floats lo;
      const Floats hi = shifted(lanes.load(zj + i), lo);
      const Floats p = exponential_of_sum(hi, lo);
      const Floats softmax = mul_add(p, scale_hi, p * scale_lo);
      lanes.store(dj + i, Ops::select(Ops::less(softmax, Floats(kSmallestNormal)), Floats(0.0f), softmax) - yi);
      // log S - (z - m) is a sum of two non-negative terms: no cancellation.
      sum.add(lanes.keep(yi * ((log_s - hi) - lo)));
    });
  }
  return sum.total();
}

template <class V>
double loss_and_delta_kernel(Loss loss, const ConstBlock& z, const ConstBlock& y, const Block& delta) {
  switch (loss) {
    case Loss::BinaryCrossEntropy: return binary_cross_entropy<V>(z, y, delta);
    case Loss::CategoricalCrossEntropy: return categorical_cross_entropy<V>(z, y, delta);
    case Loss::MeanSquaredError: return mean_squared_error<V>(z, y, delta);
  }
  return 0;
}

// --- reductions for the gradients and the regularization cost

// db[i] = scale * sum_j dz(i, j), rows <= kBiasGradientRowBlock. Each row is its own double lane, summed over the
// columns in order: the reference's exact sequence of additions.
template <class V>
void bias_gradient_kernel(const ConstBlock& dz, float scale, float* db) {
  using Doubles = typename V::Doubles;
  constexpr std::int64_t kHalf = Doubles::size;
  alignas(64) double sums[kBiasGradientRowBlock];
  for (std::int64_t i = 0; i < kBiasGradientRowBlock; ++i) sums[i] = 0.0;
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
RegularizationSums regularization_sums_kernel(const ConstBlock& w) {
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
void sgd_columns(const Block& w, const ConstBlock& dw, const Block& velocity, const SgdStep& step) {
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
void sgd_update_kernel(const Block& w, const ConstBlock& dw, const Block& velocity, const SgdStep& step) {
  if (step.momentum != 0.0f) {
    sgd_columns<V, true>(w, dw, velocity, step);
  } else {
    sgd_columns<V, false>(w, dw, velocity, step);
  }
}

template <class V>
void adam_update_kernel(const Block& w, const ConstBlock& dw, const Block& m1, const Block& m2, const AdamStep& step) {
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
