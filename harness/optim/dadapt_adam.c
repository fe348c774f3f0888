/* dadapt_adam.c - D-Adaptation Adam: Adam whose step size d lr adapts d, a lower
 * bound on the distance from the initial weights to a solution, as it goes.
 *
 * Defazio & Mishchenko, "Learning-Rate-Free Learning by D-Adaptation", ICML 2023
 * (arXiv:2301.07733), its Adam variant, as implemented by facebookresearch/dadaptation 3.2
 * (dadaptation/dadapt_adam.py, `DAdaptAdam.step`; the later FSDP fix of January 2025 leaves
 * one process's arithmetic unchanged); parameter names and defaults are that
 * implementation's (betas split into beta1 and beta2). One step at step count k (the steps
 * that moved the weights so far), with d the current estimate, sb2 = sqrt(beta2),
 * bc = sqrt(1 - beta2^(k+1)) / (1 - beta1^(k+1)) under use_bias_correction (else 1),
 * dlr = d lr bc and g the gradient (plus weight_decay w when decouple is false):
 *
 *   every group, lr > 0:  num += dlr <g, s / (sqrt(v) + eps)>   (s, v of the previous step)
 *                         m    = beta1 m + dlr (1 - beta1) g
 *                         v    = beta2 v + (1 - beta2) g^2
 *                         s    = sb2 s + dlr (1 - sb2) g
 *                         sk  += |s|_1
 *   sk = 0 (every lr 0, or zero gradients): the step ends here; the weights stay
 *   nw = sb2 nw + (1 - sb2) num;  d_hat = nw / ((1 - sb2) sk);
 *   d = max(d, min(d_hat, d growth_rate))
 *   every group:  w -= weight_decay dlr w                       (decouple)
 *                 w -= m / (sqrt(v) + eps)
 *
 * dlr keeps the d of the step's start; growth_rate unset is the reference's inf. Not here:
 * log_every (printing), fsdp_in_use, and the per-group layer_scale (1 for every group).
 *
 * The learning rate. The scheduler's rate is the reference's lr: it multiplies d in dlr
 * everywhere the reference's does, in the sums that estimate d included (lr = 1 under a
 * constant schedule is the reference's default). The reference takes one rate for all its
 * groups (the largest) and refuses different non-zero rates; lrlab uses each group's own
 * rate in that group's terms, and each element's under a per-element rate (per-parameter
 * hypergradient descent): the same arithmetic whenever the rates are equal. A group at rate
 * 0 beside non-zero ones is left out of the sums and still moves by its m (as in the
 * reference), but its decoupled decay uses its own dlr (0), the reference the largest one's.
 *
 * All groups share d: optim_lrfree.h describes how the per-group calls make one reference
 * step (the last group's call computes d and moves every group). Weights and state (m, v,
 * s) are float32, each element's arithmetic is double, and the sums and d are double.
 * dir, with w_new = w - lr dir: m / (lr (sqrt(v) + eps)) + weight_decay d bc w [decouple]
 * (m carries this and earlier steps' dlr); 0 when the step ends early. At lr = 0 beside
 * non-zero rates no such dir exists (w still moves by m); dir is then the sensitivity
 * -dw_new/dlr = d bc (1 - beta1) g / (sqrt(v) + eps) + weight_decay d bc w [decouple].
 */
#include "harness/optim/lrfree.h"

#include <math.h>
#include <stdlib.h>

