/* planfile.c - plan.csv writing and reading (see planfile.h). */
#include "harness/engine/planfile.h"

#include "harness/base/csvio.h"
#include "harness/base/fsutil.h"
#include "harness/base/names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const cols[] = {"index",     "cell",      "experiment",  "task",
                                   "optimizer", "scheduler", "seed",        "lr0",
                                   "steps",     "metric",    "metric_goal", NULL};

void planfile_from_plan(const Plan *p, PlanFile *pf) {
    snprintf(pf->experiment, sizeof pf->experiment, "%s", p->ex->name);
    pf->n = p->n;
    pf->rows = xcalloc((size_t)p->n + 1, sizeof(PlanRow));
    for (int i = 0; i < p->n; i++) {
        const Cell *c = &p->cells[i];
        PlanRow *r = &pf->rows[i];
        r->index = c->index;
        snprintf(r->id, sizeof r->id, "%s", c->id);
        snprintf(r->task, sizeof r->task, "%s", c->task->label);
        snprintf(r->optim, sizeof r->optim, "%s", c->optim->label);
        snprintf(r->sched, sizeof r->sched, "%s", c->sched->label);
        snprintf(r->metric, sizeof r->metric, "%s", c->task->task->metric);
        r->metric_max = c->task->task->metric_higher_better;
        r->seed = c->seed;
        r->steps = c->steps;
        r->lr0 = c->lr0;
    }
}

