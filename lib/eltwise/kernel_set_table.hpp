// The elementwise kernel set of one ISA, filled from the kernel bodies (internal). Each eltwise_<isa>.cpp
// instantiates it with its struct of the SIMD layer (kernel_set_of); everything has internal linkage.
#pragma once

#include "eltwise/activation_bodies.hpp"
#include "eltwise/eltwise_kernels.hpp"
#include "eltwise/loss_bodies.hpp"
#include "eltwise/optimizer_bodies.hpp"
#include "nnk/cpu.hpp"

namespace nnk::eltwise {
namespace {

// The kernel set of the ISA V (a struct of the SIMD layer).
template <class V>
constexpr EltwiseKernelSet make_kernel_set(Isa isa) {
  return EltwiseKernelSet{
      .isa = isa,
      .bias_activation_forward = &bias_activation_forward_kernel<V>,
      .activation_derivative = &activation_derivative_kernel<V>,
      .activation_backward = &activation_backward_kernel<V>,
      .loss_and_delta = &loss_and_delta_kernel<V>,
      .bias_gradient = &bias_gradient_kernel<V>,
      .regularization_sums = &regularization_sums_kernel<V>,
      .sgd_update = &sgd_update_kernel<V>,
      .adam_update = &adam_update_kernel<V>,
  };
}

// The kernel set of ISA V, built at compile time.
template <class V, Isa kIsa>
const EltwiseKernelSet& kernel_set_of() {
  static constexpr EltwiseKernelSet kKernels = make_kernel_set<V>(kIsa);
  return kKernels;
}

}  // namespace
}  // namespace nnk::eltwise
