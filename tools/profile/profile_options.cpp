#include "profile_options.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>

#include "nnk/cpu.hpp"

namespace nnk_profile {

namespace {

constexpr double kQuickMinTime = 0.01;
constexpr int kQuickRepetitions = 3;

}  // namespace

ParsedOptions parse_options(int argc, char** argv) {
  ParsedOptions parsed;
  ProfileOptions& o = parsed.options;
  CLI::App app{
      "nnk-profile: every nnk kernel, the fused layers and training steps, with nnk::ref and the peer libraries, as "
      "rates against the FMA peak and the triad bandwidth measured in the same run."};
  app.add_option("--threads", o.threads, "Thread counts, e.g. 1,2 (default: 1 and nnk::num_threads())")
      ->delimiter(',')
      ->check(CLI::Range(1, 4096));
  app.add_option("--min-time", o.min_time, "Seconds per repetition (default 0.05; --quick: 0.01)")
      ->check(CLI::Range(0.001, 60.0));
  app.add_option("--repetitions", o.repetitions, "Repetitions per measurement; the median is reported (default 5)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--filter", o.filter, "Only kernels whose name matches this regular expression (ECMAScript)");
  app.add_flag("--quick", o.quick, "A small selection with a short min-time (a few seconds)");
  app.add_flag("--json", o.json, "Write a JSON document (machine, ceilings, rows) to stdout instead of the table");
  app.add_flag("--list", o.list, "Print the kernel names --filter chooses from, and exit");
  bool quiet = false;
  app.add_flag("-q,--quiet", quiet, "No progress lines on stderr");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {  // --help
      parsed.exit_code = app.exit(e);
      return parsed;
    }
    std::cerr << "nnk-profile: " << e.what() << " (see --help)\n";
    parsed.exit_code = 2;
    return parsed;
  }
  o.progress = !quiet;

  if (o.quick) {
    if (app.count("--min-time") == 0) o.min_time = kQuickMinTime;
    if (app.count("--repetitions") == 0) o.repetitions = kQuickRepetitions;
  }
  if (o.threads.empty()) {
    o.threads = {1, nnk::num_threads()};
  }
  // Each count once, in the order given.
  std::vector<int> unique;
  for (int t : o.threads)
    if (std::find(unique.begin(), unique.end(), t) == unique.end()) unique.push_back(t);
  o.threads = unique;

  if (!o.filter.empty()) {
    try {
      o.filter_regex.emplace(o.filter, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      std::cerr << "nnk-profile: --filter: '" << o.filter << "' is not a valid regular expression: " << e.what()
                << "\n";
      parsed.exit_code = 2;
    }
  }
  return parsed;
}

}  // namespace nnk_profile
