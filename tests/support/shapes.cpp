// Sizes around tiles and vector widths, the small primes, GEMM shape names.
#include "support/shapes.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace nnk::test {

std::vector<std::int64_t> sizes_around(std::int64_t tile) {
  if (tile < 1) throw std::invalid_argument("nnk::test::sizes_around: tile must be >= 1, got " + std::to_string(tile));
  std::vector<std::int64_t> sizes = {1, tile - 1, tile, tile + 1, 2 * tile - 1, 2 * tile, 2 * tile + 1};
  std::erase_if(sizes, [](std::int64_t s) { return s < 1; });
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  return sizes;
}

const std::vector<std::int64_t>& rows_around_vector_widths() {
  static const std::vector<std::int64_t> rows = [] {
    std::vector<std::int64_t> r;
    for (std::int64_t n = 1; n <= 33; ++n) r.push_back(n);
    return r;
  }();
  return rows;
}

const std::vector<std::int64_t>& small_primes() {
  static const std::vector<std::int64_t> primes = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61};
  return primes;
}

std::string to_string(const GemmShape& shape) {
  return "m" + std::to_string(shape.m) + "_n" + std::to_string(shape.n) + "_k" + std::to_string(shape.k);
}

}  // namespace nnk::test
