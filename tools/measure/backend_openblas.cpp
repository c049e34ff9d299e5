// OpenBLAS through cblas_sgemm (compiled only when CMake found OpenBLAS: NNK_MEASURE_HAVE_OPENBLAS).
#include <cblas.h>

#include <cctype>

#include "measure/gemm_backend.hpp"

namespace nnk_measure {

namespace {

CBLAS_TRANSPOSE cblas_trans(nnk::Trans t) { return t == nnk::Trans::No ? CblasNoTrans : CblasTrans; }

void openblas_multiply(GemmOperands& x) {
  const GemmShape& s = x.shape;
  // Same column-major convention as nnk: the arguments map one to one.
  cblas_sgemm(CblasColMajor, cblas_trans(s.trans_a), cblas_trans(s.trans_b), static_cast<blasint>(s.m),
              static_cast<blasint>(s.n), static_cast<blasint>(s.k), 1.0f, x.a.data(), static_cast<blasint>(x.a.ld()),
              x.b.data(), static_cast<blasint>(x.b.ld()), 0.0f, x.c.data(), static_cast<blasint>(x.c.ld()));
}

// The kernel set OpenBLAS picked at load time (e.g. "cooperlake"; "haswell" when OPENBLAS_CORETYPE forces it).
std::string core_name() {
  std::string name = openblas_get_corename();
  for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return name;
}

}  // namespace

GemmBackend openblas_backend() {
  GemmBackend backend;
  backend.library = "openblas";
  backend.isa = core_name();
  backend.ceiling = nnk::supported_isas().front();
  // A process-wide setting in OpenBLAS.
  backend.with_threads = [](int threads, const std::function<void()>& body) {
    openblas_set_num_threads(threads);
    body();
  };
  backend.multiply = openblas_multiply;
  return backend;
}

}  // namespace nnk_measure
