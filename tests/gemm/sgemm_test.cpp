// nnk::sgemm against nnk::ref::sgemm on every ISA, on shapes chosen around the kernel's tile and block sizes.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "gemm/gemm_kernels.hpp"  // white box: the tile and block sizes the shapes are chosen around
#include "nnk/cpu.hpp"
#include "nnk/gemm.hpp"
#include "nnk/ref.hpp"
#include "support/errors.hpp"
#include "support/guarded_matrix.hpp"
#include "support/isa.hpp"
#include "support/random.hpp"
#include "support/shapes.hpp"
#include "support/tolerance.hpp"

namespace nnk {
namespace {

using test::GuardedMatrix;

struct GemmCase {
  Trans trans_a = Trans::No;
  Trans trans_b = Trans::No;
  std::int64_t m = 1, n = 1, k = 1;
  float alpha = 1.0f;
  float beta = 0.0f;
  std::int64_t ld_pad = 0;     // extra rows in every leading dimension
  std::int64_t misalign = 0;   // floats past a 64-byte boundary
};

std::string describe(const GemmCase& c) {
  std::ostringstream out;
  out << "op " << (c.trans_a == Trans::No ? 'N' : 'T') << (c.trans_b == Trans::No ? 'N' : 'T') << " m=" << c.m
      << " n=" << c.n << " k=" << c.k << " alpha=" << c.alpha << " beta=" << c.beta << " ld_pad=" << c.ld_pad
      << " misalign=" << c.misalign;
  return out.str();
}

// Runs one case through nnk::sgemm and the reference; checks the result within the GEMM bound, that nothing
// outside C was written and that the inputs are unchanged. beta == 0 starts C as NaN: it must never be read.
void check_gemm(const GemmCase& c, std::uint64_t seed) {
  SCOPED_TRACE(describe(c));
  NNK_SEED_TRACE(seed);
  test::Rng rng(seed);
  const std::int64_t a_rows = c.trans_a == Trans::No ? c.m : c.k;
  const std::int64_t a_cols = c.trans_a == Trans::No ? c.k : c.m;
  const std::int64_t b_rows = c.trans_b == Trans::No ? c.k : c.n;
  const std::int64_t b_cols = c.trans_b == Trans::No ? c.n : c.k;
  GuardedMatrix a(a_rows, a_cols, std::max<std::int64_t>(1, a_rows) + c.ld_pad, c.misalign);
  GuardedMatrix b(b_rows, b_cols, std::max<std::int64_t>(1, b_rows) + c.ld_pad, c.misalign);
  GuardedMatrix out(c.m, c.n, std::max<std::int64_t>(1, c.m) + c.ld_pad, c.misalign);
  a.fill_random(rng, -1, 1);
  b.fill_random(rng, -1, 1);
  if (c.beta == 0.0f)
    out.fill_nan();
  else
    out.fill_random(rng, -1, 1);
  const Matrix a_before = a.to_matrix();
  const Matrix b_before = b.to_matrix();
  const Matrix c_before = out.to_matrix();

  Matrix expected = c_before;
  ref::sgemm(c.trans_a, c.trans_b, c.m, c.n, c.k, c.alpha, a_before.data(), a_before.ld(), b_before.data(),
             b_before.ld(), c.beta, expected.data(), expected.ld());
  const Matrix magnitude = test::gemm_magnitude(c.trans_a, c.trans_b, c.alpha, a_before, b_before, c.beta, c_before);

  sgemm(c.trans_a, c.trans_b, c.m, c.n, c.k, c.alpha, a.view().data(), a.ld(), b.view().data(), b.ld(), c.beta,
        out.view().data(), out.ld());

  EXPECT_TRUE(test::gemm_result_near(expected, out.view(), magnitude, c.k));
  EXPECT_TRUE(out.guards_intact());
  EXPECT_TRUE(test::matrices_equal(a_before, a.view()));
  EXPECT_TRUE(test::matrices_equal(b_before, b.view()));
}

constexpr Trans kTrans[] = {Trans::No, Trans::Yes};

class SgemmTest : public test::PerIsaTest {
 protected:
  const gemm::GemmKernelSet& kernels() const { return gemm::gemm_kernel_set(active_isa()); }
  std::uint64_t seed_ = test::base_seed();
  std::uint64_t next_seed() { return seed_++; }
};

// Every size 1..33 in each dimension: m and n exhaustively, k sampled so that every value 1..33 appears for every
// m (a sampled product: the full cube is 36k products per transpose pair).
TEST_P(SgemmTest, EverySizeUpTo33) {
  for (Trans ta : kTrans)
    for (Trans tb : kTrans)
      for (std::int64_t m = 1; m <= 33; ++m)
        for (std::int64_t n = 1; n <= 33; ++n) {
          const std::int64_t k = 1 + (m * 7 + n * 13) % 33;
          check_gemm({ta, tb, m, n, k, 1.0f, (m + n) % 2 == 0 ? 0.0f : 0.5f}, next_seed());
          if (HasFailure()) return;
        }
}

// Sizes around the micro-tile (MR, NR) and the cache blocks (KC, MC): full tiles, partial tiles, one extra.
TEST_P(SgemmTest, ShapesAroundTilesAndBlocks) {
  const auto& ks = kernels();
  std::vector<std::int64_t> ms = test::sizes_around(ks.mr);
  for (std::int64_t extra : {ks.mc - 1, ks.mc, ks.mc + 1, ks.mc + ks.mr / 2 + 1}) ms.push_back(extra);
  const std::vector<std::int64_t> ns = test::sizes_around(ks.nr);
  const std::vector<std::int64_t> ks_ = {1, 2, ks.kc - 1, ks.kc, ks.kc + 1, 2 * ks.kc + 1};
  for (Trans ta : kTrans)
    for (Trans tb : kTrans)
      for (std::int64_t m : ms)
        for (std::int64_t n : ns) {
          const std::int64_t k = ks_[static_cast<std::size_t>(m + n) % ks_.size()];
          check_gemm({ta, tb, m, n, k, 0.75f, 1.0f}, next_seed());
          if (HasFailure()) return;
        }
}

TEST_P(SgemmTest, PrimeShapes) {
  const auto& primes = test::small_primes();
  for (std::size_t i = 0; i < primes.size(); ++i) {
    const std::int64_t m = primes[i], n = primes[(i + 3) % primes.size()], k = primes[(i + 7) % primes.size()];
    for (Trans ta : kTrans)
      for (Trans tb : kTrans) check_gemm({ta, tb, m, n, k, -1.25f, 0.5f}, next_seed());
  }
}

// Dot products (1 x K x 1), matrix-vector products (n = 1) and deep K (more than 16 KC blocks).
TEST_P(SgemmTest, SkinnyAndDeep) {
  for (Trans ta : kTrans)
    for (Trans tb : kTrans) {
      check_gemm({ta, tb, 1, 1, 4097, 1.0f, 0.0f}, next_seed());
      check_gemm({ta, tb, 1, 1, 1, 1.0f, 0.0f}, next_seed());
      check_gemm({ta, tb, 100, 1, 300, 1.0f, 1.0f}, next_seed());
      check_gemm({ta, tb, 1, 70, 90, 2.0f, 0.0f}, next_seed());
      check_gemm({ta, tb, 37, 29, 4099, 1.0f, -1.0f}, next_seed());
    }
}

// Large enough to use several MC and NC blocks, threads, and packed (not direct) A.
TEST_P(SgemmTest, LargeBlockedShapes) {
  const auto& ks = kernels();
  for (Trans ta : kTrans)
    for (Trans tb : kTrans) {
      check_gemm({ta, tb, 2 * ks.mc + 3, 3 * ks.nr + 1, ks.kc + 5, 1.0f, 0.5f}, next_seed());
      check_gemm({ta, tb, 33, ks.nc + ks.nr + 1, 17, 1.0f, 0.0f}, next_seed());
    }
}

TEST_P(SgemmTest, StridedAndMisalignedViews) {
  for (std::int64_t misalign : {1, 3, 15})
    for (std::int64_t ld_pad : {1, 7, 64})
      for (Trans ta : kTrans)
        for (Trans tb : kTrans) check_gemm({ta, tb, 45, 27, 130, 1.5f, 0.25f, ld_pad, misalign}, next_seed());
}

// alpha == 0 reads neither A nor B; beta == 0 never reads C (NaN in C must vanish); beta == 1 accumulates.
TEST_P(SgemmTest, AlphaBetaCases) {
  for (float alpha : {0.0f, 1.0f, -1.0f, 0.3f})
    for (float beta : {0.0f, 1.0f, -2.0f, 0.5f})
      for (Trans ta : kTrans) check_gemm({ta, Trans::No, 50, 20, 40, alpha, beta}, next_seed());
  for (float beta : {0.0f, 1.0f}) check_gemm({Trans::No, Trans::No, 20, 30, 0, 1.0f, beta}, next_seed());

  // alpha == 0: A and B may be null; beta == 0 turns NaN into zeros.
  std::vector<float> c(6, std::numeric_limits<float>::quiet_NaN());
  sgemm(Trans::No, Trans::No, 2, 3, 4, 0.0f, nullptr, 2, nullptr, 4, 0.0f, c.data(), 2);
  for (float x : c) EXPECT_EQ(x, 0.0f);
}

// NaN and infinity in A or B propagate like the reference.
TEST_P(SgemmTest, NonFiniteInputsPropagate) {
  Matrix a = test::random_matrix(20, 10, next_seed());
  Matrix b = test::random_matrix(10, 15, next_seed());
  a(3, 4) = std::numeric_limits<float>::quiet_NaN();
  b(2, 7) = std::numeric_limits<float>::infinity();
  Matrix got(20, 15), expected(20, 15);
  sgemm(Trans::No, Trans::No, 1.0f, a, b, 0.0f, got);
  ref::sgemm(Trans::No, Trans::No, 20, 15, 10, 1.0f, a.data(), a.ld(), b.data(), b.ld(), 0.0f, expected.data(),
             expected.ld());
  for (std::int64_t j = 0; j < 15; ++j)
    for (std::int64_t i = 0; i < 20; ++i) {
      EXPECT_EQ(std::isnan(got(i, j)), std::isnan(expected(i, j))) << i << "," << j;
      EXPECT_EQ(std::isinf(got(i, j)), std::isinf(expected(i, j))) << i << "," << j;
    }
}

// K is never split across threads, so C is bitwise the same for any thread count.
TEST_P(SgemmTest, BitwiseIdenticalForAnyThreadCount) {
  for (Trans ta : kTrans)
    for (Trans tb : kTrans) {
      const std::int64_t m = 301, n = 203, k = 517;
      const Matrix a = ta == Trans::No ? test::random_matrix(m, k, next_seed()) : test::random_matrix(k, m, next_seed());
      const Matrix b = tb == Trans::No ? test::random_matrix(k, n, next_seed()) : test::random_matrix(n, k, next_seed());
      const Matrix c0 = test::random_matrix(m, n, next_seed());
      std::vector<Matrix> results;
      for (int threads : {1, 2, 3, 4}) {
        ScopedNumThreads scope(threads);
        Matrix c = c0;
        sgemm(ta, tb, 0.5f, a, b, 0.25f, c);
        results.push_back(c);
      }
      for (std::size_t t = 1; t < results.size(); ++t)
        EXPECT_TRUE(test::matrices_equal(results[0], results[t])) << "threads " << t + 1 << " vs 1";
    }
}

TEST_P(SgemmTest, ViewOverloadMatchesPointerForm) {
  const Matrix a = test::random_matrix(40, 30, next_seed());
  const Matrix b = test::random_matrix(20, 30, next_seed());
  Matrix via_view(40, 20), via_pointer(40, 20);
  sgemm(Trans::No, Trans::Yes, 1.0f, a, b, 0.0f, via_view);
  sgemm(Trans::No, Trans::Yes, 40, 20, 30, 1.0f, a.data(), a.ld(), b.data(), b.ld(), 0.0f, via_pointer.data(),
        via_pointer.ld());
  EXPECT_TRUE(test::matrices_equal(via_pointer, via_view));
}

INSTANTIATE_TEST_SUITE_P(Isa, SgemmTest, ::testing::ValuesIn(test::all_isas()), test::isa_param_name);

// Argument checks do not depend on the ISA.
TEST(SgemmArguments, BadArgumentsNameTheArgumentAndBothValues) {
  std::vector<float> buf(1000, 1.0f);
  const float* p = buf.data();
  float* c = buf.data();
  using test::throws_error_containing;
  EXPECT_TRUE(throws_error_containing([&] { sgemm(Trans::No, Trans::No, -1, 2, 2, 1, p, 2, p, 2, 0, c, 2); },
                                      {"nnk::sgemm", "m must be >= 0", "got -1"}));
  EXPECT_TRUE(throws_error_containing([&] { sgemm(Trans::No, Trans::No, 2, -3, 2, 1, p, 2, p, 2, 0, c, 2); },
                                      {"n must be >= 0", "got -3"}));
  EXPECT_TRUE(throws_error_containing([&] { sgemm(Trans::No, Trans::No, 2, 2, -4, 1, p, 2, p, 2, 0, c, 2); },
                                      {"k must be >= 0", "got -4"}));
  EXPECT_TRUE(throws_error_containing([&] { sgemm(Trans::No, Trans::No, 31, 2, 2, 1, p, 7, p, 2, 0, c, 31); },
                                      {"lda must be >= max(1, m) = 31", "got 7"}));
  EXPECT_TRUE(throws_error_containing([&] { sgemm(Trans::Yes, Trans::No, 31, 2, 5, 1, p, 4, p, 5, 0, c, 31); },
                                      {"lda must be >= max(1, k) = 5", "got 4"}));
  EXPECT_TRUE(throws_error_containing([&] { sgemm(Trans::No, Trans::No, 2, 2, 9, 1, p, 2, p, 8, 0, c, 2); },
                                      {"ldb must be >= max(1, k) = 9", "got 8"}));
  EXPECT_TRUE(throws_error_containing([&] { sgemm(Trans::No, Trans::Yes, 2, 6, 9, 1, p, 2, p, 5, 0, c, 2); },
                                      {"ldb must be >= max(1, n) = 6", "got 5"}));
  EXPECT_TRUE(throws_error_containing([&] { sgemm(Trans::No, Trans::No, 3, 2, 2, 1, p, 3, p, 2, 0, c, 2); },
                                      {"ldc must be >= max(1, m) = 3", "got 2"}));
  EXPECT_TRUE(throws_error_containing([&] { sgemm(Trans::No, Trans::No, 2, 2, 2, 1, nullptr, 2, p, 2, 0, c, 2); },
                                      {"a is null", "2 x 2"}));
  EXPECT_TRUE(throws_error_containing([&] { sgemm(Trans::No, Trans::No, 2, 2, 2, 1, p, 2, nullptr, 2, 0, c, 2); },
                                      {"b is null"}));
  EXPECT_TRUE(throws_error_containing([&] { sgemm(Trans::No, Trans::No, 2, 2, 2, 1, p, 2, p, 2, 0, nullptr, 2); },
                                      {"c is null"}));
  EXPECT_TRUE(throws_error_containing(
      [&] { sgemm(static_cast<Trans>(7), Trans::No, 2, 2, 2, 1, p, 2, p, 2, 0, c, 2); }, {"trans_a", "got 7"}));
  // Empty problems are valid with null pointers and a leading dimension of 1.
  EXPECT_NO_THROW(sgemm(Trans::No, Trans::No, 0, 0, 0, 1, nullptr, 1, nullptr, 1, 0, nullptr, 1));

  Matrix a(3, 4), b(5, 2), out(3, 2);
  EXPECT_TRUE(throws_error_containing([&] { sgemm(Trans::No, Trans::No, 1.0f, a, b, 0.0f, out); },
                                      {"op(b) has 5 rows", "4 columns of op(a)"}));
  Matrix b2(4, 2), wrong(3, 3);
  EXPECT_TRUE(throws_error_containing([&] { sgemm(Trans::No, Trans::No, 1.0f, a, b2, 0.0f, wrong); },
                                      {"c is 3 x 3", "3 x 2"}));
}

}  // namespace
}  // namespace nnk
