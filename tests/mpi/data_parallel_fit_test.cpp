// nnk::mpi::fit and nnk::mpi::fit_sharded against nnk::fit: for any number of ranks (this program runs under mpirun
// -np 1 to 4), threads per rank and (fit_sharded) way of cutting the data into shards, the trained network is bitwise
// the one a single process trains, and so are the reports' training and validation losses and the checkpoint file.
#include <mpi.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "nnk/cpu.hpp"
#include "nnk/error.hpp"
#include "nnk/mpi.hpp"
#include "nnk/train.hpp"
#include "support/errors.hpp"
#include "support/networks.hpp"
#include "support/random.hpp"
#include "support/test_directory.hpp"

namespace nnk::test {
namespace {

int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

struct Case {
  const char* name;
  NetworkSpec spec;
  Optimizer optimizer;
  FitOptions options;
  std::int64_t examples;
};

// Each case exercises another path of the step: Adam with dropout and L2; plain SGD (the update fused into the dW
// GEMM) with L2; momentum with L1; batches of several gradient blocks, a short last block, a batch of one block (the
// ranks after the first idle), and an epoch whose last batch is a remainder.
std::vector<Case> cases() {
  std::vector<Case> all;
  {
    NetworkSpec spec = make_spec(24, {96, 40}, Activation::ReLU, 5, Loss::CategoricalCrossEntropy, 31);
    spec.layers[0].dropout = 0.2f;
    spec.l2 = 1e-3f;
    all.push_back({"adam, dropout, l2, batch 256", spec, Adam{.learning_rate = 2e-3f},
                   {.epochs = 2, .batch_size = 256, .validation_fraction = 0.1, .seed = 5}, 700});
  }
  {
    NetworkSpec spec = make_spec(10, {33}, Activation::Tanh, 1, Loss::BinaryCrossEntropy, 32);
    spec.l2 = 1e-2f;
    all.push_back({"plain sgd (fused), batch 100", spec, Sgd{.learning_rate = 0.1f},
                   {.epochs = 3, .batch_size = 100, .seed = 6}, 450});
  }
  {
    NetworkSpec spec = make_spec(7, {20, 20}, Activation::Sigmoid, 3, Loss::MeanSquaredError, 33);
    spec.l1 = 1e-3f;
    all.push_back({"momentum, l1, batch 200", spec, Sgd{.learning_rate = 0.05f, .momentum = 0.9f},
                   {.epochs = 2, .batch_size = 200, .validation_fraction = 0.2, .seed = 7}, 333});
  }
  {  // enough arithmetic per step that a rank uses 2 threads (the panels' folds in flight; 1 thread chains them)
    const NetworkSpec spec = make_spec(64, {512, 512}, Activation::ReLU, 10, Loss::CategoricalCrossEntropy, 36);
    all.push_back({"wide layers, batch 256", spec, Adam{}, {.epochs = 1, .batch_size = 256, .seed = 10}, 600});
  }
  {  // a validation split of several evaluation blocks, shared out to the ranks
    const NetworkSpec spec = make_spec(8, {16}, Activation::Tanh, 3, Loss::CategoricalCrossEntropy, 35);
    all.push_back({"validation of 3 blocks", spec, Adam{},
                   {.epochs = 2, .batch_size = 256, .validation_fraction = 0.5, .seed = 9}, 5000});
  }
  {
    const NetworkSpec spec = make_spec(12, {16}, Activation::ReLU, 2, Loss::CategoricalCrossEntropy, 34);
    all.push_back({"batch of one gradient block", spec, Adam{},
                   {.epochs = 2, .batch_size = 48, .seed = 8}, 150});
  }
  return all;
}

struct Data {
  Matrix x, y;
};
Data data_for(const Case& c) {
  return {random_matrix(c.spec.inputs, c.examples, c.spec.seed + 100),
          random_targets(c.spec.loss, c.spec.layers.back().units, c.examples, c.spec.seed + 200)};
}

void expect_same_reports(const std::vector<EpochReport>& single, const std::vector<EpochReport>& parallel) {
  ASSERT_EQ(single.size(), parallel.size());
  for (std::size_t e = 0; e < single.size(); ++e) {
    EXPECT_EQ(single[e].train.loss, parallel[e].train.loss) << "epoch " << e + 1;
    EXPECT_EQ(single[e].train.examples, parallel[e].train.examples) << "epoch " << e + 1;
    EXPECT_EQ(single[e].train.confusion.counts, parallel[e].train.confusion.counts) << "epoch " << e + 1;
    EXPECT_EQ(single[e].validation.has_value(), parallel[e].validation.has_value());
    if (single[e].validation && parallel[e].validation) {
      EXPECT_EQ(single[e].validation->loss, parallel[e].validation->loss) << "epoch " << e + 1;
      EXPECT_EQ(single[e].validation->examples, parallel[e].validation->examples) << "epoch " << e + 1;
      EXPECT_EQ(single[e].validation->confusion.counts, parallel[e].validation->confusion.counts) << "epoch " << e + 1;
    }
  }
}

// For every case and 1 and 2 threads per rank: rank_fit's network, steps and reports are the single process's.
using CaseFit = std::function<std::vector<EpochReport>(Network&, const Case&, const Data&)>;
void expect_every_case_bitwise(const CaseFit& rank_fit) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    const Data d = data_for(c);
    Network single(c.spec);
    const std::vector<EpochReport> single_reports = fit(single, d.x, d.y, c.optimizer, c.options);
    for (const int threads : {1, 2}) {
      SCOPED_TRACE("threads per rank " + std::to_string(threads));
      const ScopedNumThreads scoped(threads);
      Network parallel(c.spec);
      const std::vector<EpochReport> reports = rank_fit(parallel, c, d);
      EXPECT_TRUE(same_parameters(single, parallel));
      EXPECT_EQ(single.steps(), parallel.steps());
      expect_same_reports(single_reports, reports);
    }
  }
}

