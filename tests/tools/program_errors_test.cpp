// Every mistake gives one line on stderr, "nnk-train: <what and where>", and exit status 2 (command line) or 1
// (files and data), with nothing half-written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "support/idx_files.hpp"
#include "support/tools/program_runner.hpp"

namespace nnk::train_test {
namespace {

namespace fs = std::filesystem;

const std::string kData = NNK_DATA_DIR;

struct ErrorCase {
  std::string name;
  std::vector<std::string> args;  // "{dir}" stands for the test's directory
  int status;
  std::string stderr_regex;       // searched in stderr
};

// Files the cases refer to: a model, CSVs with mistakes.
class ProgramErrors : public ::testing::TestWithParam<ErrorCase> {
 protected:
  static void SetUpTestSuite() {
    // One directory per process: ctest -j runs each case as its own process, in parallel.
    dir_ = (fs::path(NNK_TRAIN_TEST_TMP) / ("ProgramErrors-" + std::to_string(::getpid()))).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const RunResult r = run_nnk_train({"--dataset", "iris", "--epochs", "1", "--progress", "none", "--save",
                                       dir_ + "/m.nnk"});
    ASSERT_EQ(r.status, 0) << r.err;
    fs::copy_file(dir_ + "/m.nnk", dir_ + "/alone.nnk");
    const RunResult other = run_nnk_train({"--dataset", "iris", "--epochs", "1", "--seed", "2", "--progress", "none",
                                           "--save", dir_ + "/other.nnk"});
    ASSERT_EQ(other.status, 0) << other.err;
    fs::copy_file(dir_ + "/other.nnk.json", dir_ + "/mixed.nnk.json");
    fs::copy_file(dir_ + "/m.nnk", dir_ + "/mixed.nnk");
    write_text(dir_ + "/bad.csv", "a,b,y\n1,2,0\n3,\"x,1\n");
    write_text(dir_ + "/ragged.csv", "a,b,y\n1,2,0\n3,4\n");
    write_text(dir_ + "/empty.csv", "");
    write_text(dir_ + "/no_target.csv", "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n");
    write_text(dir_ + "/missing_feature.csv", "sepal_length,sepal_width,petal_length,species\n5.1,3.5,1.4,0\n");
    write_text(dir_ + "/new_label.csv",
               "sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,7\n");
    // Fashion-MNIST's four files, the training images a labels file.
    fs::create_directories(dir_ + "/idx");
    const std::string labels = test::idx_labels({1, 2}), images = test::idx_images(1, 1, {3, 4});
    for (const char* split : {"train", "t10k"}) {
      const std::string prefix = dir_ + "/idx/" + split;
      test::write_bytes(prefix + "-images-idx3-ubyte.gz", split == std::string("train") ? labels : images,
                        test::Compression::Gzip);
      test::write_bytes(prefix + "-labels-idx1-ubyte.gz", labels, test::Compression::Gzip);
    }
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string dir_;
};

std::string ProgramErrors::dir_;

TEST_P(ProgramErrors, OneLineWithTheRightStatus) {
  const ErrorCase& c = GetParam();
  std::vector<std::string> args;
  for (std::string a : c.args) {
    for (std::size_t at; (at = a.find("{dir}")) != std::string::npos;) a.replace(at, 5, dir_);
    args.push_back(a);
  }
  const RunResult r = run_nnk_train(args);
  EXPECT_EQ(r.status, c.status) << r.err;
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.rfind("nnk-train: ", 0), 0u) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not exactly one line: " << r.err;
  EXPECT_TRUE(std::regex_search(r.err, std::regex(c.stderr_regex))) << "stderr: " << r.err << "expected: "
                                                                    << c.stderr_regex;
  if (c.status == 2) {
    EXPECT_EQ(r.out, "");  // a bad command line does nothing
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ProgramErrors,
    ::testing::Values(
        ErrorCase{"missing_data_file", {"--data", "{dir}/nope.csv"}, 1, R"(cannot open '.*/nope\.csv': No such file)"},
        ErrorCase{"unknown_target_column", {"--data", kData + "/iris.csv", "--target", "color"}, 1,
                  R"(iris\.csv' has no column named 'color'; its columns are: sepal_length, sepal_width)"},
        ErrorCase{"unclosed_quote", {"--data", "{dir}/bad.csv"}, 1,
                  R"(^nnk-train: [^ ]*/bad\.csv:3:3: a quoted field is not closed)"},
        ErrorCase{"ragged_row", {"--data", "{dir}/ragged.csv"}, 1, R"(ragged\.csv:3:4: row has 2 fields, expected 3)"},
        ErrorCase{"empty_file", {"--data", "{dir}/empty.csv"}, 1, R"(empty\.csv:1:1: the file is empty)"},
        ErrorCase{"bad_epochs", {"--dataset", "iris", "--epochs", "0"}, 2,
                  R"(^nnk-train: --epochs must be an integer in \[1, 1000000000\], got '0')"},
        ErrorCase{"bad_learning_rate", {"--dataset", "iris", "--learning-rate", "-0.1"}, 2,
                  R"(--learning-rate must be a number > 0, got '-0\.1')"},
        ErrorCase{"bad_layers", {"--dataset", "iris", "--layers", "64,x"}, 2, R"(--layers must be .*\(layer 2 is 'x'\))"},
        ErrorCase{"unknown_flag", {"--dataset", "iris", "--epoch", "3"}, 2, R"(--epoch)"},
        ErrorCase{"unknown_dataset", {"--dataset", "cifar"}, 2, R"(--dataset must be one of .*got 'cifar')"},
        ErrorCase{"missing_model", {"predict", "--model", "{dir}/none.nnk", "--data", kData + "/iris.csv"}, 1,
                  R"(model file '.*/none\.nnk' does not exist)"},
        ErrorCase{"missing_sidecar", {"evaluate", "--model", "{dir}/alone.nnk", "--data", kData + "/iris.csv"}, 1,
                  R"('.*/alone\.nnk\.json' does not exist)"},
        ErrorCase{"foreign_sidecar", {"evaluate", "--model", "{dir}/mixed.nnk", "--data", kData + "/iris.csv"}, 1,
                  R"(mixed\.nnk\.json' does not belong to '.*/mixed\.nnk')"},
        ErrorCase{"evaluate_without_target", {"evaluate", "--model", "{dir}/m.nnk", "--data", "{dir}/no_target.csv"}, 1,
                  R"(no_target\.csv' has no target column 'species')"},
        ErrorCase{"predict_missing_feature", {"predict", "--model", "{dir}/m.nnk", "--data", "{dir}/missing_feature.csv"}, 1,
                  R"(has no column named 'petal_width', which the model needs as a feature)"},
        ErrorCase{"unknown_label", {"evaluate", "--model", "{dir}/m.nnk", "--data", "{dir}/new_label.csv"}, 1,
                  R"(target column 'species' has 7 in data row 1, which is not one of the model's classes \(0, 1, 2\))"},
        ErrorCase{"task_does_not_fit", {"--dataset", "iris", "--task", "binary"}, 1,
                  R"(--task binary needs exactly 2 distinct values in target column 'species', found 3)"},
        ErrorCase{"unwritable_save", {"--dataset", "iris", "--save", "/nonexistent-nnk-dir/m.nnk"}, 1,
                  R"(cannot write --save '/nonexistent-nnk-dir/m\.nnk': directory '/nonexistent-nnk-dir' does not exist)"},
        ErrorCase{"unwritable_log", {"--dataset", "iris", "--log", "/nonexistent-nnk-dir/log.jsonl"}, 1,
                  R"(cannot write --log file '/nonexistent-nnk-dir/log\.jsonl')"},
        ErrorCase{"log_is_a_directory", {"--dataset", "iris", "--log", "{dir}"}, 1, R"(cannot write --log file)"},
        ErrorCase{"data_dir_without_the_set", {"--dataset", "iris", "--data-dir", "{dir}"}, 1,
                  R"(bundled data set 'iris' not found \(looked for .*ProgramErrors-[0-9]+/iris\.csv\))"},
        ErrorCase{"fashion_mnist_not_there", {"--dataset", "fashion-mnist", "--data-dir", "{dir}/nope"}, 1,
                  R"(data set 'fashion-mnist' not found in '.*/nope' \(missing train-images-idx3-ubyte\.gz, )"
                  R"(train-labels-idx1-ubyte\.gz, t10k-images-idx3-ubyte\.gz, t10k-labels-idx1-ubyte\.gz\); )"
                  R"(install Debian's dataset-fashion-mnist package \(apt-get install dataset-fashion-mnist, or )"
                  R"(tools/install-deps\.sh --datasets\)\n)"},
        ErrorCase{"fashion_mnist_bad_file", {"--dataset", "fashion-mnist", "--data-dir", "{dir}/idx"}, 1,
                  R"(^nnk-train: '.*/idx/train-images-idx3-ubyte\.gz' has magic number 0x00000801, )"
                  R"(expected 0x00000803)"},
        ErrorCase{"fashion_mnist_test_fraction", {"--dataset", "fashion-mnist", "--test-fraction", "0.3"}, 2,
                  R"(--test-data and --test-fraction do not apply to --dataset fashion-mnist)"},
        ErrorCase{"unwritable_output", {"predict", "--model", "{dir}/m.nnk", "--data", kData + "/iris.csv", "--output",
                                        "/nonexistent-nnk-dir/p.csv"}, 1, R"(cannot write --output)"}),
    [](const ::testing::TestParamInfo<ErrorCase>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace nnk::train_test
