/* tune.c - the tuning stage (see tune.h). */
#define _GNU_SOURCE /* qsort_r */
#include "harness/engine/tune.h"

#include "harness/base/csvio.h"
#include "harness/base/fsutil.h"
#include "harness/engine/results.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int nseeds(const Experiment *ex) { return ex->ntune_seeds > 0 ? ex->ntune_seeds : 1; }

static int group_of(const Experiment *ex, const TunePoint *p) {
    return (p->ti * ex->noptims + p->oi) * ex->nscheds + p->si;
}

static void add_point(Tuning *tu, TunePoint pt, int round) {
    if (tu->npts == tu->cap) {
        tu->cap = tu->cap ? 2 * tu->cap : 16;
        tu->pts = xrealloc(tu->pts, sizeof(TunePoint) * (size_t)tu->cap);
        tu->round = xrealloc(tu->round, sizeof(int) * (size_t)tu->cap);
        tu->val = xrealloc(tu->val, sizeof(double) * (size_t)tu->cap * (size_t)nseeds(tu->ex));
    }
    tu->pts[tu->npts] = pt;
    tu->round[tu->npts++] = round;
}

/* mean: the value a point is ranked by: the mean over seeds, +inf when any is not finite. */
static double mean(const Tuning *tu, int i) {
    const int ns = nseeds(tu->ex);
    double s = 0;
    for (int k = 0; k < ns; k++) {
        double v = tu->val[(size_t)i * (size_t)ns + (size_t)k];
        if (!isfinite(v)) return INFINITY;
        s += v;
    }
    return s / ns;
}

/* before: point i comes before j in a group's order (lr, then combination). */
static int before(const Tuning *tu, int i, int j) {
    const TunePoint *a = &tu->pts[i], *b = &tu->pts[j];
    return a->lr < b->lr || (a->lr == b->lr && a->combo < b->combo);
}

/* choose: each group's best point: the lowest mean, the first in its order on ties (all
 * +inf: the first). */
static void choose(Tuning *tu) {
    for (int g = 0; g < tu->ngroups; g++) tu->best[g] = -1;
    for (int i = 0; i < tu->npts; i++) {
        int g = group_of(tu->ex, &tu->pts[i]), b = tu->best[g];
        double m = mean(tu, i), mb = b >= 0 ? mean(tu, b) : INFINITY;
        if (b < 0 || m < mb || (m == mb && before(tu, i, b))) tu->best[g] = i;
    }
    for (int g = 0; g < tu->ngroups; g++)
        if (tu->best[g] >= 0) {
            tu->lr_choice[g] = tu->pts[tu->best[g]].lr;
            tu->combo_choice[g] = tu->pts[tu->best[g]].combo;
        }
}

/* in_lr_range: x is a learning rate the optimizer's parameter table accepts. */
static int in_lr_range(double x) {
    const ParamSpec *s = param_find(cfg_optim_common, "lr");
    if (!isfinite(x)) return 0;
    if (x < s->lo || (x == s->lo && (s->flags & PARAM_LO_OPEN))) return 0;
    if (x > s->hi || (x == s->hi && (s->flags & PARAM_HI_OPEN))) return 0;
    return 1;
}

/* extend_group: after a round, group g's next point past the edge its choice sits on, with
 * every combination; sets its end. Returns the points added. */
static int extend_group(Tuning *tu, int g, int round) {
    const Experiment *ex = tu->ex;
    const TunePoint *b = &tu->pts[tu->best[g]];
    int ngrid;
    const double *grid = params_list(&ex->optims[b->oi].common, "lr", &ngrid);
    if (ngrid < 2) {
        tu->end[g] = "fixed";
        return 0;
    }
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < tu->npts; i++)
        if (group_of(ex, &tu->pts[i]) == g) {
            if (tu->pts[i].lr < lo) lo = tu->pts[i].lr;
            if (tu->pts[i].lr > hi) hi = tu->pts[i].lr;
        }
    const int low = b->lr == lo;
    if (!low && b->lr != hi) {
        tu->end[g] = "inside";
        return 0;
    }
    int *added = low ? &tu->ext_lo[g] : &tu->ext_hi[g];
    if (*added >= ex->tune_extend) {
        tu->end[g] = "edge-limit";
        return 0;
    }
    double next = low ? lo / (grid[1] / grid[0]) : hi * (grid[ngrid - 1] / grid[ngrid - 2]);
    if (isfinite(next)) { /* to 10 significant digits, as plan.csv and tuning.csv write it */
        char text[32];
        csvio_format_g10(next, text);
        next = strtod(text, NULL);
    }
    const int nc = ex->hyper ? ex->hyper[b->si].ncombo : 0;
    int ok = in_lr_range(next);
    for (int c = nc ? 0 : -1; ok && c < nc; c++) {
        TunePoint pt = {b->ti, b->oi, b->si, next, c};
        Err e;
        ok = plan_check_point(ex, &pt, &e) == 0;
    }
    if (!ok) {
        tu->end[g] = "edge-range";
        return 0;
    }
    for (int c = nc ? 0 : -1; c < nc; c++)
        add_point(tu, (TunePoint){b->ti, b->oi, b->si, next, c}, round + 1);
    (*added)++;
    tu->end[g] = "edge-limit"; /* until the next round decides */
    return nc ? nc : 1;
}

