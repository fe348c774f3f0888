/* sequential.c - schedulers one after another (PyTorch SequentialLR).
 *
 *   scheduler "sequential" {
 *     schedulers = { scheduler "linear" { start_factor = 0.1, total_iters = 100 },
 *                    scheduler "cosine" {} },
 *     milestones = { 100 },
 *   }
 *
 * Scheduler k runs from milestone k-1 (0 for the first) to milestone k, and sees its own
 * step count starting at 0 and a run as long as its segment (so cosine's default T_max is
 * the segment), as torch.optim.lr_scheduler.SequentialLR restarts each scheduler at its
 * milestone. Signals go to the scheduler of the current segment. From the command line:
 * --set 'schedulers=linear{start_factor=0.1;total_iters=100}|cosine{}' --set milestones=100.
 */
#include "schedulers/sched.h"

#include <math.h>
#include <stdlib.h>

static const void *resolve(const char *name, const ParamSpec **spec) {
    const SchedDef *d = sched_find(name);
    if (!d) return NULL;
    *spec = d->params;
    return d;
}

static const ParamSpec params[] = {
    {"schedulers", PARAM_COMPS, "linear{start_factor=0.1}|cosine{}", 0, 0, 0,
     "the registered schedulers", "the schedulers, in order", resolve},
    {"milestones", PARAM_LIST, NULL, 1, INFINITY, PARAM_INCREASING | PARAM_OPTIONAL, NULL,
     "steps where the next scheduler takes over, one fewer than the schedulers (default: "
     "equal segments)"},
    {0},
};

typedef struct {
    int n;
    Sched *kids;    /* [n] */
    int64_t *start; /* [n] first step of each segment */
    int cur;
} State;

/* Milestone k (1-based: the start of scheduler k): given, or k * total / n. */
static int64_t milestone(const Params *p, const SchedRun *run, int k) {
    int n, nm;
    params_comps(p, "schedulers", &n);
    const double *m = params_list(p, "milestones", &nm);
    if (m) return (int64_t)m[k - 1];
    return run->total_steps * k / n;
}

static int segment(const Params *p, const SchedRun *run, int k, SchedRun *sub) {
    int n;
    params_comps(p, "schedulers", &n);
    int64_t a = k == 0 ? 0 : milestone(p, run, k);
    int64_t b = k == n - 1 ? run->total_steps : milestone(p, run, k + 1);
    *sub = *run;
    sub->total_steps = b - a;
    return 0;
}

static int check(const Params *p, const SchedRun *run, const char *where, Err *e) {
    int n, nm;
    const ParamComp *c = params_comps(p, "schedulers", &n);
    const double *m = params_list(p, "milestones", &nm);
    if (!m) {
        if (run->total_steps < n)
            return err_set(e, EXIT_USAGE, where,
                           "scheduler \"sequential\": %d schedulers in a "
                           "run of %lld steps (expected at least one step each)",
                           n, (long long)run->total_steps);
        nm = 0;
    } else if (nm != n - 1)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"sequential\": milestones: %d for %d "
                       "schedulers (expected %d)",
                       nm, n, n - 1);
    for (int k = 0; k < nm; k++)
        if (m[k] != floor(m[k]) || m[k] >= (double)run->total_steps)
            return err_set(e, EXIT_USAGE, where,
                           "scheduler \"sequential\": milestones: %g at "
                           "position %d (expected whole steps below the run's %lld)",
                           m[k], k + 1, (long long)run->total_steps);
    for (int k = 0; k < n; k++) {
        const SchedDef *d = c[k].def;
        if (d->needs & (SCHED_NEEDS_DIR | SCHED_NEEDS_FEATURES | SCHED_NEEDS_SCRIPT))
            return err_set(e, EXIT_USAGE, where,
                           "scheduler \"sequential\": schedulers: entry "
                           "%d: \"%s\" cannot be sequenced (expected a scheduler that needs no "
                           "update direction, features or script)",
                           k + 1, d->name);
        SchedRun sub;
        segment(p, run, k, &sub);
        if (d->check && d->check(c[k].params, &sub, where, e) != 0) return -1;
    }
    return 0;
}

/* The union of the schedulers' bounds, each computed with its own segment's run (a NULL
 * bounds declaring [0, lr0]). */
static void bounds(const Params *p, const SchedRun *run, double *lo, double *hi) {
    int n;
    const ParamComp *c = params_comps(p, "schedulers", &n);
    *lo = INFINITY;
    *hi = 0;
    for (int k = 0; k < n; k++) {
        const SchedDef *d = c[k].def;
        SchedRun sub;
        segment(p, run, k, &sub);
        double a = 0, b = sub.lr0;
        if (d->bounds) d->bounds(c[k].params, &sub, &a, &b);
        *lo = fmin(*lo, a);
        *hi = fmax(*hi, b);
    }
}

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    const ParamComp *c = params_comps(p, "schedulers", &s->n);
    s->kids = xcalloc((size_t)s->n, sizeof(Sched));
    s->start = xcalloc((size_t)s->n, sizeof(int64_t));
    for (int k = 0; k < s->n; k++) {
        SchedRun sub;
        segment(p, run, k, &sub);
        s->start[k] = k == 0 ? 0 : milestone(p, run, k);
        if (sched_create(&s->kids[k], c[k].def, c[k].params, &sub, "sequential", e) != 0) {
            for (int j = 0; j < k; j++) sched_destroy(&s->kids[j]);
            return -1;
        }
    }
    return 0;
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    State *s = st;
    while (s->cur + 1 < s->n && step->step >= s->start[s->cur + 1]) s->cur++;
    SchedStep local = *step;
    local.step = step->step - s->start[s->cur];
    sched_lr(&s->kids[s->cur], &local, out);
}

static void observe(void *st, SignalKind kind, int64_t step, double value) {
    State *s = st;
    sched_observe(&s->kids[s->cur], kind, step - s->start[s->cur], value);
}

static void destroy(void *st) {
    State *s = st;
    for (int k = 0; k < s->n && s->kids; k++) sched_destroy(&s->kids[k]);
    free(s->kids);
    free(s->start);
}

/* The state that moves: the current segment and every segment's own state. */
static void state(void *st, StateIO *io) {
    State *s = st;
    state_int(io, &s->cur, 0, s->n - 1);
    for (int i = 0; i < s->n; i++) sched_state_visit(&s->kids[i], io);
}

const SchedDef sched_sequential = {
    .name = "sequential",
    .version = 1,
    .summary = "schedulers one after another, switching at milestones",
    .reference = "PyTorch SequentialLR",
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
