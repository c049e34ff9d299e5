// The FMA peak as a row of nnk_bench_gemm's table, next to the GEMMs it is the ceiling of.
#pragma once

#include "nnk/cpu.hpp"

namespace nnk_bench {

// Registers "fma_peak/<isa>/threads:T" (UseRealTime, FLOPS counter), so that the peak appears in the table next to
// the GEMMs, and with peak_frac against the startup figure, which shows how stable the machine was.
void register_fma_peak_benchmark(nnk::Isa isa, int threads, double startup_peak);

}  // namespace nnk_bench
