/* plot.c - gnuplot figures from result files (see plot.h). */
#include "harness/analysis/plot.h"

#include "harness/analysis/stats.h"
#include "harness/analysis/style.h"
#include "harness/base/csvio.h"
#include "harness/base/fsutil.h"
#include "harness/base/gnuplot.h"
#include "harness/base/names.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef LRLAB_GNUPLOT
#define LRLAB_GNUPLOT "gnuplot"
#endif

#define LOG_DECADES 1.5 /* a log axis when the plotted positive data span more than this */

int plot_run_gnuplot(const char *dir, const char *script, Err *e) {
    pid_t pid = fork();
    if (pid < 0) return err_set(e, EXIT_RUN, dir, "cannot start gnuplot (fork failed)");
    if (pid == 0) {
        if (chdir(dir) != 0) _exit(127);
        /* gnuplot's warnings go to a log */
        if (!freopen("figures/gnuplot.log", "a", stderr)) _exit(127);
        execlp(LRLAB_GNUPLOT, "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0) {}
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return err_set(e, EXIT_RUN, dir, "%s: gnuplot failed (exit %d; see figures/gnuplot.log)",
                       script, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return 0;
}

/* ---- the data: one series per (scheduler, quantity), every seed's values per step ---- */

enum { Q_TRAIN, Q_VAL, Q_LR, NQ };
static const char *const q_name[NQ] = {"training loss", "validation loss", "learning rate"};
static const char *const q_col[NQ] = {"train_loss", "val_loss", "lr"};

typedef struct Grid { /* the steps of one block of the data file, sorted, distinct */
    long long *step;
    int n, cap;
} Grid;

typedef struct Run { /* one seed's rows of one file: step and value */
    long long *step;
    double *v;
    int n;
} Run;

static void grid_add(Grid *g, long long st) {
    int lo = 0, hi = g->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (g->step[mid] < st) lo = mid + 1;
        else hi = mid;
    }
    if (lo < g->n && g->step[lo] == st) return;
    if (g->n == g->cap)
        g->step =
            xrealloc(g->step, sizeof(long long) * (size_t)(g->cap = g->cap ? 2 * g->cap : 256));
    memmove(g->step + lo + 1, g->step + lo, sizeof(long long) * (size_t)(g->n - lo));
    g->step[lo] = st;
    g->n++;
}

/* read_run: column COL of DIR/SUB/ID.csv against its step; 0 absent (not run in this folder),
 * 1 read, -1 with e set when the file is there but unreadable */
static int read_run(const char *dir, const char *sub, const char *id, const char *col, Run *r,
                    Err *e) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s/%s.csv", dir, sub, id);
    size_t len;
    Err pe = {0};
    char *text = fs_read_packed(path, &len, &pe);
    if (!text) return pe.code ? (*e = pe, -1) : 0;
    CsvTable t = {0};
    int rc = csvio_parse(path, text, len, NULL, &t, e);
    free(text);
    if (rc != 0) return -1;
    int cs = csvio_col(&t, "step"), cv = csvio_col(&t, col);
    if (cs < 0 || cv < 0) {
        csvio_free(&t);
        return err_set(e, EXIT_RUN, path, "column %s: missing (expected step and %s)",
                       cs < 0 ? "step" : col, col);
    }
    r->step = xcalloc((size_t)t.nrows + 1, sizeof(long long));
    r->v = xcalloc((size_t)t.nrows + 1, sizeof(double));
    r->n = 0;
    for (int i = 0; i < t.nrows; i++) {
        long long st;
        double x;
        if (csvio_parse_step(csvio_at(&t, i, cs), 0, &st) != 0 ||
            csvio_parse_num(csvio_at(&t, i, cv), &x) != 0) {
            csvio_free(&t);
            free(r->step), free(r->v);
            return err_set(e, EXIT_RUN, path, "line %d: invalid number (expected a step and %s)",
                           i + 2, col);
        }
        r->step[r->n] = st;
        r->v[r->n++] = x;
    }
    csvio_free(&t);
    return 1;
}

/* value of run r at step st: its row's, or +inf (a loss) / nan (the rate) when it has none */
static double run_at(const Run *r, int *pos, long long st, int q) {
    while (*pos < r->n && r->step[*pos] < st) (*pos)++;
    if (*pos < r->n && r->step[*pos] == st) {
        double x = r->v[*pos];
        return q == Q_LR || isfinite(x) ? x : INFINITY;
    }
    return q == Q_LR ? NAN : INFINITY;
}

/* ---- one figure ---- */

typedef struct Fig {
    const PlanRow *lead;
    const char **sched; /* the schedulers, plan order, GreedyLR moved last (drawn on top) */
    int ns;
    Run *runs[NQ];    /* [ns * nseed] */
    int *have;        /* [ns]: seeds read */
    int nseed;        /* most seeds of any scheduler in the plan */
    long long *seeds; /* [nseed]: the seeds of the plan, in plan order */
    double lo[NQ], hi[NQ];
    int nonpos[NQ];
} Fig;

static void fig_free(Fig *F) {
    for (int q = 0; q < NQ; q++) {
        for (int i = 0; F->runs[q] && i < F->ns * F->nseed; i++)
            free(F->runs[q][i].step), free(F->runs[q][i].v);
        free(F->runs[q]);
    }
    free(F->sched), free(F->have), free(F->seeds);
}

static int same_pair(const PlanRow *a, const PlanRow *b) {
    return strcmp(a->task, b->task) == 0 && strcmp(a->optim, b->optim) == 0;
}

/* fig_read: every seed's evaluations and curves of LEAD's task and optimizer found in DIR */
static int fig_read(const char *dir, const PlanFile *pf, const PlanRow *lead, Fig *F, Err *e) {
    memset(F, 0, sizeof *F);
    F->lead = lead;
    F->sched = xcalloc((size_t)pf->n + 1, sizeof(char *));
    F->seeds = xcalloc((size_t)pf->n + 1, sizeof(long long));
    for (int j = 0; j < pf->n; j++) {
        const PlanRow *r = &pf->rows[j];
        if (!same_pair(r, lead)) continue;
        int k = 0;
        while (k < F->ns && strcmp(F->sched[k], r->sched) != 0) k++;
        if (k == F->ns) F->sched[F->ns++] = r->sched;
        k = 0;
        while (k < F->nseed && F->seeds[k] != r->seed) k++;
        if (k == F->nseed) F->seeds[F->nseed++] = r->seed;
    }
    for (int k = 0; k < F->ns - 1; k++) /* GreedyLR last: drawn on top */
        if (strcmp(F->sched[k], "greedy") == 0) {
            const char *t = F->sched[k];
            memmove(F->sched + k, F->sched + k + 1, sizeof(char *) * (size_t)(F->ns - k - 1));
            F->sched[F->ns - 1] = t;
            break;
        }
    F->have = xcalloc((size_t)F->ns, sizeof(int));
    for (int q = 0; q < NQ; q++)
        F->runs[q] = xcalloc((size_t)F->ns * (size_t)F->nseed, sizeof(Run));
    for (int j = 0; j < pf->n; j++) {
        const PlanRow *r = &pf->rows[j];
        if (!same_pair(r, lead)) continue;
        int k = 0, s = 0;
        while (strcmp(F->sched[k], r->sched) != 0) k++;
        while (F->seeds[s] != r->seed) s++;
        Run *slot[NQ];
        for (int q = 0; q < NQ; q++) slot[q] = &F->runs[q][k * F->nseed + s];
        if (slot[0]->n || slot[2]->n) continue; /* a repeated row reads the same files */
        /* a seed is in the folder when its evaluations are; its learning rates may be
         * missing (a store keeps the curves of the first seed only: README.md) */
        int got = read_run(dir, "evals", r->id, q_col[Q_TRAIN], slot[Q_TRAIN], e);
        if (got == 1) got = read_run(dir, "evals", r->id, q_col[Q_VAL], slot[Q_VAL], e);
        if (got < 0 || (got == 1 && read_run(dir, "curves", r->id, q_col[Q_LR], slot[Q_LR], e) < 0))
            return -1;
        if (got == 1) F->have[k]++;
    }
    return 0;
}

/* fig_block: the block of quantities QS (of NQS) against the union of their steps: per
 * scheduler, the median and the quartiles over the seeds read; a loss that a seed lacks at a
 * step (it diverged) counts as +inf, and the band is left out (nan) where a quartile is
 * infinite */
static void fig_block(Fig *F, Buf *d, const int *qs, int nqs) {
    Grid g = {0};
    for (int a = 0; a < nqs; a++)
        for (int i = 0; i < F->ns * F->nseed; i++)
            for (int r = 0; r < F->runs[qs[a]][i].n; r++) grid_add(&g, F->runs[qs[a]][i].step[r]);
    buf_printf(d, "# step");
    for (int a = 0; a < nqs; a++)
        for (int k = 0; k < F->ns; k++) { /* a label cannot end the comment line */
            buf_printf(d, ",");
            gnuplot_comment(d, F->sched[k]);
            buf_printf(d, " %s median,q25,q75", q_col[qs[a]]);
        }
    buf_printf(d, "\n");
    int *pos = xcalloc((size_t)(F->ns * F->nseed * nqs) + 1, sizeof(int));
    double *v = xcalloc((size_t)F->nseed + 1, sizeof(double));
    for (int p = 0; p < g.n; p++) {
        csvio_int(d, g.step[p], 1);
        for (int a = 0; a < nqs; a++) {
            const int q = qs[a];
            for (int k = 0; k < F->ns; k++) {
                int n = 0;
                for (int s = 0; s < F->nseed; s++) {
                    const Run *r = &F->runs[q][k * F->nseed + s];
                    if (r->n == 0) continue; /* this seed is not in the folder */
                    double x = run_at(r, &pos[(a * F->ns + k) * F->nseed + s], g.step[p], q);
                    if (!isnan(x)) v[n++] = x;
                }
                double m = n ? stats_quantile(v, n, 0.5) : NAN;
                double q1 = n ? stats_quantile(v, n, 0.25) : NAN,
                       q3 = n ? stats_quantile(v, n, 0.75) : NAN;
                if (!isfinite(q1) || !isfinite(q3)) q1 = q3 = NAN;
                if (!isfinite(m)) m = NAN;
                csvio_num(d, m, 0);
                csvio_num(d, q1, 0);
                csvio_num(d, q3, 0);
                const double span[3] = {m, q1, q3};
                /* a loss's axis fits the values from 10% of the steps on, so that the first
                 * steps' large losses do not flatten the differences that matter */
                const int fit = q == Q_LR || 10 * g.step[p] >= F->lead->steps;
                for (int w = 0; w < 3 && fit; w++) {
                    if (!isfinite(span[w])) continue;
                    if (span[w] <= 0) F->nonpos[q] = 1;
                    if (span[w] < F->lo[q]) F->lo[q] = span[w];
                    if (span[w] > F->hi[q]) F->hi[q] = span[w];
                }
            }
        }
        csvio_end(d);
    }
    free(pos), free(v), free(g.step);
}

/* the y axis of quantity q: log when the positive data span more than LOG_DECADES decades */
static void fig_yaxis(const Fig *F, Buf *b, int q) {
    double lo = F->lo[q], hi = F->hi[q];
    const int logy = !F->nonpos[q] && lo > 0 && isfinite(hi) && log10(hi / lo) > LOG_DECADES;
    if (logy && q == Q_LR && lo < hi * 1e-5) /* rates that decay to 0 leave at the foot */
        lo = hi * 1e-5;
    buf_printf(b, "set ylabel '%s%s'\n", q_name[q], logy ? " (log scale)" : "");
    if (!(lo <= hi)) /* nothing to draw: a fixed axis, so that gnuplot does not warn */
        buf_printf(b, "unset logscale y\nset yrange [0:1]\n");
    else if (logy) buf_printf(b, "set logscale y\nset yrange [%.6g:%.6g]\n", lo / 1.25, hi * 1.25);
    else {
        double pad = hi > lo ? 0.06 * (hi - lo) : lo != 0 ? 0.1 * fabs(lo) : 1;
        buf_printf(b, "unset logscale y\nset yrange [%.6g:%.6g]\n", lo - pad, hi + pad);
    }
}

/* one panel: bands (no title), then the medians (titled by the scheduler) */
static void fig_panel(const Fig *F, Buf *b, const char *data, int index, int base_col) {
    buf_printf(b, "plot ");
    for (int k = 0; k < F->ns; k++) {
        const int c = base_col + 3 * k;
        buf_printf(b, "%s", k ? ", \\\n     " : "");
        gnuplot_file(b, data);
        buf_printf(b, " index %d using 1:%d:%d with filledcurves ", index, c + 1, c + 2);
        style_band(b, F->sched[k]);
        buf_printf(b, " notitle");
    }
    for (int k = 0; k < F->ns; k++) {
        buf_printf(b, ", \\\n     ");
        gnuplot_file(b, data);
        buf_printf(b, " index %d using 1:%d with lines ", index, base_col + 3 * k);
        style_line(b, F->sched[k]);
        buf_printf(b, " title ");
        gnuplot_str(b, F->sched[k]);
    }
    buf_printf(b, "\n");
}

/* the legend: a panel of its own right of the others, as tall as they are, one line per
 * scheduler in its style (a key in one panel would wrap into columns off the image) */
static void fig_legend(const Fig *F, Buf *b, double l, double r, double t, double u) {
    buf_printf(b,
               "set lmargin at screen %.4f\nset rmargin at screen %.4f\n"
               "set tmargin at screen %.4f\nset bmargin at screen %.4f\n"
               "unset xlabel\nunset ylabel\nunset border\nunset tics\nunset grid\n"
               "unset logscale\nset xrange [0:1]\nset yrange [0:1]\n"
               "set key inside left top vertical maxrows %d samplen 3 box opaque "
               "title 'scheduler'\nplot ",
               l, r, t, u, F->ns);
    for (int k = 0; k < F->ns; k++) {
        buf_printf(b, "%sNaN with lines ", k ? ", \\\n     " : "");
        style_line(b, F->sched[k]);
        buf_printf(b, " title ");
        gnuplot_str(b, F->sched[k]);
    }
    buf_printf(b, "\n");
}

/* fig_script: the script of figure BASE and its data file's bytes */
static void fig_script(const PlanFile *pf, Fig *F, const char *base, Buf *b, Buf *d) {
    for (int q = 0; q < NQ; q++) F->lo[q] = INFINITY, F->hi[q] = -INFINITY;
    buf_printf(d, "# generated by lrlab: median and quartiles over seeds of the training and "
                  "validation loss (block 0, the evaluation steps) and the learning rate (block "
                  "1, the curves' steps); nan: none\n");
    static const int block0[2] = {Q_TRAIN, Q_VAL}, block1[1] = {Q_LR};
    fig_block(F, d, block0, 2);
    buf_printf(d, "\n\n");
    fig_block(F, d, block1, 1);
    int fewest = F->nseed, most = 0, maxlen = 8;
    for (int k = 0; k < F->ns; k++) {
        if (F->have[k] < fewest) fewest = F->have[k];
        if (F->have[k] > most) most = F->have[k];
        if ((int)strlen(F->sched[k]) > maxlen) maxlen = (int)strlen(F->sched[k]);
    }
    /* the legend beside the panels, one line per scheduler: the image is as wide and tall as
     * it needs */
    const int keyw = 80 + 8 * maxlen, W = 800 + keyw,
              H = 900 > 150 + 20 * F->ns ? 900 : 150 + 20 * F->ns;
    const double left = 90.0 / W, right = 760.0 / W, top = 1 - 70.0 / H, bottom = 55.0 / H;
    const double ph = (top - bottom) / 3;
    buf_printf(b, "# generated by lrlab from the result files of experiment ");
    gnuplot_comment(b, pf->experiment);
    buf_printf(b, "; rerun in the results folder with: gnuplot figures/%s.gp\n", base);
    buf_printf(b, "set terminal pngcairo size %d,%d noenhanced font ',10'\n", W, H);
    char out[300], data[300], title[600], seeds[64];
    snprintf(out, sizeof out, "figures/%s.png.lrlab-tmp", base);
    snprintf(data, sizeof data, "figures/%s.csv", base);
    buf_printf(b, "set output ");
    gnuplot_file(b, out);
    buf_printf(b,
               "\nset datafile separator ','\nset datafile missing 'nan'\nset grid\n"
               "set style fill transparent solid 0.18 noborder\n"
               "set xrange [0:%lld]\nset format y '%%g'\n",
               F->lead->steps);
    if (fewest == most) snprintf(seeds, sizeof seeds, "%d seed%s", most, most == 1 ? "" : "s");
    else snprintf(seeds, sizeof seeds, "%d to %d seeds", fewest, most);
    snprintf(title, sizeof title,
             "%s: %s with %s, median (line) and interquartile range (band) over %s%s",
             pf->experiment, F->lead->task, F->lead->optim, seeds,
             most < F->nseed ? " in this folder" : "");
    buf_printf(b, "set multiplot title ");
    gnuplot_str(b, title);
    buf_printf(b, "\nset lmargin at screen %.4f\nset rmargin at screen %.4f\n", left, right);
    buf_printf(b, "unset key\n");
    for (int q = 0; q < NQ; q++) {
        const double t = top - q * ph, u = top - (q + 1) * ph + (q == NQ - 1 ? 0 : 0.03);
        buf_printf(b, "set tmargin at screen %.4f\nset bmargin at screen %.4f\n", t, u);
        buf_printf(b, "%s",
                   q == NQ - 1 ? "set xlabel 'step'\nset format x '%g'\n"
                               : "unset xlabel\nset format x ''\n");
        fig_yaxis(F, b, q);
        fig_panel(F, b, data, q == Q_LR, q == Q_LR ? 2 : 2 + 3 * F->ns * q);
    }
    fig_legend(F, b, right + 0.02, 1 - 10.0 / W, top, bottom);
    buf_printf(b, "unset multiplot\nset output\n");
}

/* write_figure: the script and data of one figure, then gnuplot; 0 or -1 with e set */
static int write_figure(const char *dir, const char *base, const Buf *b, const Buf *d, Err *e) {
    char path[4096], tmp[4096], png[4096], rel[512];
    snprintf(path, sizeof path, "%s/figures/%s.csv", dir, base);
    if (fs_write_atomic(path, d->s, d->len, e) != 0) return -1;
    snprintf(path, sizeof path, "%s/figures/%s.gp", dir, base);
    snprintf(rel, sizeof rel, "figures/%s.gp", base);
    if (fs_write_atomic(path, b->s, b->len, e) != 0 || plot_run_gnuplot(dir, rel, e) != 0)
        return -1;
    snprintf(tmp, sizeof tmp, "%s/figures/%s.png.lrlab-tmp", dir, base);
    snprintf(png, sizeof png, "%s/figures/%s.png", dir, base);
    if (rename(tmp, png) != 0) return err_set(e, EXIT_RUN, png, "cannot rename figure into place");
    return 0;
}

int plot_experiment(const char *dir, const PlanFile *pf, Shard shard, Err *e) {
    int nfig = 0;
    for (int i = 0; i < pf->n; i++) {
        const PlanRow *lead = &pf->rows[i];
        int seen = 0, mine = 0;
        for (int j = 0; j < i && !seen; j++) seen = same_pair(&pf->rows[j], lead);
        if (seen) continue; /* one figure per (task, optimizer), at its first row */
        for (int j = i; j < pf->n && !mine; j++)
            mine = same_pair(&pf->rows[j], lead) && shard_has(shard, j);
        if (!mine) continue;
        Fig F;
        if (fig_read(dir, pf, lead, &F, e) != 0) {
            fig_free(&F);
            return -1;
        }
        int any = 0;
        for (int k = 0; k < F.ns; k++) any |= F.have[k] > 0;
        if (!any) {
            fig_free(&F);
            continue;
        }
        /* the file name from slugs of the labels: no label can place it outside figures/ */
        char base[256], ts[NAME_MAX_LEN + 1], os[NAME_MAX_LEN + 1];
        name_slug(ts, sizeof ts, lead->task);
        name_slug(os, sizeof os, lead->optim);
        snprintf(base, sizeof base, "%s__%s", ts, os);
        Buf b = {0}, d = {0};
        fig_script(pf, &F, base, &b, &d);
        int rc = write_figure(dir, base, &b, &d, e);
        buf_free(&b), buf_free(&d);
        fig_free(&F);
        if (rc != 0) return -1;
        nfig++;
    }
    return nfig;
}
