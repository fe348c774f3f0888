/* trend.c - the reference scheduler's advantage against model size (see trend.h). */
#include "harness/analysis/trend.h"
#include "harness/analysis/compare_int.h"

#include "harness/analysis/plot.h"
#include "harness/analysis/stats.h"
#include "harness/base/buf.h"
#include "harness/base/csvio.h"
#include "harness/base/fsutil.h"
#include "harness/base/gnuplot.h"
#include "harness/base/names.h"
#include "harness/base/rng.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { FINAL = NSTAGES - 1 }; /* the stage at 100% of the steps */

/* ---- tasks.csv ---- */

typedef struct {
    char task[NAME_MAX_LEN + 1], kind[NAME_MAX_LEN + 1];
    long long params;
} TaskRow;

static const char *const tasks_cols[] = {"task", "kind", "params", "steps", "eval_every", NULL};

/* read_tasks: DIR/tasks.csv, every field checked; 0, or -1 with e (exit 2). */
static int read_tasks(const char *dir, TaskRow **out, int *nout, Err *e) {
    char path[FS_PATH_MAX];
    *out = NULL, *nout = 0;
    if (fs_path(path, sizeof path, e, "%s/tasks.csv", dir) != 0) return -1;
    if (!fs_exists_packed(path))
        return err_set(e, EXIT_USAGE, path,
                       "missing (expected each task's kind and parameter "
                       "count, which lrlab run writes beside plan.csv; running the script into "
                       "the folder again writes it without training any cell)");
    CsvTable t;
    if (csvio_read(path, NULL, &t, e) != 0) return -1;
    int same = t.ncols == 5;
    for (int c = 0; c < t.ncols && same; c++) same = strcmp(t.header[c], tasks_cols[c]) == 0;
    if (!same) {
        Buf got = {0};
        for (int c = 0; c < t.ncols; c++) buf_printf(&got, "%s%s", c ? "," : "", t.header[c]);
        err_set(e, EXIT_USAGE, path,
                "line 1: unexpected columns (expected task,kind,params,"
                "steps,eval_every, got %.100s)",
                got.s ? got.s : "");
        buf_free(&got);
        csvio_free(&t);
        return -1;
    }
    TaskRow *rows = xcalloc((size_t)t.nrows + 1, sizeof(TaskRow));
    int rc = 0;
    for (int r = 0; r < t.nrows && rc == 0; r++) {
        char where[FS_PATH_MAX + 32];
        snprintf(where, sizeof where, "%s: line %d", path, r + 2);
        for (int c = 0; c < 2 && rc == 0; c++) {
            const char *v = csvio_at(&t, r, c);
            rc = name_check(v, strlen(v), where, tasks_cols[c], e);
        }
        for (int c = 2; c < 5 && rc == 0; c++) {
            long long x;
            if (csvio_parse_step(csvio_at(&t, r, c), 1, &x) != 0)
                rc = err_set(e, EXIT_USAGE, path,
                             "line %d: %s: invalid value (expected a whole "
                             "number >= 1, got \"%.30s\")",
                             r + 2, tasks_cols[c], csvio_at(&t, r, c));
            else if (c == 2) rows[r].params = x;
        }
        if (rc) break;
        snprintf(rows[r].task, sizeof rows[r].task, "%s", csvio_at(&t, r, 0));
        snprintf(rows[r].kind, sizeof rows[r].kind, "%s", csvio_at(&t, r, 1));
        for (int q = 0; q < r && rc == 0; q++)
            if (strcmp(rows[q].task, rows[r].task) == 0)
                rc = err_set(e, EXIT_USAGE, path,
                             "line %d: task: %s a second time (expected one "
                             "row per task, the first at line %d)",
                             r + 2, rows[r].task, q + 2);
    }
    int n = t.nrows;
    csvio_free(&t);
    if (rc) {
        free(rows);
        return -1;
    }
    *out = rows, *nout = n;
    return 0;
}

/* ---- ranks, Spearman's rho, Theil-Sen ---- */

/* centred_ranks: c[i] = the average rank of v[i] among v[0..k) (1-based, ties sharing the
 * mean of their ranks) minus (k + 1) / 2; returns the sum of c[i]^2. Values are not NaN. */
