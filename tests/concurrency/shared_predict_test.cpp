// predict on one shared const Network from many threads at once: every output is bitwise the single-threaded one.
#include <atomic>
#include <bit>
#include <chrono>
#include <cstdint>
#include <latch>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "nnk/cpu.hpp"
#include "support/random.hpp"
#include "support/concurrency/training_problems.hpp"
#include "support/concurrency/watchdog.hpp"

namespace nnk::test {
namespace {

bool same_bits(ConstMatrixView a, ConstMatrixView b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (std::int64_t j = 0; j < a.cols(); ++j)
    for (std::int64_t i = 0; i < a.rows(); ++i)
      if (std::bit_cast<std::uint32_t>(a(i, j)) != std::bit_cast<std::uint32_t>(b(i, j))) return false;
  return true;
}

TEST(SharedPredict, ManyThreadsOnOneConstNetworkMatchOneThread) {
  const TrainingProblem problem = training_problem(4);
  const Network trained = train(problem);
  const Network& net = trained;  // only the const interface from here on
  const Matrix x = random_matrix(net.inputs(), 300, derive_seed(950));
  // Batch sizes from one column to above a GEMM's threading threshold; each thread visits them in its own order.
  const std::vector<std::int64_t> batch_sizes = {1, 7, 64, 129, 300};
  std::vector<Matrix> expected;
  {
    const ScopedNumThreads one(1);
    for (std::int64_t m : batch_sizes) expected.push_back(net.predict(x.col_block(0, m)));
  }

  constexpr int kThreads = 8, kRounds = 6;
  std::atomic<int> mismatches{0};
  {
    const Watchdog watchdog("8 threads predicting with one network", std::chrono::seconds(300));
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        for (int round = 0; round < kRounds; ++round) {
          const std::size_t s = static_cast<std::size_t>(t + round) % batch_sizes.size();
          const ConstMatrixView batch = x.col_block(0, batch_sizes[s]);
          if (round % 2 == 0) {
            if (!same_bits(net.predict(batch), expected[s])) ++mismatches;
          } else {
            Matrix out(net.outputs(), batch_sizes[s]);  // the overload that writes into the caller's matrix
            net.predict(batch, out);
            if (!same_bits(out, expected[s])) ++mismatches;
          }
        }
      });
    for (std::thread& thread : threads) thread.join();
  }
  EXPECT_EQ(mismatches.load(), 0) << "of " << kThreads * kRounds << " concurrent predictions";
}

}  // namespace
}  // namespace nnk::test
