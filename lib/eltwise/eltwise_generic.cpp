// Baseline x86-64 elementwise kernels: 4 float lanes (simd::Sse2), no FMA.
#include "eltwise/eltwise_kernels.hpp"
#include "eltwise/kernel_set_table.hpp"

namespace nnk::eltwise {
namespace {

constexpr EltwiseKernelSet kGenericKernels = make_kernel_set<simd::Sse2>(Isa::Generic);

}  // namespace

const EltwiseKernelSet& eltwise_kernel_set_generic() { return kGenericKernels; }

}  // namespace nnk::eltwise
