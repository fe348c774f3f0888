/* lrlab.c - the public library (lrlab.h) over the scheduler and optimizer registries. */
#include "harness/api/lrlab.h"
#include "harness/optim/optim.h"
#include "schedulers/sched.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct LrlabScheduler {
    Sched s;
    Params p;
    SchedRun run;
    TaskGroup *groups; /* [run.ngroups], names owned */
    float *elem;       /* [nparams] per-element rates */
    char where[48];
};

struct LrlabOptimizer {
    Optim o;
    Params p;
    Task task; /* n and the groups only: what an optimizer's init reads */
    int64_t t; /* steps taken */
    char where[48];
};

LRLAB_API const char *lrlab_version(void) { return LRLAB_VERSION; }

static int fail(LrlabError *err, const Err *e) {
    if (err) {
        err->code = e->code ? e->code : EXIT_USAGE;
        snprintf(err->message, sizeof err->message, "%s", e->msg);
    }
    return -1;
}

/* ---- the registry ---- */

LRLAB_API int lrlab_scheduler_count(void) {
    int n = 0;
    while (sched_registry[n]) n++;
    return n;
}

LRLAB_API const char *lrlab_scheduler_name(int i) {
    return i >= 0 && i < lrlab_scheduler_count() ? sched_registry[i]->name : NULL;
}

LRLAB_API int lrlab_optimizer_count(void) {
    int n = 0;
    while (optim_registry[n]) n++;
    return n;
}

LRLAB_API const char *lrlab_optimizer_name(int i) {
    return i >= 0 && i < lrlab_optimizer_count() ? optim_registry[i]->name : NULL;
}

/* "a|b|c": the names of a registry, for messages. */
static void names(Buf *b, int count, const char *(*name)(int)) {
    for (int i = 0; i < count; i++) buf_printf(b, "%s%s", i ? "|" : "", name(i));
}

static int unknown(const char *kind, const char *name, int count, const char *(*nm)(int), Err *e) {
    Buf b = {0};
    names(&b, count, nm);
    err_set(e, EXIT_USAGE, NULL, "%s \"%.40s\": unknown (expected one of %s)", kind,
            name ? name : "(null)", b.s);
    buf_free(&b);
    return -1;
}

/* settings: "key=value;key=value" into p; a ';' inside braces belongs to a component list's
 * own settings ("schedulers=constant{lr=1;x=2}|cosine{}"). */
static int settings(Params *p, const char *text, const char *where, Err *e) {
    if (!text) return 0;
    const size_t len = strlen(text);
    char *copy = xstrdup(text);
    int rc = 0;
    for (size_t start = 0; start < len && rc == 0;) {
        size_t end = start;
        for (int depth = 0; end < len && (depth > 0 || copy[end] != ';'); end++)
            depth += copy[end] == '{' ? 1 : copy[end] == '}' ? -1 : 0;
        copy[end] = 0;
        char *kv = copy + start, *eq = strchr(kv, '=');
        start = end + 1;
        if (!*kv) continue;
        if (!eq || eq == kv) {
            rc = err_set(e, EXIT_USAGE, where,
                         "settings: \"%.60s\": not key=value (expected "
                         "\"key=value;key=value\")",
                         kv);
            break;
        }
        *eq = 0;
        rc = params_set_text(p, kv, eq + 1, where, e);
    }
    free(copy);
    return rc;
}

