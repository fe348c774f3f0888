/* step.c - step decay: the learning rate falls by gamma every step_size steps (PyTorch StepLR).
 *
 * lr(t) = lr0 * gamma^floor(t / step_size), the closed form of torch.optim.lr_scheduler.StepLR,
 * the schedule of classic ImageNet training (He et al., "Deep Residual Learning", CVPR 2016: lr/10
 * every 30 epochs), counted here in optimizer steps. torch requires step_size; left unset here it
 * is a third of the run (rounded up), so the default gives three levels whatever the run length.
 */
#include "schedulers/sched.h"

#include <math.h>

static const ParamSpec params[] = {
    {"step_size", PARAM_INT, NULL, 1, INFINITY, PARAM_OPTIONAL, NULL,
     "steps between two decays (unset: a third of the run's total steps, rounded up)"},
    {"gamma", PARAM_NUM, "0.1", 0, INFINITY, PARAM_LO_OPEN, NULL, "factor applied at each decay"},
    {0},
};

typedef struct {
    double lr0, gamma;
    int64_t step_size;
} State;

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    s->lr0 = run->lr0;
    s->gamma = params_num(p, "gamma");
    s->step_size =
        params_isset(p, "step_size") ? params_int(p, "step_size") : (run->total_steps + 2) / 3;
    if (s->step_size < 1) s->step_size = 1;
    return 0;
}

/* lr0 * gamma^k for k = 0 .. K, K the decays within the run; init derives step_size. */
static void bounds(const Params *p, const SchedRun *run, double *lo, double *hi) {
    State s;
    init(&s, p, run, NULL);
    int64_t last = run->total_steps > 0 ? run->total_steps - 1 : 0;
    double end = s.lr0 * pow(s.gamma, (double)(last / s.step_size));
    *lo = fmin(s.lr0, end);
    *hi = fmax(s.lr0, end);
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    const State *s = st;
    sched_lr_fill(out, s->lr0 * pow(s->gamma, (double)(step->step / s->step_size)));
}

const SchedDef sched_step = {
    .name = "step",
    .version = 1,
    .summary = "multiply the base lr by gamma every step_size steps",
    .reference = "PyTorch StepLR",
    .params = params,
    .state_size = sizeof(State),
    .bounds = bounds,
    .init = init,
    .lr = lr,
};
