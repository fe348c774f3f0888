/* exponential.c - exponential decay: the learning rate is multiplied by gamma every step
 * (PyTorch ExponentialLR).
 *
 * lr(t) = lr0 * gamma^t, the closed form of torch.optim.lr_scheduler.ExponentialLR. torch
 * requires gamma; the default here, 0.99, halves the lr about every 69 steps. The decay is per
 * optimizer step, so long runs want gamma much closer to 1 (gamma = r^(1/T) reaches lr0 * r at
 * step T).
 */
#include "schedulers/sched.h"

#include <math.h>

static const ParamSpec params[] = {
    {"gamma", PARAM_NUM, "0.99", 0, INFINITY, PARAM_LO_OPEN, NULL, "factor applied at every step"},
    {0},
};

typedef struct {
    double lr0, gamma;
} State;

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    s->lr0 = run->lr0;
    s->gamma = params_num(p, "gamma");
    return 0;
}

/* lr0 * gamma^t is monotone in t: its ends are step 0 and the run's last step. */
static void bounds(const Params *p, const SchedRun *run, double *lo, double *hi) {
    int64_t last = run->total_steps > 0 ? run->total_steps - 1 : 0;
    double end = run->lr0 * pow(params_num(p, "gamma"), (double)last);
    *lo = fmin(run->lr0, end);
    *hi = fmax(run->lr0, end);
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    const State *s = st;
    sched_lr_fill(out, s->lr0 * pow(s->gamma, (double)step->step));
}

const SchedDef sched_exponential = {
    .name = "exponential",
    .version = 1,
    .summary = "multiply the base lr by gamma at every step",
    .reference = "PyTorch ExponentialLR",
    .params = params,
    .state_size = sizeof(State),
    .bounds = bounds,
    .init = init,
    .lr = lr,
};
