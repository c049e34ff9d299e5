// AVX2 + FMA elementwise kernels: 8 float lanes (simd::Avx2). Compiled with -mavx2 -mfma.
#include "eltwise/kernel_set_table.hpp"

namespace nnk::eltwise {
const EltwiseKernelSet& eltwise_kernel_set_avx2() { return kernel_set_of<simd::Avx2, Isa::Avx2>(); }
}  // namespace nnk::eltwise
