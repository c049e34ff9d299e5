// The dispatcher: the kernel set of an ISA.
#include "eltwise/eltwise_kernels.hpp"

namespace nnk::eltwise {

const EltwiseKernelSet& eltwise_kernel_set(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return eltwise_kernel_set_avx512();
    case Isa::Avx2: return eltwise_kernel_set_avx2();
    case Isa::Generic: break;
  }
  return eltwise_kernel_set_generic();
}

}  // namespace nnk::eltwise
