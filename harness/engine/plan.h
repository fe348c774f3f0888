/* plan.h - expansion of an experiment into cells: tasks x optimizers x schedulers x seeds.
 *
 * A cell is one training run. Its id is a hash (FNV-1a, 64 bit) of its canonical
 * resolved configuration, so a result file names exactly what produced it and a
 * rerun of the same plan finds the cells already done. The configuration names each
 * component's implementation version when it is above 1 (task "nmf" at version 2 is
 * "nmf@v2"), so a component whose results change gets new ids.
 */
#ifndef LRLAB_PLAN_H
#define LRLAB_PLAN_H

#include "harness/lua/config.h"

typedef struct Cell {
    int index; /* position in plan order */
    const CompCfg *task, *optim, *sched;
    int64_t seed;
    int64_t steps, eval_every;
    double lr0;
    const Params *sp; /* the scheduler's parameters: sched->p, or a combination of its
                       * tuning grid (Experiment.hyper) */
    int combo;        /* that combination's index; -1: sched->p */
    char id[17];
    char *canon; /* canonical resolved configuration, owned */
} Cell;

typedef struct Plan {
    const Experiment *ex;
    Cell *cells;
    int n;
} Plan;

/* plan_build: expands and validates every cell (scheduler checks against the run).
 * An optimizer with an lr grid takes, for each (task, optimizer, scheduler), the lr of
 * lr_choice[(ti * noptims + oi) * nscheds + si]; with lr_choice NULL the grid's first
 * value stands in (for --check and validation before tuning), every value of the grid
 * checked. A scheduler with a hyperparameter grid takes, likewise, the combination
 * combo_choice[...] of it; with combo_choice NULL its own parameters stand in, every
 * combination checked. */
int plan_build(const Experiment *ex, const double *lr_choice, const int *combo_choice, Plan *p,
               Err *e);

/* A tuning point: one (task, optimizer, scheduler) at one lr and one combination of the
 * scheduler's hyperparameter grid (-1: none); trained on every tuning seed. */
typedef struct TunePoint {
    int ti, oi, si;
    double lr;
    int combo;
} TunePoint;

/* plan_tuned: the (optimizer, scheduler) pair is tuned: an lr grid or a hyperparameter grid. */
int plan_tuned(const Experiment *ex, int oi, int si);
/* plan_tuning_points: the first round's points, in plan order (task, optimizer, scheduler,
 * lr, combination), into a new array; returns their count. */
int plan_tuning_points(const Experiment *ex, TunePoint **pts);
/* plan_build_points: one cell per point and tuning seed (point-major, seeds in their order);
 * refuses more than the plan limit. */
int plan_build_points(const Experiment *ex, const TunePoint *pts, int n, Plan *p, Err *e);
/* plan_build_tuning: the first round's cells; empty when nothing is tuned. */
int plan_build_tuning(const Experiment *ex, Plan *p, Err *e);
/* plan_check_point: a point's lr and combination pass the scheduler's checks for the task;
 * 0 or -1 with e set. */
int plan_check_point(const Experiment *ex, const TunePoint *pt, Err *e);
void plan_free(Plan *p);
/* plan_describe: the resolved plan, for --check and the provenance file: its components,
 * then its first max_rows cells (all: -1; none: 0). human: the components' parameters as a
 * person reads them (params_describe: shortest numbers, only the keys that apply), for the
 * terminal; else their canonical dump (params_dump), as provenance.txt has always had them. */
void plan_describe(const Plan *p, Buf *out, int max_rows, int human);
/* plan_versions: one line, "versions: task nmf 1, quadratic 1; optimizer sgd 1, adam 1;
 * scheduler greedy 1, constant 1" and a newline: the version (TaskDef.version, ...) of each
 * distinct component the experiment uses, by registry name in first-use order, for the
 * provenance of its results. */
void plan_versions(const Experiment *ex, Buf *out);
uint64_t plan_fnv1a(const char *s);

#endif
