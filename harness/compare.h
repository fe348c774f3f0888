/* compare.h - paired comparison of a reference scheduler with every baseline.
 *
 * Paper counting (reference/algorithms.md 1.6): one datapoint is the reference against one
 * baseline on the same task, optimizer, seed and stage (10%, 50%, 100% of steps), on the
 * training loss. Delta = L_baseline - L_reference; with tolerance tau:
 *   yes  Delta >= tau     yes*  0 < Delta < tau     no*  -tau < Delta <= 0     no  Delta <= -tau
 * As good or better = (yes + yes* + no*) / N. A diverged run is worse than any finite one;
 * two diverged runs tie (no*). tau is absolute (abs:0.1, the paper's small models) or
 * relative to the baseline's loss (rel:0.01, the paper's fine-tunes).
 */
#ifndef LRLAB_COMPARE_H
#define LRLAB_COMPARE_H

#include "harness/err.h"

typedef struct CompareOpts {
    const char *dir;
    const char *reference; /* scheduler label, default "greedy" */
    int relative;          /* tau relative to the baseline's loss */
    double tau;
    int quiet_missing;     /* return 0 quietly when the reference is absent (from `run`) */
} CompareOpts;

/* compare_main: reads DIR/runs.csv, writes DIR/comparisons.csv, prints the table.
 * Returns an exit code. */
int compare_main(const CompareOpts *o);

#endif
