// nnk::sgemm at a chosen ISA, and nnk::ref::sgemm as the baseline.
#include "measure/gemm_backend.hpp"
#include "nnk/gemm.hpp"
#include "nnk/ref.hpp"

namespace nnk_measure {

namespace {

void nnk_multiply(GemmOperands& x) {
  const GemmShape& s = x.shape;
  nnk::sgemm(s.trans_a, s.trans_b, s.m, s.n, s.k, 1.0f, x.a.data(), x.a.ld(), x.b.data(), x.b.ld(), 0.0f, x.c.data(),
             x.c.ld());
}

void reference_multiply(GemmOperands& x) {
  const GemmShape& s = x.shape;
  nnk::ref::sgemm(s.trans_a, s.trans_b, s.m, s.n, s.k, 1.0f, x.a.data(), x.a.ld(), x.b.data(), x.b.ld(), 0.0f,
                  x.c.data(), x.c.ld());
}

}  // namespace

GemmBackend nnk_backend(nnk::Isa isa) {
  GemmBackend backend;
  backend.library = "nnk_sgemm";
  backend.isa = std::string(nnk::to_string(isa));
  backend.ceiling = isa;
  backend.with_threads = [isa](int threads, const std::function<void()>& body) {
    const nnk::ScopedIsa use_isa(isa);
    const nnk::ScopedNumThreads use_threads(threads);
    body();
  };
  backend.multiply = nnk_multiply;
  return backend;
}

GemmBackend reference_backend() {
  GemmBackend backend;
  backend.library = "nnk_ref";
  backend.isa = "scalar";  // plain C++ summing in double, baseline x86-64 flags
  backend.ceiling = nnk::supported_isas().front();
  backend.max_threads = 1;
  backend.max_flops = 2.0 * 256 * 256 * 256;
  backend.with_threads = [](int, const std::function<void()>& body) { body(); };
  backend.multiply = reference_multiply;
  return backend;
}

}  // namespace nnk_measure
