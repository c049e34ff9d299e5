// oneDNN through dnnl_sgemm (compiled only when CMake found oneDNN: NNK_MEASURE_HAVE_DNNL).
#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_debug.h>
#include <omp.h>

#include <stdexcept>
#include <string_view>

#include "measure/gemm_backend.hpp"

namespace nnk_measure {

namespace {

char dnnl_trans(nnk::Trans t) { return t == nnk::Trans::No ? 'N' : 'T'; }

// dnnl_sgemm is row-major. A column-major m x n matrix with leading dimension ld is, read row-major, its n x m
// transpose with the same ld. So column-major C = op(A) op(B) is row-major C^T = op(B)^T op(A)^T: swap the operands
// (and their transpose flags), swap m and n, keep every leading dimension.
void onednn_multiply(GemmOperands& x) {
  const GemmShape& s = x.shape;
  const dnnl_status_t status = dnnl_sgemm(dnnl_trans(s.trans_b), dnnl_trans(s.trans_a), s.n, s.m, s.k, 1.0f,
                                          x.b.data(), x.b.ld(), x.a.data(), x.a.ld(), 0.0f, x.c.data(), x.c.ld());
  if (status != dnnl_success) throw std::runtime_error("dnnl_sgemm failed: " + std::string(dnnl_status2str(status)));
}

// "avx512_core_bf16" from oneDNN's "cpu_isa_avx512_core_bf16": the JIT kernels it dispatches to.
std::string effective_isa() {
  std::string_view name = dnnl_cpu_isa2str(dnnl_get_effective_cpu_isa());
  if (name.starts_with("cpu_isa_")) name.remove_prefix(8);
  return std::string(name);
}

}  // namespace

GemmBackend onednn_backend() {
  GemmBackend backend;
  backend.library = "onednn";
  backend.isa = effective_isa();
  backend.ceiling = nnk::supported_isas().front();
  // This oneDNN build threads with OpenMP, which reads the calling thread's nthreads-var at each parallel region.
  backend.with_threads = [](int threads, const std::function<void()>& body) {
    const int previous = omp_get_max_threads();
    omp_set_num_threads(threads);
    body();
    omp_set_num_threads(previous);
  };
  backend.multiply = onednn_multiply;
  return backend;
}

}  // namespace nnk_measure
