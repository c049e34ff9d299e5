// The forward and backward passes of a training step, on a network's workspace (internal to lib/nn).
//
// The data flow of docs/design.md: every layer's GEMM carries its bias and activation in the epilogue; the output
// layer keeps its logits; each backward GEMM carries the derivative product and the bias gradient's row sums.
// Threads (step_plan.hpp): the batch's columns are cut into blocks, one per thread, each carried through the forward
// pass and the dZ of every layer (one fork); then the weight panels of all layers get their gradient and update (a
// second fork). A step too small to pay for the forks runs on one thread.
#pragma once

#include <cstdint>
#include <vector>

#include "cpu/parallel.hpp"
#include "nn/network_state.hpp"
#include "nnk/cpu.hpp"
#include "nnk/network.hpp"

namespace nnk::nn {

// Grows the workspace to hold `columns` columns (allocates only when it is larger than ever before). with_io also
// provides the input copy and output buffers of forward().
void reserve_workspace(Network::State& state, std::int64_t columns, bool with_io);

// Training-mode forward over the columns of x (inputs x m, m <= capacity), dropout masks of `step`: fills the hidden
// activations and the output logits; with_output also writes g(Z) to workspace.output.
void forward_pass(Network::State& state, ConstMatrixView x, std::int64_t step, bool with_output);

// Backward from the logits of the last forward_pass over x with targets y (outputs x m). Returns J (mean loss plus
// regularization, at the parameters before any update). optimizer == nullptr: fills weight_grad and bias_grad with
// the cost's gradient. Otherwise updates each layer as soon as its gradient is known, after dZ[l-1] was computed
// from W[l].
double backward_pass(Network::State& state, ConstMatrixView x, ConstMatrixView y, std::int64_t step,
                     const Optimizer* optimizer);

// Work run alongside a step's update region, as `pieces` more of its tasks (one per thread the step uses; on one
// thread, before the update). fit gathers its next batch so, while the panels' GEMMs run. It must not touch the
// network or the step's x and y.
struct SideTask {
  void (*run)(void* context, int piece, int pieces) = nullptr;
  void* context = nullptr;
};

// The input of layer l over columns [c0, c0 + n): x for layer 0, else the previous layer's activations.
ConstMatrixView layer_input(const Network::State& state, std::size_t l, ConstMatrixView x, std::int64_t c0,
                            std::int64_t n);
// dZ[l] over the first m columns.
ConstMatrixView layer_delta(const Network::State& state, std::size_t l, std::int64_t m);

// The first region of a training step alone: forward and dZ of every layer over x's columns, which are columns
// [first_column, first_column + x.cols()) of a batch (dropout masks are keyed by the batch's columns; first_column
// on a gradient-block boundary). Returns whether workspace.block_losses holds every gradient block's loss (else
// record_block_losses must run). The data-parallel step of nnk::mpi continues from here.
bool forward_backward_columns(Network::State& state, ConstMatrixView x, ConstMatrixView y, std::int64_t step,
                              int threads, std::int64_t first_column);

// forward_pass (without output) and backward_pass with the optimizer in two forks instead of three.
double training_pass(Network::State& state, ConstMatrixView x, ConstMatrixView y, std::int64_t step,
                     const Optimizer& optimizer, SideTask side = {});

// Network::train_step: its checks (named after it), then training_pass, then steps() + 1.
float train_step(Network::State& state, ConstMatrixView x, ConstMatrixView y, const Optimizer& optimizer,
                 SideTask side = {});

// body(i) for i in [0, count): inline for one task, else one fork over nnk's threads with the kernels inside each task
// on its own thread (the tasks are the parallelism).
template <typename Body>
void run_step_tasks(std::int64_t count, Body&& body) {
  if (count == 1) {
    body(std::int64_t{0});
    return;
  }
  cpu::parallel_for(count, 1, [&](std::int64_t begin, std::int64_t end) {
    const ScopedNumThreads one(1);
    for (std::int64_t i = begin; i < end; ++i) body(i);
  });
}

// The cost's pieces: each gradient block's mean loss from the logits (into workspace.block_losses), their fold
// weighted by the blocks' shares of the m columns, and J (the fold of every block's loss in the batch plus the
// panels' regularization costs).
void record_block_losses(Network::State& state, ConstMatrixView y);
double fold_block_losses(const std::vector<double>& block_losses, std::int64_t m);
double step_cost(const Network::State& state, std::int64_t m, const std::vector<double>& block_losses);

// The threads a step over m columns uses (step_plan.hpp's threads_for_step with nnk::num_threads()).
int training_threads(const Network::State& state, std::int64_t m);

}  // namespace nnk::nn
