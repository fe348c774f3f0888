/* greedy.c - GreedyLR: raise the learning rate while the loss improves, lower it when
 * it worsens.
 *
 * Variants (paper/method.md section 5.1):
 *   hf    the scheduler merged into Hugging Face transformers (default): patience,
 *         threshold (abs|rel), cooldown, warmup, min/max bounds, eps, optional
 *         moving-average smoothing over `window` values, and a reset to the initial
 *         learning rate after `reset_start` reductions that end at min_lr.
 *   paper the authors' research code behind the paper's runs: the comparison always runs
 *         and `best` always takes the current value (so "better" means better than the
 *         previous signal); cooldown zeroes only the bad count and warmup only the good
 *         count, after the comparison; a reduction is checked before an increase; and
 *         reset_start is a timer decremented on every call: at zero, best and the counts
 *         are forgotten but the learning rate is NOT restored. The article's description
 *         ("cooldown and warmup continue increasing or decreasing the lr even if the trend
 *         reverses") matches neither code.
 *   alg1  Algorithm 1 of Subramanian & Ganapathiraman (PRML 2023): on every signal,
 *         lr /= factor if the loss fell below the previous one, else lr *= factor;
 *         no bounds, no patience.
 * Bounds: hf and paper keep the lr in [min_lr, max_lr]. Each bound is absolute (min_lr,
 * max_lr) or relative to lr0, the optimizer's initial rate for the cell (min_lr_factor,
 * max_lr_factor: min_lr = min_lr_factor * lr0, max_lr = max_lr_factor * lr0); the paper's
 * setting, a floor at 10% of the initial rate, is min_lr_factor = 0.1. Giving both forms of
 * one bound is refused, never resolved by preference. alg1 has no bounds, so the factors are
 * refused with it as well (min_lr and max_lr keep their old meaning there: none).
 * Patience is strict: with patience p a change fires on the (p+1)-th consecutive event.
 * The signal is the training minibatch loss after every step (`train_step`, what the
 * paper's runs used) or the validation loss after every evaluation (`eval`, what the
 * merged reference uses).
 */
#include "schedulers/sched.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const ParamSpec params[] = {
    {"variant", PARAM_ENUM, "hf", 0, 0, 0, "hf|paper|alg1", "which definition of GreedyLR"},
    {"signal", PARAM_ENUM, "eval", 0, 0, 0, "train_step|eval",
     "observe the minibatch loss every step, or the validation loss every evaluation"},
    {"mode", PARAM_ENUM, "min", 0, 0, 0, "min|max", "whether lower or higher signal is better"},
    {"factor", PARAM_NUM, "0.95", 0, 1, PARAM_LO_OPEN | PARAM_HI_OPEN, NULL,
     "multiplier F: lr*F to reduce, lr/F to increase"},
    {"patience", PARAM_INT, "10", 0, INFINITY, 0, NULL,
     "consecutive better (or worse) signals tolerated before a change"},
    {"threshold", PARAM_NUM, "1e-6", 0, INFINITY, 0, NULL, "minimum improvement that counts"},
    {"threshold_mode", PARAM_ENUM, "abs", 0, 0, 0, "abs|rel", "threshold absolute or relative"},
    {"cooldown", PARAM_INT, "0", 0, INFINITY, 0, NULL, "signals ignored after a reduction"},
    {"warmup", PARAM_INT, "0", 0, INFINITY, 0, NULL, "signals ignored after an increase"},
    {"min_lr", PARAM_NUM, "1e-3", 0, INFINITY, 0, NULL,
     "lower bound of the learning rate (or give min_lr_factor, not both)"},
    {"max_lr", PARAM_NUM, "1", 0, INFINITY, PARAM_LO_OPEN, NULL,
     "upper bound of the learning rate (or give max_lr_factor, not both)"},
    {"eps", PARAM_NUM, "1e-8", 0, INFINITY, 0, NULL, "changes smaller than eps are skipped"},
    {"smooth", PARAM_BOOL, "false", 0, 0, 0, NULL, "moving average of the signal"},
    {"window", PARAM_INT, "50", 1, INFINITY, 0, NULL, "length of the moving average"},
    {"reset_start", PARAM_INT, "500", 0, INFINITY, 0, NULL,
     "reductions at min_lr before the lr is reset to its initial value"},
    {"min_lr_factor", PARAM_NUM, NULL, 0, 1, PARAM_LO_OPEN | PARAM_OPTIONAL | PARAM_ADDED, NULL,
     "lower bound relative to the optimizer's initial lr: min_lr = min_lr_factor * lr (unset: "
     "min_lr; the paper's 10% floor is min_lr_factor = 0.1)"},
    {"max_lr_factor", PARAM_NUM, NULL, 1, INFINITY, PARAM_OPTIONAL | PARAM_ADDED, NULL,
     "upper bound relative to the optimizer's initial lr: max_lr = max_lr_factor * lr (unset: "
     "max_lr)"},
    {0},
};

typedef enum { V_HF, V_PAPER, V_ALG1 } Variant;

