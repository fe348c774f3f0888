/* train.c - the training loop of one cell (see train.h). */
#include "harness/engine/train.h"

#include "harness/base/clock.h"
#include "harness/optim/optim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cell_status_name(int status) {
    return status == CELL_OK ? "ok" : status == CELL_DIVERGED ? "diverged" : "failed";
}

static double loss_at_cb(void *ctx, const float *w) {
    Task *t = ctx;
    return t->def->loss_at(t, w);
}

/* The task's metrics at the optimizer's evaluation point (OptimDef.eval_point: the average x
 * of a schedule-free optimizer), the training point put back after; at the parameters
 * themselves for every other optimizer. Every evaluation of a cell goes through here. */
static void evaluate_at(Task *t, const Optim *o, double *metrics) {
    if (o->def->eval_point) o->def->eval_point(o->st, t->w, t->n, 1);
    t->def->evaluate(t, metrics);
    if (o->def->eval_point) o->def->eval_point(o->st, t->w, t->n, 0);
}

static int64_t stage_step(int64_t steps, int pct) {
    int64_t s = (steps * pct + 99) / 100;
    return s < 1 ? 1 : s;
}

/* ---- the feature vector of learned schedules (sched.h, FEAT_*) ---- */

/* What the loop keeps between steps to fill it: fixed size, nothing allocated per step. */
typedef struct Features {
    double x[SCHED_NFEATURES];
    double ema, beta_t;                /* EMA of the minibatch loss, uncorrected; beta^t */
    double log_ema[SCHED_FEAT_WINDOW]; /* log of the corrected EMA at step s, in slot s % W */
    double val_prev, val_last;         /* validation losses of the last two evaluations */
    int nval;
    double lr_prev; /* the scheduler's group-0 lr of the previous step */
    int clipped;    /* the bound capped some group on the previous step */
} Features;

static double log_floor(double x) { return log(x > 1e-30 ? x : 1e-30); }

static void features_eval(Features *f, double val_loss) {
    f->val_prev = f->val_last;
    f->val_last = val_loss;
    f->nval++;
}

/* Fills f->x at step `step`, given this step's minibatch loss, the task's gradient and the
 * smallest stability bound of the groups (NAN without one). */
static void features_step(Features *f, const Task *t, int64_t step, int64_t total, double loss,
                          double bound) {
    f->ema = SCHED_FEAT_BETA * f->ema + (1.0 - SCHED_FEAT_BETA) * loss;
    f->beta_t *= SCHED_FEAT_BETA;
    double le = log_floor(f->ema / (1.0 - f->beta_t));
    const int64_t W = SCHED_FEAT_WINDOW;
    double back = step == 0 ? le : f->log_ema[step >= W ? step % W : 0]; /* E of step t - W */
    f->log_ema[step % W] = le;
    f->x[FEAT_LOG_LR] = log_floor(f->lr_prev);
    f->x[FEAT_PROGRESS] = (double)step / (double)total;
    f->x[FEAT_TRAIN_TREND] = le - back;
    f->x[FEAT_VAL_TREND] = f->nval >= 2 ? log_floor(f->val_last) - log_floor(f->val_prev) : 0.0;
    f->x[FEAT_CLIPPED] = f->clipped;
    f->x[FEAT_LR_BOUND] = bound > 0 && isfinite(bound) ? log_floor(f->lr_prev) - log(bound) : 0;
    for (int gi = 0; gi < SCHED_FEAT_GROUPS; gi++) {
        double ss = 0;
        if (gi < t->ngroups) {
            const float *g = t->g + t->groups[gi].off;
            for (size_t i = 0; i < t->groups[gi].n; i++) ss += (double)g[i] * g[i];
        }
        f->x[FEAT_LOG_GRAD + gi] = gi < t->ngroups ? log_floor(sqrt(ss)) : 0.0;
    }
    f->x[FEAT_LOG_VAL] = log_floor(f->val_last);
}

static double mean_lr(const SchedLr *lr, const Task *t) {
    if (lr->elem_used) {
        double s = 0;
        for (size_t i = 0; i < t->n; i++) s += lr->elem[i];
        return s / (double)t->n;
    }
    return lr->group[0];
}

