/* blas.c - BLAS identification and threading (see blas.h). */
#include "harness/blas.h"

#include <stdio.h>

const char *blas_describe(void) {
    static char desc[256];
    snprintf(desc, sizeof desc, "%s; core %s; %d thread(s)", openblas_get_config(),
             openblas_get_corename(), openblas_get_num_threads());
    return desc;
}

void blas_single_thread(void) { openblas_set_num_threads(1); }
