// nnk_blas's C ABI: cblas_sgemm and sgemm_ against nnk::ref::sgemm, and the reports of bad arguments.
//
// This program defines xerbla_ and cblas_xerbla itself; they must replace the library's weak defaults.
#include <algorithm>
#include <cctype>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "nnk/ref.hpp"
#include "nnk_blas.h"

// --- Error handlers that record the reports instead of printing them.

namespace {

struct Report {
  std::string routine;
  int position;
  int row_major_flag;  // netlib's RowMajorStrg when the report came
};

std::vector<Report> g_reports;

}  // namespace

extern "C" int RowMajorStrg;

extern "C" void xerbla_(const char* srname, const int* info, std::size_t srname_len) {
  g_reports.push_back({std::string(srname, srname_len), *info, RowMajorStrg});
}

extern "C" void cblas_xerbla(int position, const char* routine, const char* /*format*/, ...) {
  g_reports.push_back({routine, position, RowMajorStrg});
}

namespace {

enum class Layout { Col, Row };

// A matrix stored in `layout` with leading dimension ld; the padding holds a sentinel that must survive.
struct Stored {
  Layout layout;
  int rows, cols, ld;
  std::vector<float> data;

  std::size_t index(int i, int j) const {
    return layout == Layout::Col ? i + std::size_t(j) * ld : j + std::size_t(i) * ld;
  }
  float& at(int i, int j) { return data[index(i, j)]; }
  float at(int i, int j) const { return data[index(i, j)]; }
};

constexpr float kSentinel = -12345.0f;

Stored random_matrix(Layout layout, int rows, int cols, int padding, std::mt19937& rng) {
  const int ld = (layout == Layout::Col ? rows : cols) + padding;
  const int lines = layout == Layout::Col ? cols : rows;
  Stored m{layout, rows, cols, ld < 1 ? 1 : ld, {}};
  m.data.assign(std::size_t(m.ld) * (lines < 1 ? 1 : lines), kSentinel);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) m.at(i, j) = value(rng);
  return m;
}

// The column-major copy that nnk::ref::sgemm takes, built element by element (independent of the layout mapping
// that nnk_blas does).
std::vector<float> column_major(const Stored& m) {
  std::vector<float> out(std::size_t(m.rows) * m.cols);
  for (int j = 0; j < m.cols; ++j)
    for (int i = 0; i < m.rows; ++i) out[i + std::size_t(j) * m.rows] = m.at(i, j);
  return out;
}

struct Case {
  Layout layout;
  char trans_a, trans_b;  // 'N', 'T' or 'C', either case
  int m, n, k;
  float alpha, beta;
};

std::string describe(const Case& c) {
  return std::string(c.layout == Layout::Col ? "col" : "row") + " " + c.trans_a + c.trans_b + " m=" +
         std::to_string(c.m) + " n=" + std::to_string(c.n) + " k=" + std::to_string(c.k) +
         " alpha=" + std::to_string(c.alpha) + " beta=" + std::to_string(c.beta);
}

CBLAS_TRANSPOSE cblas_trans(char t) { return t == 'N' ? CblasNoTrans : t == 'T' ? CblasTrans : CblasConjTrans; }

