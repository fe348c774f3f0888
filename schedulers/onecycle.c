/* onecycle.c - the 1cycle policy: warm up to max_lr, then anneal far below the start
 * (PyTorch OneCycleLR).
 *
 * Smith & Topin, "Super-Convergence: Very Fast Training of Neural Networks Using Large Learning
 * Rates", 2018, as implemented by torch.optim.lr_scheduler.OneCycleLR (cycle_momentum is not
 * modelled: lrlab schedulers set learning rates only). With init = max_lr / div_factor,
 * min = init / final_div_factor and T = total_steps, the phases end at (doubles, possibly
 * fractional):
 *   two phases:   e1 = pct_start*T - 1 (init -> max_lr), e2 = T - 1 (max_lr -> min)
 *   three phases: e1 = pct_start*T - 1 (init -> max_lr), e2 = 2*pct_start*T - 2
 *                 (max_lr -> init), e3 = T - 1 (init -> min)
 * Step t falls in the first phase with t <= end (the last phase takes the rest); each phase
 * starts at the previous phase's end, pct = (t - start) / (end - start), and
 *   cos:    end_lr + (start_lr - end_lr) / 2 * (cos(pi * pct) + 1)
 *   linear: (end_lr - start_lr) * pct + start_lr
 * Like torch's, the schedule ignores the optimizer's lr once max_lr is given; left unset, max_lr
 * is the optimizer's lr (torch requires it). total_steps may not be shorter than the run: torch
 * raises when stepped past it.
 */
#include "schedulers/sched.h"

#include <math.h>
#include <string.h>

static const ParamSpec params[] = {
    {"max_lr", PARAM_NUM, NULL, 0, INFINITY, PARAM_LO_OPEN | PARAM_OPTIONAL, NULL,
     "peak learning rate (unset: the optimizer's lr)"},
    {"total_steps", PARAM_INT, NULL, 1, INFINITY, PARAM_OPTIONAL, NULL,
     "length of the cycle, at least the run's (unset: the run's total steps)"},
    {"pct_start", PARAM_NUM, "0.3", 0, 1, 0, NULL, "fraction of the cycle spent increasing the lr"},
    {"anneal_strategy", PARAM_ENUM, "cos", 0, 0, 0, "cos|linear", "shape of each phase"},
    {"div_factor", PARAM_NUM, "25", 0, INFINITY, PARAM_LO_OPEN, NULL,
     "initial lr = max_lr / div_factor"},
    {"final_div_factor", PARAM_NUM, "1e4", 0, INFINITY, PARAM_LO_OPEN, NULL,
     "final lr = initial lr / final_div_factor"},
    {"three_phase", PARAM_BOOL, "false", 0, 0, 0, NULL,
     "come back down to the initial lr before annealing to the final lr (fast.ai's variant)"},
    {0},
};

typedef struct {
    double end, start_lr, end_lr;
} Phase;

typedef struct {
    Phase phase[3];
    int nphases;
    int linear;
} State;

static int64_t total_of(const Params *p, const SchedRun *run) {
    return params_isset(p, "total_steps") ? params_int(p, "total_steps") : run->total_steps;
}

static int check(const Params *p, const SchedRun *run, const char *where, Err *e) {
    int64_t T = total_of(p, run);
    if (T < run->total_steps)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"onecycle\": total_steps: shorter than the run (expected at "
                       "least %lld, got %lld)",
                       (long long)run->total_steps, (long long)T);
    /* e1 = 0 makes the first phase empty: torch divides 0 by 0 at step 0 */
    double pct = params_num(p, "pct_start");
    if (pct * (double)T - 1 == 0)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"onecycle\": pct_start: the warmup phase has no length "
                       "(expected pct_start * total_steps != 1, got %g * %lld)",
                       pct, (long long)T);
    return 0;
}

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    double max_lr = params_isset(p, "max_lr") ? params_num(p, "max_lr") : run->lr0;
    double init_lr = max_lr / params_num(p, "div_factor");
    double min_lr = init_lr / params_num(p, "final_div_factor");
    double pct = params_num(p, "pct_start"), T = (double)total_of(p, run);
    s->linear = strcmp(params_str(p, "anneal_strategy"), "linear") == 0;
    if (params_bool(p, "three_phase")) {
        s->nphases = 3;
        s->phase[0] = (Phase){pct * T - 1, init_lr, max_lr};
        s->phase[1] = (Phase){2 * pct * T - 2, max_lr, init_lr};
        s->phase[2] = (Phase){T - 1, init_lr, min_lr};
    } else {
        s->nphases = 2;
        s->phase[0] = (Phase){pct * T - 1, init_lr, max_lr};
        s->phase[1] = (Phase){T - 1, max_lr, min_lr};
    }
    return 0;
}

/* Each phase moves between its two end rates (pct stays in [0, 1] for every step of the
 * run), so the rates lie between the smallest and largest phase end: the final lr and max_lr
 * with the usual factors, the initial lr on top when div_factor < 1. */
static void bounds(const Params *p, const SchedRun *run, double *lo, double *hi) {
    State s;
    init(&s, p, run, NULL);
    *lo = INFINITY;
    *hi = 0;
    for (int i = 0; i < s.nphases; i++) {
        *lo = fmin(*lo, fmin(s.phase[i].start_lr, s.phase[i].end_lr));
        *hi = fmax(*hi, fmax(s.phase[i].start_lr, s.phase[i].end_lr));
    }
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    const State *s = st;
    double t = (double)step->step, start = 0, x = 0;
    for (int i = 0; i < s->nphases; i++) {
        const Phase *ph = &s->phase[i];
        if (t <= ph->end || i == s->nphases - 1) {
            double pct = (t - start) / (ph->end - start);
            x = s->linear ? (ph->end_lr - ph->start_lr) * pct + ph->start_lr
                          : ph->end_lr + (ph->start_lr - ph->end_lr) / 2.0 * (cos(M_PI * pct) + 1);
            break;
        }
        start = ph->end;
    }
    sched_lr_fill(out, x);
}

const SchedDef sched_onecycle = {
    .name = "onecycle",
    .version = 1,
    .summary = "1cycle: warm up to max_lr, then anneal to max_lr/(div_factor*final_div_factor)",
    .reference = "PyTorch OneCycleLR; Smith & Topin, arXiv 1708.07120",
    .params = params,
    .state_size = sizeof(State),
    .check = check,
    .bounds = bounds,
    .init = init,
    .lr = lr,
};
