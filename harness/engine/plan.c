/* plan.c - plan expansion, canonical cell configuration and ids (see plan.h). */
#include "harness/engine/plan.h"

#include "harness/base/memlimit.h"
#include "harness/engine/train.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t plan_fnv1a(const char *s) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

/* comp_version: the version of the component's definition (TaskDef, OptimDef, SchedDef). */
static int comp_version(const CompCfg *c) {
    return c->kind == KIND_TASK    ? c->task->version
           : c->kind == KIND_OPTIM ? c->optim->version
                                   : c->sched->version;
}

/* comp_name: the component's registry name, then "@vN" for a version N above 1: the text of
 * version 1 is the one ids had before components had versions, so those ids stay. */
static void comp_name(Buf *b, const CompCfg *c) {
    buf_printf(b, "%s", c->name);
    if (comp_version(c) > 1) buf_printf(b, "@v%d", comp_version(c));
}

static void canon(Cell *c) {
    Buf b = {0};
    Params common = c->task->common;
    buf_printf(&b, "lrlab-cell 1\ntask=");
    comp_name(&b, c->task);
    buf_printf(&b, "{");
    params_dump(&c->task->p, &b);
    buf_printf(&b, "}\nsteps=%lld;eval_every=%lld;diverge_factor=", (long long)c->steps,
               (long long)c->eval_every);
    buf_num(&b, params_num(&common, "diverge_factor"));
    buf_printf(&b, "\noptimizer=");
    comp_name(&b, c->optim);
    buf_printf(&b, "{");
    params_dump(&c->optim->p, &b);
    buf_printf(&b, "}\nlr=");
    buf_num(&b, c->lr0);
    buf_printf(&b, ";clip_norm=");
    if (params_isset(&c->optim->common, "clip_norm"))
        buf_num(&b, params_num(&c->optim->common, "clip_norm"));
    buf_printf(&b, "\nscheduler=");
    comp_name(&b, c->sched);
    buf_printf(&b, "{");
    params_dump(c->sp, &b);
    buf_printf(&b, "}\nwarmup_steps=%lld;warmup_start_factor=",
               (long long)params_int(&c->sched->common, "warmup_steps"));
    buf_num(&b, params_num(&c->sched->common, "warmup_start_factor"));
    buf_printf(&b, "\nseed=%lld\n", (long long)c->seed);
    c->canon = b.s;
    snprintf(c->id, sizeof c->id, "%016llx", (unsigned long long)plan_fnv1a(b.s));
}

static int grid_size(const CompCfg *o) {
    int n;
    params_list(&o->common, "lr", &n);
    return n;
}

static int64_t eval_every_of(const CompCfg *t, int64_t steps) {
    return params_isset(&t->common, "eval_every") ? params_int(&t->common, "eval_every")
                                                  : (steps >= 20 ? steps / 20 : 1);
}

/* Validates one (task, optimizer, scheduler) at a learning rate; 0 or -1 with e set. */
static int check_combo(const CompCfg *t, const CompCfg *s, const Params *sp, double lr0, Err *e) {
    int64_t steps = params_int(&t->common, "steps");
    int64_t every = eval_every_of(t, steps);
    if (every > steps)
        return err_set(e, EXIT_USAGE, t->where,
                       "task \"%s\": eval_every: longer than the run (expected at most %lld, "
                       "got %lld)",
                       t->name, (long long)steps, (long long)every);
    int64_t warm = params_int(&s->common, "warmup_steps");
    if (warm >= steps)
        return err_set(e, EXIT_USAGE, s->where,
                       "scheduler \"%s\": warmup_steps: longer than the run of task \"%s\" "
                       "(expected at most %lld, got %lld)",
                       s->name, t->label, (long long)steps - 1, (long long)warm);
    /* a cell holds its evaluations in memory (EvalRow, then about 128 bytes of CSV text
     * each) and up to 1,002 curve rows: refused here rather than at train time, where the
     * worker would die of it on every resume */
    const double need = ((double)(steps / every) + NSTAGES + 2) * (sizeof(EvalRow) + 128.0) +
                        1002.0 * (sizeof(CurveRow) + 128.0);
    if (need > (double)memlimit_cell_bytes()) {
        err_set(e, EXIT_USAGE, t->where,
                "task \"%s\": steps %lld with eval_every %lld need %.1f GB for one cell's "
                "evaluations (expected at most %s)",
                t->label, (long long)steps, (long long)every, need / 1e9, memlimit_describe());
        err_hint(e, "evaluate less often (a larger eval_every) or train fewer steps");
        return -1;
    }
    SchedRun run = {.lr0 = lr0, .total_steps = steps, .eval_every = every};
    if (s->sched->check && s->sched->check(sp, &run, s->where, e) != 0) return -1;
    return 0;
}