// Runs one case through `call` (which gets the operands as stored) and compares every element of C, padding
// included, with nnk::ref::sgemm.
template <typename Call>
void check_against_reference(const Case& c, Call call) {
  SCOPED_TRACE(describe(c));
  std::mt19937 rng(static_cast<unsigned>(c.m * 1000003 + c.n * 1009 + c.k * 31 + c.trans_a * 7 + c.trans_b));
  const bool ta = std::toupper(c.trans_a) != 'N', tb = std::toupper(c.trans_b) != 'N';
  const Stored a = random_matrix(c.layout, ta ? c.k : c.m, ta ? c.m : c.k, 3, rng);
  const Stored b = random_matrix(c.layout, tb ? c.n : c.k, tb ? c.k : c.n, 1, rng);
  Stored result = random_matrix(c.layout, c.m, c.n, 2, rng);

  std::vector<float> expected = column_major(result);
  const std::vector<float> a_col = column_major(a), b_col = column_major(b);
  nnk::ref::sgemm(ta ? nnk::Trans::Yes : nnk::Trans::No, tb ? nnk::Trans::Yes : nnk::Trans::No, c.m, c.n, c.k,
                  c.alpha, a_col.data(), std::max(1, a.rows), b_col.data(), std::max(1, b.rows), c.beta,
                  expected.data(), std::max(1, c.m));

  const std::vector<float> before = result.data;
  call(a, b, result);

  // Elements in [-1, 1]: each dot product has an error below k * eps * |alpha| plus the rounding of beta * c.
  const float tolerance = 4.0f * FLT_EPSILON * (std::fabs(c.alpha) * float(c.k) + std::fabs(c.beta) + 1.0f);
  for (int j = 0; j < c.n; ++j)
    for (int i = 0; i < c.m; ++i)
      ASSERT_NEAR(result.at(i, j), expected[i + std::size_t(j) * c.m], tolerance) << "at (" << i << ", " << j << ")";
  // Everything outside the m x n matrix (the padding of each line) is untouched.
  std::vector<float> outside_after = result.data, outside_before = before;
  for (int j = 0; j < c.n; ++j)
    for (int i = 0; i < c.m; ++i) outside_after[result.index(i, j)] = outside_before[result.index(i, j)] = 0.0f;
  EXPECT_EQ(outside_after, outside_before) << "wrote outside C";
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  const int shapes[][3] = {{1, 1, 1}, {7, 5, 3}, {33, 17, 70}, {1, 40, 9}, {40, 1, 9}, {130, 97, 300}, {5, 6, 0}};
  const float scalars[][2] = {{1.0f, 0.0f}, {0.7f, 1.3f}, {-1.5f, 1.0f}, {0.0f, 0.5f}};
  int variant = 0;
  for (Layout layout : {Layout::Col, Layout::Row})
    for (char ta : {'N', 'T', 'C'})
      for (char tb : {'N', 'T', 'C'})
        for (const auto& s : shapes) {
          const auto& ab = scalars[variant++ % 4];
          cases.push_back({layout, ta, tb, s[0], s[1], s[2], ab[0], ab[1]});
        }
  return cases;
}

class BlasTest : public ::testing::Test {
 protected:
  void SetUp() override { g_reports.clear(); }
};

// --- Results

TEST_F(BlasTest, CblasSgemmMatchesReference) {
  for (const Case& c : all_cases())
    check_against_reference(c, [&](const Stored& a, const Stored& b, Stored& result) {
      cblas_sgemm(c.layout == Layout::Col ? CblasColMajor : CblasRowMajor, cblas_trans(c.trans_a),
                  cblas_trans(c.trans_b), c.m, c.n, c.k, c.alpha, a.data.data(), a.ld, b.data.data(), b.ld, c.beta,
                  result.data.data(), result.ld);
    });
  EXPECT_TRUE(g_reports.empty());
}

TEST_F(BlasTest, FortranSgemmMatchesReference) {
  for (Case c : all_cases()) {
    if (c.layout == Layout::Row) continue;  // Fortran is column-major only
    // Lower case works too (LSAME is case-insensitive).
    if (c.m % 2 == 1) c.trans_a = static_cast<char>(std::tolower(c.trans_a));
    check_against_reference(c, [&](const Stored& a, const Stored& b, Stored& result) {
      sgemm_(&c.trans_a, &c.trans_b, &c.m, &c.n, &c.k, &c.alpha, a.data.data(), &a.ld, b.data.data(), &b.ld, &c.beta,
             result.data.data(), &result.ld, 1, 1);
    });
  }
  EXPECT_TRUE(g_reports.empty());
}

TEST_F(BlasTest, BetaZeroIgnoresNanInC) {
  const float a[] = {1, 2}, b[] = {3, 4};
  float c[] = {NAN, NAN, NAN, NAN};
  cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, 2, 2, 1, 1.0f, a, 2, b, 1, 0.0f, c, 2);
  EXPECT_EQ(std::vector<float>(c, c + 4), (std::vector<float>{3, 6, 4, 8}));
}

TEST_F(BlasTest, AlphaZeroScalesCWithoutReadingAOrB) {
  float c[] = {1, 2, 3, 4};
  testing::internal::CaptureStderr();
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, 2, 2, 3, 0.0f, nullptr, 3, nullptr, 3, 0.5f, c, 2);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(std::vector<float>(c, c + 4), (std::vector<float>{0.5f, 1, 1.5f, 2}));
}

// --- Quick returns: C is not touched (here: C is null, so touching it would crash or be reported).

