/* rmsprop.c - RMSprop with optional centering, momentum and L2 weight decay,
 * exactly as torch.optim.RMSprop (PyTorch 1.13):
 *   g = g + weight_decay * w
 *   v = alpha v + (1 - alpha) g^2
 *   centered: a = alpha a + (1 - alpha) g;  r = sqrt(v - a^2) + eps
 *   else:     r = sqrt(v) + eps
 *   momentum > 0: b = momentum b + g / r;  w = w - lr b
 *   else:         w = w - lr g / r
 * Tieleman & Hinton, Coursera lecture 6.5, 2012; centered form: Graves, arXiv:1308.0850.
 * One deviation: v - a^2 is clamped at 0 before the root, where rounding could make it
 * negative and torch would produce NaN.
 */
#include "harness/optim/optim.h"

#include <math.h>
#include <stdlib.h>

static const ParamSpec params[] = {
    {"alpha", PARAM_NUM, "0.99", 0, 1, PARAM_HI_OPEN, NULL, "decay of the mean squared gradient"},
    {"eps", PARAM_NUM, "1e-8", 0, INFINITY, PARAM_LO_OPEN, NULL, "added to the denominator"},
    {"weight_decay", PARAM_NUM, "0", 0, INFINITY, 0, NULL, "L2 penalty added to the gradient"},
    {"momentum", PARAM_NUM, "0", 0, 1, PARAM_HI_OPEN, NULL, "momentum factor"},
    {"centered", PARAM_BOOL, "false", 0, 0, 0, NULL,
     "divide by the gradient's estimated standard deviation instead of its RMS"},
    {0},
};

typedef struct {
    float alpha, one_minus_alpha, eps, weight_decay, momentum;
    size_t n;
    float *sq;   /* [n] mean squared gradients */
    float *gavg; /* [n] mean gradients, NULL unless centered */
    float *buf;  /* [n] momentum buffers, NULL without momentum */
} State;

static int init(void *st, const Params *p, const Task *t, Err *e) {
    State *s = st;
    const double alpha = params_num(p, "alpha");
    s->alpha = (float)alpha;
    s->one_minus_alpha = (float)(1.0 - alpha);
    s->eps = (float)params_num(p, "eps");
    s->weight_decay = (float)params_num(p, "weight_decay");
    s->momentum = (float)params_num(p, "momentum");
    s->n = t->n;
    s->sq = xcalloc(t->n, sizeof(float));
    if (params_bool(p, "centered")) s->gavg = xcalloc(t->n, sizeof(float));
    if (s->momentum > 0) s->buf = xcalloc(t->n, sizeof(float));
    return 0;
}

static void step(void *st, int64_t t, const TaskGroup *grp, float *w, const float *g, double lr,
                 const float *elem_lr, float *dir) {
    State *s = st;
    float *sq = s->sq + grp->off;
    float *gavg = s->gavg ? s->gavg + grp->off : NULL;
    float *buf = s->buf ? s->buf + grp->off : NULL;
    const float alpha = s->alpha, c = s->one_minus_alpha, wd = s->weight_decay;
    const float flr = (float)lr;
    for (size_t i = 0; i < grp->n; i++) {
        const float lri = elem_lr ? elem_lr[i] : flr;
        float gi = g[i];
        if (wd != 0) gi += wd * w[i];
        sq[i] = sq[i] * alpha + (c * gi) * gi;
        float avg;
        if (gavg) {
            gavg[i] = gavg[i] * alpha + c * gi;
            avg = sqrtf(fmaxf(sq[i] - gavg[i] * gavg[i], 0.0f));
        } else {
            avg = sqrtf(sq[i]);
        }
        avg += s->eps;
        if (buf) {
            buf[i] = buf[i] * s->momentum + gi / avg;
            if (dir) dir[i] = buf[i];
            w[i] += -lri * buf[i];
        } else {
            if (dir) dir[i] = gi / avg;
            w[i] += (-lri * gi) / avg;
        }
    }
}

static void destroy(void *st) {
    State *s = st;
    free(s->sq);
    free(s->gavg);
    free(s->buf);
}

/* The state that moves: the averages and the momentum buffers. */
static void state(void *st, StateIO *io) {
    State *s = st;
    state_f32s(io, s->sq, s->n);
    if (s->gavg) state_f32s(io, s->gavg, s->n);
    if (s->buf) state_f32s(io, s->buf, s->n);
}

const OptimDef optim_rmsprop = {
    .name = "rmsprop",
    .version = 1,
    .summary = "RMSprop with optional centering, momentum and weight decay",
    .reference = "torch.optim.RMSprop; Tieleman & Hinton, 2012; Graves, arXiv:1308.0850",
    .params = params,
    .state_size = sizeof(State),
    .init = init,
    .step = step,
    .destroy = destroy,
    .state = state,
};
