// Test shapes chosen relative to a kernel's tile sizes and vector widths: the edges are where blocked code goes wrong.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace nnk::test {

// {1, tile-1, tile, tile+1, 2*tile-1, 2*tile, 2*tile+1}, sorted, without duplicates and values < 1: one tile, a
// partial tile, a full tile plus a remainder of 1, and the same around two tiles. tile must be >= 1.
std::vector<std::int64_t> sizes_around(std::int64_t tile);

// Row counts around every vector width (4, 8, 16 lanes): 1 .. 33.
const std::vector<std::int64_t>& rows_around_vector_widths();

// The primes below 64: sizes that share no factor with power-of-two tiles and vector widths.
const std::vector<std::int64_t>& small_primes();

// One GEMM problem size (op(A) is m x k, op(B) is k x n), for parameterized tests.
struct GemmShape {
  std::int64_t m;
  std::int64_t n;
  std::int64_t k;
};

// "m31_n7_k5": usable as a GoogleTest parameter name.
std::string to_string(const GemmShape& shape);
inline std::ostream& operator<<(std::ostream& out, const GemmShape& shape) { return out << to_string(shape); }

}  // namespace nnk::test