TEST_F(BlasTest, QuickReturnsDoNotTouchC) {
  const float a[4] = {1, 2, 3, 4}, b[4] = {1, 2, 3, 4};
  testing::internal::CaptureStderr();
  cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 0.0f, a, 2, b, 2, 1.0f, nullptr, 2);
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, 2, 2, 0, 1.0f, nullptr, 2, nullptr, 2, 1.0f, nullptr, 2);
  cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, 0, 2, 2, 1.0f, nullptr, 1, nullptr, 2, 0.0f, nullptr, 1);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 0, 2, 1.0f, nullptr, 2, nullptr, 1, 0.0f, nullptr, 1);
  const char n = 'N';
  const int two = 2, zero = 0, one = 1;
  const float alpha = 0.0f, beta = 1.0f;
  sgemm_(&n, &n, &two, &two, &two, &alpha, a, &two, b, &two, &beta, nullptr, &two, 1, 1);
  sgemm_(&n, &n, &zero, &two, &two, nullptr, nullptr, &one, nullptr, &two, nullptr, nullptr, &one, 1, 1);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  EXPECT_TRUE(g_reports.empty());
}

// --- An nnk::Error inside (null A with work to do) is reported, never thrown through the C ABI.

TEST_F(BlasTest, NnkErrorIsReportedNotThrown) {
  const float b[4] = {1, 2, 3, 4};
  float c[4] = {0, 0, 0, 0};
  testing::internal::CaptureStderr();
  EXPECT_NO_THROW(cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0f, nullptr, 2, b, 2, 0.0f, c, 2));
  const std::string printed = testing::internal::GetCapturedStderr();
  EXPECT_NE(printed.find("nnk_blas: cblas_sgemm failed"), std::string::npos) << printed;
  EXPECT_TRUE(g_reports.empty());
}

// --- Bad arguments: reported with the reference position, C untouched.

struct BadCall {
  const char* what;
  char ta, tb;
  int m, n, k, lda, ldb, ldc;
  int expected_position;
};

TEST_F(BlasTest, FortranSgemmReportsLikeReferenceBlas) {
  // Positions: TRANSA 1, TRANSB 2, M 3, N 4, K 5, LDA 8, LDB 10, LDC 13; the first bad one in that order wins.
  const BadCall calls[] = {
      {"transa", '/', 'N', 0, 0, 0, 1, 1, 1, 1},   {"transb", 'N', 'x', 0, 0, 0, 1, 1, 1, 2},
      {"m", 'N', 'N', -1, 0, 0, 1, 1, 1, 3},       {"n", 'T', 'N', 0, -1, 0, 1, 1, 1, 4},
      {"k", 'N', 'T', 0, 0, -1, 1, 1, 1, 5},       {"lda N", 'N', 'N', 2, 0, 0, 1, 1, 2, 8},
      {"lda T", 'T', 'N', 0, 0, 2, 1, 2, 1, 8},    {"ldb N", 'N', 'N', 0, 0, 2, 1, 1, 1, 10},
      {"ldb T", 'N', 'C', 0, 2, 0, 1, 1, 1, 10},   {"ldc", 'N', 'N', 2, 0, 0, 2, 1, 1, 13},
      {"ldc 0", 'N', 'N', 0, 0, 0, 1, 1, 0, 13},   {"trans before m", 'Q', 'N', -1, 0, 0, 1, 1, 1, 1},
      {"m before lda", 'N', 'N', -1, 0, 0, 0, 1, 1, 3}, {"lda before ldc", 'N', 'N', 2, 2, 0, 1, 1, 1, 8},
  };
  for (const BadCall& call : calls) {
    SCOPED_TRACE(call.what);
    g_reports.clear();
    const float a[4] = {1, 1, 1, 1}, b[4] = {1, 1, 1, 1};
    float c[4] = {7, 7, 7, 7};
    const float alpha = 1.0f, beta = 0.0f;
    sgemm_(&call.ta, &call.tb, &call.m, &call.n, &call.k, &alpha, a, &call.lda, b, &call.ldb, &beta, c, &call.ldc, 1,
           1);
    ASSERT_EQ(g_reports.size(), 1u);
    EXPECT_EQ(g_reports[0].routine, "SGEMM ");
    EXPECT_EQ(g_reports[0].position, call.expected_position);
    EXPECT_EQ(std::vector<float>(c, c + 4), (std::vector<float>{7, 7, 7, 7}));
  }
}