typedef struct {
    Variant variant;
    SignalKind signal;
    int maximize, rel;
    double factor, threshold, min_lr, max_lr, eps;
    int64_t patience, cooldown, warmup, window, reset_start;
    int smooth;
    double lr, lr_init, best, prev;
    int have_prev;
    int64_t good, bad, cooldown_left, warmup_left, reset_left;
    double *ring; /* [window] raw values for smoothing */
    int64_t ring_n, ring_pos;
    double ring_sum;
} State;

/* One bound in its two forms: the absolute key, or the factor of lr0. */
typedef struct {
    const char *abs, *rel, *scaled; /* "min_lr", "min_lr_factor", "min_lr_factor * lr" */
} Bound;

static const Bound LOWER = {"min_lr", "min_lr_factor", "min_lr_factor * lr"},
                   UPPER = {"max_lr", "max_lr_factor", "max_lr_factor * lr"};

/* effective: the bound's value for a run starting at lr0. */
static double effective(const Params *p, Bound b, double lr0) {
    return params_isset(p, b.rel) ? params_num(p, b.rel) * lr0 : params_num(p, b.abs);
}

/* bound_name: how messages name the bound in use. */
static const char *bound_name(const Params *p, Bound b) {
    return params_isset(p, b.rel) ? b.scaled : b.abs;
}

static int check_forms(const Params *p, Bound b, int alg1, const char *where, Err *e) {
    if (!params_isset(p, b.rel)) return 0;
    if (alg1)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"greedy\": %s: not used by variant alg1, which has no bounds "
                       "(expected no %s with variant = \"alg1\", got %g)",
                       b.rel, b.rel, params_num(p, b.rel));
    if (params_isset(p, b.abs))
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"greedy\": %s: given together with %s (expected either %s = "
                       "RATE or %s = MULTIPLE of the optimizer's lr, got both)",
                       b.rel, b.abs, b.abs, b.rel);
    return 0;
}

static int check(const Params *p, const SchedRun *run, const char *where, Err *e) {
    const int alg1 = strcmp(params_str(p, "variant"), "alg1") == 0;
    if (check_forms(p, LOWER, alg1, where, e) != 0 || check_forms(p, UPPER, alg1, where, e) != 0)
        return -1;
    if (alg1) return 0;
    const double lo = effective(p, LOWER, run->lr0), hi = effective(p, UPPER, run->lr0);
    if (lo > hi)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"greedy\": %s: above %s (expected %s <= %g, got %g)",
                       bound_name(p, LOWER), bound_name(p, UPPER), bound_name(p, LOWER), hi, lo);
    if (run->lr0 < lo || run->lr0 > hi)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"greedy\": the optimizer's lr is outside [%s, %s] "
                       "(expected %g <= lr <= %g, got %g)",
                       bound_name(p, LOWER), bound_name(p, UPPER), lo, hi, run->lr0);
    return 0;
}

/* hf and paper clamp every change to the effective [min_lr, max_lr] and start (and reset) at
 * lr0, which check puts inside. alg1 has no clamp: every signal divides or multiplies the lr
 * by factor, so its range grows with the number of signals the loop delivers (factor^-n after
 * n improvements in a row), not with any parameter: unbounded. */
static void bounds(const Params *p, const SchedRun *run, double *lo, double *hi) {
    if (strcmp(params_str(p, "variant"), "alg1") == 0) {
        *lo = 0;
        *hi = INFINITY;
        return;
    }
    *lo = effective(p, LOWER, run->lr0);
    *hi = effective(p, UPPER, run->lr0);
}

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    const char *v = params_str(p, "variant");
    s->variant = strcmp(v, "alg1") == 0 ? V_ALG1 : strcmp(v, "paper") == 0 ? V_PAPER : V_HF;
    s->signal = strcmp(params_str(p, "signal"), "eval") == 0 ? SIGNAL_EVAL : SIGNAL_TRAIN_STEP;
    s->maximize = strcmp(params_str(p, "mode"), "max") == 0;
    s->rel = strcmp(params_str(p, "threshold_mode"), "rel") == 0;
    s->factor = params_num(p, "factor");
    s->threshold = params_num(p, "threshold");
    s->min_lr = effective(p, LOWER, run->lr0);
    s->max_lr = effective(p, UPPER, run->lr0);
    s->eps = params_num(p, "eps");
    s->patience = params_int(p, "patience");
    s->cooldown = params_int(p, "cooldown");
    s->warmup = params_int(p, "warmup");
    s->window = params_int(p, "window");
    s->reset_start = params_int(p, "reset_start");
    s->smooth = params_bool(p, "smooth");
    s->lr = s->lr_init = run->lr0;
    s->best = s->maximize ? -INFINITY : INFINITY;
    s->reset_left = s->reset_start;
    if (s->smooth) s->ring = xcalloc((size_t)s->window, sizeof(double));
    return 0;
}

static void destroy(void *st) { free(((State *)st)->ring); }

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    sched_lr_fill(out, ((State *)st)->lr);
}

static int is_better(const State *s, double x) {
    if (s->maximize)
        return s->rel ? x > s->best * (1.0 + s->threshold) : x > s->best + s->threshold;
    return s->rel ? x < s->best * (1.0 - s->threshold) : x < s->best - s->threshold;
}

