/* verify.h - `lrlab verify`: retrain a reproducible sample of a result folder's cells and say
 * whether they give the same bytes on this machine.
 *
 * A result folder records how it was made (provenance.txt: the script and its sha256, the
 * Lua seed, the data files' sha256, the BLAS mode and kernel) and what came out (plan.csv,
 * runs.csv, evals.csv, tuning.csv, the curves it keeps). verify checks that the script and
 * the data are the ones that made it, rebuilds the plan from the script (with the learning
 * rates the folder's tuning chose) and requires the same cell ids, draws a sample of the
 * complete cells (tuning cells included) from a seed, trains each one again in a process of
 * its own into a temporary folder, and compares its rows with the folder's: per cell
 * identical or different, with the largest absolute and relative difference of the training
 * objective, the validation loss and the metric at each stage. It never writes into the
 * folder.
 */
#ifndef LRLAB_VERIFY_H
#define LRLAB_VERIFY_H

#include "harness/base/blas.h"

#include <stdint.h>

typedef struct VerifyOpts {
    const char *dir;
    long sample;       /* cells to retrain (default 20) */
    uint64_t seed;     /* of the sample (default 0) */
    const char *cells; /* "ID,ID,..." instead of a sample, or NULL */
    BlasMode blas;
} VerifyOpts;

/* verify_main: exit code 0 when every cell retrained is byte-identical, 1 when one is not
 * (or could not be trained), 2 on bad input (not a result folder, a changed script or data
 * file, an unknown cell id). */
int verify_main(const VerifyOpts *o);

#endif
