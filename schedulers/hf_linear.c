/* hf_linear.c - linear warmup, then linear decay to 0 (Hugging Face
 * get_linear_schedule_with_warmup).
 *
 * transformers' src/transformers/optimization.py, _get_linear_schedule_with_warmup_lr_lambda,
 * applied as lr(t) = lr0 * lambda(t) (torch LambdaLR). W = num_warmup_steps,
 * T = num_training_steps:
 *   t < W:  t / max(1, W)                       (exactly 0 at step 0 when W > 0)
 *   t >= W: max(0, (T - t) / max(1, T - W))     (0 from T on)
 * One of the paper's baselines (paper/paper.md section 2.3). T defaults to the run's total
 * steps, so the default schedule's last step still has a positive lr (lr0 / T).
 */
#include "schedulers/hf_warmup.h"

#include <math.h>

static const ParamSpec params[] = {
    {"num_warmup_steps", PARAM_INT, "0", 0, INFINITY, 0, NULL,
     "steps of linear warmup from 0 to the base lr"},
    {"num_training_steps", PARAM_INT, NULL, 1, INFINITY, PARAM_OPTIONAL, NULL,
     "step at which the lr reaches 0 (unset: the run's total steps)"},
    {0},
};

typedef struct {
    double lr0;
    int64_t warmup, training;
} State;

static int check(const Params *p, const SchedRun *run, const char *where, Err *e) {
    return hf_check_warmup("hf_linear", p, run, where, e);
}

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    s->lr0 = run->lr0;
    s->warmup = params_int(p, "num_warmup_steps");
    s->training = hf_training_steps(p, run);
    return 0;
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    const State *s = st;
    int64_t t = step->step, W = s->warmup, T = s->training;
    double lambda = t < W ? (double)t / (double)(W > 1 ? W : 1)
                          : fmax(0.0, (double)(T - t) / (double)(T - W > 1 ? T - W : 1));
    sched_lr_fill(out, s->lr0 * lambda);
}

const SchedDef sched_hf_linear = {
    .name = "hf_linear",
    .version = 1,
    .summary = "linear warmup from 0, then linear decay to 0 at num_training_steps",
    .reference = "Hugging Face transformers get_linear_schedule_with_warmup",
    .params = params,
    .state_size = sizeof(State),
    .check = check,
    .init = init,
    .lr = lr,
};
