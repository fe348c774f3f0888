/* lrlab.h - lrlab's schedulers and optimizers in your own training loop.
 *
 * The one public header of liblrlab (shared: liblrlab.so.0; static: liblrlab.a). Every symbol
 * it declares starts with lrlab_ and every type with Lrlab; nothing else is exported. Build:
 *     cc my_loop.c $(pkg-config --cflags --libs lrlab)
 * The library needs only the C library, libm and zlib: no Lua, no libcsv, no BLAS. (The
 * scheduler "lua", whose functions live in an experiment script, exists only in the lrlab
 * command.)
 *
 * A training loop, step t = 0, 1, ...:
 *     lrlab_scheduler_lr(s, &step, lr, &elem, &err);       rates for this step
 *     ... compute the loss and the gradient g at w ...
 *     lrlab_optimizer_step(o, w, g, lr, elem, dir);        w moves
 *     lrlab_scheduler_observe(s, LRLAB_SIGNAL_TRAIN_STEP, t, loss, &err);
 *     every evaluation: lrlab_scheduler_observe(s, LRLAB_SIGNAL_EVAL, t, val_loss, &err);
 * The component names, parameters, defaults and references are those of `lrlab list`.
 *
 * Errors: functions that can fail return 0 on success (or a non-NULL object) and otherwise
 * -1 (or NULL), filling the caller's LrlabError, if one is given, with one line naming the
 * component, the key, what was expected and what was found. Misuse that no input can cause
 * (a NULL object, a step index going backwards) stops the process with a message.
 *
 * Ownership: objects are created by *_new and freed by *_free (NULL is accepted); the library
 * keeps no pointer to the caller's arrays beyond a call, except LrlabRun.groups and the group
 * names, which are copied. Blobs from *_save are malloc'ed and freed by the caller with free().
 *
 * Thread-safety: no global mutable state. Different objects may be used from different
 * threads at once; one object must not be used by two threads at once.
 *
 * Reproducibility: the arithmetic is the lrlab command's, so a rate or an update here is the
 * one a cell of an lrlab experiment computes, bit for bit, for the same inputs.
 */
#ifndef LRLAB_H
#define LRLAB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define LRLAB_API __attribute__((visibility("default")))
#else
#define LRLAB_API
#endif

#define LRLAB_VERSION_MAJOR 0
#define LRLAB_VERSION_MINOR 1
#define LRLAB_VERSION_PATCH 0

/* The library's version, "MAJOR.MINOR.PATCH" (that of the lrlab command built with it). */
LRLAB_API const char *lrlab_version(void);

/* What went wrong: code 2 for bad input (a name, a parameter, a blob), as the lrlab command's
 * exit code; message is one line. */
typedef struct LrlabError {
    int code;
    char message[512];
} LrlabError;

/* A parameter group: a named slice [offset, offset + size) of the flat parameter vector, with
 * the matrix shape rows x cols (rows * cols == size; 1 x size for a vector) that factored
 * optimizers (adafactor) use. Schedulers may set one rate per group. */
typedef struct LrlabGroup {
    const char *name;
    size_t offset, size;
    int rows, cols;
} LrlabGroup;

/* ---- the registry ---- */

/* The number of schedulers, and the name of the i-th (0 <= i < count; NULL otherwise). */
LRLAB_API int lrlab_scheduler_count(void);
LRLAB_API const char *lrlab_scheduler_name(int i);
LRLAB_API int lrlab_optimizer_count(void);
LRLAB_API const char *lrlab_optimizer_name(int i);

/* ---- schedulers ---- */

/* The run a scheduler plans for. total_steps > 0. ngroups = 0 and groups = NULL mean one
 * group over all nparams parameters. steps_per_epoch and eval_every may be 0 (unknown) for
 * schedulers that do not use them. */
typedef struct LrlabRun {
    double lr0; /* the base learning rate, > 0 */
    int64_t total_steps;
    int64_t steps_per_epoch;
    int64_t eval_every;
    size_t nparams;
    int ngroups;
    const LrlabGroup *groups;
} LrlabRun;

/* What a scheduler needs at every step beyond the step index (lrlab_scheduler_needs). */
enum {
    LRLAB_NEEDS_GRAD = 1,      /* LrlabStep.w and .g: hypergradient descent ("hd") */
    LRLAB_NEEDS_DIR = 2,       /* LrlabStep.dir_prev: the last update direction ("hd") */
    LRLAB_NEEDS_LOSS_EVAL = 4, /* LrlabStep.loss_at: the same minibatch's loss elsewhere ("sls") */
    LRLAB_NEEDS_FEATURES = 8,  /* LrlabStep.features: a learned policy's state ("rl") */
};

typedef enum LrlabSignal {
    LRLAB_SIGNAL_TRAIN_STEP, /* the minibatch loss, after every optimizer step */
    LRLAB_SIGNAL_EVAL,       /* the validation loss, after every evaluation */
} LrlabSignal;

/* What the loop offers at step `step` (0-based), before the optimizer step. */
typedef struct LrlabStep {
    int64_t step;
    double loss;           /* the minibatch loss at w, or NAN when unknown */
    const float *w, *g;    /* [nparams]: LRLAB_NEEDS_GRAD */
    const float *dir_prev; /* [nparams]: LRLAB_NEEDS_DIR (the optimizer's `dir` output) */
    double (*loss_at)(void *ctx, const float *w_trial); /* LRLAB_NEEDS_LOSS_EVAL */
    void *loss_ctx;
    const double *features; /* LRLAB_NEEDS_FEATURES: lrlab_feature_count() values */
} LrlabStep;

