// The own command-line options of nnk_bench_gemm and nnk_bench_eltwise (--benchmark_* belong to Google Benchmark).
#pragma once

#include <vector>

#include "nnk/cpu.hpp"

namespace nnk_bench {

struct Options {
  std::vector<nnk::Isa> isas;  // nnk ISAs to benchmark
  std::vector<int> threads;    // thread counts for every GEMM and FMA-peak benchmark
};

// Takes and removes from argv:
//   --nnk_isas=active|all|avx512,avx2,...   default: $NNK_BENCH_ISAS, else active (nnk::active_isa(), i.e. NNK_ISA)
//   --nnk_threads=1,2,...                   default: 1,2
// Runs before benchmark::Initialize, which rejects flags it does not know. Throws std::invalid_argument.
Options take_options(int& argc, char** argv);

}  // namespace nnk_bench
