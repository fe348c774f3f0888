/* compare.c - paired win/tie/loss counting, tests and the verdict (see compare.h). */
#include "harness/compare.h"

#include "harness/buf.h"
#include "harness/csvio.h"
#include "harness/fsutil.h"
#include "harness/names.h"
#include "harness/stats.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NSTAGE 3
#define BOOT_REPS 10000
#define BOOT_SEED 20231

enum { M_TRAIN, M_VAL, M_METRIC, M_AUC, M_STEPS, M_SECONDS, NMEASURE };
static const char *const measure_names[NMEASURE] = {
    "train_loss", "val_loss", "metric", "auc", "steps_to_target", "seconds_to_target"};
static const int stage_pct[NSTAGE] = {10, 50, 100};
static const char *const cat_names[STATS_NCATEGORY] = {"yes", "yes*", "no*", "no"};

typedef struct {
    int t, o, s, d;
    char id[17];
    double v[NMEASURE][NSTAGE]; /* oriented: lower is better; +inf diverged or failed */
    double best_val, seconds;
    long long steps;
} Run;

/* A hash index of strings to positions (open addressing, FNV-1a, at most half full): names
 * and cells are looked up in constant time, so that loading is linear in rows (50,000 seeds
 * took 54 s with a linear search, issue 15). The keys belong to the caller. */
typedef struct {
    const char **key;
    int *val;
    size_t cap, n; /* cap: a power of two, or 0 */
} StrIndex;

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

typedef struct {
    char **names;
    int n, cap;
    StrIndex at;
} Names;

typedef struct {
    Names tasks, optims, scheds, seeds;
    Run *runs;
    int nruns;
    int *index; /* [T][O][S][D] -> run or -1 */
    int ref;    /* scheduler index of the reference */
    StrIndex ids; /* cell id -> run, once the runs are loaded (run_by_id) */
} Data;

static int intern(Names *n, const char *s) {
    int i = sidx_get(&n->at, s);
    if (i >= 0) return i;
    if (n->n == n->cap) n->names = xrealloc(n->names, sizeof(char *) * (size_t)(n->cap = n->cap ? 2 * n->cap : 16));
    n->names[n->n] = xstrdup(s);
    sidx_put(&n->at, n->names[n->n], n->n);
    return n->n++;
}

static void names_free(Names *n) {
    for (int i = 0; i < n->n; i++) free(n->names[i]);
    free(n->names);
    sidx_free(&n->at);
}

static int *slot(Data *D, int t, int o, int s, int d) {
    return &D->index[((t * D->optims.n + o) * D->scheds.n + s) * D->seeds.n + d];
}

static int bad_num(const char *path, int line, const char *col, const char *got) {
    Err e; /* err_set keeps it one line, whatever the field holds */
    err_set(&e, EXIT_USAGE, path, "line %d: %s: not a number (expected a number or nan, got "
            "\"%.30s\")", line, col, got);
    err_print(&e);
    return -1;
}

static int bad_step(const char *path, int line, int min, const char *got) {
    Err e;
    err_set(&e, EXIT_USAGE, path, "line %d: step: invalid value (expected a whole number >= %d, "
            "got \"%.30s\")", line, min, got);
    err_print(&e);
    return -1;
}

static int by_id(const void *a, const void *b) {
    const Run *x = *(const Run *const *)a, *y = *(const Run *const *)b;
    return strcmp(x->id, y->id);
}

/* runs_together: each run's rows on consecutive lines, as results_merge writes them: a
 * reordered or concatenated runs.csv would otherwise count a cell twice. (Stages may be
 * missing: results converted from elsewhere, as the paper's, lack some.) line[k]: the first
 * line of run k. */
static int runs_together(const char *path, Data *D, const int *line) {
    const Run **r = xcalloc((size_t)D->nruns + 1, sizeof(Run *));
    for (int i = 0; i < D->nruns; i++) r[i] = &D->runs[i];
    qsort(r, (size_t)D->nruns, sizeof *r, by_id);
    Err e = {0};
    for (int i = 1; i < D->nruns && !e.code; i++)
        if (strcmp(r[i]->id, r[i - 1]->id) == 0) {
            int a = line[r[i - 1] - D->runs], b = line[r[i] - D->runs];
            err_set(&e, EXIT_USAGE, path, "line %d: cell %s: rows apart from its rows at line %d "
                    "(expected each cell's rows together, as lrlab writes them)",
                    a > b ? a : b, r[i]->id, a < b ? a : b);
        }
    free(r);
    if (e.code) err_print(&e);
    return e.code ? -1 : 0;
}

