#ifndef ADAMBENCH_COPENBLAS_SHIM_H
#define ADAMBENCH_COPENBLAS_SHIM_H
// OpenBLAS's CBLAS interface plus the OpenBLAS extensions (thread control, core name)
// and the LAPACK routines the harness uses: symmetric eigendecomposition (ZCA, SFO's curvature
// guards) Cholesky factor/solve (SFO's subspace Newton step) and the singular value decomposition (SFO's
// pseudo-inverse of its step history).
#include <cblas.h>

void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
             float *w, float *work, const int *lwork, int *iwork, const int *liwork, int *info);
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork, int *info);
void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda, double *s,
             double *u, const int *ldu, double *vt, const int *ldvt, double *work, const int *lwork,
             int *iwork, int *info);
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info);

/// The CPU's instruction-set family, as the harness chooses OpenBLAS's kernel set by it
/// (`BLASKernel`): 2 when it has AVX-512 F, CD, BW, DQ and VL with the operating system saving the
/// 512-bit state (what OpenBLAS's SkylakeX kernels use), 1 when it has AVX2 and FMA (the Haswell
/// kernels), 0 otherwise or on another architecture. The compiler runtime's CPU check also reads
/// XGETBV, so a feature the OS does not enable counts as absent.
static inline int adambench_cpu_family(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd")
        && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl")) {
        return 2;
    }
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
#else
    return 0;
#endif
}
#endif
