/* prodigy.c - Prodigy: Adam whose step size d lr estimates d, the distance from the
 * initial weights to a solution, as it goes.
 *
 * Mishchenko & Defazio, "Prodigy: An Expeditiously Adaptive Parameter-Free Learner",
 * arXiv:2306.06101 (2023; ICML 2024), the Adam version of section 5, as implemented by
 * konstmish/prodigy release 1.1.2 (prodigyopt/prodigy.py, `Prodigy.step`); parameter names
 * and defaults are that implementation's (betas split into beta1 and beta2). One step at
 * step count k (the steps that moved the weights so far), with d the current estimate,
 * bc = sqrt(1 - beta2^(k+1)) / (1 - beta1^(k+1)) under use_bias_correction (else 1),
 * dlr = d lr bc and g the gradient (plus weight_decay w when decouple is false):
 *
 *   every group, lr > 0:  r  += (d / d0) dlr <g, p0 - w>     p0: w at the first step;
 *                                                             r decays by beta3 once a step
 *                         m   = beta1 m + d (1 - beta1) g    (beta1 > 0)
 *                         v   = beta2 v + d^2 (1 - beta2) g^2
 *                         s   = beta3 s + (d / d0) dlr g     (safeguard_warmup: d for dlr)
 *                         den += |s|_1
 *   den = 0 (every lr 0, or zero gradients): the step ends here; the weights stay
 *   d_hat = d_coef r / den;  d = max(d, d_hat) while d == d0;  d_max = max(d_max, d_hat);
 *   d' = min(d_max, d growth_rate)
 *   every group:  w -= weight_decay dlr w                    (decouple)
 *                 w -= dlr m / (sqrt(v) + d' eps)            (beta1 > 0)
 *                 w -= dlr d' g / (sqrt(v) + d' eps)          (beta1 = 0)
 *
 * dlr keeps the d of the step's start; beta3 unset is sqrt(beta2), growth_rate unset the
 * reference's inf. slice_p > 1 (the reference's memory saving) takes r and s over every
 * slice_p-th element of each group, from its first; s and p0 hold only those elements.
 *
 * The learning rate. The scheduler's rate is the reference's lr: it multiplies d in dlr
 * everywhere the reference's does, in the sums that estimate d included (lr = 1 under a
 * constant schedule is the reference's default). The reference takes one rate for all its
 * groups (the largest) and refuses different non-zero rates; lrlab uses each group's own
 * rate in that group's terms, and each element's under a per-element rate (per-parameter
 * hypergradient descent): the same arithmetic whenever the rates are equal. The one case
 * the reference accepts and lrlab does differently is a group at rate 0 beside non-zero
 * ones: both leave it out of the sums, but the reference still moves it with the largest
 * rate's dlr; lrlab moves it with its own (not at all).
 *
 * All groups share d: optim_lrfree.h describes how the per-group calls make one reference
 * step (the last group's call computes d and moves every group). Weights and state (m, v,
 * s, p0) are float32, each element's arithmetic is double, and the sums and d are double.
 * dir = d bc (m / (sqrt(v) + d' eps) + weight_decay w [decouple]) (or d' g / ... for beta1
 * = 0), with w_new = w - lr dir, and 0 when the step ends early.
 */
#include "harness/optim/lrfree.h"

#include <math.h>
#include <stdlib.h>

static const ParamSpec params[] = {
    {"beta1", PARAM_NUM, "0.9", 0, 1, PARAM_HI_OPEN, NULL,
     "decay of the first moment (0: none, the step uses the gradient)"},
    {"beta2", PARAM_NUM, "0.999", 0, 1, PARAM_HI_OPEN, NULL, "decay of the second moment"},
    {"beta3", PARAM_NUM, NULL, 0, 1, PARAM_OPTIONAL, NULL,
     "decay of the d estimate's sums r and s (unset: sqrt(beta2))"},
    {"eps", PARAM_NUM, "1e-8", 0, INFINITY, PARAM_LO_OPEN, NULL,
     "added to the denominator, times d"},
    {"weight_decay", PARAM_NUM, "0", 0, INFINITY, 0, NULL,
     "decoupled (w -= weight_decay d lr w) or, with decouple = false, an L2 term in the "
     "gradient"},
    {"decouple", PARAM_BOOL, "true", 0, 0, 0, NULL, "decoupled (AdamW-style) weight decay"},
    {"use_bias_correction", PARAM_BOOL, "false", 0, 0, 0, NULL,
     "multiply d lr by Adam's bias correction sqrt(1 - beta2^k) / (1 - beta1^k)"},
    {"safeguard_warmup", PARAM_BOOL, "false", 0, 0, 0, NULL,
     "leave lr out of the sum s in the d estimate's denominator (for warmup schedules)"},
    {"d0", PARAM_NUM, "1e-6", 0, INFINITY, PARAM_LO_OPEN, NULL, "initial d"},
    {"d_coef", PARAM_NUM, "1", 0, INFINITY, PARAM_LO_OPEN, NULL,
     "multiplies the d estimate (the reference's way to tune the method)"},
    {"growth_rate", PARAM_NUM, NULL, 1, INFINITY, PARAM_LO_OPEN | PARAM_OPTIONAL, NULL,
     "largest factor by which d grows in one step (unset: unbounded)"},
    {"slice_p", PARAM_INT, "1", 1, 1e9, 0, NULL,
     "estimate d from every slice_p-th element of each group (1: all)"},
    {0},
};

