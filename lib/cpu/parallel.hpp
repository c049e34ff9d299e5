// parallel_for over an index range on nnk's threads (internal; keeps oneTBB out of every other file).
// With float_env.hpp this is lib/cpu's service layer for the layers above it: lib/gemm, lib/eltwise and lib/nn call
// it directly (docs/architecture.md).
#pragma once

#include <cstdint>
#include <type_traits>

namespace nnk::cpu {

using RangeFunction = void (*)(void* context, std::int64_t begin, std::int64_t end);

// Splits [0, count) into chunks of at most `grain` indices and runs them on up to nnk::num_threads() threads
// (inline on the calling thread when one thread is configured or there is a single chunk). Which chunks form and
// which thread runs one is unspecified: the work of each index must not depend on it.
void parallel_for_chunks(std::int64_t count, std::int64_t grain, RangeFunction function, void* context);

// body(begin, end) for each chunk.
template <typename Body>
void parallel_for(std::int64_t count, std::int64_t grain, Body&& body) {
  using BodyType = std::remove_reference_t<Body>;
  parallel_for_chunks(
      count, grain,
      [](void* context, std::int64_t begin, std::int64_t end) { (*static_cast<BodyType*>(context))(begin, end); },
      const_cast<std::remove_const_t<BodyType>*>(&body));
}

}  // namespace nnk::cpu
