/* report_figures.c - the figures of lrlab report: one gnuplot script per figure, with its
 * data under figures/data/ and its paragraph in report.md (see report.c for the whole flow
 * and report_int.h for what the parts share).
 */
#include "harness/analysis/report_int.h"

#include "harness/analysis/style.h"
#include "harness/base/gnuplot.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fig_add(Report *R, const char *stem) {
    if (R->nfigs == R->capfigs)
        R->figs = xrealloc(R->figs,
                           sizeof(Fig) * (size_t)(R->capfigs = R->capfigs ? 2 * R->capfigs : 32));
    snprintf(R->figs[R->nfigs++].stem, sizeof R->figs[0].stem, "%s", stem);
}

/* gp_begin: a figure script's head; w x h pixels for the PNG, the same shape for the PDF */
static Buf *gp_begin(Report *R, const char *stem, const char *what, int w, int h) {
    fig_add(R, stem);
    Buf *b = rp_out_add(R, "figures/%s.gp", stem);
    rp_banner(R, b, "#", "");
    buf_printf(b, "# ");
    gnuplot_comment(b, what);
    buf_printf(b, "\n");
    buf_printf(b,
               "# run in this folder: gnuplot %s.gp (PNG), gnuplot -e \"fmt='pdf'\" %s.gp (PDF);\n"
               "# to restyle, edit a copy (lrlab report rewrites this file)\n",
               stem, stem);
    buf_printf(b,
               "if (!exists('fmt')) fmt = 'png'\nif (!exists('suffix')) suffix = ''\n"
               "if (fmt eq 'pdf') {\n"
               "    set terminal pdfcairo size %.2fin,%.2fin noenhanced font ',7'\n"
               "} else {\n"
               "    set terminal pngcairo size %d,%d noenhanced font ',10'\n"
               "}\n",
               w / 110.0, h / 110.0, w, h);
    char out[300];
    snprintf(out, sizeof out, "%s.", stem);
    buf_printf(b, "set output ");
    gnuplot_file(b, out);
    buf_printf(b, ".fmt.suffix\nset encoding utf8\nset datafile separator ','\n"
                  "set datafile columnheaders\nset grid\n");
    return b;
}

static void gp_end(Buf *b, int multiplot) {
    buf_printf(b, "%sset output\n", multiplot ? "unset multiplot\n" : "");
}

Buf *rp_gp_begin(Report *R, const char *stem, const char *what, int w, int h) {
    return gp_begin(R, stem, what, w, h);
}
void rp_gp_end(Buf *b, int multiplot) { gp_end(b, multiplot); }

/* line style of scheduler s: its label's (harness/analysis/style.h), the same in every figure lrlab
 * draws; GreedyLR black and thick */
static void gp_style(const Report *R, Buf *b, int s) { style_line(b, R->scheds.v[s]); }

/* how the reference looks, for a caption */
static const char *ref_look(const Report *R) {
    return style_is_greedy(R->scheds.v[R->ref]) ? "black, thick" : "drawn last, on top";
}

/* the legend's width in pixels: a sample line and the longest scheduler label */
static int key_width(const Report *R) {
    size_t m = 8;
    for (int s = 0; s < R->scheds.n; s++)
        if (strlen(R->scheds.v[s]) > m) m = strlen(R->scheds.v[s]);
    return 90 + 8 * (int)m;
}

/* The plot list of a data file whose column 2 + k is scheduler rp_sched_at(R, k) against
 * column 1: a line each, styled and titled, the reference last (drawn on top). */
static void gp_plot_by_sched(const Report *R, Buf *b, const char *data, const char *with) {
    for (int j = 1; j <= R->scheds.n; j++) {
        int k = j % R->scheds.n, s = rp_sched_at(R, k);
        buf_printf(b, "%s", j == 1 ? "" : ", \\\n     ");
        gnuplot_file(b, data);
        buf_printf(b, " using 1:%d with %s ", 2 + k, with);
        gp_style(R, b, s);
        buf_printf(b, " title ");
        gnuplot_str(b, R->scheds.v[s]);
    }
    buf_printf(b, "\n");
}

/* The panel figures (one panel per optimizer) are W = 1000 + the legend's width pixels wide,
 * the legend once, in its own column right of the panels, one line per scheduler; the image
 * is tall enough for every line of it. */
static int panels_w(const Report *R) { return 1000 + key_width(R); }
static int panels_h(const Report *R, int n) {
    int h = 90 + 300 * ((n + 1) / 2), need = 140 + 19 * R->scheds.n;
    return h > need ? h : need;
}

/* the panels' multiplot: placed by hand (gp_panel), so that the legend has a column of its
 * own whatever gnuplot would make of a key in one panel */
static void gp_multiplot(Buf *b, const char *title) {
    buf_printf(b, "set multiplot title ");
    gnuplot_str(b, title);
    buf_printf(b, "\nunset key\n");
}

/* the margins of panel o of n: two columns (one for a single panel), left of the legend */
static void gp_panel(const Report *R, Buf *b, int o, int n, int h) {
    const int cols = n > 1 ? 2 : 1, rows = (n + cols - 1) / cols, r = o / cols, c = o % cols;
    const double left = 0.07, right = 1 - (double)(key_width(R) + 20) / panels_w(R), hs = 0.07;
    const double top = 1 - 60.0 / h, bot = 55.0 / h, vs = 100.0 / h;
    const double pw = (right - left - (cols - 1) * hs) / cols;
    const double ph = (top - bot - (rows - 1) * vs) / rows;
    const double lm = left + c * (pw + hs), tm = top - r * (ph + vs);
    buf_printf(b,
               "set lmargin at screen %.4f\nset rmargin at screen %.4f\n"
               "set tmargin at screen %.4f\nset bmargin at screen %.4f\n",
               lm, lm + pw, tm, tm - ph);
}

/* the legend: a panel of its own right of the others, as tall as the figure, one line per
 * scheduler in its style, the reference last as in the panels */
static void gp_legend(const Report *R, Buf *b, int h) {
    buf_printf(b,
               "set lmargin at screen %.4f\nset rmargin at screen %.4f\n"
               "set tmargin at screen %.4f\nset bmargin at screen %.4f\n"
               "unset title\nunset xlabel\nunset ylabel\nunset border\nunset tics\nunset grid\n"
               "unset logscale\nunset object\nset xrange [0:1]\nset yrange [0:1]\n"
               "set key inside left top vertical maxrows %d samplen 3 box opaque "
               "title 'scheduler'\nplot ",
               1 - (double)key_width(R) / panels_w(R), 1 - 10.0 / panels_w(R), 1 - 60.0 / h,
               55.0 / h, R->scheds.n);
    for (int j = 1; j <= R->scheds.n; j++) {
        int s = rp_sched_at(R, j % R->scheds.n);
        buf_printf(b, "%sNaN with lines ", j == 1 ? "" : ", \\\n     ");
        gp_style(R, b, s);
        buf_printf(b, " title ");
        gnuplot_str(b, R->scheds.v[s]);
    }
    buf_printf(b, "\n");
}

