// Rate: 2mnk FLOPs per call against the FMA peak. Bytes (for the roofline): 4 (mk + kn + mn), each operand read or
// written once, the least any GEMM with beta = 0 moves.
#include "gemm_section.hpp"

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "measure/gemm_backend.hpp"
#include "measure/gemm_problem.hpp"
#include "measure/gemm_shapes.hpp"
#include "measure/result_check.hpp"

namespace nnk_profile {

namespace {

using nnk_measure::GemmBackend;
using nnk_measure::GemmOperands;
using nnk_measure::GemmShape;

std::vector<GemmShape> shapes(bool quick) {
  if (quick) return {{nnk::Trans::No, nnk::Trans::No, 256, 256, 256}, {nnk::Trans::No, nnk::Trans::No, 1024, 256, 784}};
  return nnk_measure::benchmark_shapes();
}

std::string kernel_name(const GemmBackend& backend) {
  return backend.library == "nnk_sgemm" ? "sgemm" : "sgemm[" + backend.library + "]";
}

std::vector<std::string> names(bool) {
  std::vector<std::string> list{"sgemm"};
  for (const GemmBackend& peer : nnk_measure::peer_backends()) list.push_back(kernel_name(peer));
  return list;
}

double bytes_moved(const GemmShape& s) { return 4.0 * static_cast<double>(s.m * s.k + s.k * s.n + s.m * s.n); }

// The reference's FLOP rate on `shape`, timed on at most run.reference_flops_per_call(): fewer columns of B and C.
double reference_rate(const GemmShape& shape, const ProfileRun& run, std::string& note) {
  GemmShape small = shape;
  const double flops_per_column = 2.0 * static_cast<double>(shape.m) * static_cast<double>(shape.k);
  small.n = std::clamp<std::int64_t>(static_cast<std::int64_t>(run.reference_flops_per_call() / flops_per_column), 1,
                                     shape.n);
  if (small.n != shape.n) note = "ref at n=" + std::to_string(small.n);
  GemmOperands operands(small);
  const GemmBackend reference = nnk_measure::reference_backend();
  double seconds = 0;
  reference.with_threads(
      1, [&] { seconds = median_seconds_per_call([&] { reference.multiply(operands); }, run.reference_timing()); });
  return nnk_measure::gemm_flops(small) / seconds;
}

// Every backend against nnk::ref on odd shapes before anything is timed: a wrongly mapped call must not be profiled.
void check_backends(const std::vector<GemmBackend>& backends) {
  std::ostringstream log;
  if (!nnk_measure::check_results(backends, log))
    throw std::runtime_error("a GEMM backend computed a wrong product:\n" + log.str());
}

void run_section(ProfileRun& run) {
  std::vector<GemmBackend> backends{nnk_measure::nnk_backend(nnk::active_isa())};
  for (GemmBackend& peer : nnk_measure::peer_backends())
    if (run.options.selected(kernel_name(peer))) backends.push_back(std::move(peer));
  const bool nnk_selected = run.options.selected("sgemm");
  if (!nnk_selected && backends.size() == 1) return;
  check_backends(backends);

  for (const GemmShape& shape : shapes(run.options.quick)) {
    std::string note;
    const double reference = reference_rate(shape, run, note);
    GemmOperands operands(shape);
    for (int threads : run.options.threads) {
      const double peak = run.ceilings.fma_peak(threads);
      double nnk_rate = 0;
      for (const GemmBackend& backend : backends) {
        const bool is_nnk = backend.library == "nnk_sgemm";
        if (!backend.runs(shape, threads)) continue;
        Row row{.kernel = kernel_name(backend),
                .shape = nnk_measure::describe(shape),
                .isa = backend.isa,
                .threads = threads,
                .unit = RateUnit::Flops,
                .flops = nnk_measure::gemm_flops(shape),
                .bytes = bytes_moved(shape),
                .ceiling = peak,
                .reference_rate = reference,
                .reference_note = note,
                .gemm = {nnk_measure::transposes(shape), shape.m, shape.n, shape.k}};
        backend.with_threads(
            threads, [&] { row.seconds = median_seconds_per_call([&] { backend.multiply(operands); }, run.timing()); });
        // nnk runs first on each shape: its rate is what the peers' rows compare against. Without it (a filter
        // that selects only peers) nnk is still timed, but not reported.
        if (is_nnk) {
          nnk_rate = row.rate();
          if (!nnk_selected) continue;
        } else {
          row.nnk_rate = nnk_rate;
        }
        run.add(std::move(row));
      }
    }
  }
}

}  // namespace

Section gemm_section() { return {names, run_section}; }

}  // namespace nnk_profile
