// AVX-512 elementwise kernels: 16 float lanes (simd::Avx512). Compiled with -mavx512f/cd/dq/bw/vl -mfma.
#include "eltwise/eltwise_kernels.hpp"
#include "eltwise/kernel_set_table.hpp"

namespace nnk::eltwise {
namespace {

constexpr EltwiseKernelSet kAvx512Kernels = make_kernel_set<simd::Avx512>(Isa::Avx512);

}  // namespace

const EltwiseKernelSet& eltwise_kernel_set_avx512() { return kAvx512Kernels; }

}  // namespace nnk::eltwise