/* (a) learning rates against step, first seed, one panel per optimizer */
void rp_fig_lr(Report *R, int t, Buf *md) {
    char stem[256], base[200], what[512];
    rp_stem_of(base, sizeof base, R->tasks.v[t]);
    snprintf(stem, sizeof stem, "lr__%s", base);
    snprintf(what, sizeof what,
             "learning rate against step on %s, seed %lld, one panel per optimizer", R->tasks.v[t],
             R->seeds[0]);
    int no = R->optims.n, h = panels_h(R, no);
    Buf *b = gp_begin(R, stem, what, panels_w(R), h);
    int logy = R->lr_hi[t] > 0 && R->lr_hi[t] / R->lr_lo[t] > LOG_SPAN;
    long long every =
        R->lr_steps[t] > MAX_LR_POINTS ? (R->lr_steps[t] + MAX_LR_POINTS - 1) / MAX_LR_POINTS : 1;
    char title[512];
    snprintf(title, sizeof title, "learning rate: %s, seed %lld", R->tasks.v[t], R->seeds[0]);
    gp_multiplot(b, title);
    buf_printf(b, "set xlabel 'step'\nset ylabel 'learning rate'\n");
    if (logy) /* at most five decades: schedules that decay to 0 leave the axis at its foot */
        buf_printf(b, "set logscale y\nset format y '%%g'\nset yrange [%.6g:%.6g]\n",
                   fmax(R->lr_lo[t], R->lr_hi[t] * 1e-5) / 1.5, R->lr_hi[t] * 1.5);
    for (int o = 0; o < no; o++) {
        buf_printf(b, "set title ");
        gnuplot_str(b, R->optims.v[o]);
        buf_printf(b, "\n");
        gp_panel(R, b, o, no, h);
        int first = 1;
        for (int k = 1; k <= R->scheds.n; k++) { /* the reference last: drawn on top */
            int s = rp_sched_at(R, k % R->scheds.n);
            const Result *c = NULL;
            for (int i = 0; i < R->pf.n && !c; i++)
                if (R->cells[i].t == t && R->cells[i].o == o && R->cells[i].s == s &&
                    R->cells[i].p->seed == R->seeds[0] && R->cells[i].done)
                    c = &R->cells[i];
            if (!c) continue;
            char curve[4200];
            snprintf(curve, sizeof curve, "%s/curves/%s.csv", R->figrel[c->src], c->p->id);
            buf_printf(b, "%s", first ? "plot " : ", \\\n     ");
            gnuplot_file(b, curve);
            buf_printf(b, " every %lld using 1:2 with lines ", every);
            gp_style(R, b, s);
            buf_printf(b, " title ");
            gnuplot_str(b, R->scheds.v[s]);
            first = 0;
        }
        buf_printf(b, first ? "plot NaN notitle\n" : "\n");
    }
    gp_legend(R, b, h);
    gp_end(b, 1);
    buf_printf(md,
               "![learning rate, %s](figures/%s.png)\n\n**Figure %d.** Learning rate against "
               "step on %s (seed %lld), one panel per optimizer: %s (%s) against the other "
               "schedulers, each in the style it has in every figure%s. [PDF](figures/%s.pdf)\n\n",
               R->tasks.v[t], stem, ++R->nfig_md, R->tasks.v[t], R->seeds[0], R->scheds.v[R->ref],
               ref_look(R), logy ? "; logarithmic axis of at most five decades" : "", stem);
}

/* (b) validation loss against step: median over seeds and the interquartile range, computed
 * into figures/data/valloss__TASK__OPTIMIZER.csv (step, then median, q25, q75 per scheduler) */
