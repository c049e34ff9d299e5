#include "nn/training_pass.hpp"

#include <algorithm>

#include "cpu/float_env.hpp"
#include "nn/dropout.hpp"
#include "nn/gemm.hpp"
#include "nn/parallel_blocks.hpp"
#include "nn/parameter_update.hpp"
#include "nnk/kernels.hpp"

namespace nnk::nn {

namespace {

void grow(Matrix& m, std::int64_t rows, std::int64_t columns) {
  if (m.rows() != rows || m.cols() < columns) m = Matrix(rows, columns);
}

// The input of layer l: x for layer 0, else the previous layer's activations (after dropout).
ConstMatrixView layer_input(const Network::State& state, std::size_t l, ConstMatrixView x, std::int64_t m) {
  return l == 0 ? x : state.workspace.activations[l - 1].col_block(0, m);
}

// The activation that g' of hidden layer l is taken from: before dropout when the layer has any.
ConstMatrixView derivative_source(const Network::State& state, std::size_t l, std::int64_t m) {
  const Workspace& ws = state.workspace;
  return state.has_dropout(l) ? ws.pre_dropout[l].col_block(0, m) : ws.activations[l].col_block(0, m);
}

// dW = (1/m) dZ input^T + l1 sign(W) + l2 W: the gradient backward() reports.
void materialize_weight_grad(Network::State& state, std::size_t l, ConstMatrixView dz, ConstMatrixView input) {
  LayerParameters& p = state.layers[l];
  gemm(Trans::No, Trans::Yes, 1.0f / static_cast<float>(dz.cols()), dz, input, 0.0f, p.weight_grad);
  if (!state.regularized()) return;
  const float l1 = state.spec.l1, l2 = state.spec.l2;
  for_each_column_block(p.weights.rows(), p.weights.cols(), [&](std::int64_t c0, std::int64_t nc) {
    for (std::int64_t j = c0; j < c0 + nc; ++j) {
      const float* w = p.weights.col(j);
      float* dw = p.weight_grad.col(j);
      for (std::int64_t i = 0; i < p.weights.rows(); ++i) {
        const float sign = w[i] > 0.0f ? 1.0f : (w[i] < 0.0f ? -1.0f : 0.0f);  // sign(0) = 0, as the kernels
        dw[i] += l1 * sign + l2 * w[i];
      }
    }
  });
}

// dZ[l-1] = (W[l]^T dZ[l]) o g'(A[l-1]) in one GEMM; db[l-1] = (1/m) rowsum(dZ[l-1]) fused as its row sums.
// With dropout on layer l-1 the mask comes after the derivative, so the row sums are taken after it instead.
void propagate_delta(Network::State& state, std::size_t l, ConstMatrixView dz, MatrixView dz_previous,
                     std::int64_t step) {
  const std::size_t previous = l - 1;
  const std::int64_t m = dz.cols();
  const float inv_m = 1.0f / static_cast<float>(m);
  const Activation g = state.spec.layers[previous].activation;
  const bool dropout = state.has_dropout(previous);
  LayerParameters& prev = state.layers[previous];

  GemmEpilogue epilogue;
  if (g != Activation::Identity) {  // g' = 1 needs no pass over A
    const ConstMatrixView source = derivative_source(state, previous, m);
    epilogue.derivative_of = source.data();
    epilogue.derivative_ld = source.ld();
    epilogue.derivative_activation = g;
  }
  if (!dropout) {
    epilogue.row_sums = prev.bias_grad.data();
    epilogue.row_sums_scale = inv_m;
  }
  gemm(Trans::Yes, Trans::No, 1.0f, state.layers[l].weights, dz, 0.0f, dz_previous, &epilogue);
  if (dropout) {
    dropout_backward(dz_previous, state.spec.layers[previous].dropout,
                     dropout_stream(state.spec.seed, step, previous));
    nnk::bias_gradient(dz_previous, inv_m, prev.bias_grad);
  }
}

}  // namespace

void reserve_workspace(Network::State& state, std::int64_t columns, bool with_io) {
  Workspace& ws = state.workspace;
  const std::size_t hidden = state.num_layers() - 1;
  if (columns > ws.capacity) {
    ws.activations.resize(hidden);
    ws.pre_dropout.resize(hidden);
    std::int64_t widest_hidden = 0;
    for (std::size_t l = 0; l < hidden; ++l) {
      grow(ws.activations[l], state.units(l), columns);
      if (state.has_dropout(l)) grow(ws.pre_dropout[l], state.units(l), columns);
      widest_hidden = std::max(widest_hidden, state.units(l));
    }
    const std::int64_t outputs = state.units(hidden);
    grow(ws.logits, outputs, columns);
    grow(ws.delta, outputs, columns);
    if (hidden > 0) {
      grow(ws.hidden_delta[0], widest_hidden, columns);
      grow(ws.hidden_delta[1], widest_hidden, columns);
    }
    ws.capacity = columns;
  }
  if (with_io) {
    grow(ws.input, state.spec.inputs, ws.capacity);
    grow(ws.output, state.units(hidden), ws.capacity);
  }
}

void forward_pass(Network::State& state, ConstMatrixView x, std::int64_t step, bool with_output) {
  // One scope for the whole pass: the kernels' own scopes then find the flags set and write nothing.
  const cpu::FlushDenormalsScope flush;
  Workspace& ws = state.workspace;
  const std::int64_t m = x.cols();
  const std::size_t output = state.num_layers() - 1;
  for (std::size_t l = 0; l <= output; ++l) {
    const LayerParameters& p = state.layers[l];
    const ConstMatrixView input = layer_input(state, l, x, m);
    GemmEpilogue epilogue{.bias = p.bias.data()};
    if (l == output) {
      // The logits stay as they are: the losses work from Z (binary cross-entropy from the logit is exact).
      const MatrixView z = ws.logits.col_block(0, m);
      gemm(Trans::No, Trans::No, 1.0f, p.weights, input, 0.0f, z, &epilogue);
      if (with_output)
        nnk::bias_activation_forward(state.spec.layers[l].activation, z, ConstMatrixView(), ws.output.col_block(0, m));
      break;
    }
    epilogue.activation = state.spec.layers[l].activation;
    const MatrixView a = ws.activations[l].col_block(0, m);
    if (!state.has_dropout(l)) {
      gemm(Trans::No, Trans::No, 1.0f, p.weights, input, 0.0f, a, &epilogue);
      continue;
    }
    const MatrixView before = ws.pre_dropout[l].col_block(0, m);
    gemm(Trans::No, Trans::No, 1.0f, p.weights, input, 0.0f, before, &epilogue);
    dropout_forward(before, a, state.spec.layers[l].dropout, dropout_stream(state.spec.seed, step, l));
  }
}

double backward_pass(Network::State& state, ConstMatrixView x, ConstMatrixView y, std::int64_t step,
                     const Optimizer* optimizer) {
  const cpu::FlushDenormalsScope flush;
  Workspace& ws = state.workspace;
  const std::int64_t m = y.cols();
  const std::size_t output = state.num_layers() - 1;
  const MatrixView delta = ws.delta.col_block(0, m);
  double cost = nnk::loss_and_delta(state.spec.loss, ws.logits.col_block(0, m), y, delta);
  nnk::bias_gradient(delta, 1.0f / static_cast<float>(m), state.layers[output].bias_grad);

  ConstMatrixView dz = delta;
  for (std::size_t l = output + 1; l-- > 0;) {
    MatrixView dz_previous;
    if (l > 0) {
      // Ping-pong: dZ[l-1] never lands in the buffer dZ[l] is read from.
      dz_previous = ws.hidden_delta[(output - l) % 2].view().block(0, 0, state.units(l - 1), m);
      propagate_delta(state, l, dz, dz_previous, step);  // from W[l] before W[l] is updated
    }
    if (state.regularized())
      cost += nnk::regularization_cost(state.layers[l].weights, Regularization{state.spec.l1, state.spec.l2});
    const ConstMatrixView input = layer_input(state, l, x, m);
    if (optimizer != nullptr) {
      update_layer(state, l, dz, input, *optimizer);
    } else {
      materialize_weight_grad(state, l, dz, input);
    }
    dz = dz_previous;
  }
  return cost;
}

}  // namespace nnk::nn
