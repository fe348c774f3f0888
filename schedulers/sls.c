/* sls.c - stochastic line search with the Armijo condition (Vaswani et al., "Painless
 * stochastic gradient: interpolation, line-search, and convergence rates", NeurIPS 2019).
 *
 * At each step, starting from a step size eta (reset rule below), accept eta when the SAME
 * minibatch satisfies
 *     f_i(w - eta g) <= f_i(w) - c eta |g|^2,
 * else eta *= beta_b and try again; after max_backtracks failures eta = 1e-6. A gradient
 * norm below 1e-8 skips the search. Reset rules for the starting eta of the next step:
 *   0  the last accepted eta
 *   1  the last accepted eta * gamma^(1 / steps_per_epoch)   (the paper's default)
 *   2  init_step
 * Each trial costs one extra forward pass; they are counted in the run's loss_evals so that
 * comparisons can charge for them. Intended with the sgd optimizer (the accepted eta is its
 * learning rate).
 */
#include "schedulers/sched.h"

#include <math.h>
#include <stdlib.h>

static const ParamSpec params[] = {
    {"init_step", PARAM_NUM, NULL, 0, INFINITY, PARAM_LO_OPEN | PARAM_OPTIONAL, NULL,
     "first trial step size (default: the optimizer's lr)"},
    {"c", PARAM_NUM, "0.1", 0, 1, PARAM_LO_OPEN | PARAM_HI_OPEN, NULL, "Armijo constant"},
    {"beta_b", PARAM_NUM, "0.9", 0, 1, PARAM_LO_OPEN | PARAM_HI_OPEN, NULL, "backtracking factor"},
    {"gamma", PARAM_NUM, "2", 1, INFINITY, 0, NULL, "growth of the starting step per epoch"},
    {"reset", PARAM_INT, "1", 0, 2, 0, NULL, "0 last step, 1 grow by gamma per epoch, 2 init_step"},
    {"max_backtracks", PARAM_INT, "100", 1, 10000, 0, NULL, "trials before falling back to 1e-6"},
    {0},
};

typedef struct {
    double init, c, beta_b, grow, eta;
    int reset, max_bt;
    size_t n;
    float *trial; /* [n] */
} State;

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    s->init = params_isset(p, "init_step") ? params_num(p, "init_step") : run->lr0;
    s->c = params_num(p, "c");
    s->beta_b = params_num(p, "beta_b");
    s->reset = (int)params_int(p, "reset");
    s->max_bt = (int)params_int(p, "max_backtracks");
    double spe = run->steps_per_epoch > 0 ? (double)run->steps_per_epoch : 1.0;
    s->grow = pow(params_num(p, "gamma"), 1.0 / spe);
    s->eta = s->init;
    s->n = run->nparams;
    s->trial = xmalloc(sizeof(float) * (s->n ? s->n : 1));
    return 0;
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    State *s = st;
    double eta = s->reset == 0 ? s->eta : s->reset == 1 ? s->eta * s->grow : s->init;
    if (step->step == 0) eta = s->init;
    if (step->g && step->loss_at && s->n) {
        double gg = 0;
        for (size_t i = 0; i < s->n; i++) gg += (double)step->g[i] * step->g[i];
        if (sqrt(gg) >= 1e-8) {
            int ok = 0;
            for (int k = 0; k < s->max_bt; k++) {
                for (size_t i = 0; i < s->n; i++)
                    s->trial[i] = step->w[i] - (float)eta * step->g[i];
                double f = step->loss_at(step->loss_ctx, s->trial);
                out->loss_evals++;
                if (f <= step->loss - s->c * eta * gg) {
                    ok = 1;
                    break;
                }
                eta *= s->beta_b;
            }
            if (!ok) eta = 1e-6;
        }
    }
    s->eta = eta;
    sched_lr_fill(out, eta);
}

static void destroy(void *st) { free(((State *)st)->trial); }

/* An accepted step is at most the trial it started from, and the fallback after
 * max_backtracks failures is 1e-6 (lr() above). Under reset 1 with gamma > 1 the trial grows
 * by gamma^(1 / steps_per_epoch) at every step with no cap but the Armijo test, which a
 * minibatch flat along g passes at any size: the step can grow by gamma every epoch of the
 * run, so it is declared unbounded. Otherwise no step exceeds max(init_step, 1e-6). */
static void bounds(const Params *p, const SchedRun *run, double *lo, double *hi) {
    double first = params_isset(p, "init_step") ? params_num(p, "init_step") : run->lr0;
    int grows = params_int(p, "reset") == 1 && params_num(p, "gamma") > 1;
    *lo = 0;
    *hi = grows ? INFINITY : fmax(first, 1e-6);
}

/* The state that moves: the step size the next search starts from. */
static void state(void *st, StateIO *io) { state_f64(io, &((State *)st)->eta); }

const SchedDef sched_sls = {
    .name = "sls",
    .version = 1,
    .summary = "stochastic line search: Armijo backtracking on the same minibatch",
    .reference = "Vaswani et al., NeurIPS 2019 (SGD + Armijo)",
    .params = params,
    .needs = SCHED_NEEDS_GRAD | SCHED_NEEDS_LOSS_EVAL,
    .state_size = sizeof(State),
    .bounds = bounds,
    .init = init,
    .lr = lr,
    .destroy = destroy,
    .state = state,
};
