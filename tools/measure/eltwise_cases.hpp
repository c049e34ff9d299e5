// The elementwise kernels nnk_bench_eltwise and nnk-profile time: each as a case that runs nnk's kernel or
// nnk::ref's on the same buffers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nnk/matrix.hpp"

namespace nnk_measure {

// The arrays of one problem size: up to four rows x cols operands (distinct, 64-byte aligned) and a bias column.
// Filled with values typical of each role (logits, targets on the simplex, small gradients) by the case's setup.
struct EltwiseBuffers {
  EltwiseBuffers(std::int64_t rows, std::int64_t cols);
  std::int64_t rows, cols;
  nnk::Matrix operand[4];
  nnk::Matrix bias;
  std::int64_t elements() const { return rows * cols; }
};

struct EltwiseCase {
  std::string name;           // nnk_bench_eltwise's name, e.g. "forward_sigmoid"
  std::string function_name;  // nnk-profile's: the nnk function and its variant, e.g. "bias_activation_forward[sigmoid]"
  bool activation;            // a forward activation (the 10x-over-reference target applies)
  int arrays_read;            // distinct rows x cols arrays read per call ...
  int arrays_written;         // ... and written: bytes moved = 4 * elements * (read + written)
  // Nominal FLOPs per element, for the roofline only: operations as the formula is written, exp/log/tanh count one.
  double flops_per_element;
  std::function<void(EltwiseBuffers&)> setup;    // fills the operands (not timed)
  std::function<void(EltwiseBuffers&)> run_nnk;  // one call of the nnk kernel (active ISA, nnk's threads)
  std::function<void(EltwiseBuffers&)> run_ref;  // the same call of nnk::ref
  double bytes_per_element() const { return 4.0 * (arrays_read + arrays_written); }
};

// Every benchmarked kernel: forward per activation, derivatives, backward, the three losses, bias gradient,
// regularization cost, SGD with momentum, Adam.
const std::vector<EltwiseCase>& eltwise_cases();

}  // namespace nnk_measure