static int load_runs(const char *dir, Data *D) {
    char path[4096];
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    CsvTable t;
    Err e;
    if (csvio_read(path, NULL, &t, &e) != 0) {
        err_print(&e);
        return -1;
    }
    static const char *const need[] = {"cell", "task", "optimizer", "scheduler", "seed",
                                       "stage", "step", "train_loss", "val_loss", "metric",
                                       "status", "metric_goal"};
    enum { NEED = 12 };
    int col[NEED];
    for (int k = 0; k < NEED; k++)
        if ((col[k] = csvio_col(&t, need[k])) < 0) {
            fprintf(stderr, "lrlab: %s: line 1: missing column (expected %s)\n", path, need[k]);
            csvio_free(&t);
            return -1;
        }
    D->runs = xcalloc((size_t)t.nrows + 1, sizeof(Run));
    unsigned char *seen = xcalloc((size_t)t.nrows + 1, 1);
    int *line = xcalloc((size_t)t.nrows + 1, sizeof(int));
    for (int r = 0; r < t.nrows; r++) {
        const char *id = csvio_at(&t, r, col[0]);
        int k = D->nruns - 1;
        if (k < 0 || strcmp(D->runs[k].id, id) != 0) {
            /* task, optimizer and scheduler follow the rule for names (names.h) */
            for (int q = 1; q <= 3; q++) {
                const char *v = csvio_at(&t, r, col[q]);
                char where[4200];
                snprintf(where, sizeof where, "%s:%d", path, r + 2);
                if (name_check(v, strlen(v), where, need[q], &e) != 0) {
                    err_print(&e);
                    goto bad;
                }
            }
            k = D->nruns++;
            line[k] = r + 2;
            Run *x = &D->runs[k];
            snprintf(x->id, sizeof x->id, "%s", id);
            x->t = intern(&D->tasks, csvio_at(&t, r, col[1]));
            x->o = intern(&D->optims, csvio_at(&t, r, col[2]));
            x->s = intern(&D->scheds, csvio_at(&t, r, col[3]));
            x->d = intern(&D->seeds, csvio_at(&t, r, col[4]));
            for (int m = 0; m < NMEASURE; m++)
                for (int g = 0; g < NSTAGE; g++) x->v[m][g] = NAN;
            x->best_val = INFINITY;
            x->seconds = NAN;
        }
        Run *x = &D->runs[k];
        double stage, v[3];
        if (csvio_parse_num(csvio_at(&t, r, col[5]), &stage) != 0) {
            bad_num(path, r + 2, "stage", csvio_at(&t, r, col[5]));
            goto bad;
        }
        int g = stage == 10 ? 0 : stage == 50 ? 1 : stage == 100 ? 2 : -1;
        if (g < 0) {
            fprintf(stderr, "lrlab: %s: line %d: stage: invalid value (expected 10, 50 or 100, "
                            "got %g)\n", path, r + 2, stage);
            goto bad;
        }
        if (seen[k] >> g & 1) {
            fprintf(stderr, "lrlab: %s: line %d: cell %s: stage %d twice (expected one row per "
                            "cell and stage)\n", path, r + 2, x->id, stage_pct[g]);
            goto bad;
        }
        seen[k] |= (unsigned char)(1 << g);
        long long nstep;
        if (csvio_parse_step(csvio_at(&t, r, col[6]), 1, &nstep) != 0) {
            bad_step(path, r + 2, 1, csvio_at(&t, r, col[6]));
            goto bad;
        }
        if (g == 2) x->steps = nstep;
        for (int c = 0; c < 3; c++)
            if (csvio_parse_num(csvio_at(&t, r, col[7 + c]), &v[c]) != 0) {
                bad_num(path, r + 2, need[7 + c], csvio_at(&t, r, col[7 + c]));
                goto bad;
            }
        int ok = strcmp(csvio_at(&t, r, col[10]), "ok") == 0;
        int maximize = strcmp(csvio_at(&t, r, col[11]), "max") == 0;
        if (maximize) v[2] = -v[2];
        for (int c = 0; c < 3; c++) x->v[c][g] = ok && isfinite(v[c]) ? v[c] : INFINITY;
    }
    int rc = runs_together(path, D, line);
    free(seen);
    free(line);
    csvio_free(&t);
    return rc;
bad:
    free(seen);
    free(line);
    csvio_free(&t);
    return -1;
}

