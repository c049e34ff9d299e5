// Generic (baseline x86-64 = SSE2) GEMM kernels: 8 x 4 tile (2 xmm rows x 4 columns), 4 x 4 for short tiles.
// SSE2 has no FMA: multiply then add, so results differ from the FMA paths in the last bits.
#include <emmintrin.h>

#include "gemm/epilogue_tile.hpp"
#include "gemm/gemm_kernels.hpp"
#include "gemm/microkernel_template.hpp"
#include "gemm/packing.hpp"

namespace nnk::gemm {
namespace {

struct Xmm {
  using Reg = __m128;
  using Mask = int;  // rows of the vector inside the tile
  static constexpr int kLanes = 4;
  static Reg zero() { return _mm_setzero_ps(); }
  static Reg broadcast(float x) { return _mm_set1_ps(x); }
  static Reg load(const float* p) { return _mm_loadu_ps(p); }
  static Reg load_masked(const float* p, Mask rows) {
    if (rows == kLanes) return _mm_loadu_ps(p);
    alignas(16) float lanes[kLanes] = {};
    for (int i = 0; i < rows; ++i) lanes[i] = p[i];
    return _mm_load_ps(lanes);
  }
  static Reg fmadd(Reg a, Reg b, Reg c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
  static Reg mul(Reg a, Reg b) { return _mm_mul_ps(a, b); }
  static void store_masked(float* p, Mask rows, Reg r) {
    if (rows == kLanes) return _mm_storeu_ps(p, r);
    alignas(16) float lanes[kLanes];
    _mm_store_ps(lanes, r);
    for (int i = 0; i < rows; ++i) p[i] = lanes[i];
  }
  static Mask row_mask(int rows) { return rows; }
};

constexpr std::int64_t kMR = 8;
constexpr std::int64_t kNR = 4;

}  // namespace

const GemmKernelSet& gemm_kernel_set_generic() {
  static const GemmKernelSet set{
      .isa = Isa::Generic,
      .mr = kMR,
      .nr = kNR,
      .kc = 256,
      .mc = 128,
      .nc = 4092,
      .grid = MicroKernelTable<Xmm, kNR, 2>::make(),
      .pack_a = &pack_a_panels<kMR, ScalarTransposer>,
      .pack_b = &pack_b_panels<kNR, ScalarTransposer>,
      .select_epilogue = &select_epilogue<xsimd::batch<float, xsimd::sse2>, Xmm, kNR>,
  };
  return set;
}

}  // namespace nnk::gemm
