// The reductions (costs, bias gradient) and every output give the same bits for any thread count: work is split
// into chunks fixed by the shape alone and the partial results are added in chunk order. Losses and activations
// also with streaming stores (forced: support/eltwise/streaming.hpp), which change how outputs are stored, never the
// arithmetic.
#include <cstdint>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "nnk/cpu.hpp"
#include "nnk/kernels.hpp"
#include "support/eltwise/streaming.hpp"
#include "support/isa.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

constexpr int kThreadCounts[] = {1, 2, 3, 4};

class Determinism : public PerIsaTest {};

TEST_P(Determinism, LossAndDeltaAreBitwiseIdenticalForAnyThreadCount) {
  const std::uint64_t seed = derive_seed(3000);
  NNK_SEED_TRACE(seed);
  // 10 x 40000: flat chunks for BCE and MSE, many column chunks for CCE; 700 x 400: long columns.
  for (auto [rows, cols, streaming] : {std::tuple<std::int64_t, std::int64_t, bool>{10, 40000, false},
                                      {700, 400, false}, {10, 40000, true}, {700, 400, true}}) {
    const ScopedStreamingThreshold stores(streaming ? 0 : -1);  // -1: the default (these outputs stay cached)
    const Matrix z = random_matrix(rows, cols, seed, -8, 8);
    const Matrix y = random_matrix(rows, cols, seed + 1, 0, 1);
    for (Loss loss : {Loss::BinaryCrossEntropy, Loss::CategoricalCrossEntropy, Loss::MeanSquaredError}) {
      SCOPED_TRACE(::testing::Message() << to_string(loss) << " " << rows << " x " << cols << " streaming "
                                        << streaming);
      Matrix first_delta(rows, cols);
      double first_cost = 0;
      for (int threads : kThreadCounts) {
        const ScopedNumThreads use(threads);
        Matrix delta(rows, cols);
        const double cost = loss_and_delta(loss, z, y, delta);
        if (threads == 1) {
          first_cost = cost;
          first_delta = delta;
        } else {
          EXPECT_EQ(first_cost, cost) << threads << " threads";
          EXPECT_TRUE(matrices_equal(first_delta, delta)) << threads << " threads";
        }
      }
    }
  }
}

TEST_P(Determinism, RegularizationCostAndBiasGradientAreBitwiseIdenticalForAnyThreadCount) {
  const std::uint64_t seed = derive_seed(3100);
  NNK_SEED_TRACE(seed);
  const Matrix w = random_matrix(3000, 150, seed, -1, 1);  // 450000 elements: several chunks
  std::vector<double> costs;
  std::vector<Matrix> gradients;
  for (int threads : kThreadCounts) {
    const ScopedNumThreads use(threads);
    costs.push_back(regularization_cost(w, {.l1 = 0.1f, .l2 = 0.3f}));
    Matrix db(3000, 1);
    bias_gradient(w, 0.01f, db);
    gradients.push_back(db);
  }
  for (std::size_t k = 1; k < costs.size(); ++k) {
    EXPECT_EQ(costs[0], costs[k]) << kThreadCounts[k] << " threads";
    EXPECT_TRUE(matrices_equal(gradients[0], gradients[k])) << kThreadCounts[k] << " threads";
  }
}

TEST_P(Determinism, ElementwiseKernelsAreBitwiseIdenticalForAnyThreadCount) {
  const std::uint64_t seed = derive_seed(3200);
  NNK_SEED_TRACE(seed);
  const Matrix z = random_matrix(300, 1000, seed, -5, 5);
  const Matrix bias = random_matrix(300, 1, seed + 1);
  std::vector<Matrix> results;
  for (int threads : kThreadCounts) {
    const ScopedStreamingThreshold stores(threads % 2 == 0 ? 0 : -1);  // 2 and 4 threads stream, 1 and 3 do not
    const ScopedNumThreads use(threads);
    Matrix a(300, 1000), softmax(300, 1000), w = z, m1(300, 1000), m2(300, 1000);
    bias_activation_forward(Activation::Tanh, z, bias, a);
    bias_activation_forward(Activation::Softmax, z, {}, softmax);
    adam_update(w, a, m1, m2, 3, Adam{}, {.l2 = 0.01f});
    results.push_back(a);
    results.push_back(softmax);
    results.push_back(w);
  }
  for (std::size_t k = 3; k < results.size(); ++k) EXPECT_TRUE(matrices_equal(results[k % 3], results[k])) << k;
}

INSTANTIATE_TEST_SUITE_P(, Determinism, ::testing::ValuesIn(all_isas()), isa_param_name);

}  // namespace
}  // namespace nnk::test
