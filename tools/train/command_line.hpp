// The command line of nnk-train: what each subcommand accepts, checked and converted into plain settings.
//
//   nnk-train [train] (--dataset NAME | --data FILE) [--target COLUMN] [options]    train, test, optionally save
//   nnk-train predict --model FILE --data FILE [--output FILE]                       one prediction per row
//   nnk-train evaluate --model FILE --data FILE                                      metrics on labelled data
//   nnk-train export --model FILE --output FILE                                      the model as an ONNX file
//
// parse_command_line never exits, prints or touches files (a fuzzer calls it with arbitrary arguments): every
// mistake is a UsageError with a one-line message naming the flag and the value.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "training_control_settings.hpp"

namespace nnk::train_cli {

// A bad command line. main prints "nnk-train: <what()>" and exits with status 2.
class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

// What the target column means; Auto infers it from the values (task_inference.hpp).
enum class TaskChoice { Auto, Binary, Multiclass, Regression };
enum class HiddenActivation { ReLU, Tanh, Sigmoid, Identity };
enum class OptimizerKind { Adam, Sgd };
// Auto: a live bar when stdout is a terminal, one line per epoch otherwise.
enum class ProgressMode { Auto, Bar, Lines, None };
// --missing: impute (the training mean; a category of its own) or drop the rows (nnk::MissingValues).
enum class MissingPolicy { Impute, Drop };

struct TrainSettings {
  // Exactly one of data_path and dataset is set.
  std::string data_path;
  std::string dataset;                       // one of bundled_dataset_names()
  std::optional<std::string> data_dir;       // where the bundled data sets are (overrides the built-in places)
  std::optional<std::string> target;         // column name; the last column when absent
  std::optional<std::string> test_data_path; // a separate test file instead of a held-out split
  TaskChoice task = TaskChoice::Auto;
  // Real CSV files (nnk/table.hpp): which columns are features, and how categories and missing values are taken.
  std::vector<std::string> feature_columns;  // --features; empty: every column but the target and --ignore's
  std::vector<std::string> ignore_columns;   // --ignore
  std::int64_t max_categories = 50;          // --max-categories: a text feature with more is an error
  MissingPolicy missing = MissingPolicy::Impute;

  std::vector<std::int64_t> hidden_layers = {32, 16};
  HiddenActivation activation = HiddenActivation::ReLU;
  std::int64_t epochs = 200;
  std::int64_t batch_size = 32;
  OptimizerKind optimizer = OptimizerKind::Adam;
  double learning_rate = 1e-3;               // the optimizer's default unless given
  double momentum = 0;                       // SGD only
  double l1 = 0;
  double l2 = 1e-4;
  double dropout = 0.1;                      // on every hidden layer
  std::optional<int> threads;                // nnk's default (all cores) when absent
  std::uint64_t seed = 1;                    // initialization, dropout, shuffling, validation split
  double validation_fraction = 0.1;          // of the training split, held out by nnk::fit
  double test_fraction = 0.2;                // of the data, held out for the final test metrics (0: none)
  std::uint64_t split_seed = 1;

  std::optional<std::string> save_path;      // model file; its preprocessing goes to <path>.json
  std::optional<std::string> log_path;       // per-epoch metrics as JSON lines
  ProgressMode progress = ProgressMode::Auto;

  TrainingControl control;                   // early stopping, schedule, clip-norm, checkpoint and resume
};

struct PredictSettings {
  std::string model_path;
  std::string data_path;
  std::optional<std::string> output_path;    // stdout when absent
  std::optional<int> threads;
};

struct EvaluateSettings {
  std::string model_path;
  std::string data_path;
  std::optional<int> threads;
};

// nnk-train export: the model bundle (model file + its .json sidecar) as an ONNX model (nnk::export_onnx).
struct ExportSettings {
  std::string model_path;
  std::string output_path;
};

// --help / --version: the text to print (to stdout, exit status 0).
struct ShowText {
  std::string text;
};

struct ParsedCommand {
  std::variant<TrainSettings, PredictSettings, EvaluateSettings, ExportSettings, ShowText> command;
};

// args[0] is the program name (not used: messages and help always say nnk-train). Throws UsageError only.
ParsedCommand parse_command_line(std::span<const std::string> args);

// The names --dataset accepts: the data sets shipped in tools/data, and kFashionMnist.
const std::vector<std::string>& bundled_dataset_names();
// The one data set that is not a CSV file: Debian's Fashion-MNIST IDX files, with their own train / test split.
inline constexpr const char* kFashionMnist = "fashion-mnist";

}  // namespace nnk::train_cli
