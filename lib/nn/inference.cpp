#include "nn/inference.hpp"

#include <algorithm>

#include "cpu/float_env.hpp"
#include "nn/gemm.hpp"
#include "nn/network_checks.hpp"
#include "nnk/kernels.hpp"
#include "nnk/network.hpp"

namespace nnk::nn {

namespace {

// Columns per block: enough for the GEMMs to run at full speed, small enough to keep the scratch in L2-ish sizes.
constexpr std::int64_t kBlockColumns = 1024;

}  // namespace

void infer(const Network::State& state, ConstMatrixView x, MatrixView out, InferenceOutput what) {
  InferenceScratch scratch;
  infer(state, x, out, what, scratch);
}

void infer(const Network::State& state, ConstMatrixView x, MatrixView out, InferenceOutput what,
           InferenceScratch& scratch) {
  const cpu::FlushDenormalsScope flush;  // as in training: the same flushing for every kernel of the pass
  const std::size_t output = state.num_layers() - 1;
  std::int64_t widest_hidden = 0;
  for (std::size_t l = 0; l < output; ++l) widest_hidden = std::max(widest_hidden, state.units(l));
  const std::int64_t block_columns = std::min(kBlockColumns, x.cols());
  for (Matrix& a : scratch.a)
    if (output > 0 && (a.rows() < widest_hidden || a.cols() < block_columns))
      a = Matrix(std::max(a.rows(), widest_hidden), std::max(a.cols(), block_columns));

  for (std::int64_t col0 = 0; col0 < x.cols(); col0 += block_columns) {
    const std::int64_t n = std::min(block_columns, x.cols() - col0);
    ConstMatrixView input = x.col_block(col0, n);
    for (std::size_t l = 0; l <= output; ++l) {
      const LayerParameters& p = state.layers[l];
      GemmEpilogue epilogue{.bias = p.bias.data()};
      if (l == output) {
        const MatrixView z = out.col_block(col0, n);
        gemm(Trans::No, Trans::No, 1.0f, p.weights, input, 0.0f, z, &epilogue);
        if (what == InferenceOutput::Activations)
          nnk::bias_activation_forward(state.spec.layers[l].activation, z, ConstMatrixView(), z);
        break;
      }
      epilogue.activation = state.spec.layers[l].activation;
      const MatrixView a = scratch.a[l % 2].view().block(0, 0, state.units(l), n);
      gemm(Trans::No, Trans::No, 1.0f, p.weights, input, 0.0f, a, &epilogue);
      input = a;
    }
  }
}

}  // namespace nnk::nn

namespace nnk {

void Network::predict(ConstMatrixView x, MatrixView out) const {
  constexpr const char* kFunction = "nnk::Network::predict";
  nn::check_input(kFunction, *state_, x);
  if (out.rows() != outputs() || out.cols() != x.cols())
    detail::fail(kFunction, ": out is ", out.rows(), " x ", out.cols(), ", expected outputs x columns of x = ",
                 outputs(), " x ", x.cols());
  nn::infer(*state_, x, out, nn::InferenceOutput::Activations);
}

Matrix Network::predict(ConstMatrixView x) const {
  nn::check_input("nnk::Network::predict", *state_, x);
  Matrix out(outputs(), x.cols());
  nn::infer(*state_, x, out, nn::InferenceOutput::Activations);
  return out;
}

}  // namespace nnk
