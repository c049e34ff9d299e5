// Checkpoints of nnk::fit: a run interrupted after a checkpoint and resumed in a fresh network ends with the bits
// of an uninterrupted run (parameters, optimizer state, steps(): one more train_step on both must agree too), for
// several optimizers and every training control; foreign, corrupt and truncated checkpoints are refused, leaving
// the network and the file as they were.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nnk/checkpoint.hpp"
#include "nnk/network.hpp"
#include "nnk/train.hpp"
#include "support/networks.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

std::vector<char> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

struct Case {
  const char* name;
  Optimizer optimizer;
  FitOptions options;
};

class Checkpoint : public ::testing::Test {
 protected:
  Checkpoint() {
    spec_ = make_spec(6, {24, 12}, Activation::ReLU, 3, Loss::CategoricalCrossEntropy, 61);
    spec_.layers[0].dropout = 0.25f;
    spec_.l2 = 1e-3f;
  }

  // An uninterrupted run, and one that on_epoch interrupts (throws) in epoch `interrupt_at`, resumed from its last
  // checkpoint in a fresh network: the two must end bitwise alike, and stay alike for one more step.
  void expect_resume_matches(const Case& c, std::int64_t interrupt_at) {
    SCOPED_TRACE(c.name);
    Network whole(spec_);
    fit(whole, x_, y_, c.optimizer, c.options);

    FitOptions first = c.options;
    first.checkpoint = {.path = dir_.file("run.ckpt"), .every = 2, .user_data = "preprocessing {\"a\": 1}"};
    first.on_epoch = [&](const EpochReport& r) {
      if (r.epoch == interrupt_at) throw Interrupted();
    };
    Network killed(spec_);
    EXPECT_THROW(fit(killed, x_, y_, c.optimizer, first), Interrupted);
    const CheckpointInfo info = read_checkpoint_info(first.checkpoint.path);
    EXPECT_EQ(info.epoch, (interrupt_at - 1) / 2 * 2);
    EXPECT_EQ(info.epochs, c.options.epochs);
    EXPECT_EQ(info.user_data, first.checkpoint.user_data);
    EXPECT_EQ(info.spec.layers.size(), spec_.layers.size());

    FitOptions resume = c.options;
    resume.resume_from = first.checkpoint.path;
    Network resumed(spec_);
    const auto reports = fit(resumed, x_, y_, c.optimizer, resume);
    ASSERT_FALSE(reports.empty());
    EXPECT_EQ(reports.front().epoch, info.epoch + 1);
    EXPECT_TRUE(same_parameters(whole, resumed));
    EXPECT_EQ(whole.steps(), resumed.steps());
    const Matrix xb = Matrix::from(x_.col_block(0, 32)), yb = Matrix::from(y_.col_block(0, 32));
    whole.train_step(xb, yb, c.optimizer);
    resumed.train_step(xb, yb, c.optimizer);
    EXPECT_TRUE(same_parameters(whole, resumed)) << "the optimizer state differs";
  }

  NetworkSpec spec_;
  Matrix x_ = random_matrix(6, 300, 62);
  Matrix y_ = random_targets(Loss::CategoricalCrossEntropy, 3, 300, 63);
  TestDirectory dir_{"checkpoint"};
};

TEST_F(Checkpoint, ResumedRunIsBitwiseTheUninterruptedOne) {
  const FitOptions base{.epochs = 7, .batch_size = 32, .validation_fraction = 0.2, .seed = 5};
  FitOptions scheduled = base;
  scheduled.schedule = {.kind = ScheduleKind::Cosine, .warmup_epochs = 2};
  FitOptions controlled = base;
  controlled.schedule = {.kind = ScheduleKind::Step, .every = 2, .factor = 0.7};
  controlled.clip_norm = 0.3f;
  controlled.early_stopping_patience = 50;
  const Case cases[] = {
      {"adam, cosine with warm-up", Adam{.learning_rate = 3e-3f}, scheduled},
      {"sgd momentum, step schedule, clip-norm, early stopping", Sgd{.learning_rate = 0.1f, .momentum = 0.9f},
       controlled},
      {"plain sgd (fused update)", Sgd{.learning_rate = 0.2f}, base},
  };
  for (const Case& c : cases) {
    expect_resume_matches(c, 4);  // checkpoint of epoch 2
    expect_resume_matches(c, 7);  // checkpoint of epoch 6
  }
}

TEST_F(Checkpoint, AnEarlyStoppedRunResumesToItsBestEpoch) {
  FitOptions options{.epochs = 400, .batch_size = 300, .validation_fraction = 0.5, .seed = 2,
                     .early_stopping_patience = 2, .checkpoint = {.path = dir_.file("stopped.ckpt")}};
  Network net(spec_);
  const auto reports = fit(net, x_, y_, Adam{.learning_rate = 0.05f}, options);  // overfits 150 examples quickly
  ASSERT_EQ(reports.back().stop, StopReason::EarlyStopping);
  EXPECT_TRUE(read_checkpoint_info(options.checkpoint.path).finished);
  options.resume_from = options.checkpoint.path;
  options.checkpoint = {};
  Network resumed(spec_);
  EXPECT_TRUE(fit(resumed, x_, y_, Adam{.learning_rate = 0.05f}, options).empty());
  EXPECT_TRUE(same_parameters(net, resumed));
  EXPECT_EQ(net.steps(), resumed.steps());
}

