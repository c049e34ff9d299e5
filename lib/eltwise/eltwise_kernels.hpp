// The per-ISA elementwise kernel set: activations, derivatives, losses, bias gradient, optimizer updates (internal).
//
// Kernel contract (every ISA):
//   - Arguments are already validated; every block of one call has the same rows x cols (only data and ld differ),
//     rows, cols >= 0 and ld >= max(1, rows). Nothing outside rows x cols is read or written (masked tails).
//   - An output may be the same memory as an input where the public function allows it (a == z, dz == da,
//     delta == z or delta == y): every element is read before the same element is written.
//   - A call covers the columns it is given; the caller splits work between threads by whole columns (or by ranges
//     of a contiguous array seen as one column), so an element's result never depends on the split.
//   - Outputs are written with regular stores, or with non-temporal ones (Stores::Streaming, chosen by the caller for
//     outputs too large to stay in cache): same values, same order of arithmetic, only the store instruction differs.
//     A streaming call ends with a store fence, so its results are visible to whichever thread reads them next.
//   - No allocation, no exceptions, no thread synchronization.
#pragma once

#include <cstdint>

#include "nnk/cpu.hpp"
#include "nnk/types.hpp"

namespace nnk::eltwise {

// rows x cols floats, element (i, j) at data[i + j * ld]. Plain structs (no member functions): the per-ISA
// translation units must not instantiate inline functions with external linkage.
struct ConstBlock {
  const float* data;
  std::int64_t rows;
  std::int64_t cols;
  std::int64_t ld;
};
struct Block {
  float* data;
  std::int64_t rows;
  std::int64_t cols;
  std::int64_t ld;
};

// How a kernel writes its output (activations, derivatives, deltas). Streaming: non-temporal stores of whole aligned
// vectors, which skip the read-for-ownership of each destination line and do not evict the cache; the unaligned
// head and the tail of a column still use (masked) regular stores.
enum class Stores { Cached, Streaming };

// sum |w| and sum w^2, in double.
struct RegularizationSums {
  double abs_sum = 0;
  double square_sum = 0;
};

// The per-element constants of one SGD step.
struct SgdStep {
  float learning_rate;
  float momentum;  // 0: the velocity is neither read nor written
  float l1;
  float l2;
};

// The per-element constants of one Adam step (bias corrections folded in).
struct AdamStep {
  float beta1;
  float beta2;
  float one_minus_beta1;
  float one_minus_beta2;
  float step_size;             // learning_rate / (1 - beta1^step)
  float inverse_sqrt_correction2;  // 1 / sqrt(1 - beta2^step)
  float epsilon;
  float l1;
  float l2;
};

// Rows of dZ one bias_gradient call sums at most: its double accumulators (8 KiB) stay in L1.
inline constexpr std::int64_t kBiasGradientRowBlock = 1024;

struct EltwiseKernelSet {
  Isa isa;
  // a = g(z + bias); bias: rows floats or nullptr. Softmax normalizes each column.
  void (*bias_activation_forward)(Activation g, ConstBlock z, const float* bias, Block a, Stores stores);
  // d = g'(.) from a (g elementwise).
  void (*activation_derivative)(Activation g, ConstBlock a, Block d, Stores stores);
  // dz = da * g'(.) from a (g elementwise).
  void (*activation_backward)(Activation g, ConstBlock a, ConstBlock da, Block dz, Stores stores);
  // delta = g(z) - y for the loss's output activation; returns the sum over these columns of the per-example losses
  // (per-element losses computed in float, summed in double in an order fixed by the block's shape).
  double (*loss_and_delta)(Loss loss, ConstBlock z, ConstBlock y, Block delta, Stores stores);
  // db[i] = scale * sum_j dz(i, j) for rows <= kBiasGradientRowBlock: each row summed in double over j in order,
  // as the reference does, so the result is the reference's bit for bit.
  void (*bias_gradient)(ConstBlock dz, float scale, float* db);
  RegularizationSums (*regularization_sums)(ConstBlock w);
  // velocity: ignored when step.momentum == 0.
  void (*sgd_update)(Block w, ConstBlock dw, Block velocity, SgdStep step);
  void (*adam_update)(Block w, ConstBlock dw, Block m1, Block m2, AdamStep step);
};

// The kernel set of an ISA (the dispatcher uses active_isa()).
const EltwiseKernelSet& eltwise_kernel_set(Isa isa);

// Defined in the per-ISA translation units.
const EltwiseKernelSet& eltwise_kernel_set_avx512();
const EltwiseKernelSet& eltwise_kernel_set_avx2();
const EltwiseKernelSet& eltwise_kernel_set_generic();

}  // namespace nnk::eltwise
