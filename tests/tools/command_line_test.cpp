// parse_command_line: good argument vectors give the settings they say; every bad one is a UsageError whose
// message names the flag and the value.
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "command_line.hpp"

namespace nnk::train_cli {
namespace {

ParsedCommand parse(std::vector<std::string> args) {
  args.insert(args.begin(), "nnk-train");
  return parse_command_line(args);
}

TrainSettings train(std::vector<std::string> args) {
  const ParsedCommand c = parse(std::move(args));
  EXPECT_TRUE(std::holds_alternative<TrainSettings>(c.command));
  return std::get<TrainSettings>(c.command);
}

TEST(CommandLine, DefaultsForABundledDataSet) {
  const TrainSettings s = train({"--dataset", "wdbc"});
  EXPECT_EQ(s.dataset, "wdbc");
  EXPECT_TRUE(s.data_path.empty());
  EXPECT_FALSE(s.target.has_value());
  EXPECT_EQ(s.task, TaskChoice::Auto);
  EXPECT_EQ(s.hidden_layers, (std::vector<std::int64_t>{32, 16}));
  EXPECT_EQ(s.activation, HiddenActivation::ReLU);
  EXPECT_EQ(s.epochs, 200);
  EXPECT_EQ(s.batch_size, 32);
  EXPECT_EQ(s.optimizer, OptimizerKind::Adam);
  EXPECT_DOUBLE_EQ(s.learning_rate, 1e-3);
  EXPECT_DOUBLE_EQ(s.test_fraction, 0.2);
  EXPECT_DOUBLE_EQ(s.validation_fraction, 0.1);
  EXPECT_EQ(s.split_seed, 1u);
  EXPECT_FALSE(s.threads.has_value());
  EXPECT_FALSE(s.save_path.has_value());
  EXPECT_EQ(s.progress, ProgressMode::Auto);
}

TEST(CommandLine, EveryTrainingFlag) {
  const TrainSettings s =
      train({"train", "--data", "x.csv", "--target", "label", "--task", "multiclass", "--layers", "64,32,8",
             "--activation", "tanh", "--epochs", "7", "--batch-size", "5", "--optimizer", "sgd", "--learning-rate",
             "0.05", "--momentum", "0.9", "--l1", "1e-5", "--l2", "0", "--dropout", "0.25", "--threads", "3",
             "--seed", "18446744073709551615", "--validation-fraction", "0", "--test-fraction", "0.3",
             "--split-seed", "9", "--save", "m.nnk", "--log", "log.jsonl", "--progress", "lines"});
  EXPECT_EQ(s.data_path, "x.csv");
  EXPECT_EQ(s.target, "label");
  EXPECT_EQ(s.task, TaskChoice::Multiclass);
  EXPECT_EQ(s.hidden_layers, (std::vector<std::int64_t>{64, 32, 8}));
  EXPECT_EQ(s.activation, HiddenActivation::Tanh);
  EXPECT_EQ(s.epochs, 7);
  EXPECT_EQ(s.batch_size, 5);
  EXPECT_EQ(s.optimizer, OptimizerKind::Sgd);
  EXPECT_DOUBLE_EQ(s.learning_rate, 0.05);
  EXPECT_DOUBLE_EQ(s.momentum, 0.9);
  EXPECT_DOUBLE_EQ(s.l1, 1e-5);
  EXPECT_DOUBLE_EQ(s.l2, 0);
  EXPECT_DOUBLE_EQ(s.dropout, 0.25);
  EXPECT_EQ(s.threads, 3);
  EXPECT_EQ(s.seed, 18446744073709551615ull);
  EXPECT_DOUBLE_EQ(s.validation_fraction, 0);
  EXPECT_DOUBLE_EQ(s.test_fraction, 0.3);
  EXPECT_EQ(s.split_seed, 9u);
  EXPECT_EQ(s.save_path, "m.nnk");
  EXPECT_EQ(s.log_path, "log.jsonl");
  EXPECT_EQ(s.progress, ProgressMode::Lines);
}

TEST(CommandLine, SgdDefaultLearningRateAndEqualsForm) {
  const TrainSettings s = train({"--data=d.csv", "--optimizer=sgd", "--layers=none"});
  EXPECT_DOUBLE_EQ(s.learning_rate, 0.01);
  EXPECT_TRUE(s.hidden_layers.empty());
}

TEST(CommandLine, TestDataReplacesTheSplit) {
  const TrainSettings s = train({"--data", "a.csv", "--test-data", "b.csv"});
  EXPECT_EQ(s.test_data_path, "b.csv");
  EXPECT_DOUBLE_EQ(s.test_fraction, 0);
}

// Fashion-MNIST brings its own test set (the t10k files): no held-out split.
TEST(CommandLine, FashionMnistHasNoTestFraction) {
  const TrainSettings s = train({"--dataset", "fashion-mnist", "--data-dir", "idx"});
  EXPECT_EQ(s.dataset, "fashion-mnist");
  EXPECT_EQ(s.data_dir, "idx");
  EXPECT_DOUBLE_EQ(s.test_fraction, 0);
  EXPECT_FALSE(s.test_data_path.has_value());
  const auto help = std::get<ShowText>(parse({"--help"}).command).text;
  EXPECT_NE(help.find("Bundled data set: wdbc, digits, iris, diabetes, fashion-mnist"), std::string::npos) << help;
}

TEST(CommandLine, PredictAndEvaluate) {
  const auto p = std::get<PredictSettings>(parse({"predict", "--model", "m.nnk", "--data", "d.csv", "--output", "o.csv",
                                                  "--threads", "1"}).command);
  EXPECT_EQ(p.model_path, "m.nnk");
  EXPECT_EQ(p.data_path, "d.csv");
  EXPECT_EQ(p.output_path, "o.csv");
  EXPECT_EQ(p.threads, 1);
  const auto stdout_predict = std::get<PredictSettings>(parse({"predict", "--data", "d.csv", "--model", "m"}).command);
  EXPECT_FALSE(stdout_predict.output_path.has_value());
  const auto e = std::get<EvaluateSettings>(parse({"evaluate", "--model", "m.nnk", "--data", "d.csv"}).command);
  EXPECT_EQ(e.model_path, "m.nnk");
  EXPECT_EQ(e.data_path, "d.csv");
}

TEST(CommandLine, HelpAndVersionCarryTheirText) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--help"}, {"-h"}, {"train", "--help"},
                                                               {"--epochs", "0", "--help"}}) {
    const auto c = parse(args);
    ASSERT_TRUE(std::holds_alternative<ShowText>(c.command));
    EXPECT_NE(std::get<ShowText>(c.command).text.find("--learning-rate"), std::string::npos);
  }
  const auto predict_help = std::get<ShowText>(parse({"predict", "--help"}).command).text;
  EXPECT_NE(predict_help.find("--output"), std::string::npos);
  EXPECT_EQ(predict_help.find("--learning-rate"), std::string::npos);
  EXPECT_EQ(std::get<ShowText>(parse({"--version"}).command).text, "nnk-train 0.1.0\n");
}