/* add_cells: the round's cells (p, built from the points from `from` on) to tu's record. */
static void add_cells(Tuning *tu, const Plan *p, int from) {
    const int ns = nseeds(tu->ex), n = tu->cells + p->n;
    tu->ids = xrealloc(tu->ids, sizeof *tu->ids * (size_t)n);
    tu->cell_point = xrealloc(tu->cell_point, sizeof(int) * (size_t)n);
    tu->cell_seed = xrealloc(tu->cell_seed, sizeof(int64_t) * (size_t)n);
    tu->cell_index = xrealloc(tu->cell_index, sizeof(int) * (size_t)n);
    for (int c = 0; c < p->n; c++) {
        memcpy(tu->ids[tu->cells + c], p->cells[c].id, 17);
        tu->cell_point[tu->cells + c] = from + c / ns;
        tu->cell_seed[tu->cells + c] = p->cells[c].seed;
        tu->cell_index[tu->cells + c] = c;
    }
    tu->cells = n;
}

int tune_run(const Experiment *ex, TuneRunFn run, TuneValueFn value, void *ctx, Tuning *tu,
             Err *e) {
    memset(tu, 0, sizeof *tu);
    tu->ex = ex;
    tu->ngroups = ex->ntasks * ex->noptims * ex->nscheds;
    tu->lr_choice = xcalloc((size_t)tu->ngroups + 1, sizeof(double));
    tu->combo_choice = xcalloc((size_t)tu->ngroups + 1, sizeof(int));
    tu->best = xcalloc((size_t)tu->ngroups + 1, sizeof(int));
    tu->ext_lo = xcalloc((size_t)tu->ngroups + 1, sizeof(int));
    tu->ext_hi = xcalloc((size_t)tu->ngroups + 1, sizeof(int));
    tu->end = xcalloc((size_t)tu->ngroups + 1, sizeof(char *));
    for (int g = 0; g < tu->ngroups; g++) tu->combo_choice[g] = -1;
    TunePoint *first = NULL;
    int n = plan_tuning_points(ex, &first);
    for (int i = 0; i < n; i++) add_point(tu, first[i], 1);
    free(first);
    const int ns = nseeds(ex), col = strcmp(ex->tune_by, "train_loss") == 0 ? 3 : 4;
    for (int from = 0, round = 1; from < tu->npts; round++) {
        Plan p;
        if (plan_build_points(ex, tu->pts + from, tu->npts - from, &p, e) != 0) return -1;
        int rc = run(ctx, &p, round, e);
        if (rc != 0) {
            plan_free(&p);
            return rc < 0 ? -1 : 1;
        }
        for (int c = 0; c < p.n; c++)
            if (value(ctx, &p.cells[c], col, &tu->val[(size_t)from * (size_t)ns + (size_t)c], e) !=
                0) {
                plan_free(&p);
                return -1;
            }
        add_cells(tu, &p, from);
        tu->rounds = round;
        plan_free(&p);
        from = tu->npts;
        choose(tu);
        for (int g = 0; g < tu->ngroups; g++)
            if (tu->best[g] >= 0) extend_group(tu, g, round);
    }
    choose(tu);
    return 0;
}

int tune_runs_of(const Tuning *tu, int si) {
    int n = 0;
    for (int i = 0; i < tu->npts; i++) n += tu->pts[i].si == si;
    return n * nseeds(tu->ex);
}

