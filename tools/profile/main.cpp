// nnk-profile: every nnk kernel, the fused layers and whole training steps, with nnk::ref and the peer libraries
// found at build time, in one table of rates against the FMA peak and the triad bandwidth measured in the same run.
//
//   nnk-profile [--quick] [--threads 1,2] [--filter REGEX] [--min-time S] [--repetitions N] [--json] [--list]
//
// Exit status: 0, 1 when a measurement fails (e.g. a peer's product is wrong), 2 for bad flags.
#include <sched.h>

#include <exception>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "ceilings.hpp"
#include "eltwise_section.hpp"
#include "gemm_section.hpp"
#include "layer_section.hpp"
#include "nnk/cpu.hpp"
#include "profile_options.hpp"
#include "profile_run.hpp"
#include "report.hpp"
#include "train_step_section.hpp"

namespace nnk_profile {
namespace {

// A peak measured more than this many seconds ago is measured again before the next compute-bound row. --quick
// measures it once per thread count (each measurement takes about a quarter of a second).
constexpr double kPeakMaxAge = 10.0;

int run(int argc, char** argv) {
  const ParsedOptions parsed = parse_options(argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const ProfileOptions& options = parsed.options;

  const std::vector<Section> sections{gemm_section(), layer_section(), train_step_section(), eltwise_section()};
  std::vector<std::string> names;
  for (const Section& s : sections)
    for (std::string& name : s.kernel_names(options.quick)) names.push_back(std::move(name));
  if (options.list) {
    for (const std::string& name : names)
      if (options.selected(name)) std::cout << name << "\n";
    return 0;
  }
  bool any = false;
  for (const std::string& name : names) any = any || options.selected(name);
  if (!any) {
    std::cerr << "nnk-profile: --filter '" << options.filter << "' matches none of the kernels (see --list"
              << (options.quick ? " --quick" : "") << ")\n";
    return 2;
  }

  // More threads than CPUs share cores: every figure of that thread count drops, and says nothing about nnk.
  cpu_set_t cpus;
  const int available = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus) : 1;
  for (int threads : options.threads)
    if (threads > available)
      std::cerr << "nnk-profile: warning: " << threads << " threads on " << available
                << " CPUs: cores will be shared\n";

  Ceilings ceilings(nnk::active_isa(), options.quick ? std::numeric_limits<double>::infinity() : kPeakMaxAge);
  std::vector<Row> rows;
  ProfileRun profile{options, ceilings, rows};
  for (const Section& s : sections) s.run(profile);
  // Every GFLOP/s row against the best peak of the whole run: a measurement taken while other load shared the core
  // came out low, and the best one is the closest to the ceiling (rows measured early would otherwise be judged
  // against a lower one than rows measured late).
  for (Row& row : rows)
    if (row.unit == RateUnit::Flops) row.ceiling = ceilings.best_fma_peak(row.threads);

  if (options.json)
    print_json(std::cout, rows, ceilings, options);
  else
    print_table(std::cout, rows, ceilings);
  return 0;
}

}  // namespace
}  // namespace nnk_profile

int main(int argc, char** argv) {
  try {
    return nnk_profile::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "nnk-profile: " << e.what() << "\n";
    return 1;
  }
}
