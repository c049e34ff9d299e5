// The elementwise kernels nnk-profile times, each as nnk's call and nnk::ref's call on the same buffers.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nnk/matrix.hpp"

namespace nnk_profile {

// Four distinct rows x cols operands and a bias column, 64-byte aligned (nnk::Matrix).
struct EltwiseBuffers {
  EltwiseBuffers(std::int64_t rows, std::int64_t cols);
  nnk::Matrix operand[4];
  nnk::Matrix bias;
  std::int64_t elements() const { return operand[0].size(); }
};

// Byte model: 4 bytes x elements x (arrays read + arrays written); the bias column and other vectors of `rows`
// floats are left out (under 0.1% at either size). FLOP model (nominal, for the roofline only): arithmetic operations
// per element as the formula is written, a transcendental function (exp, log, tanh) counting as one.
struct EltwiseKernel {
  std::string name;  // the nnk function, with its variant in brackets: "activation_backward[tanh]"
  int arrays_read;
  int arrays_written;
  double flops_per_element;
  std::function<void(EltwiseBuffers&)> setup;  // fills the operands with values typical of the kernel's inputs
  std::function<void(EltwiseBuffers&)> run_nnk;
  std::function<void(EltwiseBuffers&)> run_ref;
  double bytes_per_element() const { return 4.0 * (arrays_read + arrays_written); }
};

const std::vector<EltwiseKernel>& eltwise_kernels();

}  // namespace nnk_profile
