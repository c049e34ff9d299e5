// The FMA peak loop, avx512 build.
#include "cpu/fma_peak.hpp"
#include "cpu/fma_peak_loop.hpp"

namespace nnk::cpu {

double fma_peak_loop_avx512(std::int64_t rounds) { return fma_peak_loop<simd::Avx512>(rounds); }

}  // namespace nnk::cpu
