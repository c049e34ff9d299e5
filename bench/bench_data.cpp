// nnk_bench_data: loading the Fashion-MNIST CSV shape and standardizing it, in MB/s, on 1 and 2 threads.
//
// The file is generated at startup from a seeded stream: a header "label,pixel0..pixel783", then 60,000 rows of a
// label 0..9 and 784 pixels, half of them 0 and the rest uniform in 1..255, which gives about the size of the real
// fashion-mnist_train.csv (133 MB). It is read from the page cache (the first, untimed call brings it there), so the
// figures are the parser's, not the disk's.
//   data/load_csv/threads:T       nnk::load_csv(path, "label")        MB_per_s: file bytes per second
//   data/load_table/threads:T     nnk::load_table(path)               MB_per_s
//   data/standardize_fit/threads:T     Standardizer::fit on 784 x 60,000     MB_per_s: matrix bytes per second
//   data/standardize_transform/threads:T   Standardizer::transform on it     MB_per_s
// --nnk_rows=N changes the row count (e.g. for a quick run); --nnk_threads=1,2 the thread counts.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "nnk/cpu.hpp"
#include "nnk/data.hpp"
#include "nnk/table.hpp"

namespace {

constexpr int kPixels = 784;

std::string fashion_mnist_shaped_csv(std::int64_t rows) {
  std::mt19937_64 random(20261202);
  std::string text = "label";
  for (int p = 0; p < kPixels; ++p) text += ",pixel" + std::to_string(p);
  text += '\n';
  text.reserve(static_cast<std::size_t>(rows) * 2300);
  for (std::int64_t r = 0; r < rows; ++r) {
    text += std::to_string(random() % 10);
    for (int p = 0; p < kPixels; ++p) {
      const std::uint64_t bits = random();
      const unsigned value = (bits & 1) ? 0u : static_cast<unsigned>(1 + (bits >> 8) % 255);
      text += ',';
      text += std::to_string(value);
    }
    text += '\n';
  }
  return text;
}

struct Fixture {
  std::string path;
  double file_bytes = 0;
  nnk::Matrix features;  // 784 x rows, for the standardizer
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void set_rate(benchmark::State& state, double bytes) {
  state.counters["MB_per_s"] =
      benchmark::Counter(bytes / 1e6, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

void load_csv_benchmark(benchmark::State& state, int threads) {
  const nnk::ScopedNumThreads scope(threads);
  for (auto _ : state) benchmark::DoNotOptimize(nnk::load_csv(fixture().path, "label"));
  set_rate(state, fixture().file_bytes);
}

void load_table_benchmark(benchmark::State& state, int threads) {
  const nnk::ScopedNumThreads scope(threads);
  for (auto _ : state) benchmark::DoNotOptimize(nnk::load_table(fixture().path));
  set_rate(state, fixture().file_bytes);
}

void fit_benchmark(benchmark::State& state, int threads) {
  const nnk::ScopedNumThreads scope(threads);
  for (auto _ : state) benchmark::DoNotOptimize(nnk::Standardizer::fit(fixture().features));
  set_rate(state, static_cast<double>(fixture().features.size()) * sizeof(float));
}

void transform_benchmark(benchmark::State& state, int threads) {
  const nnk::ScopedNumThreads scope(threads);
  const nnk::Standardizer s = nnk::Standardizer::fit(fixture().features);
  nnk::Matrix x = fixture().features;
  for (auto _ : state) {
    s.transform(x);  // in place, again and again: the values change, the work does not
    benchmark::ClobberMemory();
  }
  set_rate(state, static_cast<double>(x.size()) * sizeof(float));
}

// Takes --nnk_rows=N and --nnk_threads=a,b from argv (before Google Benchmark sees them).
void take_options(int& argc, char** argv, std::int64_t& rows, std::vector<int>& threads) {
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--nnk_rows=")) {
      rows = std::stoll(std::string(arg.substr(11)));
    } else if (arg.starts_with("--nnk_threads=")) {
      threads.clear();
      std::string list(arg.substr(14));
      for (std::size_t at = 0; at <= list.size();) {
        const std::size_t comma = std::min(list.find(',', at), list.size());
        threads.push_back(std::stoi(list.substr(at, comma - at)));
        at = comma + 1;
      }
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t rows = 60'000;
  std::vector<int> threads = {1, 2};
  take_options(argc, argv, rows, threads);
  benchmark::Initialize(&argc, argv);

  Fixture& f = fixture();
  f.path = (std::filesystem::temp_directory_path() / ("nnk_bench_data_" + std::to_string(rows) + ".csv")).string();
  {
    const std::string text = fashion_mnist_shaped_csv(rows);
    std::ofstream(f.path, std::ios::binary) << text;
    f.file_bytes = static_cast<double>(text.size());
  }
  std::printf("file: %s, %.1f MB, %lld rows x 785 columns\n", f.path.c_str(), f.file_bytes / 1e6,
              static_cast<long long>(rows));
  f.features = nnk::load_csv(f.path, "label").features;  // also brings the file into the page cache

  for (const int t : threads) {
    const std::string suffix = "/threads:" + std::to_string(t);
    benchmark::RegisterBenchmark(("data/load_csv" + suffix).c_str(), load_csv_benchmark, t)->UseRealTime()->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("data/load_table" + suffix).c_str(), load_table_benchmark, t)->UseRealTime()->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("data/standardize_fit" + suffix).c_str(), fit_benchmark, t)->UseRealTime()->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("data/standardize_transform" + suffix).c_str(), transform_benchmark, t)->UseRealTime()->Unit(benchmark::kMillisecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::filesystem::remove(f.path);
  return 0;
}
