/* sched.h - the learning-rate scheduler interface.
 *
 * Before each optimizer step the training loop asks the scheduler for the learning
 * rates of that step (one per parameter group, optionally one per element); after
 * each step and each evaluation it shows the scheduler the observed signal. What a
 * scheduler needs beyond the step index it declares in `needs`, and the loop
 * provides it: the gradient and parameters (hypergradient descent), the previous
 * update direction, re-evaluation of the same minibatch's loss at trial points
 * (stochastic line search), or a feature vector (a learned policy).
 */
#ifndef LRLAB_SCHED_H
#define LRLAB_SCHED_H

#include "harness/base/err.h"
#include "harness/base/param.h"
#include "harness/base/state.h"
#include "tasks/task.h"

enum {
    SCHED_NEEDS_GRAD = 1,      /* SchedStep.w and .g */
    SCHED_NEEDS_DIR = 2,       /* SchedStep.dir_prev */
    SCHED_NEEDS_LOSS_EVAL = 4, /* SchedStep.loss_at */
    SCHED_NEEDS_FEATURES = 8,  /* SchedStep.features */
    SCHED_NEEDS_SCRIPT = 16,   /* SchedRun.lua: functions defined in the experiment script */
};

/* The feature vector of SCHED_NEEDS_FEATURES: SchedStep.features[SCHED_NFEATURES], filled
 * by the training loop at every step, after the minibatch loss and gradient and before the
 * scheduler's answer (harness/engine/train.c). The state of a learned policy (scheduler "rl"):
 *   FEAT_LOG_LR       log of the lr the scheduler set for group 0 on the previous step (its
 *                     own answer, before warmup and the stability cap); log lr0 at step 0
 *   FEAT_PROGRESS     step / total_steps, in [0, 1)
 *   FEAT_TRAIN_TREND  log E_t - log E_{t-W}: E the exponential moving average of the
 *                     minibatch loss (beta SCHED_FEAT_BETA, bias-corrected, through this
 *                     step's loss), W = SCHED_FEAT_WINDOW steps (t - W clamped to 0)
 *   FEAT_VAL_TREND    log v_k - log v_{k-1}: the validation losses of the last two
 *                     evaluations (the one before training counts); 0 before two
 *   FEAT_CLIPPED      1 when the stability bound (Task.clip_lr, NMF) capped the lr of some
 *                     group on the previous step, else 0
 *   FEAT_LR_BOUND     log(lr / b): the lr of FEAT_LOG_LR against b, the smallest stability
 *                     bound of the groups at this step (Task.clip_lr); 0 without a bound
 *   FEAT_LOG_GRAD + g log of the L2 norm of group g's gradient at this step (before
 *                     clip_norm), for g < SCHED_FEAT_GROUPS; 0 for groups the task does not
 *                     have; groups from the SCHED_FEAT_GROUPS-th on are left out
 *   FEAT_LOG_VAL      log v_k: the validation loss of the last evaluation (the one before
 *                     training at step 0), the DNN paper's "previous-epoch validation loss"
 *                     (Subramanian et al., ICLR 2023 tiny paper); added after the others, at
 *                     the end, so that earlier indices keep their meaning (harness/policy/policy.h)
 * Losses and norms are floored at 1e-30 before their log. */
#define SCHED_FEAT_GROUPS 8
#define SCHED_FEAT_WINDOW 50
#define SCHED_FEAT_BETA 0.9
enum {
    FEAT_LOG_LR = 0,
    FEAT_PROGRESS = 1,
    FEAT_TRAIN_TREND = 2,
    FEAT_VAL_TREND = 3,
    FEAT_CLIPPED = 4,
    FEAT_LR_BOUND = 5,
    FEAT_LOG_GRAD = 6,
    FEAT_LOG_VAL = FEAT_LOG_GRAD + SCHED_FEAT_GROUPS,
    SCHED_NFEATURES = FEAT_LOG_VAL + 1,
};

typedef enum SignalKind {
    SIGNAL_TRAIN_STEP, /* minibatch training loss, after every optimizer step */
    SIGNAL_EVAL,       /* validation loss, after every evaluation */
} SignalKind;

/* Fixed facts about the run, known at init. */
typedef struct SchedRun {
    double lr0; /* the optimizer's base learning rate */
    int64_t total_steps;
    int64_t steps_per_epoch;
    int64_t eval_every;
    int ngroups;
    const TaskGroup *groups; /* NULL in `lrlab trace` */
    size_t nparams;
    void *lua; /* the experiment script's lua_State (Lua-defined schedulers) */
} SchedRun;

