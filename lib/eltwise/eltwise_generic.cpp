// Baseline x86-64 elementwise kernels: 4 float lanes (xsimd::batch<float, sse2>), no FMA; the last vector of a
// column goes through a small buffer (SSE2 has no masked loads or stores); 16-byte non-temporal stores for large
// outputs.
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
  // p 16-byte aligned.
  static void stream(float* p, Floats v) { _mm_stream_ps(p, v); }
  static void fence() { _mm_sfence(); }
  // Lanes [lead, 4) of a followed by lanes [0, lead) of b, 0 < lead < 4 (byte shifts take immediates).
  struct Shift {
    std::int64_t lead;
    explicit Shift(std::int64_t lead_) : lead(lead_) {}
    Floats operator()(Floats a, Floats b) const {
      const __m128i ai = _mm_castps_si128(a), bi = _mm_castps_si128(b);
      switch (lead) {
        case 1: return _mm_castsi128_ps(_mm_or_si128(_mm_srli_si128(ai, 4), _mm_slli_si128(bi, 12)));
        case 2: return _mm_castsi128_ps(_mm_or_si128(_mm_srli_si128(ai, 8), _mm_slli_si128(bi, 8)));
        default: return _mm_castsi128_ps(_mm_or_si128(_mm_srli_si128(ai, 12), _mm_slli_si128(bi, 4)));
      }
    }
  };
};

constexpr EltwiseKernelSet kGenericKernels = make_kernel_set<Sse2Vectors>(Isa::Generic);

}  // namespace

const EltwiseKernelSet& eltwise_kernel_set_generic() { return kGenericKernels; }

}  // namespace nnk::eltwise