int rp_fig_val(Report *R, int t, Buf *md, Err *e) {
    char stem[256], base[200], what[512];
    rp_stem_of(base, sizeof base, R->tasks.v[t]);
    snprintf(stem, sizeof stem, "valloss__%s", base);
    int no = R->optims.n, ns = R->scheds.n, rc = 0;
    /* each panel's y range: the medians and quartiles from 10% of the steps on, so that the
     * first steps' large losses do not hide the differences that matter */
    double *ylo = xcalloc((size_t)no, sizeof(double)), *yhi = xcalloc((size_t)no, sizeof(double));
    int *nonpos = xcalloc((size_t)no, sizeof(int));
    long long tsteps = 0;
    for (int i = 0; i < R->pf.n; i++)
        if (R->cells[i].t == t) tsteps = R->cells[i].p->steps;
    char(*data)[512] = xcalloc((size_t)no, sizeof *data);
    double *v = xcalloc((size_t)R->nseeds + 1, sizeof(double));
    int *cidx = xcalloc((size_t)R->pf.n + 1, sizeof(int));
    for (int o = 0; o < no && rc == 0; o++) {
        int nc = 0, nsteps = 0, cap = 0;
        ylo[o] = INFINITY;
        long long *steps = NULL;
        for (int i = 0; i < R->pf.n; i++)
            if (R->cells[i].t == t && R->cells[i].o == o && R->cells[i].done) cidx[nc++] = i;
        /* each run's evaluations: steps[] sorted, val[j * nsteps + q] (+inf when absent) */
        const Tab *E = &R->evals;
        for (int j = 0; j < nc; j++) {
            const int c = cidx[j];
            for (int r = R->ev_first[c]; r < R->ev_first[c] + R->ev_n[c]; r++) {
                long long st = (long long)rp_num(E, r, EV_STEP);
                int k = 0;
                while (k < nsteps && steps[k] != st) k++;
                if (k < nsteps) continue;
                if (nsteps == cap)
                    steps = xrealloc(steps, sizeof(long long) * (size_t)(cap = cap ? 2 * cap : 64));
                int p = nsteps++;
                while (p > 0 && steps[p - 1] > st) steps[p] = steps[p - 1], p--;
                steps[p] = st;
            }
        }
        double *val = xcalloc((size_t)nc * (size_t)nsteps + 1, sizeof(double));
        for (int j = 0; j < nc && rc == 0; j++) {
            for (int q = 0; q < nsteps; q++) val[(size_t)j * nsteps + q] = INFINITY;
            const int c = cidx[j];
            for (int r = R->ev_first[c]; r < R->ev_first[c] + R->ev_n[c]; r++) {
                double x = rp_num(E, r, EV_STEP), y = rp_num(E, r, EV_VAL);
                int q = 0;
                while (steps[q] != (long long)x) q++;
                val[(size_t)j * nsteps + q] = isfinite(y) && R->cells[c].status != 2 ? y : INFINITY;
            }
        }
        char obase[200];
        rp_stem_of(obase, sizeof obase, R->optims.v[o]);
        snprintf(data[o], sizeof data[o], "data/valloss__%s__%s.csv", base, obase);
        Buf *d = rp_out_add(R, "figures/%s", data[o]);
        rp_banner(R, d, "#", "");
        buf_printf(d,
                   "# validation loss of %s with %s: median, 25%% and 75%% quantiles over "
                   "seeds (a diverged or failed run counts as +inf; nan: undefined)\n",
                   R->tasks.v[t], R->optims.v[o]);
        csvio_field(d, "step", 1);
        for (int k = 0; k < ns; k++) {
            static const char *const what3[] = {"median", "q25", "q75"};
            for (int w = 0; w < 3; w++) {
                char col[300];
                snprintf(col, sizeof col, "%s_%s", R->scheds.v[rp_sched_at(R, k)], what3[w]);
                csvio_field(d, col, 0);
            }
        }
        csvio_end(d);
        for (int q = 0; q < nsteps && rc == 0; q++) {
            csvio_int(d, steps[q], 1);
            for (int k = 0; k < ns; k++) {
                int s = rp_sched_at(R, k), n = 0;
                for (int j = 0; j < nc; j++)
                    if (R->cells[cidx[j]].s == s) v[n++] = val[(size_t)j * nsteps + q];
                double m = rp_quant(v, n, 0.5), q1 = rp_quant(v, n, 0.25),
                       q3 = rp_quant(v, n, 0.75);
                if (!isfinite(q3)) q1 = q3 = NAN; /* no band where a quartile diverged */
                if (!isfinite(m)) m = NAN;
                csvio_num(d, m, 0);
                csvio_num(d, q1, 0);
                csvio_num(d, q3, 0);
                double span[3] = {m, q1, q3};
                for (int w = 0; w < 3 && 10 * steps[q] >= tsteps; w++) {
                    if (!isfinite(span[w])) continue;
                    if (span[w] <= 0) nonpos[o] = 1;
                    if (span[w] < ylo[o]) ylo[o] = span[w];
                    if (span[w] > yhi[o]) yhi[o] = span[w];
                }
            }
            csvio_end(d);
        }
        free(val);
        free(steps);
    }
    free(v);
    free(cidx);
    if (rc != 0) {
        free(data), free(ylo), free(yhi), free(nonpos);
        return -1;
    }
    int anylog = 0;
    snprintf(what, sizeof what,
             "validation loss against step on %s: median over seeds and the "
             "interquartile range, one panel per optimizer",
             R->tasks.v[t]);
    const int h = panels_h(R, no);
    Buf *b = gp_begin(R, stem, what, panels_w(R), h);
    char title[512];
    snprintf(title, sizeof title,
             "validation loss: %s, median and interquartile range over %d seeds", R->tasks.v[t],
             R->nseeds);
    buf_printf(b, "set datafile missing 'nan'\n");
    gp_multiplot(b, title);
    buf_printf(b, "set xlabel 'step'\nset ylabel 'validation loss'\n");
    for (int o = 0; o < no; o++) {
        buf_printf(b, "set title ");
        gnuplot_str(b, R->optims.v[o]);
        buf_printf(b, "\n");
        gp_panel(R, b, o, no, h);
        int logy = !nonpos[o] && ylo[o] > 0 && yhi[o] / ylo[o] > LOG_SPAN;
        anylog |= logy;
        if (!isfinite(ylo[o]) || !(yhi[o] > ylo[o]))
            buf_printf(b, "unset logscale y\nset yrange [*:*]\n");
        else if (logy)
            buf_printf(b, "set logscale y\nset format y '%%g'\nset yrange [%.6g:%.6g]\n",
                       ylo[o] / 1.2, yhi[o] * 1.2);
        else
            buf_printf(b, "unset logscale y\nset format y '%%g'\nset yrange [%.6g:%.6g]\n",
                       ylo[o] - 0.08 * (yhi[o] - ylo[o]), yhi[o] + 0.08 * (yhi[o] - ylo[o]));
        buf_printf(b, "set style fill transparent solid 0.15 noborder\nplot ");
        for (int j = 1; j <= ns; j++) { /* bands first; the reference last, on top */
            int k = j % ns;
            buf_printf(b, "%s", j == 1 ? "" : ", \\\n     ");
            gnuplot_file(b, data[o]);
            buf_printf(b, " using 1:%d:%d with filledcurves ", 3 + 3 * k, 4 + 3 * k);
            style_band(b, R->scheds.v[rp_sched_at(R, k)]);
            buf_printf(b, " notitle");
        }
        for (int j = 1; j <= ns; j++) {
            int k = j % ns, s = rp_sched_at(R, k);
            buf_printf(b, ", \\\n     ");
            gnuplot_file(b, data[o]);
            buf_printf(b, " using 1:%d with lines ", 2 + 3 * k);
            gp_style(R, b, s);
            buf_printf(b, " title ");
            gnuplot_str(b, R->scheds.v[s]);
        }
        buf_printf(b, "\n");
    }
    gp_legend(R, b, h);
    gp_end(b, 1);
    free(data), free(ylo), free(yhi), free(nonpos);
    buf_printf(md,
               "![validation loss, %s](figures/%s.png)\n\n**Figure %d.** Validation loss "
               "against step on %s, one panel per optimizer: the median over %d seeds (line) "
               "and the interquartile range (band; none where a diverged run reaches it); %s "
               "(%s). Each panel's axis spans the values from 10%% of the steps on%s, so the "
               "first steps may be cut off. Data: `figures/data/valloss__%s__*.csv`. "
               "[PDF](figures/%s.pdf)\n\n",
               R->tasks.v[t], stem, ++R->nfig_md, R->tasks.v[t], R->nseeds, R->scheds.v[R->ref],
               ref_look(R), anylog ? " (logarithmic where they span decades)" : "", base, stem);
    return 0;
}