static double centred_ranks(const double *v, int k, double *c) {
    double ss = 0;
    for (int i = 0; i < k; i++) {
        int below = 0, same = 0;
        for (int j = 0; j < k; j++) below += v[j] < v[i], same += v[j] == v[i];
        c[i] = below + (same + 1) / 2.0 - (k + 1) / 2.0;
        ss += c[i] * c[i];
    }
    return ss;
}

/* theil_sen: the median of (y_i - y_j) / (x_i - x_j) over the pairs with x_i > x_j, as
 * scipy.stats.theilslopes; nan without such a pair or when a slope is nan. */
static double theil_sen(const double *x, const double *y, int k) {
    double *s = xcalloc((size_t)k * (size_t)k + 1, sizeof(double));
    int n = 0, nan = 0;
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++)
            if (x[i] > x[j]) {
                s[n] = (y[i] - y[j]) / (x[i] - x[j]);
                nan |= isnan(s[n++]);
            }
    double m = n && !nan ? stats_median(s, n) : NAN;
    free(s);
    return m;
}

/* ---- the strata: one family and optimizer, for "all" or one baseline ---- */

typedef struct {
    int fam, o, col;   /* family (index in Trend.fams), optimizer, column: 0 all, 1 + baseline */
    int k;             /* sizes with a defined advantage */
    double *x, *y;     /* [k] log10(parameters), advantage */
    long long *params; /* [k] parameters */
    long long pmin, pmax;
    double *cx, *cy, denom; /* centred ranks of x and y, sqrt of their sums of squares */
    double rho, slope, p;
    double nperm;
    int exact, tested;
} Stratum;

/* rho_perm: Spearman's rho with the size labels permuted: task i takes x of task perm[i]. */
static double rho_perm(const Stratum *s, const uint32_t *perm) {
    double sum = 0;
    for (int i = 0; i < s->k; i++) sum += s->cx[perm[i]] * s->cy[i];
    return sum / s->denom;
}

static void identity(uint32_t *perm, int k) {
    for (int i = 0; i < k; i++) perm[i] = (uint32_t)i;
}

/* every_rho: rho under every permutation of s's size labels (Heap's algorithm), k! values. */
static double *every_rho(const Stratum *s, size_t *n) {
    int k = s->k;
    size_t total = 1;
    for (int i = 2; i <= k; i++) total *= (size_t)i;
    double *v = xmalloc(sizeof(double) * total);
    uint32_t perm[16];
    int c[16] = {0};
    LR_ASSERT(k <= 16);
    identity(perm, k);
    size_t m = 0;
    v[m++] = rho_perm(s, perm);
    for (int i = 1; i < k;) {
        if (c[i] < i) {
            int j = i % 2 ? c[i] : 0;
            uint32_t t = perm[j];
            perm[j] = perm[i], perm[i] = t;
            v[m++] = rho_perm(s, perm);
            c[i]++;
            i = 1;
        } else {
            c[i++] = 0;
        }
    }
    LR_ASSERT(m == total);
    *n = total;
    return v;
}

/* perm_test: the one-sided p of S = the sum of the strata's rho (in order) under
 * permutations of the size labels within each stratum, exact when prod(k!) is at most
 * TREND_EXACT_MAX; sets *nperm and *exact. */
static double perm_test(Stratum *const *st, int F, double *nperm, int *exact) {
    double total = 1, S = 0;
    for (int f = 0; f < F; f++)
        for (int i = 2; i <= st[f]->k && total <= TREND_EXACT_MAX; i++) total *= i;
    double count = 0;
    *exact = total <= TREND_EXACT_MAX;
    if (*exact) {
        double **v = xcalloc((size_t)F, sizeof(double *));
        size_t *n = xcalloc((size_t)F, sizeof(size_t)), *at = xcalloc((size_t)F, sizeof(size_t));
        for (int f = 0; f < F; f++) {
            v[f] = every_rho(st[f], &n[f]);
            S += v[f][0]; /* the identity comes first */
        }
        for (;;) {
            double s = 0;
            for (int f = 0; f < F; f++) s += v[f][at[f]];
            count += s >= S - TREND_TIE;
            int f = F - 1;
            while (f >= 0 && ++at[f] == n[f]) at[f--] = 0;
            if (f < 0) break;
        }
        for (int f = 0; f < F; f++) free(v[f]);
        free(v), free(n), free(at);
        *nperm = total;
        return count / total;
    }
    int kmax = 0;
    for (int f = 0; f < F; f++) kmax = st[f]->k > kmax ? st[f]->k : kmax;
    uint32_t *perm = xmalloc(sizeof(uint32_t) * (size_t)kmax);
    for (int f = 0; f < F; f++) {
        identity(perm, st[f]->k);
        S += rho_perm(st[f], perm);
    }
    Rng rng;
    rng_seed(&rng, TREND_SEED);
    for (int r = 0; r < TREND_RANDOM; r++) {
        double s = 0;
        for (int f = 0; f < F; f++) {
            identity(perm, st[f]->k);
            rng_shuffle(&rng, perm, (size_t)st[f]->k);
            s += rho_perm(st[f], perm);
        }
        count += s >= S - TREND_TIE;
    }
    free(perm);
    *nperm = TREND_RANDOM;
    return (count + 1) / (TREND_RANDOM + 1.0);
}