typedef struct {
    double beta1, beta2, beta3, eps, weight_decay, d0, d_coef, growth_rate;
    int decouple, bias_correction, safeguard_warmup, have_p0;
    size_t slice, n, ns;
    LrfreeSteps q;
    size_t *soff;          /* [ngroups]: first entry of each group's elements in s and p0 */
    float *m, *v;          /* [n]; m NULL when beta1 == 0 */
    float *s, *p0;         /* [sum over groups of ceil(n / slice_p)] */
    double d, d_max, r;    /* r: the reference's d_numerator */
    int64_t k;             /* steps that moved the weights */
    double bc, delta, den; /* of the current step: bias correction, r's increment, |s|_1 */
} State;

static int init(void *st, const Params *p, const Task *t, Err *e) {
    State *s = st;
    s->beta1 = params_num(p, "beta1");
    s->beta2 = params_num(p, "beta2");
    s->beta3 = params_isset(p, "beta3") ? params_num(p, "beta3") : sqrt(s->beta2);
    s->eps = params_num(p, "eps");
    s->weight_decay = params_num(p, "weight_decay");
    s->decouple = params_bool(p, "decouple");
    s->bias_correction = params_bool(p, "use_bias_correction");
    s->safeguard_warmup = params_bool(p, "safeguard_warmup");
    s->d0 = params_num(p, "d0");
    s->d_coef = params_num(p, "d_coef");
    s->growth_rate = params_isset(p, "growth_rate") ? params_num(p, "growth_rate") : INFINITY;
    s->slice = (size_t)params_int(p, "slice_p");
    lrfree_init(&s->q, t);
    s->soff = xcalloc((size_t)t->ngroups, sizeof(size_t));
    size_t ns = 0;
    for (int k = 0; k < t->ngroups; k++) {
        s->soff[k] = ns;
        ns += (t->groups[k].n + s->slice - 1) / s->slice;
    }
    if (s->beta1 > 0) s->m = xcalloc(t->n, sizeof(float));
    s->v = xcalloc(t->n, sizeof(float));
    s->n = t->n;
    s->ns = ns;
    s->s = xcalloc(ns ? ns : 1, sizeof(float));
    s->p0 = xcalloc(ns ? ns : 1, sizeof(float));
    s->d = s->d_max = s->d0;
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
    const size_t n = s->q.n[k], off = s->q.off[k], slice = s->slice;
    float *m = s->m ? s->m + off : NULL, *v = s->v + off;
    float *sk = s->s + s->soff[k], *p0 = s->p0 + s->soff[k];
    if (!s->have_p0)
        for (size_t j = 0, q = 0; j < n; j += slice, q++) p0[q] = c->w[j];
    const double d = s->d, dd = d / s->d0, b1 = s->beta1, b2 = s->beta2, b3 = s->beta3;
    double dot = 0; /* <g, p0 - w>, each term times its lr under a per-element lr */
    for (size_t j = 0, q = 0; j < n; j += slice, q++) {
        const double lr = lrfree_lr(c, j);
        if (!(lr > 0)) continue;
        dot += (c->elem_lr ? lr : 1.0) * (grad(s, c, j) * ((double)p0[q] - c->w[j]));
    }
    s->delta += dd * (c->elem_lr ? d * s->bc : d * c->lr * s->bc) * dot;
    for (size_t j = 0; j < n; j++) {
        if (!(lrfree_lr(c, j) > 0)) continue;
        const double g = grad(s, c, j);
        if (m) m[j] = (float)(b1 * m[j] + d * (1.0 - b1) * g);
        v[j] = (float)(b2 * v[j] + d * d * (1.0 - b2) * (g * g));
    }
    for (size_t j = 0, q = 0; j < n; j += slice, q++) {
        const double lr = lrfree_lr(c, j);
        if (!(lr > 0)) continue;
        const double alpha = dd * (s->safeguard_warmup ? d : d * lr * s->bc);
        sk[q] = (float)(b3 * sk[q] + alpha * grad(s, c, j));
        s->den += fabs((double)sk[q]);
    }
}