int train_cell(const Cell *c, const TaskEnv *env, CellResult *r, Err *e) {
    memset(r, 0, sizeof *r);
    r->diverged_step = -1;
    Task task;
    if (task_create(&task, c->task->task, &c->task->p, (uint64_t)c->seed, env, c->task->where, e) !=
        0)
        return -1;
    Optim opt;
    if (optim_create(&opt, c->optim->optim, &c->optim->p, &task, e) != 0) {
        task_destroy(&task);
        return -1;
    }
    const SchedDef *sd = c->sched->sched;
    SchedRun run = {.lr0 = c->lr0,
                    .total_steps = c->steps,
                    .steps_per_epoch = task.steps_per_epoch,
                    .eval_every = c->eval_every,
                    .ngroups = task.ngroups,
                    .groups = task.groups,
                    .nparams = task.n,
                    .lua = c->sched->lua};
    Sched sched;
    if (sched_create(&sched, sd, c->sp ? c->sp : &c->sched->p, &run, c->sched->where, e) != 0) {
        optim_destroy(&opt);
        task_destroy(&task);
        return -1;
    }
    double t0 = clock_now();
    const int ng = task.ngroups;
    double *group_lr = xcalloc((size_t)ng, sizeof(double));
    double *bound = xcalloc((size_t)ng, sizeof(double));
    float *elem_lr = xcalloc(task.n, sizeof(float));
    float *dir = (sd->needs & SCHED_NEEDS_DIR) ? xcalloc(task.n, sizeof(float)) : NULL;
    SchedLr lr = {.group = group_lr, .elem = elem_lr, .ngroups = ng};
    const double clip_norm = params_isset(&c->optim->common, "clip_norm")
                                 ? params_num(&c->optim->common, "clip_norm")
                                 : 0;
    const double diverge = params_num(&c->task->common, "diverge_factor");
    const int64_t warmup = params_int(&c->sched->common, "warmup_steps");
    const double warm0 = params_num(&c->sched->common, "warmup_start_factor");
    const int64_t curve_every = c->steps > 1000 ? (c->steps + 999) / 1000 : 1;
    r->curve = xcalloc((size_t)(c->steps / curve_every + 2), sizeof(CurveRow));
    r->evals = xcalloc((size_t)(c->steps / c->eval_every + NSTAGES + 2), sizeof(EvalRow));
    int64_t stage_at[NSTAGES];
    for (int k = 0; k < NSTAGES; k++) stage_at[k] = stage_step(c->steps, stage_pct[k]);

    const int want_features = (sd->needs & SCHED_NEEDS_FEATURES) != 0;
    Features feat = {.beta_t = 1, .lr_prev = c->lr0};
    double metrics[METRIC_MAX];
    evaluate_at(&task, &opt, metrics);
    features_eval(&feat, metrics[METRIC_VAL_LOSS]);
    r->evals[r->nevals++] = (EvalRow){0, metrics[METRIC_TRAIN_LOSS], metrics[METRIC_VAL_LOSS],
                                      metrics[METRIC_TASK], c->lr0};
    double first = NAN, acc = 0, last_lr = c->lr0;
    int64_t nacc = 0;
    for (int64_t step = 0; step < c->steps; step++) {
        double loss = task.def->train_step(&task, step);
        if (step == 0) first = loss;
        if (!isfinite(loss) || loss > diverge * fabs(first)) {
            r->status = CELL_DIVERGED;
            r->diverged_step = step;
            snprintf(r->reason, sizeof r->reason, "%s training loss %g at step %lld",
                     isfinite(loss) ? "exploding" : "non-finite", loss, (long long)step);
            break;
        }
        if (want_features) {
            double tightest = NAN; /* lr_bound has no side effect: the cap below calls it again */
            if (task.clip_lr && task.def->lr_bound) {
                task.def->lr_bound(&task, bound);
                for (int gi = 0; gi < ng; gi++)
                    if (isnan(tightest) || bound[gi] < tightest) tightest = bound[gi];
            }
            features_step(&feat, &task, step, c->steps, loss, tightest);
        }
        SchedStep ss = {.step = step,
                        .loss = loss,
                        .w = task.w,
                        .g = task.g,
                        .dir_prev = dir,
                        .loss_at = loss_at_cb,
                        .loss_ctx = &task,
                        .features = want_features ? feat.x : NULL,
                        .nfeatures = want_features ? SCHED_NFEATURES : 0};
        sched_lr(&sched, &ss, &lr);
        feat.lr_prev = group_lr[0];
        feat.clipped = 0;
        if (lr.error) {
            r->status = CELL_FAILED;
            snprintf(r->reason, sizeof r->reason, "scheduler at step %lld: %s", (long long)step,
                     lr.error);
            break;
        }
        if (step < warmup) { /* linear warmup scales whatever the scheduler chose */
            double f = warm0 + (1.0 - warm0) * (double)step / (double)warmup;
            for (int gi = 0; gi < ng; gi++) group_lr[gi] *= f;
            if (lr.elem_used)
                for (size_t i = 0; i < task.n; i++) elem_lr[i] = (float)(elem_lr[i] * f);
        }
        if (task.clip_lr && task.def->lr_bound) {
            task.def->lr_bound(&task, bound);
            for (int gi = 0; gi < ng; gi++)
                if (group_lr[gi] > bound[gi]) {
                    group_lr[gi] = bound[gi];
                    r->lr_clips++;
                    feat.clipped = 1;
                }
        }
        if (clip_norm > 0) optim_clip_grad_norm(task.g, task.n, clip_norm);
        for (int gi = 0; gi < ng; gi++) {
            const TaskGroup *grp = &task.groups[gi];
            opt.def->step(opt.st, step + 1, grp, task.w + grp->off, task.g + grp->off, group_lr[gi],
                          lr.elem_used ? elem_lr + grp->off : NULL, dir ? dir + grp->off : NULL);
        }
        if (task.def->project) task.def->project(&task);
        last_lr = mean_lr(&lr, &task);
        acc += loss;
        nacc++;
        if ((step + 1) % curve_every == 0 || step + 1 == c->steps) {
            r->curve[r->ncurve++] = (CurveRow){step + 1, last_lr, acc / (double)nacc};
            acc = 0;
            nacc = 0;
        }
        const char *why = sched_observe(&sched, SIGNAL_TRAIN_STEP, step, loss);
        if (why) {
            r->status = CELL_FAILED;
            snprintf(r->reason, sizeof r->reason, "scheduler at step %lld: %s", (long long)step,
                     why);
            break;
        }
        const int64_t done = step + 1;
        int stage = -1;
        for (int k = 0; k < NSTAGES; k++)
            if (stage_at[k] == done) stage = k;
        if (done % c->eval_every != 0 && stage < 0) continue;
        evaluate_at(&task, &opt, metrics);
        r->evals[r->nevals++] = (EvalRow){done, metrics[METRIC_TRAIN_LOSS],
                                          metrics[METRIC_VAL_LOSS], metrics[METRIC_TASK], last_lr};
        if (!isfinite(metrics[METRIC_TRAIN_LOSS]) || !isfinite(metrics[METRIC_VAL_LOSS])) {
            r->status = CELL_DIVERGED;
            r->diverged_step = step;
            snprintf(r->reason, sizeof r->reason, "non-finite evaluation at step %lld",
                     (long long)done);
            break;
        }
        for (int k = 0; k < NSTAGES; k++)
            if (stage_at[k] == done)
                r->stages[k] = (StageRow){done,
                                          1,
                                          metrics[METRIC_TRAIN_LOSS],
                                          metrics[METRIC_VAL_LOSS],
                                          metrics[METRIC_TASK],
                                          last_lr};
        features_eval(&feat, metrics[METRIC_VAL_LOSS]);
        why = sched_observe(&sched, SIGNAL_EVAL, step, metrics[METRIC_VAL_LOSS]);
        if (why) { /* the step did not end well: its stage is not reached */
            r->status = CELL_FAILED;
            snprintf(r->reason, sizeof r->reason, "scheduler at step %lld: %s", (long long)step,
                     why);
            for (int k = 0; k < NSTAGES; k++)
                if (stage_at[k] == done) r->stages[k].reached = 0;
            break;
        }
    }
    for (int k = 0; k < NSTAGES; k++)
        if (!r->stages[k].reached) r->stages[k] = (StageRow){stage_at[k], 0, NAN, NAN, NAN, NAN};
    r->loss_evals = lr.loss_evals;
    r->seconds = clock_now() - t0;
    free(group_lr);
    free(bound);
    free(elem_lr);
    free(dir);
    sched_destroy(&sched);
    optim_destroy(&opt);
    task_destroy(&task);
    return 0;
}

void cell_result_free(CellResult *r) {
    free(r->curve);
    free(r->evals);
    memset(r, 0, sizeof *r);
}
