/* wsd.c - warmup, stable, decay (Hugging Face get_wsd_schedule).
 *
 * transformers v4.49.0, src/transformers/optimization.py, get_wsd_schedule and
 * _get_wsd_scheduler_lambda, applied as lr(t) = lr0 * lambda(t) (torch LambdaLR). The
 * schedule of MiniCPM (Hu et al. 2024). W = num_warmup_steps, S = num_stable_steps,
 * D = num_decay_steps, r = min_lr_ratio:
 *   t < W:              p = t / max(1, W),      max(0, r + (1 - r) * warm(p))
 *   W <= t < W+S:       1
 *   W+S <= t < W+S+D:   p = (t-W-S) / max(1, D), max(0, r + (1 - r) * decay(p))
 *   t >= W+S+D:         r                       (the lr stays at r * lr0)
 * written factor * (1 - r) + r, as transformers does, with
 *   warm:  linear p;  cosine (1 - cos(pi p)) / 2;  1-sqrt 1 - sqrt(1 - p)
 *   decay: linear 1 - p;  cosine (1 + cos(pi * num_cycles * 2 * p)) / 2;  1-sqrt 1 - sqrt(p)
 * The warmup starts at r * lr0, not at 0 (exactly r at step 0 when W > 0), as in transformers.
 *
 * Phase lengths, T = num_training_steps (unset: the run's total steps): transformers derives
 * S = T - W - D when num_stable_steps is not given. Here, likewise, the one phase of stable and
 * decay that is unset fills the rest of T: S = T - W - D, or D = T - W - S; with neither set,
 * S = 0 and D = T - W (a warmup, then a decay that ends with the run). transformers requires
 * num_warmup_steps and num_decay_steps; here W defaults to 0, as in the other hf_* schedulers.
 * Refused (check): a derived phase that would be negative; T longer than the run; T given with
 * both S and D when W + S + D != T (transformers then warns and ignores T); phases that end
 * after the run (W + S + D > total steps). Phases that end before the run are allowed: the
 * remaining steps run at r * lr0, as transformers' lambda gives.
 */
#include "schedulers/sched.h"

#include <math.h>
#include <string.h>

static const ParamSpec params[] = {
    {"num_warmup_steps", PARAM_INT, "0", 0, INFINITY, 0, NULL,
     "steps of warmup from min_lr_ratio times the base lr to the base lr"},
    {"num_stable_steps", PARAM_INT, NULL, 0, INFINITY, PARAM_OPTIONAL, NULL,
     "steps at the base lr after the warmup (unset: what num_training_steps leaves after "
     "warmup and decay, or 0 when num_decay_steps is unset too)"},
    {"num_decay_steps", PARAM_INT, NULL, 0, INFINITY, PARAM_OPTIONAL, NULL,
     "steps of decay to min_lr_ratio times the base lr (unset: what num_training_steps "
     "leaves after warmup and stable)"},
    {"num_training_steps", PARAM_INT, NULL, 1, INFINITY, PARAM_OPTIONAL, NULL,
     "warmup + stable + decay, from which the unset phase is derived (unset: the run's "
     "total steps)"},
    {"warmup_type", PARAM_ENUM, "linear", 0, 0, 0, "linear|cosine|1-sqrt", "shape of the warmup"},
    {"decay_type", PARAM_ENUM, "cosine", 0, 0, 0, "linear|cosine|1-sqrt", "shape of the decay"},
    {"min_lr_ratio", PARAM_NUM, "0", 0, 1, 0, NULL,
     "lr at the start of the warmup and from the end of the decay on, as a fraction of the "
     "base lr"},
    {"num_cycles", PARAM_NUM, "0.5", 0, INFINITY, 0, NULL,
     "cosine decay: periods over the decay (0.5: one half-wave down to min_lr_ratio)"},
    {0},
};

enum { SHAPE_LINEAR, SHAPE_COSINE, SHAPE_1_SQRT };

typedef struct {
    double lr0, min_ratio, num_cycles;
    int warmup_type, decay_type;
    int64_t warmup, stable, decay;
} State;

typedef struct {
    int64_t total, warmup, stable, decay;
} Phases;

/* phases: the lengths of the three phases, the unset one derived (possibly negative). */
static Phases phases(const Params *p, const SchedRun *run) {
    Phases ph = {params_isset(p, "num_training_steps") ? params_int(p, "num_training_steps")
                                                       : run->total_steps,
                 params_int(p, "num_warmup_steps"), 0, 0};
    int has_s = params_isset(p, "num_stable_steps"), has_d = params_isset(p, "num_decay_steps");
    ph.stable = has_s ? params_int(p, "num_stable_steps") : 0;
    ph.decay = has_d ? params_int(p, "num_decay_steps") : 0;
    if (has_d && !has_s) ph.stable = ph.total - ph.warmup - ph.decay;
    else if (!has_d) ph.decay = ph.total - ph.warmup - ph.stable;
    return ph;
}

