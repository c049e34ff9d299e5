// The out-of-line parts of the test harness, one section per header of tests/support.
#include "support/test_support.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "nnk/error.hpp"
#include "nnk/ref.hpp"

namespace nnk::test {

// ===================================================================================================== random.hpp

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

// ============================================================================================= guarded_matrix.hpp

namespace {

float sentinel() { return std::bit_cast<float>(GuardedMatrix::kSentinelBits); }

bool holds_sentinel(float x) { return std::bit_cast<std::uint32_t>(x) == GuardedMatrix::kSentinelBits; }

std::string describe_bits(float x) {
  std::ostringstream out;
  out << "0x" << std::hex << std::uppercase << std::setw(8) << std::setfill('0') << std::bit_cast<std::uint32_t>(x)
      << std::dec << " (" << x << ")";
  return out.str();
}

}  // namespace

GuardedMatrix::GuardedMatrix(std::int64_t rows, std::int64_t cols, std::int64_t ld, std::int64_t misalign_floats)
    : rows_(rows), cols_(cols), ld_(ld), misalign_floats_(misalign_floats) {
  if (rows < 0 || cols < 0 || ld < std::max<std::int64_t>(1, rows) || misalign_floats < 0 || misalign_floats >= 16) {
    std::ostringstream message;
    message << "nnk::test::GuardedMatrix: need rows, cols >= 0, ld >= max(1, rows), 0 <= misalign_floats < 16; got "
            << rows << " x " << cols << ", ld " << ld << ", misalign_floats " << misalign_floats;
    throw std::invalid_argument(message.str());
  }
  constexpr std::int64_t kAlignFloats = static_cast<std::int64_t>(Matrix::kAlignment / sizeof(float));
  const std::int64_t front = kGuardFloats + misalign_floats;
  storage_.assign(static_cast<std::size_t>(kAlignFloats - 1 + front + ld * cols + kGuardFloats), sentinel());
  // The first 64-byte boundary inside the storage starts the front guard; data_ follows it.
  const auto address = reinterpret_cast<std::uintptr_t>(storage_.data());
  const auto padding = static_cast<std::int64_t>((Matrix::kAlignment - address % Matrix::kAlignment) %
                                                 Matrix::kAlignment / sizeof(float));
  front_guard_ = storage_.data() + padding;
  data_ = front_guard_ + front;
  fill(0.0f);
}

GuardedMatrix::GuardedMatrix(std::int64_t rows, std::int64_t cols)
    : GuardedMatrix(rows, cols, std::max<std::int64_t>(1, rows)) {}

void GuardedMatrix::fill(float value) {
  for (std::int64_t j = 0; j < cols_; ++j)
    for (std::int64_t i = 0; i < rows_; ++i) (*this)(i, j) = value;
}

void GuardedMatrix::fill_nan() { fill(std::numeric_limits<float>::quiet_NaN()); }

void GuardedMatrix::fill_random(Rng& rng, float lo, float hi) { rng.fill(view(), lo, hi); }

void GuardedMatrix::copy_from(ConstMatrixView source) {
  if (source.rows() != rows_ || source.cols() != cols_) {
    std::ostringstream message;
    message << "nnk::test::GuardedMatrix::copy_from: source is " << source.rows() << " x " << source.cols()
            << ", expected " << rows_ << " x " << cols_;
    throw std::invalid_argument(message.str());
  }
  for (std::int64_t j = 0; j < cols_; ++j)
    for (std::int64_t i = 0; i < rows_; ++i) (*this)(i, j) = source(i, j);
}

Matrix GuardedMatrix::to_matrix() const { return Matrix::from(view()); }

::testing::AssertionResult GuardedMatrix::guards_intact() const {
  constexpr int kMaxListed = 8;
  std::ostringstream report;
  int changed = 0;
  auto check = [&](float value, auto&& describe_position) {
    if (holds_sentinel(value)) return;
    if (++changed <= kMaxListed) report << "\n  " << describe_position() << " is " << describe_bits(value);
  };
  const std::int64_t front = kGuardFloats + misalign_floats_;
  for (std::int64_t f = 0; f < front; ++f)
    check(front_guard_[f], [&] { return "front guard: float " + std::to_string(front - f) + " before data"; });
  for (std::int64_t j = 0; j < cols_; ++j)
    for (std::int64_t i = rows_; i < ld_; ++i)
      check(data_[i + j * ld_], [&] {
        return "gap row (i = " + std::to_string(i) + ", j = " + std::to_string(j) + ")";
      });
  const float* back_guard = data_ + ld_ * cols_;
  for (std::int64_t f = 0; f < kGuardFloats; ++f)
    check(back_guard[f], [&] { return "back guard: float " + std::to_string(f) + " past the end"; });

  if (changed == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << changed << " guard/gap float(s) of a " << rows_ << " x " << cols_
                                       << " matrix (ld " << ld_ << ", misaligned by " << misalign_floats_
                                       << " floats) no longer hold the sentinel " << describe_bits(sentinel())
                                       << (changed > kMaxListed ? "; the first ones:" : ":") << report.str();
}

// ================================================================================================== tolerance.hpp

namespace {

// One element that failed a comparison; `severity` orders the report (worst first).
struct Mismatch {
  std::int64_t i, j;
  float expected, actual;
  double severity;
  std::string detail;
};

// Compares element by element; judge(i, j, expected, actual) returns std::nullopt when they agree, else a Mismatch
// with severity and detail filled in (this function fills in i and j). `what` describes the criterion.
template <typename Judge>
::testing::AssertionResult compare_elementwise(ConstMatrixView expected, ConstMatrixView actual, const std::string& what,
                                               Judge judge) {
  if (expected.rows() != actual.rows() || expected.cols() != actual.cols())
    return ::testing::AssertionFailure() << "shapes differ: expected is " << expected.rows() << " x "
                                         << expected.cols() << ", actual is " << actual.rows() << " x "
                                         << actual.cols();
  std::vector<Mismatch> mismatches;
  for (std::int64_t j = 0; j < expected.cols(); ++j) {
    for (std::int64_t i = 0; i < expected.rows(); ++i) {
      if (auto mismatch = judge(i, j, expected(i, j), actual(i, j))) {
        mismatch->i = i;
        mismatch->j = j;
        mismatches.push_back(*mismatch);
      }
    }
  }
  if (mismatches.empty()) return ::testing::AssertionSuccess();

  const auto shown = std::min<std::size_t>(mismatches.size(), kMaxReportedMismatches);
  std::partial_sort(mismatches.begin(), mismatches.begin() + static_cast<std::ptrdiff_t>(shown), mismatches.end(),
                    [](const Mismatch& x, const Mismatch& y) { return x.severity > y.severity; });
  auto failure = ::testing::AssertionFailure();
  failure << mismatches.size() << " of " << expected.rows() * expected.cols() << " elements of a " << expected.rows()
          << " x " << expected.cols() << " matrix differ (" << what << "); the worst " << shown << ":";
  for (std::size_t r = 0; r < shown; ++r) {
    const Mismatch& m = mismatches[r];
    failure << "\n  (" << m.i << ", " << m.j << "): expected " << std::setprecision(9) << m.expected << ", actual "
            << m.actual << "; " << m.detail;
  }
  return failure;
}

// Non-finite values match only themselves: NaN matches NaN, +inf matches +inf.
bool same_non_finite(float expected, float actual) {
  if (std::isnan(expected) || std::isnan(actual)) return std::isnan(expected) && std::isnan(actual);
  return expected == actual;  // at least one is infinite here
}

std::string format_error(double error, double allowed) {
  std::ostringstream out;
  out << std::setprecision(3) << "|error| " << error << " > allowed " << allowed;
  return out.str();
}

// Within `tolerance` of expected, or both the same non-finite value; else the mismatch.
std::optional<Mismatch> judge_with_tolerance(float expected, float actual, double tolerance) {
  if (!std::isfinite(expected) || !std::isfinite(actual)) {
    if (same_non_finite(expected, actual)) return std::nullopt;
    return Mismatch{0, 0, expected, actual, std::numeric_limits<double>::infinity(), "non-finite mismatch"};
  }
  const double error = std::fabs(static_cast<double>(expected) - static_cast<double>(actual));
  if (error <= tolerance) return std::nullopt;
  return Mismatch{0, 0, expected, actual, tolerance > 0 ? error / tolerance : error, format_error(error, tolerance)};
}

// Maps a float's bits to an integer that orders like the float: negative floats count down from 0.
std::int64_t ordered_bits(float x) {
  const auto bits = static_cast<std::int64_t>(std::bit_cast<std::uint32_t>(x));
  return bits & 0x80000000 ? -(bits & 0x7FFFFFFF) : bits;
}

}  // namespace

std::uint64_t ulp_distance(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<std::uint64_t>::max();
  const std::int64_t x = ordered_bits(a), y = ordered_bits(b);
  return static_cast<std::uint64_t>(x > y ? x - y : y - x);
}

::testing::AssertionResult matrices_equal(ConstMatrixView expected, ConstMatrixView actual) {
  return compare_elementwise(expected, actual, "bitwise equality", [](std::int64_t, std::int64_t, float e, float a) -> std::optional<Mismatch> {
    if (std::bit_cast<std::uint32_t>(e) == std::bit_cast<std::uint32_t>(a)) return std::nullopt;
    return Mismatch{0, 0, e, a, static_cast<double>(ulp_distance(e, a)),
                    "bits " + describe_bits(e) + " vs " + describe_bits(a)};
  });
}

::testing::AssertionResult matrices_near(ConstMatrixView expected, ConstMatrixView actual, double abs_tol,
                                         double rel_tol) {
  std::ostringstream what;
  what << "|expected - actual| <= " << abs_tol << " + " << rel_tol << " * |expected|";
  return compare_elementwise(expected, actual, what.str(), [&](std::int64_t, std::int64_t, float e, float a) {
    return judge_with_tolerance(e, a, abs_tol + rel_tol * std::fabs(static_cast<double>(e)));
  });
}

::testing::AssertionResult matrices_within_ulp(ConstMatrixView expected, ConstMatrixView actual,
                                               std::uint64_t max_ulp) {
  return compare_elementwise(expected, actual, "at most " + std::to_string(max_ulp) + " ulp apart",
                             [&](std::int64_t, std::int64_t, float e, float a) -> std::optional<Mismatch> {
                               if (std::isnan(e) && std::isnan(a)) return std::nullopt;
                               const std::uint64_t distance = ulp_distance(e, a);
                               if (distance <= max_ulp) return std::nullopt;
                               return Mismatch{0, 0, e, a, static_cast<double>(distance),
                                               std::to_string(distance) + " ulp apart"};
                             });
}

double gemm_error_bound(std::int64_t k) {
  return kGemmBoundFactor * static_cast<double>(std::numeric_limits<float>::epsilon()) *
         std::sqrt(static_cast<double>(std::max<std::int64_t>(k, 1)));
}

Matrix gemm_magnitude(Trans trans_a, Trans trans_b, float alpha, ConstMatrixView a, ConstMatrixView b, float beta,
                      ConstMatrixView c_before) {
  auto absolute = [](ConstMatrixView x) {
    Matrix result = Matrix::from(x);
    for (std::int64_t j = 0; j < result.cols(); ++j)
      for (std::int64_t i = 0; i < result.rows(); ++i) result(i, j) = std::fabs(result(i, j));
    return result;
  };
  // With beta == 0 the GEMM does not read C, so neither does its magnitude: C may hold NaN.
  Matrix magnitude = beta == 0.0f ? Matrix(c_before.rows(), c_before.cols()) : absolute(c_before);
  ref_gemm(trans_a, trans_b, std::fabs(alpha), absolute(a), absolute(b), std::fabs(beta), magnitude);
  return magnitude;
}

::testing::AssertionResult gemm_result_near(ConstMatrixView expected, ConstMatrixView actual, ConstMatrixView magnitude,
                                            std::int64_t k) {
  if (magnitude.rows() != expected.rows() || magnitude.cols() != expected.cols())
    return ::testing::AssertionFailure() << "magnitude is " << magnitude.rows() << " x " << magnitude.cols()
                                         << ", expected the shape of the result, " << expected.rows() << " x "
                                         << expected.cols();
  const double relative = gemm_error_bound(k);
  std::ostringstream what;
  what << "|error| <= " << kGemmBoundFactor << " * eps * sqrt(k = " << k << ") * magnitude + " << kGemmAbsoluteFloor;
  return compare_elementwise(expected, actual, what.str(), [&](std::int64_t i, std::int64_t j, float e, float a) {
    return judge_with_tolerance(e, a, relative * static_cast<double>(magnitude(i, j)) + kGemmAbsoluteFloor);
  });
}

// =================================================================================================== matrices.hpp

Matrix matrix_from_rows(std::initializer_list<std::initializer_list<float>> rows) {
  const auto row_count = static_cast<std::int64_t>(rows.size());
  const auto col_count = row_count > 0 ? static_cast<std::int64_t>(rows.begin()->size()) : 0;
  Matrix m(row_count, col_count);
  std::int64_t i = 0;
  for (const auto& row : rows) {
    if (static_cast<std::int64_t>(row.size()) != col_count)
      throw std::invalid_argument("nnk::test::matrix_from_rows: row " + std::to_string(i) + " has " +
                                  std::to_string(row.size()) + " elements, row 0 has " + std::to_string(col_count));
    std::int64_t j = 0;
    for (float value : row) m(i, j++) = value;
    ++i;
  }
  return m;
}

Matrix transposed(ConstMatrixView x) {
  Matrix t(x.cols(), x.rows());
  for (std::int64_t j = 0; j < x.cols(); ++j)
    for (std::int64_t i = 0; i < x.rows(); ++i) t(j, i) = x(i, j);
  return t;
}

void ref_gemm(Trans trans_a, Trans trans_b, float alpha, ConstMatrixView a, ConstMatrixView b, float beta,
              MatrixView c) {
  const std::int64_t m = c.rows(), n = c.cols();
  const std::int64_t a_rows = trans_a == Trans::No ? a.rows() : a.cols();
  const std::int64_t k = trans_a == Trans::No ? a.cols() : a.rows();
  const std::int64_t b_rows = trans_b == Trans::No ? b.rows() : b.cols();
  const std::int64_t b_cols = trans_b == Trans::No ? b.cols() : b.rows();
  if (a_rows != m || b_rows != k || b_cols != n) {
    std::ostringstream message;
    message << "nnk::test::ref_gemm: op(A) is " << a_rows << " x " << k << ", op(B) is " << b_rows << " x " << b_cols
            << ", C is " << m << " x " << n << ": they do not form a GEMM";
    throw std::invalid_argument(message.str());
  }
  ref::sgemm(trans_a, trans_b, m, n, k, alpha, a.data(), a.ld(), b.data(), b.ld(), beta, c.data(), c.ld());
}

// ===================================================================================================== shapes.hpp

std::vector<std::int64_t> sizes_around(std::int64_t tile) {
  if (tile < 1) throw std::invalid_argument("nnk::test::sizes_around: tile must be >= 1, got " + std::to_string(tile));
  std::vector<std::int64_t> sizes = {1, tile - 1, tile, tile + 1, 2 * tile - 1, 2 * tile, 2 * tile + 1};
  std::erase_if(sizes, [](std::int64_t s) { return s < 1; });
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  return sizes;
}

const std::vector<std::int64_t>& small_primes() {
  static const std::vector<std::int64_t> primes = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61};
  return primes;
}

std::string to_string(const GemmShape& shape) {
  return "m" + std::to_string(shape.m) + "_n" + std::to_string(shape.n) + "_k" + std::to_string(shape.k);
}

// ===================================================================================================== errors.hpp

::testing::AssertionResult throws_error_containing(const std::function<void()>& call,
                                                   std::initializer_list<std::string_view> fragments) {
  try {
    call();
  } catch (const nnk::Error& error) {
    const std::string_view message = error.what();
    for (std::string_view fragment : fragments)
      if (message.find(fragment) == std::string_view::npos)
        return ::testing::AssertionFailure() << "the nnk::Error message \"" << message << "\" lacks \"" << fragment
                                             << "\"";
    return ::testing::AssertionSuccess() << "threw nnk::Error: " << message;
  } catch (const std::exception& other) {
    return ::testing::AssertionFailure() << "threw another exception instead of nnk::Error: " << other.what();
  }
  return ::testing::AssertionFailure() << "threw nothing; expected nnk::Error";
}

}  // namespace nnk::test