TEST(DataParallelFit, IsBitwiseTheSingleProcessModelForAnyRanksAndThreads) {
  expect_every_case_bitwise([](Network& net, const Case& c, const Data& d) {
    return mpi::fit(net, MPI_COMM_WORLD, d.x, d.y, c.optimizer, c.options, {.check_replicas = true});
  });
}

TEST(DataParallelFit, EarlyStoppingAgreesWithOneProcess) {
  NetworkSpec spec = make_spec(6, {30}, Activation::ReLU, 1, Loss::MeanSquaredError, 41);
  const Matrix x = random_matrix(6, 400, 42), y = random_matrix(1, 400, 43);  // noise: validation loss rises soon
  const FitOptions options{.epochs = 30, .batch_size = 128, .validation_fraction = 0.25, .seed = 3,
                           .early_stopping_patience = 2};
  Network single(spec), parallel(spec);
  const auto single_reports = fit(single, x, y, Adam{.learning_rate = 0.02f}, options);
  const auto reports = mpi::fit(parallel, MPI_COMM_WORLD, x, y, Adam{.learning_rate = 0.02f}, options);
  ASSERT_LT(single_reports.size(), 30u) << "the case must stop early to test anything";
  EXPECT_EQ(single_reports.size(), reports.size());
  EXPECT_EQ(reports.back().stop, StopReason::EarlyStopping);
  EXPECT_TRUE(same_parameters(single, parallel));
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// How the ranks fit in a test: mpi::fit on the whole set, or mpi::fit_sharded on this rank's shard.
using RankFit = std::function<void(Network&, const Matrix& x, const Matrix& y, const Optimizer&, const FitOptions&)>;

// Rank 0's folder of a TestDirectory, the same path on every rank.
std::string rank_zero_folder(const TestDirectory& dir) {
  std::string folder = dir.path().string();
  folder.resize(4096, '\0');
  MPI_Bcast(folder.data(), 4096, MPI_CHAR, 0, MPI_COMM_WORLD);
  return folder.c_str();
}

// Rank 0 alone writes the checkpoint, and it is byte for byte the one process's; one process's checkpoint resumes
// under rank_fit to the uninterrupted bits. So a checkpoint written with any number of ranks resumes with any other.
void expect_one_process_checkpoints(const char* name, const RankFit& rank_fit) {
  const Case c = cases()[0];
  const Data d = data_for(c);
  const TestDirectory dir(name);
  const std::string folder = rank_zero_folder(dir);
  const std::string single_path = folder + "/single.nnkc", parallel_path = folder + "/parallel.nnkc";
  FitOptions options = c.options;
  options.epochs = 3;
  FitOptions first_epoch = options;  // interrupted after epoch 1
  first_epoch.epochs = 1;
  if (world_rank() == 0) {
    Network single(c.spec);
    first_epoch.checkpoint = {.path = single_path, .every = 1};
    fit(single, d.x, d.y, c.optimizer, first_epoch);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  Network parallel(c.spec);
  first_epoch.checkpoint = {.path = parallel_path, .every = 1};
  rank_fit(parallel, d.x, d.y, c.optimizer, first_epoch);
  MPI_Barrier(MPI_COMM_WORLD);
  if (world_rank() == 0) {
    EXPECT_EQ(file_bytes(single_path), file_bytes(parallel_path));
  }

  Network resumed(c.spec);
  FitOptions resume_options = options;
  resume_options.resume_from = single_path;
  rank_fit(resumed, d.x, d.y, c.optimizer, resume_options);
  Network uninterrupted(c.spec);
  fit(uninterrupted, d.x, d.y, c.optimizer, options);
  EXPECT_TRUE(same_parameters(uninterrupted, resumed));

  // Another data set (one value changed) is refused on every rank, as one process refuses it.
  Matrix other = d.x;
  other(0, other.cols() - 1) += 1.0f;
  Network refused(c.spec);
  EXPECT_TRUE(throws_error_containing([&] { rank_fit(refused, other, d.y, c.optimizer, resume_options); },
                                      {"cannot resume"}));
  MPI_Barrier(MPI_COMM_WORLD);  // every rank has read the checkpoint before rank 0 removes its folder
}

TEST(DataParallelFit, CheckpointsAreTheSingleProcessOnesAndResumeUnderMpi) {
  expect_one_process_checkpoints("mpi_fit", [](Network& net, const Matrix& x, const Matrix& y,
                                               const Optimizer& optimizer, const FitOptions& options) {
    mpi::fit(net, MPI_COMM_WORLD, x, y, optimizer, options);
  });
}

// Whichever rank's columns hold it, in a batch or held out for validation, every rank names the bad value by its
// example index in the whole set, as one process does.
void expect_non_finite_named_as_one_process_names_it(const RankFit& rank_fit) {
  const NetworkSpec spec = make_spec(5, {12}, Activation::ReLU, 1, Loss::MeanSquaredError, 60);
  for (const double validation_fraction : {0.0, 0.5}) {
    SCOPED_TRACE("validation fraction " + std::to_string(validation_fraction));
    Matrix x = random_matrix(5, 300, 61);
    const Matrix y = random_matrix(1, 300, 62);
    x(3, 217) = std::numeric_limits<float>::quiet_NaN();
    const FitOptions options{.epochs = 1, .batch_size = 256, .validation_fraction = validation_fraction, .seed = 4};
    Network single(spec), parallel(spec);
    std::string expected;
    try {
      fit(single, x, y, Adam{}, options);
    } catch (const Error& e) {
      expected = e.what();
    }
    ASSERT_NE(expected.find("of example 217"), std::string::npos) << expected;
    EXPECT_TRUE(throws_error_containing([&] { rank_fit(parallel, x, y, Adam{}, options); }, {expected.c_str()}));
  }
}

TEST(DataParallelFit, ANonFiniteValueIsNamedOnEveryRank) {
  expect_non_finite_named_as_one_process_names_it([](Network& net, const Matrix& x, const Matrix& y,
                                                     const Optimizer& optimizer, const FitOptions& options) {
    mpi::fit(net, MPI_COMM_WORLD, x, y, optimizer, options);
  });
}

TEST(DataParallelFit, RanksGivenDifferentNetworksAreRejectedOnEveryRank) {
  const NetworkSpec spec = make_spec(4, {8}, Activation::Tanh, 1, Loss::MeanSquaredError, 50 + world_rank());
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  if (ranks == 1) GTEST_SKIP() << "needs two ranks";
  Network net(spec);
  const Matrix x = random_matrix(4, 64, 51), y = random_matrix(1, 64, 52);
  EXPECT_TRUE(throws_error_containing([&] { mpi::fit(net, MPI_COMM_WORLD, x, y, Adam{}, {.epochs = 1}); },
                                      {"nnk::mpi::fit: the network", "rank"}));
}

int world_size() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

// This rank's shard of the examples of m: balanced (rank r from r * n / R), or uneven with rank 0's shard empty and
// each later rank's larger than the one before (from n * (r - 1)^2 / (R - 1)^2).
enum class Shards { Balanced, Uneven };
ConstMatrixView shard_of(const Matrix& m, Shards shards) {
  const std::int64_t n = m.cols(), r = world_rank(), ranks = world_size();
  const auto start = [&](std::int64_t q) -> std::int64_t {
    if (shards == Shards::Balanced || ranks == 1) return n * q / ranks;
    return q == 0 ? 0 : n * (q - 1) * (q - 1) / ((ranks - 1) * (ranks - 1));
  };
  return m.view().col_block(start(r), start(r + 1) - start(r));
}

TEST(ShardedFit, IsBitwiseTheSingleProcessModelForAnyRanksThreadsAndShards) {
  for (const Shards shards : {Shards::Balanced, Shards::Uneven}) {
    SCOPED_TRACE(shards == Shards::Balanced ? "balanced shards" : "uneven shards");
    expect_every_case_bitwise([shards](Network& net, const Case& c, const Data& d) {
      return mpi::fit_sharded(net, MPI_COMM_WORLD, shard_of(d.x, shards), shard_of(d.y, shards), c.optimizer,
                              c.options, {.check_replicas = true});
    });
  }
}

// The checkpoint holds the whole set's fingerprint although no rank holds the set.
TEST(ShardedFit, CheckpointsAreTheSingleProcessOnesAndResumeFromShards) {
  expect_one_process_checkpoints("mpi_sharded_fit", [](Network& net, const Matrix& x, const Matrix& y,
                                                       const Optimizer& optimizer, const FitOptions& options) {
    mpi::fit_sharded(net, MPI_COMM_WORLD, shard_of(x, Shards::Uneven), shard_of(y, Shards::Uneven), optimizer,
                     options);
  });
}

TEST(ShardedFit, ANonFiniteValueIsNamedOnEveryRank) {
  expect_non_finite_named_as_one_process_names_it([](Network& net, const Matrix& x, const Matrix& y,
                                                     const Optimizer& optimizer, const FitOptions& options) {
    mpi::fit_sharded(net, MPI_COMM_WORLD, shard_of(x, Shards::Uneven), shard_of(y, Shards::Uneven), optimizer,
                     options);
  });
}

}  // namespace
}  // namespace nnk::test
