// nnk_bench_eltwise: every activation, loss and optimizer kernel in elements/s and GB/s, on L1-resident arrays and on
// 64 MiB arrays, against nnk::ref and against the triad bandwidth (a[i] = b[i] + s * c[i]) measured in the same run.
//
// Every benchmark reports, next to its own elements_per_s and GB_per_s, the ratios:
//   speedup_vs_ref  elements/s over nnk::ref's on the same kernel and size (the target for activations:
//                   >= 10 on L1-resident data). On L1-resident data the reference runs alternately with the kernel,
//                   in batches of 16 kernel and 2 reference calls, on the same buffers; on 64 MiB its rate is taken
//                   once at startup.
//   triad_frac      GB/s over the triad's on arrays of the same size and the same thread count, measured right
//                   before the benchmark (target on 64 MiB: >= 0.8); bytes = 4 x elements x arrays read and written
//                   (softmax: z read once, a written once; the bias column is negligible)
// Both sides count the bytes a kernel asks for, as STREAM does, not the traffic it causes: the triad's store to a
// line not in cache first reads it (read for ownership), so it moves 16 bytes per element for the 12 it counts.
// Kernels that write their output in place (SGD, Adam) or, at 64 MiB, with non-temporal stores (activations,
// derivatives, deltas: outputs at least the size of the last-level cache) have no such extra read, so a
// memory-bound one can read above 1 (up to 4/3 for one input and one output).
// The machine's state drifts during a run (clock, transparent huge pages, neighbours on a shared host), so the triad
// is measured next to each kernel rather than once at startup: on L1-resident data right before the kernel; on
// arrays beyond the caches alternately with it, one triad after every kernel call in the same timed loop, and the
// ratio is taken over the loop's summed times (the reported time is the kernel's alone). On a busy host the
// alternation keeps both sides of the ratio under the same load; the triad's arrays would evict an L1-resident
// kernel's data, hence the two methods.
// Names: eltwise/<kernel>/<isa>/<size>/threads:T, eltwise_ref/<kernel>/<size>, triad/<size>/threads:T.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "measure/eltwise_cases.hpp"
#include "measure/triad.hpp"
#include "nnk/cpu.hpp"
#include "options.hpp"