/* Median over seeds of the training objective at each evaluation step of (t, o, s), any
 * seed's steps (a run without an evaluation at a step, diverged or failed, counts as +inf),
 * and the median wall time at that step (a cell's seconds spread evenly over its steps; NAN
 * unless every seed's time is known). Fills steps, loss and sec; returns their count. */
static int median_curve(const Report *R, int t, int o, int s, long long **steps, double **loss,
                        double **sec) {
    int nc = 0, n = 0, cap = 0;
    int *cells = xcalloc((size_t)R->pf.n + 1, sizeof(int));
    const Tab *E = &R->evals;
    *steps = NULL;
    for (int i = 0; i < R->pf.n; i++) {
        if (R->cells[i].t != t || R->cells[i].o != o || R->cells[i].s != s || !R->cells[i].done)
            continue;
        cells[nc++] = i;
        for (int r = R->ev_first[i]; r < R->ev_first[i] + R->ev_n[i]; r++) {
            long long st = (long long)rp_num(E, r, EV_STEP);
            int k = 0;
            while (k < n && (*steps)[k] != st) k++;
            if (k < n) continue;
            if (n == cap)
                *steps = xrealloc(*steps, sizeof(long long) * (size_t)(cap = cap ? 2 * cap : 64));
            int p = n++;
            while (p > 0 && (*steps)[p - 1] > st) (*steps)[p] = (*steps)[p - 1], p--;
            (*steps)[p] = st;
        }
    }
    if (!*steps) *steps = xcalloc(1, sizeof(long long));
    *loss = xcalloc((size_t)n + 1, sizeof(double));
    *sec = xcalloc((size_t)n + 1, sizeof(double));
    double *v = xcalloc((size_t)nc + 1, sizeof(double)),
           *w = xcalloc((size_t)nc + 1, sizeof(double));
    for (int q = 0; q < n; q++) {
        const long long st = (*steps)[q];
        int nv = 0, nw = 0;
        for (int j = 0; j < nc; j++) {
            const int c = cells[j];
            double y = INFINITY;
            for (int r = R->ev_first[c]; r < R->ev_first[c] + R->ev_n[c]; r++)
                if ((long long)rp_num(E, r, EV_STEP) == st) y = rp_num(E, r, EV_TRAIN);
            v[nv++] = isfinite(y) && R->cells[c].status != 2 ? y : INFINITY;
            if (isfinite(R->secs[c]) && R->cells[c].p->steps > 0)
                w[nw++] = R->secs[c] * (double)st / (double)R->cells[c].p->steps;
        }
        double m = rp_quant(v, nv, 0.5);
        (*loss)[q] = isfinite(m) ? m : NAN;
        (*sec)[q] = nw == nc ? rp_quant(w, nw, 0.5) : NAN;
    }
    free(v), free(w), free(cells);
    return n;
}

/* a plot entry of scheduler s from a rivals data file: its rows only (column 1 is the
 * scheduler), x from column xcol, the training objective from column 4 */
static void gp_rival(const Report *R, Buf *b, const char *base, int s, int xcol, int first) {
    char data[300];
    snprintf(data, sizeof data, "data/rivals__%s.csv", base);
    buf_printf(b, "%s", first ? "" : ", \\\n     ");
    gnuplot_file(b, data);
    buf_printf(b, " using %d:(strcol(1) eq ", xcol);
    gnuplot_str(b, R->scheds.v[s]);
    buf_printf(b, " ? $4 : NaN) with lines ");
    gp_style(R, b, s);
    buf_printf(b, " title ");
    gnuplot_str(b, R->scheds.v[s]);
}

/* (a) GreedyLR against its rivals on one task with the first optimizer, as in the article's
 * figures: the training objective of the reference, the constant rate and hypergradient
 * descent per group and per parameter against step; the reference and line search against
 * step and against wall seconds. Drawn when those labels are in the plan. */
void rp_fig_rivals(Report *R, int t, Buf *md) {
    const char *const hd_labels[] = {"constant", "hd-group", "hd-param"};
    int hd[3], nhd = 0;
    for (int k = 0; k < 3; k++)
        if ((hd[nhd] = rp_find(&R->scheds, hd_labels[k])) >= 0 && hd[nhd] != R->ref) nhd++;
    int sls = rp_find(&R->scheds, "sls");
    if (sls == R->ref) sls = -1;
    if (nhd == 0 && sls < 0) return;
    const int o = 0;
    char stem[256], base[200], what[512], title[512];
    rp_stem_of(base, sizeof base, R->tasks.v[t]);
    snprintf(stem, sizeof stem, "rivals__%s", base);
    /* the curves: the reference, then the hd panel's, then line search */
    int list[5], nl = 0;
    list[nl++] = R->ref;
    for (int k = 0; k < nhd; k++) list[nl++] = hd[k];
    if (sls >= 0) list[nl++] = sls;
    Buf *d = rp_out_add(R, "figures/data/rivals__%s.csv", base);
    rp_banner(R, d, "#", "");
    buf_printf(d,
               "# training objective of %s with %s: median over seeds at each evaluation, and "
               "the median wall seconds at that step (nan: unknown or diverged)\n",
               R->tasks.v[t], R->optims.v[o]);
    csvio_field(d, "scheduler", 1);
    csvio_field(d, "step", 0);
    csvio_field(d, "seconds", 0);
    csvio_field(d, "train_loss", 0);
    csvio_end(d);
    int have_secs = 1, nonpos = 0, npts[5] = {0};
    for (int k = 0; k < nl; k++) {
        long long *st;
        double *loss, *sec;
        int n = npts[k] = median_curve(R, t, o, list[k], &st, &loss, &sec);
        for (int q = 0; q < n; q++) {
            csvio_field(d, R->scheds.v[list[k]], 1);
            csvio_int(d, st[q], 0);
            csvio_num(d, sec[q], 0);
            csvio_num(d, loss[q], 0);
            csvio_end(d);
            if (!isfinite(sec[q])) have_secs = 0;
            if (isfinite(loss[q]) && loss[q] <= 0) nonpos = 1;
        }
        free(st), free(loss), free(sec);
    }
    if (sls >= 0 && npts[nl - 1] == 0) sls = -1; /* no line search run finished */
    int panels = (nhd > 0) + (sls >= 0 ? 1 + have_secs : 0);
    if (panels == 0) return;
    snprintf(what, sizeof what,
             "%s against the constant rate, hypergradient descent and line search on %s with "
             "%s: training objective, median over seeds",
             R->scheds.v[R->ref], R->tasks.v[t], R->optims.v[o]);
    Buf *b = gp_begin(R, stem, what, 400 * panels + 200, 460);
    snprintf(title, sizeof title, "%s, %s: training objective, median over %d seeds", R->tasks.v[t],
             R->optims.v[o], R->nseeds);
    buf_printf(b, "set datafile missing 'nan'\nset multiplot layout 1,%d title ", panels);
    gnuplot_str(b, title);
    buf_printf(b, "\nset key top right\nset ylabel 'training objective'\n%s",
               nonpos ? "" : "set logscale y\nset format y '%g'\n");
    if (nhd > 0) {
        buf_printf(b, "set title 'against hypergradient descent'\nset xlabel 'step'\nplot ");
        for (int k = nhd, first = 1; k >= 0; k--) /* the reference (list[0]) last, on top */
            if (npts[k] > 0) gp_rival(R, b, base, list[k], 2, first), first = 0;
        buf_printf(b, "\n");
    }
    if (sls >= 0) {
        const char *xs[2] = {"step", "wall seconds"};
        for (int x = 0; x < 1 + have_secs; x++) {
            buf_printf(b, "set title 'against line search, per %s'\nset xlabel '%s'\nplot ",
                       x ? "second" : "step", xs[x]);
            gp_rival(R, b, base, sls, x ? 3 : 2, 1);
            if (npts[0] > 0) gp_rival(R, b, base, R->ref, x ? 3 : 2, 0);
            buf_printf(b, "\n");
        }
    }
    gp_end(b, 1);
    buf_printf(md,
               "![%s against its rivals, %s](figures/%s.png)\n\n**Figure %d.** %s on %s with "
               "%s, training objective at each evaluation, median over %d seeds (logarithmic "
               "axis%s): %s%s. As in the article's figures. Data: "
               "`figures/data/rivals__%s.csv`. [PDF](figures/%s.pdf)\n\n",
               R->scheds.v[R->ref], R->tasks.v[t], stem, ++R->nfig_md, R->scheds.v[R->ref],
               R->tasks.v[t], R->optims.v[o], R->nseeds, nonpos ? " where the data allow" : "",
               nhd ? "against the constant rate and hypergradient descent per group and per "
                     "parameter (left)"
                   : "",
               sls < 0     ? ""
               : have_secs ? "; against stochastic line search per step and per wall second "
                             "(the line search's extra loss evaluations cost time, not steps)"
                           : "; against stochastic line search per step",
               base, stem);
}

