/* compare.c - paired win/tie/loss counting, tests and the verdict (see compare.h). */
#include "harness/analysis/compare.h"
#include "harness/analysis/compare_int.h"

#include "harness/analysis/stats.h"
#include "harness/base/buf.h"
#include "harness/base/csvio.h"
#include "harness/base/fsutil.h"
#include "harness/base/names.h"
#include "harness/base/rng.h"
#include "harness/engine/join.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const measure_names[NMEASURE] = {
    "train_loss",      "val_loss",          "metric",         "auc",
    "steps_to_target", "seconds_to_target", "evals_to_target"};
const char *const reading_names[NREADING] = {"not-worse", "non-inferior"};
const char *const interval_names[NINTERVAL] = {"units", "task", "optimizer", "crossed", "seeds"};
static const char *const cat_names[STATS_NCATEGORY] = {"yes", "yes*", "no*", "no"};

/* ---- options ---- */

int tie_parse(const char *s, TieRule *t, char *why, size_t n) {
    static const struct {
        const char *prefix;
        TieKind kind;
    } kinds[] = {{"abs:", TIE_ABS}, {"rel:", TIE_REL}, {"task:", TIE_TASK}, {"sd:", TIE_SD}};
    if (s && strcmp(s, "paper") == 0) {
        *t = TIE_PAPER;
        return 0;
    }
    for (size_t k = 0; s && k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t len = strlen(kinds[k].prefix);
        if (strncmp(s, kinds[k].prefix, len) != 0) continue;
        char *end;
        errno = 0;
        double x = strtod(s + len, &end);
        if (end == s + len || *end || errno || !(x >= 0) || isinf(x)) {
            snprintf(why, n, "a finite number >= 0 after %s", kinds[k].prefix);
            return -1;
        }
        *t = (TieRule){kinds[k].kind, x};
        return 0;
    }
    snprintf(why, n, "abs:X, rel:X, task:X, sd:K or paper");
    return -1;
}

void compare_num(double x, char *out, size_t n) {
    for (int p = 6; p <= 17; p++) { /* the shortest %g that reads back as x */
        snprintf(out, n, "%.*g", p, x);
        if (strtod(out, NULL) == x) return;
    }
}

void tie_format(TieRule t, char *out, size_t n) {
    static const char *const pre[] = {"abs", "rel", "task", "sd"};
    char x[32];
    compare_num(t.x, x, sizeof x);
    snprintf(out, n, "%s:%s", pre[t.kind], x);
}

static int index_of(const char *s, const char *const *names, int n) {
    for (int i = 0; s && i < n; i++)
        if (strcmp(s, names[i]) == 0) return i;
    return -1;
}

int reading_parse(const char *s) { return index_of(s, reading_names, NREADING); }
int interval_parse(const char *s) { return index_of(s, interval_names, NINTERVAL); }

CompareOpts compare_defaults(void) {
    return (CompareOpts){.reference = "greedy",
                         .tie = {TIE_TASK, 0.01},
                         .reading = READ_NOT_WORSE,
                         .interval = IV_CROSSED,
                         .alpha = 0.05,
                         .claim = 0.9,
                         .measure = "train_loss"};
}

void compare_settings(const CompareOpts *o, char *out, size_t n) {
    char tie[64], alpha[32], claim[32];
    tie_format(o->tie, tie, sizeof tie);
    compare_num(o->alpha, alpha, sizeof alpha);
    compare_num(o->claim, claim, sizeof claim);
    int k = snprintf(out, n,
                     "reference=%s;measure=%s;tie=%s;reading=%s;interval=%s;alpha=%s;"
                     "claim=%s",
                     o->reference, o->measure, tie, reading_names[o->reading],
                     interval_names[o->interval], alpha, claim);
    for (int i = 0; i < o->nwith && k >= 0 && (size_t)k < n; i++)
        k += snprintf(out + k, n - (size_t)k, ";with=%s", o->with[i]);
}

/* ---- loading ---- */

static size_t str_hash(const char *s) {
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)h;
}

/* The position of s, or -1. */
static int sidx_get(const StrIndex *x, const char *s) {
    if (!x->cap) return -1;
    for (size_t i = str_hash(s) & (x->cap - 1);; i = (i + 1) & (x->cap - 1)) {
        if (!x->key[i]) return -1;
        if (strcmp(x->key[i], s) == 0) return x->val[i];
    }
}

/* Adds s (not yet in x) at position v; s must outlive x. */
static void sidx_put(StrIndex *x, const char *s, int v) {
    if (2 * (x->n + 1) > x->cap) {
        StrIndex y = {.cap = x->cap ? 2 * x->cap : 64};
        y.key = xcalloc(y.cap, sizeof *y.key);
        y.val = xcalloc(y.cap, sizeof *y.val);
        for (size_t i = 0; i < x->cap; i++)
            if (x->key[i]) sidx_put(&y, x->key[i], x->val[i]);
        free(x->key);
        free(x->val);
        *x = y;
    }
    size_t i = str_hash(s) & (x->cap - 1);
    while (x->key[i]) i = (i + 1) & (x->cap - 1);
    x->key[i] = s;
    x->val[i] = v;
    x->n++;
}

static void sidx_free(StrIndex *x) {
    free(x->key);
    free(x->val);
    *x = (StrIndex){0};
}

static int intern(Names *n, const char *s) {
    int i = sidx_get(&n->at, s);
    if (i >= 0) return i;
    if (n->n == n->cap)
        n->names = xrealloc(n->names, sizeof(char *) * (size_t)(n->cap = n->cap ? 2 * n->cap : 16));
    n->names[n->n] = xstrdup(s);
    sidx_put(&n->at, n->names[n->n], n->n);
    return n->n++;
}

static void names_free(Names *n) {
    for (int i = 0; i < n->n; i++) free(n->names[i]);
    free(n->names);
    sidx_free(&n->at);
}

int *data_slot(const Data *D, int t, int o, int s, int d) {
    return &D->index[((t * D->optims.n + o) * D->scheds.n + s) * D->seeds.n + d];
}

static int bad_num(const char *path, int line, const char *col, const char *got) {
    Err e; /* err_set keeps it one line, whatever the field holds */
    err_set(&e, EXIT_USAGE, path,
            "line %d: %s: not a number (expected a number or nan, got "
            "\"%.30s\")",
            line, col, got);
    err_print(&e);
    return -1;
}

static int bad_whole(const char *path, int line, const char *col, int min, const char *got) {
    Err e;
    err_set(&e, EXIT_USAGE, path,
            "line %d: %s: invalid value (expected a whole number >= %d, "
            "got \"%.30s\")",
            line, col, min, got);
    err_print(&e);
    return -1;
}

static int by_id(const void *a, const void *b) {
    const Run *x = *(const Run *const *)a, *y = *(const Run *const *)b;
    return strcmp(x->id, y->id);
}

/* runs_together: each run's rows on consecutive lines, as results_merge writes them: a
 * reordered or concatenated runs.csv would otherwise count a cell twice. (Stages may be
 * missing: results converted from elsewhere, as the paper's, lack some.) The runs of one
 * file, D->runs[first..]; line[k]: the first line of run first + k. */
static int runs_together(const char *path, Data *D, int first, const int *line) {
    int n = D->nruns - first;
    const Run **r = xcalloc((size_t)n + 1, sizeof(Run *));
    for (int i = 0; i < n; i++) r[i] = &D->runs[first + i];
    qsort(r, (size_t)n, sizeof *r, by_id);
    Err e = {0};
    for (int i = 1; i < n && !e.code; i++)
        if (strcmp(r[i]->id, r[i - 1]->id) == 0) {
            int a = line[r[i - 1] - D->runs - first], b = line[r[i] - D->runs - first];
            err_set(&e, EXIT_USAGE, path,
                    "line %d: cell %s: rows apart from its rows at line %d "
                    "(expected each cell's rows together, as lrlab writes them)",
                    a > b ? a : b, r[i]->id, a < b ? a : b);
        }
    free(r);
    if (e.code) err_print(&e);
    return e.code ? -1 : 0;
}

/* load_runs: folder k's runs.csv into D. The cells of the folders before it are read already:
 * their rows here are skipped (join_check found them the same) and counted in D->shared[k]. */
