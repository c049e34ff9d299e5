// What every section of the profile shares: the options, the ceilings, the timing policy and the rows so far.
#pragma once

#include <string>
#include <vector>

#include "ceilings.hpp"
#include "profile_options.hpp"
#include "profile_row.hpp"
#include "stopwatch.hpp"

namespace nnk_profile {

// Reference kernels are slow; a reference call is kept to about this many FLOPs (2 * 256^3, --quick 2 * 128^3) by
// timing it on fewer columns (examples) than nnk's call. Its rate per FLOP barely depends on n: each column is the
// same work.
inline constexpr double kReferenceFlopsPerCall = 2.0 * 256 * 256 * 256;
inline constexpr double kQuickReferenceFlopsPerCall = 2.0 * 128 * 128 * 128;

struct ProfileRun {
  const ProfileOptions& options;
  Ceilings& ceilings;
  std::vector<Row>& rows;

  TimingPolicy timing() const { return {options.min_time, options.repetitions}; }
  // The reference is single-threaded and measured once per shape: fewer, still median-of-3, repetitions.
  TimingPolicy reference_timing() const { return {options.min_time, 3}; }
  double reference_flops_per_call() const {
    return options.quick ? kQuickReferenceFlopsPerCall : kReferenceFlopsPerCall;
  }

  // Appends the row and, with progress on, prints it to stderr as it is measured.
  void add(Row row);
};

// A section of the profile: the kernel names it can produce (for --list and --filter) and the code that runs the
// selected ones.
struct Section {
  std::vector<std::string> (*kernel_names)(bool quick);
  void (*run)(ProfileRun& run);
};

}  // namespace nnk_profile
