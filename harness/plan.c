/* plan.c - plan expansion, canonical cell configuration and ids (see plan.h). */
#include "harness/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t plan_fnv1a(const char *s) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

static void canon(Cell *c) {
    Buf b = {0};
    Params common = c->task->common;
    buf_printf(&b, "lrlab-cell 1\ntask=%s{", c->task->name);
    params_dump(&c->task->p, &b);
    buf_printf(&b, "}\nsteps=%lld;eval_every=%lld;diverge_factor=", (long long)c->steps,
               (long long)c->eval_every);
    buf_num(&b, params_num(&common, "diverge_factor"));
    buf_printf(&b, "\noptimizer=%s{", c->optim->name);
    params_dump(&c->optim->p, &b);
    buf_printf(&b, "}\nlr=");
    buf_num(&b, c->lr0);
    buf_printf(&b, ";clip_norm=");
    if (params_isset(&c->optim->common, "clip_norm"))
        buf_num(&b, params_num(&c->optim->common, "clip_norm"));
    buf_printf(&b, "\nscheduler=%s{", c->sched->name);
    params_dump(&c->sched->p, &b);
    buf_printf(&b, "}\nwarmup_steps=%lld;warmup_start_factor=",
               (long long)params_int(&c->sched->common, "warmup_steps"));
    buf_num(&b, params_num(&c->sched->common, "warmup_start_factor"));
    buf_printf(&b, "\nseed=%lld\n", (long long)c->seed);
    c->canon = b.s;
    snprintf(c->id, sizeof c->id, "%016llx", (unsigned long long)plan_fnv1a(b.s));
}

int plan_build(const Experiment *ex, Plan *p, Err *e) {
    p->ex = ex;
    p->n = ex->ntasks * ex->noptims * ex->nscheds * ex->nseeds;
    p->cells = xcalloc((size_t)p->n, sizeof(Cell));
    int k = 0;
    for (int ti = 0; ti < ex->ntasks; ti++) {
        const CompCfg *t = &ex->tasks[ti];
        int64_t steps = params_int(&t->common, "steps");
        int64_t every = params_isset(&t->common, "eval_every") ? params_int(&t->common, "eval_every")
                                                               : (steps >= 20 ? steps / 20 : 1);
        if (every > steps) {
            plan_free(p);
            return err_set(e, EXIT_USAGE, t->where,
                           "task \"%s\": eval_every: longer than the run (expected at most %lld, "
                           "got %lld)", t->name, (long long)steps, (long long)every);
        }
        for (int oi = 0; oi < ex->noptims; oi++) {
            const CompCfg *o = &ex->optims[oi];
            for (int si = 0; si < ex->nscheds; si++) {
                const CompCfg *s = &ex->scheds[si];
                SchedRun run = {.lr0 = params_num(&o->common, "lr"),
                                .total_steps = steps,
                                .eval_every = every};
                int64_t warm = params_int(&s->common, "warmup_steps");
                if (warm >= steps) {
                    plan_free(p);
                    return err_set(e, EXIT_USAGE, s->where,
                                   "scheduler \"%s\": warmup_steps: longer than the run of task "
                                   "\"%s\" (expected at most %lld, got %lld)",
                                   s->name, t->label, (long long)steps - 1, (long long)warm);
                }
                if (s->sched->check && s->sched->check(&s->p, &run, s->where, e) != 0) {
                    plan_free(p);
                    return -1;
                }
                for (int di = 0; di < ex->nseeds; di++) {
                    Cell *c = &p->cells[k];
                    c->index = k++;
                    c->task = t, c->optim = o, c->sched = s;
                    c->seed = ex->seeds[di];
                    c->steps = steps;
                    c->eval_every = every;
                    c->lr0 = run.lr0;
                    canon(c);
                }
            }
        }
    }
    for (int i = 0; i < p->n; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(p->cells[i].id, p->cells[j].id) == 0) {
                int a = j, b = i;
                plan_free(p);
                return err_set(e, EXIT_USAGE, ex->where,
                               "experiment: cells %d and %d are the same run (expected distinct "
                               "configurations; two entries differ only in their label)",
                               a + 1, b + 1);
            }
    return 0;
}

void plan_free(Plan *p) {
    for (int i = 0; i < p->n; i++) free(p->cells[i].canon);
    free(p->cells);
    p->cells = NULL;
    p->n = 0;
}

static void dump_comp(Buf *out, const CompCfg *c) {
    buf_printf(out, "  %-9s %-16s %s \"%s\" {", cfg_kind_name(c->kind), c->label,
               cfg_kind_name(c->kind), c->name);
    Buf b = {0};
    params_dump(&c->common, &b);
    if (b.len) buf_printf(out, " %s;", b.s);
    buf_free(&b);
    params_dump(&c->p, &b);
    buf_printf(out, " %s }  -- %s\n", b.s ? b.s : "", c->where);
    buf_free(&b);
}

void plan_describe(const Plan *p, Buf *out, int max_rows) {
    const Experiment *ex = p->ex;
    buf_printf(out, "experiment %s (%s)\n", ex->name, ex->where);
    buf_printf(out, "cells: %d = %d task(s) x %d optimizer(s) x %d scheduler(s) x %d seed(s)\n",
               p->n, ex->ntasks, ex->noptims, ex->nscheds, ex->nseeds);
    buf_printf(out, "resolved components:\n");
    for (int i = 0; i < ex->ntasks; i++) dump_comp(out, &ex->tasks[i]);
    for (int i = 0; i < ex->noptims; i++) dump_comp(out, &ex->optims[i]);
    for (int i = 0; i < ex->nscheds; i++) dump_comp(out, &ex->scheds[i]);
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
