/* blas.h - the one place lrlab includes CBLAS (OpenBLAS) and asks which kernel runs. */
#ifndef LRLAB_BLAS_H
#define LRLAB_BLAS_H

#include <cblas.h>

/* blas_describe: "OpenBLAS 0.3.21 ... (core Haswell, 1 thread)" for provenance and benchmarks. */
const char *blas_describe(void);
/* blas_single_thread: each cell runs single-threaded BLAS; parallelism is across cells. */
void blas_single_thread(void);

#endif
