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
 *   evals_to_target                    the evaluations spent by that step: one loss and
 *                                      gradient per step plus the scheduler's extra loss
 *                                      evaluations (runs.csv loss_evals: a line search's
 *                                      trials), interpolated linearly (compare.c, evals_at)
 * A diverged or failed run is worse than any finite one (+inf).
 *
 * Paper counting (paper/paper.md section 1.2): every seed is a datapoint; Delta =
 * L_baseline - L_reference against the tolerance tau gives yes, yes*, no*, no, and the five
 * percentages, overall and by stage, task, optimizer and baseline (training loss).
 *
 * Tie rules (the practical threshold tau of a comparison; paper/paper.md section 2.6):
 *   abs:X   tau = X on every task (the paper's rule is abs:0.1, always reported beside);
 *   rel:X   tau = X |L_baseline| per datapoint, X |median of the baseline's values| per unit;
 *   task:X  tau = X times the task's scale: |median| of every baseline value of the measure
 *           on the task at that stage, over optimizers, baselines and seeds (the default,
 *           task:0.01);
 *   sd:K    tau = K times the seed-to-seed spread of the baselines on the (task, optimizer):
 *           the root of the mean over baselines of their sample variances over seeds.
 * A tolerance that cannot be computed (no finite baseline value) is 0.
 *
 * Statistics: per unit, the paired Wilcoxon signed-rank test (exact for small n, scipy 1.10's
 * rule) and the sign test; Holm's correction within each family, the units of one measure on
 * one (task, optimizer): all its baselines and stages. Two readings of "as good or better":
 *   not-worse     a unit is a win when its adjusted two-sided p < alpha and the median
 *                 difference exceeds tau, a loss in the mirror case, a tie otherwise; "as
 *                 good" = not a loss (not shown worse);
 *   non-inferior  the one-sided test of Delta + tau > 0 (Wilcoxon, alternative "greater"),
 *                 Holm within the same family; "as good" = adjusted p < alpha (shown within
 *                 the tolerance).
 * The share of units that are "as good" gets a percentile bootstrap interval whose
 * resampling unit is chosen (--interval):
 *   units      the units, as if independent;
 *   task       tasks (each with all its units);
 *   optimizer  optimizers;
 *   crossed    tasks and optimizers crossed (the pigeonhole bootstrap), and seeds resampled
 *              within every unit, its tests and Holm's correction redone per replicate: the
 *              default, since the claim is about tasks and optimizer combinations;
 *   seeds      seeds only, within every unit (the seed-level interval, reported beside).
 * The verdict is "supported" when the interval lies above the claim, "not supported" when
 * below, "undecided" otherwise.
 *
 * Across schedulers: Dolan-More performance profiles and mean ranks of the final primary
 * measure over the problems (task, optimizer, seed).
 *
 * Joined folders (--with, harness/engine/join.h): the runs of other result folders are joined with
 * DIR's by cell id, each cell read once from the first folder that holds it, after the join's
 * rules are checked; everything above is then computed on the joined runs as on one folder's.
 */
#ifndef LRLAB_COMPARE_H
#define LRLAB_COMPARE_H

#include "harness/base/err.h"
#include "harness/base/fsutil.h"

#include <stddef.h>

/* The most --with folders of compare and report, each joined with DIR by cell id
 * (harness/engine/join.h). */
#define COMPARE_WITH_MAX 8
/* The longest settings string (compare_settings): the fixed settings and every --with
 * folder's path. */
#define COMPARE_SETTINGS_MAX (512 + COMPARE_WITH_MAX * (FS_DIR_MAX + 8))

typedef enum TieKind { TIE_ABS, TIE_REL, TIE_TASK, TIE_SD } TieKind;
typedef struct TieRule {
    TieKind kind;
    double x;
} TieRule;

typedef enum Reading { READ_NOT_WORSE, READ_NON_INFERIOR, NREADING } Reading;
typedef enum Interval { IV_UNITS, IV_TASK, IV_OPTIMIZER, IV_CROSSED, IV_SEEDS, NINTERVAL } Interval;

extern const char *const reading_names[NREADING];   /* "not-worse", "non-inferior" */
extern const char *const interval_names[NINTERVAL]; /* "units", ... "seeds" */

/* The paper's rule, abs:0.1 (paper/paper.md section 1.2). */
#define TIE_PAPER ((TieRule){TIE_ABS, 0.1})

/* tie_parse: "abs:X", "rel:X", "task:X", "sd:K" (X finite and >= 0) or "paper". Returns 0,
 * or -1 with why describing what is expected. */
int tie_parse(const char *s, TieRule *t, char *why, size_t n);
/* compare_num: x in the shortest %g form that reads back as x (e.g. 0.1, 0.5050001). */
void compare_num(double x, char *out, size_t n);
/* tie_format: the rule as tie_parse reads it, e.g. "task:0.01" (compare_num's digits). */
void tie_format(TieRule t, char *out, size_t n);
int reading_parse(const char *s);  /* index, or -1 */
int interval_parse(const char *s); /* index, or -1 */

typedef struct CompareOpts {
    const char *dir;
    const char *reference;   /* scheduler label, default "greedy" */
    TieRule tie;             /* default task:0.01 */
    Reading reading;         /* the verdict's reading, default not-worse */
    Interval interval;       /* the verdict's interval, default crossed */
    double alpha;            /* significance level, default 0.05 */
    double claim;            /* the claimed fraction, default 0.9 */
    const char *measure;     /* primary measure, default train_loss (the paper's) */
    int quiet_missing;       /* return 0 quietly when the reference is absent (from `run`) */
    int brief;               /* print only the overall lines (from `run`) */
    int multiverse;          /* also write multiverse.csv and its figure */
    const char *const *arms; /* more folders (other arms) for the multiverse, NULL-ended */
    /* --with: folders whose runs are joined with DIR's by cell id before anything is
     * computed (harness/engine/join.h), NULL-ended; outputs are written in DIR only */
    const char *with[COMPARE_WITH_MAX + 1];
    int nwith;
} CompareOpts;

/* compare_defaults: the defaults above, for compare, run's summary and report alike. */
CompareOpts compare_defaults(void);

/* compare_settings: "reference=greedy;measure=train_loss;tie=task:0.01;reading=not-worse;
 * interval=crossed;alpha=0.05;claim=0.9", then ";with=FOLDER" for each --with folder, the
 * settings written into verdict.csv (column settings) and checked by report. n: at least
 * COMPARE_SETTINGS_MAX. */
void compare_settings(const CompareOpts *o, char *out, size_t n);

/* compare_main: reads DIR/runs.csv (and evals.csv, timing.csv; joined with the --with
 * folders' by cell id), writes comparisons.csv,
 * tests.csv, verdict.csv, profiles.csv and ranks.csv in DIR (and multiverse.csv with its
 * figure when asked), prints the tables. Returns an exit code. */
int compare_main(const CompareOpts *o);

#endif
