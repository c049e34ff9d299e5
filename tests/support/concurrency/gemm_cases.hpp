// SGEMM calls for the concurrency tests, each with its expected result computed once on one thread: nnk's GEMM
// is bitwise identical for any thread count, so a concurrent call must reproduce it exactly.
#pragma once

#include <cstdint>
#include <vector>

#include "nnk/matrix.hpp"

namespace nnk::test {

struct GemmCase {
  Matrix a;            // m x k
  Matrix b;            // n x k (used transposed: C = ReLU(A * B^T + bias), the forward pass of a layer)
  Matrix bias;         // m x 1
  Matrix expected_c;   // m x n
  std::vector<float> expected_row_sums;
};

struct GemmResult {
  Matrix c;
  std::vector<float> row_sums;
};

// Case `index`: a shape above nnk's threading threshold (2^18 multiply-adds) that varies with the index.
GemmCase gemm_case(int index);

// The fused GEMM (bias, ReLU and row sums in the epilogue) with the calling thread's nnk settings.
GemmResult run_gemm(const GemmCase& g);

// Bitwise equality of the result with the expected one.
bool matches(const GemmCase& g, const GemmResult& result);

}  // namespace nnk::test
