// nnk-train's command line on CLI11: CLI11 splits the arguments and knows the flags; every value is taken as text
// and converted here (option_values.hpp), so each mistake gets one message in one format.
#include "command_line.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <limits>
#include <string_view>

#include "column_names_option.hpp"
#include "nnk/version.hpp"
#include "option_values.hpp"
#include "training_control_flags.hpp"

namespace nnk::train_cli {

namespace {

constexpr std::int64_t kMaxCount = 1'000'000'000;   // epochs, batch size
constexpr std::int64_t kMaxLayerUnits = 1 << 20;
constexpr std::int64_t kMaxThreads = 4096;

std::string version_text() {
  return "nnk-train " + std::to_string(kVersionMajor) + "." + std::to_string(kVersionMinor) + "." +
         std::to_string(kVersionPatch);
}

// CLI11's messages are one line, but they may quote an argument: keep them printable.
std::string printable(std::string_view message) {
  std::string out;
  for (const char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    out += byte < 0x20 || byte == 0x7f ? '?' : c;
  }
  return out;
}

// Runs CLI11 on the arguments after the subcommand. Returns text to show for --help / --version, else nothing.
std::optional<std::string> run_cli11(CLI::App& app, std::span<const std::string> args) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes its vector from the back
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    return app.help();
  } catch (const CLI::CallForAllHelp&) {
    return app.help("", CLI::AppFormatMode::All);
  } catch (const CLI::CallForVersion& e) {
    return std::string(e.what()) + "\n";
  } catch (const CLI::ParseError& e) {
    throw UsageError(printable(e.what()) + " (see " + app.get_name() + " --help)");
  }
  return std::nullopt;
}

std::string layers_text(const std::vector<std::int64_t>& widths) {
  std::string text;
  for (const std::int64_t w : widths) text += (text.empty() ? "" : ",") + std::to_string(w);
  return text.empty() ? "none" : text;
}

// "wdbc, digits, ...": the names --dataset accepts, for the help and the messages.
std::string dataset_list() {
  std::string text;
  for (const std::string& name : bundled_dataset_names()) text += (text.empty() ? "" : ", ") + name;
  return text;
}

std::optional<int> threads_value(const CLI::Option* option, const std::string& text) {
  if (option->count() == 0) return std::nullopt;
  return static_cast<int>(integer_value("--threads", text, 1, kMaxThreads));
}