static int load_runs(Data *D, int k) {
    char path[4096];
    snprintf(path, sizeof path, "%s/runs.csv", D->dirs[k]);
    CsvTable t;
    Err e;
    if (csvio_read(path, NULL, &t, &e) != 0) {
        err_print(&e);
        return -1;
    }
    static const char *const need[] = {"cell",     "task",   "optimizer", "scheduler",
                                       "seed",     "stage",  "step",      "train_loss",
                                       "val_loss", "metric", "status",    "metric_goal"};
    enum { NEED = 12 };
    int col[NEED];
    for (int q = 0; q < NEED; q++)
        if ((col[q] = csvio_col(&t, need[q])) < 0) {
            fprintf(stderr, "lrlab: %s: line 1: missing column (expected %s)\n", path, need[q]);
            csvio_free(&t);
            return -1;
        }
    const int cevals = csvio_col(&t, "loss_evals"); /* optional: evals_to_target is NaN without */
    const int first = D->nruns;
    D->runs = xrealloc(D->runs, sizeof(Run) * ((size_t)first + (size_t)t.nrows + 1));
    memset(D->runs + first, 0, sizeof(Run) * ((size_t)t.nrows + 1));
    StrIndex before = {0};
    for (int i = 0; i < first; i++) sidx_put(&before, D->runs[i].id, i);
    unsigned char *counted = xcalloc((size_t)first + 1, 1);
    unsigned char *seen = xcalloc((size_t)t.nrows + 1, 1);
    int *line = xcalloc((size_t)t.nrows + 1, sizeof(int)), rc = -1;
    for (int r = 0; r < t.nrows; r++) {
        const char *id = csvio_at(&t, r, col[0]);
        int old = first ? sidx_get(&before, id) : -1;
        if (old >= 0) {
            D->shared[k] += !counted[old];
            counted[old] = 1;
            continue;
        }
        int x = D->nruns - 1;
        if (x < first || strcmp(D->runs[x].id, id) != 0) {
            /* task, optimizer and scheduler follow the rule for names (names.h) */
            for (int q = 1; q <= 3; q++) {
                const char *v = csvio_at(&t, r, col[q]);
                char where[4200];
                snprintf(where, sizeof where, "%s:%d", path, r + 2);
                if (name_check(v, strlen(v), where, need[q], &e) != 0) {
                    err_print(&e);
                    goto out;
                }
            }
            x = D->nruns++;
            line[x - first] = r + 2;
            Run *u = &D->runs[x];
            snprintf(u->id, sizeof u->id, "%s", id);
            u->src = k;
            u->t = intern(&D->tasks, csvio_at(&t, r, col[1]));
            u->o = intern(&D->optims, csvio_at(&t, r, col[2]));
            u->s = intern(&D->scheds, csvio_at(&t, r, col[3]));
            u->d = intern(&D->seeds, csvio_at(&t, r, col[4]));
            for (int m = 0; m < NMEASURE; m++)
                for (int g = 0; g < NSTAGES; g++) u->v[m][g] = NAN;
            u->best_val = INFINITY;
            u->seconds = NAN;
            u->loss_evals = NAN;
        }
        Run *u = &D->runs[x];
        double stage, v[3];
        if (csvio_parse_num(csvio_at(&t, r, col[5]), &stage) != 0) {
            bad_num(path, r + 2, "stage", csvio_at(&t, r, col[5]));
            goto out;
        }
        int g = stage == 10 ? 0 : stage == 50 ? 1 : stage == 100 ? 2 : -1;
        if (g < 0) {
            fprintf(stderr,
                    "lrlab: %s: line %d: stage: invalid value (expected 10, 50 or 100, "
                    "got %g)\n",
                    path, r + 2, stage);
            goto out;
        }
        if (seen[x - first] >> g & 1) {
            fprintf(stderr,
                    "lrlab: %s: line %d: cell %s: stage %d twice (expected one row per "
                    "cell and stage)\n",
                    path, r + 2, u->id, stage_pct[g]);
            goto out;
        }
        seen[x - first] |= (unsigned char)(1 << g);
        long long nstep;
        if (csvio_parse_step(csvio_at(&t, r, col[6]), 1, &nstep) != 0) {
            bad_whole(path, r + 2, "step", 1, csvio_at(&t, r, col[6]));
            goto out;
        }
        if (g == 2) u->steps = nstep;
        long long nevals;
        if (cevals >= 0 && csvio_parse_step(csvio_at(&t, r, cevals), 0, &nevals) != 0) {
            bad_whole(path, r + 2, "loss_evals", 0, csvio_at(&t, r, cevals));
            goto out;
        }
        if (cevals >= 0 && g == 2) u->loss_evals = (double)nevals;
        for (int c = 0; c < 3; c++)
            if (csvio_parse_num(csvio_at(&t, r, col[7 + c]), &v[c]) != 0) {
                bad_num(path, r + 2, need[7 + c], csvio_at(&t, r, col[7 + c]));
                goto out;
            }
        int ok = strcmp(csvio_at(&t, r, col[10]), "ok") == 0;
        int maximize = strcmp(csvio_at(&t, r, col[11]), "max") == 0;
        if (maximize) v[2] = -v[2];
        for (int c = 0; c < 3; c++) u->v[c][g] = ok && isfinite(v[c]) ? v[c] : INFINITY;
    }
    rc = runs_together(path, D, first, line);
    D->taken[k] = D->nruns - first;
out:
    sidx_free(&before);
    free(counted);
    free(seen);
    free(line);
    csvio_free(&t);
    return rc;
}

/* Curves: auc (mean validation loss over the evaluations after step 0), best validation
 * loss; timing: wall seconds. Both files are optional (older or merged folders). */
static int run_by_id(Data *D, const char *id) {
    if (D->nruns && !D->ids.n) /* ids are unique: runs_together refuses a cell twice */
        for (int i = 0; i < D->nruns; i++) sidx_put(&D->ids, D->runs[i].id, i);
    return sidx_get(&D->ids, id);
}

/* eval_rows: the rows of folder k's evals.csv that belong to the runs read from it. Pass 0
 * checks them, sums each run's validation losses after step 0 (sum, cnt) and keeps its best;
 * pass 1 finds the first evaluation that reaches the run's target (best_val by then). */
static int eval_rows(Data *D, int k, int pass, double *sum, int *cnt) {
    char path[4096];
    snprintf(path, sizeof path, "%s/evals.csv", D->dirs[k]);
    CsvTable t;
    Err e;
    if (csvio_read(path, NULL, &t, &e) != 0) {
        err_print(&e);
        return -1;
    }
    int ccell = csvio_col(&t, "cell"), cstep = csvio_col(&t, "step"),
        cval = csvio_col(&t, "val_loss");
    if (ccell < 0 || cstep < 0 || cval < 0) {
        fprintf(stderr, "lrlab: %s: line 1: missing column (expected cell, step, val_loss)\n",
                path);
        csvio_free(&t);
        return -1;
    }
    int last = -1;
    const char *last_id = "";
    for (int r = 0; r < t.nrows; r++) {
        const char *id = csvio_at(&t, r, ccell);
        if (strcmp(id, last_id) != 0) last = run_by_id(D, id), last_id = id;
        if (last < 0 || D->runs[last].src != k) continue;
        Run *x = &D->runs[last];
        double step, v;
        if (pass == 1) {
            csvio_parse_num(csvio_at(&t, r, cstep), &step);
            csvio_parse_num(csvio_at(&t, r, cval), &v);
            if (step > 0 && isinf(x->v[M_STEPS][2]) && isfinite(v) && v <= x->best_val &&
                isfinite(x->v[M_VAL][2]))
                x->v[M_STEPS][2] = step;
            continue;
        }
        long long nstep;
        if (csvio_parse_step(csvio_at(&t, r, cstep), 0, &nstep) != 0) {
            bad_whole(path, r + 2, "step", 0, csvio_at(&t, r, cstep));
            csvio_free(&t);
            return -1;
        }
        step = (double)nstep;
        if (csvio_parse_num(csvio_at(&t, r, cval), &v)) {
            bad_num(path, r + 2, "val_loss", csvio_at(&t, r, cval));
            csvio_free(&t);
            return -1;
        }
        if (step <= 0) continue;
        sum[last] += isfinite(v) ? v : INFINITY;
        cnt[last]++;
        if (isfinite(v) && v < x->best_val) x->best_val = v;
    }
    csvio_free(&t);
    return 0;
}

