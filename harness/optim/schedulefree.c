/* schedulefree.c - schedule-free SGD and AdamW: gradients at an interpolation y of
 * two sequences, the base optimizer's z and its weighted average x; results evaluated at x.
 *
 * Defazio, Yang, Mehta, Mishchenko, Khaled and Cutkosky, "The Road Less Scheduled",
 * NeurIPS 2024 (arXiv:2405.15682), Algorithm 1, with the step code of the authors' package
 * facebookresearch/schedule_free 1.4.1 (`SGDScheduleFree` in sgd_schedulefree.py,
 * `AdamWScheduleFree` in adamw_schedulefree.py; their step code is that of 1.3 on, and
 * `AdamWScheduleFree`'s later `inner_momentum`, off by default, is not implemented). Per
 * parameter group, at step t (1-based, the loop's step count) with the scheduler's rate lr:
 *
 *   lr_t   = lr * min(1, t / warmup_steps)       the reference's own warmup (none at 0)
 *   lr_max = max(lr_max, lr_t)                    (the largest lr_t so far)
 *   w_t    = t^r * lr_max^weight_lr_power;   c_t = w_t / sum_{s <= t} w_s   (0 while the
 *            sum is 0, i.e. while every lr_t was 0)
 *   u      = g                                    sgd_sf
 *            g / (sqrt(v / (1 - beta2^t)) + eps),  v = beta2 v + (1 - beta2) g^2    adamw_sf
 *   u      = u + weight_decay * y                 (decay at y, as the reference)
 *   z      = z - lr_t * u
 *   x      = (1 - c_t) x + c_t z
 *   y      = momentum x + (1 - momentum) z        (adamw_sf: beta1 for momentum)
 *
 * with z = x = y = the weights before the first step. The gradient g is taken at y, which
 * is what the task's parameter vector holds while training; x is where the result is
 * evaluated: eval_point (optim.h) puts x into the task's vector around every evaluation of
 * the training loop (harness/engine/train.c), as the reference's optimizer.eval() and .train(),
 * so every validation loss, stage row and final metric of a cell is x's, while the
 * minibatch losses, the gradients and the schedulers' training signals stay at y.
 *
 * The learning rate. The reference is meant for a constant lr; here the scheduler's rate of
 * the step is the reference's lr, so scheduler "constant" with lr = L is the reference with
 * lr = L (the same sequences; only float rounding differs, see below), and any other
 * schedule multiplies it (the scheduler's own warmup, too, composes with warmup_steps). The
 * reference's warmup (warmup_steps here) and its weighting c_t, which uses lr_max and the
 * weight sum, are kept as they are. The reference's default lr is 1.0 (SGD) and 0.0025
 * (AdamW); in lrlab every optimizer's lr is required.
 *
 * Our choices (the first five keep the reference's sequences, in exact arithmetic):
 *   - z and x are stored (the reference's `SGDScheduleFreeReference` and
 *     `AdamWScheduleFreeReference` do so too), rather than recovered from y and z at
 *     evaluation as the default classes do (x = y + (1 - 1/beta)(z - y)): x is then exact,
 *     momentum = 0 (Polyak-Ruppert averaging, which the reference's SGD refuses because its
 *     recovery divides by it) is allowed, and y is put back bit for bit after an
 *     evaluation, so a run's training is the same whatever eval_every is.
 *   - c_t is computed as 1 / R_t, R_t = sum_{s <= t} w_s / w_t = 1 + R_{t-1} w_{t-1} / w_t
 *     (w_{t-1} / w_t <= 1: lr_max and t only grow), so that no power or sum overflows or
 *     underflows, whatever r, weight_lr_power, lr or the number of steps.
 *   - Each step is computed in double on the float32 weights and state (z, x, v), which are
 *     rounded when stored.
 *   - A per-element lr (scheduler "hd", granularity "param") makes each element a group of
 *     its own: its lr_t, lr_max and c_t are its own (per-element state, allocated the first
 *     time a step has one).
 *   - dir (optim.h): with lr > 0, dir = (y_old - y_new) / lr, so that y_new = y_old - lr *
 *     dir (up to dir's rounding to float); at lr = 0, where y still moves towards z, the
 *     sensitivity -dy_new/dlr at fixed c_t: (1 - beta (1 - c_t)) s_t u, with s_t = lr_t / lr
 *     the warmup factor and beta the momentum (AdamW: beta1).
 *   - A task that projects its parameters (NMF's non-negativity, tasks/nmf.c) gets the
 *     projected base step z = P(z - lr_t u): x and y, convex combinations of z's, stay
 *     feasible, so the loop's projection of y changes nothing and x can be evaluated.
 *     The reference has no projection; projecting y alone would leave z and the implied x
 *     unbounded on the constraint's boundary. The task's projection is applied to each
 *     group's slice of z, which assumes an element-wise projection (NMF's, lrlab's only).
 *   - r and weight_lr_power must be >= 0 (the paper's polynomial weighting); momentum and
 *     the betas in [0, 1), eps > 0, warmup_steps >= 0, as the parameter tables say.
 *
 * BatchNorm: no lrlab task has batch normalisation or other running statistics (tasks/),
 * so the reference's advice to recompute them at x before evaluating does not arise.
 */
