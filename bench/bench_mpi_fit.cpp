// nnk_bench_mpi_fit: epochs of nnk::mpi::fit on the Fashion-MNIST MLP (784-256-128-10, ReLU, softmax + CCE, Adam),
// run under mpirun; every rank runs the same benchmarks the same number of times (fixed iterations: a collective
// must never meet a rank that stopped early), rank 0 reports.
//
//   mpi_fit/784-256-128-10/m:<batch>/ranks:R/threads:T           one epoch of nnk::mpi::fit per iteration
//   mpi_fit_sharded/784-256-128-10/m:<batch>/ranks:R/threads:T   the same with nnk::mpi::fit_sharded, each rank
//                                                                passing its balanced shard (the exchange included)
//   fit/784-256-128-10/m:<batch>/threads:T               one epoch of nnk::fit (only with mpirun -np 1)
//
// Counters: ex_per_s (training examples per second, all ranks together); us_per_step; and for mpi_fit this
// rank 0's traffic per step: bytes_sent, in_flight_us (the folds travelling while the step's later panels
// computed: communication hidden) and wait_us (waiting for the folds after the last panel: not hidden).
// bench/mpi_side_by_side.sh runs the comparisons of the MPI issue (2 ranks x 1 thread against 1 process x 2 threads)
// in interleaved rounds.
//
// Options: --nnk_examples=N (default 60000, all; the first N of Fashion-MNIST's training set when Debian's
// dataset-fashion-mnist is installed, else random images), --nnk_batch=256, --nnk_threads=T (threads per rank,
// default 1), --nnk_iterations=3; and Google Benchmark's.
#include <mpi.h>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "nnk/cpu.hpp"
#include "nnk/data.hpp"
#include "nnk/mpi.hpp"
#include "nnk/network.hpp"
#include "nnk/train.hpp"

namespace {

struct Settings {
  std::int64_t examples = 60000;
  std::int64_t batch = 256;
  int threads = 1;
  int iterations = 3;
};

// Takes --nnk_* options out of argv (the rest is Google Benchmark's).
Settings parse(int& argc, char** argv) {
  Settings s;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&](std::string_view prefix) { return std::string(arg.substr(prefix.size())); };
    if (arg.starts_with("--nnk_examples=")) {
      s.examples = std::stoll(value("--nnk_examples="));
    } else if (arg.starts_with("--nnk_batch=")) {
      s.batch = std::stoll(value("--nnk_batch="));
    } else if (arg.starts_with("--nnk_threads=")) {
      s.threads = std::stoi(value("--nnk_threads="));
    } else if (arg.starts_with("--nnk_iterations=")) {
      s.iterations = std::stoi(value("--nnk_iterations="));
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  return s;
}

struct TrainingSet {
  nnk::Matrix x, y;
  std::string source;
};

// Fashion-MNIST's first `examples` images (pixels / 255) and one-hot labels; random images where it is missing.
TrainingSet training_set(std::int64_t examples) {
  const std::filesystem::path dir = "/usr/share/datasets/fashion-mnist";
  TrainingSet set;
  if (std::filesystem::exists(dir / "train-images-idx3-ubyte.gz")) {
    const nnk::Dataset d = nnk::load_idx((dir / "train-images-idx3-ubyte.gz").string(),
                                         (dir / "train-labels-idx1-ubyte.gz").string());
    const std::int64_t n = std::min(examples, d.features.cols());
    set.x = nnk::Matrix::from(d.features.col_block(0, n));
    set.y = nnk::Matrix(10, n);
    for (std::int64_t j = 0; j < n; ++j) set.y(static_cast<std::int64_t>(d.targets(0, j)), j) = 1.0f;
    set.source = "Fashion-MNIST (first " + std::to_string(n) + " training images)";
    return set;
  }
  set.x = nnk::Matrix(784, examples);
  set.y = nnk::Matrix(10, examples);
  std::uint64_t state = 1;
  for (std::int64_t j = 0; j < examples; ++j) {
    for (std::int64_t i = 0; i < 784; ++i) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      set.x(i, j) = static_cast<float>(state >> 40) / static_cast<float>(1 << 24);
    }
    set.y(j % 10, j) = 1.0f;
  }
  set.source = "random images (dataset-fashion-mnist not installed)";
  return set;
}

