/* lrfree.c - the calls of one step of a learning-rate-free optimizer (see
 * optim_lrfree.h). */
#include "harness/optim/lrfree.h"

#include <math.h>
#include <stdlib.h>

void lrfree_init(LrfreeSteps *q, const Task *t) {
    LR_ASSERT(t->ngroups >= 1);
    q->ngroups = t->ngroups;
    q->off = xcalloc((size_t)t->ngroups, sizeof(size_t));
    q->n = xcalloc((size_t)t->ngroups, sizeof(size_t));
    q->call = xcalloc((size_t)t->ngroups, sizeof(LrfreeCall));
    for (int k = 0; k < t->ngroups; k++) {
        q->off[k] = t->groups[k].off;
        q->n[k] = t->groups[k].n;
    }
    q->next = 0;
    q->t = 0;
}

void lrfree_free(LrfreeSteps *q) {
    free(q->off);
    free(q->n);
    free(q->call);
}

int lrfree_record(LrfreeSteps *q, int64_t t, const TaskGroup *grp, float *w, const float *g,
                  double lr, const float *elem_lr, float *dir) {
    const int k = q->next;
    LR_ASSERT(grp->off == q->off[k] && grp->n == q->n[k]);
    LR_ASSERT(k == 0 ? t > q->t : t == q->t);
    q->t = t;
    q->call[k] = (LrfreeCall){w, g, lr, elem_lr, dir};
    q->next = k + 1 == q->ngroups ? 0 : k + 1;
    return k;
}

double lrfree_bias_correction(int on, double beta1, double beta2, int64_t k) {
    const double kk = (double)k;
    return on ? sqrt(1.0 - pow(beta2, kk)) / (1.0 - pow(beta1, kk)) : 1.0;
}

/* Between steps nothing of a step is in progress, and q->t only guards the order of the
 * calls: a restored optimizer starts its next step afresh. */
void lrfree_state(LrfreeSteps *q, StateIO *io) {
    LR_ASSERT(q->next == 0); /* saved between steps */
    if (io->mode == STATE_LOAD) q->t = 0;
}
