// The activation kernels (forward, derivative, backward) as templates over an ISA V of the SIMD layer (internal;
// per-ISA translation units only). Entry points: activations.cpp.
#pragma once

#include <algorithm>
#include <cstdint>

#include "eltwise/column_vectors.hpp"
#include "eltwise/column_writers.hpp"
#include "eltwise/eltwise_kernels.hpp"
#include "eltwise/softmax_column.hpp"
#include "nnk/types.hpp"

namespace nnk::eltwise {
namespace {

// The column a softmax kernel prefetches (into L2) while it works on column j: about 16 KiB of rows ahead, far
// enough to hide memory latency, near enough to stay in L2 (docs/performance.md). The distance in columns is an
// integer division: once per call, not per column.
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

}  // namespace
}  // namespace nnk::eltwise
