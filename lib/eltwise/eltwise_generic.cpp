// Baseline x86-64 elementwise kernels: 4 float lanes (simd::Sse2), no FMA.
#include "eltwise/kernel_set_table.hpp"

namespace nnk::eltwise {
const EltwiseKernelSet& eltwise_kernel_set_generic() { return kernel_set_of<simd::Sse2, Isa::Generic>(); }
}  // namespace nnk::eltwise