namespace nnk_bench {
namespace {

using nnk_measure::eltwise_cases;
using nnk_measure::EltwiseBuffers;
using nnk_measure::EltwiseCase;
using nnk_measure::Triad;
using nnk_measure::TriadRates;
using Clock = std::chrono::steady_clock;

// Every operand of a case has rows x cols floats. L1: 2048 floats (8 KiB) per operand, at most 4 operands: the
// whole working set of any kernel fits a 32 KiB L1. 64 MiB: each operand is 64 MiB, far beyond any cache.
struct ProblemSize {
  const char* name;
  std::int64_t rows;
  std::int64_t cols;
  std::int64_t elements() const { return rows * cols; }
};
constexpr ProblemSize kSizes[] = {{"L1", 64, 32}, {"64MiB", 1024, 16384}};

// One set of buffers per size, shared by every case; a case's setup runs again only when another case used them.
struct SizeBuffers {
  std::unique_ptr<EltwiseBuffers> buffers;
  const EltwiseCase* prepared_for = nullptr;
};

EltwiseBuffers& buffers_for(const ProblemSize& size, const EltwiseCase& c) {
  static std::map<std::string, SizeBuffers> all;
  SizeBuffers& entry = all[size.name];
  if (!entry.buffers) entry.buffers = std::make_unique<EltwiseBuffers>(size.rows, size.cols);
  if (entry.prepared_for != &c) {
    c.setup(*entry.buffers);
    entry.prepared_for = &c;
  }
  return *entry.buffers;
}

// Median over 3 samples of calls per second, each sample repeating calls for at least 20 ms (after a warm-up).
double calls_per_second(const std::function<void()>& call) {
  call();
  std::vector<double> rates;
  for (int s = 0; s < 3; ++s) {
    std::int64_t calls = 0;
    const auto start = Clock::now();
    double seconds = 0;
    do {
      call();
      ++calls;
      seconds = std::chrono::duration<double>(Clock::now() - start).count();
    } while (seconds < 0.02);
    rates.push_back(static_cast<double>(calls) / seconds);
  }
  std::sort(rates.begin(), rates.end());
  return rates[1];
}

// The triads every benchmark compares against (single-threaded benchmark setup: no locking needed).
TriadRates& triads() {
  static TriadRates rates;
  return rates;
}

// Sets elements_per_s, GB_per_s and the ratios from the loop's wall-clock time.
void report(benchmark::State& state, double elements, double bytes, double seconds, double reference_elements_rate,
            double triad_bytes_rate) {
  const double iterations = static_cast<double>(state.iterations());
  const double elements_rate = elements * iterations / seconds;
  const double bytes_rate = bytes * iterations / seconds;
  state.counters["elements_per_s"] = benchmark::Counter(elements_rate, benchmark::Counter::kDefaults,
                                                        benchmark::Counter::kIs1000);
  state.counters["GB_per_s"] = bytes_rate * 1e-9;
  if (reference_elements_rate > 0) state.counters["speedup_vs_ref"] = elements_rate / reference_elements_rate;
  if (triad_bytes_rate > 0) state.counters["triad_frac"] = bytes_rate / triad_bytes_rate;
}

// Times `call` in the benchmark loop.
template <class Call>
double timed_loop(benchmark::State& state, Call&& call) {
  call();  // not timed: starts nnk's thread arena, warms the caches
  const auto start = Clock::now();
  for (auto _ : state) {
    call();
    benchmark::ClobberMemory();
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Problems larger than this many elements per operand are beyond the caches: their triad runs alternately with the
// kernel (4 MiB per operand: well past L2, and the triad's own three arrays add 12 MiB more).
constexpr std::int64_t kAlternateTriadFrom = std::int64_t{1} << 20;

// A triad kept alive per (elements, threads) for the alternating measurements, on long-lived pages like the kernels'.
Triad& alternating_triad(std::int64_t elements, int threads) {
  static std::map<std::pair<std::int64_t, int>, std::unique_ptr<Triad>> all;
  std::unique_ptr<Triad>& triad = all[{elements, threads}];
  if (!triad) {
    triad = std::make_unique<Triad>(elements, threads);
    triad->run();  // faults the pages in
  }
  return *triad;
}

// The benchmark loop with one triad after every kernel call: each iteration's time is the kernel's (manual time);
// returns the triad's bytes per second over the whole loop and sets kernel_seconds to the kernel's total.
double alternating_loop(benchmark::State& state, const std::function<void()>& call, Triad& triad,
                        double& kernel_seconds) {
  call();  // not timed: starts nnk's thread arena, warms the pages
  triad.run();
  kernel_seconds = 0;
  double triad_seconds = 0;
  for (auto _ : state) {
    const auto start = Clock::now();
    call();
    benchmark::ClobberMemory();
    const auto middle = Clock::now();
    triad.run();
    benchmark::ClobberMemory();
    const double seconds = std::chrono::duration<double>(middle - start).count();
    triad_seconds += std::chrono::duration<double>(Clock::now() - middle).count();
    kernel_seconds += seconds;
    state.SetIterationTime(seconds);
  }
  return triad.bytes_per_call() * static_cast<double>(state.iterations()) / triad_seconds;
}

// For cache-resident problems: the kernel and nnk::ref alternately, on the same (L1-resident) buffers, so that
// speedup_vs_ref compares the two under the same machine state. Each iteration times a batch of kernel calls and then
// a batch of reference calls, each batch between one pair of clock reads (a clock read costs ~20 ns, a tenth of a
// kernel call here); the iteration's (manual) time is the kernel's time per call. Returns the reference's elements
// per second over the loop and sets kernel_seconds to the kernel's total per call.
double alternating_reference_loop(benchmark::State& state, const std::function<void()>& call,
                                  const std::function<void()>& reference, double elements, double& kernel_seconds) {
  constexpr int kKernelCalls = 16;
  constexpr int kReferenceCalls = 2;
  call();  // not timed: warms the caches
  reference();
  kernel_seconds = 0;
  double reference_seconds = 0;
  for (auto _ : state) {
    const auto start = Clock::now();
    for (int k = 0; k < kKernelCalls; ++k) {
      call();
      benchmark::ClobberMemory();
    }
    const auto middle = Clock::now();
    for (int k = 0; k < kReferenceCalls; ++k) {
      reference();
      benchmark::ClobberMemory();
    }
    const double seconds = std::chrono::duration<double>(middle - start).count() / kKernelCalls;
    reference_seconds += std::chrono::duration<double>(Clock::now() - middle).count() / kReferenceCalls;
    kernel_seconds += seconds;
    state.SetIterationTime(seconds);
  }
  return elements * static_cast<double>(state.iterations()) / reference_seconds;
}

void register_kernel(const EltwiseCase& c, const ProblemSize& size, nnk::Isa isa, int threads, double reference_rate) {
  const std::string name =
      "eltwise/" + c.name + "/" + std::string(nnk::to_string(isa)) + "/" + size.name;
  const bool alternate = size.elements() >= kAlternateTriadFrom;
  auto* bench = benchmark::RegisterBenchmark(
      name.c_str(), [=, &c](benchmark::State& state) {
        const nnk::ScopedIsa use_isa(isa);
        const nnk::ScopedNumThreads use_threads(threads);
        EltwiseBuffers& b = buffers_for(size, c);
        const auto elements = static_cast<double>(size.elements());
        double seconds = 0, triad_rate = 0, ref_rate = reference_rate;
        if (alternate) {
          triad_rate = alternating_loop(state, [&] { c.run_nnk(b); }, alternating_triad(size.elements(), threads),
                                        seconds);
        } else {
          triad_rate = triads().bytes_per_second(size.elements(), threads);
          ref_rate = alternating_reference_loop(state, [&] { c.run_nnk(b); }, [&] { c.run_ref(b); }, elements,
                                                seconds);
        }
        report(state, elements, elements * c.bytes_per_element(), seconds, ref_rate, triad_rate);
      });
  bench->Arg(threads)->ArgName("threads")->UseManualTime();
}

void register_reference(const EltwiseCase& c, const ProblemSize& size) {
  const std::string name = "eltwise_ref/" + c.name + "/" + size.name;
  benchmark::RegisterBenchmark(name.c_str(),
                               [=, &c](benchmark::State& state) {
                                 EltwiseBuffers& b = buffers_for(size, c);
                                 const double triad_rate = triads().bytes_per_second(size.elements(), 1);
                                 const double seconds = timed_loop(state, [&] { c.run_ref(b); });
                                 const auto elements = static_cast<double>(size.elements());
                                 report(state, elements, elements * c.bytes_per_element(), seconds, 0, triad_rate);
                               })
      ->UseRealTime();
}

// The triad itself, as a row of the table (triad_frac against a fresh measurement shows the run-to-run noise).
void register_triad(const ProblemSize& size, int threads) {
  const std::string name = std::string("triad/") + size.name;
  benchmark::RegisterBenchmark(name.c_str(),
                               [=](benchmark::State& state) {
                                 const double triad_rate = triads().bytes_per_second(size.elements(), threads);
                                 Triad triad(size.elements(), threads);
                                 const double seconds = timed_loop(state, [&] { triad.run(); });
                                 const auto elements = static_cast<double>(size.elements());
                                 report(state, elements, triad.bytes_per_call(), seconds, 0, triad_rate);
                               })
      ->Arg(threads)
      ->ArgName("threads")
      ->UseRealTime();
}

// The thread counts a size runs with: L1-sized problems run on the calling thread whatever the setting.
std::vector<int> threads_for(const ProblemSize& size, const std::vector<int>& requested) {
  if (size.elements() < (1 << 16)) return {1};
  return requested;
}

int run(int argc, char** argv) {
  const Options options = take_options(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("nnk_active_isa", std::string(nnk::to_string(nnk::active_isa())));

  // The reference's elements/s per kernel on the sizes beyond the caches, for speedup_vs_ref there (cache-resident
  // sizes time the reference alternately with the kernel instead).
  std::map<std::pair<std::string, std::string>, double> reference_rates;
  for (const EltwiseCase& c : eltwise_cases()) {
    for (const ProblemSize& size : kSizes) {
      if (size.elements() < kAlternateTriadFrom) continue;
      EltwiseBuffers& b = buffers_for(size, c);
      reference_rates[{c.name, size.name}] =
          calls_per_second([&] { c.run_ref(b); }) * static_cast<double>(size.elements());
    }
  }

  for (const EltwiseCase& c : eltwise_cases()) {
    for (const ProblemSize& size : kSizes) {
      for (nnk::Isa isa : options.isas)
        for (int threads : threads_for(size, options.threads))
          register_kernel(c, size, isa, threads, reference_rates[{c.name, size.name}]);
      register_reference(c, size);
    }
  }
  for (const ProblemSize& size : kSizes)
    for (int threads : threads_for(size, options.threads))
      register_triad(size, threads);

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace
}  // namespace nnk_bench

int main(int argc, char** argv) {
  try {
    return nnk_bench::run(argc, argv);
  } catch (const std::exception& error) {  // nnk::Error (e.g. a bad NNK_ISA), bad options
    std::cerr << "nnk_bench_eltwise: " << error.what() << "\n";
    return 1;
  }
}
