/* compare.h - paired comparison of a reference scheduler with every baseline, the paper's
 * way and with statistics, and the verdict on the claim.
 *
 * Unit of comparison: the reference against one baseline on the same task and optimizer,
 * paired by seed, at a stage (10%, 50%, 100% of steps), on a measure. Measures, all made
 * "lower is better" (a metric whose goal is max is negated):
 *   train_loss, val_loss, metric       at every stage (runs.csv)
 *   auc                                mean validation loss over the evaluations (evals.csv)
 *   steps_to_target, seconds_to_target first evaluation whose validation loss reaches the
 *                                      target of its (task, optimizer): the median over the
 *                                      baselines' runs of their best validation loss
 *                                      (seconds pro rata of the cell's wall time)
 * A diverged or failed run is worse than any finite one (+inf).
 *
 * Paper counting (paper/paper.md section 1.2): every seed is a datapoint; Delta =
 * L_baseline - L_reference against the tolerance tau gives yes, yes*, no*, no, and the five
 * percentages, overall and by stage, task, optimizer and baseline (training loss).
 *
 * Statistics: per unit, the paired Wilcoxon signed-rank test (exact for small n, scipy 1.10's
 * rule) and the sign test; Holm's correction within each family, the units of one measure on
 * one (task, optimizer): all its baselines and stages; a unit is a win
 * when its adjusted Wilcoxon p < alpha and the median difference exceeds the practical
 * threshold tau, a loss in the mirror case, a tie otherwise. The claim's fraction ("as good
 * or better" = win or tie) over the units of the primary measure gets a percentile bootstrap
 * interval (10,000 resamples of units, fixed seed); the verdict is "supported" when the
 * interval lies above the claimed 90%, "not supported" when below, "undecided" otherwise.
 *
 * Across schedulers: Dolan-More performance profiles and mean ranks of the final primary
 * measure over the problems (task, optimizer, seed).
 */
#ifndef LRLAB_COMPARE_H
#define LRLAB_COMPARE_H

#include "harness/err.h"

typedef struct CompareOpts {
    const char *dir;
    const char *reference; /* scheduler label, default "greedy" */
    int relative;          /* tau relative to the baseline's value */
    double tau;
    double alpha;          /* significance level, default 0.05 */
    double claim;          /* the claimed fraction, default 0.9 */
    const char *measure;   /* primary measure, default train_loss (the paper's) */
    int quiet_missing;     /* return 0 quietly when the reference is absent (from `run`) */
    int brief;             /* print only the overall lines (from `run`) */
} CompareOpts;

/* compare_main: reads DIR/runs.csv (and evals.csv, timing.csv), writes comparisons.csv,
 * tests.csv, verdict.csv, profiles.csv and ranks.csv in DIR, prints the tables. Returns an
 * exit code. */
int compare_main(const CompareOpts *o);

#endif
