// The FMA peak: the ceiling every GEMM figure is reported against (peak_frac), measured in the same run.
#pragma once

#include <map>
#include <utility>

#include "nnk/cpu.hpp"

namespace nnk_bench {

// Peak FLOP rates per (ISA, thread count), measured once at startup.
class PeakTable {
 public:
  // Best of 5 runs of about 50 ms, each running nnk::run_fma_peak_loop on `threads` std::threads at once.
  void measure(nnk::Isa isa, int threads);

  // FLOP/s; throws std::out_of_range if (isa, threads) was not measured.
  double flops_per_second(nnk::Isa isa, int threads) const;

 private:
  std::map<std::pair<nnk::Isa, int>, double> rates_;
};

// Registers "fma_peak/<isa>/threads:T" (UseRealTime, FLOPS counter), so that the peak appears in the table next to
// the GEMMs, and with peak_frac against the startup figure, which shows how stable the machine was.
void register_fma_peak_benchmark(nnk::Isa isa, int threads, double startup_peak);

}  // namespace nnk_bench