ParsedCommand parse_train(std::span<const std::string> args) {
  CLI::App app("Trains a multilayer perceptron on a CSV file or a bundled data set, reports metrics on a held-out\n"
               "test split, and optionally saves the model for 'predict' and 'evaluate'.",
               "nnk-train");
  app.set_version_flag("--version", version_text());
  app.footer("Subcommands (see nnk-train <subcommand> --help):\n"
             "  nnk-train predict --model FILE --data FILE [--output FILE]\n"
             "  nnk-train evaluate --model FILE --data FILE\n"
             "  nnk-train export --model FILE --output FILE   (ONNX)\n"
             "Bundled data sets: wdbc, digits, iris, diabetes (CSV files); fashion-mnist (Debian's\n"
             "dataset-fashion-mnist package: its 60,000 training and 10,000 test images, no --test-fraction).");

  // Defaults come from TrainSettings (shown by --help); the enumerations' defaults are their words here.
  const TrainSettings defaults;
  std::string dataset, data, data_dir, target, test_data, save, log, threads, learning_rate;
  std::string task = "auto", activation = "relu", optimizer = "adam", progress = "auto";
  std::string layers = layers_text(defaults.hidden_layers), epochs = std::to_string(defaults.epochs),
              batch = std::to_string(defaults.batch_size), momentum = number_text(defaults.momentum),
              l1 = number_text(defaults.l1), l2 = number_text(defaults.l2), dropout = number_text(defaults.dropout),
              seed = std::to_string(defaults.seed), validation = number_text(defaults.validation_fraction),
              test_fraction = number_text(defaults.test_fraction), split_seed = std::to_string(defaults.split_seed);

  const auto* dataset_opt = app.add_option("--dataset", dataset, "Bundled data set: " + dataset_list())->type_name("NAME");
  const auto* data_opt = app.add_option("--data", data, "CSV file (RFC 4180): a header row, then rows of numbers or text")->type_name("FILE");
  const auto* data_dir_opt = app.add_option("--data-dir", data_dir, "Where the bundled data sets are")->type_name("DIR");
  const auto* target_opt = app.add_option("--target", target, "Target column name (default: the last column)")->type_name("COLUMN");
  const auto* test_data_opt =
      app.add_option("--test-data", test_data, "CSV file to test on instead of a held-out split")->type_name("FILE");
  app.add_option("--task", task, "auto, binary, multiclass or regression")->type_name("TASK")->capture_default_str();
  app.add_option("--layers", layers, "Hidden layer widths, e.g. 64,32 ('none': a linear model)")->type_name("LIST")
      ->capture_default_str();
  app.add_option("--activation", activation, "Hidden activation: relu, tanh, sigmoid, identity")->type_name("NAME")
      ->capture_default_str();
  app.add_option("--epochs", epochs, "Passes over the training data")->type_name("N")->capture_default_str();
  app.add_option("--batch-size", batch, "Examples per training step")->type_name("N")->capture_default_str();
  app.add_option("--optimizer", optimizer, "adam or sgd")->type_name("NAME")->capture_default_str();
  const auto* learning_rate_opt =
      app.add_option("--learning-rate", learning_rate, "Step size (default: adam 0.001, sgd 0.01)")->type_name("X");
  const auto* momentum_opt = app.add_option("--momentum", momentum, "SGD momentum in [0, 1)")->type_name("X")->capture_default_str();
  app.add_option("--l1", l1, "L1 weight penalty")->type_name("X")->capture_default_str();
  app.add_option("--l2", l2, "L2 weight penalty")->type_name("X")->capture_default_str();
  app.add_option("--dropout", dropout, "Dropout rate of the hidden layers, in [0, 1)")->type_name("X")->capture_default_str();
  const auto* threads_opt = app.add_option("--threads", threads, "Threads (default: all cores)")->type_name("N");
  app.add_option("--seed", seed, "Seed of initialization, dropout, shuffling, validation split")->type_name("N")
      ->capture_default_str();
  app.add_option("--validation-fraction", validation, "Share of the training split held out for validation")->type_name("X")
      ->capture_default_str();
  const auto* test_fraction_opt =
      app.add_option("--test-fraction", test_fraction, "Share of the data held out for the test metrics")->type_name("X")
          ->capture_default_str();
  app.add_option("--split-seed", split_seed, "Seed of the train/test split")->type_name("N")->capture_default_str();
  const auto* save_opt = app.add_option("--save", save, "Save the model here (and its preprocessing in PATH.json)")->type_name("PATH");
  const auto* log_opt = app.add_option("--log", log, "Write per-epoch metrics to this file as JSON lines")->type_name("FILE");
  app.add_option("--progress", progress, "auto (a bar on a terminal, else lines), bar, lines, none")->type_name("MODE")
      ->capture_default_str();
  TrainingControlFlags control(app);
  // Real CSV files: column choice, categories, missing values.
  std::string features, ignore, max_categories = std::to_string(defaults.max_categories), missing = "impute";
  const auto* features_opt =
      app.add_option("--features", features, "Feature columns, e.g. \"age,income (k)\" (default: all but the target)")
          ->type_name("COL,...");
  const auto* ignore_opt = app.add_option("--ignore", ignore, "Columns to leave out")->type_name("COL,...");
  const auto* max_categories_opt =
      app.add_option("--max-categories", max_categories, "Most categories of a text feature column")->type_name("N")
          ->capture_default_str();
  const auto* missing_opt =
      app.add_option("--missing", missing, "Missing features: impute (mean / own category) or drop the rows")
          ->type_name("MODE")->capture_default_str();

  if (auto text = run_cli11(app, args)) return {ShowText{*text}};

  TrainSettings s;
  const bool has_dataset = dataset_opt->count() > 0, has_data = data_opt->count() > 0;
  if (has_dataset && has_data) throw UsageError("--dataset and --data cannot be combined: give one data source");
  if (!has_dataset && !has_data)
    throw UsageError("a data source is required: --dataset NAME (" + dataset_list() + ") or --data FILE");
  if (has_dataset) {
    const auto& names = bundled_dataset_names();
    if (std::find(names.begin(), names.end(), dataset) == names.end())
      throw UsageError("--dataset must be one of " + dataset_list() + "; got " + quote_value(dataset));
    s.dataset = dataset;
    // Its target is the label files and its test set the t10k files: the flags that would choose either are wrong.
    if (dataset == kFashionMnist && target_opt->count() > 0)
      throw UsageError("--target does not apply to --dataset fashion-mnist: its target is the label files");
    if (dataset == kFashionMnist && (test_data_opt->count() > 0 || test_fraction_opt->count() > 0))
      throw UsageError("--test-data and --test-fraction do not apply to --dataset fashion-mnist: its test set is the "
                       "t10k files");
  } else {
    s.data_path = non_empty("--data", data);
  }
  if (data_dir_opt->count() > 0) {
    if (!has_dataset) throw UsageError("--data-dir applies to --dataset only");
    s.data_dir = non_empty("--data-dir", data_dir);
  }
  if (target_opt->count() > 0) s.target = non_empty("--target", target);
  if (test_data_opt->count() > 0) {
    if (test_fraction_opt->count() > 0)
      throw UsageError("--test-data and --test-fraction cannot be combined: the test set is either a file or a split");
    s.test_data_path = non_empty("--test-data", test_data);
  }
  s.task = choice<TaskChoice>("--task", task,
                              {{"auto", TaskChoice::Auto}, {"binary", TaskChoice::Binary},
                               {"multiclass", TaskChoice::Multiclass}, {"regression", TaskChoice::Regression}});
  s.hidden_layers = layer_widths("--layers", layers, kMaxLayerUnits);
  s.activation = choice<HiddenActivation>("--activation", activation,
                                          {{"relu", HiddenActivation::ReLU}, {"tanh", HiddenActivation::Tanh},
                                           {"sigmoid", HiddenActivation::Sigmoid},
                                           {"identity", HiddenActivation::Identity}});
  s.epochs = integer_value("--epochs", epochs, 1, kMaxCount);
  s.batch_size = integer_value("--batch-size", batch, 1, kMaxCount);
  s.optimizer = choice<OptimizerKind>("--optimizer", optimizer, {{"adam", OptimizerKind::Adam}, {"sgd", OptimizerKind::Sgd}});
  s.learning_rate = learning_rate_opt->count() > 0
                        ? real_value("--learning-rate", learning_rate, {.min = 0, .min_inclusive = false})
                        : (s.optimizer == OptimizerKind::Adam ? 1e-3 : 1e-2);
  if (momentum_opt->count() > 0 && s.optimizer != OptimizerKind::Sgd)
    throw UsageError("--momentum applies to --optimizer sgd only (Adam has its own moment estimates)");
  s.momentum = real_value("--momentum", momentum, {.min = 0, .max_exclusive = 1, .has_max = true});
  s.l1 = real_value("--l1", l1, {.min = 0});
  s.l2 = real_value("--l2", l2, {.min = 0});
  s.dropout = real_value("--dropout", dropout, {.min = 0, .max_exclusive = 1, .has_max = true});
  s.threads = threads_value(threads_opt, threads);
  s.seed = seed_value("--seed", seed);
  s.validation_fraction =
      real_value("--validation-fraction", validation, {.min = 0, .max_exclusive = 1, .has_max = true});
  s.test_fraction = s.test_data_path || s.dataset == kFashionMnist
                        ? 0.0
                        : real_value("--test-fraction", test_fraction, {.min = 0, .max_exclusive = 1, .has_max = true});
  s.split_seed = seed_value("--split-seed", split_seed);
  if (save_opt->count() > 0) s.save_path = non_empty("--save", save);
  if (log_opt->count() > 0) s.log_path = non_empty("--log", log);
  s.progress = choice<ProgressMode>("--progress", progress,
                                    {{"auto", ProgressMode::Auto}, {"bar", ProgressMode::Bar},
                                     {"lines", ProgressMode::Lines}, {"none", ProgressMode::None}});
  s.control = control.settings(s.validation_fraction);
  if (s.dataset == kFashionMnist)
    for (const auto* option : {features_opt, ignore_opt, max_categories_opt, missing_opt})
      if (option->count() > 0)
        throw UsageError(option->get_name() + " applies to CSV data only, not to --dataset fashion-mnist");
  if (features_opt->count() > 0) s.feature_columns = column_names_value("--features", features);
  if (ignore_opt->count() > 0) s.ignore_columns = column_names_value("--ignore", ignore);
  s.max_categories = integer_value("--max-categories", max_categories, 1, kMaxCount);
  s.missing = choice<MissingPolicy>("--missing", missing, {{"impute", MissingPolicy::Impute}, {"drop", MissingPolicy::Drop}});
  return {s};
}

