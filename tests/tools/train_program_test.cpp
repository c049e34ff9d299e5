// End to end: the built nnk-train trains, logs, saves, and the saved model predicts and evaluates exactly as
// the library does with the same preprocessing.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "nnk/data.hpp"
#include "nnk/network.hpp"
#include "support/idx_files.hpp"
#include "support/tools/program_runner.hpp"

namespace nnk::train_test {
namespace {

const std::string kData = NNK_DATA_DIR;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// iris.csv is sorted by class: every 5th row goes to the test file, so both files hold every class.
void split_iris(const std::string& dir) {
  const std::vector<std::string> lines = lines_of(read_text(kData + "/iris.csv"));
  std::string train = lines[0] + "\n", test = lines[0] + "\n";
  for (std::size_t i = 1; i < lines.size(); ++i) (i % 5 == 0 ? test : train) += lines[i] + "\n";
  write_text(dir + "/train.csv", train);
  write_text(dir + "/test.csv", test);
}

std::vector<std::string> keys_of(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (const auto& item : object.items()) keys.push_back(item.key());
  return keys;
}

TEST(TrainProgram, IrisTrainLogSaveThenPredictAndEvaluate) {
  const std::string dir = fresh_test_directory();
  split_iris(dir);
  const RunResult trained = run_nnk_train({"--data", dir + "/train.csv", "--target", "species", "--test-data",
                                           dir + "/test.csv", "--epochs", "40", "--learning-rate", "0.01",
                                           "--save", dir + "/m.nnk", "--log", dir + "/log.jsonl", "--progress",
                                           "lines", "--seed", "3"});
  ASSERT_EQ(trained.status, 0) << trained.err;
  EXPECT_EQ(trained.err, "");
  const std::string accuracy = first_match(trained.out, R"(test accuracy ([0-9.]+%) \()");
  const std::string counts = first_match(trained.out, R"(test accuracy [0-9.]+% \(([0-9]+ of 30)\))");
  ASSERT_FALSE(accuracy.empty()) << trained.out;
  ASSERT_FALSE(counts.empty()) << trained.out;
  EXPECT_NE(trained.out.find("epoch 40/40"), std::string::npos);
  EXPECT_EQ(trained.out.find('\r'), std::string::npos);  // not a terminal: plain lines

  // The log: 40 JSON lines in the schema's key order, nothing else.
  const std::string log = read_text(dir + "/log.jsonl");
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back(), '\n');
  const std::vector<std::string> log_lines = lines_of(log);
  ASSERT_EQ(log_lines.size(), 40u);
  for (std::size_t i = 0; i < log_lines.size(); ++i) {
    const auto j = nlohmann::ordered_json::parse(log_lines[i]);
    EXPECT_EQ(keys_of(j), (std::vector<std::string>{"epoch", "epochs", "seconds", "examples_per_second",
                                                    "learning_rate", "train", "validation"}));
    EXPECT_EQ(j["learning_rate"].get<double>(), 0.01);
    EXPECT_EQ(j["epoch"].get<int>(), static_cast<int>(i) + 1);
    EXPECT_EQ(j["epochs"].get<int>(), 40);
    EXPECT_GE(j["seconds"].get<double>(), 0.0);
    EXPECT_GT(j["examples_per_second"].get<double>(), 0.0);
    EXPECT_EQ(keys_of(j["train"]), (std::vector<std::string>{"loss", "accuracy"}));
    EXPECT_EQ(keys_of(j["validation"]), (std::vector<std::string>{"loss", "accuracy"}));
    const double a = j["train"]["accuracy"].get<double>();
    EXPECT_TRUE(a >= 0 && a <= 1) << a;
  }

  // evaluate reports exactly the accuracy printed at the end of training.
  const RunResult evaluated = run_nnk_train({"evaluate", "--model", dir + "/m.nnk", "--data", dir + "/test.csv"});
  ASSERT_EQ(evaluated.status, 0) << evaluated.err;
  EXPECT_EQ(first_match(evaluated.out, R"(evaluate accuracy ([0-9.]+%) \()"), accuracy) << evaluated.out;
  EXPECT_EQ(first_match(evaluated.out, R"(evaluate accuracy [0-9.]+% \(([0-9]+ of 30)\))"), counts);

  // predict: one row per example; its labels are the library's argmax on the same preprocessing.
  const RunResult predicted = run_nnk_train({"predict", "--model", dir + "/m.nnk", "--data", dir + "/test.csv",
                                             "--output", dir + "/predictions.csv"});
  ASSERT_EQ(predicted.status, 0) << predicted.err;
  const std::vector<std::string> rows = lines_of(read_text(dir + "/predictions.csv"));
  ASSERT_EQ(rows.size(), 31u);
  EXPECT_EQ(rows[0], "prediction,probability");

