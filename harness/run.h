/* run.h - `lrlab run`: load, plan, check data, train every cell not yet done, merge,
 * write provenance and figures. Resumes by default: a cell whose result file is
 * complete is not trained again. */
#ifndef LRLAB_RUN_H
#define LRLAB_RUN_H

#include "harness/err.h"

#include <stdint.h>

typedef struct RunOpts {
    const char *script;
    const char *out;      /* NULL: results/<experiment name> */
    int check;            /* print the plan, train nothing */
    int fresh;            /* ignore existing cell results */
    int quiet;
    uint64_t lua_seed;
} RunOpts;

/* run_main: returns an exit code (0, 1 when some cell failed, 2 on bad input). */
int run_main(const RunOpts *o);

#endif
