/* adagrad.c - Adagrad with learning-rate decay and L2 weight decay, exactly as
 * torch.optim.Adagrad (PyTorch 1.13):
 *   g = g + weight_decay * w
 *   s = s + g^2                               (s starts at initial_accumulator_value)
 *   clr = lr / (1 + (t - 1) * lr_decay)
 *   w = w - clr * g / (sqrt(s) + eps)
 * Duchi, Hazan & Singer, JMLR 2011.
 * Without a direction or per-element rates the update runs four elements at a time with SSE,
 * with the same arithmetic.
 */
#include "harness/optim/optim.h"

#include <math.h>
#include <stdlib.h>

static const ParamSpec params[] = {
    {"lr_decay", PARAM_NUM, "0", 0, INFINITY, 0, NULL, "lr / (1 + (t - 1) * lr_decay)"},
    {"weight_decay", PARAM_NUM, "0", 0, INFINITY, 0, NULL, "L2 penalty added to the gradient"},
    {"initial_accumulator_value", PARAM_NUM, "0", 0, INFINITY, 0, NULL,
     "starting value of the sum of squared gradients"},
    {"eps", PARAM_NUM, "1e-10", 0, INFINITY, PARAM_LO_OPEN, NULL, "added to the denominator"},
    {0},
};

typedef struct {
    double lr_decay;
    float weight_decay, eps;
    size_t n;
    float *sum; /* [n] sums of squared gradients */
} State;

static int init(void *st, const Params *p, const Task *t, Err *e) {
    State *s = st;
    s->lr_decay = params_num(p, "lr_decay");
    s->weight_decay = (float)params_num(p, "weight_decay");
    s->eps = (float)params_num(p, "eps");
    const float s0 = (float)params_num(p, "initial_accumulator_value");
    s->n = t->n;
    s->sum = xmalloc(t->n * sizeof(float));
    for (size_t i = 0; i < t->n; i++) s->sum[i] = s0;
    return 0;
}

/* step() without direction or per-element rates, four elements at a time where SSE is there
 * (GCC's vector extension: the same operations on each element, in the same order; GCC would
 * not vectorise sqrtf, which may set errno). */
static void step_plain(float *w, const float *g, float *sum, size_t n, float neg_clr, float wd,
                       float eps) {
    size_t i = 0;
#ifdef __SSE__
    typedef float V4 __attribute__((vector_size(16)));
    const V4 va = {neg_clr, neg_clr, neg_clr, neg_clr}, vwd = {wd, wd, wd, wd};
    const V4 veps = {eps, eps, eps, eps};
    for (; i + 4 <= n; i += 4) {
        V4 gi, si, wi;
        __builtin_memcpy(&gi, g + i, sizeof gi);
        __builtin_memcpy(&si, sum + i, sizeof si);
        __builtin_memcpy(&wi, w + i, sizeof wi);
        if (wd != 0) gi += vwd * wi;
        si += gi * gi;
        const V4 denom = __builtin_ia32_sqrtps(si) + veps;
        wi += (va * gi) / denom;
        __builtin_memcpy(sum + i, &si, sizeof si);
        __builtin_memcpy(w + i, &wi, sizeof wi);
    }
#endif
    for (; i < n; i++) {
        float gi = g[i];
        if (wd != 0) gi += wd * w[i];
        sum[i] += gi * gi;
        const float denom = sqrtf(sum[i]) + eps;
        w[i] += (neg_clr * gi) / denom;
    }
}

static void step(void *st, int64_t t, const TaskGroup *grp, float *w, const float *g, double lr,
                 const float *elem_lr, float *dir) {
    State *s = st;
    float *sum = s->sum + grp->off;
    const double decay = 1.0 + (double)(t - 1) * s->lr_decay; /* clr = lr / decay */
    const float neg_clr = (float)(-lr / decay), wd = s->weight_decay;
    if (!dir && !elem_lr) {
        step_plain(w, g, sum, grp->n, neg_clr, wd, s->eps);
        return;
    }
    for (size_t i = 0; i < grp->n; i++) {
        float gi = g[i];
        if (wd != 0) gi += wd * w[i];
        sum[i] += gi * gi;
        const float denom = sqrtf(sum[i]) + s->eps;
        const float a = elem_lr ? (float)(-(double)elem_lr[i] / decay) : neg_clr;
        if (dir) dir[i] = (float)((double)(gi / denom) / decay);
        w[i] += (a * gi) / denom;
    }
}

static void destroy(void *st) { free(((State *)st)->sum); }

/* The state that moves: the sums of squared gradients. */
static void state(void *st, StateIO *io) {
    State *s = st;
    state_f32s(io, s->sum, s->n);
}

const OptimDef optim_adagrad = {
    .name = "adagrad",
    .version = 1,
    .summary = "Adagrad: per-element lr scaled by the root of the summed squared gradients",
    .reference = "torch.optim.Adagrad; Duchi, Hazan & Singer, JMLR 2011",
    .params = params,
    .state_size = sizeof(State),
    .init = init,
    .step = step,
    .destroy = destroy,
    .state = state,
};
