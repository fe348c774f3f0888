/* plan.h - expansion of an experiment into cells: tasks x optimizers x schedulers x seeds.
 *
 * A cell is one training run. Its id is a hash (FNV-1a, 64 bit) of its canonical
 * resolved configuration, so a result file names exactly what produced it and a
 * rerun of the same plan finds the cells already done.
 */
#ifndef LRLAB_PLAN_H
#define LRLAB_PLAN_H

#include "harness/cfg.h"

typedef struct Cell {
    int index;              /* position in plan order */
    const CompCfg *task, *optim, *sched;
    int64_t seed;
    int64_t steps, eval_every;
    double lr0;
    char id[17];
    char *canon;            /* canonical resolved configuration, owned */
} Cell;

typedef struct Plan {
    const Experiment *ex;
    Cell *cells;
    int n;
} Plan;

/* plan_build: expands and validates every cell (scheduler checks against the run).
 * An optimizer with an lr grid takes, for each (task, optimizer, scheduler), the lr of
 * lr_choice[(ti * noptims + oi) * nscheds + si]; with lr_choice NULL the grid's first
 * value stands in (for --check and validation before tuning). */
int plan_build(const Experiment *ex, const double *lr_choice, Plan *p, Err *e);
/* plan_build_tuning: one cell per (task, grid optimizer, scheduler, lr of the grid) on the
 * tuning seed; empty when no optimizer has a grid. */
int plan_build_tuning(const Experiment *ex, Plan *p, Err *e);
/* plan_has_grid: some optimizer has more than one lr. */
int plan_has_grid(const Experiment *ex);
void plan_free(Plan *p);
/* plan_print: the resolved plan, for --check and the provenance file. */
void plan_describe(const Plan *p, Buf *out, int max_rows);
uint64_t plan_fnv1a(const char *s);

#endif
