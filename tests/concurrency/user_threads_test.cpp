// nnk called from plain std::threads with different thread counts: per-thread ScopedNumThreads, and the
// process-wide set_num_threads changed while other threads run. Results are bitwise those of one thread (nnk is
// deterministic for any thread count), and each thread's scoped count stays its own.
#include <atomic>
#include <chrono>
#include <latch>
#include <optional>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/concurrency/gemm_cases.hpp"
#include "support/networks.hpp"
#include "nnk/cpu.hpp"
#include "support/concurrency/training_problems.hpp"
#include "support/concurrency/watchdog.hpp"

namespace nnk::test {
namespace {

constexpr int kThreads = 6;

TEST(UserThreads, EachWithItsOwnScopedThreadCount) {
  std::vector<GemmCase> cases;
  std::vector<TrainingProblem> problems;
  std::vector<Network> alone;
  for (int t = 0; t < kThreads; ++t) {
    cases.push_back(gemm_case(t));
    problems.push_back(training_problem(t));
    const ScopedNumThreads one(1);
    alone.push_back(train_steps(problems.back(), 3));
  }
  const int outside = num_threads();

  std::vector<int> seen_inside(kThreads, 0);
  std::vector<int> gemm_ok(kThreads, 0);
  std::vector<std::optional<Network>> trained(kThreads);
  {
    const Watchdog watchdog("std::threads with different ScopedNumThreads", std::chrono::seconds(300));
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        const ScopedNumThreads scoped(1 + t % 4);  // 1, 2, 3, 4, 1, 2
        start.arrive_and_wait();
        gemm_ok[t] = matches(cases[t], run_gemm(cases[t]));
        trained[t].emplace(train_steps(problems[t], 3));
        seen_inside[t] = num_threads();  // after the others set theirs: still this thread's own
      });
    for (std::thread& thread : threads) thread.join();
  }
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(seen_inside[t], 1 + t % 4) << "thread " << t << " sees another thread's ScopedNumThreads";
    EXPECT_TRUE(gemm_ok[t]) << "thread " << t << ": sgemm differs from one thread";
    EXPECT_TRUE(same_parameters(alone[t], *trained[t])) << "thread " << t << ": training differs from one thread";
  }
  EXPECT_EQ(num_threads(), outside) << "a user thread's ScopedNumThreads leaked into the main thread";
}

// set_num_threads is process-wide: one thread changes it over and over while the others compute. Each call uses
// whatever count it reads; the results must not change.
TEST(UserThreads, ProcessWideCountChangedWhileOthersRun) {
  std::vector<GemmCase> cases;
  for (int t = 0; t < kThreads; ++t) cases.push_back(gemm_case(t));
  const TrainingProblem problem = training_problem(2);
  Network alone = [&] {
    const ScopedNumThreads one(1);
    return train_steps(problem, 3);
  }();
  const int before = num_threads();

  std::atomic<bool> done{false};
  std::atomic<int> gemm_mismatches{0}, training_mismatches{0};
  {
    const Watchdog watchdog("set_num_threads changing under running threads", std::chrono::seconds(300));
    std::thread changer([&] {
      for (int round = 0; !done.load(); ++round) {
        set_num_threads(1 + round % 3);
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    });
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int round = 0; round < 3; ++round)
          if (!matches(cases[t], run_gemm(cases[t]))) ++gemm_mismatches;
        if (!same_parameters(alone, train_steps(problem, 3))) ++training_mismatches;
      });
    for (std::thread& thread : threads) thread.join();
    done = true;
    changer.join();
  }
  set_num_threads(before);
  EXPECT_EQ(gemm_mismatches.load(), 0);
  EXPECT_EQ(training_mismatches.load(), 0);
}

}  // namespace
}  // namespace nnk::test