static const ParamSpec params[] = {
    {"beta1", PARAM_NUM, "0.9", 0, 1, PARAM_HI_OPEN, NULL, "decay of the first moment"},
    {"beta2", PARAM_NUM, "0.999", 0, 1, PARAM_HI_OPEN, NULL,
     "decay of the second moment (and, as sqrt(beta2), of the d estimate's sums)"},
    {"eps", PARAM_NUM, "1e-8", 0, INFINITY, PARAM_LO_OPEN, NULL, "added to the denominator"},
    {"weight_decay", PARAM_NUM, "0", 0, INFINITY, 0, NULL,
     "an L2 term in the gradient or, with decouple = true, w -= weight_decay d lr w"},
    {"decouple", PARAM_BOOL, "false", 0, 0, 0, NULL, "decoupled (AdamW-style) weight decay"},
    {"use_bias_correction", PARAM_BOOL, "false", 0, 0, 0, NULL,
     "multiply d lr by Adam's bias correction sqrt(1 - beta2^k) / (1 - beta1^k)"},
    {"d0", PARAM_NUM, "1e-6", 0, INFINITY, PARAM_LO_OPEN, NULL, "initial d"},
    {"growth_rate", PARAM_NUM, NULL, 1, INFINITY, PARAM_LO_OPEN | PARAM_OPTIONAL, NULL,
     "largest factor by which d grows in one step (unset: unbounded)"},
    {0},
};

typedef struct {
    double beta1, beta2, sb2, eps, weight_decay, growth_rate;
    int decouple, bias_correction;
    LrfreeSteps q;
    size_t n;
    float *m, *v, *s;   /* [n] */
    double d, nw;       /* nw: the reference's numerator_weighted */
    int64_t k;          /* steps that moved the weights */
    double bc, num, sk; /* of the current step: bias correction, the sums */
} State;

static int init(void *st, const Params *p, const Task *t, Err *e) {
    State *s = st;
    s->beta1 = params_num(p, "beta1");
    s->beta2 = params_num(p, "beta2");
    s->sb2 = sqrt(s->beta2);
    s->eps = params_num(p, "eps");
    s->weight_decay = params_num(p, "weight_decay");
    s->decouple = params_bool(p, "decouple");
    s->bias_correction = params_bool(p, "use_bias_correction");
    s->d = params_num(p, "d0");
    s->growth_rate = params_isset(p, "growth_rate") ? params_num(p, "growth_rate") : INFINITY;
    lrfree_init(&s->q, t);
    s->n = t->n;
    s->m = xcalloc(t->n, sizeof(float));
    s->v = xcalloc(t->n, sizeof(float));
    s->s = xcalloc(t->n, sizeof(float));
    return 0;
}

/* The gradient of element i of a call, with the L2 term of coupled weight decay. */
static double grad(const State *s, const LrfreeCall *c, size_t i) {
    double g = c->g[i];
    if (s->weight_decay != 0 && !s->decouple) g += s->weight_decay * (double)c->w[i];
    return g;
}

/* Group k's part of the first walk, with the d of the step's start. */
static void first_walk(State *s, int k) {
    const LrfreeCall *c = &s->q.call[k];
    const size_t n = s->q.n[k], off = s->q.off[k];
    float *m = s->m + off, *v = s->v + off, *sv = s->s + off;
    const double d = s->d, b1 = s->beta1, b2 = s->beta2, sb2 = s->sb2;
    double dot = 0; /* <g, s / (sqrt(v) + eps)>, each term times its lr under a per-element lr */
    for (size_t j = 0; j < n; j++) {
        const double lr = lrfree_lr(c, j);
        if (!(lr > 0)) continue;
        dot += (c->elem_lr ? lr : 1.0) * (grad(s, c, j) * (sv[j] / (sqrt((double)v[j]) + s->eps)));
    }
    s->num += (c->elem_lr ? d * s->bc : d * c->lr * s->bc) * dot;
    for (size_t j = 0; j < n; j++) {
        const double lr = lrfree_lr(c, j);
        if (!(lr > 0)) continue;
        const double g = grad(s, c, j), dlr = d * lr * s->bc;
        m[j] = (float)(b1 * m[j] + dlr * (1.0 - b1) * g);
        v[j] = (float)(b2 * v[j] + (1.0 - b2) * (g * g));
        sv[j] = (float)(sb2 * sv[j] + dlr * (1.0 - sb2) * g);
        s->sk += fabs((double)sv[j]);
    }
}