/* groups: checks that the caller's groups tile [0, nparams) in order and copies them. */
static int copy_groups(const LrlabGroup *in, int ngroups, size_t nparams, const char *where,
                       TaskGroup **out, int *nout, Err *e) {
    if (ngroups == 0 && in == NULL) {
        *out = xcalloc(1, sizeof(TaskGroup));
        (*out)[0] = (TaskGroup){xstrdup("all"), 0, nparams, 1, (int)nparams};
        *nout = 1;
        return 0;
    }
    if (ngroups < 1 || !in)
        return err_set(e, EXIT_USAGE, where,
                       "groups: %d groups at %s (expected ngroups >= 1 "
                       "with a groups array, or 0 and NULL for one group)",
                       ngroups, in ? "an array" : "NULL");
    size_t next = 0;
    for (int k = 0; k < ngroups; k++) {
        const LrlabGroup *g = &in[k];
        if (!g->name || !g->name[0] || strlen(g->name) > 63)
            return err_set(e, EXIT_USAGE, where,
                           "groups[%d].name: %s (expected 1 to 63 "
                           "characters)",
                           k, g->name ? "too long or empty" : "NULL");
        if (g->offset != next || g->size == 0 || g->rows < 1 || g->cols < 1 ||
            (size_t)g->rows * (size_t)g->cols != g->size)
            return err_set(e, EXIT_USAGE, where,
                           "groups[%d] \"%s\": offset %zu, size %zu, shape %dx%d (expected "
                           "offset %zu, size >= 1 and rows * cols == size: groups tile the "
                           "parameters in order)",
                           k, g->name, g->offset, g->size, g->rows, g->cols, next);
        next += g->size;
    }
    if (next != nparams)
        return err_set(e, EXIT_USAGE, where,
                       "groups: cover %zu parameters (expected nparams "
                       "= %zu)",
                       next, nparams);
    *out = xcalloc((size_t)ngroups, sizeof(TaskGroup));
    for (int k = 0; k < ngroups; k++)
        (*out)[k] =
            (TaskGroup){xstrdup(in[k].name), in[k].offset, in[k].size, in[k].rows, in[k].cols};
    *nout = ngroups;
    return 0;
}

static void free_groups(TaskGroup *g, int n) {
    for (int k = 0; g && k < n; k++) free((char *)g[k].name);
    free(g);
}

/* ---- schedulers ---- */

LRLAB_API LrlabScheduler *lrlab_scheduler_new(const char *name, const char *set,
                                              const LrlabRun *run, LrlabError *err) {
    Err e = {0};
    const SchedDef *def = name ? sched_find(name) : NULL;
    if (!def) {
        unknown("scheduler", name, lrlab_scheduler_count(), lrlab_scheduler_name, &e);
        return fail(err, &e), NULL;
    }
    LrlabScheduler *s = xcalloc(1, sizeof *s);
    snprintf(s->where, sizeof s->where, "scheduler \"%s\"", def->name);
    params_init(&s->p, def->params);
    int rc = 0;
    if (!run) rc = err_set(&e, EXIT_USAGE, s->where, "run: NULL (expected an LrlabRun)");
    else if (!(run->lr0 > 0) || !isfinite(run->lr0) || run->total_steps < 1 ||
             run->steps_per_epoch < 0 || run->eval_every < 0)
        rc = err_set(&e, EXIT_USAGE, s->where,
                     "run: lr0 %g, total_steps %lld, steps_per_epoch "
                     "%lld, eval_every %lld (expected lr0 > 0 finite, total_steps >= 1, the "
                     "others >= 0)",
                     run->lr0, (long long)run->total_steps, (long long)run->steps_per_epoch,
                     (long long)run->eval_every);
    if (rc == 0)
        rc = copy_groups(run->groups, run->ngroups, run->nparams, s->where, &s->groups,
                         &s->run.ngroups, &e);
    if (rc == 0) rc = settings(&s->p, set, s->where, &e);
    if (rc == 0) rc = params_check_required(&s->p, NULL, s->where, &e);
    if (rc == 0) {
        s->run.lr0 = run->lr0;
        s->run.total_steps = run->total_steps;
        s->run.steps_per_epoch = run->steps_per_epoch;
        s->run.eval_every = run->eval_every;
        s->run.groups = s->groups;
        s->run.nparams = run->nparams;
        s->elem = xcalloc(run->nparams ? run->nparams : 1, sizeof(float));
        rc = sched_create(&s->s, def, &s->p, &s->run, s->where, &e);
    }
    if (rc != 0) {
        fail(err, &e);
        lrlab_scheduler_free(s);
        return NULL;
    }
    return s;
}

LRLAB_API void lrlab_scheduler_free(LrlabScheduler *s) {
    if (!s) return;
    if (s->s.st) sched_destroy(&s->s);
    params_free(&s->p);
    free_groups(s->groups, s->run.ngroups);
    free(s->elem);
    free(s);
}

