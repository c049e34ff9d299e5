// Rng (xoshiro256**), the base seed from NNK_TEST_SEED, derived seeds and the seed reporter.
#include "support/random.hpp"

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

namespace nnk::test {

namespace {

// splitmix64 (Steele, Lea & Flood): turns any 64-bit value, even 0 or a small counter, into a well-mixed one.
std::uint64_t splitmix64(std::uint64_t& x) {
  x += 0x9E3779B97F4A7C15ull;
  std::uint64_t z = x;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::uint64_t read_base_seed() {
  const char* text = std::getenv("NNK_TEST_SEED");
  if (text == nullptr || *text == '\0') return kDefaultBaseSeed;
  errno = 0;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 0);  // base 0: decimal, or 0x-prefixed hex
  if (errno != 0 || end == text || *end != '\0' || text[0] == '-') {
    std::fprintf(stderr, "NNK_TEST_SEED must be an unsigned 64-bit integer (decimal or 0x-hex), got \"%s\"\n", text);
    std::abort();
  }
  return value;
}

// Prints the base seed when the run starts and, after every failed test, the command that reruns it.
class SeedReporter : public ::testing::EmptyTestEventListener {
 public:
  void OnTestProgramStart(const ::testing::UnitTest&) override {
    std::printf("[   SEED   ] base seed %llu (set NNK_TEST_SEED to choose another)\n",
                static_cast<unsigned long long>(base_seed()));
    std::fflush(stdout);
  }
  void OnTestEnd(const ::testing::TestInfo& info) override {
    if (!info.result()->Failed()) return;
    std::printf("[   SEED   ] rerun with: NNK_TEST_SEED=%llu --gtest_filter=%s.%s\n",
                static_cast<unsigned long long>(base_seed()), info.test_suite_name(), info.name());
    std::fflush(stdout);
  }
};

// Registered while the program starts, so every test program that links the harness reports its seed, whatever
// main() it uses (gtest_main included). The listener list owns the object.
const bool seed_reporter_registered = [] {
  ::testing::UnitTest::GetInstance()->listeners().Append(new SeedReporter);
  return true;
}();

}  // namespace

Rng::Rng(std::uint64_t seed) {
  for (auto& word : state_) word = splitmix64(seed);
}

std::uint64_t Rng::next_u64() {
  // xoshiro256**: the output scrambler (rotl(s1 * 5, 7) * 9) and the linear state update.
  const std::uint64_t result = std::rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = std::rotl(state_[3], 45);
  return result;
}

double Rng::uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

float Rng::uniform(float lo, float hi) {
  return static_cast<float>(static_cast<double>(lo) + (static_cast<double>(hi) - lo) * uniform01());
}

std::int64_t Rng::uniform_int(std::int64_t lo, std::int64_t hi) {
  if (lo > hi) throw std::invalid_argument("nnk::test::Rng::uniform_int: lo > hi");
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;  // 0: all 2^64
  if (span == 0) return static_cast<std::int64_t>(next_u64());
  // Rejection keeps every value equally likely (a plain modulo would favour the small ones).
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % span;
  std::uint64_t x = next_u64();
  while (x >= limit) x = next_u64();
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + x % span);
}

void Rng::fill(MatrixView m, float lo, float hi) {
  for (std::int64_t j = 0; j < m.cols(); ++j)
    for (std::int64_t i = 0; i < m.rows(); ++i) m(i, j) = uniform(lo, hi);
}

Matrix random_matrix(std::int64_t rows, std::int64_t cols, std::uint64_t seed, float lo, float hi) {
  Matrix m(rows, cols);
  Rng rng(seed);
  rng.fill(m.view(), lo, hi);
  return m;
}

Matrix loss_targets(Loss loss, std::int64_t rows, std::int64_t cols, std::uint64_t seed) {
  if (loss == Loss::MeanSquaredError) return random_matrix(rows, cols, seed, -2, 2);
  Matrix y = random_matrix(rows, cols, seed, 0, 1);
  if (loss == Loss::CategoricalCrossEntropy) {
    for (std::int64_t j = 0; j < cols; ++j) {
      double column_sum = 0;
      for (std::int64_t i = 0; i < rows; ++i) column_sum += y(i, j);
      for (std::int64_t i = 0; i < rows; ++i) y(i, j) = static_cast<float>(y(i, j) / column_sum);
    }
  }
  return y;
}

std::uint64_t base_seed() {
  static const std::uint64_t seed = read_base_seed();
  return seed;
}

std::uint64_t derive_seed(std::uint64_t salt) {
  std::uint64_t x = base_seed();
  std::uint64_t mixed = splitmix64(x) ^ salt;
  return splitmix64(mixed);
}

std::string seed_trace_message(std::uint64_t seed) {
  std::ostringstream out;
  out << "seed = " << seed << " (derived from base seed " << base_seed() << ": rerun with NNK_TEST_SEED="
      << base_seed() << ")";
  return out.str();
}

}  // namespace nnk::test