/* (b) time to target: per (task, optimizer) the target is the median over the baselines'
 * runs of their best validation loss (as lrlab compare's steps_to_target); a run reaches it
 * at its first evaluation after step 0 at or below it. One curve per scheduler: the share of
 * its runs (every task, optimizer and seed) that reached the target within each fraction of
 * the budget. */
void rp_fig_target(Report *R, Buf *md) {
    const int n = R->pf.n, ns = R->scheds.n, NX = 20;
    double *frac = xcalloc((size_t)n + 1, sizeof(double));
    double *best = xcalloc((size_t)n + 1, sizeof(double)),
           *pool = xcalloc((size_t)n + 1, sizeof(double));
    const Tab *E = &R->evals;
    for (int i = 0; i < n; i++) {
        best[i] = INFINITY;
        for (int r = R->ev_first[i]; r < R->ev_first[i] + R->ev_n[i]; r++) {
            double v = rp_num(E, r, EV_VAL);
            if (rp_num(E, r, EV_STEP) > 0 && isfinite(v) && v < best[i]) best[i] = v;
        }
        if (!R->cells[i].done)
            best[i] = INFINITY; /* a diverged baseline keeps its best, as
                                 * in lrlab compare */
    }
    for (int t = 0; t < R->tasks.n; t++)
        for (int o = 0; o < R->optims.n; o++) {
            int np = 0;
            for (int i = 0; i < n; i++)
                if (R->cells[i].t == t && R->cells[i].o == o && R->cells[i].s != R->ref &&
                    R->cells[i].done)
                    pool[np++] = best[i];
            double target = rp_quant(pool, np, 0.5);
            for (int i = 0; i < n; i++) {
                if (R->cells[i].t != t || R->cells[i].o != o) continue;
                frac[i] = INFINITY;
                if (!isfinite(target) || R->cells[i].status != 0 || !R->cells[i].done) continue;
                for (int r = R->ev_first[i]; r < R->ev_first[i] + R->ev_n[i]; r++) {
                    double st = rp_num(E, r, EV_STEP), v = rp_num(E, r, EV_VAL);
                    if (st > 0 && isfinite(v) && v <= target) {
                        frac[i] = st / (double)R->cells[i].p->steps;
                        break;
                    }
                }
            }
        }
    Buf *d = rp_out_add(R, "figures/data/target.csv");
    rp_banner(R, d, "#", "");
    buf_printf(d, "# share of each scheduler's runs that reached the target validation loss "
                  "(the median of the baselines' best, per task and optimizer) within a "
                  "fraction of the steps\n");
    csvio_field(d, "fraction", 1);
    for (int k = 0; k < ns; k++) csvio_field(d, R->scheds.v[rp_sched_at(R, k)], 0);
    csvio_end(d);
    for (int x = 1; x <= NX; x++) {
        double f = (double)x / NX;
        csvio_num(d, f, 1);
        for (int k = 0; k < ns; k++) {
            int s = rp_sched_at(R, k), runs = 0, hit = 0;
            for (int i = 0; i < n; i++)
                if (R->cells[i].s == s && R->cells[i].done) runs++, hit += frac[i] <= f + 1e-12;
            csvio_num(d, runs ? 100.0 * hit / runs : NAN, 0);
        }
        csvio_end(d);
    }
    free(frac), free(best), free(pool);
    Buf *b = gp_begin(R, "target", "time to target: share of runs within a fraction of the steps",
                      1000, 600);
    buf_printf(b, "set title 'time to target: runs that reached the baselines'' median best "
                  "validation loss'\nset xlabel 'fraction of the training steps'\n"
                  "set ylabel 'runs at the target (%%)'\nset xrange [0:1]\nset yrange [0:100]\n"
                  "set key outside right top\nplot ");
    gp_plot_by_sched(R, b, "data/target.csv", "linespoints pt 7 ps 0.5");
    gp_end(b, 0);
    buf_printf(md,
               "![time to target](figures/target.png)\n\n**Figure %d.** Time to target: for each "
               "scheduler, the share of its runs (every task, optimizer and seed) whose "
               "validation loss reached the target within a fraction of the training steps; "
               "the target of a task and optimizer is the median of the baselines' best "
               "validation losses, as in `lrlab compare --measure steps_to_target`. Diverged "
               "and failed runs never reach it. Data: `figures/data/target.csv`. "
               "[PDF](figures/target.pdf)\n\n",
               ++R->nfig_md);
}