LRLAB_API unsigned lrlab_scheduler_needs(const LrlabScheduler *s) {
    LR_ASSERT(s);
    return s->s.def->needs;
}

LRLAB_API int lrlab_feature_count(void) { return SCHED_NFEATURES; }

/* lacks: the first thing the scheduler needs that the step does not give, or NULL. */
static const char *lacks(unsigned needs, const LrlabStep *st) {
    if ((needs & SCHED_NEEDS_GRAD) && (!st->w || !st->g)) return "w and g (LRLAB_NEEDS_GRAD)";
    if ((needs & SCHED_NEEDS_DIR) && !st->dir_prev)
        return "dir_prev, zeros before the first step (LRLAB_NEEDS_DIR)";
    if ((needs & SCHED_NEEDS_LOSS_EVAL) && !st->loss_at) return "loss_at (LRLAB_NEEDS_LOSS_EVAL)";
    if ((needs & SCHED_NEEDS_FEATURES) && !st->features) return "features (LRLAB_NEEDS_FEATURES)";
    return NULL;
}

LRLAB_API int lrlab_scheduler_lr(LrlabScheduler *s, const LrlabStep *step, double *group_lr,
                                 const float **elem_lr, LrlabError *err) {
    LR_ASSERT(s && step && group_lr);
    Err e = {0};
    const char *missing = lacks(s->s.def->needs, step);
    if (missing)
        return err_set(&e, EXIT_USAGE, s->where,
                       "step %lld: no %s (expected what "
                       "lrlab_scheduler_needs names)",
                       (long long)step->step, missing),
               fail(err, &e);
    if (step->step < 0)
        return err_set(&e, EXIT_USAGE, s->where, "step: %lld (expected >= 0)",
                       (long long)step->step),
               fail(err, &e);
    SchedStep ss = {.step = step->step,
                    .loss = step->loss,
                    .w = step->w,
                    .g = step->g,
                    .dir_prev = step->dir_prev,
                    .loss_at = step->loss_at,
                    .loss_ctx = step->loss_ctx,
                    .features = step->features,
                    .nfeatures = step->features ? SCHED_NFEATURES : 0};
    SchedLr out = {.group = group_lr, .elem = s->elem, .ngroups = s->run.ngroups};
    sched_lr(&s->s, &ss, &out);
    if (elem_lr) *elem_lr = out.elem_used ? s->elem : NULL;
    if (out.error)
        return err_set(&e, EXIT_RUN, s->where, "step %lld: %s", (long long)step->step, out.error),
               fail(err, &e);
    return 0;
}

LRLAB_API int lrlab_scheduler_observe(LrlabScheduler *s, LrlabSignal signal, int64_t step,
                                      double value, LrlabError *err) {
    LR_ASSERT(s);
    Err e = {0};
    if (signal != LRLAB_SIGNAL_TRAIN_STEP && signal != LRLAB_SIGNAL_EVAL)
        return err_set(&e, EXIT_USAGE, s->where,
                       "signal: %d (expected LRLAB_SIGNAL_TRAIN_STEP "
                       "or LRLAB_SIGNAL_EVAL)",
                       (int)signal),
               fail(err, &e);
    const char *why = sched_observe(
        &s->s, signal == LRLAB_SIGNAL_EVAL ? SIGNAL_EVAL : SIGNAL_TRAIN_STEP, step, value);
    if (why)
        return err_set(&e, EXIT_RUN, s->where, "step %lld: %s", (long long)step, why),
               fail(err, &e);
    return 0;
}

/* ---- optimizers ---- */