// predict and evaluate share --model, --data and --threads.
struct ModelCommandText {
  std::string model, data, threads, output;
  CLI::Option* threads_option = nullptr;
  CLI::Option* output_option = nullptr;
};

void add_model_options(CLI::App& app, ModelCommandText& text) {
  app.set_version_flag("--version", version_text());
  app.add_option("--model", text.model, "Model file saved by nnk-train --save (with its .json sidecar)")->type_name("FILE")->required();
  app.add_option("--data", text.data, "CSV file with the model's feature columns")->type_name("FILE")->required();
  text.threads_option = app.add_option("--threads", text.threads, "Threads (default: all cores)")->type_name("N");
}

ParsedCommand parse_predict(std::span<const std::string> args) {
  CLI::App app("Writes the model's prediction for every row of a CSV file: the class label and its probability\n"
               "(classification) or the value (regression). The target column may be absent.",
               "nnk-train predict");
  ModelCommandText text;
  add_model_options(app, text);
  text.output_option = app.add_option("--output", text.output, "CSV file to write (default: standard output)")->type_name("FILE");
  if (auto shown = run_cli11(app, args)) return {ShowText{*shown}};
  PredictSettings s;
  s.model_path = non_empty("--model", text.model);
  s.data_path = non_empty("--data", text.data);
  if (text.output_option->count() > 0) s.output_path = non_empty("--output", text.output);
  s.threads = threads_value(text.threads_option, text.threads);
  return {s};
}

