/* merge.h - `lrlab merge OUT DIR...`: joins the outputs of shards of one plan.
 *
 * Every DIR must hold the same plan.csv (shards of one plan); every cell must be complete
 * in exactly one DIR (overlap and gaps are refused, naming the cell and the folders).
 * The cell files are copied into OUT, then OUT is merged as `lrlab run` would: runs.csv,
 * curves.csv, evals.csv, timing.csv, then `outputs` (run.h's RunOutputs: figures and the
 * comparison table) when not NULL.
 */
#ifndef LRLAB_MERGE_H
#define LRLAB_MERGE_H

#include "harness/engine/run.h"

int merge_main(const char *out, const char *const *dirs, int ndirs, int quiet, RunOutputs outputs);

#endif
