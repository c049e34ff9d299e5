// AVX-512 elementwise kernels: 16 float lanes (simd::Avx512). Compiled with -mavx512f/cd/dq/bw/vl -mfma.
#include "eltwise/kernel_set_table.hpp"

namespace nnk::eltwise {
const EltwiseKernelSet& eltwise_kernel_set_avx512() { return kernel_set_of<simd::Avx512, Isa::Avx512>(); }
}  // namespace nnk::eltwise