TEST_F(Checkpoint, WritesEveryNEpochsAndAtTheLast) {
  std::vector<std::int64_t> written;
  const std::string path = dir_.file("every.ckpt");
  Network net(spec_);
  fit(net, x_, y_, Adam{},
      {.epochs = 5, .batch_size = 64, .on_epoch = [&](const EpochReport&) {
         // The epoch's checkpoint is written after on_epoch: what is there now is the previous one's.
         if (std::filesystem::exists(path)) written.push_back(read_checkpoint_info(path).epoch);
       },
       .checkpoint = {.path = path, .every = 2}});
  EXPECT_EQ(written, (std::vector<std::int64_t>{2, 2, 4}));
  EXPECT_EQ(read_checkpoint_info(path).epoch, 5);
}

class CheckpointRefusal : public Checkpoint {
 protected:
  CheckpointRefusal() {
    Network net(spec_);
    fit(net, x_, y_, Adam{}, {.epochs = 2, .batch_size = 64, .seed = 3, .checkpoint = {.path = path_}});
    bytes_ = file_bytes(path_);
  }

  // fit with resume_from = path_ throws naming every fragment; the network and the file stay as they were.
  void expect_refused(const NetworkSpec& spec, ConstMatrixView x, const FitOptions& options,
                      std::initializer_list<std::string_view> fragments) {
    Network net(spec);
    const Network before = net;
    FitOptions resume = options;
    resume.resume_from = path_;
    resume.checkpoint.path = path_;  // the same file: a refused resume must not overwrite it
    EXPECT_TRUE(throws_error_containing([&] { fit(net, x, y_, Adam{}, resume); }, fragments));
    EXPECT_TRUE(same_parameters(before, net));
    EXPECT_EQ(before.steps(), net.steps());
  }

  const FitOptions options_{.epochs = 4, .batch_size = 64, .seed = 3};
  std::string path_ = dir_.file("refused.ckpt");
  std::vector<char> bytes_;
};

TEST_F(CheckpointRefusal, OfAnotherNetwork) {
  NetworkSpec other = spec_;
  other.layers[1].units = 13;
  expect_refused(other, x_, options_, {"nnk::fit: cannot resume from", "another network", "6-24 ReLU", "-12 ReLU",
                                       "net is 6-24 ReLU (dropout 0.25)-13 ReLU"});
  NetworkSpec reseeded = spec_;
  reseeded.seed = 99;
  expect_refused(reseeded, x_, options_, {"another network", "seed 61", "seed 99"});
  EXPECT_EQ(file_bytes(path_), bytes_);
}

TEST_F(CheckpointRefusal, OfOtherDataOrOptions) {
  Matrix changed = Matrix::from(x_);
  changed(2, 100) += 1.0f;
  expect_refused(spec_, changed, options_, {"other inputs", "6 x 300"});
  FitOptions batch = options_;
  batch.batch_size = 32;
  expect_refused(spec_, x_, batch, {"options.batch_size 64", "this run has 32"});
  FitOptions scheduled = options_;
  scheduled.schedule = {.kind = ScheduleKind::Exponential, .gamma = 0.9};
  expect_refused(spec_, x_, scheduled, {"options.schedule constant", "exponential:0.9"});
  FitOptions fewer = options_;
  fewer.epochs = 1;
  expect_refused(spec_, x_, fewer, {"it holds 2 completed epochs, more than options.epochs = 1"});
  EXPECT_EQ(file_bytes(path_), bytes_);
}

TEST_F(CheckpointRefusal, CorruptTruncatedOrNotACheckpoint) {
  std::vector<char> corrupt = bytes_;
  corrupt[corrupt.size() / 2] ^= 0x10;
  write_bytes(path_, corrupt);
  expect_refused(spec_, x_, options_, {"nnk::fit: '", "refused.ckpt' is corrupt: checksum mismatch"});
  EXPECT_EQ(file_bytes(path_), corrupt);

  write_bytes(path_, std::vector<char>(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(bytes_.size() / 3)));
  expect_refused(spec_, x_, options_, {"is truncated", "header announces"});
  write_bytes(path_, std::vector<char>(bytes_.begin(), bytes_.begin() + 12));
  expect_refused(spec_, x_, options_, {"is truncated: 12 bytes"});

  Network(spec_).save(path_);
  expect_refused(spec_, x_, options_, {"is not an nnk checkpoint file"});
  EXPECT_TRUE(throws_error_containing([&] { read_checkpoint_info(path_); },
                                      {"nnk::read_checkpoint_info", "is not an nnk checkpoint file"}));
  EXPECT_TRUE(throws_error_containing([&] { read_checkpoint_info(dir_.file("missing.ckpt")); },
                                      {"cannot open", "missing.ckpt"}));
}

TEST_F(Checkpoint, BadOptionsAndUnwritablePathsAreErrors) {
  Network net(spec_);
  EXPECT_TRUE(throws_error_containing(
      [&] { fit(net, x_, y_, Adam{}, {.checkpoint = {.path = dir_.file("c"), .every = 0}}); },
      {"options.checkpoint.every must be >= 1", "got 0"}));
  EXPECT_TRUE(throws_error_containing(
      [&] { fit(net, x_, y_, Adam{}, {.epochs = 1, .checkpoint = {.path = dir_.file("no/such/dir/c")}}); },
      {"nnk::fit: cannot write", "no/such/dir/c"}));
}

}  // namespace
}  // namespace nnk::test
