/* plateau.c - reduce the learning rate when a metric stops improving (PyTorch
 * ReduceLROnPlateau).
 *
 * torch.optim.lr_scheduler.ReduceLROnPlateau (torch 1.13), with its defaults. Each signal m:
 *   better = m < best*(1-threshold) (min, rel) | m < best-threshold (min, abs)
 *            m > best*(1+threshold) (max, rel) | m > best+threshold (max, abs)
 *   if better: best = m, bad = 0  else bad += 1
 *   if cooldown_left > 0: cooldown_left -= 1, bad = 0      (bad signals in cooldown ignored)
 *   if bad > patience: new = max(lr*factor, min_lr); lr = new only if lr - new > eps;
 *                      cooldown_left = cooldown, bad = 0 (even when the lr did not change)
 * so the lr falls on the (patience+1)-th consecutive bad signal. A rel threshold multiplies
 * best, so with negative metrics it moves the other way, as in torch. The signal is the
 * validation loss after every evaluation (`eval`, torch's usual epoch-end use) or the training
 * minibatch loss after every step (`train_step`). optax's reduce_on_plateau fires one signal
 * earlier; this follows torch.
 */
#include "schedulers/sched.h"

#include <math.h>
#include <string.h>

static const ParamSpec params[] = {
    {"signal", PARAM_ENUM, "eval", 0, 0, 0, "train_step|eval",
     "observe the minibatch loss every step, or the validation loss every evaluation"},
    {"mode", PARAM_ENUM, "min", 0, 0, 0, "min|max", "whether lower or higher signal is better"},
    {"factor", PARAM_NUM, "0.1", 0, 1, PARAM_LO_OPEN | PARAM_HI_OPEN, NULL,
     "multiplier applied at each reduction"},
    {"patience", PARAM_INT, "10", 0, INFINITY, 0, NULL,
     "bad signals tolerated; the lr falls on the next one"},
    {"threshold", PARAM_NUM, "1e-4", 0, INFINITY, 0, NULL, "minimum improvement that counts"},
    {"threshold_mode", PARAM_ENUM, "rel", 0, 0, 0, "rel|abs",
     "threshold relative to best or absolute"},
    {"cooldown", PARAM_INT, "0", 0, INFINITY, 0, NULL, "signals ignored after a reduction"},
    {"min_lr", PARAM_NUM, "0", 0, INFINITY, 0, NULL, "lower bound of the learning rate"},
    {"eps", PARAM_NUM, "1e-8", 0, INFINITY, 0, NULL, "reductions smaller than eps are skipped"},
    {0},
};

typedef struct {
    SignalKind signal;
    int maximize, rel;
    double factor, threshold, min_lr, eps;
    int64_t patience, cooldown;
    double lr, best;
    int64_t bad, cooldown_left;
} State;

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    s->signal = strcmp(params_str(p, "signal"), "eval") == 0 ? SIGNAL_EVAL : SIGNAL_TRAIN_STEP;
    s->maximize = strcmp(params_str(p, "mode"), "max") == 0;
    s->rel = strcmp(params_str(p, "threshold_mode"), "rel") == 0;
    s->factor = params_num(p, "factor");
    s->patience = params_int(p, "patience");
    s->threshold = params_num(p, "threshold");
    s->cooldown = params_int(p, "cooldown");
    s->min_lr = params_num(p, "min_lr");
    s->eps = params_num(p, "eps");
    s->lr = run->lr0;
    s->best = s->maximize ? -INFINITY : INFINITY;
    return 0;
}

/* The lr only falls, never below min_lr; a min_lr above lr0 blocks every reduction. */
static void bounds(const Params *p, const SchedRun *run, double *lo, double *hi) {
    *lo = fmin(params_num(p, "min_lr"), run->lr0);
    *hi = run->lr0;
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    sched_lr_fill(out, ((State *)st)->lr);
}

/* torch's is_better, with its order of operations (NaN is never better) */
static int is_better(const State *s, double x) {
    if (s->maximize)
        return s->rel ? x > s->best * (s->threshold + 1.0) : x > s->best + s->threshold;
    return s->rel ? x < s->best * (1.0 - s->threshold) : x < s->best - s->threshold;
}

static void observe(void *st, SignalKind kind, int64_t step, double value) {
    State *s = st;
    if (kind != s->signal) return;
    if (is_better(s, value)) {
        s->best = value;
        s->bad = 0;
    } else {
        s->bad++;
    }
    if (s->cooldown_left > 0) {
        s->cooldown_left--;
        s->bad = 0;
    }
    if (s->bad > s->patience) {
        double down = fmax(s->lr * s->factor, s->min_lr);
        if (s->lr - down > s->eps) s->lr = down;
        s->cooldown_left = s->cooldown;
        s->bad = 0;
    }
}

/* The state that moves: the rate, the best signal, the counters. */
static void state(void *st, StateIO *io) {
    State *s = st;
    state_f64(io, &s->lr);
    state_f64(io, &s->best);
    state_i64(io, &s->bad, 0, STATE_COUNT_MAX);
    state_i64(io, &s->cooldown_left, 0, STATE_COUNT_MAX);
}

const SchedDef sched_plateau = {
    .name = "plateau",
    .version = 1,
    .summary = "reduce the lr by factor when the signal stops improving for patience signals",
    .reference = "PyTorch ReduceLROnPlateau",
    .params = params,
    .state_size = sizeof(State),
    .bounds = bounds,
    .init = init,
    .lr = lr,
    .observe = observe,
    .state = state,
};