  Dataset train = load_csv(dir + "/train.csv", "species");
  Dataset test = load_csv(dir + "/test.csv", "species");
  const Standardizer scaler = Standardizer::fit(train.features);
  scaler.transform(test.features);
  const Matrix out = Network::load(dir + "/m.nnk").predict(test.features);
  std::int64_t correct = 0;
  for (std::int64_t j = 0; j < test.examples(); ++j) {
    std::int64_t best = 0;
    for (std::int64_t k = 1; k < out.rows(); ++k)
      if (out(k, j) > out(best, j)) best = k;
    const std::string& row = rows[static_cast<std::size_t>(j) + 1];
    EXPECT_EQ(row.substr(0, row.find(',')), std::to_string(best)) << "row " << j;
    const double probability = std::stod(row.substr(row.find(',') + 1));
    EXPECT_NEAR(probability, out(best, j), 5e-7) << "row " << j;
    correct += best == static_cast<std::int64_t>(test.targets(0, j));
  }
  EXPECT_EQ(std::to_string(correct) + " of 30", counts);

  // The features in another order, an extra column, no target column: the same predictions.
  std::string reordered = "petal_width,note,sepal_length,petal_length,sepal_width\n";
  const Dataset raw = load_csv(dir + "/test.csv", "species");
  for (std::int64_t j = 0; j < raw.examples(); ++j) {
    std::ostringstream line;
    line.precision(9);
    line << raw.features(3, j) << ",42," << raw.features(0, j) << "," << raw.features(2, j) << ","
         << raw.features(1, j) << "\n";
    reordered += line.str();
  }
  write_text(dir + "/features_only.csv", reordered);
  const RunResult to_stdout = run_nnk_train({"predict", "--model", dir + "/m.nnk", "--data", dir + "/features_only.csv"});
  ASSERT_EQ(to_stdout.status, 0) << to_stdout.err;
  EXPECT_EQ(to_stdout.out, read_text(dir + "/predictions.csv"));
}

TEST(TrainProgram, RegressionLogsMseAndR2WithoutValidation) {
  const std::string dir = fresh_test_directory();
  const RunResult r = run_nnk_train({"--dataset", "diabetes", "--epochs", "3", "--validation-fraction", "0",
                                     "--log", dir + "/log.jsonl", "--progress", "none", "--save", dir + "/r.nnk"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("regression"), std::string::npos);
  EXPECT_FALSE(first_match(r.out, R"(test MSE ([0-9.e+]+) \(RMSE)").empty()) << r.out;
  EXPECT_EQ(r.out.find("epoch 1/3"), std::string::npos);  // --progress none
  const std::vector<std::string> lines = lines_of(read_text(dir + "/log.jsonl"));
  ASSERT_EQ(lines.size(), 3u);
  for (const std::string& line : lines) {
    const auto j = nlohmann::ordered_json::parse(line);
    EXPECT_FALSE(j.contains("validation"));
    EXPECT_EQ(keys_of(j["train"]), (std::vector<std::string>{"loss", "mse", "r2"}));
  }
  // Predictions are in the target's units (progression: 25..346), one per row of the data set.
  const RunResult p = run_nnk_train({"predict", "--model", dir + "/r.nnk", "--data", kData + "/diabetes.csv"});
  ASSERT_EQ(p.status, 0) << p.err;
  const std::vector<std::string> rows = lines_of(p.out);
  ASSERT_EQ(rows.size(), 443u);
  EXPECT_EQ(rows[0], "prediction");
  double sum = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) sum += std::stod(rows[i]);
  EXPECT_GT(sum / 442, 60.0);
  EXPECT_LT(sum / 442, 250.0);
}

TEST(TrainProgram, BarRedrawsInPlaceAndEndsItsLine) {
  const RunResult r = run_nnk_train({"--dataset", "iris", "--epochs", "5", "--progress", "bar"});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::size_t last = r.out.rfind("\repoch 5/5 [########################]");
  ASSERT_NE(last, std::string::npos) << r.out;
  EXPECT_NE(r.out.find('\n', last), std::string::npos);
  EXPECT_NE(r.out.find("took", last), std::string::npos);
  EXPECT_NE(r.out.find("\ntrained in"), std::string::npos);
}

TEST(TrainProgram, WdbcDefaultsReachTheReadmeAccuracy) {
  const RunResult r = run_nnk_train({"--dataset", "wdbc", "--progress", "none"});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string accuracy = first_match(r.out, R"(test accuracy ([0-9.]+)%)");
  ASSERT_FALSE(accuracy.empty()) << r.out;
  EXPECT_GE(std::stod(accuracy), 96.0) << r.out;
  EXPECT_NE(r.out.find("confusion matrix"), std::string::npos);
}

TEST(TrainProgram, ThreadCountDoesNotChangeTheModel) {
  const std::string dir = fresh_test_directory();
  std::string outputs[2];
  for (int threads = 1; threads <= 2; ++threads) {
    const RunResult r = run_nnk_train({"--dataset", "digits", "--epochs", "2", "--threads", std::to_string(threads),
                                       "--progress", "none", "--save", dir + "/t" + std::to_string(threads) + ".nnk"});
    ASSERT_EQ(r.status, 0) << r.err;
    outputs[threads - 1] = first_match(r.out, R"((test accuracy .*))");
  }
  EXPECT_EQ(outputs[0], outputs[1]);
  EXPECT_EQ(read_text(dir + "/t1.nnk"), read_text(dir + "/t2.nnk"));
}

// Installed, nnk-train finds the data next to itself (<prefix>/<datadir>/nnk/data) before the source tree: a
// copy of the program in a fake prefix with a smaller iris.csv there reads that file.
TEST(TrainProgram, InstalledProgramFindsItsData) {
  namespace fs = std::filesystem;
  const fs::path prefix = fresh_test_directory();
  const fs::path bin = prefix / NNK_TRAIN_INSTALL_BINDIR, data = prefix / NNK_TRAIN_INSTALL_DATADIR / "nnk" / "data";
  fs::create_directories(bin);
  fs::create_directories(data);
  fs::copy_file(NNK_TRAIN_EXE, bin / "nnk-train");
  const std::vector<std::string> lines = lines_of(read_text(kData + "/iris.csv"));
  std::string small = lines[0] + "\n";
  for (std::size_t i = 1; i < lines.size(); i += 3) small += lines[i] + "\n";  // 50 rows, every class
  write_text((data / "iris.csv").string(), small);
  const RunResult r = run_program((bin / "nnk-train").string(), {"--dataset", "iris", "--epochs", "1", "--progress", "none"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find((data / "iris.csv").lexically_normal().string() + ": 50 examples"), std::string::npos) << r.out;
}

// Fashion-MNIST in small: the package's four file names, gzip-compressed, 4 x 4 images of 3 classes (class k has
// row k bright), 90 for training and 30 for testing.
void write_tiny_fashion_mnist(const std::string& dir) {
  using test::Compression;
  for (const auto& [split, count] : {std::pair{"train", 90}, std::pair{"t10k", 30}}) {
    std::vector<unsigned char> pixels, labels;
    for (int j = 0; j < count; ++j) {
      labels.push_back(static_cast<unsigned char>(j % 3));
      for (int p = 0; p < 16; ++p)
        pixels.push_back(static_cast<unsigned char>(p / 4 == j % 3 ? 200 + (j + p) % 50 : (j * p) % 40));
    }
    test::write_bytes(dir + "/" + split + "-images-idx3-ubyte.gz", test::idx_images(4, 4, pixels), Compression::Gzip);
    test::write_bytes(dir + "/" + split + "-labels-idx1-ubyte.gz", test::idx_labels(labels), Compression::Gzip);
  }
}

TEST(TrainProgram, FashionMnistTrainsOnItsOwnSplit) {
  const std::string dir = fresh_test_directory();
  write_tiny_fashion_mnist(dir);
  const RunResult r = run_nnk_train({"--dataset", "fashion-mnist", "--data-dir", dir, "--epochs", "1", "--layers", "8",
                                     "--progress", "none"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("data: " + dir + ": 120 examples, 16 features, target 'label': multi-class classification "
                       "(3 classes: 0, 1, 2)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("split: 90 training (9 of them for validation), 30 test (the data set's own: its t10k files)"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(first_match(r.out, R"(test accuracy [0-9.]+% \(([0-9]+ of 30)\))").empty()) << r.out;
  EXPECT_NE(r.out.find("confusion matrix"), std::string::npos) << r.out;
}

TEST(TrainProgram, HelpAndVersion) {
  const RunResult help = run_nnk_train({"--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("--test-fraction"), std::string::npos);
  const RunResult version = run_nnk_train({"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.out, "nnk-train 0.1.0\n");
}

}  // namespace
}  // namespace nnk::train_test