#include "harness/optim/optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SF_COMMON_PARAMS                                                                             \
    {"weight_decay",                                                                                 \
     PARAM_NUM,                                                                                      \
     "0",                                                                                            \
     0,                                                                                              \
     INFINITY,                                                                                       \
     0,                                                                                              \
     NULL,                                                                                           \
     "L2 penalty weight_decay * y added to u, the gradient (AdamW: the normalised one)"},            \
        {"warmup_steps",                                                                             \
         PARAM_INT,                                                                                  \
         "0",                                                                                        \
         0,                                                                                          \
         1e9,                                                                                        \
         0,                                                                                          \
         NULL,                                                                                       \
         "the reference's linear warmup: lr * t / warmup_steps for t <= warmup_steps, on top "       \
         "of the scheduler's rate"},                                                                 \
        {"r",      PARAM_NUM,                                                                        \
         "0",      0,                                                                                \
         INFINITY, 0,                                                                                \
         NULL,     "polynomial weighting of the average: step t weighs t^r lr_max^weight_lr_power"}, \
        {"weight_lr_power",                                                                          \
         PARAM_NUM,                                                                                  \
         "2",                                                                                        \
         0,                                                                                          \
         INFINITY,                                                                                   \
         0,                                                                                          \
         NULL,                                                                                       \
         "power of the largest lr so far in the weights of the average (0: no lr weighting)"},       \
    {                                                                                                \
        0                                                                                            \
    }

static const ParamSpec sgd_params[] = {
    {"momentum", PARAM_NUM, "0.9", 0, 1, PARAM_HI_OPEN, NULL,
     "interpolation y = momentum x + (1 - momentum) z (0: Polyak-Ruppert averaging)"},
    SF_COMMON_PARAMS,
};

static const ParamSpec adamw_params[] = {
    {"beta1", PARAM_NUM, "0.9", 0, 1, PARAM_HI_OPEN, NULL,
     "interpolation y = beta1 x + (1 - beta1) z (the reference's betas[0])"},
    {"beta2", PARAM_NUM, "0.999", 0, 1, PARAM_HI_OPEN, NULL, "decay of the second moment"},
    {"eps", PARAM_NUM, "1e-8", 0, INFINITY, PARAM_LO_OPEN, NULL, "added to the denominator"},
    SF_COMMON_PARAMS,
};

/* The weighting state of one group, or of one element under a per-element lr. */
typedef struct {
    double lr_max; /* -1 before the first step, as the reference */
    double ratio;  /* R_t = sum of the weights / the last weight; 0 while the sum is 0 */
} Weighting;

typedef struct {
    size_t off, n;
    int started;    /* z and x hold this group's sequences (from its first step on) */
    int64_t t_prev; /* the step count of its previous step */
    Weighting wt;
} Group;

typedef struct {
    int adam;
    double beta, beta2, eps, weight_decay, r, power;
    int64_t warmup;
    size_t n;
    int ngroups;
    Group *groups;
    float *z, *x, *v; /* [n]; v for adamw_sf only */
    float *y_saved;   /* [n]: the training point while x is evaluated */
    Weighting *elem;  /* [n] under a per-element lr, else NULL */
    Task task;        /* the task, for its projection (def NULL in tests: none) */
} State;

