/* cosine.c - cosine annealing without restarts (PyTorch CosineAnnealingLR).
 *
 * lr(t) = eta_min + (lr0 - eta_min) * (1 + cos(pi * t / T_max)) / 2, the closed form
 * of torch.optim.lr_scheduler.CosineAnnealingLR (Loshchilov & Hutter, SGDR, ICLR 2017).
 * Past T_max the cosine continues, rising again, as PyTorch's does.
 */
#include "schedulers/sched.h"

#include <math.h>

static const ParamSpec params[] = {
    {"T_max", PARAM_INT, NULL, 1, INFINITY, PARAM_OPTIONAL, NULL,
     "steps of the half period (unset: the run's total steps)"},
    {"eta_min", PARAM_NUM, "0", 0, INFINITY, 0, NULL, "learning rate at the end of the period"},
    {0},
};

typedef struct {
    double lr0, eta_min;
    double T_max;
} State;

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    s->lr0 = run->lr0;
    s->eta_min = params_num(p, "eta_min");
    s->T_max = params_isset(p, "T_max") ? (double)params_int(p, "T_max") : (double)run->total_steps;
    return 0;
}

/* A weighted mean of eta_min and lr0 (weight (1 + cos) / 2 in [0, 1]): between the two, so
 * above lr0 when eta_min is. */
static void bounds(const Params *p, const SchedRun *run, double *lo, double *hi) {
    double eta_min = params_num(p, "eta_min");
    *lo = fmin(eta_min, run->lr0);
    *hi = fmax(eta_min, run->lr0);
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    const State *s = st;
    double t = (double)step->step;
    sched_lr_fill(out, s->eta_min + (s->lr0 - s->eta_min) * (1.0 + cos(M_PI * t / s->T_max)) / 2.0);
}

const SchedDef sched_cosine = {
    .name = "cosine",
    .version = 1,
    .summary = "cosine annealing from the base lr to eta_min over T_max steps",
    .reference = "PyTorch CosineAnnealingLR; Loshchilov & Hutter, ICLR 2017",
    .params = params,
    .state_size = sizeof(State),
    .bounds = bounds,
    .init = init,
    .lr = lr,
};
