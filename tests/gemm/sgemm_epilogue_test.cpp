// The fused GEMM epilogue against the reference kernels run one after another.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <tuple>
#include <vector>

#include "nnk/cpu.hpp"
#include "nnk/gemm.hpp"
#include "nnk/ref.hpp"
#include "support/errors.hpp"
#include "support/isa.hpp"
#include "support/random.hpp"
#include "support/tolerance.hpp"

namespace nnk {
namespace {

struct EpilogueCase {
  std::int64_t m, n, k;
  bool bias;
  Activation activation;
  bool derivative;
  Activation derivative_activation;
  bool row_sums;
};

// Runs the fused GEMM and the reference sequence (GEMM, bias + activation, product with g'(S), row sums).
// Tolerance: the GEMM bound on the pre-activation (the activations are 1-Lipschitz, so it carries through),
// plus a few float roundings of the epilogue math; row sums add n such errors.
void check_epilogue(const EpilogueCase& e, std::uint64_t seed) {
  NNK_SEED_TRACE(seed);
  SCOPED_TRACE(::testing::Message() << "m=" << e.m << " n=" << e.n << " k=" << e.k << " bias=" << e.bias
                                    << " g=" << to_string(e.activation) << " derivative=" << e.derivative << "/"
                                    << to_string(e.derivative_activation) << " row_sums=" << e.row_sums);
  const Matrix a = test::random_matrix(e.m, e.k, seed);
  const Matrix b = test::random_matrix(e.k, e.n, seed + 1);
  const Matrix bias = test::random_matrix(e.m, 1, seed + 2);
  // S is an activation output: in (0, 1) suits sigmoid, tanh and ReLU (some zeros for ReLU).
  Matrix s = test::random_matrix(e.m, e.n, seed + 3, -0.2f, 1.0f);
  for (std::int64_t j = 0; j < e.n; ++j)
    for (std::int64_t i = 0; i < e.m; ++i) s(i, j) = std::max(0.0f, s(i, j));
  const float alpha = 0.5f;

  Matrix expected(e.m, e.n);
  ref::sgemm(Trans::No, Trans::No, e.m, e.n, e.k, alpha, a.data(), a.ld(), b.data(), b.ld(), 0.0f, expected.data(),
             expected.ld());
  ref::bias_activation_forward(e.activation, expected, e.bias ? ConstMatrixView(bias) : ConstMatrixView(), expected);
  if (e.derivative) {
    Matrix d(e.m, e.n);
    ref::activation_derivative(e.derivative_activation, s, d);
    for (std::int64_t j = 0; j < e.n; ++j)
      for (std::int64_t i = 0; i < e.m; ++i) expected(i, j) *= d(i, j);
  }
  Matrix expected_sums(e.m, 1);
  ref::bias_gradient(expected, 0.25f, expected_sums);

  Matrix got(e.m, e.n);
  got.fill(std::nanf(""));  // beta == 0: never read
  std::vector<float> sums(static_cast<std::size_t>(e.m), std::nanf(""));
  GemmEpilogue epilogue;
  if (e.bias) epilogue.bias = bias.data();
  epilogue.activation = e.activation;
  if (e.derivative) {
    epilogue.derivative_of = s.data();
    epilogue.derivative_ld = s.ld();
    epilogue.derivative_activation = e.derivative_activation;
  }
  if (e.row_sums) {
    epilogue.row_sums = sums.data();
    epilogue.row_sums_scale = 0.25f;
  }
  sgemm(Trans::No, Trans::No, e.m, e.n, e.k, alpha, a.data(), a.ld(), b.data(), b.ld(), 0.0f, got.data(), got.ld(),
        epilogue);

  const Matrix magnitude = test::gemm_magnitude(Trans::No, Trans::No, alpha, a, b, 0.0f, got);
  double magnitude_max = 0;
  for (std::int64_t j = 0; j < e.n; ++j)
    for (std::int64_t i = 0; i < e.m; ++i) magnitude_max = std::max<double>(magnitude_max, magnitude(i, j));
  const double element_tol = test::gemm_error_bound(e.k) * (magnitude_max + 1.0) + 4e-7;
  EXPECT_TRUE(test::matrices_near(expected, got, element_tol, 4 * 1.2e-7));
  if (e.row_sums) {
    for (std::int64_t i = 0; i < e.m; ++i)
      EXPECT_NEAR(sums[static_cast<std::size_t>(i)], expected_sums(i, 0), 0.25 * e.n * (element_tol + 1e-6))
          << "row " << i;
  }
}

class SgemmEpilogueTest : public test::PerIsaTest {};

TEST_P(SgemmEpilogueTest, MatchesTheReferenceSequence) {
  std::uint64_t seed = test::base_seed();
  const Activation activations[] = {Activation::Identity, Activation::Sigmoid, Activation::Tanh, Activation::ReLU};
  for (auto [m, n, k] : {std::tuple<std::int64_t, std::int64_t, std::int64_t>{1, 1, 1}, {31, 13, 7}, {70, 50, 33},
                         {129, 25, 300}})
    for (Activation g : activations) {
      check_epilogue({m, n, k, true, g, false, Activation::Identity, false}, seed++);
      check_epilogue({m, n, k, false, Activation::Identity, true, g, true}, seed++);
      check_epilogue({m, n, k, true, g, true, Activation::Tanh, true}, seed++);
    }
}

// Row sums come from per-tile partials added in a fixed order: the same bits for any thread count.
TEST_P(SgemmEpilogueTest, RowSumsAreBitwiseIdenticalForAnyThreadCount) {
  const std::int64_t m = 300, n = 257, k = 200;
  const Matrix a = test::random_matrix(m, k, test::base_seed());
  const Matrix b = test::random_matrix(k, n, test::base_seed() + 1);
  std::vector<std::vector<float>> sums;
  std::vector<Matrix> outs;
  for (int threads : {1, 2, 3, 4}) {
    ScopedNumThreads scope(threads);
    Matrix c(m, n);
    std::vector<float> row_sums(m);
    GemmEpilogue e;
    e.activation = Activation::Tanh;
    e.row_sums = row_sums.data();
    sgemm(Trans::No, Trans::No, m, n, k, 1.0f, a.data(), a.ld(), b.data(), b.ld(), 0.0f, c.data(), c.ld(), e);
    sums.push_back(row_sums);
    outs.push_back(c);
  }
  for (std::size_t t = 1; t < sums.size(); ++t) {
    EXPECT_EQ(0, std::memcmp(sums[0].data(), sums[t].data(), sums[0].size() * sizeof(float))) << "threads " << t + 1;
    EXPECT_TRUE(test::matrices_equal(outs[0], outs[t]));
  }
}

// k == 0 (C = beta * C) still runs the epilogue on every element.
TEST_P(SgemmEpilogueTest, RunsWhenKIsZero) {
  Matrix c(5, 4);
  c.fill(2.0f);
  const float bias[5] = {1, 2, 3, 4, 5};
  std::vector<float> sums(5);
  GemmEpilogue e;
  e.bias = bias;
  e.row_sums = sums.data();
  sgemm(Trans::No, Trans::No, 5, 4, 0, 1.0f, nullptr, 5, nullptr, 1, 0.5f, c.data(), c.ld(), e);
  for (std::int64_t i = 0; i < 5; ++i) {
    EXPECT_EQ(c(i, 3), 1.0f + bias[i]);
    EXPECT_EQ(sums[static_cast<std::size_t>(i)], 4 * (1.0f + bias[i]));
  }
}

INSTANTIATE_TEST_SUITE_P(Isa, SgemmEpilogueTest, ::testing::ValuesIn(test::all_isas()), test::isa_param_name);

TEST(SgemmEpilogueArguments, BadEpiloguesAreErrors) {
  float x[16] = {};
  GemmEpilogue softmax;
  softmax.activation = Activation::Softmax;
  EXPECT_TRUE(test::throws_error_containing(
      [&] { sgemm(Trans::No, Trans::No, 2, 2, 2, 1, x, 2, x, 2, 0, x + 8, 2, softmax); },
      {"epilogue.activation must be elementwise", "got Softmax"}));
  GemmEpilogue narrow;
  narrow.derivative_of = x;
  narrow.derivative_ld = 1;
  EXPECT_TRUE(test::throws_error_containing(
      [&] { sgemm(Trans::No, Trans::No, 2, 2, 2, 1, x, 2, x, 2, 0, x + 8, 2, narrow); },
      {"epilogue.derivative_ld must be >= max(1, m) = 2", "got 1"}));
}

}  // namespace
}  // namespace nnk
