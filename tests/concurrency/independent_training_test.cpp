// Many user threads, each training its own network at once: every result is bitwise the one that training gives
// alone (nnk keeps no state between networks that concurrent calls could mix up).
#include <chrono>
#include <latch>
#include <optional>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/networks.hpp"
#include "support/concurrency/training_problems.hpp"
#include "support/concurrency/watchdog.hpp"

namespace nnk::test {
namespace {

TEST(IndependentTraining, ConcurrentFitsMatchEachFitAlone) {
  constexpr int kThreads = 6;  // more than the cores of a small CI machine: threads queue for nnk's arena
  std::vector<TrainingProblem> problems;
  std::vector<Network> alone;
  for (int t = 0; t < kThreads; ++t) {
    problems.push_back(training_problem(t));
    alone.push_back(train(problems.back()));
  }

  std::vector<std::optional<Network>> together(kThreads);
  {
    const Watchdog watchdog("6 threads training their own networks", std::chrono::seconds(300));
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        start.arrive_and_wait();  // all at once, not one after the other
        together[t].emplace(train(problems[t]));
      });
    for (std::thread& thread : threads) thread.join();
  }
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_TRUE(together[t].has_value());
    EXPECT_TRUE(same_parameters(alone[t], *together[t])) << "thread " << t << "'s network differs from training alone";
  }
}

// The same problem trained on several threads at once (same spec and seed, separate networks): identical results,
// so no thread's training leaks into another's even when they run the same shapes at the same moment.
TEST(IndependentTraining, IdenticalConcurrentFitsGiveIdenticalNetworks) {
  constexpr int kThreads = 4;
  const TrainingProblem problem = training_problem(1);  // dropout and Adam: the most per-step state
  const Network alone = train(problem);
  std::vector<std::optional<Network>> together(kThreads);
  {
    const Watchdog watchdog("4 threads training copies of one network", std::chrono::seconds(300));
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        together[t].emplace(train(problem));
      });
    for (std::thread& thread : threads) thread.join();
  }
  for (int t = 0; t < kThreads; ++t) EXPECT_TRUE(same_parameters(alone, *together[t])) << "thread " << t;
}

}  // namespace
}  // namespace nnk::test
