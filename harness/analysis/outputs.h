/* outputs.h - what `lrlab run` and `lrlab merge` write after the results are merged: the
 * figures (plot.h) and the comparison table with the default settings (compare.h), printed
 * briefly (or not at all with --quiet). The command line hands outputs_write to the engine
 * (RunOpts.outputs, merge_main), which calls it once runs.csv, curves.csv and evals.csv are
 * written, so that the engine does not depend on the analysis.
 */
#ifndef LRLAB_OUTPUTS_H
#define LRLAB_OUTPUTS_H

#include "harness/base/err.h"
#include "harness/engine/planfile.h"

/* outputs_write: figures and comparison for the cells of `shard` in dir; an exit code. */
int outputs_write(const char *dir, const PlanFile *pf, Shard shard, int quiet, Err *e);

#endif