nnk::NetworkSpec fashion_mnist_mlp() {
  return {.inputs = 784,
          .layers = {{.units = 256, .activation = nnk::Activation::ReLU},
                     {.units = 128, .activation = nnk::Activation::ReLU},
                     {.units = 10, .activation = nnk::Activation::Softmax}},
          .loss = nnk::Loss::CategoricalCrossEntropy,
          .seed = 1};
}

// Rank 0 prints; the others run the same benchmarks silently.
class SilentReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>&) override {}
};

}  // namespace

int main(int argc, char** argv) {
  nnk::mpi::Environment mpi;
  const Settings s = parse(argc, argv);
  benchmark::Initialize(&argc, argv);
  const TrainingSet data = training_set(s.examples);
  if (mpi.rank() == 0)
    std::cerr << "data: " << data.source << "; " << mpi.size() << " ranks x " << s.threads << " threads, ISA "
              << nnk::to_string(nnk::active_isa()) << "\n";
  const nnk::FitOptions options{.epochs = 1, .batch_size = s.batch, .seed = 1};
  const nnk::Adam adam{.learning_rate = 1e-3f};
  const std::int64_t steps = (data.x.cols() + s.batch - 1) / s.batch;
  const std::string shape = "784-256-128-10/m:" + std::to_string(s.batch);

  const auto report_epochs = [&](benchmark::State& state, double seconds) {
    const auto epochs = static_cast<double>(state.iterations());
    state.counters["ex_per_s"] = static_cast<double>(data.x.cols()) * epochs / seconds;
    state.counters["us_per_step"] = seconds / (epochs * static_cast<double>(steps)) * 1e6;
  };
  // This rank's balanced shard: examples [r n / R, (r + 1) n / R).
  const std::int64_t n = data.x.cols(), first = n * mpi.rank() / mpi.size(), end = n * (mpi.rank() + 1) / mpi.size();
  const nnk::ConstMatrixView x_shard = data.x.view().col_block(first, end - first);
  const nnk::ConstMatrixView y_shard = data.y.view().col_block(first, end - first);
  for (const bool sharded : {false, true}) {
    const auto epoch = [&, sharded](nnk::Network& net, const nnk::mpi::DataParallelOptions& parallel) {
      if (sharded) {
        nnk::mpi::fit_sharded(net, MPI_COMM_WORLD, x_shard, y_shard, adam, options, parallel);
      } else {
        nnk::mpi::fit(net, MPI_COMM_WORLD, data.x, data.y, adam, options, parallel);
      }
    };
    benchmark::RegisterBenchmark(
        (std::string(sharded ? "mpi_fit_sharded/" : "mpi_fit/") + shape + "/ranks:" + std::to_string(mpi.size()) +
         "/threads:" + std::to_string(s.threads))
            .c_str(),
        [&, epoch](benchmark::State& state) {
          const nnk::ScopedNumThreads scoped(s.threads);
          nnk::Network net(fashion_mnist_mlp());
          epoch(net, {});  // warm-up: buffers, optimizer state
          nnk::mpi::StepTraffic traffic;
          double seconds = 0;
          for (auto _ : state) {
            const auto start = std::chrono::steady_clock::now();
            epoch(net, {.traffic = &traffic});
            seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          }
          report_epochs(state, seconds);
          const auto per_step = static_cast<double>(traffic.steps);
          state.counters["bytes_sent"] = static_cast<double>(traffic.bytes_sent) / per_step;
          state.counters["in_flight_us"] = traffic.in_flight_seconds / per_step * 1e6;
          state.counters["wait_us"] = traffic.wait_seconds / per_step * 1e6;
        })
        ->Iterations(s.iterations)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  if (mpi.size() == 1) {
    benchmark::RegisterBenchmark(("fit/" + shape + "/threads:" + std::to_string(s.threads)).c_str(),
                                 [&](benchmark::State& state) {
                                   const nnk::ScopedNumThreads scoped(s.threads);
                                   nnk::Network net(fashion_mnist_mlp());
                                   nnk::fit(net, data.x, data.y, adam, options);  // warm-up
                                   double seconds = 0;
                                   for (auto _ : state) {
                                     const auto start = std::chrono::steady_clock::now();
                                     nnk::fit(net, data.x, data.y, adam, options);
                                     seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                                                    .count();
                                   }
                                   report_epochs(state, seconds);
                                 })
        ->Iterations(s.iterations)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  if (mpi.rank() == 0) {
    benchmark::RunSpecifiedBenchmarks();
  } else {
    SilentReporter silent;
    benchmark::RunSpecifiedBenchmarks(&silent);
  }
  benchmark::Shutdown();
  return 0;
}
