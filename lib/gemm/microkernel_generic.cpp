// Generic (baseline x86-64 = SSE2) GEMM kernels: 8 x 4 tile (2 xmm rows x 4 columns), 4 x 4 for short tiles.
// SSE2 has no FMA: multiply then add, so results differ from the FMA paths in the last bits.
#include <emmintrin.h>

#include "gemm/cache_blocking.hpp"
#include "gemm/epilogue_tile.hpp"
#include "gemm/gemm_kernels.hpp"
#include "gemm/microkernel_template.hpp"
#include "gemm/packing.hpp"
#include "simd/simd.hpp"

namespace nnk::gemm {
namespace {

constexpr std::int64_t kMR = 8;
constexpr std::int64_t kNR = 4;
constexpr std::int64_t kKC = 256;

}  // namespace

const GemmKernelSet& gemm_kernel_set_generic() {
  // mc x kc of A in an eighth of L2 (mc = 128 on a 1 MiB L2); nc as for AVX-512.
  static const GemmKernelSet set{
      .isa = Isa::Generic,
      .mr = kMR,
      .nr = kNR,
      .kc = kKC,
      .mc = mc_for_l2(kMR, kKC, 0.125),
      .nc = nc_for_last_level_cache(kNR, kKC),
      .grid = MicroKernelTable<simd::Sse2, kNR, 2>::make(),
      .pack_a = &pack_a_panels<kMR, ScalarTransposer>,
      .pack_b = &pack_b_panels<kNR, ScalarTransposer>,
      .select_epilogue = &select_epilogue<simd::Sse2, kNR>,
  };
  return set;
}

}  // namespace nnk::gemm
