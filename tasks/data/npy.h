/* npy.h - reader for NumPy .npy files (format versions 1-3), little-endian f8/f4/u1.
 *
 * Format: the magic "\x93NUMPY", major and minor version, header length (u16 for v1,
 * u32 for v2/v3), a Python-literal dict with 'descr', 'fortran_order' and 'shape',
 * then the raw array in C order (NumPy's NEP 1).
 */
#ifndef LRLAB_NPY_H
#define LRLAB_NPY_H

#include "harness/base/err.h"

#include <stddef.h>

typedef struct Npy {
    int ndim;
    size_t shape[8];
    size_t count; /* product of shape */
    float *data;  /* [count], converted to float, owned */
} Npy;

/* npy_load: reads path into out; on failure fills e naming the file and, when given,
 * the command that fetches it (`fetch_hint`). */
int npy_load(const char *path, Npy *out, const char *fetch_hint, Err *e);
void npy_free(Npy *a);

#endif
