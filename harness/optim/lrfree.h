/* lrfree.h - what the learning-rate-free optimizers (prodigy.c,
 * dadapt_adam.c) share: one step of theirs spans every parameter group.
 *
 * Prodigy (konstmish/prodigy 1.1.2) and D-Adaptation Adam (facebookresearch/dadaptation 3.2)
 * estimate one scalar d per optimizer. Their `step` first walks every group with the d of
 * the previous step (moments, statistics, the sums over all groups that estimate d), then
 * computes the new d, then moves every group. lrlab calls an optimizer's step once per group,
 * in group order, at the same t (harness/engine/train.c). Group k's first walk needs only group k's
 * gradient, weights, rate and state, and nothing before the last call of the step moves a
 * weight, so each call does its group's first walk and the last call of the step computes d
 * and moves every group, through the weights, gradient, rate, per-element rate and dir
 * pointers that the step's calls recorded here. After the step's last call the weights are
 * exactly the reference's; only between two calls of one step (when nothing reads them) are
 * the earlier groups not yet moved. The groups' own rates need not be known in advance:
 * each enters the sums where the reference's one rate does (see the optimizers' headers).
 */
#ifndef LRLAB_OPTIM_LRFREE_H
#define LRLAB_OPTIM_LRFREE_H

#include "harness/optim/optim.h"

/* One group's call of the current step. */
typedef struct LrfreeCall {
    float *w;
    const float *g;
    double lr;
    const float *elem_lr; /* NULL: lr for every element */
    float *dir;           /* NULL: not wanted */
} LrfreeCall;

typedef struct LrfreeSteps {
    int ngroups;
    size_t *off, *n;  /* [ngroups]: the task's groups, copied at init */
    LrfreeCall *call; /* [ngroups]: the current step's calls so far */
    int next;         /* index of the group whose call comes next */
    int64_t t;        /* step of the calls recorded */
} LrfreeSteps;

void lrfree_init(LrfreeSteps *q, const Task *t);
void lrfree_free(LrfreeSteps *q);
/* lrfree_bias_correction: both references' Adam bias correction at step k (1-based),
 * sqrt(1 - beta2^k) / (1 - beta1^k), or 1 when it is off. */
double lrfree_bias_correction(int on, double beta1, double beta2, int64_t k);
/* lrfree_record: records the call of group grp at step t and returns the group's index. The
 * calls of a step must come one per group, in group order (a programmer error otherwise). */
int lrfree_record(LrfreeSteps *q, int64_t t, const TaskGroup *grp, float *w, const float *g,
                  double lr, const float *elem_lr, float *dir);

/* lrfree_state: the step bookkeeping of a restored optimizer (nothing is saved). */
void lrfree_state(LrfreeSteps *q, StateIO *io);

/* The rate of element i of a recorded call. */
static inline double lrfree_lr(const LrfreeCall *c, size_t i) {
    return c->elem_lr ? (double)c->elem_lr[i] : c->lr;
}

/* The current d of an optimizer created from optim_prodigy / optim_dadapt_adam (tests). */
double optim_prodigy_d(const Optim *o);
double optim_dadapt_adam_d(const Optim *o);

#endif
