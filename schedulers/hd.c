/* hd.c - hypergradient descent on the learning rate (Baydin et al., "Online learning rate
 * adaptation with hypergradient descent", ICLR 2018).
 *
 * With d_{t-1} the optimizer's previous update direction (w_t = w_{t-1} - lr d_{t-1}), the
 * derivative of the loss at step t with respect to the previous learning rate is
 * -g_t . d_{t-1}, so gradient descent on the learning rate gives
 *     h_t = g_t . d_{t-1},     lr_t = lr_{t-1} + beta h_t.
 * For plain SGD d = g (SGD-HD); for Adam d = m_hat / (sqrt(v_hat) + eps) (Adam-HD): the
 * optimizer reports its own direction, so one rule covers both. d_{-1} = 0: the first step
 * uses the base lr. Granularity (Baydin et al. 2018; group and param are our generalisation):
 *   global  one lr, h summed over all parameters
 *   group   one lr per parameter group, h summed over the group
 *   param   one lr per scalar parameter, h elementwise
 * The reference has no safeguard; we clip every lr to [min_lr, max_lr] (our choice).
 * Paper settings: beta 1e-3 for SGD-HD, 1e-7 for Adam-HD, initial lr 1e-3.
 */
#include "schedulers/sched.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const ParamSpec params[] = {
    {"beta", PARAM_NUM, "1e-3", 0, INFINITY, 0, NULL, "hypergradient learning rate"},
    {"granularity", PARAM_ENUM, "global", 0, 0, 0, "global|group|param",
     "one lr, one per parameter group, or one per parameter"},
    {"min_lr", PARAM_NUM, "1e-8", 0, INFINITY, PARAM_LO_OPEN, NULL, "lower clip of every lr"},
    {"max_lr", PARAM_NUM, "10", 0, INFINITY, PARAM_LO_OPEN, NULL, "upper clip of every lr"},
    {0},
};

typedef enum { G_GLOBAL, G_GROUP, G_PARAM } Granularity;

typedef struct {
    Granularity gran;
    double beta, min_lr, max_lr;
    int ngroups;
    size_t n;
    const TaskGroup *groups;
    double *group_lr; /* [ngroups] */
    float *elem_lr;   /* [n] for param granularity */
} State;

static int check(const Params *p, const SchedRun *run, const char *where, Err *e) {
    double lo = params_num(p, "min_lr"), hi = params_num(p, "max_lr");
    if (lo > hi)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"hd\": min_lr: above max_lr (expected min_lr <= %g, got %g)", hi,
                       lo);
    return 0;
}

static double clip(const State *s, double x) {
    return x < s->min_lr ? s->min_lr : x > s->max_lr ? s->max_lr : x;
}

/* Every lr, lr0 included, is clipped to [min_lr, max_lr]. */
static void bounds(const Params *p, const SchedRun *run, double *lo, double *hi) {
    *lo = params_num(p, "min_lr");
    *hi = params_num(p, "max_lr");
}

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    const char *g = params_str(p, "granularity");
    s->gran = strcmp(g, "param") == 0 ? G_PARAM : strcmp(g, "group") == 0 ? G_GROUP : G_GLOBAL;
    s->beta = params_num(p, "beta");
    s->min_lr = params_num(p, "min_lr");
    s->max_lr = params_num(p, "max_lr");
    s->ngroups = run->ngroups;
    s->n = run->nparams;
    s->groups = run->groups;
    s->group_lr = xcalloc((size_t)run->ngroups, sizeof(double));
    for (int i = 0; i < run->ngroups; i++) s->group_lr[i] = clip(s, run->lr0);
    if (s->gran == G_PARAM) {
        s->elem_lr = xmalloc(sizeof(float) * (s->n ? s->n : 1));
        for (size_t i = 0; i < s->n; i++) s->elem_lr[i] = (float)clip(s, run->lr0);
    }
    return 0;
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    State *s = st;
    const float *g = step->g, *d = step->dir_prev;
    if (g && d && s->groups) {
        if (s->gran == G_PARAM) {
            for (size_t i = 0; i < s->n; i++)
                s->elem_lr[i] = (float)clip(s, s->elem_lr[i] + s->beta * (double)g[i] * d[i]);
        } else {
            double total = 0;
            for (int gi = 0; gi < s->ngroups; gi++) {
                const TaskGroup *grp = &s->groups[gi];
                double h = 0;
                for (size_t i = grp->off; i < grp->off + grp->n; i++) h += (double)g[i] * d[i];
                if (s->gran == G_GROUP) s->group_lr[gi] = clip(s, s->group_lr[gi] + s->beta * h);
                total += h;
            }
            if (s->gran == G_GLOBAL)
                for (int gi = 0; gi < s->ngroups; gi++)
                    s->group_lr[gi] = clip(s, s->group_lr[gi] + s->beta * total);
        }
    }
    for (int gi = 0; gi < out->ngroups; gi++)
        out->group[gi] = s->group_lr[gi < s->ngroups ? gi : 0];
    out->elem_used = 0;
    if (s->gran == G_PARAM && out->elem) {
        memcpy(out->elem, s->elem_lr, sizeof(float) * s->n);
        out->elem_used = 1;
        for (int gi = 0; gi < s->ngroups && gi < out->ngroups; gi++) { /* group mean, for logs */
            const TaskGroup *grp = &s->groups[gi];
            double m = 0;
            for (size_t i = grp->off; i < grp->off + grp->n; i++) m += s->elem_lr[i];
            out->group[gi] = grp->n ? m / (double)grp->n : s->group_lr[gi];
        }
    }
}

static void destroy(void *st) {
    State *s = st;
    free(s->group_lr);
    free(s->elem_lr);
}

/* The state that moves: the learned rates, per group and (granularity param) per element. */
static void state(void *st, StateIO *io) {
    State *s = st;
    state_f64s(io, s->group_lr, (size_t)s->ngroups);
    if (s->elem_lr) state_f32s(io, s->elem_lr, s->n);
}

const SchedDef sched_hd = {
    .name = "hd",
    .version = 1,
    .summary = "hypergradient descent on the lr: global, per group or per parameter",
    .reference = "Baydin et al., ICLR 2018 (SGD-HD, Adam-HD)",
    .params = params,
    .needs = SCHED_NEEDS_GRAD | SCHED_NEEDS_DIR,
    .state_size = sizeof(State),
    .check = check,
    .bounds = bounds,
    .init = init,
    .lr = lr,
    .destroy = destroy,
    .state = state,
};
