// The memory-bandwidth ceiling of the elementwise kernels: the STREAM triad a[i] = b[i] + s * c[i] on arrays of the
// same size as a kernel's operands, on the same number of threads, measured in the same run.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <utility>

namespace nnk_measure {

// One triad over arrays of `elements` floats (64-byte aligned) on `threads` threads (oneTBB, a static split).
class Triad {
 public:
  Triad(std::int64_t elements, int threads);
  ~Triad();
  Triad(const Triad&) = delete;
  Triad& operator=(const Triad&) = delete;
  void run();
  double bytes_per_call() const { return 12.0 * static_cast<double>(elements_); }

 private:
  struct Arrays;
  std::int64_t elements_;
  int threads_;
  std::unique_ptr<Arrays> arrays_;
};

// Triads kept alive per (elements, threads), so that every measurement sees the same, long-lived pages as the
// kernels' buffers do. bytes_per_second() measures now: called right before a kernel is timed, the ratio compares
// two figures taken seconds apart on the same machine state.
class TriadRates {
 public:
  // Median of 3 samples of at least 10 ms of repeated triads (the first use of a size warms up for 200 ms).
  double bytes_per_second(std::int64_t elements, int threads);

 private:
  std::map<std::pair<std::int64_t, int>, std::unique_ptr<Triad>> triads_;
};

}  // namespace nnk_measure
