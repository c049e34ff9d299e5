// Baseline x86-64 elementwise kernels: 4 float lanes (xsimd::batch<float, sse2>), no FMA; the last vector of a
// column goes through a small buffer (SSE2 has no masked loads or stores).
#include <emmintrin.h>

#include <cstdint>

#include "eltwise/eltwise_kernels.hpp"
#include "eltwise/kernel_bodies.hpp"

namespace nnk::eltwise {
namespace {

struct Sse2Vectors {
  using Floats = xsimd::batch<float, xsimd::sse2>;
  using Doubles = xsimd::batch<double, xsimd::sse2>;
  static Floats load_first(const float* p, std::int64_t n) {
    alignas(16) float buffer[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (std::int64_t k = 0; k < n; ++k) buffer[k] = p[k];
    return Floats::load_aligned(buffer);
  }
  static void store_first(float* p, std::int64_t n, Floats v) {
    alignas(16) float buffer[4];
    v.store_aligned(buffer);
    for (std::int64_t k = 0; k < n; ++k) p[k] = buffer[k];
  }
  static Doubles widen_low(Floats v) { return _mm_cvtps_pd(v); }
  static Doubles widen_high(Floats v) { return _mm_cvtps_pd(_mm_movehl_ps(v, v)); }
};

constexpr EltwiseKernelSet kGenericKernels = make_kernel_set<Sse2Vectors>(Isa::Generic);

}  // namespace

const EltwiseKernelSet& eltwise_kernel_set_generic() { return kGenericKernels; }

}  // namespace nnk::eltwise
