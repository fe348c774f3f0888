/* compare_int.h - what compare.c and multiverse.c share: one folder's runs, the units of
 * comparison with their per-seed differences, their decisions under a tie rule, and the
 * intervals (see compare.h for the definitions). */
#ifndef LRLAB_COMPARE_INT_H
#define LRLAB_COMPARE_INT_H

#include "harness/analysis/compare.h"
#include "harness/analysis/stats.h"
#include "harness/base/stages.h"

#include <stdint.h>

#define BOOT_SEED 20231
/* replicates of every interval: 2,000 keeps the Monte Carlo error of a 95% percentile bound
 * near 0.5 percentage points on these shares (Efron & Tibshirani 1993, ch. 13 and 19) */
#define BOOT_REPS 2000
/* the most seeds drawn (and ranked) over the replicates of an interval that redoes the tests
 * per replicate; beyond it (hundreds of seeds per unit) the crossed interval keeps each
 * unit's decision fixed and the seed-level one is not computed. The paper's matrix draws
 * 2,574 units x 12 seeds x 2,000 replicates = 6.2e7. */
#define SEED_WORK_MAX 1e8

enum { M_TRAIN, M_VAL, M_METRIC, M_AUC, M_STEPS, M_SECONDS, M_EVALS, NMEASURE };
extern const char *const measure_names[NMEASURE];

typedef struct {
    int t, o, s, d;
    int src; /* the folder it was read from: Data.dirs[src] */
    char id[17];
    double v[NMEASURE][NSTAGES]; /* oriented: lower is better; +inf diverged or failed */
    double best_val, seconds;
    double loss_evals; /* runs.csv loss_evals of the 100% stage, NaN without the column */
    long long steps;
} Run;

/* A hash index of strings to positions (open addressing, FNV-1a, at most half full). The
 * keys belong to the caller. */
typedef struct {
    const char **key;
    int *val;
    size_t cap, n; /* cap: a power of two, or 0 */
} StrIndex;

typedef struct {
    char **names;
    int n, cap;
    StrIndex at;
} Names;

typedef struct {
    Names tasks, optims, scheds, seeds;
    Run *runs;
    int nruns;
    int *index;   /* [T][O][S][D] -> run or -1 */
    int ref;      /* scheduler index of the reference */
    StrIndex ids; /* cell id -> run, once the runs are loaded (run_by_id) */
    /* the folders read: DIR, then the --with folders; per folder, the runs read from it and
     * those of its cells already read from a folder before it */
    const char *dirs[COMPARE_WITH_MAX + 1];
    int ndirs, taken[COMPARE_WITH_MAX + 1], shared[COMPARE_WITH_MAX + 1];
} Data;

/* data_load: DIR's runs.csv (and evals.csv, timing.csv), joined by cell id with those of the
 * folders with (NULL-ended, or NULL; harness/engine/join.h), with the reference scheduler named
 * ref. Returns 0, 1 when the reference has no runs (D->ref = -1, nothing printed), or -1
 * after printing a one-line error. The strings must outlive D. */
int data_load(const char *dir, const char *const *with, const char *ref, Data *D);
void data_free(Data *D);
int *data_slot(const Data *D, int t, int o, int s, int d);

typedef struct {
    int m, g, t, o, b;
    int n, wins, losses;
    int first; /* its n differences at Model.delta[first..], in seed order */
    int nbase; /* its finite baseline values at Model.basev[first..first + nbase) */
    double median, wilcoxon_p, sign_p, holm_p, tau;
    int exact;
    int family;           /* units in its Holm family */
    int decision;         /* not-worse: +1 win, 0 tie, -1 loss */
    double ni_p, ni_holm; /* non-inferior: one-sided p of Delta + tau, Holm-adjusted */
} Unit;

typedef struct {
    Data *D;
    Unit *u;
    int nu;
    double *delta, *basev;
    /* Holm families: fam[famstart[f] .. famstart[f + 1]) are the units of family f, the
     * units of one measure on one (task, optimizer); unit_fam[i] is unit i's family */
    int *fam, *famstart, nfam, *unit_fam;
    StatsWilcoxonTable *wt;
    TieRule tie;
    double alpha;
    /* per (measure, reading): the "as good" of every unit of the measure in every
     * replicate of the seed resampling, [BOOT_REPS][units of the measure], or NULL until
     * model_seed_replicates fills it (for the current tie rule) */
    unsigned char *rep[NMEASURE][NREADING];
    unsigned char *nw_sig[NMEASURE]; /* two-sided: Holm-adjusted p < alpha, per replicate */
    double *nw_med[NMEASURE];        /* and the median difference */
    int *munits[NMEASURE], nmunits[NMEASURE]; /* the units of each measure, in order */
} Model;

/* model_build: the units of every measure, stage, task, optimizer and baseline with their
 * paired differences. */
void model_build(Data *D, Model *M);
void model_free(Model *M);
/* model_decide: tolerances under tie and both readings' tests and decisions at alpha. */
void model_decide(Model *M, TieRule tie, double alpha);
/* model_forget: drops the seed replicates kept for measure m. */
void model_forget(Model *M, int m);
/* unit_decidable: unit i's smallest attainable p-value (every seed on one side: 2 / 2^n
 * two-sided, 1 / 2^n one-sided) times its Holm family's size is below alpha. */
int unit_decidable(const Model *M, int i, Reading r);
/* unit_as_good: unit i counts as "as good or better" under the reading. */
int unit_as_good(const Model *M, int i, Reading r);
/* model_interval: the interval of the share of "as good" units among sel[0..nsel) (units of
 * one measure) under reading r, resampled by kind. */
void model_interval(Model *M, const int *sel, int nsel, Reading r, Interval kind, double *lo,
                    double *hi);
/* model_seeds_resampled: measure m's seeds are few enough to be resampled within units. */
int model_seeds_resampled(const Model *M, int m);
/* task_scale: the scale of the tie rule task:X, |median| of every finite baseline value of
 * measure m on task t at stage g, over optimizers, baselines and seeds; 0 when there is none. */
double task_scale(const Data *D, int m, int g, int t);
/* The datapoint tolerance of a paper comparison. */
double point_tau(const Model *M, const Unit *u, double base);
/* verdict_word: "supported", "not supported" or "undecided". */
const char *verdict_word(double lo, double hi, double claim);

/* multiverse_main: writes DIR/multiverse.csv and DIR/figures/multiverse.{gp,png} from the
 * folder's model and the arms' folders. Returns an exit code. */
int multiverse_main(const CompareOpts *o, Model *M);

#endif
