#include "cpu/cpu_features.hpp"

#include <cpuid.h>

#include <cstdint>

namespace nnk::cpu {

namespace {

bool bit(unsigned value, int index) { return ((value >> index) & 1u) != 0; }

// xgetbv(0) without compiling this file for XSAVE: only valid when cpuid reports OSXSAVE.
std::uint64_t read_xcr0() {
  std::uint32_t eax = 0;
  std::uint32_t edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<std::uint64_t>(edx) << 32) | eax;
}

CpuFeatures detect() {
  CpuFeatures f;
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid_count(1, 0, &eax, &ebx, &ecx, &edx) == 0) return f;
  f.fma = bit(ecx, 12);
  const bool osxsave = bit(ecx, 27);
  const bool avx = bit(ecx, 28);
  if (osxsave && avx) {
    const std::uint64_t xcr0 = read_xcr0();
    f.os_saves_ymm = (xcr0 & 0x6) == 0x6;    // SSE and AVX state
    f.os_saves_zmm = (xcr0 & 0xE6) == 0xE6;  // plus opmask, ZMM_Hi256, Hi16_ZMM
  }
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return f;
  f.avx2 = bit(ebx, 5);
  f.avx512f = bit(ebx, 16);
  f.avx512dq = bit(ebx, 17);
  f.avx512cd = bit(ebx, 28);
  f.avx512bw = bit(ebx, 30);
  f.avx512vl = bit(ebx, 31);
  return f;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

}  // namespace nnk::cpu
