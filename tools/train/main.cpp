// nnk-train: train, evaluate and use multilayer perceptrons from the command line (command_line.hpp).
//
// Exit status: 0 on success, 2 for a bad command line, 1 for anything that fails at run time (files, data).
// Every error is one line on stderr: "nnk-train: <what and where>".
//
// Under an MPI launcher (mpirun -np R nnk-train ...), training is data-parallel over the R ranks (mpi_training.hpp)
// and rank 0 alone prints. predict, evaluate, export, --help and --version run on rank 0 alone; the other ranks
// exit at once with status 0. A bad command line is rank 0's line and status 2 on every rank.
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "command_line.hpp"
#include "error_message.hpp"
#include "model_commands.hpp"
#include "model_export.hpp"
#include "mpi_launch.hpp"
#include "mpi_training.hpp"
#include "train_command.hpp"

int main(int argc, char** argv) {
  using namespace nnk::train_cli;
  const std::optional<MpiLaunch> launch = mpi_launch_from_environment();
  const bool rank_zero = !launch || launch->rank == 0;
  try {
    const std::vector<std::string> args(argv, argv + argc);
    const ParsedCommand parsed = parse_command_line(args);
    std::visit(
        [&](const auto& command) {
          using T = std::decay_t<decltype(command)>;
          if constexpr (std::is_same_v<T, TrainSettings>) {
            // A job of one rank trains as a plain run does (no MPI needed, --clip-norm allowed).
            if (launch && launch->size != 1) run_train_on_ranks(command, *launch, stdout);
            else run_train(command, stdout);
          } else if (rank_zero) {
            if constexpr (std::is_same_v<T, ShowText>) std::fputs(command.text.c_str(), stdout);
            else if constexpr (std::is_same_v<T, PredictSettings>) run_predict(command, stdout);
            else if constexpr (std::is_same_v<T, EvaluateSettings>) run_evaluate(command, stdout);
            else run_export(command, stdout);
          }
        },
        parsed.command);
    return 0;
  } catch (const UsageError& e) {
    std::fflush(stdout);
    if (rank_zero) std::fprintf(stderr, "nnk-train: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    if (rank_zero) std::fprintf(stderr, "nnk-train: %s\n", error_message(e).c_str());
    return 1;
  }
}