struct BadCblasCall {
  const char* what;
  int layout, ta, tb;
  int m, n, k, lda, ldb, ldc;
  int expected_position;
};

TEST_F(BlasTest, CblasSgemmReportsLikeNetlibCblas) {
  // CBLAS positions: layout 1, TransA 2, TransB 3, M 4, N 5, K 6, lda 9, ldb 11, ldc 14. Row-major calls are
  // checked as the transposed column-major call, as netlib does: N before M, ldb before lda.
  constexpr int Col = CblasColMajor, Row = CblasRowMajor, N = CblasNoTrans, T = CblasTrans, C = CblasConjTrans;
  const BadCblasCall calls[] = {
      {"layout", 0, N, N, 0, 0, 0, 1, 1, 1, 1},
      {"col TransA", Col, 0, N, 0, 0, 0, 1, 1, 1, 2},
      {"row TransA", Row, 114, N, 0, 0, 0, 1, 1, 1, 2},
      {"col TransB", Col, N, 110, 0, 0, 0, 1, 1, 1, 3},
      {"row TransB", Row, T, 1, 0, 0, 0, 1, 1, 1, 3},
      {"col M", Col, N, N, -1, 0, 0, 1, 1, 1, 4},
      {"col N", Col, N, N, 0, -1, 0, 1, 1, 1, 5},
      {"col K", Col, N, N, 0, 0, -1, 1, 1, 1, 6},
      {"col lda N", Col, N, N, 2, 0, 0, 1, 1, 2, 9},
      {"col lda T", Col, C, N, 0, 0, 2, 1, 2, 1, 9},
      {"col ldb N", Col, N, N, 0, 0, 2, 1, 1, 1, 11},
      {"col ldb T", Col, N, T, 0, 2, 0, 1, 1, 1, 11},
      {"col ldc", Col, N, N, 2, 0, 0, 2, 1, 1, 14},
      {"row M", Row, N, N, -1, 0, 0, 1, 1, 1, 4},
      {"row N", Row, N, N, 0, -1, 0, 1, 1, 1, 5},
      {"row K", Row, N, N, 0, 0, -1, 1, 1, 1, 6},
      {"row lda N", Row, N, N, 0, 0, 2, 1, 1, 1, 9},    // A is m x k row-major: lda >= k
      {"row lda T", Row, T, N, 2, 0, 0, 1, 1, 1, 9},    // A is k x m row-major: lda >= m
      {"row ldb N", Row, N, N, 0, 2, 0, 1, 1, 2, 11},   // B is k x n row-major: ldb >= n
      {"row ldb T", Row, N, T, 0, 0, 2, 2, 1, 1, 11},   // B is n x k row-major: ldb >= k
      {"row ldc", Row, N, N, 0, 2, 0, 1, 2, 1, 14},     // C is m x n row-major: ldc >= n
      {"row N before M", Row, N, N, -1, -1, 0, 1, 1, 1, 5},
      {"row ldb before lda", Row, N, N, 0, 2, 2, 1, 1, 2, 11},
      {"col M before N", Col, N, N, -1, -1, 0, 1, 1, 1, 4},
  };
  for (const BadCblasCall& call : calls) {
    SCOPED_TRACE(call.what);
    g_reports.clear();
    RowMajorStrg = 1;  // as the netlib CBLAS tester sets it: the position passed must be final regardless
    const float a[4] = {1, 1, 1, 1}, b[4] = {1, 1, 1, 1};
    float c[4] = {7, 7, 7, 7};
    cblas_sgemm(static_cast<CBLAS_LAYOUT>(call.layout), static_cast<CBLAS_TRANSPOSE>(call.ta),
                static_cast<CBLAS_TRANSPOSE>(call.tb), call.m, call.n, call.k, 1.0f, a, call.lda, b, call.ldb, 0.0f,
                c, call.ldc);
    ASSERT_EQ(g_reports.size(), 1u);
    EXPECT_EQ(g_reports[0].routine, "cblas_sgemm");
    EXPECT_EQ(g_reports[0].position, call.expected_position);
    EXPECT_EQ(g_reports[0].row_major_flag, 0);
    EXPECT_EQ(std::vector<float>(c, c + 4), (std::vector<float>{7, 7, 7, 7}));
  }
}

}  // namespace
