#include "gemm/gemm_kernels.hpp"

namespace nnk::gemm {

const GemmKernelSet& gemm_kernel_set(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return gemm_kernel_set_avx512();
    case Isa::Avx2: return gemm_kernel_set_avx2();
    case Isa::Generic: break;
  }
  return gemm_kernel_set_generic();
}

}  // namespace nnk::gemm
