// Uses the installed nnk: one GEMM checked against the reference. Exit code 0 when they agree.
#include <nnk/nnk.hpp>

#include <cmath>
#include <cstdio>

int main() {
  nnk::Matrix a(3, 2), b(2, 4), c(3, 4), expected(3, 4);
  for (std::int64_t j = 0; j < 2; ++j)
    for (std::int64_t i = 0; i < 3; ++i) a(i, j) = static_cast<float>(i + 3 * j) * 0.5f;
  for (std::int64_t j = 0; j < 4; ++j)
    for (std::int64_t i = 0; i < 2; ++i) b(i, j) = static_cast<float>(i - j);
  nnk::sgemm(nnk::Trans::No, nnk::Trans::No, 1.0f, a, b, 0.0f, c);
  nnk::ref::sgemm(nnk::Trans::No, nnk::Trans::No, 3, 4, 2, 1.0f, a.data(), a.ld(), b.data(), b.ld(), 0.0f,
                  expected.data(), expected.ld());
  for (std::int64_t j = 0; j < 4; ++j)
    for (std::int64_t i = 0; i < 3; ++i)
      if (std::fabs(c(i, j) - expected(i, j)) > 1e-6f) {
        std::printf("nnk_consumer: c(%lld, %lld) = %g, expected %g\n", static_cast<long long>(i),
                    static_cast<long long>(j), c(i, j), expected(i, j));
        return 1;
      }
  std::printf("nnk_consumer: installed nnk works (ISA %s)\n", std::string(nnk::to_string(nnk::active_isa())).c_str());
  return 0;
}