/* Curves: auc (mean validation loss over the evaluations after step 0), best validation
 * loss; timing: wall seconds. Both files are optional (older or merged folders). */
static int run_by_id(Data *D, const char *id) {
    if (D->nruns && !D->ids.n) /* ids are unique: runs_together refuses a cell twice */
        for (int i = 0; i < D->nruns; i++) sidx_put(&D->ids, D->runs[i].id, i);
    return sidx_get(&D->ids, id);
}

static int load_curves(const char *dir, Data *D) {
    char path[4096];
    snprintf(path, sizeof path, "%s/evals.csv", dir);
    if (!fs_exists(path)) return 0;
    CsvTable t;
    Err e;
    if (csvio_read(path, NULL, &t, &e) != 0) {
        err_print(&e);
        return -1;
    }
    int ccell = csvio_col(&t, "cell"), cstep = csvio_col(&t, "step"), cval = csvio_col(&t, "val_loss");
    if (ccell < 0 || cstep < 0 || cval < 0) {
        fprintf(stderr, "lrlab: %s: line 1: missing column (expected cell, step, val_loss)\n", path);
        csvio_free(&t);
        return -1;
    }
    double *sum = xcalloc((size_t)D->nruns + 1, sizeof(double));
    int *cnt = xcalloc((size_t)D->nruns + 1, sizeof(int)), last = -1;
    const char *last_id = "";
    for (int r = 0; r < t.nrows; r++) {
        const char *id = csvio_at(&t, r, ccell);
        if (strcmp(id, last_id) != 0) last = run_by_id(D, id), last_id = id;
        if (last < 0) continue;
        double step, v;
        long long nstep;
        if (csvio_parse_step(csvio_at(&t, r, cstep), 0, &nstep) != 0) {
            bad_step(path, r + 2, 0, csvio_at(&t, r, cstep));
            free(sum), free(cnt), csvio_free(&t);
            return -1;
        }
        step = (double)nstep;
        if (csvio_parse_num(csvio_at(&t, r, cval), &v)) {
            bad_num(path, r + 2, "val_loss", csvio_at(&t, r, cval));
            free(sum), free(cnt), csvio_free(&t);
            return -1;
        }
        if (step <= 0) continue;
        sum[last] += isfinite(v) ? v : INFINITY;
        cnt[last]++;
        if (isfinite(v) && v < D->runs[last].best_val) D->runs[last].best_val = v;
    }
    for (int i = 0; i < D->nruns; i++) {
        int ok = isfinite(D->runs[i].v[M_VAL][2]);
        D->runs[i].v[M_AUC][2] = ok && cnt[i] ? sum[i] / cnt[i] : INFINITY;
    }
    free(sum);
    free(cnt);
    csvio_free(&t);
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
                x->best_val = isfinite(target) ? target : INFINITY; /* reused: the target */
            }
        }
    if (csvio_read(path, NULL, &t, &e) != 0) return -1;
    last_id = "";
    for (int r = 0; r < t.nrows; r++) {
        const char *id = csvio_at(&t, r, ccell);
        if (strcmp(id, last_id) != 0) last = run_by_id(D, id), last_id = id;
        if (last < 0) continue;
        Run *x = &D->runs[last];
        double step, v;
        csvio_parse_num(csvio_at(&t, r, cstep), &step);
        csvio_parse_num(csvio_at(&t, r, cval), &v);
        if (step > 0 && isinf(x->v[M_STEPS][2]) && isfinite(v) && v <= x->best_val &&
            isfinite(x->v[M_VAL][2]))
            x->v[M_STEPS][2] = step;
    }
    csvio_free(&t);
    snprintf(path, sizeof path, "%s/timing.csv", dir);
    if (fs_exists(path) && csvio_read(path, NULL, &t, &e) == 0) {
        for (int r = 0; r < t.nrows; r++) {
            int i = run_by_id(D, csvio_at(&t, r, 0));
            double sec;
            if (i >= 0 && csvio_parse_num(csvio_at(&t, r, 1), &sec) == 0) D->runs[i].seconds = sec;
        }
        csvio_free(&t);
    }
    for (int i = 0; i < D->nruns; i++) {
        Run *x = &D->runs[i];
        x->v[M_SECONDS][2] = isfinite(x->v[M_STEPS][2]) && isfinite(x->seconds) && x->steps > 0
                                 ? x->seconds * x->v[M_STEPS][2] / (double)x->steps
                                 : isfinite(x->v[M_STEPS][2]) ? NAN : INFINITY;
    }
    return 0;
}