/* The second walk over group k with the d of the step's start. */
static void second_walk(State *s, int k, double d_old) {
    const LrfreeCall *c = &s->q.call[k];
    const size_t n = s->q.n[k], off = s->q.off[k];
    const float *m = s->m + off, *v = s->v + off;
    const double wd = s->decouple ? s->weight_decay : 0, unit = d_old * s->bc;
    for (size_t j = 0; j < n; j++) {
        const double lr = lrfree_lr(c, j), dlr = d_old * lr * s->bc;
        const double denom = sqrt((double)v[j]) + s->eps, w = c->w[j];
        double x = w;
        if (wd != 0) x = x - wd * dlr * x;
        x = x - m[j] / denom;
        if (c->dir)
            c->dir[j] =
                (float)(wd * unit * w + (lr > 0 ? m[j] / denom / lr
                                                : unit * (1.0 - s->beta1) * grad(s, c, j) / denom));
        c->w[j] = (float)x;
    }
}

/* After the last group's first walk: d, then every group's move. */
static void finish(State *s) {
    if (s->sk == 0) { /* the reference returns: no d update, no move */
        for (int k = 0; k < s->q.ngroups; k++)
            if (s->q.call[k].dir)
                for (size_t j = 0; j < s->q.n[k]; j++) s->q.call[k].dir[j] = 0;
        return;
    }
    const double sb2 = s->sb2, d_old = s->d;
    s->nw = sb2 * s->nw + (1.0 - sb2) * s->num;
    const double d_hat = s->nw / ((1.0 - sb2) * s->sk);
    s->d = fmax(s->d, fmin(d_hat, s->d * s->growth_rate));
    for (int k = 0; k < s->q.ngroups; k++) second_walk(s, k, d_old);
    s->k++;
}

static void step(void *st, int64_t t, const TaskGroup *grp, float *w, const float *g, double lr,
                 const float *elem_lr, float *dir) {
    State *s = st;
    const int k = lrfree_record(&s->q, t, grp, w, g, lr, elem_lr, dir);
    if (k == 0) {
        s->bc = lrfree_bias_correction(s->bias_correction, s->beta1, s->beta2, s->k + 1);
        s->num = s->sk = 0;
    }
    first_walk(s, k);
    if (k + 1 == s->q.ngroups) finish(s);
}

static void destroy(void *st) {
    State *s = st;
    lrfree_free(&s->q);
    free(s->m);
    free(s->v);
    free(s->s);
}

/* The state that moves: the moments and s, the estimate d and its sums, the step count and
 * the step in progress. */
static void state(void *st, StateIO *io) {
    State *s = st;
    state_f32s(io, s->m, s->n);
    state_f32s(io, s->v, s->n);
    state_f32s(io, s->s, s->n);
    state_f64(io, &s->d);
    state_f64(io, &s->nw);
    state_i64(io, &s->k, 0, STATE_COUNT_MAX);
    state_f64(io, &s->bc);
    state_f64(io, &s->num);
    state_f64(io, &s->sk);
    lrfree_state(&s->q, io);
}

const OptimDef optim_dadapt_adam = {
    .name = "dadapt_adam",
    .version = 1,
    .summary = "D-Adaptation Adam: Adam with step d lr, d adapted online (lr = 1 is the "
               "reference's default)",
    .reference = "Defazio & Mishchenko, ICML 2023 (arXiv:2301.07733); "
                 "facebookresearch/dadaptation 3.2",
    .params = params,
    .state_size = sizeof(State),
    .init = init,
    .step = step,
    .destroy = destroy,
    .state = state,
};

double optim_dadapt_adam_d(const Optim *o) {
    LR_ASSERT(o->def == &optim_dadapt_adam);
    return ((const State *)o->st)->d;
}
