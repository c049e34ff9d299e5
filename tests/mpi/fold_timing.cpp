// The ordered fold against MPI_Allreduce(MPI_SUM) on the same vector (docs/performance.md, "MPI: the ordered fold
// against MPI_Allreduce"). A plain timing program, not Google Benchmark: its adaptive iteration counts would differ
// between ranks and leave them waiting in each other's collectives.
//   mpirun -np 2 nnk_mpi_fold_timing [--mib 1,4] [--repetitions 40] [--chunks 16384,65536,262144,0]
// Each rank contributes one partial (rank 0: its accumulator). A repetition's time is the slowest rank's, after a
// barrier; the table shows the median and the fastest of the repetitions, and the vector's bytes over the median.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "mpi/ordered_fold.hpp"
#include "nnk/mpi.hpp"

namespace {

std::vector<long> parse_list(const char* text) {
  std::vector<long> values;
  for (const char* p = text; *p != '\0';) {
    char* end = nullptr;
    values.push_back(std::strtol(p, &end, 10));
    p = (*end == ',') ? end + 1 : end;
    if (end == p && *p != '\0') break;
  }
  return values;
}

struct Timing {
  double median = 0;
  double fastest = 0;
};

// Times `operation` `repetitions` times after two warm-up runs; the same on every rank (collective).
Timing time_collectively(int repetitions, const std::function<void()>& operation) {
  std::vector<double> slowest;
  for (int rep = -2; rep < repetitions; ++rep) {
    MPI_Barrier(MPI_COMM_WORLD);
    const double start = MPI_Wtime();
    operation();
    double elapsed = MPI_Wtime() - start;
    MPI_Allreduce(MPI_IN_PLACE, &elapsed, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    if (rep >= 0) slowest.push_back(elapsed);
  }
  std::sort(slowest.begin(), slowest.end());
  return {slowest[slowest.size() / 2], slowest.front()};
}

void print_row(int rank, std::string_view what, std::size_t bytes, const Timing& t) {
  if (rank != 0) return;
  std::printf("  %-34s %9.3f ms  (fastest %8.3f ms)  %6.2f GB/s\n", std::string(what).c_str(), t.median * 1e3,
              t.fastest * 1e3, static_cast<double>(bytes) / t.median * 1e-9);
}

}  // namespace

int main(int argc, char** argv) {
  nnk::mpi::Environment mpi;
  std::vector<long> mib = {1, 4};
  std::vector<long> chunks = {16384, 65536, 262144, 0};  // 0: the whole vector as one message
  int repetitions = 40;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--mib") mib = parse_list(argv[i + 1]);
    else if (flag == "--chunks") chunks = parse_list(argv[i + 1]);
    else if (flag == "--repetitions") repetitions = std::max(1, std::atoi(argv[i + 1]));
  }
  if (mpi.rank() == 0)
    std::printf("nnk_mpi_fold_timing: %d ranks, one partial per rank, %d repetitions (median of the slowest rank)\n",
                mpi.size(), repetitions);
  for (const long size_mib : mib) {
    const std::size_t length = static_cast<std::size_t>(std::max(0L, size_mib)) * (std::size_t{1} << 18);
    const std::size_t bytes = length * sizeof(float);
    std::vector<float> partial(length, 0.25f + static_cast<float>(mpi.rank()));
    std::vector<float> accumulator(length);
    const float* partials[1] = {partial.data()};
    const std::span<const float* const> mine = mpi.rank() == 0 ? std::span<const float* const>{}
                                                                 : std::span<const float* const>(partials);
    if (mpi.rank() == 0) std::printf("%ld MiB (%zu floats):\n", size_mib, length);
    print_row(mpi.rank(), "MPI_Allreduce(MPI_SUM)", bytes, time_collectively(repetitions, [&] {
                std::copy(partial.begin(), partial.end(), accumulator.begin());
                MPI_Allreduce(MPI_IN_PLACE, accumulator.data(), static_cast<int>(length), MPI_FLOAT, MPI_SUM,
                              MPI_COMM_WORLD);
              }));
    for (const long chunk : chunks) {
      const std::size_t chunk_floats = chunk > 0 ? static_cast<std::size_t>(chunk) : std::max<std::size_t>(length, 1);
      const std::string name = "ordered_fold, chunk " + (chunk > 0 ? std::to_string(chunk * 4 / 1024) + " KiB"
                                                                   : std::string("= vector"));
      print_row(mpi.rank(), name, bytes, time_collectively(repetitions, [&] {
                  std::copy(partial.begin(), partial.end(), accumulator.begin());  // rank 0's own fold
                  nnk::mpi::detail::ordered_fold(MPI_COMM_WORLD, accumulator, mine, chunk_floats);
                }));
    }
  }
  return 0;
}