/* timing: folder k's wall seconds of the runs read from it */
static void timing_rows(Data *D, int k) {
    char path[4096];
    CsvTable t;
    Err e;
    snprintf(path, sizeof path, "%s/timing.csv", D->dirs[k]);
    if (!fs_exists(path) || csvio_read(path, NULL, &t, &e) != 0) return;
    for (int r = 0; r < t.nrows; r++) {
        int i = run_by_id(D, csvio_at(&t, r, 0));
        double sec;
        if (i >= 0 && D->runs[i].src == k && csvio_parse_num(csvio_at(&t, r, 1), &sec) == 0)
            D->runs[i].seconds = sec;
    }
    csvio_free(&t);
}

/* evals_at: the evaluations run x spent by the end of step s (the first s steps): one loss
 * and gradient evaluation per step (the minibatch's forward and backward pass) plus the
 * scheduler's extra loss-only evaluations (a line search's trials, schedulers/sls.c). The
 * latter are known only as the run's total: lrlab writes it on every stage row of runs.csv
 * (column loss_evals, the count after the last step, harness/engine/train.c), and the total of the
 * 100% row is read. Between the known points, step 0 with none and the last step S with the
 * total L, they are interpolated linearly: s + L s / S. This is exact for every scheduler
 * that spends none (L = 0 gives s, bit for bit the steps) and at the last step; for a line
 * search it spreads the trials evenly over the steps. The evaluations of evals.csv (the
 * monitoring of every scheduler alike) are not counted. NaN without the total (no column
 * loss_evals, or no 100% row); +inf when s is (the run never reached its target). */
static double evals_at(const Run *x, double s) {
    if (!isfinite(s)) return INFINITY;
    if (isnan(x->loss_evals) || x->steps <= 0) return NAN;
    return s + x->loss_evals * s / (double)x->steps;
}

static int load_curves(Data *D) {
    char path[4096];
    snprintf(path, sizeof path, "%s/evals.csv", D->dirs[0]);
    if (!fs_exists_packed(path)) return 0; /* (joined: in every folder or none, join.h) */
    double *sum = xcalloc((size_t)D->nruns + 1, sizeof(double));
    int *cnt = xcalloc((size_t)D->nruns + 1, sizeof(int));
    for (int k = 0; k < D->ndirs; k++)
        if (eval_rows(D, k, 0, sum, cnt) != 0) {
            free(sum), free(cnt);
            return -1;
        }
    for (int i = 0; i < D->nruns; i++) {
        int ok = isfinite(D->runs[i].v[M_VAL][2]);
        D->runs[i].v[M_AUC][2] = ok && cnt[i] ? sum[i] / cnt[i] : INFINITY;
    }
    free(sum);
    free(cnt);
    /* time to target: per (task, optimizer), the median of the baselines' best val_loss */
    for (int tk = 0; tk < D->tasks.n; tk++)
        for (int o = 0; o < D->optims.n; o++) {
            double *best = xcalloc((size_t)D->nruns + 1, sizeof(double));
            int nb = 0;
            for (int i = 0; i < D->nruns; i++)
                if (D->runs[i].t == tk && D->runs[i].o == o && D->runs[i].s != D->ref)
                    best[nb++] = D->runs[i].best_val;
            double target = nb ? stats_median(best, nb) : NAN;
            free(best);
            for (int i = 0; i < D->nruns; i++) {
                Run *x = &D->runs[i];
                if (x->t != tk || x->o != o) continue;
                x->v[M_STEPS][2] = INFINITY;
                x->v[M_SECONDS][2] = INFINITY;
                x->v[M_EVALS][2] = INFINITY;
                x->best_val = isfinite(target) ? target : INFINITY; /* reused: the target */
            }
        }
    for (int k = 0; k < D->ndirs; k++)
        if (eval_rows(D, k, 1, NULL, NULL) != 0) return -1;
    for (int k = 0; k < D->ndirs; k++) timing_rows(D, k);
    for (int i = 0; i < D->nruns; i++) {
        Run *x = &D->runs[i];
        x->v[M_SECONDS][2] = isfinite(x->v[M_STEPS][2]) && isfinite(x->seconds) && x->steps > 0
                                 ? x->seconds * x->v[M_STEPS][2] / (double)x->steps
                             : isfinite(x->v[M_STEPS][2]) ? NAN
                                                          : INFINITY;
        x->v[M_EVALS][2] = evals_at(x, x->v[M_STEPS][2]);
    }
    return 0;
}

int data_load(const char *dir, const char *const *with, const char *ref, Data *D) {
    memset(D, 0, sizeof *D);
    D->ref = -1;
    D->dirs[D->ndirs++] = dir;
    for (int i = 0; with && with[i]; i++) {
        LR_ASSERT(D->ndirs <= COMPARE_WITH_MAX);
        D->dirs[D->ndirs++] = with[i];
    }
    Err e;
    if (D->ndirs > 1 && join_check("compare", D->dirs, D->ndirs, 0, &e) != 0) {
        err_print(&e);
        return -1;
    }
    for (int k = 0; k < D->ndirs; k++)
        if (load_runs(D, k) != 0) return -1;
    for (int s = 0; s < D->scheds.n; s++)
        if (strcmp(D->scheds.names[s], ref) == 0) D->ref = s;
    if (D->ref < 0) return 1;
    if (load_curves(D) != 0) return -1;
    size_t cells = (size_t)D->tasks.n * D->optims.n * D->scheds.n * D->seeds.n;
    D->index = xmalloc(sizeof(int) * (cells ? cells : 1));
    for (size_t i = 0; i < cells; i++) D->index[i] = -1;
    for (int i = 0; i < D->nruns; i++) {
        Run *x = &D->runs[i];
        int *sl = data_slot(D, x->t, x->o, x->s, x->d);
        if (*sl >= 0) {
            fprintf(stderr,
                    "lrlab: %s/runs.csv: cell %s: a second run of %s %s %s seed %s "
                    "(expected one run per task, optimizer, scheduler and seed)\n",
                    D->dirs[x->src], x->id, D->tasks.names[x->t], D->optims.names[x->o],
                    D->scheds.names[x->s], D->seeds.names[x->d]);
            return -1;
        }
        *sl = i;
    }
    return 0;
}

void data_free(Data *D) {
    free(D->runs);
    free(D->index);
    names_free(&D->tasks);
    names_free(&D->optims);
    names_free(&D->scheds);
    names_free(&D->seeds);
    sidx_free(&D->ids);
    memset(D, 0, sizeof *D);
}

/* ---- units of comparison ---- */

static double diff(double base, double ref) {
    if (isinf(base) && isinf(ref)) return 0;
    return base - ref; /* +inf when only the baseline failed, -inf when only the reference */
}

