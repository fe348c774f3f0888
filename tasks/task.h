/* task.h - the task interface: a model, its loss and gradient, on real data.
 *
 * A task owns its data and workspaces. Its parameters live in one contiguous float
 * buffer `w` with a gradient buffer `g` of the same size, split into named groups
 * (layers) so optimizers walk one flat array and schedulers can set one learning
 * rate per group. A task's initialisation and data order depend only on
 * (task parameters, seed), never on the optimizer or scheduler: runs are paired.
 */
#ifndef LRLAB_TASK_H
#define LRLAB_TASK_H

#include "harness/base/err.h"
#include "harness/base/param.h"

#include <stddef.h>
#include <stdint.h>

typedef struct TaskGroup {
    const char *name; /* "W", "H", "fc1.weight", ... */
    size_t off, n;    /* slice of w and g */
    int rows, cols;   /* matrix shape (rows*cols == n), for factored optimizers */
} TaskGroup;

/* Metric slots every task fills in evaluate(); tasks add their own after these. */
enum { METRIC_TRAIN_LOSS = 0, METRIC_VAL_LOSS = 1, METRIC_TASK = 2, METRIC_MAX = 8 };

typedef struct TaskDef TaskDef;

typedef struct Task {
    const TaskDef *def;
    size_t n;     /* number of parameters */
    float *w, *g; /* [n] parameters and gradient, owned by the task */
    int ngroups;
    TaskGroup *groups; /* [ngroups] */
    int64_t steps_per_epoch;
    int clip_lr; /* enforce lr_bound on every step (e.g. NMF clip_to_bound) */
    void *impl;  /* the task's own state */
} Task;

typedef struct TaskEnv {
    const char *datadir; /* LRLAB_DATA or ./data */
} TaskEnv;

struct TaskDef {
    const char *name;
    /* version: of this implementation, from 1. Bump it whenever the component's results
     * change for the same parameters: a cell id hashes it (above 1, harness/engine/plan.c), so the
     * id changes with it and old results are never taken for new ones. */
    int version;
    const char *summary;
    const char *datasets; /* "faces|synthetic": documented data sources */
    const ParamSpec *params;
    const char *metric; /* name of metrics[METRIC_TASK], lower is better unless noted */
    /* test_params: a small configuration ("k=v;k=v") that the registry-wide tests use for
     * finite-difference gradient checks of every group; it must need no fetched data. */
    const char *test_params;
    int metric_higher_better;
    /* piecewise_smooth: the loss has kinks in w (ReLU, max-pool). Central differences of a
     * coordinate cross them, so the registry test checks each group's derivative along its
     * own gradient instead, and the task's own test compares every entry with a reference. */
    int piecewise_smooth;
    /* create: loads data, allocates, initialises w from `seed`. */
    int (*create)(Task *t, const Params *p, uint64_t seed, const TaskEnv *env, const char *where,
                  Err *e);
    /* train_step: draws the minibatch of `step` (deterministic in seed and step),
     * returns its loss at w and fills g. No allocation. */
    double (*train_step)(Task *t, int64_t step);
    /* loss_at: loss of the same minibatch at trial parameters (line search). */
    double (*loss_at)(Task *t, const float *w_trial);
    /* project: optional; called after each update (e.g. NMF's non-negativity). */
    void (*project)(Task *t);
    /* lr_bound: optional; the largest stable learning rate per group at w (NMF). */
    void (*lr_bound)(Task *t, double *bound);
    /* evaluate: fills metrics[0..METRIC_TASK] (train loss, validation loss, task metric). */
    void (*evaluate)(Task *t, double *metrics);
    /* destroy: frees the task's own state (impl); task_destroy frees w, g and groups. */
    void (*destroy)(Task *t);
};

extern const TaskDef *const task_registry[];
const TaskDef *task_find(const char *name);

/* task_create: *t = a new task of def (def->create); on failure fills e, frees what the task
 * allocated and returns -1. task_destroy: def->destroy (the task's own state), then w, g and
 * groups; t is left empty (destroying it again does nothing). */
int task_create(Task *t, const TaskDef *def, const Params *p, uint64_t seed, const TaskEnv *env,
                const char *where, Err *e);
void task_destroy(Task *t);

#endif