/* (c) the paper's categories, stacked, by baseline, by task and by optimizer: one panel
 * each, their data in figures/data/categories__BY.csv */
void rp_fig_categories(Report *R, Buf *md) {
    static const char *const by[3] = {"baseline", "task", "optimizer"};
    const int cols[3] = {CM_BASE, CM_TASK, CM_OPTIM};
    const Names *groups[3] = {&R->scheds, &R->tasks, &R->optims};
    static const char *const head[] = {"group", "N", "yes", "yes*", "no*", "no", NULL};
    for (int p = 0; p < 3; p++) {
        Buf *d = rp_out_add(R, "figures/data/categories__%s.csv", by[p]);
        rp_banner(R, d, "#", "");
        buf_printf(d,
                   "# the paper's categories of %s against the baselines on %s, by %s: "
                   "percent of N datapoints\n",
                   R->scheds.v[R->ref], R->measure, by[p]);
        csvio_header(d, head);
        for (int g = 0; g < groups[p]->n; g++) {
            if (p == 0 && g == R->ref) continue;
            Count c = rp_count_by(R, cols[p], groups[p]->v[g]);
            int N = rp_count_total(&c);
            if (!N) continue;
            csvio_field(d, groups[p]->v[g], 1);
            csvio_int(d, N, 0);
            for (int k = 0; k < STATS_NCATEGORY; k++) csvio_num(d, 100.0 * c.n[k] / N, 0);
            csvio_end(d);
        }
    }
    char tau[128], title[512];
    rp_tau_text(R, tau, sizeof tau);
    Buf *b = gp_begin(R, "categories",
                      "the paper's categories by baseline, task and optimizer, "
                      "stacked",
                      1500, 650);
    snprintf(title, sizeof title, "the paper's categories of %s against the baselines: %s, %s",
             R->scheds.v[R->ref], R->measure, tau);
    buf_printf(b, "set multiplot layout 1,3 margins 0.06,0.80,0.24,0.88 spacing 0.05,0.1 title ");
    gnuplot_str(b, title);
    buf_printf(b,
               "\nset style data histograms\nset style histogram rowstacked\n"
               "set style fill solid 0.85 border rgb '#404040'\nset boxwidth 0.7 relative\n"
               "set yrange [0:100]\nset ylabel 'datapoints (%%)'\nset xtics rotate by 45 right\n"
               "set grid noxtics ytics\n"
               "set arrow 1 from graph 0, first %g to graph 1, first %g nohead dt 2 lw 1.5 lc rgb "
               "'#000000' front\n",
               100 * R->claim, 100 * R->claim);
    static const char *const titles[STATS_NCATEGORY] = {"yes: Δ ≥ τ", "yes*: 0 < Δ < τ",
                                                        "no*: −τ < Δ ≤ 0", "no: Δ ≤ −τ"};
    for (int p = 0; p < 3; p++) {
        buf_printf(b, "set title 'by %s'\n%s\n", by[p],
                   p == 0   ? "unset key"
                   : p == 1 ? "unset ylabel"
                            : "set key outside right top");
        for (int k = 0; k < STATS_NCATEGORY; k++) {
            if (k == 0)
                buf_printf(b, "plot 'data/categories__%s.csv' using 3:xtic(1) title ", by[p]);
            else buf_printf(b, ", \\\n     '' using %d title ", 3 + k);
            gnuplot_str(b, titles[k]);
            buf_printf(b, " lc rgb '%s'", rp_cat_colors[k]);
        }
        buf_printf(b,
                   ", \\\n     NaN with lines dt 2 lw 1.5 lc rgb '#000000' title 'claim: %g%% "
                   "as good or better'\n",
                   100 * R->claim);
    }
    gp_end(b, 1);
    buf_printf(md,
               "![the paper's categories](figures/categories.png)\n\n**Figure %d.** The "
               "paper's categories of Δ = L_baseline − L_%s (%s, %s) by baseline, by task and by "
               "optimizer, in percent of the datapoints: yes (Δ ≥ τ, %s clearly better), yes\\* "
               "and no\\* (ties within τ), no (Δ ≤ −τ, %s clearly worse). Counted this way, %s "
               "meets the claim where the red segment (no) starts above the dashed line. Data: "
               "`figures/data/categories__*.csv`. [PDF](figures/categories.pdf)\n\n",
               ++R->nfig_md, R->scheds.v[R->ref], R->measure, tau, R->scheds.v[R->ref],
               R->scheds.v[R->ref], R->scheds.v[R->ref]);
}

/* (d) performance profiles */
void rp_fig_profiles(Report *R, Buf *md) {
    double taus[64] = {0};
    int nt = 0;
    for (int r = 0; r < R->prof.t.nrows; r++) {
        if (strcmp(rp_at(&R->prof, r, PF_MEASURE), R->measure) != 0) continue;
        double x = rp_num(&R->prof, r, PF_TAU);
        int k = 0;
        while (k < nt && taus[k] != x) k++;
        if (k == nt && nt < 64) taus[nt++] = x;
    }
    qsort(taus, (size_t)nt, sizeof *taus, rp_cmp_double);
    Buf *d = rp_out_add(R, "figures/data/profiles.csv");
    rp_banner(R, d, "#", "");
    buf_printf(d,
               "# performance profiles on the final %s (profiles.csv): the share of problems "
               "within a factor tau of the best, per scheduler\n",
               R->measure);
    csvio_field(d, "tau", 1);
    for (int k = 0; k < R->scheds.n; k++) csvio_field(d, R->scheds.v[rp_sched_at(R, k)], 0);
    csvio_end(d);
    for (int i = 0; i < nt; i++) {
        csvio_num(d, taus[i], 1);
        for (int k = 0; k < R->scheds.n; k++)
            csvio_num(d, rp_profile_at(R, R->scheds.v[rp_sched_at(R, k)], taus[i]), 0);
        csvio_end(d);
    }
    Buf *b = gp_begin(R, "profiles", "performance profiles (Dolan and More) of every scheduler",
                      1000, 620);
    char title[256];
    snprintf(title, sizeof title, "performance profiles: final %s", R->measure);
    buf_printf(b, "set title ");
    gnuplot_str(b, title);
    buf_printf(b,
               "\nset logscale x\nset xrange [1:%g]\nset yrange [0:1.02]\n"
               "set xlabel 'τ (ratio to the best on each problem)'\n"
               "set ylabel 'share of problems within τ of the best'\n"
               "set xtics (1, 1.1, 1.2, 1.5, 2, 3, 5, 10, 20, 50, 100)\n"
               "set key outside right top\nplot ",
               nt ? taus[nt - 1] : 10.0);
    gp_plot_by_sched(R, b, "data/profiles.csv", "steps");
    gp_end(b, 0);
    buf_printf(md,
               "![performance profiles](figures/profiles.png)\n\n**Figure %d.** Performance "
               "profiles (Dolan and Moré) on the final %s: for each scheduler, the share of "
               "problems (task, optimizer, seed) on which its value is within a factor τ of the "
               "best scheduler's; higher and further left is better; %s (%s). Data: "
               "`figures/data/profiles.csv`. [PDF](figures/profiles.pdf)\n\n",
               ++R->nfig_md, R->measure, R->scheds.v[R->ref], ref_look(R));
}