void model_build(Data *D, Model *M) {
    memset(M, 0, sizeof *M);
    M->D = D;
    size_t cap = (size_t)NMEASURE * NSTAGES * D->tasks.n * D->optims.n * D->scheds.n + 1;
    size_t dcap = cap * (size_t)(D->seeds.n ? D->seeds.n : 1);
    M->u = xcalloc(cap, sizeof(Unit));
    M->delta = xcalloc(dcap, sizeof(double));
    M->basev = xcalloc(dcap, sizeof(double));
    int used = 0;
    for (int m = 0; m < NMEASURE; m++)
        for (int g = m >= M_AUC ? 2 : 0; g < NSTAGES; g++)
            for (int t = 0; t < D->tasks.n; t++)
                for (int op = 0; op < D->optims.n; op++)
                    for (int b = 0; b < D->scheds.n; b++) {
                        if (b == D->ref) continue;
                        Unit u = {.m = m, .g = g, .t = t, .o = op, .b = b, .first = used};
                        double *bv = M->basev + used;
                        for (int d = 0; d < D->seeds.n; d++) {
                            int ir = *data_slot(D, t, op, D->ref, d),
                                ib = *data_slot(D, t, op, b, d);
                            if (ir < 0 || ib < 0) continue;
                            double vr = D->runs[ir].v[m][g], vb = D->runs[ib].v[m][g];
                            if (isnan(vr) || isnan(vb)) continue;
                            double x = diff(vb, vr);
                            M->delta[used + u.n++] = x;
                            if (isfinite(vb)) bv[u.nbase++] = vb;
                            u.wins += x > 0;
                            u.losses += x < 0;
                        }
                        if (u.n == 0) continue;
                        used += u.n;
                        u.median = stats_median(M->delta + u.first, u.n);
                        StatsWilcoxon w;
                        u.wilcoxon_p =
                            stats_wilcoxon(M->delta + u.first, u.n, STATS_WILCOXON_AUTO, &w) == 0
                                ? w.pvalue
                                : 1.0;
                        u.exact = w.exact;
                        u.sign_p = stats_sign_test(u.wins, u.losses);
                        M->u[M->nu++] = u;
                    }
    /* families: the units of one measure on one (task, optimizer) */
    int nf = NMEASURE * D->tasks.n * D->optims.n;
    M->famstart = xcalloc((size_t)nf + 2, sizeof(int));
    M->fam = xcalloc((size_t)M->nu + 1, sizeof(int));
    M->unit_fam = xcalloc((size_t)M->nu + 1, sizeof(int));
    for (int i = 0; i < M->nu; i++) {
        const Unit *u = &M->u[i];
        M->unit_fam[i] = (u->m * D->tasks.n + u->t) * D->optims.n + u->o;
        M->famstart[M->unit_fam[i] + 1]++;
    }
    for (int f = 0; f < nf; f++) M->famstart[f + 1] += M->famstart[f];
    int *fill = xcalloc((size_t)nf + 1, sizeof(int));
    for (int i = 0; i < M->nu; i++) {
        int f = M->unit_fam[i];
        M->fam[M->famstart[f] + fill[f]++] = i;
    }
    free(fill);
    M->nfam = nf;
    for (int i = 0; i < M->nu; i++)
        M->u[i].family = M->famstart[M->unit_fam[i] + 1] - M->famstart[M->unit_fam[i]];
    for (int m = 0; m < NMEASURE; m++) {
        M->munits[m] = xcalloc((size_t)M->nu + 1, sizeof(int));
        for (int i = 0; i < M->nu; i++)
            if (M->u[i].m == m) M->munits[m][M->nmunits[m]++] = i;
    }
    M->wt = stats_wilcoxon_table();
}

static void drop_replicates(Model *M) {
    for (int m = 0; m < NMEASURE; m++)
        for (int r = 0; r < NREADING; r++) {
            free(M->rep[m][r]);
            M->rep[m][r] = NULL;
        }
}

void model_free(Model *M) {
    for (int m = 0; m < NMEASURE; m++) model_forget(M, m);
    for (int m = 0; m < NMEASURE; m++) free(M->munits[m]);
    free(M->u);
    free(M->delta);
    free(M->basev);
    free(M->fam);
    free(M->famstart);
    free(M->unit_fam);
    stats_wilcoxon_table_free(M->wt);
    memset(M, 0, sizeof *M);
}

/* The scale of a tie rule for unit u: the |median| of the task's baseline values (task:), or
 * the pooled seed-to-seed standard deviation of the (task, optimizer)'s baselines (sd:). */
double task_scale(const Data *D, int m, int g, int t) {
    double *v = xcalloc((size_t)D->nruns + 1, sizeof(double));
    int n = 0;
    for (int i = 0; i < D->nruns; i++) {
        const Run *x = &D->runs[i];
        if (x->t == t && x->s != D->ref && isfinite(x->v[m][g])) v[n++] = x->v[m][g];
    }
    double s = n ? fabs(stats_median(v, n)) : 0;
    free(v);
    return s;
}

static double pooled_sd(const Data *D, int m, int g, int t, int o) {
    double sum = 0;
    int k = 0;
    for (int b = 0; b < D->scheds.n; b++) {
        if (b == D->ref) continue;
        double s1 = 0, s2 = 0;
        int n = 0;
        for (int d = 0; d < D->seeds.n; d++) {
            int i = *data_slot(D, t, o, b, d);
            if (i >= 0 && isfinite(D->runs[i].v[m][g])) s1 += D->runs[i].v[m][g], n++;
        }
        if (n < 2) continue;
        double mean = s1 / n;
        for (int d = 0; d < D->seeds.n; d++) {
            int i = *data_slot(D, t, o, b, d);
            if (i >= 0 && isfinite(D->runs[i].v[m][g])) {
                double e = D->runs[i].v[m][g] - mean;
                s2 += e * e;
            }
        }
        sum += s2 / (n - 1);
        k++;
    }
    return k ? sqrt(sum / k) : 0;
}

double point_tau(const Model *M, const Unit *u, double base) {
    if (M->tie.kind == TIE_REL) return isfinite(base) ? M->tie.x * fabs(base) : 0;
    return u->tau;
}

/* median of a few values (insertion sort of a copy), as stats_median without its allocation */
static double small_median(const double *d, int n) {
    if (n > 64) return stats_median(d, n);
    double s[64] = {0};
    for (int i = 0; i < n; i++) {
        if (isnan(d[i])) return NAN;
        int j = i;
        for (; j > 0 && s[j - 1] > d[i]; j--) s[j] = s[j - 1];
        s[j] = d[i];
    }
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
}

/* p_two_sided: the two-sided Wilcoxon p of d[0..n); 1 when undefined (every d zero). */
static double p_two_sided(const Model *M, const double *d, int n) {
    StatsWilcoxon w;
    return stats_wilcoxon_ex(d, n, STATS_WILCOXON_AUTO, STATS_TWO_SIDED, M->wt, &w) == 0 ? w.pvalue
                                                                                         : 1.0;
}

/* p_non_inferior: the one-sided ("greater") Wilcoxon p of d + tau, scratch[0..n) holding the
 * shifted values; 1 when undefined. */
static double p_non_inferior(const Model *M, const double *d, int n, double tau, double *scratch) {
    StatsWilcoxon w;
    for (int i = 0; i < n; i++) scratch[i] = d[i] + tau;
    return stats_wilcoxon_ex(scratch, n, STATS_WILCOXON_AUTO, STATS_GREATER, M->wt, &w) == 0
               ? w.pvalue
               : 1.0;
}

void model_decide(Model *M, TieRule tie, double alpha) {
    const Data *D = M->D;
    drop_replicates(M);
    if (alpha != M->alpha) /* the kept two-sided decisions depend on alpha */
        for (int m = 0; m < NMEASURE; m++) model_forget(M, m);
    M->tie = tie;
    M->alpha = alpha;
    int T = D->tasks.n, O = D->optims.n;
    double *scale = xcalloc((size_t)NMEASURE * NSTAGES * T * (O + 1) + 1, sizeof(double));
    unsigned char *have = xcalloc((size_t)NMEASURE * NSTAGES * T * (O + 1) + 1, 1);
    double *scratch = xcalloc((size_t)D->seeds.n + 1, sizeof(double));
    for (int i = 0; i < M->nu; i++) {
        Unit *u = &M->u[i];
        size_t k = (((size_t)u->m * NSTAGES + u->g) * T + u->t) * (O + 1) +
                   (tie.kind == TIE_SD ? (size_t)u->o : (size_t)O);
        if ((tie.kind == TIE_TASK || tie.kind == TIE_SD) && !have[k]) {
            scale[k] = tie.kind == TIE_TASK ? task_scale(D, u->m, u->g, u->t)
                                            : pooled_sd(D, u->m, u->g, u->t, u->o);
            have[k] = 1;
        }
        double tau =
            tie.kind == TIE_ABS ? tie.x
            : tie.kind == TIE_REL
                ? tie.x * (u->nbase ? fabs(stats_median(M->basev + u->first, u->nbase)) : 0)
                : tie.x * scale[k];
        u->tau = isnan(tau) ? 0 : tau; /* NaN: no finite baseline value; inf stays */
        u->ni_p = p_non_inferior(M, M->delta + u->first, u->n, u->tau, scratch);
    }
    free(scale);
    free(have);
    free(scratch);
    double *p2 = xcalloc((size_t)M->nu + 1, sizeof(double)),
           *p1 = xcalloc((size_t)M->nu + 1, sizeof(double));
    for (int f = 0; f < M->nfam; f++) {
        int a = M->famstart[f], k = M->famstart[f + 1] - a;
        if (!k) continue;
        for (int j = 0; j < k; j++) {
            p2[j] = M->u[M->fam[a + j]].wilcoxon_p;
            p1[j] = M->u[M->fam[a + j]].ni_p;
        }
        stats_holm(p2, k, p2);
        stats_holm(p1, k, p1);
        for (int j = 0; j < k; j++) {
            Unit *u = &M->u[M->fam[a + j]];
            u->holm_p = p2[j];
            u->ni_holm = p1[j];
            int sig = p2[j] < alpha;
            u->decision = sig && u->median > u->tau ? 1 : sig && u->median < -u->tau ? -1 : 0;
        }
    }
    free(p2);
    free(p1);
}

