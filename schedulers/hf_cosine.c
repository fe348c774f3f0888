/* hf_cosine.c - linear warmup, then cosine decay (Hugging Face
 * get_cosine_schedule_with_warmup).
 *
 * transformers' src/transformers/optimization.py, _get_cosine_schedule_with_warmup_lr_lambda,
 * applied as lr(t) = lr0 * lambda(t) (torch LambdaLR). W = num_warmup_steps,
 * T = num_training_steps:
 *   t < W:  t / max(1, W)                                   (exactly 0 at step 0 when W > 0)
 *   t >= W: p = (t - W) / max(1, T - W),
 *           max(0, 0.5 * (1 + cos(pi * num_cycles * 2 * p)))
 * Not clamped at T: with num_cycles = 0.5 the lr rises again after T, as in transformers. One
 * of the paper's baselines (paper/paper.md section 2.3). T defaults to the run's total steps,
 * so the default schedule's last step still has a positive lr.
 */
#include "schedulers/hf_warmup.h"

#include <math.h>

static const ParamSpec params[] = {
    {"num_warmup_steps", PARAM_INT, "0", 0, INFINITY, 0, NULL,
     "steps of linear warmup from 0 to the base lr"},
    {"num_training_steps", PARAM_INT, NULL, 1, INFINITY, PARAM_OPTIONAL, NULL,
     "length of the decay, warmup included (unset: the run's total steps)"},
    {"num_cycles", PARAM_NUM, "0.5", 0, INFINITY, 0, NULL,
     "cosine periods over the decay (0.5: one half-wave from the base lr down to 0)"},
    {0},
};

typedef struct {
    double lr0, num_cycles;
    int64_t warmup, training;
} State;

static int check(const Params *p, const SchedRun *run, const char *where, Err *e) {
    return hf_check_warmup("hf_cosine", p, run, where, e);
}

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    s->lr0 = run->lr0;
    s->num_cycles = params_num(p, "num_cycles");
    s->warmup = params_int(p, "num_warmup_steps");
    s->training = hf_training_steps(p, run);
    return 0;
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    const State *s = st;
    int64_t t = step->step, W = s->warmup, T = s->training;
    double lambda;
    if (t < W) {
        lambda = (double)t / (double)(W > 1 ? W : 1);
    } else {
        double progress = (double)(t - W) / (double)(T - W > 1 ? T - W : 1);
        lambda = fmax(0.0, 0.5 * (1.0 + cos(M_PI * s->num_cycles * 2.0 * progress)));
    }
    sched_lr_fill(out, s->lr0 * lambda);
}

const SchedDef sched_hf_cosine = {
    .name = "hf_cosine",
    .version = 1,
    .summary = "linear warmup from 0, then cosine decay over num_training_steps",
    .reference = "Hugging Face transformers get_cosine_schedule_with_warmup",
    .params = params,
    .state_size = sizeof(State),
    .check = check,
    .init = init,
    .lr = lr,
};
