/* cyclic.c - cyclical learning rates: triangular waves between base_lr and max_lr
 * (PyTorch CyclicLR).
 *
 * Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017, as implemented by
 * torch.optim.lr_scheduler.CyclicLR (cycle_momentum is not modelled: lrlab schedulers set
 * learning rates only; custom scale_fn is not offered). With total = up + down,
 * cycle = floor(1 + t/total), x = 1 + t/total - cycle, scale = x/ratio if x <= ratio else
 * (x-1)/(ratio-1) where ratio = up/total:
 *   lr(t) = base_lr + (max_lr - base_lr) * scale * f,
 *   f = 1 (triangular), 1/2^(cycle-1) (triangular2), gamma^t (exp_range: t is the step, not
 *   the cycle).
 * Like torch's, the schedule ignores the optimizer's lr when both bounds are given. torch
 * requires both; left unset, max_lr is the optimizer's lr and base_lr a tenth of max_lr.
 */
#include "schedulers/sched.h"

#include <math.h>
#include <string.h>

static const ParamSpec params[] = {
    {"base_lr", PARAM_NUM, NULL, 0, INFINITY, PARAM_OPTIONAL, NULL,
     "lower bound of the cycle, the lr at step 0 (unset: max_lr / 10)"},
    {"max_lr", PARAM_NUM, NULL, 0, INFINITY, PARAM_LO_OPEN | PARAM_OPTIONAL, NULL,
     "upper bound of the cycle (unset: the optimizer's lr)"},
    {"step_size_up", PARAM_INT, "2000", 1, INFINITY, 0, NULL, "steps from base_lr up to max_lr"},
    {"step_size_down", PARAM_INT, NULL, 0, INFINITY, PARAM_OPTIONAL, NULL,
     "steps from max_lr back down to base_lr (unset: step_size_up)"},
    {"mode", PARAM_ENUM, "triangular", 0, 0, 0, "triangular|triangular2|exp_range",
     "amplitude per cycle: constant, halved each cycle, or scaled by gamma^step"},
    {"gamma", PARAM_NUM, "1", 0, INFINITY, PARAM_LO_OPEN, NULL,
     "exp_range: amplitude factor per step (ignored by the other modes)"},
    {0},
};

typedef enum { M_TRIANGULAR, M_TRIANGULAR2, M_EXP_RANGE } Mode;

typedef struct {
    double base_lr, max_lr, total, ratio, gamma;
    Mode mode;
} State;

static double max_lr_of(const Params *p, const SchedRun *run) {
    return params_isset(p, "max_lr") ? params_num(p, "max_lr") : run->lr0;
}

static double base_lr_of(const Params *p, const SchedRun *run) {
    return params_isset(p, "base_lr") ? params_num(p, "base_lr") : max_lr_of(p, run) / 10;
}

static int check(const Params *p, const SchedRun *run, const char *where, Err *e) {
    double lo = base_lr_of(p, run), hi = max_lr_of(p, run);
    if (lo > hi) {
        err_set(e, EXIT_USAGE, where,
                "scheduler \"cyclic\": base_lr: above max_lr (expected base_lr <= %g, got %g)", hi,
                lo);
        if (!params_isset(p, "max_lr")) err_hint(e, "max_lr is unset, so it is the optimizer's lr");
        return -1;
    }
    return 0;
}

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    s->base_lr = base_lr_of(p, run);
    s->max_lr = max_lr_of(p, run);
    double up = (double)params_int(p, "step_size_up");
    double down = params_isset(p, "step_size_down") ? (double)params_int(p, "step_size_down") : up;
    s->total = up + down;
    s->ratio = up / s->total;
    s->gamma = params_num(p, "gamma");
    const char *m = params_str(p, "mode");
    s->mode = strcmp(m, "triangular2") == 0 ? M_TRIANGULAR2
              : strcmp(m, "exp_range") == 0 ? M_EXP_RANGE
                                            : M_TRIANGULAR;
    return 0;
}

/* base_lr + (max_lr - base_lr) * scale * f with scale in [0, 1]: f <= 1 for triangular,
 * triangular2 and exp_range with gamma <= 1; exp_range with gamma > 1 grows the amplitude to
 * gamma^t, largest at the run's last step. */
static void bounds(const Params *p, const SchedRun *run, double *lo, double *hi) {
    double base = base_lr_of(p, run), top = max_lr_of(p, run), gamma = params_num(p, "gamma");
    int64_t last = run->total_steps > 0 ? run->total_steps - 1 : 0;
    int grows = strcmp(params_str(p, "mode"), "exp_range") == 0 && gamma > 1;
    double f = grows ? pow(gamma, (double)last) : 1;
    *lo = base;
    *hi = base + (top - base) * f;
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    const State *s = st;
    double t = (double)step->step;
    double cycle = floor(1 + t / s->total);
    double x = 1. + t / s->total - cycle;
    double scale = x <= s->ratio ? x / s->ratio : (x - 1) / (s->ratio - 1);
    double f = s->mode == M_TRIANGULAR2 ? 1 / pow(2., cycle - 1)
               : s->mode == M_EXP_RANGE ? pow(s->gamma, t)
                                        : 1;
    sched_lr_fill(out, s->base_lr + (s->max_lr - s->base_lr) * scale * f);
}

const SchedDef sched_cyclic = {
    .name = "cyclic",
    .version = 1,
    .summary = "triangular cycles between base_lr and max_lr (CLR)",
    .reference = "PyTorch CyclicLR; Smith, WACV 2017",
    .params = params,
    .state_size = sizeof(State),
    .check = check,
    .bounds = bounds,
    .init = init,
    .lr = lr,
};
