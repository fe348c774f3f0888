/* hf_polynomial.c - linear warmup, then polynomial decay to lr_end (Hugging Face
 * get_polynomial_decay_schedule_with_warmup).
 *
 * transformers' src/transformers/optimization.py,
 * _get_polynomial_decay_schedule_with_warmup_lr_lambda, applied as lr(t) = lr0 * lambda(t)
 * (torch LambdaLR). W = num_warmup_steps, T = num_training_steps:
 *   t < W:       t / max(1, W)                   (exactly 0 at step 0 when W > 0)
 *   W <= t <= T: ((lr0 - lr_end) * (1 - (t - W)/(T - W))^power + lr_end) / lr0
 *   t > T:       lr_end / lr0                    (the lr stays at lr_end past training)
 * transformers requires lr_end < lr0, and so does check(). One of the paper's baselines
 * (paper/paper.md section 2.3). T defaults to the run's total steps.
 */
#include "schedulers/hf_warmup.h"

#include <math.h>

static const ParamSpec params[] = {
    {"num_warmup_steps", PARAM_INT, "0", 0, INFINITY, 0, NULL,
     "steps of linear warmup from 0 to the base lr"},
    {"num_training_steps", PARAM_INT, NULL, 1, INFINITY, PARAM_OPTIONAL, NULL,
     "step at which the lr reaches lr_end (unset: the run's total steps)"},
    {"lr_end", PARAM_NUM, "1e-7", 0, INFINITY, 0, NULL,
     "final learning rate, below the optimizer's lr"},
    {"power", PARAM_NUM, "1", 0, INFINITY, 0, NULL, "exponent of the decay (1: linear)"},
    {0},
};

typedef struct {
    double lr0, lr_end, power;
    int64_t warmup, training;
} State;

static int check(const Params *p, const SchedRun *run, const char *where, Err *e) {
    if (hf_check_warmup("hf_polynomial", p, run, where, e) != 0) return -1;
    double lr_end = params_num(p, "lr_end");
    if (!(run->lr0 > lr_end))
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"hf_polynomial\": lr_end: not below the optimizer's lr "
                       "(expected lr_end < %g, got %g)",
                       run->lr0, lr_end);
    return 0;
}

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    s->lr0 = run->lr0;
    s->lr_end = params_num(p, "lr_end");
    s->power = params_num(p, "power");
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
    } else if (t > T) {
        lambda = s->lr_end / s->lr0;
    } else {
        double remaining = 1 - (double)(t - W) / (double)(T - W);
        lambda = ((s->lr0 - s->lr_end) * pow(remaining, s->power) + s->lr_end) / s->lr0;
    }
    sched_lr_fill(out, s->lr0 * lambda);
}

const SchedDef sched_hf_polynomial = {
    .name = "hf_polynomial",
    .version = 1,
    .summary = "linear warmup from 0, then polynomial decay to lr_end at num_training_steps",
    .reference = "Hugging Face transformers get_polynomial_decay_schedule_with_warmup",
    .params = params,
    .state_size = sizeof(State),
    .check = check,
    .init = init,
    .lr = lr,
};