/* ---- the analysis ---- */

typedef struct {
    Data D;
    TaskRow *rows;
    int nrows;
    int m;            /* the measure */
    int *row_of;      /* [T] the tasks.csv row of each task of runs.csv */
    int *order;       /* the tasks of runs.csv by family, parameters, then tasks.csv order */
    int *base, nbase; /* the baselines' scheduler indices */
    char (*fams)[NAME_MAX_LEN + 1];
    int nfam;
    int *fam_of; /* [T] */
    double *scale;
    /* [(t * O + o) * (1 + nbase) + col]: advantage and seeds (0: no value) */
    double *adv;
    int *seeds;
    Stratum *st;
    int nst;
} Trend;

static size_t at3(const Trend *R, int t, int o, int col) {
    return ((size_t)t * (size_t)R->D.optims.n + (size_t)o) * (size_t)(1 + R->nbase) + (size_t)col;
}

static long long params_of(const Trend *R, int t) { return R->rows[R->row_of[t]].params; }

/* advantages: a for every (task, optimizer, baseline), then A (column 0). */
static void advantages(Trend *R) {
    Data *D = &R->D;
    int T = D->tasks.n, O = D->optims.n, nd = D->seeds.n;
    double *d = xcalloc((size_t)nd + 1, sizeof(double)),
           *a = xcalloc((size_t)R->nbase + 1, sizeof(double));
    for (int t = 0; t < T; t++) {
        double s = R->scale[t];
        for (int o = 0; o < O; o++) {
            int na = 0, fewest = 0;
            for (int c = 1; c <= R->nbase; c++) {
                int n = 0;
                for (int q = 0; q < nd; q++) {
                    int ir = *data_slot(D, t, o, D->ref, q),
                        ib = *data_slot(D, t, o, R->base[c - 1], q);
                    if (ir < 0 || ib < 0) continue;
                    double vr = D->runs[ir].v[R->m][FINAL], vb = D->runs[ib].v[R->m][FINAL];
                    if (isnan(vr) || isnan(vb)) continue;
                    double diff = isinf(vb) && isinf(vr) ? 0 : vb - vr;
                    d[n++] = s > 0 ? diff / s : NAN;
                }
                size_t k = at3(R, t, o, c);
                R->seeds[k] = n;
                R->adv[k] = n ? stats_median(d, n) : NAN;
                if (!n) continue;
                fewest = !fewest || n < fewest ? n : fewest;
                if (!isnan(R->adv[k])) a[na++] = R->adv[k];
            }
            R->seeds[at3(R, t, o, 0)] = fewest;
            R->adv[at3(R, t, o, 0)] = na ? stats_median(a, na) : NAN;
        }
    }
    free(d);
    free(a);
}

/* by_family_size: task a before task b: by family, parameters, then tasks.csv's order */
static int by_family_size(const Trend *R, int a, int b) {
    if (R->fam_of[a] != R->fam_of[b]) return R->fam_of[a] < R->fam_of[b] ? -1 : 1;
    long long x = params_of(R, a), y = params_of(R, b);
    if (x != y) return x < y ? -1 : 1;
    return (R->row_of[a] > R->row_of[b]) - (R->row_of[a] < R->row_of[b]);
}

/* insertion sort with a context (n is the number of tasks: small) */
static void sort_tasks(Trend *R) {
    for (int i = 1; i < R->D.tasks.n; i++)
        for (int j = i; j > 0 && by_family_size(R, R->order[j - 1], R->order[j]) > 0; j--) {
            int t = R->order[j];
            R->order[j] = R->order[j - 1], R->order[j - 1] = t;
        }
}

