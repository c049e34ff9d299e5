/* nnk_blas: the C ABI of libnnk_blas (C and C++). Only SGEMM is provided, in two spellings:
 *   cblas_sgemm  CBLAS (row- or column-major, int sizes)
 *   sgemm_       Fortran 77 as gfortran calls it (everything by pointer, hidden string lengths at the end)
 * Both validate their arguments like reference BLAS and report a bad one through cblas_xerbla / xerbla_, which a
 * program may define itself (the library's own definitions are weak defaults that print a message and return).
 *
 * The CBLAS names are those of cblas.h: if you also include a system cblas.h, include it first (its CBLAS_H guard
 * makes this header skip what cblas.h already declares). */
#ifndef NNK_BLAS_H
#define NNK_BLAS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef CBLAS_H /* else cblas.h has declared all of this, with its own spelling of the same types */
/* The values are fixed by the CBLAS standard. ConjTrans equals Trans on real data. */
typedef enum CBLAS_LAYOUT { CblasRowMajor = 101, CblasColMajor = 102 } CBLAS_LAYOUT;
typedef enum CBLAS_TRANSPOSE { CblasNoTrans = 111, CblasTrans = 112, CblasConjTrans = 113 } CBLAS_TRANSPOSE;

/* C <- alpha * op(A) * op(B) + beta * C with op(A) M x K, op(B) K x N, C M x N, all stored in `layout`. */
void cblas_sgemm(CBLAS_LAYOUT layout, CBLAS_TRANSPOSE trans_a, CBLAS_TRANSPOSE trans_b, int m, int n, int k,
                 float alpha, const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc);

/* Reports a bad argument of a CBLAS routine: `position` is its 1-based position in the caller's argument list
 * (row-major included; the library clears netlib's RowMajorStrg before reporting so that a netlib-style handler
 * does not renumber it again). */
void cblas_xerbla(int position, const char* routine, const char* format, ...);
#endif

/* The Fortran SGEMM, column-major; transa / transb are 'N', 'T' or 'C' in either case. */
void sgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k, const float* alpha,
            const float* a, const int* lda, const float* b, const int* ldb, const float* beta, float* c,
            const int* ldc, size_t transa_len, size_t transb_len);

/* Reports a bad argument of a Fortran routine: `info` is its 1-based position; srname is blank-padded, not
 * NUL-terminated. */
void xerbla_(const char* srname, const int* info, size_t srname_len);

#ifdef __cplusplus
}
#endif

#endif /* NNK_BLAS_H */