int unit_decidable(const Model *M, int i, Reading r) {
    const Unit *u = &M->u[i];
    return (r == READ_NOT_WORSE ? 2.0 : 1.0) * u->family / ldexp(1.0, u->n) < M->alpha;
}

int unit_as_good(const Model *M, int i, Reading r) {
    const Unit *u = &M->u[i];
    return r == READ_NOT_WORSE ? u->decision >= 0 : u->ni_holm < M->alpha;
}

/* seed_replicates: for measure m, BOOT_REPS replicates in which every unit's seeds are drawn
 * anew (n draws with replacement among its n paired seeds, units in order; one Rng per
 * measure seeded BOOT_SEED + 1 + m, so both readings and every tie rule see the same draws)
 * and the tests and Holm's correction redone: rep[m][reading][r * nmunits + k] is unit
 * munits[m][k]'s "as good" in replicate r. The two-sided tests do not depend on the tie rule
 * and are kept (nw_sig, nw_med) for the next rule; the one-sided ones are redone. */
static void replay(Model *M, int m, int two_sided) {
    int K = M->nmunits[m];
    const int *U = M->munits[m];
    int maxn = 1;
    for (int k = 0; k < K; k++) maxn = M->u[U[k]].n > maxn ? M->u[U[k]].n : maxn;
    double *d = xcalloc((size_t)maxn + 1, sizeof(double)),
           *p = xcalloc((size_t)K + 1, sizeof(double));
    double *sh = xcalloc((size_t)maxn + 1, sizeof(double)),
           *med = xcalloc((size_t)K + 1, sizeof(double));
    int *pos = xcalloc((size_t)M->nu + 1, sizeof(int));
    for (int k = 0; k < K; k++) pos[U[k]] = k;
    Rng rng;
    rng_seed(&rng, BOOT_SEED + 1 + (uint64_t)m);
    for (int rep = 0; rep < BOOT_REPS; rep++) {
        for (int k = 0; k < K; k++) {
            const Unit *u = &M->u[U[k]];
            for (int i = 0; i < u->n; i++)
                d[i] = M->delta[u->first + (int)rng_below(&rng, (uint64_t)u->n)];
            if (two_sided) {
                med[k] = small_median(d, u->n);
                p[k] = p_two_sided(M, d, u->n);
            } else {
                p[k] = p_non_inferior(M, d, u->n, u->tau, sh);
            }
        }
        double *adj = xcalloc((size_t)K + 1, sizeof(double));
        for (int f = 0; f < M->nfam; f++) {
            int a = M->famstart[f], n = M->famstart[f + 1] - a;
            if (!n || M->u[M->fam[a]].m != m) continue;
            for (int j = 0; j < n; j++) adj[j] = p[pos[M->fam[a + j]]];
            stats_holm(adj, n, adj);
            for (int j = 0; j < n; j++) {
                size_t at = (size_t)rep * K + pos[M->fam[a + j]];
                if (two_sided) {
                    M->nw_sig[m][at] = adj[j] < M->alpha;
                    M->nw_med[m][at] = med[pos[M->fam[a + j]]];
                } else {
                    M->rep[m][READ_NON_INFERIOR][at] = adj[j] < M->alpha;
                }
            }
        }
        free(adj);
    }
    free(d);
    free(p);
    free(sh);
    free(med);
    free(pos);
}

static void seed_replicates(Model *M, int m) {
    if (M->rep[m][0]) return;
    size_t K = (size_t)M->nmunits[m], N = (size_t)BOOT_REPS * K;
    if (!M->nw_sig[m]) {
        M->nw_sig[m] = xcalloc(N + 1, 1);
        M->nw_med[m] = xcalloc(N + 1, sizeof(double));
        replay(M, m, 1);
    }
    for (int r = 0; r < NREADING; r++) M->rep[m][r] = xcalloc(N + 1, 1);
    replay(M, m, 0);
    for (size_t i = 0; i < N; i++) {
        double tau = M->u[M->munits[m][i % K]].tau;
        M->rep[m][READ_NOT_WORSE][i] = !(M->nw_sig[m][i] && M->nw_med[m][i] < -tau);
    }
}

/* model_forget: drops measure m's kept replicates (memory: BOOT_REPS x units doubles). */
void model_forget(Model *M, int m) {
    for (int r = 0; r < NREADING; r++) {
        free(M->rep[m][r]);
        M->rep[m][r] = NULL;
    }
    free(M->nw_sig[m]);
    free(M->nw_med[m]);
    M->nw_sig[m] = NULL;
    M->nw_med[m] = NULL;
}

int model_seeds_resampled(const Model *M, int m) {
    double work = 0; /* seeds drawn and ranked over all replicates */
    for (int k = 0; k < M->nmunits[m]; k++) work += (double)M->u[M->munits[m][k]].n;
    return work * BOOT_REPS <= SEED_WORK_MAX;
}

void model_interval(Model *M, const int *sel, int nsel, Reading r, Interval kind, double *lo,
                    double *hi) {
    *lo = *hi = NAN;
    if (nsel <= 0) return;
    int m = M->u[sel[0]].m;
    /* fixed: the units' decisions as they are; otherwise redone per replicate */
    int fixed = kind != IV_CROSSED && kind != IV_SEEDS;
    if (!fixed && !model_seeds_resampled(M, m)) {
        if (kind == IV_SEEDS) return; /* too many seeds to redo every test per replicate */
        fixed = 1;                    /* crossed, with the units' decisions fixed */
    }
    /* clusters numbered densely over the selected units (an optimizer left out of the
     * selection is not a cluster that could be drawn) */
    int *a = xcalloc((size_t)nsel, sizeof(int)), *b = xcalloc((size_t)nsel, sizeof(int));
    int *ta = xcalloc((size_t)M->D->tasks.n + M->D->optims.n + 1, sizeof(int));
    int *tb = xcalloc((size_t)M->D->optims.n + 1, sizeof(int)), na = 0, nb = 0;
    for (int i = 0; i < nsel; i++) {
        const Unit *u = &M->u[sel[i]];
        int ka = kind == IV_OPTIMIZER ? u->o : u->t;
        if (!ta[ka]) ta[ka] = ++na;
        if (!tb[u->o]) tb[u->o] = ++nb;
        a[i] = ta[ka] - 1;
        b[i] = tb[u->o] - 1;
    }
    free(ta);
    free(tb);
    StatsClusterBoot bs = {.n = nsel,
                           .a = a,
                           .b = b,
                           .na = na,
                           .nb = nb,
                           .reps = BOOT_REPS,
                           .level = 0.95,
                           .seed = BOOT_SEED};
    double *x;
    if (!fixed) {
        seed_replicates(M, m);
        int K = M->nmunits[m];
        int *pos = xcalloc((size_t)M->nu + 1, sizeof(int));
        for (int k = 0; k < K; k++) pos[M->munits[m][k]] = k;
        x = xmalloc(sizeof(double) * (size_t)nsel * BOOT_REPS);
        const unsigned char *g = M->rep[m][r];
        for (int rep = 0; rep < BOOT_REPS; rep++)
            for (int i = 0; i < nsel; i++)
                x[(size_t)rep * nsel + i] = g[(size_t)rep * K + pos[sel[i]]];
        free(pos);
        bs.stride = (size_t)nsel;
        bs.mode = kind == IV_CROSSED ? STATS_BOOT_CROSSED : STATS_BOOT_NONE;
    } else {
        x = xmalloc(sizeof(double) * (size_t)nsel);
        for (int i = 0; i < nsel; i++) x[i] = unit_as_good(M, sel[i], r);
        bs.mode = kind == IV_UNITS     ? STATS_BOOT_ITEMS
                  : kind == IV_CROSSED ? STATS_BOOT_CROSSED
                                       : STATS_BOOT_ONE;
    }
    bs.x = x;
    stats_cluster_bootstrap(&bs, lo, hi);
    free(x);
    free(a);
    free(b);
}