int planfile_write(const char *dir, const PlanFile *pf, Err *e) {
    Buf b = {0};
    csvio_header(&b, cols);
    for (int i = 0; i < pf->n; i++) {
        const PlanRow *r = &pf->rows[i];
        csvio_int(&b, r->index, 1);
        csvio_field(&b, r->id, 0);
        csvio_field(&b, pf->experiment, 0);
        csvio_field(&b, r->task, 0);
        csvio_field(&b, r->optim, 0);
        csvio_field(&b, r->sched, 0);
        csvio_int(&b, r->seed, 0);
        csvio_num(&b, r->lr0, 0);
        csvio_int(&b, r->steps, 0);
        csvio_field(&b, r->metric, 0);
        csvio_field(&b, r->metric_max ? "max" : "min", 0);
        csvio_end(&b);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/plan.csv", dir);
    int rc = fs_write_atomic(path, b.s, b.len, e);
    buf_free(&b);
    return rc;
}

static int copy_field(char *dst, size_t n, const char *src, const char *path, int line,
                      const char *col, Err *e) {
    size_t len = strlen(src);
    if (len == 0 || len >= n)
        return err_set(e, EXIT_USAGE, path,
                       "line %d: %s: invalid value (expected 1 to %zu "
                       "characters, got %zu)",
                       line, col, n - 1, len);
    memcpy(dst, src, len + 1);
    return 0;
}

/* copy_name: a name column (experiment, task, optimizer, scheduler) by the rule for names */
static int copy_name(char *dst, const char *src, const char *path, int line, const char *col,
                     Err *e) {
    char where[4200];
    snprintf(where, sizeof where, "%s:%d", path, line);
    if (name_check(src, strlen(src), where, col, e) != 0) return -1;
    memcpy(dst, src, strlen(src) + 1);
    return 0;
}

static int by_id(const void *a, const void *b) {
    const PlanRow *x = *(const PlanRow *const *)a, *y = *(const PlanRow *const *)b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* duplicate_id: a cell id on two lines (a hand-edited or concatenated plan.csv) would merge
 * one cell's files twice; sorted, as plans can have a million rows. */
static int duplicate_id(const PlanFile *pf, const char *path, Err *e) {
    const PlanRow **r = xcalloc((size_t)pf->n + 1, sizeof(PlanRow *));
    for (int i = 0; i < pf->n; i++) r[i] = &pf->rows[i];
    qsort(r, (size_t)pf->n, sizeof *r, by_id);
    int rc = 0;
    for (int i = 1; i < pf->n && rc == 0; i++)
        if (strcmp(r[i]->id, r[i - 1]->id) == 0)
            rc = err_set(e, EXIT_USAGE, path,
                         "line %d: cell: duplicate id (expected distinct "
                         "cells, got %s also at line %d)",
                         r[i]->index + 2, r[i]->id, r[i - 1]->index + 2);
    free(r);
    return rc;
}

int planfile_read(const char *dir, PlanFile *pf, Err *e) {
    char path[4096];
    snprintf(path, sizeof path, "%s/plan.csv", dir);
    memset(pf, 0, sizeof *pf);
    CsvTable t;
    if (csvio_read(path, cols, &t, e) != 0) return -1;
    pf->n = t.nrows;
    pf->rows = xcalloc((size_t)t.nrows + 1, sizeof(PlanRow));
    for (int i = 0; i < t.nrows; i++) {
        PlanRow *r = &pf->rows[i];
        int line = i + 2;
        double x;
        if (csvio_parse_num(csvio_at(&t, i, 0), &x) != 0 || x != i) {
            err_set(e, EXIT_USAGE, path, "line %d: index: out of order (expected %d, got %s)", line,
                    i, csvio_at(&t, i, 0));
            goto bad;
        }
        r->index = i;
        const char *id = csvio_at(&t, i, 1);
        if (strlen(id) != 16 || strspn(id, "0123456789abcdef") != 16) {
            err_set(e, EXIT_USAGE, path,
                    "line %d: cell: invalid id (expected 16 hex digits, "
                    "got \"%.40s\")",
                    line, id);
            goto bad;
        }
        memcpy(r->id, id, 17);
        if (copy_name(pf->experiment, csvio_at(&t, i, 2), path, line, "experiment", e) ||
            copy_name(r->task, csvio_at(&t, i, 3), path, line, "task", e) ||
            copy_name(r->optim, csvio_at(&t, i, 4), path, line, "optimizer", e) ||
            copy_name(r->sched, csvio_at(&t, i, 5), path, line, "scheduler", e) ||
            copy_field(r->metric, sizeof r->metric, csvio_at(&t, i, 9), path, line, "metric", e))
            goto bad;
        const char *goal = csvio_at(&t, i, 10);
        if (strcmp(goal, "min") != 0 && strcmp(goal, "max") != 0) {
            err_set(e, EXIT_USAGE, path,
                    "line %d: metric_goal: invalid value (expected min or "
                    "max, got \"%.20s\")",
                    line, goal);
            goto bad;
        }
        r->metric_max = strcmp(goal, "max") == 0;
        double seed, steps;
        if (csvio_parse_num(csvio_at(&t, i, 6), &seed) ||
            csvio_parse_num(csvio_at(&t, i, 7), &r->lr0) ||
            csvio_parse_num(csvio_at(&t, i, 8), &steps) || !(r->lr0 > 0) || steps < 1 || seed < 0) {
            err_set(e, EXIT_USAGE, path,
                    "line %d: seed, lr0 or steps: invalid value (expected "
                    "numbers, got \"%s\", \"%s\", \"%s\")",
                    line, csvio_at(&t, i, 6), csvio_at(&t, i, 7), csvio_at(&t, i, 8));
            goto bad;
        }
        r->seed = (long long)seed;
        r->steps = (long long)steps;
    }
    if (duplicate_id(pf, path, e) != 0) goto bad;
    csvio_free(&t);
    return 0;
bad:
    csvio_free(&t);
    planfile_free(pf);
    return -1;
}

void planfile_free(PlanFile *pf) {
    free(pf->rows);
    pf->rows = NULL;
    pf->n = 0;
}

int planfile_equal(const PlanFile *a, const PlanFile *b) {
    if (a->n != b->n || strcmp(a->experiment, b->experiment) != 0) return 0;
    for (int i = 0; i < a->n; i++) {
        const PlanRow *x = &a->rows[i], *y = &b->rows[i];
        if (strcmp(x->id, y->id) || strcmp(x->task, y->task) || strcmp(x->optim, y->optim) ||
            strcmp(x->sched, y->sched) || x->seed != y->seed || x->steps != y->steps ||
            x->lr0 != y->lr0 || strcmp(x->metric, y->metric) || x->metric_max != y->metric_max)
            return 0;
    }
    return 1;
}
