/* multistep.c - decay at chosen steps: the learning rate is multiplied by gamma at every
 * milestone (PyTorch MultiStepLR).
 *
 * lr(t) = lr0 * gamma^(number of milestones <= t), the closed form of
 * torch.optim.lr_scheduler.MultiStepLR. torch counts milestones with a Counter, so a milestone
 * listed twice applies gamma twice: milestones must be non-decreasing, not strictly increasing.
 * torch only fires a milestone when the step index equals it, so milestones are whole numbers
 * and a milestone beyond the run never fires. Left unset, the milestones are half and three
 * quarters of the run (rounded up), the common "decay at 50% and 75%" recipe (He et al., CVPR
 * 2016, on CIFAR-10).
 */
#include "schedulers/sched.h"

#include <math.h>
#include <stdlib.h>

static const ParamSpec params[] = {
    {"milestones", PARAM_LIST, NULL, 0, INFINITY, PARAM_OPTIONAL, NULL,
     "non-decreasing steps at which the lr is multiplied by gamma, a repeated step applying it "
     "again (unset: 50% and 75% of the run's total steps, rounded up)"},
    {"gamma", PARAM_NUM, "0.1", 0, INFINITY, PARAM_LO_OPEN, NULL,
     "factor applied at each milestone"},
    {0},
};

typedef struct {
    double lr0, gamma;
    double *milestones; /* [n], non-decreasing */
    int n;
} State;

static int check(const Params *p, const SchedRun *run, const char *where, Err *e) {
    if (!params_isset(p, "milestones")) return 0;
    int n;
    const double *m = params_list(p, "milestones", &n);
    for (int i = 0; i < n; i++) {
        if (m[i] != floor(m[i]))
            return err_set(e, EXIT_USAGE, where,
                           "scheduler \"multistep\": milestones: not a whole step at position %d "
                           "(expected an integer, got %g)",
                           i + 1, m[i]);
        if (i > 0 && m[i] < m[i - 1])
            return err_set(e, EXIT_USAGE, where,
                           "scheduler \"multistep\": milestones: decreasing at position %d "
                           "(expected at least %g, got %g)",
                           i + 1, m[i - 1], m[i]);
    }
    return 0;
}

static int init(void *st, const Params *p, const SchedRun *run, Err *e) {
    State *s = st;
    s->lr0 = run->lr0;
    s->gamma = params_num(p, "gamma");
    if (params_isset(p, "milestones")) {
        const double *m = params_list(p, "milestones", &s->n);
        s->milestones = xmalloc(sizeof(double) * (size_t)s->n);
        for (int i = 0; i < s->n; i++) s->milestones[i] = m[i];
    } else {
        s->n = 2;
        s->milestones = xmalloc(sizeof(double) * 2);
        s->milestones[0] = (double)((run->total_steps + 1) / 2);
        s->milestones[1] = (double)((3 * run->total_steps + 3) / 4);
    }
    return 0;
}

static void destroy(void *st) { free(((State *)st)->milestones); }

/* lr0 * gamma^k for k = 0 .. K, K the milestones within the run (a repeated one counting
 * twice); init derives the default milestones. */
static void bounds(const Params *p, const SchedRun *run, double *lo, double *hi) {
    State s;
    init(&s, p, run, NULL);
    int k = 0;
    while (k < s.n && s.milestones[k] <= (double)(run->total_steps - 1)) k++;
    double end = s.lr0 * pow(s.gamma, (double)k);
    *lo = fmin(s.lr0, end);
    *hi = fmax(s.lr0, end);
    destroy(&s);
}

static void lr(void *st, const SchedStep *step, SchedLr *out) {
    const State *s = st;
    int k = 0;
    while (k < s->n && s->milestones[k] <= (double)step->step) k++;
    sched_lr_fill(out, s->lr0 * pow(s->gamma, (double)k));
}

const SchedDef sched_multistep = {
    .name = "multistep",
    .version = 1,
    .summary = "multiply the base lr by gamma at each milestone step",
    .reference = "PyTorch MultiStepLR",
    .params = params,
    .state_size = sizeof(State),
    .check = check,
    .bounds = bounds,
    .init = init,
    .lr = lr,
    .destroy = destroy,
};
