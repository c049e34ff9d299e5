#include "eltwise_section.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "measure/eltwise_cases.hpp"
#include "nnk/cpu.hpp"

namespace nnk_profile {

namespace {

struct ArraySize {
  const char* label;
  std::int64_t rows, cols;
};

// L1: 2048 floats (8 KiB) per operand, so even a four-operand kernel fits a 32 KiB L1 data cache. 64MiB: each
// operand 64 MiB, far beyond any last-level cache: the kernels stream from memory.
constexpr ArraySize kL1{"L1", 64, 32};
constexpr ArraySize kLarge{"64MiB", 1024, 16384};

// --quick: the common activations, one backward, one loss and one optimizer in L1; one kernel from memory.
bool in_quick_selection(const std::string& name, const ArraySize& size) {
  static const char* const l1[] = {"bias_activation_forward[relu]", "bias_activation_forward[sigmoid]",
                                   "activation_backward[relu]", "loss_and_delta[bce]", "adam_update"};
  if (&size == &kLarge) return name == "bias_activation_forward[sigmoid]";
  return std::find(std::begin(l1), std::end(l1), name) != std::end(l1);
}

bool wanted(const std::string& name, const ArraySize& size, const ProfileOptions& options) {
  return options.selected(name) && (!options.quick || in_quick_selection(name, size));
}

std::vector<std::string> names(bool quick) {
  std::vector<std::string> list;
  for (const nnk_measure::EltwiseCase& k : nnk_measure::eltwise_cases())
    if (!quick || in_quick_selection(k.function_name, kL1) || in_quick_selection(k.function_name, kLarge))
      list.push_back(k.function_name);
  return list;
}

void run_size(ProfileRun& run, const ArraySize& size) {
  // The cases and buffers of nnk_bench_eltwise (tools/measure/eltwise_cases.hpp), under their nnk function names.
  std::unique_ptr<nnk_measure::EltwiseBuffers> buffers;  // allocated only if a kernel of this size is selected
  const std::string isa(nnk::to_string(nnk::active_isa()));
  for (const nnk_measure::EltwiseCase& kernel : nnk_measure::eltwise_cases()) {
    if (!wanted(kernel.function_name, size, run.options)) continue;
    if (!buffers) buffers = std::make_unique<nnk_measure::EltwiseBuffers>(size.rows, size.cols);
    kernel.setup(*buffers);
    const double elements = static_cast<double>(buffers->elements());
    const double bytes = kernel.bytes_per_element() * elements;
    // nnk::ref is single-threaded: one measurement serves every thread count.
    const double reference_seconds = median_seconds_per_call([&] { kernel.run_ref(*buffers); }, run.reference_timing());
    for (int threads : run.options.threads) {
      // The kernel and the triad on arrays of the same size, timed in alternation: both see the same load.
      nnk_measure::Triad& triad = run.ceilings.triad(buffers->elements(), threads);
      const nnk::ScopedNumThreads use_threads(threads);
      const PairedTimes times =
          paired_median_seconds_per_call([&] { kernel.run_nnk(*buffers); }, [&] { triad.run(); }, run.timing());
      const double triad_rate = triad.bytes_per_call() / times.b;
      run.ceilings.record_triad(buffers->elements(), threads, triad_rate);
      Row row{.kernel = kernel.function_name,
              .shape = std::to_string(size.rows) + "x" + std::to_string(size.cols) + " (" + size.label + ")",
              .isa = isa,
              .threads = threads,
              .unit = RateUnit::Bytes,
              .seconds = times.a,
              .flops = kernel.flops_per_element * elements,
              .bytes = bytes,
              .ceiling = triad_rate,
              .reference_rate = bytes / reference_seconds};
      run.add(std::move(row));
    }
  }
}

void run_section(ProfileRun& run) {
  run_size(run, kL1);
  run_size(run, kLarge);
}

}  // namespace

Section eltwise_section() { return {names, run_section}; }

}  // namespace nnk_profile
