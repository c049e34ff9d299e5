// The machine's FP32 ceiling, measured rather than assumed.
#pragma once

#include <cstdint>

namespace nnk {

// Runs a register-only loop of independent FMAs (the widest vectors of the active ISA, enough accumulators to hide
// the FMA latency) for `rounds` rounds on the calling thread and returns the floating-point operations performed
// (2 per FMA lane). Time it to get the peak FLOP rate that benchmarks report their kernels against.
// rounds must be >= 0 (nnk::Error otherwise).
double run_fma_peak_loop(std::int64_t rounds);

}  // namespace nnk
