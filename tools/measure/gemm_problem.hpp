// One GEMM problem as the benchmarks see it: its shape and its operands.
#pragma once

#include <cstdint>
#include <string>

#include "nnk/matrix.hpp"
#include "nnk/types.hpp"

namespace nnk_measure {

// C (m x n) = op(A) (m x k) * op(B) (k x n), column-major: the contract of nnk::sgemm and of BLAS.
struct GemmShape {
  nnk::Trans trans_a = nnk::Trans::No;
  nnk::Trans trans_b = nnk::Trans::No;
  std::int64_t m = 0;
  std::int64_t n = 0;
  std::int64_t k = 0;
};

// "NN", "TN", "NT" or "TT": op(A) then op(B).
std::string transposes(const GemmShape& shape);

// "NT 1024x784x256" (m x n x k), for log lines.
std::string describe(const GemmShape& shape);

// Floating-point operations of one multiplication: 2mnk.
double gemm_flops(const GemmShape& shape);

// A and B stored as op() expects them (A is k x m when transposed, B is n x k), uniform in [-1, 1] from a fixed seed;
// C is m x n. nnk::Matrix gives 64-byte alignment and ld == rows.
struct GemmOperands {
  explicit GemmOperands(const GemmShape& problem, std::uint32_t seed = 1);

  GemmShape shape;
  nnk::Matrix a;
  nnk::Matrix b;
  nnk::Matrix c;
};

}  // namespace nnk_measure
