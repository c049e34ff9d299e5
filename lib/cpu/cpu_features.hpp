// What the CPU and the operating system let nnk run (internal).
#pragma once

namespace nnk::cpu {

struct CpuFeatures {
  bool avx2 = false;
  bool fma = false;
  bool avx512f = false;
  bool avx512cd = false;
  bool avx512dq = false;
  bool avx512bw = false;
  bool avx512vl = false;
  bool os_saves_ymm = false;  // XCR0: the OS saves the AVX (ymm) state on context switches
  bool os_saves_zmm = false;  // XCR0: ... and the AVX-512 state (opmask, zmm0-15 upper halves, zmm16-31)

  bool can_run_avx2() const { return avx2 && fma && os_saves_ymm; }
  bool can_run_avx512() const {
    return can_run_avx2() && avx512f && avx512cd && avx512dq && avx512bw && avx512vl && os_saves_zmm;
  }
};

// Read once with cpuid and xgetbv.
const CpuFeatures& cpu_features();

}  // namespace nnk::cpu
