// AVX2 + FMA GEMM kernels: 16 x 6 tile (2 ymm rows x 6 columns = 12 accumulators, of 16 ymm registers),
// and 8 x 6 for short tiles. Compiled with -mavx2 -mfma.
#include <immintrin.h>

#include "gemm/gemm_kernels.hpp"
#include "gemm/microkernel_template.hpp"
#include "gemm/packing.hpp"

namespace nnk::gemm {
namespace {

struct Ymm {
  using Reg = __m256;
  using Mask = __m256i;  // lane i is all ones when row i is inside the tile
  static constexpr int kLanes = 8;
  static Reg zero() { return _mm256_setzero_ps(); }
  static Reg broadcast(float x) { return _mm256_set1_ps(x); }
  static Reg load(const float* p) { return _mm256_loadu_ps(p); }
  static Reg load_masked(const float* p, Mask m) { return _mm256_maskload_ps(p, m); }
  static Reg fmadd(Reg a, Reg b, Reg c) { return _mm256_fmadd_ps(a, b, c); }
  static Reg mul(Reg a, Reg b) { return _mm256_mul_ps(a, b); }
  static void store_masked(float* p, Mask m, Reg r) { _mm256_maskstore_ps(p, m, r); }
  static Mask row_mask(int rows) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(rows), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
};

constexpr std::int64_t kMR = 16;
constexpr std::int64_t kNR = 6;

}  // namespace

const GemmKernelSet& gemm_kernel_set_avx2() {
  static const GemmKernelSet set{
      .isa = Isa::Avx2,
      .mr = kMR,
      .nr = kNR,
      .kc = 256,
      .mc = 192,
      .nc = 4092,
      .grid = MicroKernelTable<Ymm, kNR, 3>::make(),
      .pack_a = &pack_a_panels<kMR, ScalarTransposer>,
      .pack_b = &pack_b_panels<kNR, ScalarTransposer>,
  };
  return set;
}

}  // namespace nnk::gemm
