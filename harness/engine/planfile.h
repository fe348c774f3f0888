/* planfile.h - plan.csv: the expanded plan as a file, so that later stages (merge of
 * shards, figures, comparisons) read only files and never need the experiment script.
 *
 * Columns: index, cell, experiment, task, optimizer, scheduler, seed, lr0, steps, metric,
 * metric_goal (min or max).
 * One row per cell in plan order; a shard K/N of the plan is the cells whose index
 * satisfies index % N == K - 1 (round robin, so every shard gets every kind of cell).
 */
#ifndef LRLAB_PLANFILE_H
#define LRLAB_PLANFILE_H

#include "harness/engine/plan.h"

typedef struct PlanRow {
    int index;
    char id[17];
    char task[64], optim[64], sched[64], metric[32];
    int metric_max; /* the task metric is better when higher (accuracy) */
    long long seed, steps;
    double lr0;
} PlanRow;

typedef struct PlanFile {
    char experiment[64];
    int n;
    PlanRow *rows;
} PlanFile;

typedef struct Shard {
    int k, n; /* shard k of n, 1 <= k <= n; {1, 1} is the whole plan */
} Shard;

static inline int shard_has(Shard s, int index) { return index % s.n == s.k - 1; }

/* planfile_from_plan: the rows of an expanded plan. */
void planfile_from_plan(const Plan *p, PlanFile *pf);
int planfile_write(const char *dir, const PlanFile *pf, Err *e);
/* planfile_read: reads DIR/plan.csv, validating every field. */
int planfile_read(const char *dir, PlanFile *pf, Err *e);
void planfile_free(PlanFile *pf);
/* planfile_equal: the same plan (every field of every row). */
int planfile_equal(const PlanFile *a, const PlanFile *b);

#endif