/* ---- units of comparison ---- */

typedef struct {
    int m, g, t, o, b;
    int n, wins, losses;
    double median, wilcoxon_p, sign_p, holm_p, tau;
    int exact;
    int family;   /* units in its Holm family */
    int decision; /* +1 win, 0 tie, -1 loss */
} Unit;

static double diff(double base, double ref) {
    if (isinf(base) && isinf(ref)) return 0;
    return base - ref; /* +inf when only the baseline failed, -inf when only the reference */
}

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

int compare_main(const CompareOpts *o) {
    Data D;
    memset(&D, 0, sizeof D);
    int code = EXIT_USAGE;
    Unit *units = NULL;
    int primary = measure_index(o->measure ? o->measure : "train_loss");
    if (primary < 0) {
        fprintf(stderr, "lrlab: compare: --measure: invalid value (expected one of train_loss, "
                        "val_loss, metric, auc, steps_to_target, seconds_to_target, got %s)\n",
                o->measure);
        return EXIT_USAGE;
    }
    if (load_runs(o->dir, &D) != 0) goto out;
    D.ref = -1;
    for (int s = 0; s < D.scheds.n; s++)
        if (strcmp(D.scheds.names[s], o->reference) == 0) D.ref = s;
    if (D.ref < 0) {
        if (o->quiet_missing) {
            code = EXIT_OK;
            goto out;
        }
        fprintf(stderr, "lrlab: %s/runs.csv: no runs of the reference scheduler (expected "
                        "scheduler \"%s\")\n", o->dir, o->reference);
        goto out;
    }
    if (load_curves(o->dir, &D) != 0) goto out;
    size_t cells = (size_t)D.tasks.n * D.optims.n * D.scheds.n * D.seeds.n;
    D.index = xmalloc(sizeof(int) * (cells ? cells : 1));
    for (size_t i = 0; i < cells; i++) D.index[i] = -1;
    for (int i = 0; i < D.nruns; i++) {
        Run *x = &D.runs[i];
        int *sl = slot(&D, x->t, x->o, x->s, x->d);
        if (*sl >= 0) {
            fprintf(stderr, "lrlab: %s/runs.csv: cell %s: a second run of %s %s %s seed %s "
                            "(expected one run per task, optimizer, scheduler and seed)\n",
                    o->dir, x->id, D.tasks.names[x->t], D.optims.names[x->o], D.scheds.names[x->s],
                    D.seeds.names[x->d]);
            goto out;
        }
        *sl = i;
    }
    code = EXIT_RUN;
    /* ---- paper counting on the primary measure ---- */
    enum { CAP = 256 };
    Tally by_base[CAP], by_stage[NSTAGE], by_task[CAP], by_optim[CAP], all = {"all", {0}};
    int nb = 0, ns = 0, nt = 0, no = 0;
    Buf cmp = {0};
    buf_printf(&cmp, "measure,task,optimizer,stage,baseline,seed,reference_value,baseline_value,"
                     "delta,category\n");
    int gfirst = primary >= M_AUC ? 2 : 0;
    for (int g = gfirst; g < NSTAGE; g++)
        for (int t = 0; t < D.tasks.n; t++)
            for (int op = 0; op < D.optims.n; op++)
                for (int b = 0; b < D.scheds.n; b++) {
                    if (b == D.ref) continue;
                    for (int d = 0; d < D.seeds.n; d++) {
                        int ir = *slot(&D, t, op, D.ref, d), ib = *slot(&D, t, op, b, d);
                        if (ir < 0 || ib < 0) continue;
                        double vr = D.runs[ir].v[primary][g], vb = D.runs[ib].v[primary][g];
                        if (isnan(vr) || isnan(vb)) continue;
                        double tau = o->relative && isfinite(vb) ? o->tau * fabs(vb) : o->tau;
                        StatsCategory c = stats_paper_category(vr, vb, tau);
                        char st[8];
                        snprintf(st, sizeof st, "%d", stage_pct[g]);
                        tally(by_base, &nb, CAP, D.scheds.names[b])->n[c]++;
                        tally(by_stage, &ns, NSTAGE, st)->n[c]++;
                        tally(by_task, &nt, CAP, D.tasks.names[t])->n[c]++;
                        tally(by_optim, &no, CAP, D.optims.names[op])->n[c]++;
                        all.n[c]++;
                        csvio_field(&cmp, measure_names[primary], 1);
                        csvio_field(&cmp, D.tasks.names[t], 0);
                        csvio_field(&cmp, D.optims.names[op], 0);
                        csvio_int(&cmp, stage_pct[g], 0);
                        csvio_field(&cmp, D.scheds.names[b], 0);
                        csvio_field(&cmp, D.seeds.names[d], 0);
                        csvio_num(&cmp, vr, 0);
                        csvio_num(&cmp, vb, 0);
                        csvio_num(&cmp, diff(vb, vr), 0);
                        csvio_field(&cmp, cat_names[c], 0);
                        csvio_end(&cmp);
                    }
                }
    if (write_file(o->dir, "comparisons.csv", &cmp)) goto out;

    /* ---- statistical units ---- */
    size_t cap = (size_t)NMEASURE * NSTAGE * D.tasks.n * D.optims.n * D.scheds.n + 1;
    units = xcalloc(cap, sizeof(Unit));
    int nu = 0;
    double *dv = xcalloc((size_t)D.seeds.n + 1, sizeof(double));
    double *bv = xcalloc((size_t)D.seeds.n + 1, sizeof(double));
    for (int m = 0; m < NMEASURE; m++)
        for (int g = m >= M_AUC ? 2 : 0; g < NSTAGE; g++)
            for (int t = 0; t < D.tasks.n; t++)
                for (int op = 0; op < D.optims.n; op++)
                    for (int b = 0; b < D.scheds.n; b++) {
                        if (b == D.ref) continue;
                        int n = 0, nbv = 0;
                        Unit u = {.m = m, .g = g, .t = t, .o = op, .b = b};
                        for (int d = 0; d < D.seeds.n; d++) {
                            int ir = *slot(&D, t, op, D.ref, d), ib = *slot(&D, t, op, b, d);
                            if (ir < 0 || ib < 0) continue;
                            double vr = D.runs[ir].v[m][g], vb = D.runs[ib].v[m][g];
                            if (isnan(vr) || isnan(vb)) continue;
                            dv[n++] = diff(vb, vr);
                            if (isfinite(vb)) bv[nbv++] = vb;
                            u.wins += dv[n - 1] > 0;
                            u.losses += dv[n - 1] < 0;
                        }
                        if (n == 0) continue;
                        u.n = n;
                        u.median = stats_median(dv, n);
                        StatsWilcoxon w;
                        if (stats_wilcoxon(dv, n, STATS_WILCOXON_AUTO, &w) == 0) {
                            u.wilcoxon_p = w.pvalue;
                            u.exact = w.exact;
                        } else {
                            u.wilcoxon_p = 1.0; /* all differences zero: no evidence */
                        }
                        u.sign_p = stats_sign_test(u.wins, u.losses);
                        u.tau = o->relative ? o->tau * (nbv ? fabs(stats_median(bv, nbv)) : 0)
                                            : o->tau;
                        units[nu++] = u;
                    }
    free(dv);
    free(bv);
    /* Holm across each measure's family */
    double *ps = xcalloc((size_t)nu + 1, sizeof(double)), *adj = xcalloc((size_t)nu + 1, sizeof(double));
    int *who = xcalloc((size_t)nu + 1, sizeof(int));
    /* the family: every unit of one measure on one (task, optimizer): all baselines and
     * stages of one experimental question */
    for (int m = 0; m < NMEASURE; m++)
        for (int t = 0; t < D.tasks.n; t++)
            for (int op = 0; op < D.optims.n; op++) {
                int k = 0;
                for (int i = 0; i < nu; i++)
                    if (units[i].m == m && units[i].t == t && units[i].o == op)
                        ps[k] = units[i].wilcoxon_p, who[k++] = i;
                if (k) stats_holm(ps, k, adj);
                for (int j = 0; j < k; j++) {
                    Unit *u = &units[who[j]];
                    u->holm_p = adj[j];
                    u->family = k;
                    int sig = adj[j] < o->alpha;
                    u->decision = sig && u->median > u->tau ? 1 : sig && u->median < -u->tau ? -1 : 0;
                }
            }
    free(ps);
    free(adj);
    free(who);
    Buf tests = {0};
    buf_printf(&tests, "measure,stage,task,optimizer,baseline,n,median_delta,tau,wins,losses,"
                       "wilcoxon_p,exact,sign_p,holm_p,decision\n");
    for (int i = 0; i < nu; i++) {
        const Unit *u = &units[i];
        csvio_field(&tests, measure_names[u->m], 1);
        csvio_int(&tests, stage_pct[u->g], 0);
        csvio_field(&tests, D.tasks.names[u->t], 0);
        csvio_field(&tests, D.optims.names[u->o], 0);
        csvio_field(&tests, D.scheds.names[u->b], 0);
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
        csvio_end(&tests);
    }
    if (write_file(o->dir, "tests.csv", &tests)) goto out;

    /* ---- verdicts, one per measure ---- */
    Buf ver = {0};
    buf_printf(&ver, "measure,primary,units,wins,ties,losses,as_good_or_better,ci_low,ci_high,"
                     "claim,verdict,decidable,paper_as_good_or_better\n");
    double *ind = xcalloc((size_t)nu + 1, sizeof(double));
    char primary_line[512] = "";
    for (int m = 0; m < NMEASURE; m++) {
        int k = 0, w = 0, l = 0;
        for (int i = 0; i < nu; i++)
            if (units[i].m == m) {
                ind[k++] = units[i].decision >= 0;
                w += units[i].decision > 0;
                l += units[i].decision < 0;
            }
        if (!k) continue;
        double lo, hi, frac = 0;
        for (int i = 0; i < k; i++) frac += ind[i];
        frac /= k;
        stats_bootstrap_ci(ind, k, BOOT_REPS, 0.95, BOOT_SEED, &lo, &hi);
        /* A unit can only be decided when its smallest attainable p-value (every seed on one
         * side: 2 / 2^n exactly), times the family size under Holm, is below alpha. */
        int decidable = 0;
        for (int i = 0; i < nu; i++)
            if (units[i].m == m && 2.0 * units[i].family / ldexp(1.0, units[i].n) < o->alpha)
                decidable++;
        const char *verdict = !decidable       ? "undecided (too few seeds)"
                              : lo > o->claim  ? "supported"
                              : hi < o->claim  ? "not supported"
                                               : "undecided";
        csvio_field(&ver, measure_names[m], 1);
        csvio_int(&ver, m == primary, 0);
        csvio_int(&ver, k, 0);
        csvio_int(&ver, w, 0);
        csvio_int(&ver, k - w - l, 0);
        csvio_int(&ver, l, 0);
        csvio_num(&ver, frac, 0);
        csvio_num(&ver, lo, 0);
        csvio_num(&ver, hi, 0);
        csvio_num(&ver, o->claim, 0);
        csvio_field(&ver, verdict, 0);
        csvio_int(&ver, decidable, 0);
        double pct[STATS_NPCT];
        stats_paper_percentages(all.n, pct);
        csvio_num(&ver, m == primary ? pct[STATS_PCT_GOOD_OR_BETTER] / 100 : NAN, 0);
        csvio_end(&ver);
        if (m == primary && !decidable)
            snprintf(primary_line, sizeof primary_line,
                     "verdict on \"%s is as good or better than the baselines more than %g%% of "
                     "the time\" (%s): undecided: with at most %d seeds per comparison no "
                     "difference can reach alpha %g after Holm's correction within each task and "
                     "optimizer; add seeds (the paper counting above treats one seed as evidence)",
                     o->reference, 100 * o->claim, measure_names[m], D.seeds.n, o->alpha);
        else if (m == primary)
            snprintf(primary_line, sizeof primary_line,
                     "verdict on \"%s is as good or better than the baselines more than %g%% of "
                     "the time\" (%s): %s: %.1f%% of %d comparisons (95%% CI %.1f%% to %.1f%%; "
                     "%d wins, %d ties, %d losses at alpha %g with Holm's correction)",
                     o->reference, 100 * o->claim, measure_names[m], verdict, 100 * frac, k,
                     100 * lo, 100 * hi, w, k - w - l, l, o->alpha);
    }
    free(ind);
    if (write_file(o->dir, "verdict.csv", &ver)) goto out;

    /* ---- performance profiles and mean ranks on the final primary measure ---- */
    int np = 0;
    double *cost = xcalloc((size_t)D.tasks.n * D.optims.n * D.seeds.n * D.scheds.n + 1, sizeof(double));
    for (int t = 0; t < D.tasks.n; t++)
        for (int op = 0; op < D.optims.n; op++)
            for (int d = 0; d < D.seeds.n; d++) {
                int complete = 1;
                for (int s = 0; s < D.scheds.n; s++) complete &= *slot(&D, t, op, s, d) >= 0;
                if (!complete) continue;
                for (int s = 0; s < D.scheds.n; s++) {
                    double v = D.runs[*slot(&D, t, op, s, d)].v[primary][2];
                    cost[np * D.scheds.n + s] = isnan(v) ? INFINITY : v;
                }
                np++;
            }
    static const double taus[] = {1, 1.01, 1.02, 1.05, 1.1, 1.2, 1.5, 2, 3, 5, 10};
    enum { NTAU = sizeof taus / sizeof taus[0] };
    Buf prof = {0}, ranks = {0};
    buf_printf(&prof, "measure,scheduler,tau,fraction\n");
    buf_printf(&ranks, "measure,scheduler,mean_rank,problems\n");
    if (np > 0) {
        double *rho = xcalloc((size_t)D.scheds.n * NTAU, sizeof(double));
        double *mr = xcalloc((size_t)D.scheds.n, sizeof(double));
        int prc = stats_performance_profile(cost, np, D.scheds.n, taus, NTAU, NULL, rho);
        stats_mean_ranks(cost, np, D.scheds.n, mr);
        for (int s = 0; s < D.scheds.n; s++) {
            for (int k = 0; prc == 0 && k < NTAU; k++) {
                csvio_field(&prof, measure_names[primary], 1);
                csvio_field(&prof, D.scheds.names[s], 0);
                csvio_num(&prof, taus[k], 0);
                csvio_num(&prof, rho[s * NTAU + k], 0);
                csvio_end(&prof);
            }
            csvio_field(&ranks, measure_names[primary], 1);
            csvio_field(&ranks, D.scheds.names[s], 0);
            csvio_num(&ranks, mr[s], 0);
            csvio_int(&ranks, np, 0);
            csvio_end(&ranks);
        }
        if (!o->brief) {
            printf("\nmean rank of each scheduler over %d problems (%s at the end; 1 = best):\n",
                   np, measure_names[primary]);
            for (int s = 0; s < D.scheds.n; s++) printf("  %-20s %.2f\n", D.scheds.names[s], mr[s]);
        }
        free(rho);
        free(mr);
    }
    free(cost);
    if (write_file(o->dir, "profiles.csv", &prof) || write_file(o->dir, "ranks.csv", &ranks)) goto out;

    printf("\n%s against each baseline, paired by task, optimizer, seed and stage; %s; tie "
           "tolerance %s %g (paper counting, paper/paper.md section 1.2)\n", o->reference,
           measure_names[primary], o->relative ? "relative" : "absolute", o->tau);
    if (!o->brief) {
        print_table("baseline", by_base, nb);
        print_table("stage (% of steps)", by_stage, ns);
        print_table("task", by_task, nt);
        print_table("optimizer", by_optim, no);
    }
    print_table("overall", &all, 1);
    printf("%s\n", primary_line);
    printf("written: %s/{comparisons,tests,verdict,profiles,ranks}.csv\n", o->dir);
    code = EXIT_OK;
out:
    free(units);
    free(D.runs);
    free(D.index);
    names_free(&D.tasks);
    names_free(&D.optims);
    names_free(&D.scheds);
    names_free(&D.seeds);
    sidx_free(&D.ids);
    return code;
}
