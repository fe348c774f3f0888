/* vexpf.h - expf over an array, bit for bit glibc's expf, in loops that vectorise (see
 * vexpf.c). The tasks' softmax and GELU call it instead of expf element by element. */
#ifndef LRLAB_VEXPF_H
#define LRLAB_VEXPF_H

#include <stddef.h>

/* out[i] = expf(in[i]) for i < n, the same bits as glibc's expf on this CPU; out may be in. */
void vexpf(float *out, const float *in, size_t n);

/* The path vexpf takes in this process: "fma-avx512", "fma-avx2", "plain" or "libm". */
const char *vexpf_path(void);

/* For tests: vexpf on one path (libm: expf itself; plain: glibc's plain variant, anywhere;
 * the fused variant where the CPU has FMA and AVX2, or AVX-512); -1 when this CPU cannot run
 * it. */
enum { VEXPF_LIBM, VEXPF_PLAIN, VEXPF_AVX2, VEXPF_AVX512 };
int vexpf_with(int path, float *out, const float *in, size_t n);

#endif
