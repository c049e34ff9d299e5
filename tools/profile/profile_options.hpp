// nnk-profile's command line.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace nnk_profile {

struct ProfileOptions {
  std::vector<int> threads;  // thread counts; default 1 and nnk::num_threads()
  double min_time = 0.05;    // seconds per repetition
  int repetitions = 5;
  bool quick = false;    // a small selection and a short min-time: seconds, not minutes
  bool json = false;     // a JSON document on stdout instead of the table
  bool list = false;     // print the kernel names and exit
  bool progress = true;  // a line per measurement on stderr
  std::string filter;    // ECMAScript regex searched in kernel names; empty: every kernel
  std::optional<std::regex> filter_regex;

  bool selected(const std::string& kernel) const { return !filter_regex || std::regex_search(kernel, *filter_regex); }
};

// The result of parsing: options to run with, or an exit code (0 after --help, 2 after a bad flag, whose one-line
// message "nnk-profile: ..." has been written to stderr).
struct ParsedOptions {
  ProfileOptions options;
  std::optional<int> exit_code;
};

ParsedOptions parse_options(int argc, char** argv);

}  // namespace nnk_profile