typedef struct LrlabScheduler LrlabScheduler;

/* lrlab_scheduler_new: the scheduler NAME with SETTINGS, "key=value;key=value" as in the
 * lrlab command's --set (NULL or "" for the defaults; a sequence's parts as
 * "schedulers=name{k=v;k=v}|name{...}"). NULL and err filled when the name, a key, a value
 * or the run is not valid. */
LRLAB_API LrlabScheduler *lrlab_scheduler_new(const char *name, const char *settings,
                                              const LrlabRun *run, LrlabError *err);
LRLAB_API void lrlab_scheduler_free(LrlabScheduler *s);
/* The LRLAB_NEEDS_* flags of s. */
LRLAB_API unsigned lrlab_scheduler_needs(const LrlabScheduler *s);
/* The number of features a policy reads (LrlabStep.features). */
LRLAB_API int lrlab_feature_count(void);

/* lrlab_scheduler_lr: the rates of step->step, one per group into group_lr[ngroups] (one
 * for the default single group). *elem_lr (when elem_lr is not NULL) is set to NULL, or to
 * [nparams] per-element rates that override group_lr (hypergradient descent per parameter),
 * valid until the next call. -1 with err when the step lacks what the scheduler needs, or
 * when the scheduler cannot go on (the reason in err). */
LRLAB_API int lrlab_scheduler_lr(LrlabScheduler *s, const LrlabStep *step, double *group_lr,
                                 const float **elem_lr, LrlabError *err);
/* lrlab_scheduler_observe: shows the scheduler a signal; feedback schedulers (greedy,
 * plateau) pick the one their `signal` parameter names. -1 with err when it cannot go on. */
LRLAB_API int lrlab_scheduler_observe(LrlabScheduler *s, LrlabSignal signal, int64_t step,
                                      double value, LrlabError *err);

/* ---- optimizers ---- */

typedef struct LrlabOptimizer LrlabOptimizer;

/* lrlab_optimizer_new: the optimizer NAME with SETTINGS ("key=value;..." or NULL) for
 * nparams parameters in ngroups groups (0 and NULL: one group). The learning rate is not a
 * setting: each step takes the scheduler's. */
LRLAB_API LrlabOptimizer *lrlab_optimizer_new(const char *name, const char *settings,
                                              size_t nparams, int ngroups, const LrlabGroup *groups,
                                              LrlabError *err);
LRLAB_API void lrlab_optimizer_free(LrlabOptimizer *o);
/* lrlab_optimizer_step: one step on w[nparams] with gradient g[nparams], group g's rate
 * group_lr[g] (or elem_lr[nparams], when not NULL, element by element). dir (NULL or
 * [nparams]) receives the update direction d, w_new = w - lr * d (LRLAB_NEEDS_DIR). */
LRLAB_API void lrlab_optimizer_step(LrlabOptimizer *o, float *w, const float *g,
                                    const double *group_lr, const float *elem_lr, float *dir);
/* The number of steps taken. */
LRLAB_API int64_t lrlab_optimizer_steps(const LrlabOptimizer *o);
/* lrlab_optimizer_eval_point: schedule-free optimizers (sgd_sf, adamw_sf) train at one point
 * and are evaluated at another: enter = 1 puts the evaluation point in w, enter = 0 puts the
 * training point back, bit for bit. Does nothing for the others. */
LRLAB_API void lrlab_optimizer_eval_point(LrlabOptimizer *o, float *w, int enter);
/* lrlab_clip_grad_norm: scales g[n] to global L2 norm max_norm when it is longer
 * (torch.nn.utils.clip_grad_norm_); returns the norm before. */
LRLAB_API double lrlab_clip_grad_norm(float *g, size_t n, double max_norm);

/* ---- saving and resuming ----
 * lrlab_*_save writes what the object has learned while it ran (PyTorch's state_dict) into a
 * new blob; lrlab_*_load puts it into an object created with the same name, settings and run
 * (or groups), which then continues bit for bit as the saved one would have. The blob
 * (format version 1) is: "LRLABST1", a version, the kind, the component's name and
 * implementation version, a SHA-256 fingerprint of its settings and run, the step count, the
 * fields, and a SHA-256 checksum; README.md's "Saving and resuming" gives the layout. A
 * blob that is truncated, corrupt, from another component, version, settings or run is
 * refused with err and the object left as it was. Save between steps (and, for the
 * schedule-free optimizers, at the training point). The scheduler "lua" cannot save. */
LRLAB_API int lrlab_scheduler_save(const LrlabScheduler *s, void **blob, size_t *size,
                                   LrlabError *err);
LRLAB_API int lrlab_scheduler_load(LrlabScheduler *s, const void *blob, size_t size,
                                   LrlabError *err);
LRLAB_API int lrlab_optimizer_save(const LrlabOptimizer *o, void **blob, size_t *size,
                                   LrlabError *err);
LRLAB_API int lrlab_optimizer_load(LrlabOptimizer *o, const void *blob, size_t size,
                                   LrlabError *err);

#ifdef __cplusplus
}
#endif

#endif
