// Counter-based random numbers (internal): every value is a pure function of its key, so a result never depends on
// which thread drew it or in what order. No generator state is shared or carried between calls.
//
// A stream is keyed by (seed, purpose, step, layer); the i-th value of a stream is a hash of (stream key, i).
// The hash is SplitMix64's output function (Steele, Lea & Flood 2014), whose counter-mode use passes BigCrush.
#pragma once

#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace nnk::detail {

// What a stream is for: two purposes with the same (seed, step, layer) never share values.
enum class RandomPurpose : std::uint64_t { Initialization = 1, Dropout = 2, Permutation = 3, ValidationSplit = 4 };

// The SplitMix64 finalizer: a bijective mix of 64 bits with full avalanche.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class CounterStream {
 public:
  constexpr CounterStream(std::uint64_t seed, RandomPurpose purpose, std::uint64_t step, std::uint64_t layer)
      : key_(mix64(mix64(mix64(mix64(seed) ^ static_cast<std::uint64_t>(purpose)) ^ step) ^ layer)) {}

  // 64 random bits: value number `index` of this stream.
  constexpr std::uint64_t bits(std::uint64_t index) const { return mix64(key_ + (index + 1) * kGolden); }

  // Uniform in [0, 1) with 53 random bits.
  double uniform(std::uint64_t index) const { return static_cast<double>(bits(index) >> 11) * 0x1.0p-53; }

  // Uniform in [0, 1) with 24 random bits, exactly representable in float (dropout masks).
  float uniform_float(std::uint64_t index) const { return static_cast<float>(bits(index) >> 40) * 0x1.0p-24f; }

  // Uniform integer in [0, bound) (bound >= 1) by the multiply-shift method; the bias, bound / 2^64, is negligible.
  std::uint64_t below(std::uint64_t index, std::uint64_t bound) const {
    __extension__ typedef unsigned __int128 Wide;  // __extension__: a GNU type, accepted under -Wpedantic
    return static_cast<std::uint64_t>((static_cast<Wide>(bits(index)) * bound) >> 64);
  }

  // Standard normal (Box-Muller on the values 2*index and 2*index + 1).
  double normal(std::uint64_t index) const {
    const double u1 = 1.0 - uniform(2 * index);  // in (0, 1]: log(u1) is finite
    const double u2 = uniform(2 * index + 1);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
  }

 private:
  static constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;
  std::uint64_t key_;
};

// order = a permutation of 0 .. n-1 drawn from the stream (Fisher-Yates; value i of the stream picks the swap at
// position n-1-i). Reuses order's storage.
inline void fill_permutation(std::vector<std::int64_t>& order, std::int64_t n, const CounterStream& stream) {
  order.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  for (std::int64_t i = n - 1; i > 0; --i) {
    const auto j = static_cast<std::int64_t>(stream.below(static_cast<std::uint64_t>(n - 1 - i),
                                                          static_cast<std::uint64_t>(i + 1)));
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
  }
}

}  // namespace nnk::detail
