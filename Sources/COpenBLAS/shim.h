#ifndef ADAMBENCH_COPENBLAS_SHIM_H
#define ADAMBENCH_COPENBLAS_SHIM_H
// OpenBLAS's CBLAS interface plus the OpenBLAS extensions (thread control, core name)
// and the LAPACK routines the harness uses: symmetric eigendecomposition (ZCA, SFO's curvature
// guards) and Cholesky factor/solve (SFO's subspace Newton step).
#include <cblas.h>

void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
             float *w, float *work, const int *lwork, int *iwork, const int *liwork, int *info);
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork, int *info);
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info);

/// 1 when this CPU can run OpenBLAS's Haswell kernels (x86-64 with AVX2 and FMA), else 0.
static inline int adambench_cpu_runs_haswell_kernels(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}
#endif
