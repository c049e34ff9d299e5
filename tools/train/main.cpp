// nnk-train: train, evaluate and use multilayer perceptrons from the command line (command_line.hpp).
//
// Exit status: 0 on success, 2 for a bad command line, 1 for anything that fails at run time (files, data).
// Every error is one line on stderr: "nnk-train: <what and where>".
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "command_line.hpp"
#include "model_commands.hpp"
#include "model_export.hpp"
#include "train_command.hpp"

namespace {

// The loaders' messages already name the file (and for a CSV line and column); their function names are noise on a
// command line.
std::string without_loader_prefix(std::string message) {
  for (const std::string_view prefix :
       {"nnk::load_csv: ", "nnk::load_idx: ", "nnk::load_table: ", "nnk::fit: ", "nnk::read_checkpoint_info: "})
    if (message.starts_with(prefix)) message.erase(0, prefix.size());
  return message;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace nnk::train_cli;
  try {
    const std::vector<std::string> args(argv, argv + argc);
    const ParsedCommand parsed = parse_command_line(args);
    std::visit(
        [](const auto& command) {
          using T = std::decay_t<decltype(command)>;
          if constexpr (std::is_same_v<T, ShowText>) std::fputs(command.text.c_str(), stdout);
          else if constexpr (std::is_same_v<T, TrainSettings>) run_train(command, stdout);
          else if constexpr (std::is_same_v<T, PredictSettings>) run_predict(command, stdout);
          else if constexpr (std::is_same_v<T, EvaluateSettings>) run_evaluate(command, stdout);
          else run_export(command, stdout);
        },
        parsed.command);
    return 0;
  } catch (const UsageError& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "nnk-train: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "nnk-train: %s\n", without_loader_prefix(e.what()).c_str());
    return 1;
  }
}