static int check(const Params *p, const SchedRun *run, const char *where, Err *e) {
    const Phases ph = phases(p, run);
    const long long T = ph.total, W = ph.warmup, S = ph.stable, D = ph.decay;
    const long long R = run->total_steps;
    const int has_t = params_isset(p, "num_training_steps");
    const int has_s = params_isset(p, "num_stable_steps");
    const int has_d = params_isset(p, "num_decay_steps");
    const char *of = has_t ? "num_training_steps" : "the run";
    if (has_t && T > R)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"wsd\": num_training_steps: longer than the run (expected at "
                       "most %lld, got %lld)",
                       R, T);
    if (has_t && has_s && has_d && W + S + D != T)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"wsd\": num_training_steps: not the sum of the phases "
                       "(expected num_warmup_steps + num_stable_steps + num_decay_steps = "
                       "%lld + %lld + %lld = %lld, got %lld)",
                       W, S, D, W + S + D, T);
    if (has_d && !has_s && S < 0)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"wsd\": num_decay_steps: warmup and decay longer than %s "
                       "(expected num_warmup_steps + num_decay_steps <= %lld, got %lld + %lld)",
                       of, T, W, D);
    if (has_s && !has_d && D < 0)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"wsd\": num_stable_steps: warmup and stable phase longer "
                       "than %s (expected num_warmup_steps + num_stable_steps <= %lld, got "
                       "%lld + %lld)",
                       of, T, W, S);
    if (!has_s && !has_d && D < 0)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"wsd\": num_warmup_steps: longer than %s (expected at most "
                       "%lld, got %lld)",
                       of, T, W);
    if (W + S + D > R)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"wsd\": num_decay_steps: the phases end after the run "
                       "(expected num_warmup_steps + num_stable_steps + num_decay_steps <= "
                       "%lld, got %lld + %lld + %lld = %lld)",
                       R, W, S, D, W + S + D);
    return 0;
}

static int shape(const char *name) {
    return strcmp(name, "linear") == 0   ? SHAPE_LINEAR
           : strcmp(name, "cosine") == 0 ? SHAPE_COSINE
                                         : SHAPE_1_SQRT;
}

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    const Phases ph = phases(p, run);
    s->lr0 = run->lr0;
    s->min_ratio = params_num(p, "min_lr_ratio");
    s->num_cycles = params_num(p, "num_cycles");
    s->warmup_type = shape(params_str(p, "warmup_type"));
    s->decay_type = shape(params_str(p, "decay_type"));
    s->warmup = ph.warmup;
    s->stable = ph.stable;
    s->decay = ph.decay;
    return 0;
}

/* Every lambda is r + (1 - r) * f with f in [0, 1], or 1, or r: between r and 1. */
static void bounds(const Params *p, const SchedRun *run, double *lo, double *hi) {
    *lo = run->lr0 * params_num(p, "min_lr_ratio");
    *hi = run->lr0;
}

static double warm(int type, double p) {
    switch (type) {
    case SHAPE_LINEAR: return p;
    case SHAPE_COSINE: return 0.5 * (1.0 - cos(M_PI * p));
    default: return 1.0 - sqrt(1.0 - p);
    }
}

static double decay(int type, double num_cycles, double p) {
    switch (type) {
    case SHAPE_LINEAR: return 1.0 - p;
    case SHAPE_COSINE: return 0.5 * (1.0 + cos(M_PI * num_cycles * 2.0 * p));
    default: return 1.0 - sqrt(p);
    }
}

static double lambda(const State *s, int64_t t) {
    const int64_t W = s->warmup, S = s->stable, D = s->decay;
    const double r = s->min_ratio;
    if (t < W) {
        double p = (double)t / (double)(W > 1 ? W : 1);
        return fmax(0.0, warm(s->warmup_type, p) * (1.0 - r) + r);
    }
    if (t < W + S) return 1.0;
    if (t < W + S + D) {
        double p = (double)(t - W - S) / (double)(D > 1 ? D : 1);
        return fmax(0.0, decay(s->decay_type, s->num_cycles, p) * (1.0 - r) + r);
    }
    return r;
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    const State *s = st;
    sched_lr_fill(out, s->lr0 * lambda(s, step->step));
}

const SchedDef sched_wsd = {
    .name = "wsd",
    .version = 1,
    .summary = "warmup, a stable phase at the base lr, then a linear, cosine or 1-sqrt decay to "
               "min_lr_ratio",
    .reference = "Hugging Face transformers v4.49.0 get_wsd_schedule; Hu et al. 2024 (MiniCPM)",
    .params = params,
    .state_size = sizeof(State),
    .check = check,
    .bounds = bounds,
    .init = init,
    .lr = lr,
};
