// The FMA peak loop, generic build.
#include <emmintrin.h>

#include "cpu/fma_peak.hpp"
#include "cpu/fma_peak_loop.hpp"

namespace nnk::cpu {
namespace {

struct Vec {
  using Reg = __m128;
  static constexpr int kLanes = 4;
  static Reg broadcast(float x) { return _mm_set1_ps(x); }
  static Reg fmadd(Reg a, Reg b, Reg c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }  // no FMA in SSE2
  static float first(Reg r) { return _mm_cvtss_f32(r); }
};

}  // namespace

double fma_peak_loop_generic(std::int64_t rounds) { return fma_peak_loop<Vec>(rounds); }

}  // namespace nnk::cpu
