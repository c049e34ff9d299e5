// A GEMM implementation under test: nnk at one ISA, the nnk reference, or a peer library.
#pragma once

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "measure/gemm_problem.hpp"
#include "nnk/cpu.hpp"

namespace nnk_measure {

struct GemmBackend {
  std::string library;  // first part of every benchmark name: nnk_sgemm, nnk_ref, openblas, onednn
  std::string isa;      // the kernels it runs: an nnk ISA, OpenBLAS's core name, oneDNN's effective ISA
  nnk::Isa ceiling;     // the ISA whose FMA peak is this backend's ceiling in peak_frac
  int max_threads = std::numeric_limits<int>::max();
  double max_flops = std::numeric_limits<double>::infinity();  // larger problems are not benchmarked

  // Calls body with the backend set to use `threads` threads (and its ISA). Runs on the benchmark's thread, because
  // nnk::ScopedNumThreads and omp_set_num_threads apply to the calling thread only.
  std::function<void(int threads, const std::function<void()>& body)> with_threads;

  // C = op(A) * op(B) (alpha 1, beta 0) in the column-major BLAS convention. Throws on a library error.
  void (*multiply)(GemmOperands& operands) = nullptr;

  std::string name() const { return library + "/" + isa; }
  bool runs(const GemmShape& shape, int threads) const {
    return threads <= max_threads && gemm_flops(shape) <= max_flops;
  }
};

// nnk::sgemm forced to one ISA.
GemmBackend nnk_backend(nnk::Isa isa);

// nnk::ref::sgemm, single-threaded, on problems of at most 2 * 256^3 flops (the larger ones take seconds per call).
GemmBackend reference_backend();

// The peers found at configure time, possibly none. Each is defined in its own file, compiled only when found.
std::vector<GemmBackend> peer_backends();
GemmBackend openblas_backend();  // with NNK_MEASURE_HAVE_OPENBLAS
GemmBackend onednn_backend();    // with NNK_MEASURE_HAVE_DNNL

}  // namespace nnk_measure
