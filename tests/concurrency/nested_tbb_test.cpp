// nnk called from inside a user's own tbb::parallel_for: every call gives the result it gives alone, and nothing
// deadlocks (a watchdog aborts the test instead of letting it hang). nnk runs its work in its own arenas; the
// user's workers that call in must wait there without starving either arena.
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "support/concurrency/gemm_cases.hpp"
#include "support/networks.hpp"
#include "support/concurrency/training_problems.hpp"
#include "support/concurrency/watchdog.hpp"

namespace nnk::test {
namespace {

constexpr int kIterations = 16;

// Runs body(i) for i in [0, kIterations) as a user's tbb::parallel_for, one iteration per task.
template <typename Body>
void user_parallel_for(Body&& body) {
  tbb::parallel_for(tbb::blocked_range<int>(0, kIterations, 1), [&](const tbb::blocked_range<int>& r) {
    for (int i = r.begin(); i < r.end(); ++i) body(i);
  });
}

std::vector<GemmCase> gemm_cases() {
  std::vector<GemmCase> cases;
  for (int i = 0; i < kIterations; ++i) cases.push_back(gemm_case(i));
  return cases;
}

int count_gemm_mismatches(const std::vector<GemmCase>& cases) {
  std::atomic<int> mismatches{0};
  user_parallel_for([&](int i) {
    if (!matches(cases[i], run_gemm(cases[i]))) ++mismatches;
  });
  return mismatches.load();
}

TEST(NestedTbb, SgemmInsideUserParallelFor) {
  const std::vector<GemmCase> cases = gemm_cases();
  const Watchdog watchdog("sgemm inside a user's tbb::parallel_for", std::chrono::seconds(180));
  EXPECT_EQ(count_gemm_mismatches(cases), 0);
}

// More user threads than nnk's arena has slots (the process may run more TBB threads than there are cores):
// callers that find nnk's arena full must wait for a slot, not deadlock.
TEST(NestedTbb, SgemmInsideAUserArenaWiderThanNnks) {
  const std::vector<GemmCase> cases = gemm_cases();
  const tbb::global_control allow(tbb::global_control::max_allowed_parallelism, 8);
  tbb::task_arena user_arena(6);
  const Watchdog watchdog("sgemm inside a 6-thread user arena", std::chrono::seconds(180));
  int mismatches = -1;
  user_arena.execute([&] { mismatches = count_gemm_mismatches(cases); });
  EXPECT_EQ(mismatches, 0);
}

TEST(NestedTbb, TrainStepInsideUserParallelFor) {
  std::vector<TrainingProblem> problems;
  std::vector<Network> alone;
  for (int i = 0; i < kIterations; ++i) {
    problems.push_back(training_problem(i));
    alone.push_back(train_steps(problems.back(), 3));
  }
  std::vector<std::optional<Network>> nested(kIterations);
  {
    const Watchdog watchdog("train_step inside a user's tbb::parallel_for", std::chrono::seconds(300));
    user_parallel_for([&](int i) { nested[i].emplace(train_steps(problems[i], 3)); });
  }
  for (int i = 0; i < kIterations; ++i) EXPECT_TRUE(same_parameters(alone[i], *nested[i])) << "iteration " << i;
}

// A user's parallel_for inside a user's parallel_for, nnk at the bottom: the deepest nesting a caller can build.
TEST(NestedTbb, SgemmTwoUserLevelsDown) {
  const std::vector<GemmCase> cases = gemm_cases();
  const Watchdog watchdog("sgemm two user parallel_for levels down", std::chrono::seconds(180));
  std::atomic<int> mismatches{0};
  tbb::parallel_for(0, 4, [&](int outer) {
    tbb::parallel_for(0, 4, [&](int inner) {
      const GemmCase& g = cases[static_cast<std::size_t>(outer * 4 + inner)];
      if (!matches(g, run_gemm(g))) ++mismatches;
    });
  });
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace nnk::test
