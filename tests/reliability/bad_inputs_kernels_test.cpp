// Bad inputs at the kernel-level entry points: nnk::sgemm (BLAS and view forms, epilogue), the optimized kernels
// (nnk/kernels.hpp) and the reference kernels (nnk/ref.hpp) with the same contracts, Matrix and its views, thread
// and ISA control, the FMA peak loop.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "nnk/cpu.hpp"
#include "nnk/gemm.hpp"
#include "nnk/kernels.hpp"
#include "nnk/matrix.hpp"
#include "nnk/peak.hpp"
#include "nnk/ref.hpp"
#include "nnk/types.hpp"
#include "support/reliability/bad_input_table.hpp"

namespace nnk::test {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

TEST(BadInputs, Sgemm) {
  float a[64] = {}, b[64] = {}, c[64] = {};
  const Matrix a34(3, 4), b45(4, 5), b35(3, 5), c35(3, 5);
  Matrix c36(3, 6);
  Matrix c_out(3, 5);
  GemmEpilogue softmax{.activation = Activation::Softmax};
  GemmEpilogue short_ld{.derivative_of = b, .derivative_ld = 2, .derivative_activation = Activation::Tanh};
  expect_rows_rejected({
      {"nnk::sgemm (BLAS form)", "m < 0",
       [&] { sgemm(Trans::No, Trans::No, -1, 2, 2, 1, a, 1, b, 2, 0, c, 1); },
       {"nnk::sgemm: m must be >= 0, got -1"}},
      {"nnk::sgemm (BLAS form)", "k < 0",
       [&] { sgemm(Trans::No, Trans::No, 2, 2, -3, 1, a, 2, b, 1, 0, c, 2); },
       {"nnk::sgemm: k must be >= 0, got -3"}},
      {"nnk::sgemm (BLAS form)", "lda < m",
       [&] { sgemm(Trans::No, Trans::No, 5, 2, 2, 1, a, 3, b, 2, 0, c, 5); },
       {"nnk::sgemm: lda must be >= max(1, m) = 5, got 3"}},
      {"nnk::sgemm (BLAS form)", "ldb < n with op(B) = B^T",
       [&] { sgemm(Trans::No, Trans::Yes, 2, 4, 2, 1, a, 2, b, 3, 0, c, 2); },
       {"nnk::sgemm: ldb must be >= max(1, n) = 4, got 3"}},
      {"nnk::sgemm (BLAS form)", "ldc < m",
       [&] { sgemm(Trans::No, Trans::No, 4, 2, 2, 1, a, 4, b, 2, 0, c, 1); },
       {"nnk::sgemm: ldc must be >= max(1, m) = 4, got 1"}},
      {"nnk::sgemm (BLAS form)", "a is null",
       [&] { sgemm(Trans::No, Trans::No, 2, 2, 2, 1, nullptr, 2, b, 2, 0, c, 2); },
       {"nnk::sgemm: a is null but must hold a 2 x 2 matrix"}},
      {"nnk::sgemm (BLAS form)", "c is null",
       [&] { sgemm(Trans::No, Trans::No, 2, 2, 2, 1, a, 2, b, 2, 0, nullptr, 2); },
       {"nnk::sgemm: c is null"}},
      {"nnk::sgemm (BLAS form)", "trans_a not a Trans value",
       [&] { sgemm(static_cast<Trans>(7), Trans::No, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2); },
       {"nnk::sgemm: trans_a must be Trans::No or Trans::Yes, got 7"}},
      {"nnk::sgemm (view form)", "inner dimensions differ (3x4 * 3x5)",
       [&] { sgemm(Trans::No, Trans::No, 1, a34, b35, 0, c_out); },
       {"nnk::sgemm: op(b) has 3 rows, expected the 4 columns of op(a)"}},
      {"nnk::sgemm (view form)", "c has the wrong shape (3x6 for 3x5)",
       [&] { sgemm(Trans::No, Trans::No, 1, a34, b45, 0, c36); },
       {"nnk::sgemm: c is 3 x 6, expected op(a) * op(b) = 3 x 5"}},
      {"nnk::sgemm (epilogue)", "activation = Softmax",
       [&] { sgemm(Trans::No, Trans::No, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2, softmax); },
       {"nnk::sgemm: epilogue.activation must be elementwise", "got Softmax"}},
      {"nnk::sgemm (epilogue)", "derivative_ld < m",
       [&] { sgemm(Trans::No, Trans::No, 4, 2, 2, 1, a, 4, b, 2, 0, c, 4, short_ld); },
       {"nnk::sgemm: epilogue.derivative_ld must be >= max(1, m) = 4, got 2"}},
  });
}

// Each kernel of nnk/kernels.hpp and its nnk::ref twin get the same bad arguments and name themselves.
struct KernelSet {
  const char* prefix;  // "nnk::" or "nnk::ref::"
  decltype(&nnk::bias_activation_forward) bias_activation_forward;
  decltype(&nnk::activation_derivative) activation_derivative;
  decltype(&nnk::activation_backward) activation_backward;
  decltype(&nnk::loss_and_delta) loss_and_delta;
  decltype(&nnk::bias_gradient) bias_gradient;
  decltype(&nnk::regularization_cost) regularization_cost;
  decltype(&nnk::sgd_update) sgd_update;
  decltype(&nnk::adam_update) adam_update;
};

const KernelSet kKernelSets[] = {
    {"nnk::", &nnk::bias_activation_forward, &nnk::activation_derivative, &nnk::activation_backward,
     &nnk::loss_and_delta, &nnk::bias_gradient, &nnk::regularization_cost, &nnk::sgd_update, &nnk::adam_update},
    {"nnk::ref::", &nnk::ref::bias_activation_forward, &nnk::ref::activation_derivative,
     &nnk::ref::activation_backward, &nnk::ref::loss_and_delta, &nnk::ref::bias_gradient,
     &nnk::ref::regularization_cost, &nnk::ref::sgd_update, &nnk::ref::adam_update},
};

TEST(BadInputs, ActivationLossAndOptimizerKernels) {
  for (const KernelSet& k : kKernelSets) {
    const std::string p = k.prefix;
    Matrix z(3, 4), a(3, 4), a35(3, 5), bias21(2, 1), empty_z(0, 4), db(4, 1), w(3, 4), dw(3, 4), dw43(4, 3),
        velocity(2, 2), m1(3, 4), m2(3, 4);
    expect_rows_rejected({
        {p + "bias_activation_forward", "a is 3x5 for z 3x4",
         [&] { k.bias_activation_forward(Activation::ReLU, z, {}, a35); },
         {p + "bias_activation_forward: a is 3 x 5, expected the shape of z, 3 x 4"}},
        {p + "bias_activation_forward", "bias is 2x1 for z with 3 rows",
         [&] { k.bias_activation_forward(Activation::Tanh, z, bias21, a); },
         {p + "bias_activation_forward: bias is 2 x 1, expected rows(z) x 1 = 3 x 1"}},
        {p + "bias_activation_forward", "g not an Activation value",
         [&] { k.bias_activation_forward(static_cast<Activation>(42), z, {}, a); },
         {p + "bias_activation_forward: g must be a nnk::Activation enumerator, got 42"}},
        {p + "activation_derivative", "g = Softmax",
         [&] { k.activation_derivative(Activation::Softmax, a, z); },
         {p + "activation_derivative: g = Softmax has no elementwise derivative"}},
        {p + "activation_derivative", "derivative has the wrong shape",
         [&] { k.activation_derivative(Activation::Sigmoid, a, a35); },
         {p + "activation_derivative: derivative is 3 x 5, expected the shape of a, 3 x 4"}},
        {p + "activation_backward", "da has the wrong shape",
         [&] { k.activation_backward(Activation::ReLU, a, a35, z); },
         {p + "activation_backward: da is 3 x 5, expected the shape of a, 3 x 4"}},
        {p + "loss_and_delta", "z has 0 rows",
         [&] { k.loss_and_delta(Loss::MeanSquaredError, empty_z, empty_z, empty_z); },
         {p + "loss_and_delta: z has 0 rows, expected at least 1 output unit"}},
        {p + "loss_and_delta", "y has the wrong shape",
         [&] { k.loss_and_delta(Loss::BinaryCrossEntropy, z, a35, a); },
         {p + "loss_and_delta: y is 3 x 5, expected the shape of z, 3 x 4"}},
        {p + "loss_and_delta", "loss not a Loss value",
         [&] { k.loss_and_delta(static_cast<Loss>(-1), z, a, a); },
         {p + "loss_and_delta: loss must be a nnk::Loss enumerator, got -1"}},
        {p + "bias_gradient", "db is 4x1 for dz with 3 rows",
         [&] { k.bias_gradient(z, 1.0f, db); },
         {p + "bias_gradient: db is 4 x 1, expected rows(dz) x 1 = 3 x 1"}},
        {p + "regularization_cost", "reg.l1 < 0",
         [&] { k.regularization_cost(w, Regularization{.l1 = -0.5f}); },
         {p + "regularization_cost: reg.l1 must be finite and >= 0, got -0.5"}},
        {p + "regularization_cost", "reg.l2 = NaN",
         [&] { k.regularization_cost(w, Regularization{.l2 = kNaN}); },
         {p + "regularization_cost: reg.l2 must be finite and >= 0, got nan"}},
        {p + "sgd_update", "learning_rate < 0",
         [&] { k.sgd_update(w, dw, {}, Sgd{.learning_rate = -0.1f}, {}); },
         {p + "sgd_update: opt.learning_rate must be finite and >= 0, got -0.1"}},
        {p + "sgd_update", "momentum = 1",
         [&] { k.sgd_update(w, dw, w, Sgd{.learning_rate = 0.1f, .momentum = 1.0f}, {}); },
         {p + "sgd_update: opt.momentum must be in [0, 1), got 1"}},
        {p + "sgd_update", "velocity 2x2 for w 3x4 with momentum",
         [&] { k.sgd_update(w, dw, velocity, Sgd{.learning_rate = 0.1f, .momentum = 0.9f}, {}); },
         {p + "sgd_update: velocity is 2 x 2, expected the shape of w, 3 x 4 (momentum != 0)"}},
        {p + "sgd_update", "dw transposed (4x3 for w 3x4)",
         [&] { k.sgd_update(w, dw43, {}, Sgd{}, {}); },
         {p + "sgd_update: dw is 4 x 3, expected the shape of w, 3 x 4"}},
        {p + "adam_update", "step = 0",
         [&] { k.adam_update(w, dw, m1, m2, 0, Adam{}, {}); },
         {p + "adam_update: step must be >= 1 (the first step is 1), got 0"}},
        {p + "adam_update", "beta2 = 1",
         [&] { k.adam_update(w, dw, m1, m2, 1, Adam{.beta2 = 1.0f}, {}); },
         {p + "adam_update: opt.beta2 must be in [0, 1), got 1"}},
        {p + "adam_update", "epsilon = 0",
         [&] { k.adam_update(w, dw, m1, m2, 1, Adam{.epsilon = 0.0f}, {}); },
         {p + "adam_update: opt.epsilon must be finite and > 0, got 0"}},
        {p + "adam_update", "learning_rate = inf",
         [&] { k.adam_update(w, dw, m1, m2, 1, Adam{.learning_rate = std::numeric_limits<float>::infinity()}, {}); },
         {p + "adam_update: opt.learning_rate must be finite and >= 0, got inf"}},
        {p + "adam_update", "m2 has the wrong shape",
         [&] { k.adam_update(w, dw, m1, a35, 1, Adam{}, {}); },
         {p + "adam_update: m2 is 3 x 5, expected the shape of w, 3 x 4"}},
    });
  }
}

TEST(BadInputs, ReferenceSgemm) {
  float a[16] = {}, b[16] = {}, c[16] = {};
  expect_rows_rejected({
      {"nnk::ref::sgemm", "n < 0", [&] { ref::sgemm(Trans::No, Trans::No, 2, -2, 2, 1, a, 2, b, 2, 0, c, 2); },
       {"nnk::ref::sgemm: n must be >= 0, got -2"}},
      {"nnk::ref::sgemm", "lda < k with op(A) = A^T",
       [&] { ref::sgemm(Trans::Yes, Trans::No, 2, 2, 3, 1, a, 2, b, 3, 0, c, 2); },
       {"nnk::ref::sgemm: lda must be >= max(1, k) = 3, got 2"}},
      {"nnk::ref::sgemm", "b is null", [&] { ref::sgemm(Trans::No, Trans::No, 2, 2, 2, 1, a, 2, nullptr, 2, 0, c, 2); },
       {"nnk::ref::sgemm: b is null, expected a 2 x 2 matrix"}},
  });
}

TEST(BadInputs, MatrixAndViews) {
  float data[8] = {};
  const Matrix m(3, 4);
  expect_rows_rejected({
      {"nnk::Matrix", "rows < 0", [] { Matrix(-1, 2); }, {"nnk::Matrix: rows must be >= 0, got -1"}},
      {"nnk::Matrix", "2^40 x 2^20 elements (beyond the address space)",
       [] { Matrix(std::int64_t{1} << 40, std::int64_t{1} << 20); },
       {"nnk::Matrix: 1099511627776 x 1048576 elements exceed the addressable size"}},
      {"nnk::Matrix", "2^36 x 2^4 floats (4 TiB: the allocation fails)",
       [] { Matrix(std::int64_t{1} << 36, 16); },
       {"nnk::Matrix: cannot allocate 68719476736 x 16 floats (4398046511104 bytes)"}},
      {"nnk::ConstMatrixView", "ld < rows", [&] { ConstMatrixView(data, 4, 2, 3); },
       {"nnk::ConstMatrixView: ld must be >= max(1, rows) = 4, got 3"}},
      {"nnk::MatrixView", "null data for a 2x2 view", [] { MatrixView(nullptr, 2, 2); },
       {"nnk::MatrixView: data is null for a 2 x 2 matrix"}},
      {"nnk::MatrixView", "cols < 0", [&] { MatrixView(data, 2, -1); }, {"nnk::MatrixView: cols must be >= 0, got -1"}},
      {"nnk::ConstMatrixView::col_block", "columns beyond the matrix", [&] { (void)m.col_block(2, 3); },
       {"nnk::ConstMatrixView::block: columns [2, 5) must lie within [0, 4)"}},
      {"nnk::MatrixView::block", "negative row offset", [&] { (void)MatrixView(data, 2, 4).block(-1, 0, 1, 1); },
       {"nnk::MatrixView::block: rows [-1, 0) must lie within [0, 2)"}},
  });
}

TEST(BadInputs, ThreadsIsaAndPeak) {
  expect_rows_rejected({
      {"nnk::set_num_threads", "n = 0", [] { set_num_threads(0); }, {"nnk::set_num_threads: n must be >= 1, got 0"}},
      {"nnk::ScopedNumThreads", "n = -3", [] { ScopedNumThreads scoped(-3); },
       {"nnk::ScopedNumThreads: n must be >= 1, got -3"}},
      {"nnk::set_active_isa", "not an Isa value", [] { set_active_isa(static_cast<Isa>(9)); },
       {"nnk::set_active_isa: isa must be a nnk::Isa enumerator, got 9"}},
      {"nnk::run_fma_peak_loop", "rounds < 0", [] { (void)run_fma_peak_loop(-1); },
       {"nnk::run_fma_peak_loop: rounds must be >= 0, got -1"}},
      {"nnk::output_activation", "not a Loss value", [] { (void)output_activation(static_cast<Loss>(5)); },
       {"nnk::output_activation: loss must be a nnk::Loss enumerator, got 5"}},
  });
  if (supported_isas().size() < 3) {
    // An ISA the CPU lacks (only testable on a CPU without AVX-512 or AVX2).
    const Isa missing = supported_isas().front() == Isa::Avx2 ? Isa::Avx512 : Isa::Avx2;
    expect_rows_rejected({{"nnk::set_active_isa", "an ISA the CPU lacks", [=] { set_active_isa(missing); },
                           {"is not supported by this CPU"}}});
  }
}

}  // namespace
}  // namespace nnk::test