/* strata: every (column, family, optimizer) with its points, rho, slope and own test. */
static void strata(Trend *R) {
    int O = R->D.optims.n, ncol = 1 + R->nbase, T = R->D.tasks.n;
    R->st = xcalloc((size_t)ncol * R->nfam * O + 1, sizeof(Stratum));
    for (int c = 0; c < ncol; c++)
        for (int f = 0; f < R->nfam; f++)
            for (int o = 0; o < O; o++) {
                Stratum *s = &R->st[R->nst++];
                *s = (Stratum){.fam = f, .o = o, .col = c, .rho = NAN, .slope = NAN, .p = NAN};
                s->x = xcalloc((size_t)T + 1, sizeof(double));
                s->y = xcalloc((size_t)T + 1, sizeof(double));
                s->params = xcalloc((size_t)T + 1, sizeof(long long));
                s->cx = xcalloc((size_t)T + 1, sizeof(double));
                s->cy = xcalloc((size_t)T + 1, sizeof(double));
                for (int i = 0; i < T; i++) {
                    int t = R->order[i];
                    size_t k = at3(R, t, o, c);
                    if (R->fam_of[t] != f || !R->seeds[k] || isnan(R->adv[k])) continue;
                    long long p = params_of(R, t);
                    if (!s->k || p < s->pmin) s->pmin = p;
                    if (!s->k || p > s->pmax) s->pmax = p;
                    s->params[s->k] = p;
                    s->x[s->k] = log10((double)p);
                    s->y[s->k++] = R->adv[k];
                }
                if (s->k < 2) continue;
                s->denom =
                    sqrt(centred_ranks(s->x, s->k, s->cx) * centred_ranks(s->y, s->k, s->cy));
                if (s->denom > 0) {
                    uint32_t *perm = xmalloc(sizeof(uint32_t) * (size_t)s->k);
                    identity(perm, s->k);
                    s->rho = rho_perm(s, perm);
                    free(perm);
                }
                s->slope = theil_sen(s->x, s->y, s->k);
                s->tested = s->k >= 3 && !isnan(s->rho);
                if (s->tested) {
                    Stratum *one[1] = {s};
                    s->p = perm_test(one, 1, &s->nperm, &s->exact);
                }
            }
}

static const char *col_name(const Trend *R, int c) {
    return c == 0 ? "all" : R->D.scheds.names[R->base[c - 1]];
}

/* test_word: the test column of a stratum's row */
static const char *test_word(const Stratum *s) {
    if (s->tested) return s->exact ? "exact" : "random";
    if (s->k < 3) return "left out: fewer than 3 sizes";
    return "left out: rho undefined (the advantage or the size is the same at every size)";
}

typedef struct {
    double S, p, nperm;
    int F, sizes, exact;
} Pooled;

static Pooled pooled(Trend *R, int c) {
    Pooled P = {.p = NAN, .S = NAN, .nperm = 0};
    Stratum **in = xcalloc((size_t)R->nst + 1, sizeof(Stratum *));
    for (int i = 0; i < R->nst; i++)
        if (R->st[i].col == c && R->st[i].tested) in[P.F++] = &R->st[i], P.sizes += R->st[i].k;
    if (P.F) {
        P.S = 0;
        for (int f = 0; f < P.F; f++) P.S += in[f]->rho;
        P.p = perm_test(in, P.F, &P.nperm, &P.exact);
    }
    free(in);
    return P;
}

static void num(Buf *b, double x) {
    char s[40];
    compare_num(x, s, sizeof s);
    csvio_field(b, s, 0);
}

/* ---- output ---- */

static void trend_csv(const Trend *R, Buf *b) {
    buf_printf(b, "family,task,params,optimizer,baseline,advantage,seeds,scale\n");
    for (int i = 0; i < R->D.tasks.n; i++) {
        int t = R->order[i];
        for (int o = 0; o < R->D.optims.n; o++)
            for (int j = 1; j <= 1 + R->nbase; j++) {
                int c = j % (1 + R->nbase); /* the baselines, then all */
                size_t k = at3(R, t, o, c);
                if (!R->seeds[k]) continue;
                csvio_field(b, R->fams[R->fam_of[t]], 1);
                csvio_field(b, R->D.tasks.names[t], 0);
                csvio_int(b, params_of(R, t), 0);
                csvio_field(b, R->D.optims.names[o], 0);
                csvio_field(b, col_name(R, c), 0);
                num(b, R->adv[k]);
                csvio_int(b, R->seeds[k], 0);
                num(b, R->scale[t]);
                csvio_end(b);
            }
    }
}

