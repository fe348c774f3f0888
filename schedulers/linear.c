/* linear.c - linear change of the learning rate by a factor, then constant (PyTorch LinearLR).
 *
 * lr(t) = lr0 * (start_factor + (end_factor - start_factor) * min(t, total_iters) / total_iters),
 * the closed form of torch.optim.lr_scheduler.LinearLR, with torch's defaults (start at lr0/3,
 * reach lr0 after 5 steps: a short linear warmup). A start_factor of 0 is excluded, as torch
 * 1.13's recursive form divides by it.
 */
#include "schedulers/sched.h"

#include <math.h>

static const ParamSpec params[] = {
    {"start_factor", PARAM_NUM, "0.3333333333333333", 0, 1, PARAM_LO_OPEN, NULL,
     "multiplier of the base lr at step 0"},
    {"end_factor", PARAM_NUM, "1", 0, 1, 0, NULL, "multiplier of the base lr from total_iters on"},
    {"total_iters", PARAM_INT, "5", 1, INFINITY, 0, NULL,
     "steps over which the multiplier moves from start_factor to end_factor"},
    {0},
};

typedef struct {
    double lr0, start, end, total_iters;
} State;

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    s->lr0 = run->lr0;
    s->start = params_num(p, "start_factor");
    s->end = params_num(p, "end_factor");
    s->total_iters = (double)params_int(p, "total_iters");
    return 0;
}

/* Between the two factors times lr0 (both at most 1, so within [0, lr0]; the floor is the
 * smaller factor). */
static void bounds(const Params *p, const SchedRun *run, double *lo, double *hi) {
    double a = params_num(p, "start_factor"), b = params_num(p, "end_factor");
    *lo = fmin(a, b) * run->lr0;
    *hi = fmax(a, b) * run->lr0;
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    const State *s = st;
    double t = fmin((double)step->step, s->total_iters);
    sched_lr_fill(out, s->lr0 * (s->start + (s->end - s->start) * t / s->total_iters));
}

const SchedDef sched_linear = {
    .name = "linear",
    .version = 1,
    .summary = "move the lr linearly from start_factor to end_factor times the base lr",
    .reference = "PyTorch LinearLR",
    .params = params,
    .state_size = sizeof(State),
    .bounds = bounds,
    .init = init,
    .lr = lr,
};