/* The second walk over group k: moves its weights with d_old (the step's start) and d. */
static void second_walk(State *s, int k, double d_old, double d) {
    const LrfreeCall *c = &s->q.call[k];
    const size_t n = s->q.n[k], off = s->q.off[k];
    const float *m = s->m ? s->m + off : NULL, *v = s->v + off;
    const double wd = s->decouple ? s->weight_decay : 0;
    for (size_t j = 0; j < n; j++) {
        const double lr = lrfree_lr(c, j), dlr = d_old * lr * s->bc;
        const double denom = sqrt((double)v[j]) + d * s->eps;
        const double w = c->w[j];
        const double u = m ? m[j] / denom : d * (grad(s, c, j) / denom); /* m is d-scaled */
        double x = w;
        if (wd != 0) x = x - wd * dlr * x;
        x = m ? x - dlr * u : x - dlr * d * (grad(s, c, j) / denom);
        if (c->dir) c->dir[j] = (float)(d_old * s->bc * (u + wd * w));
        c->w[j] = (float)x;
    }
}

/* After the last group's first walk: d, then every group's move. */
static void finish(State *s) {
    s->have_p0 = 1;
    if (s->den == 0) { /* the reference returns: no d update, no move */
        for (int k = 0; k < s->q.ngroups; k++)
            if (s->q.call[k].dir)
                for (size_t j = 0; j < s->q.n[k]; j++) s->q.call[k].dir[j] = 0;
        return;
    }
    const double r = s->r * s->beta3 + s->delta;
    const double d_hat = s->d_coef * r / s->den, d_old = s->d;
    double d = s->d;
    if (d == s->d0) d = fmax(d, d_hat);
    s->d_max = fmax(s->d_max, d_hat);
    d = fmin(s->d_max, d * s->growth_rate);
    for (int k = 0; k < s->q.ngroups; k++) second_walk(s, k, d_old, d);
    s->d = d;
    s->r = r;
    s->k++;
}

static void step(void *st, int64_t t, const TaskGroup *grp, float *w, const float *g, double lr,
                 const float *elem_lr, float *dir) {
    State *s = st;
    const int k = lrfree_record(&s->q, t, grp, w, g, lr, elem_lr, dir);
    if (k == 0) {
        s->bc = lrfree_bias_correction(s->bias_correction, s->beta1, s->beta2, s->k + 1);
        s->delta = s->den = 0;
    }
    first_walk(s, k);
    if (k + 1 == s->q.ngroups) finish(s);
}

static void destroy(void *st) {
    State *s = st;
    lrfree_free(&s->q);
    free(s->soff);
    free(s->m);
    free(s->v);
    free(s->s);
    free(s->p0);
}

/* The state that moves: the moments, the statistics s and the first weights p0 of the slices,
 * the estimate d and its sums, the step count and the step in progress. */
static void state(void *st, StateIO *io) {
    State *s = st;
    if (s->m) state_f32s(io, s->m, s->n);
    state_f32s(io, s->v, s->n);
    state_f32s(io, s->s, s->ns);
    state_f32s(io, s->p0, s->ns);
    state_int(io, &s->have_p0, 0, 1);
    state_f64(io, &s->d);
    state_f64(io, &s->d_max);
    state_f64(io, &s->r);
    state_i64(io, &s->k, 0, STATE_COUNT_MAX);
    state_f64(io, &s->bc);
    state_f64(io, &s->delta);
    state_f64(io, &s->den);
    lrfree_state(&s->q, io);
}

const OptimDef optim_prodigy = {
    .name = "prodigy",
    .version = 1,
    .summary = "Prodigy: Adam with step d lr, d estimated online (lr = 1 is the reference's "
               "default)",
    .reference = "Mishchenko & Defazio, arXiv:2306.06101 (ICML 2024); konstmish/prodigy 1.1.2",
    .params = params,
    .state_size = sizeof(State),
    .init = init,
    .step = step,
    .destroy = destroy,
    .state = state,
};

double optim_prodigy_d(const Optim *o) {
    LR_ASSERT(o->def == &optim_prodigy);
    return ((const State *)o->st)->d;
}