struct BadCase {
  std::vector<std::string> args;
  std::string message_part;
};

class BadCommandLine : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadCommandLine, IsAUsageErrorThatNamesTheProblem) {
  const BadCase& c = GetParam();
  try {
    parse(c.args);
    FAIL() << "no error for " << ::testing::PrintToString(c.args);
  } catch (const UsageError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(c.message_part), std::string::npos) << "message: " << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "not one line: " << message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Flags, BadCommandLine,
    ::testing::Values(
        BadCase{{}, "a data source is required"},
        BadCase{{"--dataset", "wdbc", "--data", "x.csv"}, "--dataset and --data cannot be combined"},
        BadCase{{"--dataset", "mnist"}, "--dataset must be one of wdbc, digits, iris, diabetes, fashion-mnist; got 'mnist'"},
        BadCase{{"--dataset", "fashion-mnist", "--target", "label"}, "--target does not apply to --dataset fashion-mnist"},
        BadCase{{"--dataset", "fashion-mnist", "--test-fraction", "0.1"},
                "--test-data and --test-fraction do not apply to --dataset fashion-mnist: its test set is the t10k files"},
        BadCase{{"--dataset", "fashion-mnist", "--test-data", "t.csv"}, "do not apply to --dataset fashion-mnist"},
        BadCase{{"--data", ""}, "--data must not be empty"},
        BadCase{{"--data", "x.csv", "--data-dir", "d"}, "--data-dir applies to --dataset only"},
        BadCase{{"--dataset", "iris", "--epochs", "0"}, "--epochs must be an integer in [1, 1000000000], got '0'"},
        BadCase{{"--dataset", "iris", "--epochs", "ten"}, "--epochs must be an integer in [1, 1000000000], got 'ten'"},
        BadCase{{"--dataset", "iris", "--epochs", "1.5"}, "--epochs must be an integer in [1, 1000000000], got '1.5'"},
        BadCase{{"--dataset", "iris", "--batch-size", "-3"}, "--batch-size must be an integer in [1, 1000000000], got '-3'"},
        BadCase{{"--dataset", "iris", "--learning-rate", "0"}, "--learning-rate must be a number > 0, got '0'"},
        BadCase{{"--dataset", "iris", "--learning-rate", "-1"}, "--learning-rate must be a number > 0, got '-1'"},
        BadCase{{"--dataset", "iris", "--learning-rate", "nan"}, "--learning-rate must be a number > 0, got 'nan'"},
        BadCase{{"--dataset", "iris", "--learning-rate", "inf"}, "--learning-rate must be a number > 0, got 'inf'"},
        BadCase{{"--dataset", "iris", "--dropout", "1"}, "--dropout must be a number in [0, 1), got '1'"},
        BadCase{{"--dataset", "iris", "--dropout", "-0.1"}, "--dropout must be a number in [0, 1), got '-0.1'"},
        BadCase{{"--dataset", "iris", "--l2", "-1e-3"}, "--l2 must be a number >= 0, got '-1e-3'"},
        BadCase{{"--dataset", "iris", "--l1", "x"}, "--l1 must be a number >= 0, got 'x'"},
        BadCase{{"--dataset", "iris", "--layers", "64,0"}, "--layers must be comma-separated layer widths"},
        BadCase{{"--dataset", "iris", "--layers", "64,,3"}, "(layer 2 is '')"},
        BadCase{{"--dataset", "iris", "--layers", ""}, "--layers must be comma-separated layer widths"},
        BadCase{{"--dataset", "iris", "--threads", "0"}, "--threads must be an integer in [1, 4096], got '0'"},
        BadCase{{"--dataset", "iris", "--seed", "-1"}, "--seed must be an integer in [0, 18446744073709551615], got '-1'"},
        BadCase{{"--dataset", "iris", "--split-seed", "18446744073709551616"}, "--split-seed must be an integer"},
        BadCase{{"--dataset", "iris", "--validation-fraction", "1"}, "--validation-fraction must be a number in [0, 1), got '1'"},
        BadCase{{"--dataset", "iris", "--test-fraction", "1.5"}, "--test-fraction must be a number in [0, 1), got '1.5'"},
        BadCase{{"--dataset", "iris", "--task", "clustering"}, "--task must be one of auto, binary, multiclass, regression; got 'clustering'"},
        BadCase{{"--dataset", "iris", "--activation", "gelu"}, "--activation must be one of relu, tanh, sigmoid, identity; got 'gelu'"},
        BadCase{{"--dataset", "iris", "--optimizer", "rmsprop"}, "--optimizer must be one of adam, sgd; got 'rmsprop'"},
        BadCase{{"--dataset", "iris", "--progress", "fancy"}, "--progress must be one of auto, bar, lines, none; got 'fancy'"},
        BadCase{{"--dataset", "iris", "--momentum", "0.9"}, "--momentum applies to --optimizer sgd only"},
        BadCase{{"--dataset", "iris", "--optimizer", "sgd", "--momentum", "1"}, "--momentum must be a number in [0, 1), got '1'"},
        BadCase{{"--data", "a.csv", "--test-data", "b.csv", "--test-fraction", "0.2"}, "--test-data and --test-fraction cannot be combined"},
        BadCase{{"--dataset", "iris", "--epochs"}, "--epochs"},
        BadCase{{"--dataset", "iris", "--epochs", "1", "--epochs", "2"}, "--epochs"},
        BadCase{{"--dataset", "iris", "--frobnicate"}, "--frobnicate"},
        BadCase{{"--dataset", "iris", "stray"}, "stray"},
        BadCase{{"predcit", "--model", "m"}, "unknown subcommand 'predcit'; expected train, predict, evaluate or export"},
        BadCase{{"predict", "--data", "d.csv"}, "--model is required"},
        BadCase{{"predict", "--model", "m.nnk"}, "--data is required"},
        BadCase{{"predict", "--model", "m", "--data", "d", "--epochs", "3"}, "--epochs"},
        BadCase{{"evaluate", "--model", "m", "--data", "d", "--output", "o.csv"}, "--output"},
        BadCase{{"evaluate", "--model", "m", "--data", "d", "--threads", "many"}, "--threads must be an integer in [1, 4096], got 'many'"},
        BadCase{{"--dataset", "iris", "--epochs", "1\n2"}, "got '1\\x0a2'"},
        BadCase{{"--dataset", std::string(200, 'w')}, "got '" + std::string(60, 'w') + "...'"}));

// Arbitrary vectors (what the fuzzer does, in small): only UsageError or a result, never another exception.
TEST(CommandLine, OddVectorsOnlyEverThrowUsageError) {
  const std::vector<std::string> pieces = {"", "-", "--", "---", "-h", "--data", "--dataset", "iris", "=", "--epochs=",
                                           "--layers", ",", "predict", "evaluate", "train", "--model", "\xff\x00", "-e",
                                           "--l2=1e999", "--seed=0x10", "--threads", "-1", "--help", "--version"};
  std::uint64_t state = 12345;
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<std::string> args = {"nnk-train"};
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const int n = static_cast<int>((state >> 33) % 6);
    for (int i = 0; i < n; ++i) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      args.push_back(pieces[(state >> 33) % pieces.size()]);
    }
    try {
      parse_command_line(args);
    } catch (const UsageError&) {
    } catch (const std::exception& e) {
      FAIL() << "unexpected exception " << e.what() << " for " << ::testing::PrintToString(args);
    }
  }
  EXPECT_THROW(parse_command_line(std::span<const std::string>()), UsageError);  // no program name: no data source
}

}  // namespace
}  // namespace nnk::train_cli
