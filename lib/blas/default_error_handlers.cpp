// Weak default xerbla_ and cblas_xerbla: print the report and return (reference BLAS would stop the program; a
// training process should rather keep running, and the routine has already left C untouched).
// A program that defines its own handler (as the netlib testers do) overrides these, statically or dynamically.
#include <cstdarg>
#include <cstddef>
#include <cstdio>

#include "nnk_blas.h"

extern "C" {

__attribute__((weak)) void xerbla_(const char* srname, const int* info, std::size_t srname_len) {
  // The Fortran name is blank-padded and not NUL-terminated.
  int length = static_cast<int>(srname_len);
  while (length > 0 && srname[length - 1] == ' ') --length;
  std::fprintf(stderr, "nnk_blas: on entry to %.*s parameter number %d had an illegal value\n", length, srname,
               *info);
}

__attribute__((weak)) void cblas_xerbla(int position, const char* routine, const char* format, ...) {
  std::fprintf(stderr, "nnk_blas: parameter %d to routine %s was incorrect\n", position, routine);
  if (format != nullptr && *format != '\0') {
    std::va_list args;
    va_start(args, format);
    std::fputs("nnk_blas: ", stderr);
    std::vfprintf(stderr, format, args);
    va_end(args);
  }
}

}  // extern "C"
