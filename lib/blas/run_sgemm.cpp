// The bridge from the C ABI to nnk::sgemm: quick return, exception barrier, opt-in trace.
#include "run_sgemm.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "nnk/error.hpp"
#include "nnk/gemm.hpp"

namespace nnk::blas {

namespace {

const char* entry_name(Entry entry) { return entry == Entry::FortranSgemm ? "sgemm_" : "cblas_sgemm"; }

bool verbose_requested() {
  const char* value = std::getenv("NNK_BLAS_VERBOSE");
  return value != nullptr && *value != '\0' && std::strcmp(value, "0") != 0;
}

// Once per entry point and process; tests grep for this line.
void announce_first_call(Entry entry) {
  static std::atomic<bool> announced[2];
  if (announced[static_cast<int>(entry)].exchange(true, std::memory_order_relaxed)) return;
  if (verbose_requested()) std::fprintf(stderr, "nnk_blas: %s computed by nnk::sgemm\n", entry_name(entry));
}

}  // namespace

void run_sgemm(Entry entry, Trans trans_a, Trans trans_b, int m, int n, int k, float alpha, const float* a, int lda,
               const float* b, int ldb, float beta, float* c, int ldc) noexcept {
  // Reference BLAS returns here without reading or writing C; callers rely on it (e.g. C not yet allocated).
  if (m == 0 || n == 0 || ((alpha == 0.0f || k == 0) && beta == 1.0f)) return;
  announce_first_call(entry);
  // An exception must not unwind into C or Fortran frames: report it and return.
  try {
    nnk::sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  } catch (const nnk::Error& error) {
    std::fprintf(stderr, "nnk_blas: %s failed: %s\n", entry_name(entry), error.what());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "nnk_blas: %s failed: unexpected %s\n", entry_name(entry), error.what());
  } catch (...) {
    std::fprintf(stderr, "nnk_blas: %s failed: unknown exception\n", entry_name(entry));
  }
}

}  // namespace nnk::blas
