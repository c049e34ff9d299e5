// Running the built nnk-train from a test: arguments, exit status, stdout and stderr; and per-test directories
// under the build tree.
#pragma once

#include <string>
#include <vector>

namespace nnk::train_test {

struct RunResult {
  int status = -1;       // exit status, or -1 when the program did not exit normally
  std::string out;       // stdout
  std::string err;       // stderr
};

// Runs NNK_TRAIN_EXE with args (each passed as one argument, no shell interpretation of its content).
RunResult run_nnk_train(const std::vector<std::string>& args);
// The same for any program.
RunResult run_program(const std::string& program, const std::vector<std::string>& args);

// An empty directory for the current test: <build>/tests/tools/tmp/<suite>.<test>.
std::string fresh_test_directory();

std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);

// The first match of a regex's group 1 in text, or "" (for picking figures out of the program's output).
std::string first_match(const std::string& text, const std::string& pattern);

}  // namespace nnk::train_test
