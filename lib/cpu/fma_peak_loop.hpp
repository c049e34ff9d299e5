// One body for every ISA's peak loop, over an ISA V of the SIMD layer (included only by the per-ISA files;
// internal linkage).
// kAccumulators independent chains: Zen 4/5 and Intel cores need latency (4) x pipes (2) = 8 in flight; 16 leaves
// margin. The multiplier and addend keep values finite and normal for any number of rounds.
#pragma once

#include <cstdint>

#include "simd/simd.hpp"

namespace nnk::cpu {
namespace {

template <typename V, int kAccumulators = 16>
double fma_peak_loop(std::int64_t rounds) {
  typename V::Floats acc[kAccumulators];
  const typename V::Floats x = V::broadcast(0.999999f);
  const typename V::Floats y = V::broadcast(1e-6f);
#pragma GCC unroll 16
  for (int i = 0; i < kAccumulators; ++i) acc[i] = V::broadcast(static_cast<float>(i));
  for (std::int64_t r = 0; r < rounds; ++r) {
#pragma GCC unroll 16
    for (int i = 0; i < kAccumulators; ++i) acc[i] = V::mul_add(acc[i], x, y);
  }
  // Keep the result alive so that the loop is not removed.
  float sink = 0;
#pragma GCC unroll 16
  for (int i = 0; i < kAccumulators; ++i) sink += V::first_lane(acc[i]);
  asm volatile("" : : "r"(sink));
  return 2.0 * V::kLanes * kAccumulators * static_cast<double>(rounds);
}

}  // namespace
}  // namespace nnk::cpu
