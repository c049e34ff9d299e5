// ISA detection and choice, thread control, and the per-ISA FMA peak loop (the dispatch mechanism end to end).
#include <gtest/gtest.h>

#include <algorithm>

#include "nnk/cpu.hpp"
#include "nnk/peak.hpp"
#include "support/errors.hpp"
#include "support/isa.hpp"

namespace nnk {
namespace {

using test::throws_error_containing;

TEST(Isa, GenericIsAlwaysSupportedAndListedLast) {
  const auto& isas = supported_isas();
  ASSERT_FALSE(isas.empty());
  EXPECT_EQ(isas.back(), Isa::Generic);
  EXPECT_NE(std::find(isas.begin(), isas.end(), active_isa()), isas.end());
}

TEST(Isa, NamesAreTheNnkIsaValues) {
  EXPECT_EQ(to_string(Isa::Avx512), "avx512");
  EXPECT_EQ(to_string(Isa::Avx2), "avx2");
  EXPECT_EQ(to_string(Isa::Generic), "generic");
}

TEST(Isa, ScopedIsaRestoresThePreviousChoice) {
  const Isa before = active_isa();
  {
    ScopedIsa scope(Isa::Generic);
    EXPECT_EQ(active_isa(), Isa::Generic);
  }
  EXPECT_EQ(active_isa(), before);
}

TEST(Isa, UnsupportedOrInvalidChoicesAreErrors) {
  EXPECT_TRUE(throws_error_containing([] { set_active_isa(static_cast<Isa>(42)); }, {"isa", "got 42"}));
  for (Isa isa : test::all_isas()) {
    const auto& supported = supported_isas();
    if (std::find(supported.begin(), supported.end(), isa) == supported.end()) {
      EXPECT_TRUE(throws_error_containing([&] { set_active_isa(isa); }, {"not supported by this CPU"}));
    }
  }
}

TEST(Threads, SetAndScopedThreadCounts) {
  const int before = num_threads();
  EXPECT_GE(before, 1);
  {
    ScopedNumThreads scope(3);
    EXPECT_EQ(num_threads(), 3);
    {
      ScopedNumThreads inner(1);
      EXPECT_EQ(num_threads(), 1);
    }
    EXPECT_EQ(num_threads(), 3);
  }
  EXPECT_EQ(num_threads(), before);
  EXPECT_TRUE(throws_error_containing([] { set_num_threads(0); }, {"nnk::set_num_threads", "n must be >= 1", "got 0"}));
  EXPECT_TRUE(throws_error_containing([] { ScopedNumThreads s(-2); }, {"n must be >= 1", "got -2"}));
}

class FmaPeakLoopTest : public test::PerIsaTest {};

// The loop runs on the selected ISA and counts 2 flops per lane per FMA: 16 accumulators of 16, 8 or 4 lanes.
TEST_P(FmaPeakLoopTest, CountsTheFlopsOfTheActiveIsa) {
  const double lanes = GetParam() == Isa::Avx512 ? 16 : GetParam() == Isa::Avx2 ? 8 : 4;
  EXPECT_EQ(run_fma_peak_loop(10), 2.0 * lanes * 16 * 10);
  EXPECT_EQ(run_fma_peak_loop(0), 0.0);
  EXPECT_TRUE(throws_error_containing([] { run_fma_peak_loop(-1); }, {"rounds must be >= 0", "got -1"}));
}

INSTANTIATE_TEST_SUITE_P(Isa, FmaPeakLoopTest, ::testing::ValuesIn(test::all_isas()), test::isa_param_name);

}  // namespace
}  // namespace nnk
