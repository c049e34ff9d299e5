// 'nnk-train export' as a user runs it: its command line, the file it writes and the summary it prints, and one
// line on stderr with the right exit status for each mistake, with an existing output file left as it was.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "command_line.hpp"
#include "support/tools/program_runner.hpp"

namespace nnk::train_test {
namespace {

namespace fs = std::filesystem;
using train_cli::ExportSettings;
using train_cli::parse_command_line;
using train_cli::UsageError;

TEST(ExportCommandLine, ModelAndOutput) {
  const std::vector<std::string> args = {"nnk-train", "export", "--model", "m.nnk", "--output", "m.onnx"};
  const auto parsed = parse_command_line(args);
  const auto* s = std::get_if<ExportSettings>(&parsed.command);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->model_path, "m.nnk");
  EXPECT_EQ(s->output_path, "m.onnx");
}

TEST(ExportCommandLine, Mistakes) {
  const auto message = [](std::vector<std::string> args) {
    args.insert(args.begin(), {"nnk-train", "export"});
    try {
      parse_command_line(args);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({"--model", "m.nnk"}).find("--output is required"), std::string::npos) << message({"--model", "m"});
  EXPECT_NE(message({"--output", "m.onnx"}).find("--model is required"), std::string::npos);
  EXPECT_NE(message({"--model", "", "--output", "m.onnx"}).find("--model"), std::string::npos);
  EXPECT_NE(message({"--model", "m", "--output", "o", "--data", "d.csv"}).find("--data"), std::string::npos);
}

class ExportProgram : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_test_directory();
    const RunResult r = run_nnk_train({"--dataset", "iris", "--epochs", "1", "--progress", "none", "--save", model()});
    ASSERT_EQ(r.status, 0) << r.err;
  }
  std::string model() const { return dir_ + "/m.nnk"; }
  std::string dir_;
};

TEST_F(ExportProgram, WritesTheFileAndSaysWhatItsColumnsAre) {
  const std::string output = dir_ + "/m.onnx";
  write_text(output, "an old file");
  const RunResult r = run_nnk_train({"export", "--model", model(), "--output", output});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::string bytes = std::to_string(fs::file_size(output));
  EXPECT_EQ(r.out, "wrote " + output + " (ONNX, opset 13, " + bytes + " bytes)\n"
                   "  input  features [N, 4]: raw values of sepal_length, sepal_width, petal_length, petal_width "
                   "(4 columns, in the order of the metadata's feature_names)\n"
                   "  output probabilities [N, 3]: the probability of each class of species: 0, 1, 2\n");
  EXPECT_NE(read_text(output), "an old file");
  for (const auto& entry : fs::directory_iterator(dir_))  // no temporary file left next to it
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();
}

struct Mistake {
  std::vector<std::string> args;  // after "export"; "{dir}" stands for the test's directory
  int status;
  std::string stderr_regex;
};

TEST_F(ExportProgram, MistakesAreOneLineAndKeepTheOldFile) {
  fs::create_directories(dir_ + "/alone");
  fs::copy_file(model(), dir_ + "/alone/m.nnk");
  fs::create_directories(dir_ + "/a_directory.onnx");
  const std::vector<Mistake> mistakes = {
      {{"--model", "{dir}/none.nnk", "--output", "{dir}/out.onnx"}, 1, R"(model file '.*/none\.nnk' does not exist)"},
      {{"--model", "{dir}/alone/m.nnk", "--output", "{dir}/out.onnx"}, 1, R"('.*/alone/m\.nnk\.json' does not exist)"},
      {{"--model", "{dir}/m.nnk", "--output", "{dir}/no/such/dir/out.onnx"}, 1,
       R"(cannot write --output '.*/no/such/dir/out\.onnx': directory '.*/no/such/dir' does not exist)"},
      {{"--model", "{dir}/m.nnk", "--output", "{dir}/a_directory.onnx"}, 1,
       R"(cannot write --output '.*/a_directory\.onnx': it is a directory)"},
      {{"--model", "{dir}/m.nnk"}, 2, R"(--output is required)"},
      {{"--model", "{dir}/m.nnk", "--output", "{dir}/out.onnx", "--threads", "2"}, 2, R"(--threads)"},
  };
  const std::string output = dir_ + "/out.onnx";
  for (const Mistake& m : mistakes) {
    write_text(output, "an old file");
    std::vector<std::string> args = {"export"};
    for (std::string a : m.args) {
      for (std::size_t at; (at = a.find("{dir}")) != std::string::npos;) a.replace(at, 5, dir_);
      args.push_back(a);
    }
    SCOPED_TRACE(args[1] + " " + args[2] + " ...");
    const RunResult r = run_nnk_train(args);
    EXPECT_EQ(r.status, m.status) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("nnk-train: ", 0), 0u) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not exactly one line: " << r.err;
    EXPECT_TRUE(std::regex_search(r.err, std::regex(m.stderr_regex))) << r.err << "expected: " << m.stderr_regex;
    EXPECT_EQ(read_text(output), "an old file");
  }
}

TEST(ExportHelp, NamedInTheSubcommandList) {
  const RunResult unknown = run_nnk_train({"exprot"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("expected train, predict, evaluate or export"), std::string::npos) << unknown.err;
  const RunResult help = run_nnk_train({"export", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("--output FILE"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace nnk::train_test
