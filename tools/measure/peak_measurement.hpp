// The FMA peak: the ceiling every compute-bound figure is reported against (peak_frac), measured in the same run.
#pragma once

#include <cstdint>
#include <map>
#include <utility>

#include "nnk/cpu.hpp"

namespace nnk_measure {

// One run of nnk::run_fma_peak_loop on several threads at once: the FLOPs of all threads and the span they took.
struct PeakRun {
  double flops = 0;
  double seconds = 0;
  double rate() const { return flops / seconds; }
};

// Runs `rounds` rounds of the active ISA's peak loop on `threads` new threads started together. The time spans the
// earliest start to the latest finish, so thread creation and join are not counted and a late starter lowers the
// rate, as it should.
PeakRun run_peak_loop_on_threads(int threads, std::int64_t rounds);

// Rounds of the active ISA's peak loop that take about `seconds` on one thread.
std::int64_t peak_loop_rounds_for(double seconds);

// Peak FLOP rates per (ISA, thread count).
class PeakTable {
 public:
  // Best of 5 runs of about 50 ms, each running nnk::run_fma_peak_loop on `threads` std::threads at once.
  void measure(nnk::Isa isa, int threads);

  // FLOP/s; throws std::out_of_range if (isa, threads) was not measured.
  double flops_per_second(nnk::Isa isa, int threads) const;

 private:
  std::map<std::pair<nnk::Isa, int>, double> rates_;
};

}  // namespace nnk_measure