const char *verdict_word(double lo, double hi, double claim) {
    return lo > claim ? "supported" : hi < claim ? "not supported" : "undecided";
}

/* ---- output ---- */

typedef struct {
    char name[64];
    int n[STATS_NCATEGORY];
} Tally;

static Tally *tally(Tally *t, int *n, int cap, const char *name) {
    for (int i = 0; i < *n; i++)
        if (strcmp(t[i].name, name) == 0) return &t[i];
    if (*n == cap) return &t[cap - 1];
    memset(&t[*n], 0, sizeof t[*n]);
    snprintf(t[*n].name, sizeof t[*n].name, "%s", name);
    return &t[(*n)++];
}

static void print_table(const char *title, const Tally *t, int n) {
    printf("%-22s %5s %5s %5s %5s %5s %9s %7s %7s %7s %9s\n", title, "N", "yes", "yes*", "no*",
           "no", "good|bett", "better", "worse", "tie", "clearly");
    for (int i = 0; i < n; i++) {
        int N = t[i].n[0] + t[i].n[1] + t[i].n[2] + t[i].n[3];
        double pct[STATS_NPCT];
        stats_paper_percentages(t[i].n, pct);
        printf("%-22s %5d %5d %5d %5d %5d %8.2f%% %6.2f%% %6.2f%% %6.2f%% %8.2f%%\n", t[i].name, N,
               t[i].n[STATS_YES], t[i].n[STATS_YES_STAR], t[i].n[STATS_NO_STAR], t[i].n[STATS_NO],
               pct[STATS_PCT_GOOD_OR_BETTER], pct[STATS_PCT_BETTER], pct[STATS_PCT_WORSE],
               pct[STATS_PCT_TIE], pct[STATS_PCT_CLEARLY_BETTER]);
    }
}

static int measure_index(const char *name) {
    for (int m = 0; m < NMEASURE; m++)
        if (strcmp(name, measure_names[m]) == 0) return m;
    return -1;
}

static int write_file(const char *dir, const char *name, Buf *b) {
    char path[4096];
    Err e;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int rc = fs_write_atomic(path, b->s ? b->s : "", b->len, &e);
    if (rc) err_print(&e);
    buf_free(b);
    return rc;
}

/* paper_count: the paper's categories of every datapoint of measure m under the model's tie
 * rule, into the tallies (by may be NULL: only the overall one) and, when cmp is given, one
 * row each of comparisons.csv. */
typedef struct {
    Tally by_base[256], by_stage[NSTAGES], by_task[256], by_optim[256], all;
    int nb, ns, nt, no;
} Counts;

static void paper_count(const Model *M, int m, Counts *c, Buf *cmp) {
    const Data *D = M->D;
    memset(c, 0, sizeof *c);
    snprintf(c->all.name, sizeof c->all.name, "all");
    for (int k = 0; k < M->nmunits[m]; k++) {
        const Unit *u = &M->u[M->munits[m][k]];
        for (int d = 0, j = 0; d < D->seeds.n; d++) {
            int ir = *data_slot(D, u->t, u->o, D->ref, d), ib = *data_slot(D, u->t, u->o, u->b, d);
            if (ir < 0 || ib < 0) continue;
            double vr = D->runs[ir].v[m][u->g], vb = D->runs[ib].v[m][u->g];
            if (isnan(vr) || isnan(vb)) continue;
            j++;
            StatsCategory cat = stats_paper_category(vr, vb, point_tau(M, u, vb));
            char st[8];
            snprintf(st, sizeof st, "%d", stage_pct[u->g]);
            tally(c->by_base, &c->nb, 256, D->scheds.names[u->b])->n[cat]++;
            tally(c->by_stage, &c->ns, NSTAGES, st)->n[cat]++;
            tally(c->by_task, &c->nt, 256, D->tasks.names[u->t])->n[cat]++;
            tally(c->by_optim, &c->no, 256, D->optims.names[u->o])->n[cat]++;
            c->all.n[cat]++;
            if (!cmp) continue;
            csvio_field(cmp, measure_names[m], 1);
            csvio_field(cmp, D->tasks.names[u->t], 0);
            csvio_field(cmp, D->optims.names[u->o], 0);
            csvio_int(cmp, stage_pct[u->g], 0);
            csvio_field(cmp, D->scheds.names[u->b], 0);
            csvio_field(cmp, D->seeds.names[d], 0);
            csvio_num(cmp, vr, 0);
            csvio_num(cmp, vb, 0);
            csvio_num(cmp, diff(vb, vr), 0);
            csvio_field(cmp, cat_names[cat], 0);
            csvio_num(cmp, point_tau(M, u, vb), 0);
            csvio_end(cmp);
        }
    }
}

static double good_share(const int n[STATS_NCATEGORY]) {
    int N = n[0] + n[1] + n[2] + n[3];
    return N ? (double)(n[0] + n[1] + n[2]) / N : NAN;
}

/* print_join: the folders joined by cell id and how many runs came from each */
static void print_join(const Data *D) {
    if (D->ndirs < 2) return;
    printf("joined by cell id: %d runs from %s", D->taken[0], D->dirs[0]);
    for (int k = 1; k < D->ndirs; k++) {
        printf(", %d from %s", D->taken[k], D->dirs[k]);
        if (D->shared[k])
            printf(" (%d more skipped: the same cells as in a folder before it)", D->shared[k]);
    }
    printf("\n");
}

/* load_folders: D from o's folders; EXIT_OK, or the exit code after the message (quietly EXIT_OK
 * with *skip set when the reference is absent and o->quiet_missing). */
static int load_folders(const CompareOpts *o, Data *D, int *skip) {
    *skip = 0;
    int lrc = data_load(o->dir, o->with, o->reference, D);
    if (lrc < 0) return EXIT_USAGE;
    if (lrc == 0) return EXIT_OK;
    if (o->quiet_missing) {
        *skip = 1;
        return EXIT_OK;
    }
    Buf names = {0};
    for (int s = 0; s < D->scheds.n; s++)
        buf_printf(&names, "%s%s", s ? ", " : "", D->scheds.names[s]);
    Err e;
    char path[4200];
    snprintf(path, sizeof path, "%s/runs.csv", o->dir);
    err_set(&e, EXIT_USAGE, path,
            "no runs of the reference scheduler \"%s\" (expected one "
            "of the schedulers in it: %s)",
            o->reference, names.s ? names.s : "none");
    err_print(&e);
    buf_free(&names);
    return EXIT_USAGE;
}

/* remove_verdict: verdict.csv, which names the settings, goes first and comes back last: a
 * compare stopped halfway leaves no verdict.csv, so report never trusts its other files. */
static int remove_verdict(const char *dir) {
    char vpath[4200];
    snprintf(vpath, sizeof vpath, "%s/verdict.csv", dir);
    if (unlink(vpath) == 0 || errno == ENOENT) return 0;
    Err e;
    err_set(&e, EXIT_RUN, vpath, "cannot remove the previous verdict (%s)", strerror(errno));
    err_print(&e);
    return -1;
}

/* count_both: paper counting on the primary measure under the paper's rule (P) and the chosen
 * one (C, also written as comparisons.csv); the model is left decided under the chosen rule. */
static int count_both(Model *M, const CompareOpts *o, int primary, Counts *C, Counts *P) {
    model_decide(M, TIE_PAPER, o->alpha);
    paper_count(M, primary, P, NULL);
    model_decide(M, o->tie, o->alpha);
    Buf cmp = {0};
    buf_printf(&cmp, "measure,task,optimizer,stage,baseline,seed,reference_value,baseline_value,"
                     "delta,category,tau\n");
    paper_count(M, primary, C, &cmp);
    return write_file(o->dir, "comparisons.csv", &cmp);
}

