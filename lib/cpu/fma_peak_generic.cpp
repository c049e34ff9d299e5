// The FMA peak loop, generic (SSE2: no FMA, a multiply and an add) build.
#include "cpu/fma_peak.hpp"
#include "cpu/fma_peak_loop.hpp"

namespace nnk::cpu {

double fma_peak_loop_generic(std::int64_t rounds) { return fma_peak_loop<simd::Sse2>(rounds); }

}  // namespace nnk::cpu