static int init_common(State *s, const Params *p, const Task *t, int adam) {
    s->adam = adam;
    s->beta = params_num(p, adam ? "beta1" : "momentum");
    if (adam) {
        s->beta2 = params_num(p, "beta2");
        s->eps = params_num(p, "eps");
    }
    s->weight_decay = params_num(p, "weight_decay");
    s->warmup = params_int(p, "warmup_steps");
    s->r = params_num(p, "r");
    s->power = params_num(p, "weight_lr_power");
    s->n = t->n;
    s->ngroups = t->ngroups;
    s->groups = xcalloc((size_t)t->ngroups, sizeof(Group));
    for (int i = 0; i < t->ngroups; i++)
        s->groups[i] = (Group){
            .off = t->groups[i].off, .n = t->groups[i].n, .wt = {.lr_max = -1.0, .ratio = 0}};
    s->z = xcalloc(t->n, sizeof(float));
    s->x = xcalloc(t->n, sizeof(float));
    s->y_saved = xcalloc(t->n, sizeof(float));
    if (adam) s->v = xcalloc(t->n, sizeof(float));
    s->task = *t;
    return 0;
}

static int init_sgd(void *st, const Params *p, const Task *t, Err *e) {
    return init_common(st, p, t, 0);
}
static int init_adamw(void *st, const Params *p, const Task *t, Err *e) {
    return init_common(st, p, t, 1);
}

static Group *group_of(State *s, const TaskGroup *grp) {
    for (int i = 0; i < s->ngroups; i++)
        if (s->groups[i].off == grp->off && s->groups[i].n == grp->n) return &s->groups[i];
    LR_ASSERT(!"a group the optimizer was not created with");
    return NULL;
}

/* c_t of the header for a step at lr_t; updates lr_max and R_t. q_t = (t_prev / t)^r. */
static double average_weight(const State *s, Weighting *wt, double lr_t, double q_t) {
    const double prev = wt->lr_max;
    wt->lr_max = fmax(lr_t, prev);
    if (wt->lr_max == 0 && s->power > 0) { /* w_t = 0, and so is the sum: c = 0 */
        wt->ratio = 0;
        return 0;
    }
    if (wt->ratio == 0) { /* the first positive weight: c = 1 */
        wt->ratio = 1;
        return 1;
    }
    const double q = s->power > 0 ? q_t * pow(prev / wt->lr_max, s->power) : q_t;
    wt->ratio = 1.0 + wt->ratio * q;
    return 1.0 / wt->ratio;
}

/* u of the header at element j (v already updated): the base optimizer's direction. */
static double base_direction(const State *s, size_t j, double y, double g, double bc2) {
    double u = s->adam ? g / (sqrt((double)s->v[j] / bc2) + s->eps) : g;
    return s->weight_decay != 0 ? u + s->weight_decay * y : u;
}

/* The task's projection of z's slice of a group (header: element-wise projections). */
static void project_z(State *s, const Group *gs) {
    if (!s->task.def || !s->task.def->project) return;
    TaskGroup one = {"z", 0, gs->n, (int)gs->n, 1};
    Task view = s->task;
    view.w = s->z + gs->off;
    view.g = NULL;
    view.n = gs->n;
    view.ngroups = 1;
    view.groups = &one;
    s->task.def->project(&view);
}

static void step(void *st, int64_t t, const TaskGroup *grp, float *w, const float *g, double lr,
                 const float *elem_lr, float *dir) {
    State *s = st;
    Group *gs = group_of(s, grp);
    const size_t n = grp->n, off = grp->off;
    float *z = s->z + off, *x = s->x + off;
    if (!gs->started) {
        memcpy(z, w, n * sizeof(float));
        memcpy(x, w, n * sizeof(float));
        gs->started = 1;
    }
    if (elem_lr && !s->elem) { /* from now on every element weighs its own steps */
        s->elem = xmalloc(s->n * sizeof(Weighting));
        for (int k = 0; k < s->ngroups; k++)
            for (size_t i = 0; i < s->groups[k].n; i++)
                s->elem[s->groups[k].off + i] = s->groups[k].wt;
    }
    const double sched = t <= s->warmup ? (double)t / (double)s->warmup : 1.0;
    const double q_t = gs->t_prev > 0 ? pow((double)gs->t_prev / (double)t, s->r) : 0.0;
    gs->t_prev = t;
    const double c_group = s->elem ? 0 : average_weight(s, &gs->wt, lr * sched, q_t);
    const double beta = s->beta, b2 = s->beta2;
    const double bc2 = s->adam ? 1.0 - pow(b2, (double)t) : 1.0;
    float *v = s->adam ? s->v + off : NULL;

    for (size_t i = 0; i < n; i++) { /* the base step: v, z */
        const double lr_t = (elem_lr ? (double)elem_lr[i] : lr) * sched;
        if (v) v[i] = (float)(b2 * (double)v[i] + (1.0 - b2) * (double)g[i] * (double)g[i]);
        const double u = base_direction(s, off + i, (double)w[i], (double)g[i], bc2);
        z[i] = (float)((double)z[i] - lr_t * u);
    }
    project_z(s, gs);
    for (size_t i = 0; i < n; i++) { /* the average x and the interpolation y */
        const double lr_i = elem_lr ? (double)elem_lr[i] : lr;
        const double c =
            s->elem ? average_weight(s, &s->elem[off + i], lr_i * sched, q_t) : c_group;
        x[i] = (float)((1.0 - c) * (double)x[i] + c * (double)z[i]);
        const float y = (float)(beta * (double)x[i] + (1.0 - beta) * (double)z[i]);
        if (dir) {
            dir[i] = lr_i > 0
                         ? (float)(((double)w[i] - (double)y) / lr_i)
                         : (float)((1.0 - beta * (1.0 - c)) * sched *
                                   base_direction(s, off + i, (double)w[i], (double)g[i], bc2));
        }
        w[i] = y;
    }
}