/* write_tests: tests.csv, one row per unit of the model. */
static int write_tests(const Model *M, const CompareOpts *o) {
    const Data *D = M->D;
    Buf tests = {0};
    buf_printf(&tests, "measure,stage,task,optimizer,baseline,n,median_delta,tau,wins,losses,"
                       "wilcoxon_p,exact,sign_p,holm_p,decision,noninferior_p,noninferior_holm_p,"
                       "noninferior\n");
    for (int i = 0; i < M->nu; i++) {
        const Unit *u = &M->u[i];
        csvio_field(&tests, measure_names[u->m], 1);
        csvio_int(&tests, stage_pct[u->g], 0);
        csvio_field(&tests, D->tasks.names[u->t], 0);
        csvio_field(&tests, D->optims.names[u->o], 0);
        csvio_field(&tests, D->scheds.names[u->b], 0);
        csvio_int(&tests, u->n, 0);
        csvio_num(&tests, u->median, 0);
        csvio_num(&tests, u->tau, 0);
        csvio_int(&tests, u->wins, 0);
        csvio_int(&tests, u->losses, 0);
        csvio_num(&tests, u->wilcoxon_p, 0);
        csvio_int(&tests, u->exact, 0);
        csvio_num(&tests, u->sign_p, 0);
        csvio_num(&tests, u->holm_p, 0);
        csvio_field(&tests, u->decision > 0 ? "win" : u->decision < 0 ? "loss" : "tie", 0);
        csvio_num(&tests, u->ni_p, 0);
        csvio_num(&tests, u->ni_holm, 0);
        csvio_int(&tests, u->ni_holm < o->alpha, 0);
        csvio_end(&tests);
    }
    return write_file(o->dir, "tests.csv", &tests);
}

/* The verdict of one measure: its units' decisions, the share of them as good or better under
 * each reading with its interval, and the seed-level interval (primary measure only). */
typedef struct {
    int k, w, l, decidable, redrawn;
    Interval kind;
    double share[NREADING], lo[NREADING], hi[NREADING], slo, shi;
    const char *verdict;
} MeasureVerdict;

static void measure_verdict(Model *M, const CompareOpts *o, int m, int primary, MeasureVerdict *v) {
    const int *U = M->munits[m];
    memset(v, 0, sizeof *v);
    v->k = M->nmunits[m];
    v->slo = v->shi = NAN;
    for (int i = 0; i < v->k; i++) {
        v->w += M->u[U[i]].decision > 0;
        v->l += M->u[U[i]].decision < 0;
        for (int r = 0; r < NREADING; r++) v->share[r] += unit_as_good(M, U[i], r);
    }
    /* intervals that redo the tests per replicate are computed for the primary measure;
     * the others use the same resampling of units with their decisions fixed */
    v->kind = o->interval;
    if (m != primary && (v->kind == IV_CROSSED || v->kind == IV_SEEDS)) v->kind = IV_UNITS;
    for (int r = 0; r < NREADING; r++) {
        v->share[r] /= v->k;
        model_interval(M, U, v->k, r, v->kind, &v->lo[r], &v->hi[r]);
    }
    if (m == primary) model_interval(M, U, v->k, o->reading, IV_SEEDS, &v->slo, &v->shi);
    /* A unit can only be decided when its smallest attainable p-value (every seed on one
     * side: 2 / 2^n exactly two-sided, 1 / 2^n one-sided), times the family size under
     * Holm, is below alpha. */
    for (int i = 0; i < v->k; i++) v->decidable += unit_decidable(M, U[i], o->reading);
    const Reading rd = o->reading;
    v->verdict =
        !v->decidable ? "undecided (too few seeds)" : verdict_word(v->lo[rd], v->hi[rd], o->claim);
    /* 1: the interval drew each comparison's seeds again and redid its tests */
    v->redrawn = (v->kind == IV_CROSSED || v->kind == IV_SEEDS) && model_seeds_resampled(M, m);
}

/* verdict_row: measure m's row of verdict.csv. */
static void verdict_row(Buf *ver, const CompareOpts *o, int m, int primary, const MeasureVerdict *v,
                        const Counts *C, const Counts *P, const char *tie, const char *settings) {
    const Reading rd = o->reading;
    csvio_field(ver, measure_names[m], 1);
    csvio_int(ver, m == primary, 0);
    csvio_int(ver, v->k, 0);
    csvio_int(ver, v->w, 0);
    csvio_int(ver, v->k - v->w - v->l, 0);
    csvio_int(ver, v->l, 0);
    csvio_num(ver, v->share[rd], 0);
    csvio_num(ver, v->lo[rd], 0);
    csvio_num(ver, v->hi[rd], 0);
    csvio_num(ver, o->claim, 0);
    csvio_field(ver, v->verdict, 0);
    csvio_int(ver, v->decidable, 0);
    csvio_num(ver, m == primary ? good_share(C->all.n) : NAN, 0);
    csvio_field(ver, o->reference, 0);
    csvio_field(ver, tie, 0);
    csvio_field(ver, reading_names[rd], 0);
    csvio_field(ver, interval_names[v->kind], 0);
    csvio_num(ver, o->alpha, 0);
    for (int r = 0; r < NREADING; r++) {
        csvio_num(ver, v->share[r], 0);
        csvio_num(ver, v->lo[r], 0);
        csvio_num(ver, v->hi[r], 0);
    }
    csvio_num(ver, v->slo, 0);
    csvio_num(ver, v->shi, 0);
    csvio_num(ver, m == primary ? good_share(P->all.n) : NAN, 0);
    csvio_int(ver, v->redrawn, 0);
    csvio_field(ver, settings, 0);
    csvio_end(ver);
}

/* primary_lines: the verdict on the primary measure, and the readings and seed-level range
 * beside it, as printed. */
static void primary_lines(const CompareOpts *o, int m, int nseeds, const MeasureVerdict *v,
                          const char *tie, char *line, size_t n, char *seeds, size_t ns) {
    const Reading rd = o->reading;
    if (!v->decidable)
        snprintf(line, n,
                 "verdict on \"%s is as good or better than the baselines more than %g%% of "
                 "the time\" (%s, %s): undecided: with at most %d seeds per comparison no "
                 "difference can reach alpha %g after Holm's correction within each task and "
                 "optimizer; add seeds (the paper counting above treats one seed as evidence)",
                 o->reference, 100 * o->claim, measure_names[m], reading_names[rd], nseeds,
                 o->alpha);
    else
        snprintf(line, n,
                 "verdict on \"%s is as good or better than the baselines more than %g%% of "
                 "the time\" (%s): %s: %.1f%% of %d comparisons %s (95%% interval %.1f%% to "
                 "%.1f%%, resampling %s%s; %d wins, %d ties, %d losses at alpha %g with Holm's "
                 "correction, tie rule %s)",
                 o->reference, 100 * o->claim, measure_names[m], v->verdict, 100 * v->share[rd],
                 v->k, rd == READ_NOT_WORSE ? "not shown worse" : "shown non-inferior",
                 100 * v->lo[rd], 100 * v->hi[rd], interval_names[v->kind],
                 v->kind != IV_CROSSED ? ""
                 : v->redrawn          ? " (tasks x optimizers, seeds redrawn within)"
                                       : " (tasks x optimizers; decisions fixed: too many seeds "
                                         "to redraw)",
                 v->w, v->k - v->w - v->l, v->l, o->alpha, tie);
    snprintf(seeds, ns,
             "  beside it: not shown worse %.1f%% (%.1f-%.1f%%), shown non-inferior %.1f%% "
             "(%.1f-%.1f%%); with each comparison's seeds redrawn, the verdict's share "
             "stays in %.1f-%.1f%% (redrawn seeds change the tests' power, so this range "
             "may exclude the estimate)",
             100 * v->share[0], 100 * v->lo[0], 100 * v->hi[0], 100 * v->share[1], 100 * v->lo[1],
             100 * v->hi[1], 100 * v->slo, 100 * v->shi);
}

/* verdicts: verdict.csv's text, one row per measure with units, and the printed lines of the
 * primary measure ("" when it has none). */