static void test_row(Buf *b, const char *fam, const char *opt, const char *col, int n, double rho,
                     double slope, int F, double p, double nperm, const char *test) {
    csvio_field(b, fam, 1);
    csvio_field(b, opt, 0);
    csvio_field(b, col, 0);
    csvio_int(b, n, 0);
    num(b, rho);
    num(b, slope);
    csvio_int(b, F, 0);
    num(b, p);
    csvio_int(b, (long long)nperm, 0);
    csvio_field(b, test, 0);
    csvio_end(b);
}

static void pooled_line(char *out, size_t n, const Pooled *P, int O) {
    if (!P->F) {
        snprintf(out, n, "no family with 3 or more sizes and a defined rho: no test");
        return;
    }
    snprintf(out, n, "S = %.4g over %d %s, one-sided p = %.4g (%s, %.0f permutations%s)", P->S,
             P->F,
             O > 1 ? (P->F == 1 ? "family and optimizer" : "families and optimizers")
                   : (P->F == 1 ? "family" : "families"),
             P->p, P->exact ? "exact" : "random", P->nperm,
             P->exact ? "" : "; p = (count + 1) / (permutations + 1)");
}

static void print_table(const Trend *R, const char *ref, int m) {
    printf("%s's advantage against model size: %s at 100%% of the steps; a = median over seeds "
           "of (baseline - %s) / the task's scale, all = the median over the baselines\n",
           ref, measure_names[m], ref);
    printf("%-16s %-14s %-14s %5s  %-21s %7s %13s\n", "family", "optimizer", "baseline", "sizes",
           "parameters", "rho", "slope/decade");
    for (int i = 0; i < R->nst; i++) {
        const Stratum *s = &R->st[i];
        char range[48] = "-", rho[16] = "-", slope[24] = "-";
        if (s->k) snprintf(range, sizeof range, "%lld-%lld", s->pmin, s->pmax);
        if (!isnan(s->rho)) snprintf(rho, sizeof rho, "%.3f", s->rho);
        if (!isnan(s->slope)) snprintf(slope, sizeof slope, "%+.2f%%", 100 * s->slope);
        printf("%-16s %-14s %-14s %5d  %-21s %7s %13s%s\n", R->fams[s->fam],
               R->D.optims.names[s->o], col_name(R, s->col), s->k, range, rho, slope,
               s->tested  ? ""
               : s->k < 3 ? "  (left out: fewer than 3 sizes)"
                          : "  (left out: rho undefined)");
    }
}

/* ---- the figure ---- */

static const unsigned palette[] = {0x1f77b4, 0xd62728, 0x2ca02c, 0x9467bd,
                                   0xff7f0e, 0x8c564b, 0xe377c2, 0x17becf};
static const int point_types[] = {6, 4, 8, 10, 12, 14, 2, 3};
enum { NPALETTE = 8 };

static unsigned lighter(unsigned c) {
    unsigned r = c >> 16 & 255, g = c >> 8 & 255, b = c & 255;
    r = (r * 45 + 255 * 55) / 100, g = (g * 45 + 255 * 55) / 100, b = (b * 45 + 255 * 55) / 100;
    return r << 16 | g << 8 | b;
}

/* block: a data block $NAME of the stratum's finite points, in percent; returns how many
 * (the infinite ones are counted in *inf) */
static int block(Buf *g, const char *name, const Stratum *s, int *inf) {
    int n = 0;
    buf_printf(g, "$%s << EOD\n", name);
    for (int i = 0; i < s->k; i++) {
        if (!isfinite(s->y[i])) {
            (*inf)++;
            continue;
        }
        buf_printf(g, "%lld %.10g\n", s->params[i], 100 * s->y[i]);
        n++;
    }
    buf_printf(g, "EOD\n");
    return n;
}