/* enter: the task's vector gets x (groups not stepped yet keep theirs: x = y there);
 * leave: y again, bit for bit. */
static void eval_point(void *st, float *w, size_t n, int enter) {
    State *s = st;
    LR_ASSERT(n == s->n);
    if (!enter) {
        memcpy(w, s->y_saved, n * sizeof(float));
        return;
    }
    memcpy(s->y_saved, w, n * sizeof(float));
    for (int k = 0; k < s->ngroups; k++)
        if (s->groups[k].started)
            memcpy(w + s->groups[k].off, s->x + s->groups[k].off, s->groups[k].n * sizeof(float));
}

static void destroy(void *st) {
    State *s = st;
    free(s->groups);
    free(s->z);
    free(s->x);
    free(s->v);
    free(s->y_saved);
    free(s->elem);
}

/* The state that moves: each group's progress and weighting, the sequences z and x (and v),
 * and the per-element weightings once a per-element rate has been seen. Saved at the training
 * point (not between the two eval_point calls). */
static void weighting(StateIO *io, Weighting *w) {
    state_f64(io, &w->lr_max);
    state_f64(io, &w->ratio);
}

static void state(void *st, StateIO *io) {
    State *s = st;
    for (int k = 0; k < s->ngroups; k++) {
        Group *g = &s->groups[k];
        state_int(io, &g->started, 0, 1);
        state_i64(io, &g->t_prev, 0, STATE_COUNT_MAX);
        weighting(io, &g->wt);
    }
    state_f32s(io, s->z, s->n);
    state_f32s(io, s->x, s->n);
    if (s->v) state_f32s(io, s->v, s->n);
    int have = s->elem != NULL;
    have = state_int(io, &have, 0, 1);
    if (io->mode == STATE_LOAD && io->error[0] == 0) {
        if (have && !s->elem) s->elem = xmalloc(s->n * sizeof(Weighting));
        if (!have) {
            free(s->elem);
            s->elem = NULL;
        }
    }
    if (!have) return;
    Weighting scratch;
    for (size_t i = 0; i < s->n; i++) weighting(io, s->elem ? &s->elem[i] : &scratch);
}

const OptimDef optim_sgd_sf = {
    .name = "sgd_sf",
    .version = 1,
    .summary = "schedule-free SGD: gradients at y, evaluation at the average x (reference lr 1.0)",
    .reference =
        "Defazio et al., NeurIPS 2024; facebookresearch/schedule_free 1.4.1 SGDScheduleFree",
    .params = sgd_params,
    .state_size = sizeof(State),
    .init = init_sgd,
    .step = step,
    .destroy = destroy,
    .state = state,
    .eval_point = eval_point,
};

const OptimDef optim_adamw_sf = {
    .name = "adamw_sf",
    .version = 1,
    .summary =
        "schedule-free AdamW: gradients at y, evaluation at the average x (reference lr 0.0025)",
    .reference =
        "Defazio et al., NeurIPS 2024; facebookresearch/schedule_free 1.4.1 AdamWScheduleFree",
    .params = adamw_params,
    .state_size = sizeof(State),
    .init = init_adamw,
    .step = step,
    .destroy = destroy,
    .state = state,
    .eval_point = eval_point,
};
