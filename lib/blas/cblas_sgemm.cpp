// cblas_sgemm: the CBLAS entry point on top of nnk::sgemm.
//
// Row-major storage of a matrix is column-major storage of its transpose, so the row-major product
// C = op(A) op(B) is computed as the column-major C^T = op(B)^T op(A)^T: A and B swap places, and so do M and N.
#include <optional>

#include "netlib_cblas_globals.hpp"
#include "nnk_blas.h"
#include "run_sgemm.hpp"
#include "sgemm_arguments.hpp"

namespace {

using nnk::Trans;
namespace blas = nnk::blas;

// Positions in the CBLAS argument list (layout, TransA, TransB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc).
constexpr int kLayout = 1, kTransA = 2, kTransB = 3, kM = 4, kN = 5, kK = 6, kLda = 9, kLdb = 11, kLdc = 14;

std::optional<Trans> trans_from_cblas(CBLAS_TRANSPOSE t) {
  switch (static_cast<int>(t)) {
    case CblasNoTrans:
      return Trans::No;
    case CblasTrans:
    case CblasConjTrans:
      return Trans::Yes;
    default:
      return std::nullopt;
  }
}

// The position in the user's CBLAS call of an argument that failed at `fortran_position` of the column-major call.
int cblas_position(bool row_major, int fortran_position) {
  switch (fortran_position) {
    case blas::kM:
      return row_major ? kN : kM;
    case blas::kN:
      return row_major ? kM : kN;
    case blas::kK:
      return kK;
    case blas::kLda:
      return row_major ? kLdb : kLda;
    case blas::kLdb:
      return row_major ? kLda : kLdb;
    default:
      return kLdc;
  }
}

template <typename... Values>
void report(int position, const char* format, Values... values) {
  // netlib-style handlers (the CBLAS testers among them) swap row-major gemm positions themselves when RowMajorStrg
  // is set; `position` is already the final one, so clear the flag.
  RowMajorStrg = 0;
  cblas_xerbla(position, "cblas_sgemm", format, values...);
}

}  // namespace

extern "C" void cblas_sgemm(CBLAS_LAYOUT layout, CBLAS_TRANSPOSE trans_a, CBLAS_TRANSPOSE trans_b, int m, int n,
                            int k, float alpha, const float* a, int lda, const float* b, int ldb, float beta, float* c,
                            int ldc) {
  const int layout_value = static_cast<int>(layout);
  if (layout_value != CblasRowMajor && layout_value != CblasColMajor)
    return report(kLayout, "Illegal layout setting, %d\n", layout_value);
  std::optional<Trans> op_a = trans_from_cblas(trans_a);
  if (!op_a) return report(kTransA, "Illegal TransA setting, %d\n", static_cast<int>(trans_a));
  std::optional<Trans> op_b = trans_from_cblas(trans_b);
  if (!op_b) return report(kTransB, "Illegal TransB setting, %d\n", static_cast<int>(trans_b));

  // From here on this is the column-major call. Its sizes are checked in the reference order on that call, which is
  // the order netlib CBLAS reports in (row-major: N before M, ldb before lda).
  const bool row_major = layout_value == CblasRowMajor;
  if (row_major) {
    std::swap(op_a, op_b);
    std::swap(m, n);
    std::swap(a, b);
    std::swap(lda, ldb);
  }
  if (const int bad = blas::first_invalid_size(*op_a, *op_b, m, n, k, lda, ldb, ldc); bad != 0)
    return report(cblas_position(row_major, bad), "Illegal size or leading dimension\n");
  blas::run_sgemm(blas::Entry::CblasSgemm, *op_a, *op_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