/* group_runs: tuning runs of group g. */
static int group_runs(const Tuning *tu, int g) {
    int n = 0;
    for (int i = 0; i < tu->npts; i++) n += group_of(tu->ex, &tu->pts[i]) == g;
    return n * nseeds(tu->ex);
}

static int cmp_order(const void *a, const void *b, void *arg) {
    const Tuning *tu = arg;
    int i = *(const int *)a, j = *(const int *)b;
    int gi = group_of(tu->ex, &tu->pts[i]), gj = group_of(tu->ex, &tu->pts[j]);
    if (gi != gj) return gi < gj ? -1 : 1;
    return before(tu, i, j) ? -1 : before(tu, j, i) ? 1 : 0;
}

int tune_write(const Tuning *tu, const char *dir, Err *e) {
    const Experiment *ex = tu->ex;
    const int ns = nseeds(ex);
    Buf b = {0};
    buf_printf(&b, "task,optimizer,scheduler,lr,%s,chosen", ex->tune_by);
    if (ex->tune_more) {
        buf_printf(&b, ",round,hyper,end,runs");
        for (int k = 0; k < ns; k++)
            buf_printf(&b, ",%s_seed%lld", ex->tune_by, (long long)ex->tune_seeds[k]);
    }
    buf_printf(&b, "\n");
    int *order = xcalloc((size_t)tu->npts + 1, sizeof(int));
    for (int i = 0; i < tu->npts; i++) order[i] = i;
    qsort_r(order, (size_t)tu->npts, sizeof(int), cmp_order, (void *)tu);
    for (int r = 0; r < tu->npts; r++) {
        const int i = order[r];
        const TunePoint *p = &tu->pts[i];
        const int g = group_of(ex, p);
        csvio_field(&b, ex->tasks[p->ti].label, 1);
        csvio_field(&b, ex->optims[p->oi].label, 0);
        csvio_field(&b, ex->scheds[p->si].label, 0);
        csvio_num(&b, p->lr, 0);
        csvio_num(&b, mean(tu, i), 0);
        csvio_int(&b, tu->best[g] == i, 0);
        if (ex->tune_more) {
            csvio_int(&b, tu->round[i], 0);
            csvio_field(&b, p->combo >= 0 ? ex->hyper[p->si].text[p->combo] : "", 0);
            csvio_field(&b, tu->end[g] ? tu->end[g] : "", 0);
            csvio_int(&b, group_runs(tu, g), 0);
            for (int k = 0; k < ns; k++)
                csvio_num(&b, tu->val[(size_t)i * (size_t)ns + (size_t)k], 0);
        }
        csvio_end(&b);
    }
    free(order);
    char path[FS_PATH_MAX];
    int rc = fs_path(path, sizeof path, e, "%s/tuning.csv", dir);
    if (rc == 0) rc = fs_write_atomic(path, b.s, b.len, e);
    buf_free(&b);
    if (rc != 0) return rc;
    buf_printf(&b, "cell,round,index,task,optimizer,scheduler,lr,hyper,seed\n");
    for (int c = 0; c < tu->cells; c++) {
        const TunePoint *p = &tu->pts[tu->cell_point[c]];
        csvio_field(&b, tu->ids[c], 1);
        csvio_int(&b, tu->round[tu->cell_point[c]], 0);
        csvio_int(&b, tu->cell_index[c], 0);
        csvio_field(&b, ex->tasks[p->ti].label, 0);
        csvio_field(&b, ex->optims[p->oi].label, 0);
        csvio_field(&b, ex->scheds[p->si].label, 0);
        csvio_num(&b, p->lr, 0);
        csvio_field(&b, p->combo >= 0 ? ex->hyper[p->si].text[p->combo] : "", 0);
        csvio_int(&b, tu->cell_seed[c], 0);
        csvio_end(&b);
    }
    rc = fs_path(path, sizeof path, e, "%s/tuning-cells.csv", dir);
    if (rc == 0) rc = fs_write_atomic(path, b.s, b.len, e);
    buf_free(&b);
    return rc;
}

void tune_free(Tuning *tu) {
    free(tu->pts);
    free(tu->round);
    free(tu->val);
    free(tu->lr_choice);
    free(tu->combo_choice);
    free(tu->best);
    free(tu->ext_lo);
    free(tu->ext_hi);
    free(tu->end);
    free(tu->ids);
    free(tu->cell_point);
    free(tu->cell_seed);
    free(tu->cell_index);
    memset(tu, 0, sizeof *tu);
}
