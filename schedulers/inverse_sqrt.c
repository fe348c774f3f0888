/* inverse_sqrt.c - linear warmup, then decay with the inverse square root of the step
 * (Hugging Face get_inverse_sqrt_schedule).
 *
 * transformers' src/transformers/optimization.py, _get_inverse_sqrt_schedule_lr_lambda,
 * applied as lr(t) = lr0 * lambda(t) (torch LambdaLR), W = num_warmup_steps:
 *   t < W:  t / max(1, W)                               (exactly 0 at step 0 when W > 0)
 *   t >= W: 1 / sqrt((t + timescale - W) / timescale)   (1 at t = W)
 * The "Noam" decay of Vaswani et al., "Attention Is All You Need", NeurIPS 2017, without its
 * d_model factor. timescale defaults as in transformers: num_warmup_steps, or 10000 when that
 * is 0.
 */
#include "schedulers/sched.h"

#include <math.h>

static const ParamSpec params[] = {
    {"num_warmup_steps", PARAM_INT, "0", 0, INFINITY, 0, NULL,
     "steps of linear warmup from 0 to the base lr"},
    {"timescale", PARAM_INT, NULL, 1, INFINITY, PARAM_OPTIONAL, NULL,
     "steps over which the decay is measured (unset: num_warmup_steps, or 10000 if that is 0)"},
    {0},
};

typedef struct {
    double lr0;
    int64_t warmup, timescale;
} State;

static int check(const Params *p, const SchedRun *run, const char *where, Err *e) {
    int64_t W = params_int(p, "num_warmup_steps");
    if (W >= run->total_steps)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"inverse_sqrt\": num_warmup_steps: not shorter than the run "
                       "(expected fewer than %lld, got %lld)",
                       (long long)run->total_steps, (long long)W);
    return 0;
}

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    s->lr0 = run->lr0;
    s->warmup = params_int(p, "num_warmup_steps");
    s->timescale = params_isset(p, "timescale") ? params_int(p, "timescale")
                   : s->warmup > 0              ? s->warmup
                                                : 10000;
    return 0;
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    const State *s = st;
    int64_t t = step->step, W = s->warmup;
    double lambda = t < W ? (double)t / (double)(W > 1 ? W : 1)
                          : 1.0 / sqrt((double)(t + s->timescale - W) / (double)s->timescale);
    sched_lr_fill(out, s->lr0 * lambda);
}

const SchedDef sched_inverse_sqrt = {
    .name = "inverse_sqrt",
    .version = 1,
    .summary = "linear warmup from 0, then lr0 / sqrt((t + timescale - W) / timescale)",
    .reference = "Hugging Face transformers get_inverse_sqrt_schedule; Vaswani et al., 2017",
    .params = params,
    .state_size = sizeof(State),
    .check = check,
    .init = init,
    .lr = lr,
};