static int figure(const Trend *R, const char *dir, const char *ref, const Pooled *P, int *drawn,
                  Err *e) {
    int O = R->D.optims.n, nst_all = R->nfam * O, inf = 0;
    Buf g = {0}, plot = {0};
    *drawn = 0;
    buf_printf(&g, "# generated by lrlab compare --trend from the results in ");
    gnuplot_comment(&g, dir);
    buf_printf(&g, "; rerun in that folder with: gnuplot figures/trend.gp\n"
                   "if (!exists(\"fmt\")) fmt = 'png'\n"
                   "if (fmt eq 'pdf') set terminal pdfcairo size 9in,6in font 'Helvetica,9'; "
                   "else set terminal pngcairo size 1200,800 font 'Helvetica,10'\n"
                   "set termoption noenhanced\n"
                   "set output 'figures/trend.'.fmt\n");
    char title[512], line[256];
    pooled_line(line, sizeof line, P, O);
    snprintf(title, sizeof title,
             "%s's advantage over the baselines against model size (%s "
             "at the end)\nsize trend: %s",
             ref, measure_names[R->m], line);
    buf_printf(&g, "set title ");
    gnuplot_str(&g, title);
    snprintf(title, sizeof title, "advantage of %s (%% of the task's scale)", ref);
    buf_printf(&g, "\nset ylabel ");
    gnuplot_str(&g, title);
    buf_printf(&g,
               "\nset xlabel 'trainable parameters'\nset logscale x 10\nset format x '%%.0s%%c'\n"
               "set grid\nset key outside right top\nset offsets graph 0.03, graph 0.03, graph "
               "0.05, graph 0.05\n"
               "set arrow 1 from graph 0, first 0 to graph 1, first 0 nohead lc rgb '#000000'\n");
    buf_printf(&plot, "plot ");
    int nplot = 0;
    for (int j = 0; j < R->nst; j++) { /* the baselines' points first, the lines over them */
        int i = (j + nst_all) % R->nst;
        const Stratum *s = &R->st[i];
        int fi = i % nst_all; /* the family and optimizer's place, the same in every column */
        unsigned col = palette[fi % NPALETTE];
        char name[32];
        snprintf(name, sizeof name, "s%d", i);
        if (block(&g, name, s, &inf) == 0) continue;
        buf_printf(&plot, "%s$%s using 1:2 ", nplot++ ? ", \\\n     " : "", name);
        if (s->col == 0) {
            char key[2 * NAME_MAX_LEN + 32];
            snprintf(key, sizeof key, "%s%s%s%s%s", R->fams[s->fam], O > 1 ? " (" : "",
                     O > 1 ? R->D.optims.names[s->o] : "", O > 1 ? ")" : "",
                     s->tested ? "" : " (not in the test)");
            buf_printf(&plot, "with linespoints lw 2 pt 7 ps 1.2 lc rgb '#%06x' title ", col);
            gnuplot_str(&plot, key);
        } else {
            buf_printf(&plot, "with points pt %d ps 1 lc rgb '#%06x' notitle",
                       point_types[(s->col - 1) % NPALETTE], lighter(col));
        }
    }
    for (int c = 1; nplot && c <= R->nbase; c++) { /* the baselines' marks in the key */
        char key[NAME_MAX_LEN + 8];
        snprintf(key, sizeof key, "vs %s", col_name(R, c));
        buf_printf(&plot, ", \\\n     keyentry with points pt %d ps 1 lc rgb '#909090' title ",
                   point_types[(c - 1) % NPALETTE]);
        gnuplot_str(&plot, key);
    }
    if (inf)
        buf_printf(&g,
                   "set label 1 '%d infinite advantages (a diverged run on most seeds) not "
                   "drawn' at graph 0.01, graph 0.03\n",
                   inf);
    int rc = 0;
    if (nplot) {
        buf_printf(&g, "%s\nset output\n", plot.s);
        char path[FS_PATH_MAX];
        if (fs_path(path, sizeof path, e, "%s/figures", dir) != 0 ||
            (mkdir(path, 0777) != 0 && !fs_exists(path) &&
             err_set(e, EXIT_RUN, path, "cannot create the folder (%s)", strerror(errno))) ||
            fs_check_real_dir(path, e) != 0 ||
            fs_path(path, sizeof path, e, "%s/figures/trend.gp", dir) != 0 ||
            fs_write_atomic(path, g.s, g.len, e) != 0 ||
            plot_run_gnuplot(dir, "figures/trend.gp", e) != 0)
            rc = -1;
        *drawn = rc == 0;
    }
    buf_free(&g);
    buf_free(&plot);
    return rc;
}

