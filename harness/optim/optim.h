/* optim.h - the optimizer interface: update rules on flat float arrays.
 *
 * An optimizer keeps its state (moments, accumulators) in buffers as long as the
 * task's parameter vector and updates one parameter group at a time with that
 * group's learning rate, or with a per-element learning rate when a scheduler sets
 * one (per-parameter hypergradient descent). Update rules follow PyTorch's
 * torch.optim definitions and parameter names.
 */
#ifndef LRLAB_OPTIM_H
#define LRLAB_OPTIM_H

#include "harness/base/err.h"
#include "harness/base/param.h"
#include "harness/base/state.h"
#include "tasks/task.h"

typedef struct OptimDef {
    const char *name;
    /* version: of this implementation, from 1. Bump it whenever the component's results
     * change for the same parameters: a cell id hashes it (above 1, harness/engine/plan.c), so the
     * id changes with it and old results are never taken for new ones. */
    int version;
    const char *summary;
    const char *reference;
    const ParamSpec *params;
    size_t state_size;
    int (*init)(void *st, const Params *p, const Task *t, Err *e);
    /* step: t is the 1-based step count; w and g point at the group's slice;
     * elem_lr (NULL or [grp->n]) overrides lr element-wise; dir (NULL or [grp->n])
     * receives the update direction d with w_new = w - lr * d (before projection). */
    void (*step)(void *st, int64_t t, const TaskGroup *grp, float *w, const float *g, double lr,
                 const float *elem_lr, float *dir);
    void (*destroy)(void *st);
    /* eval_point: optional, NULL where results are evaluated at the trained parameters. An
     * optimizer that trains at one point and is evaluated at another (schedule-free: y and
     * the average x) swaps them in w[n], the task's parameter vector: enter = 1 puts the
     * evaluation point in, enter = 0 the training point back, bit for bit. The training loop
     * calls it around every evaluation of the task (harness/engine/train.c). */
    void (*eval_point)(void *st, float *w, size_t n, int enter);
    /* state: visits every field the optimizer changes while it runs (harness/base/state.h),
     * for saving and resuming; NULL for an optimizer without such state. */
    void (*state)(void *st, StateIO *io);
} OptimDef;

typedef struct Optim {
    const OptimDef *def;
    void *st;
    unsigned char fingerprint[32]; /* of the parameters and the groups (state blobs) */
} Optim;

extern const OptimDef *const optim_registry[];
const OptimDef *optim_find(const char *name);

int optim_create(Optim *o, const OptimDef *def, const Params *p, const Task *t, Err *e);
void optim_destroy(Optim *o);
/* optim_save: appends the optimizer's state blob (harness/base/state.h) to out, with the
 * caller's step count `steps` (the t of the last step taken). */
int optim_save(const Optim *o, int64_t steps, Buf *out, const char *where, Err *e);
/* optim_load: restores a blob saved by an optimizer of the same name, version, parameters and
 * groups, and its step count; anything else is refused with e and o left as it was. */
int optim_load(Optim *o, const void *blob, size_t n, int64_t *steps, const char *where, Err *e);

/* Clips g in place to global L2 norm max_norm (PyTorch clip_grad_norm_); returns the
 * norm before clipping. */
double optim_clip_grad_norm(float *g, size_t n, double max_norm);

#endif