/* Plain moving average of the last `window` raw values (fewer at the start). The sum is
 * recomputed from the ring so that rounding does not drift over long runs. */
static double smooth(State *s, double x) {
    s->ring[s->ring_pos] = x;
    s->ring_pos = (s->ring_pos + 1) % s->window;
    if (s->ring_n < s->window) s->ring_n++;
    double sum = 0;
    for (int64_t i = 0; i < s->ring_n; i++) sum += s->ring[i];
    return sum / (double)s->ring_n;
}

static void reset(State *s) {
    s->lr = s->lr_init;
    s->best = s->maximize ? -INFINITY : INFINITY;
    s->good = s->bad = s->cooldown_left = s->warmup_left = 0;
    s->reset_left = s->reset_start;
    s->ring_n = s->ring_pos = 0;
}

static void step_hf(State *s, double x) {
    if (s->smooth) x = smooth(s, x);
    if (s->cooldown_left > 0) {
        s->cooldown_left--;
        s->good = s->bad = 0;
        return;
    }
    if (s->warmup_left > 0) {
        s->warmup_left--;
        s->good = s->bad = 0;
        return;
    }
    if (is_better(s, x)) {
        s->best = x;
        s->bad = 0;
        s->good++;
    } else {
        s->bad++;
        s->good = 0;
    }
    if (s->good > s->patience) {
        double up = fmin(s->lr / s->factor, s->max_lr);
        if (up - s->lr > s->eps) s->lr = up;
        s->warmup_left = s->warmup;
        s->good = 0;
        s->reset_left = s->reset_start;
    } else if (s->bad > s->patience) {
        double down = fmax(s->lr * s->factor, s->min_lr);
        if (s->lr - down > s->eps) s->lr = down;
        s->cooldown_left = s->cooldown;
        s->bad = 0;
        if (s->lr <= s->min_lr && --s->reset_left <= 0) reset(s);
    }
}

static void step_paper(State *s, double x) {
    if (s->smooth) x = smooth(s, x);
    if (is_better(s, x)) {
        s->good++;
        s->bad = 0;
    } else {
        s->bad++;
        s->good = 0;
    }
    s->best = x;
    if (s->cooldown_left > 0) {
        s->cooldown_left--;
        s->bad = 0;
    }
    if (s->warmup_left > 0) {
        s->warmup_left--;
        s->good = 0;
    }
    if (s->bad > s->patience) {
        double down = fmax(s->lr * s->factor, s->min_lr);
        if (s->lr - down > s->eps) s->lr = down;
        s->cooldown_left = s->cooldown;
        s->bad = 0;
    } else if (s->good > s->patience) {
        double up = fmin(s->lr / s->factor, s->max_lr);
        if (up - s->lr > s->eps) s->lr = up;
        s->warmup_left = s->warmup;
        s->good = 0;
    }
    if (--s->reset_left <= 0) {
        s->best = s->maximize ? -INFINITY : INFINITY;
        s->good = s->bad = s->cooldown_left = s->warmup_left = 0;
        s->reset_left = s->reset_start;
    }
}

static void step_alg1(State *s, double x) {
    if (s->have_prev) s->lr = x < s->prev ? s->lr / s->factor : s->lr * s->factor;
    s->prev = x;
    s->have_prev = 1;
}

static void observe(void *st, SignalKind kind, int64_t step, double value) {
    State *s = st;
    if (kind != s->signal) return;
    if (s->variant == V_ALG1) step_alg1(s, value);
    else if (s->variant == V_PAPER) step_paper(s, value);
    else step_hf(s, value);
}

/* The state that moves: the rate, the comparison's memory, the counters, the smoothing ring. */
static void state(void *st, StateIO *io) {
    State *s = st;
    state_f64(io, &s->lr);
    state_f64(io, &s->best);
    state_f64(io, &s->prev);
    state_int(io, &s->have_prev, 0, 1);
    state_i64(io, &s->good, 0, STATE_COUNT_MAX);
    state_i64(io, &s->bad, 0, STATE_COUNT_MAX);
    state_i64(io, &s->cooldown_left, 0, STATE_COUNT_MAX);
    state_i64(io, &s->warmup_left, 0, STATE_COUNT_MAX);
    state_i64(io, &s->reset_left, -STATE_COUNT_MAX, STATE_COUNT_MAX);
    if (!s->ring) return;
    state_f64s(io, s->ring, (size_t)s->window);
    state_i64(io, &s->ring_n, 0, s->window);
    state_i64(io, &s->ring_pos, 0, s->window - 1);
    state_f64(io, &s->ring_sum);
}

const SchedDef sched_greedy = {
    .name = "greedy",
    .version = 1,
    .summary = "GreedyLR: raise lr while the loss improves, lower it when it worsens",
    .reference =
        "Subramanian & Ganapathiraman, PRML 2023; arXiv 2512.14527; HF transformers PR 44271",
    .params = params,
    .state_size = sizeof(State),
    .check = check,
    .bounds = bounds,
    .init = init,
    .lr = lr,
    .observe = observe,
    .destroy = destroy,
    .state = state,
};
