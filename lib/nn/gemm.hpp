// nn::gemm: nnk::sgemm with the shapes taken from views, with an optional fused epilogue (internal to lib/nn).
#pragma once

#include "nnk/gemm.hpp"
#include "nnk/matrix.hpp"

namespace nnk::nn {

// C <- alpha * op(A) * op(B) + beta * C, then the epilogue (when given) on each finished tile. The callers size
// their buffers from the spec, so the shapes agree by construction; nnk::sgemm still checks the BLAS arguments.
// Without an epilogue the plain sgemm runs: an empty epilogue would still cost a pass over each tile.
inline void gemm(Trans trans_a, Trans trans_b, float alpha, ConstMatrixView a, ConstMatrixView b, float beta,
                 MatrixView c, const GemmEpilogue* epilogue = nullptr) {
  const std::int64_t k = trans_a == Trans::No ? a.cols() : a.rows();
  if (epilogue == nullptr) {
    sgemm(trans_a, trans_b, c.rows(), c.cols(), k, alpha, a.data(), a.ld(), b.data(), b.ld(), beta, c.data(), c.ld());
  } else {
    sgemm(trans_a, trans_b, c.rows(), c.cols(), k, alpha, a.data(), a.ld(), b.data(), b.ld(), beta, c.data(), c.ld(),
          *epilogue);
  }
}

}  // namespace nnk::nn