static void verdicts(Model *M, const CompareOpts *o, int primary, const Counts *C, const Counts *P,
                     const char *tie, const char *settings, Buf *ver, char *line, size_t n,
                     char *seeds, size_t ns) {
    buf_printf(ver, "measure,primary,units,wins,ties,losses,as_good_or_better,ci_low,ci_high,"
                    "claim,verdict,decidable,paper_as_good_or_better,reference,tie,reading,"
                    "interval,alpha,not_worse,not_worse_low,not_worse_high,non_inferior,"
                    "non_inferior_low,non_inferior_high,seeds_low,seeds_high,"
                    "paper_rule_as_good_or_better,seeds_resampled,settings\n");
    line[0] = seeds[0] = '\0';
    for (int m = 0; m < NMEASURE; m++) {
        if (!M->nmunits[m]) continue;
        MeasureVerdict v;
        measure_verdict(M, o, m, primary, &v);
        verdict_row(ver, o, m, primary, &v, C, P, tie, settings);
        if (m == primary) primary_lines(o, m, M->D->seeds.n, &v, tie, line, n, seeds, ns);
    }
}

/* profiles_and_ranks: performance profiles and mean ranks on the final primary measure over
 * the problems (task, optimizer, seed) every scheduler completed, as CSV text; the ranks also
 * printed unless o->brief. */
static void profiles_and_ranks(const Data *D, const CompareOpts *o, int primary, Buf *prof,
                               Buf *ranks) {
    int np = 0;
    double *cost =
        xcalloc((size_t)D->tasks.n * D->optims.n * D->seeds.n * D->scheds.n + 1, sizeof(double));
    for (int t = 0; t < D->tasks.n; t++)
        for (int op = 0; op < D->optims.n; op++)
            for (int d = 0; d < D->seeds.n; d++) {
                int complete = 1;
                for (int s = 0; s < D->scheds.n; s++) complete &= *data_slot(D, t, op, s, d) >= 0;
                if (!complete) continue;
                for (int s = 0; s < D->scheds.n; s++) {
                    double v = D->runs[*data_slot(D, t, op, s, d)].v[primary][2];
                    cost[np * D->scheds.n + s] = isnan(v) ? INFINITY : v;
                }
                np++;
            }
    static const double taus[] = {1, 1.01, 1.02, 1.05, 1.1, 1.2, 1.5, 2, 3, 5, 10};
    enum { NTAU = sizeof taus / sizeof taus[0] };
    buf_printf(prof, "measure,scheduler,tau,fraction\n");
    buf_printf(ranks, "measure,scheduler,mean_rank,problems\n");
    if (np > 0) {
        double *rho = xcalloc((size_t)D->scheds.n * NTAU, sizeof(double));
        double *mr = xcalloc((size_t)D->scheds.n, sizeof(double));
        int prc = stats_performance_profile(cost, np, D->scheds.n, taus, NTAU, NULL, rho);
        stats_mean_ranks(cost, np, D->scheds.n, mr);
        for (int s = 0; s < D->scheds.n; s++) {
            for (int k = 0; prc == 0 && k < NTAU; k++) {
                csvio_field(prof, measure_names[primary], 1);
                csvio_field(prof, D->scheds.names[s], 0);
                csvio_num(prof, taus[k], 0);
                csvio_num(prof, rho[s * NTAU + k], 0);
                csvio_end(prof);
            }
            csvio_field(ranks, measure_names[primary], 1);
            csvio_field(ranks, D->scheds.names[s], 0);
            csvio_num(ranks, mr[s], 0);
            csvio_int(ranks, np, 0);
            csvio_end(ranks);
        }
        if (!o->brief) {
            printf("\nmean rank of each scheduler over %d problems (%s at the end; 1 = best):\n",
                   np, measure_names[primary]);
            for (int s = 0; s < D->scheds.n; s++)
                printf("  %-20s %.2f\n", D->scheds.names[s], mr[s]);
        }
        free(rho);
        free(mr);
    }
    free(cost);
}

/* print_counts: the paper counting tables (only the overall one when o->brief), the paper's
 * rule beside the chosen one, and a warning for each task whose comparisons are mostly ties. */
static void print_counts(const CompareOpts *o, int primary, const Counts *C, const Counts *P,
                         const char *tie) {
    char paper_tie[64];
    tie_format(TIE_PAPER, paper_tie, sizeof paper_tie);
    printf("\n%s against each baseline, paired by task, optimizer, seed and stage; %s; tie rule "
           "%s (paper counting, paper/paper.md section 1.2)\n",
           o->reference, measure_names[primary], tie);
    if (!o->brief) {
        print_table("baseline", C->by_base, C->nb);
        print_table("stage (% of steps)", C->by_stage, C->ns);
        print_table("task", C->by_task, C->nt);
        print_table("optimizer", C->by_optim, C->no);
    }
    print_table("overall", &C->all, 1);
    printf("the paper's rule (%s): %.2f%% as good or better (%d datapoints)\n", paper_tie,
           100 * good_share(P->all.n), P->all.n[0] + P->all.n[1] + P->all.n[2] + P->all.n[3]);
    for (int i = 0; i < C->nt; i++) {
        const int *n = C->by_task[i].n;
        int N = n[0] + n[1] + n[2] + n[3];
        if (N && 2 * (n[1] + n[2]) > N)
            printf("warning: task %s: %.0f%% of its comparisons are ties under %s; the tie rule "
                   "decides its share (see lrlab compare --multiverse)\n",
                   C->by_task[i].name, 100.0 * (n[1] + n[2]) / N, tie);
    }
}

/* analyse: everything compare writes and prints for the loaded runs of D, into M. */
static int analyse(const CompareOpts *o, int primary, Data *D, Model *M) {
    char tie[64], settings[COMPARE_SETTINGS_MAX], line[1024], seeds[512];
    tie_format(o->tie, tie, sizeof tie);
    compare_settings(o, settings, sizeof settings);
    if (remove_verdict(o->dir) != 0) return EXIT_RUN;
    model_build(D, M);
    Counts *C = xcalloc(1, sizeof *C), *P = xcalloc(1, sizeof *P);
    Buf ver = {0}, prof = {0}, ranks = {0};
    int code = EXIT_RUN;
    if (count_both(M, o, primary, C, P) != 0 || write_tests(M, o) != 0) goto out;
    verdicts(M, o, primary, C, P, tie, settings, &ver, line, sizeof line, seeds, sizeof seeds);
    profiles_and_ranks(D, o, primary, &prof, &ranks);
    /* write_file frees what it writes; those not written yet are freed at out */
    if (write_file(o->dir, "profiles.csv", &prof) || write_file(o->dir, "ranks.csv", &ranks) ||
        write_file(o->dir, "verdict.csv", &ver))
        goto out;
    print_counts(o, primary, C, P, tie);
    printf("%s\n", line);
    if (seeds[0]) printf("%s\n", seeds);
    if (!model_seeds_resampled(M, primary))
        printf("note: %d comparisons with up to %d seeds are too many to redraw and test again "
               "in each of %d replicates: the seed-level range is not computed (nan)%s\n",
               M->nmunits[primary], D->seeds.n, BOOT_REPS,
               o->interval == IV_CROSSED ? ", and the crossed interval keeps each comparison's "
                                           "decision fixed"
                                         : "");
    code = EXIT_OK;
out:
    buf_free(&prof);
    buf_free(&ranks);
    buf_free(&ver);
    free(C);
    free(P);
    return code;
}

int compare_main(const CompareOpts *o) {
    Data D;
    Model M = {0};
    int primary = measure_index(o->measure), skip;
    if (primary < 0) {
        fprintf(stderr,
                "lrlab: compare: --measure: invalid value (expected one of train_loss, "
                "val_loss, metric, auc, steps_to_target, seconds_to_target, "
                "evals_to_target, got %s)\n",
                o->measure);
        return EXIT_USAGE;
    }
    int code = load_folders(o, &D, &skip);
    if (code != EXIT_OK || skip) goto out;
    print_join(&D);
    code = analyse(o, primary, &D, &M);
    if (code == EXIT_OK && o->multiverse) code = multiverse_main(o, &M);
    if (code == EXIT_OK)
        printf("written: %s/{comparisons,tests,verdict,profiles,ranks}.csv%s\n", o->dir,
               o->multiverse ? ", multiverse.csv, figures/multiverse.png" : "");
out:
    model_free(&M);
    data_free(&D);
    return code;
}