/* ---- loading and checking ---- */

static int measure_of(const char *name) {
    for (int m = 0; m < NMEASURE; m++)
        if (strcmp(name, measure_names[m]) == 0) return m;
    return -1;
}

/* link_tasks: each task of runs.csv to its tasks.csv row, its family, the order. */
static int link_tasks(Trend *R, const char *dir, Err *e) {
    int T = R->D.tasks.n;
    R->row_of = xcalloc((size_t)T + 1, sizeof(int));
    R->fam_of = xcalloc((size_t)T + 1, sizeof(int));
    R->order = xcalloc((size_t)T + 1, sizeof(int));
    R->fams = xcalloc((size_t)T + 1, sizeof *R->fams);
    for (int t = 0; t < T; t++) {
        R->row_of[t] = -1;
        for (int r = 0; r < R->nrows && R->row_of[t] < 0; r++)
            if (strcmp(R->rows[r].task, R->D.tasks.names[t]) == 0) R->row_of[t] = r;
        if (R->row_of[t] < 0) {
            char path[FS_PATH_MAX];
            snprintf(path, sizeof path, "%s/tasks.csv", dir);
            return err_set(e, EXIT_USAGE, path,
                           "task %s of runs.csv: no row (expected a row "
                           "for every task of runs.csv, as lrlab run writes it)",
                           R->D.tasks.names[t]);
        }
    }
    /* families in the order of their first task in tasks.csv */
    for (int r = 0; r < R->nrows; r++) {
        int used = 0, f;
        for (int t = 0; t < T && !used; t++) used = R->row_of[t] == r;
        if (!used) continue;
        for (f = 0; f < R->nfam && strcmp(R->fams[f], R->rows[r].kind) != 0; f++) {}
        if (f == R->nfam) snprintf(R->fams[R->nfam++], NAME_MAX_LEN + 1, "%s", R->rows[r].kind);
    }
    for (int t = 0; t < T; t++) {
        for (int f = 0; f < R->nfam; f++)
            if (strcmp(R->fams[f], R->rows[R->row_of[t]].kind) == 0) R->fam_of[t] = f;
        R->order[t] = t;
    }
    sort_tasks(R);
    return 0;
}

static void trend_free(Trend *R) {
    for (int i = 0; i < R->nst; i++) {
        free(R->st[i].x), free(R->st[i].y), free(R->st[i].params);
        free(R->st[i].cx), free(R->st[i].cy);
    }
    free(R->st);
    free(R->rows);
    free(R->row_of);
    free(R->fam_of);
    free(R->order);
    free(R->fams);
    free(R->base);
    free(R->scale);
    free(R->adv);
    free(R->seeds);
    data_free(&R->D);
}

static int write_csv(const char *dir, const char *name, Buf *b, Err *e) {
    char path[FS_PATH_MAX];
    int rc = fs_path(path, sizeof path, e, "%s/%s", dir, name) != 0 ||
                     fs_write_atomic(path, b->s ? b->s : "", b->len, e) != 0
                 ? -1
                 : 0;
    buf_free(b);
    return rc;
}

