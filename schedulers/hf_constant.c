/* hf_constant.c - linear warmup, then the constant base learning rate (Hugging Face
 * get_constant_schedule_with_warmup).
 *
 * transformers' src/transformers/optimization.py, _get_constant_schedule_with_warmup_lr_lambda,
 * applied as lr(t) = lr0 * lambda(t) (torch LambdaLR), W = num_warmup_steps:
 *   t < W:  t / max(1, W)    (exactly 0 at step 0 when W > 0)
 *   t >= W: 1
 * One of the paper's baselines, "constant+warmup" (paper/paper.md section 2.3). With the
 * default W = 0 it is the constant schedule.
 */
#include "schedulers/sched.h"

#include <math.h>

static const ParamSpec params[] = {
    {"num_warmup_steps", PARAM_INT, "0", 0, INFINITY, 0, NULL,
     "steps of linear warmup from 0 to the base lr"},
    {0},
};

typedef struct {
    double lr0;
    int64_t warmup;
} State;

static int check(const Params *p, const SchedRun *run, const char *where, Err *e) {
    int64_t W = params_int(p, "num_warmup_steps");
    if (W >= run->total_steps)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"hf_constant\": num_warmup_steps: not shorter than the run "
                       "(expected fewer than %lld, got %lld)",
                       (long long)run->total_steps, (long long)W);
    return 0;
}

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    s->lr0 = run->lr0;
    s->warmup = params_int(p, "num_warmup_steps");
    return 0;
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    const State *s = st;
    int64_t t = step->step, W = s->warmup;
    double lambda = t < W ? (double)t / (double)(W > 1 ? W : 1) : 1.0;
    sched_lr_fill(out, s->lr0 * lambda);
}

const SchedDef sched_hf_constant = {
    .name = "hf_constant",
    .version = 1,
    .summary = "linear warmup from 0, then the base lr",
    .reference = "Hugging Face transformers get_constant_schedule_with_warmup",
    .params = params,
    .state_size = sizeof(State),
    .check = check,
    .init = init,
    .lr = lr,
};
