// "No more threads than configured", seen from outside: oneTBB starts a worker thread only when an arena asks for
// one, so the OS threads the process gains while nnk works (counted in /proc/self/task) are the workers nnk's
// arenas took. Each test first lifts oneTBB's process-wide limit far above the core count (global_control), so
// that only nnk's own thread count can hold the number down.
//
// ctest runs every test in a fresh process, where no worker exists yet. Run together in one process the tests
// still hold (workers started earlier are counted in the baseline), just less sharply.
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <chrono>
#include <cstdint>
#include <latch>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/concurrency/gemm_cases.hpp"
#include "nnk/cpu.hpp"
#include "support/concurrency/os_threads.hpp"
#include "support/concurrency/training_problems.hpp"
#include "support/concurrency/watchdog.hpp"

namespace nnk::test {
namespace {

constexpr std::size_t kLiftedLimit = 32;

// oneTBB's thread server may start one thread more than the arenas ask for: when an arena asks again while its
// worker is still on its way to sleep (not yet back in the server's list), the server starts a new thread instead.
// The spare never works in the arena alongside the first (the arena's slots bound that). Seen under load in CI.
constexpr std::int64_t kSpareWorkers = 1;

// The process's threads before any test ran (main, and a sanitizer's own thread where there is one).
const std::int64_t threads_at_start = count_os_threads();

// Restores the process-wide thread count when a test ends.
class ProcessThreadCount {
 public:
  explicit ProcessThreadCount(int n) : previous_(num_threads()) { set_num_threads(n); }
  ~ProcessThreadCount() { set_num_threads(previous_); }
  ProcessThreadCount(const ProcessThreadCount&) = delete;
  ProcessThreadCount& operator=(const ProcessThreadCount&) = delete;

 private:
  int previous_;
};

// Enough nnk work of every kind that a worker would be asked for many times: GEMMs above the threading threshold,
// training steps, fit and predict.
void do_nnk_work(int index) {
  const GemmCase g = gemm_case(index);
  for (int round = 0; round < 4; ++round) EXPECT_TRUE(matches(g, run_gemm(g)));
  const TrainingProblem problem = training_problem(index);
  const Network net = train(problem);
  EXPECT_EQ(net.predict(problem.x).cols(), problem.x.cols());
}

// Workers started while `work` runs on `callers` threads of its own (joined before counting).
template <typename Work>
std::int64_t workers_started(int callers, Work work) {
  const Watchdog watchdog("nnk work for the thread count", std::chrono::seconds(300));
  const std::int64_t before = count_os_threads();  // the watchdog's own thread included
  std::latch start(callers);
  std::vector<std::thread> threads;
  for (int t = 0; t < callers; ++t)
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      work(t);
    });
  for (std::thread& thread : threads) thread.join();
  return count_os_threads() - before;
}

TEST(ThreadLimit, OneThreadRunsEverythingOnTheCaller) {
  const tbb::global_control lifted(tbb::global_control::max_allowed_parallelism, kLiftedLimit);
  const ProcessThreadCount one(1);
  EXPECT_EQ(workers_started(1, do_nnk_work), 0);
}

// The positive control: the count does see nnk's worker. One caller with two threads configured: exactly one
// worker joins it (on a machine with a single core nnk's arena has one slot and no worker is asked for).
TEST(ThreadLimit, TwoThreadsStartExactlyOneWorker) {
  const tbb::global_control lifted(tbb::global_control::max_allowed_parallelism, kLiftedLimit);
  const ProcessThreadCount two(2);
  if (count_os_threads() > threads_at_start)
    GTEST_SKIP() << "earlier tests in this process started oneTBB workers, which nnk may reuse; run this test in a "
                    "process of its own (ctest does)";
  const std::int64_t started = workers_started(1, do_nnk_work);
  if (tbb::info::default_concurrency() < 2) {
    EXPECT_EQ(started, 0);
  } else {
    EXPECT_EQ(started, 1);
  }
}

// Eight callers at once with two threads configured: they share one arena of two slots, so oneTBB needs at most one
// worker for all of them (the callers themselves fill the other slot in turn). An arena per caller would start one
// worker per caller.
TEST(ThreadLimit, TwoThreadsAddAtMostOneWorkerForAnyNumberOfCallers) {
  const tbb::global_control lifted(tbb::global_control::max_allowed_parallelism, kLiftedLimit);
  const ProcessThreadCount two(2);
  EXPECT_LE(workers_started(8, do_nnk_work), 1 + kSpareWorkers);
}

// Per-thread counts: callers with ScopedNumThreads 1, 2 and 3 at once may together add at most (1-1)+(2-1)+(3-1).
TEST(ThreadLimit, ScopedCountsBoundTheWorkersOfEachCaller) {
  const tbb::global_control lifted(tbb::global_control::max_allowed_parallelism, kLiftedLimit);
  const std::int64_t started = workers_started(3, [](int t) {
    const ScopedNumThreads scoped(1 + t);
    do_nnk_work(t);
  });
  EXPECT_LE(started, 0 + 1 + 2 + kSpareWorkers);
}

// Inside a user's 4-thread arena with two nnk threads configured: the user's 3 workers plus at most 1 for nnk.
TEST(ThreadLimit, NestedInAUserArenaAddsAtMostNnksShare) {
  const tbb::global_control lifted(tbb::global_control::max_allowed_parallelism, kLiftedLimit);
  const ProcessThreadCount two(2);
  tbb::task_arena user_arena(4);
  const std::int64_t started = workers_started(1, [&](int) {
    user_arena.execute([] { tbb::parallel_for(0, 8, [](int i) { do_nnk_work(i); }); });
  });
  EXPECT_LE(started, 3 + 1 + kSpareWorkers);
}

}  // namespace
}  // namespace nnk::test
