// The FMA peak loop, avx2 build.
#include <immintrin.h>

#include "cpu/fma_peak.hpp"
#include "cpu/fma_peak_loop.hpp"

namespace nnk::cpu {
namespace {

struct Vec {
  using Reg = __m256;
  static constexpr int kLanes = 8;
  static Reg broadcast(float x) { return _mm256_set1_ps(x); }
  static Reg fmadd(Reg a, Reg b, Reg c) { return _mm256_fmadd_ps(a, b, c); }
  static float first(Reg r) { return _mm256_cvtss_f32(r); }
};

}  // namespace

double fma_peak_loop_avx2(std::int64_t rounds) { return fma_peak_loop<Vec>(rounds); }

}  // namespace nnk::cpu