ParsedCommand parse_evaluate(std::span<const std::string> args) {
  CLI::App app("Prints the model's metrics on a CSV file that has the target column: accuracy and confusion\n"
               "matrix (classification), or MSE and R^2 (regression).",
               "nnk-train evaluate");
  ModelCommandText text;
  add_model_options(app, text);
  if (auto shown = run_cli11(app, args)) return {ShowText{*shown}};
  EvaluateSettings s;
  s.model_path = non_empty("--model", text.model);
  s.data_path = non_empty("--data", text.data);
  s.threads = threads_value(text.threads_option, text.threads);
  return {s};
}

ParsedCommand parse_export(std::span<const std::string> args) {
  CLI::App app("Writes the model as an ONNX file (opset 13: Gemm, Relu/Tanh/Sigmoid/Softmax, Sub/Div for the\n"
               "standardization, Mul/Add for a regression target's units). Input 'features' [N, features] in the\n"
               "order of the model's .json sidecar; output 'probabilities' (binary: P(second class)) or 'values'.",
               "nnk-train export");
  app.set_version_flag("--version", version_text());
  std::string model, output;
  app.add_option("--model", model, "Model file saved by nnk-train --save (with its .json sidecar)")
      ->type_name("FILE")->required();
  app.add_option("--output", output, "ONNX file to write (replaced only once it is complete)")
      ->type_name("FILE")->required();
  if (auto shown = run_cli11(app, args)) return {ShowText{*shown}};
  return {ExportSettings{.model_path = non_empty("--model", model), .output_path = non_empty("--output", output)}};
}

}  // namespace

const std::vector<std::string>& bundled_dataset_names() {
  static const std::vector<std::string> names = {"wdbc", "digits", "iris", "diabetes", kFashionMnist};
  return names;
}

ParsedCommand parse_command_line(std::span<const std::string> args) {
  const std::span<const std::string> rest = args.empty() ? args : args.subspan(1);
  if (rest.empty()) return parse_train(rest);
  const std::string& first = rest.front();
  if (first == "train") return parse_train(rest.subspan(1));
  if (first == "predict") return parse_predict(rest.subspan(1));
  if (first == "evaluate") return parse_evaluate(rest.subspan(1));
  if (first == "export") return parse_export(rest.subspan(1));
  if (!first.empty() && first.front() != '-')
    throw UsageError("unknown subcommand " + quote_value(first) + "; expected train, predict, evaluate or export (or options)");
  return parse_train(rest);
}

}  // namespace nnk::train_cli