/* (e) the distribution of the paper's Delta, normalised: Delta / tau, each comparison's own
 * tie tolerance (comparisons.csv's tau), so that tasks whose losses differ by orders of
 * magnitude share one scale and the tie band is [-1, 1] on every task; where a row has no
 * positive tau, the relative difference Delta / |L_baseline| for the whole figure. One panel
 * per task, the baselines along x, a box per stage (quartiles, median, whiskers at the 5% and
 * 95% quantiles) over every datapoint drawn as a light, jittered point; the y axis symmetric
 * logarithmic, sign(y) log10(1 + |y|): linear within the tie band, logarithmic beyond. */
static double delta_jitter(int r) { /* deterministic, in [-1, 1) */
    uint32_t h = 2166136261u ^ (uint32_t)r;
    h = (h ^ (h >> 13)) * 0x5bd1e995u;
    h ^= h >> 15;
    return (double)(h % 20000) / 10000.0 - 1;
}

void rp_fig_delta(Report *R, Buf *md) {
    const Tab *C = &R->cmp;
    const int nr = C->t.nrows, ct = csvio_col(&C->t, "tau"), nb = R->scheds.n - 1;
    const int nt = R->tasks.n;
    /* normalise: by tau when every finite row has one, else relatively */
    double *y = xcalloc((size_t)nr + 1, sizeof(double));
    int by_tau = ct >= 0;
    for (int r = 0; r < nr && by_tau; r++) {
        double tau = NAN;
        if (isfinite(rp_num(C, r, CM_DELTA)) &&
            (csvio_parse_num(csvio_at(&C->t, r, ct), &tau) != 0 || !(tau > 0) || !isfinite(tau)))
            by_tau = 0;
    }
    int nonfinite = 0;
    for (int r = 0; r < nr; r++) {
        double x = rp_num(C, r, CM_DELTA), tau = NAN, bv = rp_num(C, r, CM_BASEV);
        if (by_tau) csvio_parse_num(csvio_at(&C->t, r, ct), &tau);
        y[r] = by_tau ? x / tau : x / fabs(bv);
        if (!isfinite(y[r])) nonfinite++, y[r] = NAN;
    }
    /* a baseline's slot: its position in plan order, the reference left out */
    int *slot = xcalloc((size_t)R->scheds.n + 1, sizeof(int));
    for (int s = 0, k = 0; s < R->scheds.n; s++) slot[s] = s == R->ref ? -1 : k++;
    static const char *const stage_rgb[NSTAGES] = {"#9ecae1", "#4292c6", "#08306b"};
    const double off[NSTAGES] = {-0.26, 0, 0.26}, half = 0.11;
    const char *ylab = by_tau ? "Δ / τ" : "Δ / |L_baseline|";
    Buf *d = rp_out_add(R, "figures/data/delta.csv");
    rp_banner(R, d, "#", "");
    buf_printf(d,
               "# the paper's Delta = baseline - %s on %s (comparisons.csv) over %s, finite "
               "values only; x: the baseline's slot plus the stage's offset and a jitter\n",
               R->scheds.v[R->ref], R->measure, by_tau ? "the comparison's tau" : "|L_baseline|");
    static const char *const head[] = {"task", "baseline", "stage", "x", "delta_norm", NULL};
    csvio_header(d, head);
    Buf *q = rp_out_add(R, "figures/data/delta_boxes.csv");
    rp_banner(R, q, "#", "");
    buf_printf(q, "# per task, baseline and stage: the 5%%, 25%%, 50%%, 75%% and 95%% quantiles "
                  "of figures/data/delta.csv's delta_norm\n");
    static const char *const qhead[] = {"task", "baseline", "stage", "x",   "p05",
                                        "q25",  "median",   "q75",   "p95", NULL};
    csvio_header(q, qhead);
    double *lo = xcalloc((size_t)nt + 1, sizeof(double)),
           *hi = xcalloc((size_t)nt + 1, sizeof(double));
    double *v = xcalloc((size_t)nr + 1, sizeof(double));
    for (int t = 0; t < nt; t++) {
        lo[t] = -1, hi[t] = 1;
        for (int s = 0; s < R->scheds.n; s++) {
            if (slot[s] < 0) continue;
            for (int g = 0; g < NSTAGES; g++) {
                int n = 0;
                const double x0 = 1 + slot[s] + off[g];
                for (int r = 0; r < nr; r++) {
                    if (isnan(y[r]) || rp_num(C, r, CM_STAGE) != stage_pct[g] ||
                        strcmp(rp_at(C, r, CM_TASK), R->tasks.v[t]) != 0 ||
                        strcmp(rp_at(C, r, CM_BASE), R->scheds.v[s]) != 0)
                        continue;
                    v[n++] = y[r];
                    csvio_int(d, t, 1);
                    csvio_int(d, slot[s], 0);
                    csvio_int(d, stage_pct[g], 0);
                    csvio_num(d, x0 + 0.8 * half * delta_jitter(r), 0);
                    csvio_num(d, y[r], 0);
                    csvio_end(d);
                    lo[t] = fmin(lo[t], y[r]), hi[t] = fmax(hi[t], y[r]);
                }
                if (n == 0) continue;
                csvio_int(q, t, 1);
                csvio_int(q, slot[s], 0);
                csvio_int(q, stage_pct[g], 0);
                csvio_num(q, x0, 0);
                static const double ps[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
                for (int k = 0; k < 5; k++) csvio_num(q, rp_quant(v, n, ps[k]), 0);
                csvio_end(q);
            }
        }
    }
    free(v), free(y), free(slot);
    int maxlen = 8;
    for (int s = 0; s < R->scheds.n; s++)
        if ((int)strlen(R->scheds.v[s]) > maxlen) maxlen = (int)strlen(R->scheds.v[s]);
    const int W = 160 + 75 * (nb > 6 ? nb : 6), bottom = 30 + 6 * maxlen, ph = 190;
    const int H = 70 + bottom + ph * nt;
    Buf *b = gp_begin(
        R, "delta", "the paper's Delta over the tie tolerance, per task, baseline and stage", W, H);
    char title[300];
    snprintf(title, sizeof title, "Δ = L_baseline − L_%s on %s, %s, per task", R->scheds.v[R->ref],
             R->measure,
             by_tau ? "over each comparison's tie tolerance τ" : "relative to L_baseline");
    buf_printf(b, "set multiplot title ");
    gnuplot_str(b, title);
    buf_printf(
        b,
        "\nset nonlinear y via sgn(y) * log10(1 + abs(y)) inverse sgn(y) * (10**abs(y) - 1)\n"
        "set xrange [0.4:%.1f]\nset ylabel '%s (symmetric log)'\n"
        "set lmargin at screen %.4f\nset rmargin at screen %.4f\n"
        "set grid noxtics ytics\nset style fill solid 0.35 border -1\n"
        "set boxwidth %g absolute\nset key at screen 0.5,%.4f center top horizontal samplen 2\n",
        nb + 0.6, ylab, 90.0 / W, 1 - 30.0 / W, 2 * half, 1 - 28.0 / H);
    /* the tie band: |Delta| < tau, or < the relative tolerance under a relative rule */
    const double band = by_tau ? 1 : R->copts.tie.kind == TIE_REL ? R->copts.tie.x : NAN;
    if (isfinite(band))
        buf_printf(b,
                   "set object 1 rectangle from graph 0, first %g to graph 1, first %g "
                   "fc rgb '#fee08b' fs solid 0.6 noborder behind\n",
                   -band, band);
    for (int t = 0; t < nt; t++) {
        const double top = 1 - (70.0 + ph * t) / H, bot = 1 - (70.0 + ph * (t + 1) - 24) / H;
        buf_printf(b, "set tmargin at screen %.4f\nset bmargin at screen %.4f\n", top, bot);
        /* the baselines' names under the last panel only */
        buf_printf(b, "set xtics %s(", t == nt - 1 ? "rotate by 45 right " : "norotate ");
        for (int s = 0, k = 0; s < R->scheds.n; s++) {
            if (s == R->ref) continue;
            buf_printf(b, "%s", k ? ", " : "");
            if (t == nt - 1) gnuplot_str(b, R->scheds.v[s]);
            else buf_printf(b, "''");
            buf_printf(b, " %d", 1 + k++);
        }
        buf_printf(b, ")\n");
        buf_printf(b, "set label 1 ");
        gnuplot_str(b, R->tasks.v[t]);
        buf_printf(b, " at graph 0.01, graph 0.93 left front\n");
        double m = fmax(fabs(lo[t]), fabs(hi[t]));
        buf_printf(b, "set yrange [%.6g:%.6g]\nset ytics (0, 1, -1",
                   lo[t] < -1 ? lo[t] * 1.3 : -1.3, hi[t] > 1 ? hi[t] * 1.3 : 1.3);
        for (double k = 10; k < 1.3 * m && k < 1e300; k *= 10) buf_printf(b, ", %g, %g", k, -k);
        buf_printf(b, ")\n%s\nplot ", t == 0 ? "" : "unset key");
        for (int g = 0; g < NSTAGES; g++)
            buf_printf(b,
                       "%s'data/delta.csv' using ($1 == %d && $3 == %d ? $4 : NaN):5 with points "
                       "pt 7 ps 0.25 lc rgb '#b0%s' notitle",
                       g ? ", \\\n     " : "", t, stage_pct[g], stage_rgb[g] + 1);
        for (int g = 0; g < NSTAGES; g++)
            buf_printf(
                b,
                ", \\\n     'data/delta_boxes.csv' using ($1 == %d && $3 == %d ? $4 : NaN):6:5:9:8 "
                "with candlesticks whiskerbars lc rgb '%s' lw 1.2 title '%d%% of the steps'",
                t, stage_pct[g], stage_rgb[g], stage_pct[g]);
        for (int g = 0; g < NSTAGES; g++)
            buf_printf(
                b,
                ", \\\n     'data/delta_boxes.csv' using ($1 == %d && $3 == %d ? $4 : NaN):7:7:7:7 "
                "with candlesticks lc rgb '#000000' lw 2 notitle",
                t, stage_pct[g]);
        if (isfinite(band))
            buf_printf(b, ", \\\n     NaN with boxes fc rgb '#fee08b' fs solid 0.6 noborder title "
                          "'tie band: |Δ| < τ'");
        buf_printf(b, "\n");
    }
    free(lo), free(hi);
    gp_end(b, 1);
    buf_printf(md,
               "![Delta by task](figures/delta.png)\n\n**Figure %d.** The paper's Δ = "
               "L_baseline − L_%s on %s %s, one panel per task, the baselines along the axis and a "
               "box per stage (10%%, 50%% and 100%% of the steps, light to dark): the quartiles "
               "and the median, whiskers at the 5%% and 95%% quantiles, every datapoint a light "
               "point behind (jittered sideways); Δ > 0 means %s was better. %s The axis is "
               "symmetric logarithmic, sign(y) log10(1 + |y|): linear within ±1, logarithmic "
               "beyond. Data: `figures/data/delta.csv`, `figures/data/delta_boxes.csv`. "
               "[PDF](figures/delta.pdf)\n\n",
               ++R->nfig_md, R->scheds.v[R->ref], R->measure,
               by_tau ? "divided by the comparison's tie tolerance τ (comparisons.csv)"
                      : "divided by |L_baseline| (relative difference)",
               R->scheds.v[R->ref],
               by_tau ? "The shaded band is the tie band, |Δ| < τ."
               : isfinite(band)
                   ? "The shaded band is the tie band of the relative rule."
                   : "The tolerance is not known per comparison, so no tie band is drawn.");
    if (nonfinite)
        buf_printf(md,
                   "%d datapoints with an infinite Δ (one of the two runs diverged or failed) "
                   "are left out of Figure %d; they are counted in the tables.\n\n",
                   nonfinite, R->nfig_md);
}
