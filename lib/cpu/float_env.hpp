// The floating-point environment nnk's kernels run in (internal service of lib/cpu, with parallel.hpp, for lib/gemm,
// lib/eltwise and lib/nn): denormals flushed to zero.
//
// Denormal (subnormal) floats take a microcode assist on x86 that costs ~100 cycles per operation, and a network
// whose activations decay towards 0 can hit them in every GEMM. Every kernel therefore runs with the SSE/AVX control
// register MXCSR set to flush denormal results to zero (FTZ) and to read denormal inputs as zero (DAZ). The scope
// is applied to every chunk of work on every thread (cpu::parallel_for_chunks), whatever the thread count, so the
// results stay bitwise identical across thread counts, and the caller's own setting is restored before nnk returns.
#pragma once

#include <cstdint>

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define NNK_HAS_MXCSR 1
#else
#define NNK_HAS_MXCSR 0
#endif

namespace nnk::cpu {

// MXCSR bits: flush-to-zero (denormal results become 0) and denormals-are-zero (denormal inputs read as 0).
inline constexpr std::uint32_t kMxcsrFlushToZero = 1u << 15;
inline constexpr std::uint32_t kMxcsrDenormalsAreZero = 1u << 6;
inline constexpr std::uint32_t kMxcsrFlushDenormals = kMxcsrFlushToZero | kMxcsrDenormalsAreZero;

// The calling thread's MXCSR (0 where the target has none).
inline std::uint32_t read_mxcsr() noexcept {
#if NNK_HAS_MXCSR
  return _mm_getcsr();
#else
  return 0;
#endif
}

inline void write_mxcsr([[maybe_unused]] std::uint32_t value) noexcept {
#if NNK_HAS_MXCSR
  _mm_setcsr(value);
#endif
}

// RAII: FTZ and DAZ on for the calling thread while the object lives, then the previous MXCSR returns (rounding
// mode and exception masks untouched). One register read, and a write on entry and exit only when the bits were
// not already set: cheap enough to wrap each chunk of a parallel loop.
class FlushDenormalsScope {
 public:
  FlushDenormalsScope() noexcept : previous_(read_mxcsr()) {
    if ((previous_ & kMxcsrFlushDenormals) != kMxcsrFlushDenormals) write_mxcsr(previous_ | kMxcsrFlushDenormals);
  }
  ~FlushDenormalsScope() {
    if ((previous_ & kMxcsrFlushDenormals) != kMxcsrFlushDenormals) write_mxcsr(previous_);
  }
  FlushDenormalsScope(const FlushDenormalsScope&) = delete;
  FlushDenormalsScope& operator=(const FlushDenormalsScope&) = delete;

 private:
  std::uint32_t previous_;
};

// Whether the calling thread flushes denormals now (both FTZ and DAZ set). Where there is no MXCSR: false.
bool denormals_flushed() noexcept;

}  // namespace nnk::cpu
