// nnk-train's training control: the flags' parsing and messages, a run that stops early, and checkpoint / resume
// end to end: a run killed with SIGKILL after a checkpoint and resumed saves the very bytes of an uninterrupted
// run; a foreign or corrupt checkpoint is refused and nothing is overwritten.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "command_line.hpp"
#include "nnk/checkpoint.hpp"
#include "support/tools/program_runner.hpp"

namespace nnk::train_test {
namespace {

using nnk::ScheduleKind;

train_cli::TrainSettings parse_train(std::vector<std::string> args) {
  args.insert(args.begin(), {"nnk-train", "--dataset", "iris"});
  return std::get<train_cli::TrainSettings>(train_cli::parse_command_line(args).command);
}

std::string usage_error(std::vector<std::string> args) {
  try {
    parse_train(std::move(args));
  } catch (const train_cli::UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TrainingControlFlags, ParseIntoTheSettings) {
  const train_cli::TrainingControl none = parse_train({}).control;
  EXPECT_EQ(none.early_stopping, 0);
  EXPECT_EQ(none.schedule.kind, ScheduleKind::Constant);
  EXPECT_EQ(none.clip_norm, 0);
  EXPECT_FALSE(none.checkpoint_path || none.resume_path);

  const train_cli::TrainingControl c =
      parse_train({"--early-stopping", "7", "--lr-schedule", "step:10:0.5", "--warmup-epochs", "3", "--clip-norm",
                   "2.5", "--checkpoint", "a.ckpt", "--checkpoint-every", "4", "--resume", "b.ckpt"})
          .control;
  EXPECT_EQ(c.early_stopping, 7);
  EXPECT_EQ(c.schedule, (LearningRateSchedule{.kind = ScheduleKind::Step, .every = 10, .factor = 0.5,
                                              .warmup_epochs = 3}));
  EXPECT_EQ(c.clip_norm, 2.5);
  EXPECT_EQ(*c.checkpoint_path, "a.ckpt");
  EXPECT_EQ(c.checkpoint_every, 4);
  EXPECT_EQ(*c.resume_path, "b.ckpt");
  EXPECT_EQ(parse_train({"--lr-schedule", "cosine"}).control.schedule.kind, ScheduleKind::Cosine);
  const LearningRateSchedule e = parse_train({"--lr-schedule", "exponential:0.95"}).control.schedule;
  EXPECT_EQ(e.kind, ScheduleKind::Exponential);
  EXPECT_EQ(e.gamma, 0.95);
}

TEST(TrainingControlFlags, BadValuesNameTheFlagAndTheValue) {
  const std::string forms = "--lr-schedule must be constant, cosine, step:EVERY:FACTOR or exponential:GAMMA; got ";
  EXPECT_EQ(usage_error({"--lr-schedule", "linear"}), forms + "'linear'");
  EXPECT_EQ(usage_error({"--lr-schedule", "step:5"}), forms + "'step:5'");
  EXPECT_EQ(usage_error({"--lr-schedule", "cosine:2"}), forms + "'cosine:2'");
  EXPECT_EQ(usage_error({"--lr-schedule", "step:0:0.5"}),
            "--lr-schedule step:EVERY must be an integer in [1, 1000000000], got '0'");
  EXPECT_NE(usage_error({"--lr-schedule", "exponential:-1"}).find("--lr-schedule exponential:GAMMA"),
            std::string::npos);
  EXPECT_NE(usage_error({"--lr-schedule", "step:2:x"}).find("--lr-schedule step:EVERY:FACTOR"), std::string::npos);
  EXPECT_NE(usage_error({"--warmup-epochs", "-1"}).find("--warmup-epochs"), std::string::npos);
  EXPECT_NE(usage_error({"--early-stopping", "0"}).find("--early-stopping must be an integer in [1,"),
            std::string::npos);
  EXPECT_EQ(usage_error({"--early-stopping", "5", "--validation-fraction", "0"}),
            "--early-stopping watches the validation loss: it needs --validation-fraction > 0, got 0");
  EXPECT_NE(usage_error({"--clip-norm", "0"}).find("--clip-norm"), std::string::npos);
  EXPECT_EQ(usage_error({"--checkpoint-every", "2"}), "--checkpoint-every needs --checkpoint PATH");
}

TEST(TrainingControlProgram, EarlyStoppingSaysWhereItStoppedAndLogsIt) {
  const std::string dir = fresh_test_directory();
  const RunResult r = run_nnk_train({"--dataset", "wdbc", "--epochs", "300", "--early-stopping", "5", "--progress",
                                     "none", "--log", dir + "/log.jsonl", "--lr-schedule", "exponential:0.99"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("control: lr schedule exponential:0.99, early stopping after 5\n"), std::string::npos) << r.out;
  const std::string stopped = first_match(r.out, R"(stopped early after epoch ([0-9]+) of 300)");
  const std::string kept = first_match(r.out, R"(no lower validation loss in 5 epochs; kept epoch ([0-9]+))");
  ASSERT_FALSE(stopped.empty()) << r.out;
  EXPECT_EQ(std::stoi(stopped), std::stoi(kept) + 5);
  std::vector<nlohmann::json> lines;
  std::istringstream log(read_text(dir + "/log.jsonl"));
  for (std::string line; std::getline(log, line);) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(std::stoi(stopped)));
  EXPECT_EQ(lines.back()["stop"], "early_stopping");
  EXPECT_EQ(lines.back()["best_epoch"].get<int>(), std::stoi(kept));
  EXPECT_FLOAT_EQ(lines[2]["learning_rate"].get<float>(), 1e-3f * 0.99f * 0.99f);
}

// The flags of every run of the resume tests: dropout, Adam, a schedule and clipping, so that each kind of state
// must come back; 8-example batches make an epoch (~10 ms) long enough to be killed in.
std::vector<std::string> run_flags(const std::string& save) {
  return {"--dataset", "digits", "--layers", "128,64", "--epochs", "30", "--batch-size", "8", "--seed", "5",
          "--dropout", "0.2", "--lr-schedule", "cosine", "--warmup-epochs", "2", "--clip-norm", "1",
          "--early-stopping", "100", "--progress", "none", "--save", save};
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// Starts nnk-train (output to /dev/null) and kills it with SIGKILL once `checkpoint` holds epoch >= min_epoch.
// Returns the checkpoint's epoch then, or -1 when the run ended first.
std::int64_t kill_after_checkpoint(const std::vector<std::string>& args, const std::string& checkpoint,
                                   std::int64_t min_epoch) {
  std::vector<std::string> argv_strings = {NNK_TRAIN_EXE};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  std::int64_t epoch = -1;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::filesystem::exists(checkpoint)) {
      const std::int64_t written = read_checkpoint_info(checkpoint).epoch;  // renamed into place: always whole
      if (written >= min_epoch) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        epoch = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? written : -1;
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return epoch;
}

TEST(TrainingControlProgram, ResumeAfterSigkillSavesTheBytesOfAnUninterruptedRun) {
  const std::string dir = fresh_test_directory();
  const RunResult whole = run_nnk_train(run_flags(dir + "/whole.nnk"));
  ASSERT_EQ(whole.status, 0) << whole.err;

  const std::string checkpoint = dir + "/run.ckpt";
  const std::int64_t killed_at =
      kill_after_checkpoint(with(run_flags(dir + "/killed.nnk"), {"--checkpoint", checkpoint}), checkpoint, 3);
  ASSERT_GE(killed_at, 3) << "the run was not killed after a checkpoint";
  ASSERT_LT(killed_at, 30);
  EXPECT_FALSE(std::filesystem::exists(dir + "/killed.nnk"));

  // On one thread: the model does not depend on the thread count, so neither may a resume.
  const RunResult resumed = run_nnk_train(
      with(run_flags(dir + "/resumed.nnk"), {"--resume", checkpoint, "--checkpoint", checkpoint, "--threads", "1"}));
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("resuming from " + checkpoint + ": " + std::to_string(killed_at) + " of 30 epochs done"),
            std::string::npos)
      << resumed.out;
  EXPECT_EQ(read_text(dir + "/resumed.nnk"), read_text(dir + "/whole.nnk"));
  EXPECT_EQ(read_checkpoint_info(checkpoint).epoch, 30);
}

TEST(TrainingControlProgram, ForeignOrCorruptCheckpointsAreRefusedAndNothingIsOverwritten) {
  const std::string dir = fresh_test_directory();
  const std::string checkpoint = dir + "/run.ckpt";
  const std::vector<std::string> short_run = {"--dataset", "iris", "--epochs", "3", "--progress", "none"};
  ASSERT_EQ(run_nnk_train(with(short_run, {"--checkpoint", checkpoint})).status, 0);
  const std::string bytes = read_text(checkpoint);
  const auto refused = [&](const std::vector<std::string>& more, const std::string& fragment) {
    const RunResult r = run_nnk_train(
        with(short_run, with(more, {"--resume", checkpoint, "--checkpoint", checkpoint, "--save", dir + "/m.nnk"})));
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir + "/m.nnk"));
  };
  refused({"--layers", "8"}, "nnk-train: cannot resume from '" + checkpoint + "': it is a checkpoint of another network");
  refused({"--batch-size", "8"}, "options.batch_size 32, this run has 8");
  refused({"--split-seed", "9"}, "the checkpoint was written with other preprocessing");
  EXPECT_EQ(read_text(checkpoint), bytes);

  std::string corrupt = bytes;
  corrupt[corrupt.size() / 2] = static_cast<char>(corrupt[corrupt.size() / 2] ^ 1);
  write_text(checkpoint, corrupt);
  refused({}, "is corrupt: checksum mismatch");
  EXPECT_EQ(read_text(checkpoint), corrupt);
  write_text(checkpoint, bytes.substr(0, 100));
  refused({}, "is truncated");
  write_text(checkpoint, "epoch,loss\n");
  refused({}, "is not an nnk checkpoint file");
}

}  // namespace
}  // namespace nnk::train_test
