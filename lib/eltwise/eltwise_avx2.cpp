// AVX2 + FMA elementwise kernels: 8 float lanes (simd::Avx2). Compiled with -mavx2 -mfma.
#include "eltwise/eltwise_kernels.hpp"
#include "eltwise/kernel_set_table.hpp"

namespace nnk::eltwise {
namespace {

constexpr EltwiseKernelSet kAvx2Kernels = make_kernel_set<simd::Avx2>(Isa::Avx2);

}  // namespace

const EltwiseKernelSet& eltwise_kernel_set_avx2() { return kAvx2Kernels; }

}  // namespace nnk::eltwise
