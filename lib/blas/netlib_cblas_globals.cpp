// A weak definition of netlib CBLAS's RowMajorStrg, so that libnnk_blas works without netlib CBLAS and shares the
// one instance when netlib CBLAS (or a tester that references the global) is present.
#include "netlib_cblas_globals.hpp"

extern "C" {
__attribute__((weak)) int RowMajorStrg = 0;
}
