// nnk::bias_activation_forward, activation_derivative, activation_backward: checks, then the active ISA's kernels
// over parts of the matrix (work_split.hpp), with streaming stores for outputs too large to stay in cache
// (streaming_threshold.hpp).
#include "core/eltwise_argument_checks.hpp"
#include "eltwise/eltwise_kernels.hpp"
#include "eltwise/streaming_threshold.hpp"
#include "eltwise/work_split.hpp"
#include "nnk/cpu.hpp"
#include "nnk/kernels.hpp"

namespace nnk {

void bias_activation_forward(Activation g, ConstMatrixView z, ConstMatrixView bias, MatrixView a) {
  const bool has_bias = detail::check_bias_activation_forward("nnk::bias_activation_forward", g, z, bias, a);
  const eltwise::EltwiseKernelSet& kernels = eltwise::eltwise_kernel_set(active_isa());
  // Softmax needs whole columns, a bias needs the row index: both go column by column.
  const bool flat = !has_bias && g != Activation::Softmax && eltwise::is_contiguous(z) && eltwise::is_contiguous(a);
  const float* bias_data = has_bias ? bias.data() : nullptr;
  const eltwise::Stores stores = eltwise::streams_output(a.rows(), a.cols())
      ? eltwise::Stores::Streaming : eltwise::Stores::Cached;
  eltwise::for_each_part(z.rows(), z.cols(), flat, [&](eltwise::Part part) {
    kernels.bias_activation_forward(g, eltwise::part_of(z, part), bias_data, eltwise::part_of(a, part), stores);
  });
}

void activation_derivative(Activation g, ConstMatrixView a, MatrixView derivative) {
  detail::check_activation_derivative("nnk::activation_derivative", g, a, derivative);
  const eltwise::EltwiseKernelSet& kernels = eltwise::eltwise_kernel_set(active_isa());
  const bool flat = eltwise::is_contiguous(a) && eltwise::is_contiguous(derivative);
  const eltwise::Stores stores = eltwise::streams_output(derivative.rows(), derivative.cols())
      ? eltwise::Stores::Streaming : eltwise::Stores::Cached;
  eltwise::for_each_part(a.rows(), a.cols(), flat, [&](eltwise::Part part) {
    kernels.activation_derivative(g, eltwise::part_of(a, part), eltwise::part_of(derivative, part), stores);
  });
}

void activation_backward(Activation g, ConstMatrixView a, ConstMatrixView da, MatrixView dz) {
  detail::check_activation_backward("nnk::activation_backward", g, a, da, dz);
  const eltwise::EltwiseKernelSet& kernels = eltwise::eltwise_kernel_set(active_isa());
  const bool flat = eltwise::is_contiguous(a) && eltwise::is_contiguous(da) && eltwise::is_contiguous(dz);
  const eltwise::Stores stores = eltwise::streams_output(dz.rows(), dz.cols())
      ? eltwise::Stores::Streaming : eltwise::Stores::Cached;
  eltwise::for_each_part(a.rows(), a.cols(), flat, [&](eltwise::Part part) {
    kernels.activation_backward(g, eltwise::part_of(a, part), eltwise::part_of(da, part), eltwise::part_of(dz, part),
                                stores);
  });
}

}  // namespace nnk
