#include "nn/training_pass.hpp"

#include <algorithm>
#include <atomic>

#include "cpu/float_env.hpp"
#include "cpu/parallel.hpp"
#include "nn/dropout.hpp"
#include "nn/gemm.hpp"
#include "nn/network_checks.hpp"
#include "nn/parameter_update.hpp"
#include "nn/step_plan.hpp"
#include "nnk/cpu.hpp"
#include "nnk/kernels.hpp"

namespace nnk::nn {

namespace {

void grow(Matrix& m, std::int64_t rows, std::int64_t columns) {
  if (m.rows() != rows || m.cols() < columns) m = Matrix(rows, columns);
}

// The activation that g' of hidden layer l is taken from: before dropout when the layer has any.
ConstMatrixView derivative_source(const Network::State& state, std::size_t l, ColumnBlock block) {
  const Workspace& ws = state.workspace;
  const Matrix& source = state.has_dropout(l) ? ws.pre_dropout[l] : ws.activations[l];
  return source.col_block(block.begin, block.columns());
}

// 2 m (3 W - W[0]) FLOPs: the forward, dW and (but for the first layer) dZ GEMMs of every layer.
double step_flops(const Network::State& state, std::int64_t m) {
  double weights = 0;
  for (std::size_t l = 0; l < state.num_layers(); ++l)
    weights += static_cast<double>(state.units(l)) * static_cast<double>(state.fan_in(l));
  const double first = static_cast<double>(state.units(0)) * static_cast<double>(state.fan_in(0));
  return 2.0 * static_cast<double>(m) * (3.0 * weights - first);
}

void forward_block(Network::State& state, ConstMatrixView x, std::int64_t step, ColumnBlock block, bool with_output,
                   std::int64_t first_column) {
  Workspace& ws = state.workspace;
  const std::int64_t c0 = block.begin, n = block.columns();
  const std::size_t output = state.num_layers() - 1;
  for (std::size_t l = 0; l <= output; ++l) {
    const LayerParameters& p = state.layers[l];
    const ConstMatrixView input = layer_input(state, l, x, c0, n);
    GemmEpilogue epilogue{.bias = p.bias.data()};
    if (l == output) {
      // The logits stay as they are: the losses work from Z (binary cross-entropy from the logit is exact).
      const MatrixView z = ws.logits.col_block(c0, n);
      gemm(Trans::No, Trans::No, 1.0f, p.weights, input, 0.0f, z, &epilogue);
      if (with_output)
        nnk::bias_activation_forward(state.spec.layers[l].activation, z, ConstMatrixView(), ws.output.col_block(c0, n));
      break;
    }
    epilogue.activation = state.spec.layers[l].activation;
    const MatrixView a = ws.activations[l].col_block(c0, n);
    if (!state.has_dropout(l)) {
      gemm(Trans::No, Trans::No, 1.0f, p.weights, input, 0.0f, a, &epilogue);
      continue;
    }
    const MatrixView before = ws.pre_dropout[l].col_block(c0, n);
    gemm(Trans::No, Trans::No, 1.0f, p.weights, input, 0.0f, before, &epilogue);
    dropout_forward(before, a, state.spec.layers[l].dropout, dropout_stream(state.spec.seed, step, l),
                    first_column + c0);
  }
}

// dZ[l-1] = (W[l]^T dZ[l]) o g'(A[l-1]) over one block, in one GEMM; with dropout on layer l-1 the mask comes after
// the derivative. db[l-1] is summed from dZ[l-1] over the whole batch once every block is done.
void propagate_delta(Network::State& state, std::size_t l, ConstMatrixView dz, ColumnBlock block, std::int64_t step,
                     std::int64_t first_column) {
  Workspace& ws = state.workspace;
  const std::size_t previous = l - 1;
  const MatrixView dz_previous = ws.hidden_delta[previous].col_block(block.begin, block.columns());
  const Activation g = state.spec.layers[previous].activation;
  GemmEpilogue epilogue;
  if (g != Activation::Identity) {  // g' = 1 needs no pass over A
    const ConstMatrixView source = derivative_source(state, previous, block);
    epilogue.derivative_of = source.data();
    epilogue.derivative_ld = source.ld();
    epilogue.derivative_activation = g;
  }
  gemm(Trans::Yes, Trans::No, 1.0f, state.layers[l].weights, dz, 0.0f, dz_previous,
       g != Activation::Identity ? &epilogue : nullptr);
  if (state.has_dropout(previous))
    dropout_backward(dz_previous, state.spec.layers[previous].dropout,
                     dropout_stream(state.spec.seed, step, previous), first_column + block.begin);
}

// The output layer's delta over one block, then dZ of every hidden layer from W before any update. A block on
// gradient-block boundaries also records each of its gradient blocks' loss (one delta pass per gradient block);
// returns whether it did.
bool backward_block(Network::State& state, ConstMatrixView y, std::int64_t step, ColumnBlock block,
                    std::int64_t first_column) {
  Workspace& ws = state.workspace;
  const std::int64_t c0 = block.begin, n = block.columns(), m = y.cols();
  const bool records_losses = on_gradient_blocks(m, block);
  if (records_losses) {
    for (std::int64_t b = c0 / kGradientBlockColumns; b < gradient_block_count(m); ++b) {
      const ColumnBlock g = gradient_block(m, b);
      if (g.begin >= block.end) break;
      ws.block_losses[static_cast<std::size_t>(b)] =
          nnk::loss_and_delta(state.spec.loss, ws.logits.col_block(g.begin, g.columns()),
                              y.col_block(g.begin, g.columns()), ws.delta.col_block(g.begin, g.columns()));
    }
  } else {
    nnk::loss_and_delta(state.spec.loss, ws.logits.col_block(c0, n), y.col_block(c0, n), ws.delta.col_block(c0, n));
  }
  ConstMatrixView dz = ws.delta.col_block(c0, n);
  for (std::size_t l = state.num_layers() - 1; l > 0; --l) {
    propagate_delta(state, l, dz, block, step, first_column);
    dz = ws.hidden_delta[l - 1].col_block(c0, n);
  }
  return records_losses;
}

}  // namespace

ConstMatrixView layer_input(const Network::State& state, std::size_t l, ConstMatrixView x, std::int64_t c0,
                            std::int64_t n) {
  return l == 0 ? x.col_block(c0, n) : state.workspace.activations[l - 1].col_block(c0, n);
}

ConstMatrixView layer_delta(const Network::State& state, std::size_t l, std::int64_t m) {
  const Workspace& ws = state.workspace;
  return l + 1 == state.num_layers() ? ws.delta.col_block(0, m) : ws.hidden_delta[l].col_block(0, m);
}

void record_block_losses(Network::State& state, ConstMatrixView y) {
  Workspace& ws = state.workspace;
  const std::int64_t m = y.cols();
  for (std::int64_t b = 0; b < gradient_block_count(m); ++b) {
    const ColumnBlock g = gradient_block(m, b);
    ws.block_losses[static_cast<std::size_t>(b)] =
        nnk::loss_and_delta(state.spec.loss, ws.logits.col_block(g.begin, g.columns()),
                            y.col_block(g.begin, g.columns()), ws.cost_delta.col_block(g.begin, g.columns()));
  }
}

double fold_block_losses(const std::vector<double>& block_losses, std::int64_t m) {
  double loss = 0;
  for (std::size_t b = 0; b < block_losses.size(); ++b) {
    const ColumnBlock g = gradient_block(m, static_cast<std::int64_t>(b));
    loss += block_losses[b] * (static_cast<double>(g.columns()) / static_cast<double>(m));
  }
  return loss;
}

double step_cost(const Network::State& state, std::int64_t m, const std::vector<double>& block_losses) {
  double cost = fold_block_losses(block_losses, m);
  if (state.regularized())
    for (const double panel_cost : state.workspace.panel_costs) cost += panel_cost;
  return cost;
}

namespace {

std::int64_t largest_layer_floats(const Network::State& state) {
  std::int64_t largest = 0;
  for (std::size_t l = 0; l < state.num_layers(); ++l) largest = std::max(largest, state.units(l) * state.fan_in(l));
  return largest;
}

struct ColumnWork {
  bool forward = false;
  bool with_output = false;
  bool backward = false;
};

// The forward and/or backward work of every column block, each block carried through all of it on one thread.
// first_column: where x's columns start in the batch (dropout masks are keyed by the batch's column). Returns
// whether every gradient block's loss was recorded (else the update region makes a loss pass of its own).
bool column_pass(Network::State& state, ConstMatrixView x, ConstMatrixView y, std::int64_t step, ColumnWork work,
                 int threads, std::int64_t first_column) {
  const std::int64_t m = x.cols();
  const std::int64_t count = column_block_count(m, threads, largest_layer_floats(state));
  if (work.backward) state.workspace.block_losses.resize(static_cast<std::size_t>(gradient_block_count(m)));
  std::atomic<bool> losses_recorded{true};
  run_step_tasks(count, [&](std::int64_t b) {
    const ColumnBlock block = column_block(m, count, b);
    if (block.columns() == 0) return;
    if (work.forward) forward_block(state, x, step, block, work.with_output, first_column);
    if (work.backward && !backward_block(state, y, step, block, first_column))
      losses_recorded.store(false, std::memory_order_relaxed);
  });
  return losses_recorded.load(std::memory_order_relaxed);
}

// Every layer's weight and bias gradients, applied by the optimizer (or kept, optimizer == nullptr), panel by panel;
// and the cost J at the parameters before the update. Needs the column pass's dZ of every layer.
double parameter_pass(Network::State& state, ConstMatrixView x, ConstMatrixView y, const Optimizer* optimizer,
                      int threads, bool losses_recorded, SideTask side) {
  Workspace& ws = state.workspace;
  const std::int64_t m = y.cols();
  const auto panels = static_cast<std::int64_t>(ws.panels.size());
  const int side_pieces = side.run != nullptr ? threads : 0;
  const bool loss_task = !losses_recorded;
  const std::int64_t first_panel = side_pieces + (loss_task ? 1 : 0);
  const Regularization reg{state.spec.l1, state.spec.l2};
  auto task = [&](std::int64_t i) {
    if (i < side_pieces) {  // first, so that the pieces start right away
      side.run(side.context, static_cast<int>(i), side_pieces);
      return;
    }
    if (loss_task && i == first_panel - 1) {  // the column blocks were not on gradient-block boundaries
      record_block_losses(state, y);
      return;
    }
    const WeightPanel& panel = ws.panels[static_cast<std::size_t>(i - first_panel)];
    const std::size_t l = panel.layer;
    const ConstMatrixView dz = layer_delta(state, l, m);
    const std::int64_t columns = panel.end - panel.begin;
    const ConstMatrixView input_rows = layer_input(state, l, x, 0, m).block(panel.begin, 0, columns, m);
    if (state.regularized())  // before this panel's update, which is the only write to these weights
      ws.panel_costs[static_cast<std::size_t>(i - first_panel)] =
          nnk::regularization_cost(state.layers[l].weights.col_block(panel.begin, columns), reg);
    if (panel.begin == 0) {
      fold_bias_gradient(dz, 1.0f / static_cast<float>(m), state.layers[l].bias_grad);  // db[l], whole batch
      if (optimizer != nullptr) update_bias(state, l, *optimizer);
    }
    if (optimizer != nullptr) {
      update_weight_panel(state, panel, dz, input_rows, *optimizer);
    } else {
      weight_gradient_panel(state, panel, dz, input_rows);
    }
  };
  run_step_tasks(first_panel + panels, task);
  return step_cost(state, m, ws.block_losses);
}

}  // namespace

void reserve_workspace(Network::State& state, std::int64_t columns, bool with_io) {
  Workspace& ws = state.workspace;
  const std::size_t hidden = state.num_layers() - 1;
  const std::int64_t outputs = state.units(hidden);
  if (ws.panels.empty()) {
    std::vector<std::int64_t> units, fan_in;
    for (std::size_t l = 0; l <= hidden; ++l) {
      units.push_back(state.units(l));
      fan_in.push_back(state.fan_in(l));
    }
    ws.panels = weight_panels(units, fan_in);
    ws.panel_costs.assign(ws.panels.size(), 0.0);
  }
  if (columns > ws.capacity) {
    ws.activations.resize(hidden);
    ws.pre_dropout.resize(hidden);
    ws.hidden_delta.resize(hidden);
    for (std::size_t l = 0; l < hidden; ++l) {
      grow(ws.activations[l], state.units(l), columns);
      if (state.has_dropout(l)) grow(ws.pre_dropout[l], state.units(l), columns);
      grow(ws.hidden_delta[l], state.units(l), columns);
    }
    grow(ws.logits, outputs, columns);
    grow(ws.delta, outputs, columns);
    grow(ws.cost_delta, outputs, columns);
    ws.capacity = columns;
  }
  if (with_io) {
    grow(ws.input, state.spec.inputs, ws.capacity);
    grow(ws.output, outputs, ws.capacity);
  }
}

int training_threads(const Network::State& state, std::int64_t m) {
  return threads_for_step(step_flops(state, m), num_threads());
}

void forward_pass(Network::State& state, ConstMatrixView x, std::int64_t step, bool with_output) {
  // One scope for the whole pass: the kernels' own scopes then find the flags set and write nothing.
  const cpu::FlushDenormalsScope flush;
  const int threads = training_threads(state, x.cols());
  const ScopedNumThreads scoped(threads);
  column_pass(state, x, ConstMatrixView(), step, {.forward = true, .with_output = with_output}, threads, 0);
}

double backward_pass(Network::State& state, ConstMatrixView x, ConstMatrixView y, std::int64_t step,
                     const Optimizer* optimizer) {
  const cpu::FlushDenormalsScope flush;
  const int threads = training_threads(state, y.cols());
  const ScopedNumThreads scoped(threads);
  const bool losses_recorded = column_pass(state, x, y, step, {.backward = true}, threads, 0);
  return parameter_pass(state, x, y, optimizer, threads, losses_recorded, {});
}

bool forward_backward_columns(Network::State& state, ConstMatrixView x, ConstMatrixView y, std::int64_t step,
                              int threads, std::int64_t first_column) {
  return column_pass(state, x, y, step, {.forward = true, .backward = true}, threads, first_column);
}

double training_pass(Network::State& state, ConstMatrixView x, ConstMatrixView y, std::int64_t step,
                     const Optimizer& optimizer, SideTask side) {
  const cpu::FlushDenormalsScope flush;
  const int threads = training_threads(state, y.cols());
  const ScopedNumThreads scoped(threads);
  const bool losses_recorded = forward_backward_columns(state, x, y, step, threads, 0);
  return parameter_pass(state, x, y, &optimizer, threads, losses_recorded, side);
}

float train_step(Network::State& state, ConstMatrixView x, ConstMatrixView y, const Optimizer& optimizer,
                 SideTask side) {
  constexpr const char* kFunction = "nnk::Network::train_step";
  check_input(kFunction, state, x);
  check_targets(kFunction, state, y, x.cols());
  check_optimizer(kFunction, optimizer);
  // Everything that may allocate or fail happens before the first parameter changes.
  prepare_optimizer_state(state, optimizer);
  reserve_workspace(state, x.cols(), /*with_io=*/false);
  state.workspace.forward_columns = 0;  // the workspace now holds this step, which backward() must not reuse
  const double cost = training_pass(state, x, y, state.steps, optimizer, side);
  finish_optimizer_step(state);
  ++state.steps;
  return static_cast<float>(cost);
}

}  // namespace nnk::nn
