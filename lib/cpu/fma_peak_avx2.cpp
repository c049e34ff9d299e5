// The FMA peak loop, avx2 build.
#include "cpu/fma_peak.hpp"
#include "cpu/fma_peak_loop.hpp"

namespace nnk::cpu {

double fma_peak_loop_avx2(std::int64_t rounds) { return fma_peak_loop<simd::Avx2>(rounds); }

}  // namespace nnk::cpu
