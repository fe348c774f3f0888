/* sgd.c - stochastic gradient descent with momentum, dampening, Nesterov and
 * L2 weight decay, exactly as torch.optim.SGD:
 *   d = g + weight_decay * w
 *   b = d (first step) or momentum * b + (1 - dampening) * d
 *   d = d + momentum * b (nesterov) or b
 *   w = w - lr * d
 */
#include "harness/optim/optim.h"

#include <math.h>
#include <stdlib.h>

static const ParamSpec params[] = {
    {"momentum", PARAM_NUM, "0", 0, 1, PARAM_HI_OPEN, NULL, "momentum factor"},
    {"dampening", PARAM_NUM, "0", 0, 1, 0, NULL, "dampening of the momentum"},
    {"nesterov", PARAM_BOOL, "false", 0, 0, 0, NULL,
     "Nesterov momentum (needs momentum > 0, dampening 0)"},
    {"weight_decay", PARAM_NUM, "0", 0, INFINITY, 0, NULL, "L2 penalty added to the gradient"},
    {0},
};

typedef struct {
    float momentum, dampening, weight_decay;
    int nesterov;
    size_t n;
    float *buf; /* [n] momentum buffers, NULL without momentum */
} State;

static int init(void *st, const Params *p, const Task *t, Err *e) {
    State *s = st;
    s->momentum = (float)params_num(p, "momentum");
    s->dampening = (float)params_num(p, "dampening");
    s->weight_decay = (float)params_num(p, "weight_decay");
    s->nesterov = params_bool(p, "nesterov");
    if (s->nesterov && (s->momentum <= 0 || s->dampening != 0))
        return err_set(e, EXIT_USAGE, NULL,
                       "optimizer \"sgd\": nesterov: needs momentum > 0 and dampening 0 "
                       "(expected momentum > 0, dampening = 0, got %g, %g)",
                       s->momentum, s->dampening);
    s->n = t->n;
    if (s->momentum > 0) s->buf = xcalloc(t->n, sizeof(float));
    return 0;
}

static void step(void *st, int64_t t, const TaskGroup *grp, float *w, const float *g, double lr,
                 const float *elem_lr, float *dir) {
    State *s = st;
    float *buf = s->buf ? s->buf + grp->off : NULL;
    const float mom = s->momentum, damp = 1.0f - s->dampening, wd = s->weight_decay;
    const float flr = (float)lr;
    if (!buf && wd == 0 && !dir && !elem_lr) { /* plain SGD: one vectorised pass, same values */
        for (size_t i = 0; i < grp->n; i++) w[i] -= flr * g[i];
        return;
    }
    for (size_t i = 0; i < grp->n; i++) {
        float d = g[i];
        if (wd != 0) d += wd * w[i];
        if (buf) {
            buf[i] = t == 1 ? d : mom * buf[i] + damp * d;
            d = s->nesterov ? d + mom * buf[i] : buf[i];
        }
        if (dir) dir[i] = d;
        w[i] -= (elem_lr ? elem_lr[i] : flr) * d;
    }
}

static void destroy(void *st) { free(((State *)st)->buf); }

/* The state that moves: the momentum buffers. */
static void state(void *st, StateIO *io) {
    State *s = st;
    if (s->buf) state_f32s(io, s->buf, s->n);
}

const OptimDef optim_sgd = {
    .name = "sgd",
    .version = 1,
    .summary = "SGD with optional momentum, dampening, Nesterov and weight decay",
    .reference = "torch.optim.SGD; Sutskever et al., ICML 2013",
    .params = params,
    .state_size = sizeof(State),
    .init = init,
    .step = step,
    .destroy = destroy,
    .state = state,
};
