// Instruction-set choice and thread control.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

namespace nnk {

// The instruction sets nnk has kernels for, from the most capable down.
//   Avx512: AVX-512 F/CD/BW/DQ/VL + FMA.  Avx2: AVX2 + FMA.  Generic: what the compiler emits for baseline x86-64.
enum class Isa { Avx512, Avx2, Generic };

std::string_view to_string(Isa isa);

// The ISAs this CPU (and OS) can run, most capable first; Generic is always last.
const std::vector<Isa>& supported_isas();

// The ISA every kernel call uses. Chosen once, at first use: the best supported one, or the one the environment
// variable NNK_ISA names (avx512 | avx2 | generic). An unknown or unsupported NNK_ISA value makes this throw nnk::Error.
Isa active_isa();

// Forces an ISA for the whole process (tests and benchmarks use it to compare paths in one run). Throws nnk::Error
// if the CPU does not support it. Not meant to be called while other threads run nnk kernels.
void set_active_isa(Isa isa);

// RAII form of set_active_isa: restores the previous ISA on destruction.
class ScopedIsa {
 public:
  explicit ScopedIsa(Isa isa);
  ~ScopedIsa();
  ScopedIsa(const ScopedIsa&) = delete;
  ScopedIsa& operator=(const ScopedIsa&) = delete;

 private:
  Isa previous_;
};

// Threads nnk kernels may use. The default is every core of the process's affinity mask
// (tbb::info::default_concurrency()). set_num_threads(n) applies process-wide; n must be >= 1.
int num_threads();
void set_num_threads(int n);

// RAII: nnk uses at most n threads while this object lives (on any thread), then the previous setting returns.
class ScopedNumThreads {
 public:
  explicit ScopedNumThreads(int n);
  ~ScopedNumThreads();
  ScopedNumThreads(const ScopedNumThreads&) = delete;
  ScopedNumThreads& operator=(const ScopedNumThreads&) = delete;

 private:
  int previous_;
};

}  // namespace nnk
