// AVX-512 elementwise kernels: 16 float lanes (xsimd::batch<float, avx512bw>), masked loads and stores for the last
// vector of a column. Compiled with -mavx512f/cd/dq/bw/vl -mfma.
#include <immintrin.h>

#include <cstdint>

#include "eltwise/eltwise_kernels.hpp"
#include "eltwise/kernel_bodies.hpp"

namespace nnk::eltwise {
namespace {

struct Avx512Vectors {
  using Floats = xsimd::batch<float, xsimd::avx512bw>;
  using Doubles = xsimd::batch<double, xsimd::avx512bw>;
  static __mmask16 first_lanes(std::int64_t n) { return static_cast<__mmask16>((1u << n) - 1u); }
  static Floats load_first(const float* p, std::int64_t n) { return _mm512_maskz_loadu_ps(first_lanes(n), p); }
  static void store_first(float* p, std::int64_t n, Floats v) { _mm512_mask_storeu_ps(p, first_lanes(n), v); }
  static Doubles widen_low(Floats v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
  static Doubles widen_high(Floats v) { return _mm512_cvtps_pd(_mm512_extractf32x8_ps(v, 1)); }
};

constexpr EltwiseKernelSet kAvx512Kernels = make_kernel_set<Avx512Vectors>(Isa::Avx512);

}  // namespace

const EltwiseKernelSet& eltwise_kernel_set_avx512() { return kAvx512Kernels; }

}  // namespace nnk::eltwise
