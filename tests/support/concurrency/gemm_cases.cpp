#include "support/concurrency/gemm_cases.hpp"

#include <bit>

#include "nnk/cpu.hpp"
#include "nnk/gemm.hpp"
#include "support/random.hpp"

namespace nnk::test {

GemmCase gemm_case(int index) {
  const std::int64_t m = 96 + 16 * (index % 4), n = 80 + 24 * (index % 3), k = 64 + 32 * (index % 2);
  const std::uint64_t seed = derive_seed(800 + static_cast<std::uint64_t>(index));
  GemmCase g{.a = random_matrix(m, k, seed), .b = random_matrix(n, k, seed + 1),
             .bias = random_matrix(m, 1, seed + 2), .expected_c = {}, .expected_row_sums = {}};
  const ScopedNumThreads one(1);
  GemmResult expected = run_gemm(g);
  g.expected_c = std::move(expected.c);
  g.expected_row_sums = std::move(expected.row_sums);
  return g;
}

GemmResult run_gemm(const GemmCase& g) {
  const std::int64_t m = g.a.rows(), n = g.b.rows(), k = g.a.cols();
  GemmResult result{.c = Matrix(m, n), .row_sums = std::vector<float>(static_cast<std::size_t>(m))};
  const GemmEpilogue epilogue{.bias = g.bias.data(), .activation = Activation::ReLU,
                              .row_sums = result.row_sums.data(), .row_sums_scale = 0.5f};
  sgemm(Trans::No, Trans::Yes, m, n, k, 1.0f, g.a.data(), g.a.ld(), g.b.data(), g.b.ld(), 0.0f, result.c.data(),
        result.c.ld(), epilogue);
  return result;
}

bool matches(const GemmCase& g, const GemmResult& result) {
  const ConstMatrixView want = g.expected_c, got = result.c;
  for (std::int64_t j = 0; j < want.cols(); ++j)
    for (std::int64_t i = 0; i < want.rows(); ++i)
      if (std::bit_cast<std::uint32_t>(want(i, j)) != std::bit_cast<std::uint32_t>(got(i, j))) return false;
  for (std::size_t i = 0; i < g.expected_row_sums.size(); ++i)
    if (std::bit_cast<std::uint32_t>(g.expected_row_sums[i]) != std::bit_cast<std::uint32_t>(result.row_sums[i]))
      return false;
  return true;
}

}  // namespace nnk::test
