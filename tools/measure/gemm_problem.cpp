#include "measure/gemm_problem.hpp"

#include <random>

namespace nnk_measure {

namespace {

char letter(nnk::Trans t) { return t == nnk::Trans::No ? 'N' : 'T'; }

nnk::Matrix random_matrix(std::int64_t rows, std::int64_t cols, std::mt19937& engine) {
  nnk::Matrix x(rows, cols);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  for (std::int64_t i = 0; i < x.size(); ++i) x.data()[i] = uniform(engine);
  return x;
}

}  // namespace

std::string transposes(const GemmShape& shape) { return {letter(shape.trans_a), letter(shape.trans_b)}; }

std::string describe(const GemmShape& shape) {
  return transposes(shape) + " " + std::to_string(shape.m) + "x" + std::to_string(shape.n) + "x" +
         std::to_string(shape.k);
}

double gemm_flops(const GemmShape& shape) {
  return 2.0 * static_cast<double>(shape.m) * static_cast<double>(shape.n) * static_cast<double>(shape.k);
}

GemmOperands::GemmOperands(const GemmShape& problem, std::uint32_t seed) : shape(problem) {
  std::mt19937 engine(seed);
  const bool a_plain = shape.trans_a == nnk::Trans::No;
  const bool b_plain = shape.trans_b == nnk::Trans::No;
  a = random_matrix(a_plain ? shape.m : shape.k, a_plain ? shape.k : shape.m, engine);
  b = random_matrix(b_plain ? shape.k : shape.n, b_plain ? shape.n : shape.k, engine);
  c = nnk::Matrix(shape.m, shape.n);
}

}  // namespace nnk_measure
