/* polynomial.c - polynomial decay of the learning rate to 0 (PyTorch PolynomialLR).
 *
 * lr(t) = lr0 * (1 - min(t, total_iters) / total_iters)^power, the closed form of
 * torch.optim.lr_scheduler.PolynomialLR: exactly 0 from total_iters on. torch's default
 * total_iters is 5; here it defaults to the run's total steps, so that the default schedule
 * decays over the whole run and its last step still has a positive lr (lr0 / T with power 1).
 * For Hugging Face's variant with warmup and a floor, see hf_polynomial.c.
 */
#include "schedulers/sched.h"

#include <math.h>

static const ParamSpec params[] = {
    {"total_iters", PARAM_INT, NULL, 1, INFINITY, PARAM_OPTIONAL, NULL,
     "steps until the lr reaches 0 (unset: the run's total steps)"},
    {"power", PARAM_NUM, "1", 0, INFINITY, 0, NULL, "exponent of the decay (1: linear)"},
    {0},
};

typedef struct {
    double lr0, total_iters, power;
} State;

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    s->lr0 = run->lr0;
    s->power = params_num(p, "power");
    s->total_iters = params_isset(p, "total_iters")
                         ? (double)params_int(p, "total_iters")
                         : (double)(run->total_steps > 1 ? run->total_steps : 1);
    return 0;
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    const State *s = st;
    double t = fmin((double)step->step, s->total_iters);
    sched_lr_fill(out, s->lr0 * pow(1.0 - t / s->total_iters, s->power));
}

const SchedDef sched_polynomial = {
    .name = "polynomial",
    .version = 1,
    .summary = "decay the lr polynomially to 0 over total_iters steps",
    .reference = "PyTorch PolynomialLR",
    .params = params,
    .state_size = sizeof(State),
    .init = init,
    .lr = lr,
};
