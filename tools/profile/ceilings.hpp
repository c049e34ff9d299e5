// The machine's ceilings, measured during the profile next to the kernels they judge: the FMA peak (FLOP/s) per
// thread count and the triad bandwidth (B/s) per array size and thread count.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "nnk/cpu.hpp"
#include "measure/triad.hpp"

namespace nnk_profile {

// One measurement, for the report's machine section.
struct CeilingSample {
  int threads = 1;
  std::int64_t elements = 0;  // triad only: floats per array
  double rate = 0;            // FLOP/s or B/s
  double at_seconds = 0;      // since the profile started
};

class Ceilings {
 public:
  // peak_max_age: a peak older than this (seconds) is measured again before it is used; a shared host drifts.
  Ceilings(nnk::Isa isa, double peak_max_age);

  // FLOP/s of nnk::run_fma_peak_loop on `threads` threads at the ISA given above: the best of 5 runs of ~50 ms,
  // measured again when the last measurement is older than peak_max_age, and the highest of this run's measurements
  // for `threads` is returned. Other load on a shared host only ever lowers a measurement, so the highest is the
  // closest to the ceiling; re-measuring catches a ceiling that rises during the run (clocks, a quieter host).
  double fma_peak(int threads);

  // The highest peak measured on `threads` threads in the whole run; 0 if none was.
  double best_fma_peak(int threads) const;

  // The triad a = b + s * c on arrays of `elements` floats on `threads` threads, kept alive (the same long-lived
  // pages every time) and warmed up on first use, for a caller that times it next to a kernel.
  nnk_measure::Triad& triad(std::int64_t elements, int threads);

  // Records a triad rate (B/s) measured by the caller, for the report.
  void record_triad(std::int64_t elements, int threads, double bytes_per_second);

  const std::vector<CeilingSample>& peak_samples() const { return peak_samples_; }
  const std::vector<CeilingSample>& triad_samples() const { return triad_samples_; }

 private:
  double seconds_since_start() const;

  nnk::Isa isa_;
  double peak_max_age_;
  std::chrono::steady_clock::time_point start_;
  std::map<int, CeilingSample> latest_peak_;
  std::map<int, double> best_peak_;
  std::vector<CeilingSample> peak_samples_;
  std::vector<CeilingSample> triad_samples_;
  std::map<std::pair<std::int64_t, int>, std::unique_ptr<nnk_measure::Triad>> triads_;
};

}  // namespace nnk_profile
