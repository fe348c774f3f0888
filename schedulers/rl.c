/* rl.c - a learned schedule: a policy (harness/policy/policy.h) trained by PPO (`lrlab
 * train-policy`, harness/engine/ppo.h) multiplies the learning rate.
 *
 * At step 0 and every `every` steps after it (the policy's own interval unless given) the
 * loop's feature vector (sched.h, FEAT_*) goes through the policy network; its action is one
 * of the policy's lr multipliers (by default 0.5, 0.8, 1, 1.25 and 2): the most probable one
 * (greedy, the default, so that a run is a deterministic function of its cell) or a draw
 * from the policy's distribution (greedy = false, stream `seed`). The new lr, clamped to
 * [min_lr, max_lr], holds for every group until the next decision; on a task with a
 * stability bound (NMF with clip_to_bound) the loop then caps it and counts the clips, as
 * the NMF paper clips its agent's proposals (paper/method.md section 5.4). The
 * policy file is read at plan time (check): a missing, corrupt or mismatched file is a
 * configuration error naming the file and line.
 */
#include "harness/policy/policy.h"
#include "schedulers/sched.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const ParamSpec params[] = {
    {"policy", PARAM_STR, NULL, 0, 0, PARAM_CONTENT, NULL,
     "policy file written by lrlab train-policy (e.g. results/policies/nmf.policy)"},
    {"every", PARAM_INT, NULL, 1, 1e9, PARAM_OPTIONAL, NULL,
     "steps between two decisions (unset: the interval the policy was trained with)"},
    {"greedy", PARAM_BOOL, "true", 0, 0, 0, NULL,
     "take the most probable action; false: draw it from the policy's distribution"},
    {"seed", PARAM_INT, "0", 0, 9007199254740991.0, 0, NULL,
     "stream of the draws when greedy = false"},
    {"min_lr", PARAM_NUM, NULL, 0, INFINITY, PARAM_LO_OPEN | PARAM_OPTIONAL, NULL,
     "lower bound of the learning rate (unset: lr0 / 1000)"},
    {"max_lr", PARAM_NUM, NULL, 0, INFINITY, PARAM_LO_OPEN | PARAM_OPTIONAL, NULL,
     "upper bound of the learning rate (unset: 100 lr0)"},
    {0},
};

typedef struct {
    Policy pol;
    int64_t every;
    int greedy;
    Rng rng;
    double lr, lo, hi;
} State;

static void range(const Params *p, const SchedRun *run, double *lo, double *hi) {
    *lo = params_isset(p, "min_lr") ? params_num(p, "min_lr") : run->lr0 * POLICY_MIN_FACTOR;
    *hi = params_isset(p, "max_lr") ? params_num(p, "max_lr") : run->lr0 * POLICY_MAX_FACTOR;
}

/* Loads the policy, its errors prefixed with the scheduler's place in the script. */
static int load(const Params *p, const char *where, Policy *pol, Err *e) {
    Err pe = {0};
    const char *path = params_str(p, "policy");
    if (!path)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"rl\": policy: missing required key "
                       "(expected a policy file, got nothing)");
    if (policy_load(path, pol, &pe) == 0) return 0;
    err_set(e, EXIT_USAGE, where, "scheduler \"rl\": policy: %s", pe.msg);
    if (pe.hint[0]) err_hint(e, "%s", pe.hint);
    return -1;
}

static int check(const Params *p, const SchedRun *run, const char *where, Err *e) {
    double lo, hi;
    range(p, run, &lo, &hi);
    if (lo > hi)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"rl\": min_lr: above max_lr (expected min_lr <= %g, got %g)", hi,
                       lo);
    if (run->lr0 < lo || run->lr0 > hi)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"rl\": the optimizer's lr is outside [min_lr, max_lr] "
                       "(expected %g <= lr <= %g, got %g)",
                       lo, hi, run->lr0);
    Policy pol;
    if (load(p, where, &pol, e) != 0) return -1;
    policy_free(&pol);
    return 0;
}

/* Every rate is lr0 times a product of multipliers, clamped to [min_lr, max_lr], which check
 * puts lr0 inside. */
static void bounds(const Params *p, const SchedRun *run, double *lo, double *hi) {
    range(p, run, lo, hi);
}

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    if (load(p, "scheduler \"rl\"", &s->pol, e) != 0) return -1;
    s->every = params_isset(p, "every") ? params_int(p, "every") : s->pol.every;
    s->greedy = params_bool(p, "greedy");
    rng_seed2(&s->rng, (uint64_t)params_int(p, "seed"), 0x726c /* "rl" */);
    range(p, run, &s->lo, &s->hi);
    s->lr = run->lr0;
    return 0;
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    State *s = st;
    if (!step->features || step->nfeatures != SCHED_NFEATURES) {
        out->error = "no feature vector (expected a training loop that provides "
                     "SCHED_NEEDS_FEATURES)";
    } else if (step->step % s->every == 0) {
        int action;
        double logp;
        s->lr = policy_decide(&s->pol, step->features, s->lr, s->lo, s->hi,
                              s->greedy ? NULL : &s->rng, &action, &logp);
    }
    sched_lr_fill(out, s->lr);
}

static void destroy(void *st) { policy_free(&((State *)st)->pol); }

/* The state that moves: the rate the policy last set and its sampling stream. */
static void state(void *st, StateIO *io) {
    State *s = st;
    state_f64(io, &s->lr);
    state_u64s(io, s->rng.s, 4);
}

const SchedDef sched_rl = {
    .name = "rl",
    .version = 1,
    .summary = "a learned policy (lrlab train-policy) multiplies the lr every `every` steps",
    .reference = "PPO, Schulman et al. 2017; RL schedules for NMF and DNNs, ICLR 2023 tiny "
                 "papers (paper/method.md section 5.4)",
    .params = params,
    .needs = SCHED_NEEDS_FEATURES,
    .state_size = sizeof(State),
    .check = check,
    .bounds = bounds,
    .init = init,
    .lr = lr,
    .destroy = destroy,
    .state = state,
};