int trend_main(const CompareOpts *o) {
    Trend R = {0};
    Err e = {0};
    const char *measure = o->measure ? o->measure : "train_loss";
    R.m = measure_of(measure);
    if (R.m < 0) {
        fprintf(stderr,
                "lrlab: compare: --measure: invalid value (expected one of train_loss, "
                "val_loss, metric, auc, steps_to_target, seconds_to_target, got %s)\n",
                measure);
        return EXIT_USAGE;
    }
    if (read_tasks(o->dir, &R.rows, &R.nrows, &e) != 0) {
        err_print(&e);
        return EXIT_USAGE;
    }
    int lrc = data_load(o->dir, NULL, o->reference, &R.D);
    if (lrc != 0) {
        if (lrc > 0) {
            Buf names = {0};
            for (int s = 0; s < R.D.scheds.n; s++)
                buf_printf(&names, "%s%s", s ? ", " : "", R.D.scheds.names[s]);
            char path[FS_PATH_MAX];
            snprintf(path, sizeof path, "%s/runs.csv", o->dir);
            err_set(&e, EXIT_USAGE, path,
                    "no runs of the reference scheduler \"%s\" (expected "
                    "one of the schedulers in it: %s)",
                    o->reference, names.s ? names.s : "none");
            err_print(&e);
            buf_free(&names);
        }
        trend_free(&R);
        return EXIT_USAGE;
    }
    if (link_tasks(&R, o->dir, &e) != 0) {
        err_print(&e);
        trend_free(&R);
        return EXIT_USAGE;
    }
    int T = R.D.tasks.n, O = R.D.optims.n;
    R.base = xcalloc((size_t)R.D.scheds.n + 1, sizeof(int));
    for (int s = 0; s < R.D.scheds.n; s++)
        if (s != R.D.ref) R.base[R.nbase++] = s;
    R.scale = xcalloc((size_t)T + 1, sizeof(double));
    for (int t = 0; t < T; t++) R.scale[t] = task_scale(&R.D, R.m, FINAL, t);
    size_t cells = (size_t)T * O * (1 + R.nbase) + 1;
    R.adv = xcalloc(cells, sizeof(double));
    R.seeds = xcalloc(cells, sizeof(int));
    advantages(&R);
    strata(&R);
    int ncol = 1 + R.nbase;
    Pooled *P = xcalloc((size_t)ncol, sizeof(Pooled));
    for (int c = 0; c < ncol; c++) P[c] = pooled(&R, c);

    Buf tc = {0}, tt = {0};
    trend_csv(&R, &tc);
    buf_printf(&tt, "family,optimizer,baseline,n_sizes,rho,slope_per_decade,families,p,"
                    "permutations,test\n");
    for (int c = 0; c < ncol; c++) {
        for (int i = 0; i < R.nst; i++) {
            const Stratum *s = &R.st[i];
            if (s->col != c) continue;
            test_row(&tt, R.fams[s->fam], R.D.optims.names[s->o], col_name(&R, c), s->k, s->rho,
                     s->slope, s->tested, s->p, s->nperm, test_word(s));
        }
        test_row(&tt, "pooled", "all", col_name(&R, c), P[c].sizes, P[c].S, NAN, P[c].F, P[c].p,
                 P[c].nperm,
                 !P[c].F      ? "left out: no family with 3 or more sizes and a defined rho"
                 : P[c].exact ? "exact"
                              : "random");
    }
    int code = EXIT_RUN, drawn = 0;
    if (write_csv(o->dir, "trend.csv", &tc, &e) != 0 ||
        write_csv(o->dir, "trend-test.csv", &tt, &e) != 0 ||
        figure(&R, o->dir, o->reference, &P[0], &drawn, &e) != 0) {
        buf_free(&tc), buf_free(&tt);
        err_print(&e);
        goto out;
    }
    print_table(&R, o->reference, R.m);
    char line[256];
    pooled_line(line, sizeof line, &P[0], O);
    printf("size trend: %s\n", line);
    for (int c = 1; c < ncol; c++) {
        pooled_line(line, sizeof line, &P[c], O);
        printf("  against %s alone: %s\n", col_name(&R, c), line);
    }
    for (int i = 0; i < R.nst; i++) {
        const Stratum *s = &R.st[i];
        if (s->col == 0 && !s->tested)
            printf("left out of the test: %s%s%s (%d size%s%s)\n", R.fams[s->fam],
                   O > 1 ? " with " : "", O > 1 ? R.D.optims.names[s->o] : "", s->k,
                   s->k == 1 ? "" : "s", s->k < 3 ? ": fewer than 3" : ", rho undefined");
    }
    int first = 1;
    for (int i = 0; i < R.D.tasks.n; i++) {
        int t = R.order[i];
        if (R.scale[t] > 0) continue;
        printf("%s %s",
               first ? "no advantage (no finite baseline value at the end, the task's "
                       "scale is 0):"
                     : ",",
               R.D.tasks.names[t]);
        first = 0;
    }
    if (!first) printf("\n");
    printf("written: %s/trend.csv, %s/trend-test.csv%s%s%s\n", o->dir, o->dir,
           drawn ? ", " : " (no finite advantage to draw)", drawn ? o->dir : "",
           drawn ? "/figures/trend.png" : "");
    code = EXIT_OK;
out:
    free(P);
    trend_free(&R);
    return code;
}
