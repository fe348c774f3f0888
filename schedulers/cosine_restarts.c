/* cosine_restarts.c - cosine annealing with warm restarts, SGDR (PyTorch
 * CosineAnnealingWarmRestarts).
 *
 * Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", ICLR 2017, eq. 5:
 * lr(t) = eta_min + (lr0 - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2, where the first period
 * lasts T_0 steps, each next one T_mult times longer, and T_cur counts steps since the last
 * restart. As in torch: start with T_i = T_0, T_cur = t; while T_cur >= T_i, T_cur -= T_i and
 * T_i *= T_mult. T_cur < T_i always, so eta_min itself is never reached. torch requires T_0;
 * left unset here it is a quarter of the run (rounded up).
 */
#include "schedulers/sched.h"

#include <math.h>

static const ParamSpec params[] = {
    {"T_0", PARAM_INT, NULL, 1, INFINITY, PARAM_OPTIONAL, NULL,
     "steps of the first period (unset: a quarter of the run's total steps, rounded up)"},
    {"T_mult", PARAM_INT, "1", 1, INFINITY, 0, NULL, "growth factor of the period at each restart"},
    {"eta_min", PARAM_NUM, "0", 0, INFINITY, 0, NULL,
     "learning rate approached at the end of a period"},
    {0},
};

typedef struct {
    double lr0, eta_min;
    double T_0, T_mult; /* integers, kept in double so that T_i * T_mult cannot overflow */
} State;

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    s->lr0 = run->lr0;
    s->eta_min = params_num(p, "eta_min");
    int64_t t0 = params_isset(p, "T_0") ? params_int(p, "T_0") : (run->total_steps + 3) / 4;
    s->T_0 = (double)(t0 < 1 ? 1 : t0);
    s->T_mult = (double)params_int(p, "T_mult");
    return 0;
}

/* Every period is a weighted mean of eta_min and lr0 (weight (1 + cos) / 2 in [0, 1]):
 * between the two, so above lr0 when eta_min is. */
static void bounds(const Params *p, const SchedRun *run, double *lo, double *hi) {
    double eta_min = params_num(p, "eta_min");
    *lo = fmin(eta_min, run->lr0);
    *hi = fmax(eta_min, run->lr0);
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    const State *s = st;
    double T_i = s->T_0, T_cur = (double)step->step;
    if (s->T_mult == 1) {
        T_cur = fmod(T_cur, T_i);
    } else {
        while (T_cur >= T_i) { /* at most log_T_mult(t / T_0) + 1 rounds */
            T_cur -= T_i;
            T_i *= s->T_mult;
        }
    }
    sched_lr_fill(out, s->eta_min + (s->lr0 - s->eta_min) * (1.0 + cos(M_PI * T_cur / T_i)) / 2.0);
}

const SchedDef sched_cosine_restarts = {
    .name = "cosine_restarts",
    .version = 1,
    .summary = "cosine annealing restarted every T_0, T_0*T_mult, ... steps (SGDR)",
    .reference = "PyTorch CosineAnnealingWarmRestarts; Loshchilov & Hutter, ICLR 2017",
    .params = params,
    .state_size = sizeof(State),
    .bounds = bounds,
    .init = init,
    .lr = lr,
};