/* What the loop offers at step `step`, before the optimizer step. */
typedef struct SchedStep {
    int64_t step;          /* 0-based index of the step about to be taken */
    double loss;           /* minibatch loss at w (NAN when unknown) */
    const float *w, *g;    /* SCHED_NEEDS_GRAD */
    const float *dir_prev; /* SCHED_NEEDS_DIR: last update direction */
    double (*loss_at)(void *ctx, const float *w_trial); /* SCHED_NEEDS_LOSS_EVAL */
    void *loss_ctx;
    const double *features; /* SCHED_NEEDS_FEATURES: [SCHED_NFEATURES], see FEAT_* */
    int nfeatures;
} SchedStep;

/* The scheduler's answer: group[ngroups] always; elem[nparams] when elem_used. */
typedef struct SchedLr {
    double *group;
    float *elem;
    int elem_used;
    int ngroups;
    int64_t loss_evals; /* extra loss evaluations the scheduler made (line search), added up */
    const char *error;  /* set when the scheduler cannot go on (a Lua function failed): the
                           run ends as failed with this reason */
} SchedLr;

typedef struct SchedDef {
    const char *name;
    /* version: of this implementation, from 1. Bump it whenever the component's results
     * change for the same parameters: a cell id hashes it (above 1, harness/engine/plan.c), so the
     * id changes with it and old results are never taken for new ones. */
    int version;
    const char *summary;
    const char *reference;
    const ParamSpec *params;
    unsigned needs;
    size_t state_size;
    /* check: optional cross-parameter validation against the run (e.g. min_lr <= max_lr). */
    int (*check)(const Params *p, const SchedRun *run, const char *where, Err *e);
    /* bounds: optional; the interval [*lo, *hi] every learning rate of a run stays in, up to
     * rounding (group and per-element rates; the latter are floats), for parameters that
     * passed check. Computed from p and run alone, never from a trace. 0 <= lo <= hi; hi is
     * INFINITY only where the algorithm is unbounded, and the definition says why. NULL
     * declares [0, lr0]: a schedule that never exceeds the base rate. */
    void (*bounds)(const Params *p, const SchedRun *run, double *lo, double *hi);
    int (*init)(void *st, const Params *p, const SchedRun *run, Err *e);
    void (*lr)(void *st, const SchedStep *s, SchedLr *out);
    /* observe: optional; feedback schedulers see every signal and pick theirs. */
    void (*observe)(void *st, SignalKind kind, int64_t step, double value);
    /* error: optional; why the scheduler cannot go on (an observe that failed), NULL while it
     * can. The loop asks after every observe, so that an error at any step, the last one
     * included, ends the run as failed. */
    const char *(*error)(void *st);
    void (*destroy)(void *st);
    /* state: visits every field the scheduler changes while it runs (harness/base/state.h),
     * for saving and resuming; NULL when its rates are a function of the step and the
     * parameters alone. */
    void (*state)(void *st, StateIO *io);
} SchedDef;

typedef struct Sched {
    const SchedDef *def;
    void *st;
    unsigned char fingerprint[32]; /* of the parameters and the run (state blobs) */
} Sched;

extern const SchedDef *const sched_registry[];
const SchedDef *sched_find(const char *name);

/* sched_create: validates (check) and initialises; fills e on a user error. */
int sched_create(Sched *s, const SchedDef *def, const Params *p, const SchedRun *run,
                 const char *where, Err *e);
void sched_lr(Sched *s, const SchedStep *step, SchedLr *out);
/* sched_observe: shows the signal; returns the scheduler's error (SchedDef.error), or NULL. */
const char *sched_observe(Sched *s, SignalKind kind, int64_t step, double value);
void sched_destroy(Sched *s);
/* sched_save: appends the scheduler's state blob (harness/base/state.h) to out. */
int sched_save(const Sched *s, Buf *out, const char *where, Err *e);
/* sched_load: restores a blob saved by a scheduler of the same name, version, parameters and
 * run; anything else is refused with e and the scheduler left as it was. */
int sched_load(Sched *s, const void *blob, size_t n, const char *where, Err *e);
/* sched_state_visit: visits the state of s (a sequence visits its parts' this way). */
void sched_state_visit(Sched *s, StateIO *io);

/* Fills every group with one rate. */
static inline void sched_lr_fill(SchedLr *out, double lr) {
    for (int i = 0; i < out->ngroups; i++) out->group[i] = lr;
    out->elem_used = 0;
}

#endif
