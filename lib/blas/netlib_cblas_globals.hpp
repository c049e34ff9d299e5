// Globals of netlib CBLAS that its error handlers (and the netlib CBLAS testers) read.
#pragma once

extern "C" {
// Nonzero while netlib CBLAS executes a row-major call; netlib-style cblas_xerbla handlers then swap the reported
// positions of M/N and lda/ldb of gemm. Defined weakly in netlib_cblas_globals.cpp so that netlib's own definition
// wins when both are linked.
extern int RowMajorStrg;
}