static void add_cell(Plan *p, const CompCfg *t, const CompCfg *o, const CompCfg *s, int64_t seed,
                     double lr0, int combo) {
    Cell *c = &p->cells[p->n];
    c->index = p->n++;
    c->task = t, c->optim = o, c->sched = s;
    const TuneHyper *h = p->ex->hyper ? &p->ex->hyper[s - p->ex->scheds] : NULL;
    c->combo = h && combo >= 0 && combo < h->ncombo ? combo : -1;
    c->sp = c->combo >= 0 ? &h->combo[c->combo] : &s->p;
    c->seed = seed;
    c->steps = params_int(&t->common, "steps");
    c->eval_every = eval_every_of(t, c->steps);
    c->lr0 = lr0;
    canon(c);
}

static int by_id(const void *a, const void *b) {
    const Cell *x = *(const Cell *const *)a, *y = *(const Cell *const *)b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* unique_ids: sorted, not pairwise (a plan of a million cells would take hours); reports the
 * pair whose later cell comes first in plan order, as a scan in plan order would. */
static int unique_ids(const Plan *p, const Experiment *ex, Err *e) {
    const Cell **c = xcalloc((size_t)p->n + 1, sizeof(Cell *));
    for (int i = 0; i < p->n; i++) c[i] = &p->cells[i];
    qsort(c, (size_t)p->n, sizeof *c, by_id);
    int i = -1, j = -1;
    for (int k = 1; k < p->n; k++) { /* c[k] the second of its group: c[k - 1] the first */
        int second =
            strcmp(c[k]->id, c[k - 1]->id) == 0 && (k == 1 || strcmp(c[k - 2]->id, c[k]->id) != 0);
        if (second && (i < 0 || c[k]->index < i)) i = c[k]->index, j = c[k - 1]->index;
    }
    free(c);
    if (i >= 0)
        return err_set(e, EXIT_USAGE, ex->where,
                       "experiment: cells %d and %d are the same run (expected distinct "
                       "configurations; two entries differ only in their label)",
                       j + 1, i + 1);
    return 0;
}

/* too_many: refuses a plan past PLAN_MAX_CELLS before anything is allocated for it. */
#define PLAN_MAX_CELLS 1000000
static int too_many(const Experiment *ex, double n, const char *what, Err *e) {
    if (n <= PLAN_MAX_CELLS) return 0;
    return err_set(e, EXIT_USAGE, ex->where,
                   "experiment: too many %s (expected at most %d, got "
                   "%.0f = %d task(s) x %d optimizer(s) x %d scheduler(s) x %d seed(s))",
                   what, PLAN_MAX_CELLS, n, ex->ntasks, ex->noptims, ex->nscheds, ex->nseeds);
}

/* ncombo: the combinations of scheduler si's hyperparameter grid, 0 without one. */
static int ncombo(const Experiment *ex, int si) { return ex->hyper ? ex->hyper[si].ncombo : 0; }

int plan_tuned(const Experiment *ex, int oi, int si) {
    return grid_size(&ex->optims[oi]) > 1 || ncombo(ex, si) > 0;
}

/* check_all: every lr of the grid with every combination (or the choice's). */
static int check_all(const Experiment *ex, int ti, int oi, int si, const double *lr_choice,
                     const int *combo_choice, Err *e) {
    const CompCfg *t = &ex->tasks[ti], *s = &ex->scheds[si];
    int ngrid, k = (ti * ex->noptims + oi) * ex->nscheds + si;
    const double *grid = params_list(&ex->optims[oi].common, "lr", &ngrid);
    int nc = ncombo(ex, si);
    for (int g = 0; g < ngrid; g++)
        for (int c = nc ? 0 : -1; c < nc; c++) {
            double lr = ngrid > 1 && lr_choice ? lr_choice[k] : grid[g];
            int cb = nc && combo_choice ? combo_choice[k] : c;
            if (check_combo(t, s, cb >= 0 ? &ex->hyper[si].combo[cb] : &s->p, lr, e) != 0)
                return -1;
        }
    return 0;
}

int plan_build(const Experiment *ex, const double *lr_choice, const int *combo_choice, Plan *p,
               Err *e) {
    p->ex = ex;
    p->n = 0;
    p->cells = NULL;
    if (too_many(ex, (double)ex->ntasks * ex->noptims * ex->nscheds * ex->nseeds, "cells", e))
        return -1;
    p->cells =
        xcalloc((size_t)ex->ntasks * ex->noptims * ex->nscheds * ex->nseeds + 1, sizeof(Cell));
    for (int ti = 0; ti < ex->ntasks; ti++) {
        const CompCfg *t = &ex->tasks[ti];
        for (int oi = 0; oi < ex->noptims; oi++) {
            const CompCfg *o = &ex->optims[oi];
            int ngrid;
            const double *grid = params_list(&o->common, "lr", &ngrid);
            if (ngrid > 1 && !ex->tune) {
                plan_free(p);
                return err_set(e, EXIT_USAGE, o->where,
                               "optimizer \"%s\": lr: a grid of %d values needs a tuning stage "
                               "(expected one lr, or tune = { seed = S } in the experiment)",
                               o->name, ngrid);
            }
            for (int si = 0; si < ex->nscheds; si++) {
                const CompCfg *s = &ex->scheds[si];
                const int k = (ti * ex->noptims + oi) * ex->nscheds + si;
                double lr0 = grid[0];
                if (ngrid > 1 && lr_choice) lr0 = lr_choice[k];
                int combo = ncombo(ex, si) && combo_choice ? combo_choice[k] : -1;
                if (check_all(ex, ti, oi, si, lr_choice, combo_choice, e) != 0) {
                    plan_free(p);
                    return -1;
                }
                for (int di = 0; di < ex->nseeds; di++)
                    add_cell(p, t, o, s, ex->seeds[di], lr0, combo);
            }
        }
    }
    if (unique_ids(p, ex, e) != 0) {
        plan_free(p);
        return -1;
    }
    return 0;
}

int plan_tuning_points(const Experiment *ex, TunePoint **pts) {
    int n = 0, cap = 16;
    *pts = xcalloc((size_t)cap, sizeof(TunePoint));
    for (int ti = 0; ti < ex->ntasks; ti++)
        for (int oi = 0; oi < ex->noptims; oi++) {
            int ngrid;
            const double *grid = params_list(&ex->optims[oi].common, "lr", &ngrid);
            for (int si = 0; si < ex->nscheds; si++) {
                if (!plan_tuned(ex, oi, si)) continue;
                int nc = ncombo(ex, si);
                for (int g = 0; g < ngrid; g++)
                    for (int c = nc ? 0 : -1; c < nc; c++) {
                        if (n == cap) *pts = xrealloc(*pts, sizeof(TunePoint) * (size_t)(cap *= 2));
                        (*pts)[n++] = (TunePoint){ti, oi, si, grid[g], c};
                    }
            }
        }
    return n;
}

int plan_build_points(const Experiment *ex, const TunePoint *pts, int n, Plan *p, Err *e) {
    p->ex = ex;
    p->n = 0;
    p->cells = NULL;
    const int ns = ex->ntune_seeds > 0 ? ex->ntune_seeds : 1;
    if (too_many(ex, (double)n * ns, "tuning cells", e)) return -1;
    p->cells = xcalloc((size_t)n * (size_t)ns + 1, sizeof(Cell));
    for (int i = 0; i < n; i++)
        for (int k = 0; k < ns; k++)
            add_cell(p, &ex->tasks[pts[i].ti], &ex->optims[pts[i].oi], &ex->scheds[pts[i].si],
                     ex->ntune_seeds > 0 ? ex->tune_seeds[k] : ex->tune_seed, pts[i].lr,
                     pts[i].combo);
    return unique_ids(p, ex, e) != 0 ? (plan_free(p), -1) : 0;
}

int plan_build_tuning(const Experiment *ex, Plan *p, Err *e) {
    TunePoint *pts = NULL;
    int n = ex->tune ? plan_tuning_points(ex, &pts) : 0;
    int rc = plan_build_points(ex, pts, n, p, e);
    free(pts);
    return rc;
}

int plan_check_point(const Experiment *ex, const TunePoint *pt, Err *e) {
    const CompCfg *s = &ex->scheds[pt->si];
    return check_combo(&ex->tasks[pt->ti], s,
                       pt->combo >= 0 ? &ex->hyper[pt->si].combo[pt->combo] : &s->p, pt->lr, e);
}

void plan_free(Plan *p) {
    for (int i = 0; i < p->n; i++) free(p->cells[i].canon);
    free(p->cells);
    p->cells = NULL;
    p->n = 0;
}

/* dump_comp: one component's line; for a person (human) its parameters as params_describe
 * gives them, else as the canonical dump. */
static void dump_comp(Buf *out, const CompCfg *c, int human) {
    void (*dump)(const Params *, Buf *) = human ? params_describe : params_dump;
    buf_printf(out, "  %-9s %-16s %s \"%s\" {", cfg_kind_name(c->kind), c->label,
               cfg_kind_name(c->kind), c->name);
    Buf b = {0};
    dump(&c->common, &b);
    if (b.len) buf_printf(out, " %s;", b.s);
    buf_free(&b);
    dump(&c->p, &b);
    buf_printf(out, " %s }  -- %s\n", b.s ? b.s : "", c->where);
    buf_free(&b);
}

void plan_describe(const Plan *p, Buf *out, int max_rows, int human) {
    const Experiment *ex = p->ex;
    buf_printf(out, "experiment %s (%s)\n", ex->name, ex->where);
    buf_printf(out, "cells: %d = %d task(s) x %d optimizer(s) x %d scheduler(s) x %d seed(s)\n",
               p->n, ex->ntasks, ex->noptims, ex->nscheds, ex->nseeds);
    buf_printf(out, "resolved components:\n");
    for (int i = 0; i < ex->ntasks; i++) dump_comp(out, &ex->tasks[i], human);
    for (int i = 0; i < ex->noptims; i++) dump_comp(out, &ex->optims[i], human);
    for (int i = 0; i < ex->nscheds; i++) dump_comp(out, &ex->scheds[i], human);
    if (max_rows == 0) return; /* the components only */
    buf_printf(out, "%-5s %-16s %-18s %-12s %-12s %8s %8s %6s\n", "cell", "id", "task", "optimizer",
               "scheduler", "seed", "steps", "eval");
    for (int i = 0; i < p->n && (max_rows < 0 || i < max_rows); i++) {
        const Cell *c = &p->cells[i];
        buf_printf(out, "%-5d %-16s %-18s %-12s %-12s %8lld %8lld %6lld\n", i + 1, c->id,
                   c->task->label, c->optim->label, c->sched->label, (long long)c->seed,
                   (long long)c->steps, (long long)c->eval_every);
    }
    if (max_rows >= 0 && p->n > max_rows) buf_printf(out, "... %d more\n", p->n - max_rows);
}

/* versions_of: " name N, name N" for the distinct registry names of n components, in
 * first-use order. */
static void versions_of(Buf *out, const CompCfg *c, int n) {
    int first = 1;
    for (int i = 0; i < n; i++) {
        int seen = 0;
        for (int j = 0; j < i && !seen; j++) seen = strcmp(c[j].name, c[i].name) == 0;
        if (seen) continue;
        buf_printf(out, "%s %s %d", first ? "" : ",", c[i].name, comp_version(&c[i]));
        first = 0;
    }
}

void plan_versions(const Experiment *ex, Buf *out) {
    buf_printf(out, "versions: task");
    versions_of(out, ex->tasks, ex->ntasks);
    buf_printf(out, "; optimizer");
    versions_of(out, ex->optims, ex->noptims);
    buf_printf(out, "; scheduler");
    versions_of(out, ex->scheds, ex->nscheds);
    buf_printf(out, "\n");
}
