// Reproducible random inputs for tests: a small deterministic generator, a base seed that the environment can
// override, and a trace that prints the seed of every failing check.
//
//   const std::uint64_t seed = nnk::test::derive_seed(7);   // 7: any number that tells this use apart
//   NNK_SEED_TRACE(seed);                                     // printed with every failure in this scope
//   nnk::Matrix a = nnk::test::random_matrix(31, 17, seed);
//
// The whole run is reproduced with NNK_TEST_SEED=<base seed> (printed at the start of the run and after every
// failed test).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "nnk/matrix.hpp"
#include "nnk/types.hpp"

namespace nnk::test {

// xoshiro256** (Blackman & Vigna) seeded through splitmix64: fast, 256 bits of state, and the same sequence on every
// platform and compiler (unlike std:: distributions, whose output the standard leaves to the implementation).
class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  std::uint64_t next_u64();
  // Uniform in [0, 1) with 53 random bits.
  double uniform01();
  // Uniform in [lo, hi] (hi itself only through rounding).
  float uniform(float lo, float hi);
  // Uniform integer in [lo, hi], lo <= hi.
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);
  // Every element of m (not the gap rows [rows, ld)) uniform in [lo, hi].
  void fill(MatrixView m, float lo, float hi);

 private:
  std::array<std::uint64_t, 4> state_;
};

// A rows x cols matrix with elements uniform in [lo, hi], the same for the same seed on every machine.
Matrix random_matrix(std::int64_t rows, std::int64_t cols, std::uint64_t seed, float lo = -1.0f, float hi = 1.0f);

// Targets each loss is meant for: BCE in [0, 1], CCE columns on the simplex (the delta is the gradient only then),
// MSE any real in [-2, 2].
Matrix loss_targets(Loss loss, std::int64_t rows, std::int64_t cols, std::uint64_t seed);

// The seed every test seed derives from: NNK_TEST_SEED (decimal or 0x-hex) if set, else kDefaultBaseSeed.
// An unparsable NNK_TEST_SEED aborts the run with a message rather than silently using another seed.
inline constexpr std::uint64_t kDefaultBaseSeed = 20240531;
std::uint64_t base_seed();

// A seed for one use inside a test, mixed from base_seed() and salt: different salts give independent streams,
// and the same (base seed, salt) gives the same stream on every run.
std::uint64_t derive_seed(std::uint64_t salt);

// "seed = N (derived from base seed B: rerun with NNK_TEST_SEED=B)".
std::string seed_trace_message(std::uint64_t seed);

}  // namespace nnk::test

// Adds the seed (and how to rerun with it) to every failure reported in the current scope.
#define NNK_SEED_TRACE(seed) SCOPED_TRACE(::nnk::test::seed_trace_message(seed))