LRLAB_API LrlabOptimizer *lrlab_optimizer_new(const char *name, const char *set, size_t nparams,
                                              int ngroups, const LrlabGroup *groups,
                                              LrlabError *err) {
    Err e = {0};
    const OptimDef *def = name ? optim_find(name) : NULL;
    if (!def) {
        unknown("optimizer", name, lrlab_optimizer_count(), lrlab_optimizer_name, &e);
        return fail(err, &e), NULL;
    }
    LrlabOptimizer *o = xcalloc(1, sizeof *o);
    snprintf(o->where, sizeof o->where, "optimizer \"%s\"", def->name);
    params_init(&o->p, def->params);
    int rc = 0;
    if (nparams < 1) rc = err_set(&e, EXIT_USAGE, o->where, "nparams: 0 (expected >= 1)");
    if (rc == 0)
        rc = copy_groups(groups, ngroups, nparams, o->where, &o->task.groups, &o->task.ngroups, &e);
    if (rc == 0) rc = settings(&o->p, set, o->where, &e);
    if (rc == 0) rc = params_check_required(&o->p, NULL, o->where, &e);
    if (rc == 0) {
        o->task.n = nparams;
        rc = optim_create(&o->o, def, &o->p, &o->task, &e);
        /* the optimizers' own messages name the optimizer; a missing origin is the caller's */
    }
    if (rc != 0) {
        fail(err, &e);
        lrlab_optimizer_free(o);
        return NULL;
    }
    return o;
}

LRLAB_API void lrlab_optimizer_free(LrlabOptimizer *o) {
    if (!o) return;
    if (o->o.st) optim_destroy(&o->o);
    params_free(&o->p);
    free_groups(o->task.groups, o->task.ngroups);
    free(o);
}

LRLAB_API void lrlab_optimizer_step(LrlabOptimizer *o, float *w, const float *g,
                                    const double *group_lr, const float *elem_lr, float *dir) {
    LR_ASSERT(o && w && g && group_lr);
    o->t++;
    for (int k = 0; k < o->task.ngroups; k++) {
        const TaskGroup *grp = &o->task.groups[k];
        o->o.def->step(o->o.st, o->t, grp, w + grp->off, g + grp->off, group_lr[k],
                       elem_lr ? elem_lr + grp->off : NULL, dir ? dir + grp->off : NULL);
    }
}

LRLAB_API int64_t lrlab_optimizer_steps(const LrlabOptimizer *o) {
    LR_ASSERT(o);
    return o->t;
}

LRLAB_API void lrlab_optimizer_eval_point(LrlabOptimizer *o, float *w, int enter) {
    LR_ASSERT(o && w);
    if (o->o.def->eval_point) o->o.def->eval_point(o->o.st, w, o->task.n, enter != 0);
}

LRLAB_API double lrlab_clip_grad_norm(float *g, size_t n, double max_norm) {
    return optim_clip_grad_norm(g, n, max_norm);
}

/* ---- saving and resuming ---- */

static int give(Buf *b, void **blob, size_t *size) {
    *blob = xmalloc(b->len ? b->len : 1);
    memcpy(*blob, b->s, b->len);
    *size = b->len;
    buf_free(b);
    return 0;
}

LRLAB_API int lrlab_scheduler_save(const LrlabScheduler *s, void **blob, size_t *size,
                                   LrlabError *err) {
    LR_ASSERT(s && blob && size);
    Err e = {0};
    Buf b = {0};
    *blob = NULL;
    *size = 0;
    if (sched_save(&s->s, &b, NULL, &e) != 0) {
        buf_free(&b);
        return fail(err, &e);
    }
    return give(&b, blob, size);
}

LRLAB_API int lrlab_scheduler_load(LrlabScheduler *s, const void *blob, size_t size,
                                   LrlabError *err) {
    LR_ASSERT(s);
    Err e = {0};
    return sched_load(&s->s, blob, size, NULL, &e) != 0 ? fail(err, &e) : 0;
}

LRLAB_API int lrlab_optimizer_save(const LrlabOptimizer *o, void **blob, size_t *size,
                                   LrlabError *err) {
    LR_ASSERT(o && blob && size);
    Err e = {0};
    Buf b = {0};
    *blob = NULL;
    *size = 0;
    if (optim_save(&o->o, o->t, &b, NULL, &e) != 0) {
        buf_free(&b);
        return fail(err, &e);
    }
    return give(&b, blob, size);
}

LRLAB_API int lrlab_optimizer_load(LrlabOptimizer *o, const void *blob, size_t size,
                                   LrlabError *err) {
    LR_ASSERT(o);
    Err e = {0};
    int64_t t = 0;
    if (optim_load(&o->o, blob, size, &t, NULL, &e) != 0) return fail(err, &e);
    o->t = t;
    return 0;
}
