// main() of the GoogleTest programs that run under mpirun: every rank runs every test (they are collective), only
// rank 0 prints the usual report, other ranks print just their failures (on stderr, marked with the rank), and
// the job fails on every rank when a test failed on any.
#include <cstdio>
#include <ctime>

#include <gtest/gtest.h>

#include "nnk/mpi.hpp"

namespace {

// Failures of a rank other than 0, which has no result printer: "[rank 2 of 4] file:line: Suite.Test failed: ...".
class RankFailurePrinter : public ::testing::EmptyTestEventListener {
 public:
  RankFailurePrinter(int rank, int size) : rank_(rank), size_(size) {}
  // The test is noted when it starts: OnTestPartResult runs under GoogleTest's own lock, which
  // UnitTest::current_test_info() takes too (asking there would hang the rank).
  void OnTestStart(const ::testing::TestInfo& test) override { test_ = &test; }
  void OnTestEnd(const ::testing::TestInfo&) override { test_ = nullptr; }
  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (!result.failed()) return;
    std::fprintf(stderr, "[rank %d of %d] %s:%d: %s.%s failed:\n%s\n", rank_, size_,
                 result.file_name() ? result.file_name() : "?", result.line_number(),
                 test_ ? test_->test_suite_name() : "?", test_ ? test_->name() : "?", result.message());
    std::fflush(stderr);
  }

 private:
  int rank_;
  int size_;
  const ::testing::TestInfo* test_ = nullptr;
};

}  // namespace

int main(int argc, char** argv) {
  nnk::mpi::Environment mpi;
  ::testing::InitGoogleTest(&argc, argv);
  // --gtest_shuffle must shuffle alike on every rank, or the ranks' collectives would not match: rank 0's seed.
  int seed = GTEST_FLAG_GET(random_seed);
  if (seed == 0 && mpi.rank() == 0) seed = static_cast<int>(std::time(nullptr) % 99999) + 1;
  MPI_Bcast(&seed, 1, MPI_INT, 0, MPI_COMM_WORLD);
  GTEST_FLAG_SET(random_seed, seed);

  if (mpi.rank() != 0) {
    ::testing::TestEventListeners& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new RankFailurePrinter(mpi.rank(), mpi.size()));
    // Other listeners of the harness (the seed reporter) print to stdout too: rank 0's copy is enough.
    if (std::freopen("/dev/null", "w", stdout) == nullptr) std::fprintf(stderr, "cannot silence stdout\n");
  }
  const bool failed_here = RUN_ALL_TESTS() != 0;
  const bool failed_anywhere = nnk::mpi::any_rank(MPI_COMM_WORLD, failed_here);
  if (mpi.rank() == 0 && failed_anywhere && !failed_here)
    std::printf("[  FAILED  ] on other ranks (their failures are on stderr)\n");
  return failed_anywhere ? 1 : 0;
}
