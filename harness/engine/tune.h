/* tune.h - the tuning stage: rounds of tuning cells, the choice, tuning.csv.
 *
 * The protocol of DeepOBS (Schneider et al., ICLR 2019) and Crowded Valley (Schmidt et al.,
 * ICML 2021): for each (task, optimizer, scheduler) every learning rate of the optimizer's
 * grid, crossed with the combinations of the scheduler's hyperparameter grid (if any), is
 * trained on the tuning seeds; the point with the lowest mean final tune_by value over the
 * seeds is chosen (a diverged or failed seed makes the mean +inf; ties go to the smaller lr,
 * then to the earlier combination). With extend = N, a round is followed by another for every
 * (task, optimizer, scheduler) whose choice sits on the lowest or highest lr trained: one
 * point past that edge at the grid's own ratio (the ratio of its two edge-most values), every
 * combination, until the choice is inside ("inside"), N points were added on that side
 * ("edge-limit") or the next point is outside the optimizer's lr range or refused by the
 * scheduler ("edge-range"). An optimizer with one lr (tuned for a scheduler's grid only)
 * ends "fixed". paper/paper.md section 2.5 and README.md "Tuning the learning rate".
 *
 * tuning.csv: task, optimizer, scheduler, lr, <tune_by> (the value the choice ranks: with one
 * tuning seed its final value, with several their mean), chosen (1 on the choice); with any
 * of extend, seeds or schedulers given, further columns: round (1: the grid, 2...: the
 * extensions), hyper ("key=value;..." of the scheduler's combination, empty without one), end
 * (where the choice of the (task, optimizer, scheduler) ended, as above), runs (its tuning
 * runs, all rounds, combinations and seeds), then one column <tune_by>_seed<S> per tuning
 * seed with that seed's final value. One row per point, by (task, optimizer, scheduler) in
 * plan order, then lr, then combination.
 */
#ifndef LRLAB_TUNE_H
#define LRLAB_TUNE_H

#include "harness/engine/plan.h"

/* Trains the cells of p (the round's, round 1 the first); 0, 1 when stopped (a signal, or a
 * shard that has done its part of the round), -1 with e set. */
typedef int (*TuneRunFn)(void *ctx, const Plan *p, int round, Err *e);
/* A tuning cell's final value of results_cell_cols column col (results_final_value), wherever
 * the runner finds the cell: 0, or -1 with e set. */
typedef int (*TuneValueFn)(void *ctx, const Cell *c, int col, double *v, Err *e);

typedef struct Tuning {
    const Experiment *ex;
    TunePoint *pts;
    int npts, cap;
    int *round;           /* [npts] */
    double *val;          /* [npts * ntune_seeds]: final tune_by values (+inf: diverged, failed) */
    int ngroups;          /* ntasks * noptims * nscheds */
    double *lr_choice;    /* [ngroups], for plan_build */
    int *combo_choice;    /* [ngroups] */
    int *best;            /* [ngroups]: the chosen point, -1: not tuned */
    int *ext_lo, *ext_hi; /* [ngroups]: points added below and above the grid */
    const char **end;     /* [ngroups]: inside, edge-limit, edge-range or fixed */
    int rounds, cells;    /* rounds run, tuning cells in all of them */
    char (*ids)[17];      /* [cells]: every tuning cell's id, in training order */
    int *cell_point;      /* [cells]: its point */
    int64_t *cell_seed;   /* [cells]: its seed */
    int *cell_index; /* [cells]: its index in its round (a shard K/N trains index % N == K-1) */
} Tuning;

/* tune_run: the rounds, training through run and reading the values through value, then the
 * choice; 0, 1 when run stopped, -1 with e set (a cell file that cannot be read, a plan
 * refused). */
int tune_run(const Experiment *ex, TuneRunFn run, TuneValueFn value, void *ctx, Tuning *tu, Err *e);
/* tune_write: DIR/tuning.csv and DIR/tuning-cells.csv: every tuning cell in training order,
 * cell (id), round, index (in its round: the shard that trains it), task, optimizer,
 * scheduler, lr, hyper, seed. */
int tune_write(const Tuning *tu, const char *dir, Err *e);
/* tune_runs_of: tuning runs of scheduler si, over tasks and optimizers. */
int tune_runs_of(const Tuning *tu, int si);
void tune_free(Tuning *tu);

#endif
