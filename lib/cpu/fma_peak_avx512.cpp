// The FMA peak loop, avx512 build.
#include <immintrin.h>

#include "cpu/fma_peak.hpp"
#include "cpu/fma_peak_loop.hpp"

namespace nnk::cpu {
namespace {

struct Vec {
  using Reg = __m512;
  static constexpr int kLanes = 16;
  static Reg broadcast(float x) { return _mm512_set1_ps(x); }
  static Reg fmadd(Reg a, Reg b, Reg c) { return _mm512_fmadd_ps(a, b, c); }
  static float first(Reg r) { return _mm512_cvtss_f32(r); }
};

}  // namespace

double fma_peak_loop_avx512(std::int64_t rounds) { return fma_peak_loop<Vec>(rounds); }

}  // namespace nnk::cpu
