/* report_study.c - the sections of lrlab report that span a study's arms: the verdict of each
 * arm and the specification curve of the whole multiverse (`lrlab report DIR --arm OTHER...`).
 *
 * What: the arms are result folders trained with other choices (GreedyLR's variant, the
 * budget, Adafactor's setting); `lrlab compare DIR OTHER... --multiverse` (harness/
 * multiverse.c) computes the verdict of every arm under every combination of the analysis
 * choices that need no retraining into DIR/multiverse.csv. This file reads that table and
 * composes: the verdict of each arm under the report's own settings, how often the claim is
 * supported, not supported or undecided under each value of each choice, and the
 * specification curve (Simonsohn, Simmons & Nelson 2020) with the choices below it.
 * How: report.c runs the multiverse first whenever arms are given (never reusing a table that
 * may hold other arms or settings), then calls rp_load_multiverse and rp_arms.
 */
#include "harness/analysis/report_int.h"
#include "harness/analysis/style.h"

#include "harness/analysis/trend.h"
#include "harness/base/gnuplot.h"
#include "harness/base/names.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the columns of multiverse.csv: a specification's choices (the first NAX), then its numbers */
static const char *const mv_cols[] = {"arm",      "tie",     "measure", "stage",   "reading",
                                      "interval", "without", "units",   "as_good", "share",
                                      "ci_low",   "ci_high", "verdict", NULL};
enum { AX_ARM, AX_TIE, AX_MEASURE, AX_STAGE, AX_READING, AX_INTERVAL, AX_WITHOUT, NAX };
enum { MV_UNITS, MV_GOOD, MV_SHARE, MV_LO, MV_HI, MV_VERDICT, NMV };

/* verdict classes: 0 supported, 1 not supported, 2 undecided (of any kind, and not computed) */
static int verdict_class(const char *v) {
    if (strcmp(v, "supported") == 0) return 0;
    if (strcmp(v, "not supported") == 0) return 1;
    return 2;
}

int rp_load_multiverse(Report *R, Err *e) {
    static const int nums[] = {NAX + MV_UNITS, NAX + MV_GOOD, NAX + MV_SHARE,
                               NAX + MV_LO,    NAX + MV_HI,   -1};
    if (rp_tab_load(R->dir, "multiverse.csv", mv_cols, &R->mv, e) != 0) return -1;
    R->have_mv = 1;
    if (rp_tab_nums(&R->mv, mv_cols, nums, e) != 0) return -1;
    for (int r = 0; r < R->mv.t.nrows; r++)
        for (int k = NAX + MV_UNITS; k <= NAX + MV_GOOD; k++)
            if (!(rp_num(&R->mv, r, k) >= 0))
                return err_set(e, EXIT_USAGE, R->mv.path,
                               "line %d: %s: invalid value (expected "
                               "a number >= 0, got \"%.20s\")",
                               r + 2, mv_cols[k], rp_at(&R->mv, r, k));
    return 0;
}

static const char *mv_at(const Report *R, int r, int k) { return rp_at(&R->mv, r, k); }

static double mv_num(const Report *R, int r, int k) { return rp_num(&R->mv, r, NAX + k); }

/* the distinct values of axis k in table order */
static int axis_values(const Report *R, int k, const char **v, int cap) {
    int n = 0;
    for (int r = 0; r < R->mv.t.nrows; r++) {
        const char *s = mv_at(R, r, k);
        int seen = 0;
        for (int i = 0; i < n && !seen; i++) seen = strcmp(v[i], s) == 0;
        if (!seen && n < cap) v[n++] = s;
    }
    return n;
}

/* the row of arm a under the report's settings (stages pooled, no optimizer left out) */
static int settings_row(const Report *R, const char *arm, const char *tie, const char *reading) {
    char iv[32];
    snprintf(iv, sizeof iv, "%s", interval_names[R->copts.interval]);
    for (int r = 0; r < R->mv.t.nrows; r++)
        if (strcmp(mv_at(R, r, AX_ARM), arm) == 0 && strcmp(mv_at(R, r, AX_TIE), tie) == 0 &&
            strcmp(mv_at(R, r, AX_MEASURE), R->measure) == 0 &&
            strcmp(mv_at(R, r, AX_STAGE), "all") == 0 &&
            strcmp(mv_at(R, r, AX_READING), reading) == 0 &&
            strcmp(mv_at(R, r, AX_INTERVAL), iv) == 0 &&
            strcmp(mv_at(R, r, AX_WITHOUT), "none") == 0)
            return r;
    return -1;
}

static void pct_cell(Table *T, int row, int c, const Report *R, int r) {
    if (r < 0) {
        rp_table_set(T, row, c, "–");
        return;
    }
    rp_table_set(T, row, c, "%.1f%% (%.1f–%.1f)", 100 * mv_num(R, r, MV_SHARE),
                 100 * mv_num(R, r, MV_LO), 100 * mv_num(R, r, MV_HI));
}

/* Table: each arm under the report's settings, the paper's tie rule and the other reading,
 * and how its specifications decide. */
static Table *table_arms(Report *R, const char **arms, int narms) {
    static const char *const head[] = {
        "arm",       "units",         "as good",      "share (95% interval)",
        "verdict",   "paper's tie",   "non-inferior", "specifications",
        "supported", "not supported", "undecided"};
    Table *T = rp_table_new(R, "arms", "lrrllllrrrr", head);
    char tau[64];
    tie_format(R->copts.tie, tau, sizeof tau);
    const char *reading = reading_names[R->copts.reading];
    const char *other =
        reading_names[R->copts.reading == READ_NOT_WORSE ? READ_NON_INFERIOR : READ_NOT_WORSE];
    snprintf(T->caption, sizeof T->caption,
             "The verdict of every arm on the %s, all stages pooled, under this report's settings "
             "(tie %s, reading %s, interval %s, claim %g%%), beside the paper's tie rule "
             "(abs:0.1) and the %s reading (share and 95%% interval), and how the arm's "
             "specifications of the multiverse decide.",
             R->measure, tau, reading, interval_names[R->copts.interval], 100 * R->claim, other);
    for (int a = 0; a < narms; a++) {
        int row = rp_table_row(T, 0), r = settings_row(R, arms[a], tau, reading);
        rp_table_set(T, row, 0, "%s", arms[a]);
        if (r >= 0) {
            rp_table_set(T, row, 1, "%.0f", mv_num(R, r, MV_UNITS));
            rp_table_set(T, row, 2, "%.0f", mv_num(R, r, MV_GOOD));
            pct_cell(T, row, 3, R, r);
            rp_table_set(T, row, 4, "%s", mv_at(R, r, NAX + MV_VERDICT));
        }
        pct_cell(T, row, 5, R, settings_row(R, arms[a], "abs:0.1", reading));
        pct_cell(T, row, 6, R, settings_row(R, arms[a], tau, other));
        int n[3] = {0}, total = 0;
        for (int i = 0; i < R->mv.t.nrows; i++)
            if (strcmp(mv_at(R, i, AX_ARM), arms[a]) == 0) {
                n[verdict_class(mv_at(R, i, NAX + MV_VERDICT))]++;
                total++;
            }
        rp_table_set(T, row, 7, "%d", total);
        for (int k = 0; k < 3; k++) rp_table_set(T, row, 8 + k, "%d", n[k]);
    }
    return T;
}

/* Table: for every value of every choice, how its specifications decide */
static Table *table_axes(Report *R) {
    static const char *const head[] = {"choice",        "value",     "specifications", "supported",
                                       "not supported", "undecided", "median share"};
    Table *T = rp_table_new(R, "multiverse-choices", "llrrrrr", head);
    snprintf(T->caption, sizeof T->caption,
             "Where the claim holds: for each value of each choice of the multiverse, its "
             "specifications by verdict and their median share as good or better.");
    double *sh = xcalloc((size_t)R->mv.t.nrows + 1, sizeof(double));
    for (int k = 0; k < NAX; k++) {
        const char *v[256];
        int nv = axis_values(R, k, v, 256);
        for (int i = 0; i < nv; i++) {
            int n[3] = {0}, ns = 0;
            for (int r = 0; r < R->mv.t.nrows; r++)
                if (strcmp(mv_at(R, r, k), v[i]) == 0) {
                    n[verdict_class(mv_at(R, r, NAX + MV_VERDICT))]++;
                    sh[ns++] = mv_num(R, r, MV_SHARE);
                }
            double med = rp_quant(sh, ns, 0.5);
            int row = rp_table_row(T, i == 0);
            rp_table_set(T, row, 0, "%s", i == 0 ? mv_cols[k] : "");
            rp_table_set(T, row, 1, "%s", v[i]);
            rp_table_set(T, row, 2, "%d", ns);
            for (int c = 0; c < 3; c++) rp_table_set(T, row, 3 + c, "%d", n[c]);
            rp_table_set(T, row, 6, "%.1f%%", 100 * med);
        }
    }
    free(sh);
    return T;
}

typedef struct {
    int r;
    double share, lo;
} Ranked;

static int by_share(const void *a, const void *b) {
    const Ranked *x = a, *y = b;
    if (x->share != y->share) return x->share < y->share ? -1 : 1;
    if (x->lo != y->lo) return x->lo < y->lo ? -1 : 1;
    return x->r - y->r;
}

/* The specification curve: every specification's share and interval, sorted, coloured by
 * its verdict; below, a dot for each of its choices. */
static void fig_curve(Report *R, Buf *md, int nspec[3]) {
    const int n = R->mv.t.nrows;
    Ranked *k = xcalloc((size_t)n + 1, sizeof(Ranked));
    for (int r = 0; r < n; r++) k[r] = (Ranked){r, mv_num(R, r, MV_SHARE), mv_num(R, r, MV_LO)};
    qsort(k, (size_t)n, sizeof *k, by_share);
    /* dot rows: every value of every choice, top to bottom */
    const char *vals[NAX][256];
    int nv[NAX], base[NAX], nrow = 0;
    for (int a = 0; a < NAX; a++) {
        nv[a] = axis_values(R, a, vals[a], 256);
        base[a] = nrow;
        nrow += nv[a];
    }
    Buf *d = rp_out_add(R, "figures/data/multiverse.csv");
    rp_banner(R, d, "#", "");
    buf_printf(d, "# the specification curve (multiverse.csv sorted by share); y of each "
                  "choice's dot in the panel below\n");
    buf_printf(d, "rank,share,ci_low,ci_high,verdict");
    for (int a = 0; a < NAX; a++) buf_printf(d, ",%s", mv_cols[a]);
    buf_printf(d, "\n");
    for (int i = 0; i < n; i++) {
        int r = k[i].r;
        buf_printf(d, "%d,%.6f,%.6f,%.6f,%d", i + 1, k[i].share, mv_num(R, r, MV_LO),
                   mv_num(R, r, MV_HI), verdict_class(mv_at(R, r, NAX + MV_VERDICT)));
        for (int a = 0; a < NAX; a++) {
            int j = 0;
            while (j < nv[a] && strcmp(vals[a][j], mv_at(R, r, a)) != 0) j++;
            buf_printf(d, ",%d", nrow - (base[a] + j));
        }
        buf_printf(d, "\n");
    }
    free(k);
    Buf *b = rp_gp_begin(R, "multiverse",
                         "the specification curve of the whole multiverse, with its choices", 1400,
                         420 + 16 * nrow);
    char title[256];
    snprintf(title, sizeof title,
             "%d specifications: %d supported, %d not supported, %d undecided (claim %g%%)", n,
             nspec[0], nspec[1], nspec[2], 100 * R->claim);
    buf_printf(b, "set multiplot title ");
    gnuplot_str(b, title);
    /* the left margin fits the longest choice label (about 5.6 pixels a character at the
     * dot panel's font, 8 points in 1400 pixels; the PDF keeps the proportion) */
    size_t longest = 0;
    for (int a = 0; a < NAX; a++)
        for (int j = 0; j < nv[a]; j++) {
            size_t l = strlen(mv_cols[a]) + 2 + strlen(vals[a][j]);
            if (l > longest) longest = l;
        }
    const double lmargin = style_label_margin(longest, 1400);
    const double dots_top = 0.06 + 0.86 * (16.0 * nrow) / (420 + 16.0 * nrow);
    buf_printf(b,
               "\nset lmargin at screen %.3f\nset rmargin at screen 0.98\n"
               "set tmargin at screen 0.93\nset bmargin at screen %.3f\n"
               "set ylabel 'share as good or better'\nset yrange [-0.02:1.02]\nset format x ''\n"
               "set xrange [0:%d]\nunset key\n"
               "set arrow 1 from graph 0, first %g to graph 1, first %g nohead dt 2 lc rgb "
               "'#c00000'\n",
               lmargin, dots_top + 0.04, n + 1, R->claim, R->claim);
    style_spec_curve(b, "'data/multiverse.csv'", 1, 0.35);
    buf_printf(b,
               "unset arrow 1\nunset grid\nset grid x\n"
               "set tmargin at screen %.3f\nset bmargin at screen 0.06\n"
               "set ylabel ''\nset yrange [0.5:%d.5]\nset format x '%%g'\n"
               "set xlabel 'specification, sorted by share'\nset ytics (",
               dots_top, nrow);
    int first = 1;
    for (int a = 0; a < NAX; a++)
        for (int j = 0; j < nv[a]; j++) {
            char lab[600];
            snprintf(lab, sizeof lab, "%s: %s", mv_cols[a], vals[a][j]);
            buf_printf(b, "%s", first ? "" : ", ");
            gnuplot_str(b, lab);
            buf_printf(b, " %d", nrow - (base[a] + j));
            first = 0;
        }
    buf_printf(b,
               ") font ',8'\nplot for [c=6:%d] 'data/multiverse.csv' using 1:c with points "
               "pt 7 ps 0.25 lc rgb '#1f4e99'\n",
               5 + NAX);
    rp_gp_end(b, 1);
    buf_printf(md,
               "![the specification curve](figures/multiverse.png)\n\n**Figure %d.** The "
               "specification curve: every specification's share of comparisons in which %s "
               "is as good or better (a dot), sorted, with its 95%% interval (a bar in a lighter "
               "shade), green where the claim is supported, red where it is not, grey where "
               "undecided; the dashed line is the "
               "claim. Below, a dot for each choice the specification made. Data: "
               "`figures/data/multiverse.csv`. [PDF](figures/multiverse.pdf)\n\n",
               ++R->nfig_md, R->scheds.v[R->ref]);
}

void rp_arms(Report *R, Buf *md) {
    const char *arms[256];
    int narms = axis_values(R, AX_ARM, arms, 256), n[3] = {0};
    for (int r = 0; r < R->mv.t.nrows; r++) n[verdict_class(mv_at(R, r, NAX + MV_VERDICT))]++;
    const int total = R->mv.t.nrows ? R->mv.t.nrows : 1;
    buf_printf(md, "## The arms and the multiverse\n\n");
    buf_printf(md,
               "The same question was answered for %d arm%s (result folders trained with "
               "different choices: ",
               narms, narms == 1 ? "" : "s");
    for (int a = 0; a < narms; a++) buf_printf(md, "%s`%s`", a ? ", " : "", arms[a]);
    buf_printf(md,
               "), each under every combination of the analysis choices that need no "
               "retraining: %d specifications in all. The claim is supported in %d of them "
               "(%.1f%%), not supported in %d (%.1f%%) and undecided in %d (%.1f%%).\n\n",
               R->mv.t.nrows, n[0], 100.0 * n[0] / total, n[1], 100.0 * n[1] / total, n[2],
               100.0 * n[2] / total);
    rp_md_table(R, md, table_arms(R, arms, narms));
    rp_md_table(R, md, table_axes(R));
    fig_curve(R, md, n);
}

/* ---- the model-size section (`--size DIR`): harness/analysis/trend.h's analysis of a size sweep
 * ---- */

enum { TT_FAMILY, TT_OPTIM, TT_BASE, TT_NSIZES, TT_RHO, TT_SLOPE, TT_P, TT_PERMS, TT_TEST };
static const char *const tt_cols[] = {
    "family",           "optimizer", "baseline",     "n_sizes", "rho",
    "slope_per_decade", "p",         "permutations", "test",    NULL};
enum { TR_FAMILY, TR_TASK, TR_PARAMS, TR_OPTIM, TR_BASE, TR_ADV, TR_SEEDS };
static const char *const tr_cols[] = {"family",   "task",      "params", "optimizer",
                                      "baseline", "advantage", "seeds",  NULL};

int rp_load_size(Report *R, const char *size_dir, Err *e) {
    CompareOpts o = R->copts;
    o.dir = size_dir;
    o.nwith = 0;
    o.arms = NULL;
    o.multiverse = 0;
    printf("report: the model-size trend of %s: running lrlab compare --trend\n", size_dir);
    fflush(stdout);
    int rc = trend_main(&o);
    fflush(stdout);
    if (rc != EXIT_OK) {
        e->code = rc;
        e->msg[0] = e->hint[0] = '\0';
        return -1;
    }
    static const int tt_nums[] = {TT_NSIZES, TT_RHO, TT_SLOPE, TT_P, -1};
    static const int tr_nums[] = {TR_PARAMS, TR_ADV, TR_SEEDS, -1};
    if (rp_tab_load(size_dir, "trend-test.csv", tt_cols, &R->tt, e) != 0) return -1;
    if (rp_tab_load(size_dir, "trend.csv", tr_cols, &R->tr, e) != 0) {
        csvio_free(&R->tt.t);
        return -1;
    }
    R->size_dir = size_dir; /* from here report_free frees both */
    return rp_tab_nums(&R->tt, tt_cols, tt_nums, e) || rp_tab_nums(&R->tr, tr_cols, tr_nums, e) ? -1
                                                                                                : 0;
}

static const char *tt_at(const Report *R, int r, int k) { return rp_at(&R->tt, r, k); }
static const char *tr_at(const Report *R, int r, int k) { return rp_at(&R->tr, r, k); }

static void num_cell(Table *T, int row, int c, double x, const char *fmt) {
    if (isfinite(x)) rp_table_set(T, row, c, fmt, x);
    else rp_table_set(T, row, c, "%s", isnan(x) ? "–" : x > 0 ? "∞" : "−∞");
}

void rp_size(Report *R, Buf *md) {
    const char *ref = R->scheds.v[R->ref];
    buf_printf(md, "## Model size\n\n");
    /* the pooled test over every baseline ("all") decides */
    int pooled = -1;
    for (int r = 0; r < R->tt.t.nrows; r++)
        if (strcmp(tt_at(R, r, TT_FAMILY), "pooled") == 0 &&
            strcmp(tt_at(R, r, TT_BASE), "all") == 0)
            pooled = r;
    double S = pooled >= 0 ? rp_num(&R->tt, pooled, TT_RHO) : NAN;
    double p = pooled >= 0 ? rp_num(&R->tt, pooled, TT_P) : NAN;
    const int grows = isfinite(p) && p < R->copts.alpha && S > 0;
    /* "(harness/trend.h)", today harness/analysis/trend.h: the old name is kept so that a
     * report made again is byte-identical to paper/study2/report.md */
    buf_printf(md,
               "Does %s's advantage grow with the number of parameters? On the size sweep in "
               "`%s`, per task (one model size) its advantage over each baseline is the median "
               "over seeds of (baseline − %s) / the task's scale on the final %s, and the "
               "size's advantage the median over the baselines; per family, Spearman's ρ "
               "between log parameters and advantage; the test sums ρ over the families and "
               "permutes the sizes within each (harness/trend.h). ",
               ref, R->size_dir, ref, R->measure);
    if (pooled >= 0)
        buf_printf(md,
                   "**S = %.2f, one-sided p = %.4g (%s, %s permutations): %s** (the rule: p < %g "
                   "and S > 0).\n\n",
                   S, p, tt_at(R, pooled, TT_TEST), tt_at(R, pooled, TT_PERMS),
                   grows ? "the advantage grows with size"
                         : "no evidence that the advantage grows with size",
                   R->copts.alpha);
    else buf_printf(md, "No family has the three sizes the test needs.\n\n");
    static const char *const head[] = {"family", "baseline",         "optimizer",     "sizes",
                                       "ρ",      "slope per decade", "p (one-sided)", "test"};
    Table *T = rp_table_new(R, "size-trend", "lllrrrrl", head);
    snprintf(T->caption, sizeof T->caption,
             "%s's advantage against model size: per family (and pooled over the families), "
             "against all baselines (the median over them) and each one alone; ρ: Spearman's "
             "rank correlation with log parameters (pooled: S, their sum); slope: the Theil–Sen "
             "slope, the advantage gained per tenfold more parameters, in %% of the task's scale.",
             ref);
    for (int r = 0; r < R->tt.t.nrows; r++) {
        int row =
            rp_table_row(T, r > 0 && strcmp(tt_at(R, r, TT_BASE), tt_at(R, r - 1, TT_BASE)) != 0);
        rp_table_set(T, row, 0, "%s", tt_at(R, r, TT_FAMILY));
        rp_table_set(T, row, 1, "%s", tt_at(R, r, TT_BASE));
        rp_table_set(T, row, 2, "%s", tt_at(R, r, TT_OPTIM));
        rp_table_set(T, row, 3, "%s", tt_at(R, r, TT_NSIZES));
        num_cell(T, row, 4, rp_num(&R->tt, r, TT_RHO), "%.2f");
        num_cell(T, row, 5, 100 * rp_num(&R->tt, r, TT_SLOPE), "%+.2f%%");
        num_cell(T, row, 6, rp_num(&R->tt, r, TT_P), "%.4g");
        rp_table_set(T, row, 7, "%s", tt_at(R, r, TT_TEST));
    }
    rp_md_table(R, md, T);
    /* the figure: the advantage (all baselines) against parameters, a line per family */
    Buf *d = rp_out_add(R, "figures/data/size-trend.csv");
    rp_banner(R, d, "#", "");
    buf_printf(d,
               "# the advantage per task and baseline (trend.csv of %s), in %% of the task's "
               "scale; one block per family (all) and per baseline, blank-line separated\n",
               R->size_dir);
    const char *fam[64];
    int nf = 0;
    for (int r = 0; r < R->tr.t.nrows; r++) {
        int seen = 0;
        for (int i = 0; i < nf && !seen; i++) seen = strcmp(fam[i], tr_at(R, r, TR_FAMILY)) == 0;
        if (!seen && nf < 64) fam[nf++] = tr_at(R, r, TR_FAMILY);
    }
    for (int pass = 0; pass < 2; pass++) /* pass 0: "all" per family; pass 1: the baselines */
        for (int f = 0; f < nf; f++) {
            buf_printf(d, "params,advantage\n"); /* each block's header (columnheaders) */
            for (int r = 0; r < R->tr.t.nrows; r++) {
                int all = strcmp(tr_at(R, r, TR_BASE), "all") == 0;
                if (strcmp(tr_at(R, r, TR_FAMILY), fam[f]) != 0 || all != (pass == 0)) continue;
                double a = rp_num(&R->tr, r, TR_ADV);
                if (!isfinite(a)) continue;
                buf_printf(d, "%s,%.6f\n", tr_at(R, r, TR_PARAMS), 100 * a);
            }
            buf_printf(d, "\n\n");
        }
    Buf *b =
        rp_gp_begin(R, "size-trend", "the reference's advantage against model size", 1000, 620);
    char title[300];
    snprintf(title, sizeof title, "%s's advantage against model size: final %s", ref, R->measure);
    buf_printf(b, "set title ");
    gnuplot_str(b, title);
    buf_printf(
        b,
        "\nset logscale x\nset format x '%%g'\nset xlabel 'trainable parameters'\n"
        "set ylabel 'advantage (%% of the task scale; > 0: %s better)'\n"
        "set key outside right top\n"
        "set arrow 1 from graph 0, first 0 to graph 1, first 0 nohead dt 2 lc rgb '#808080'\n"
        "plot ",
        ref);
    for (int f = 0; f < nf; f++) {
        buf_printf(b,
                   "%s'data/size-trend.csv' index %d using 1:2 with linespoints lw 2 pt 7 lc rgb "
                   "'%s' title ",
                   f ? ", " : "", f, rp_palette[f % NPALETTE]);
        gnuplot_str(b, fam[f]);
        buf_printf(b,
                   ", 'data/size-trend.csv' index %d using 1:2 with points pt 6 ps 0.8 lc rgb '%s' "
                   "notitle",
                   nf + f, rp_palette[f % NPALETTE]);
    }
    buf_printf(b, "\n");
    rp_gp_end(b, 0);
    buf_printf(md,
               "![advantage against size](figures/size-trend.png)\n\n**Figure %d.** %s's "
               "advantage against the number of trainable parameters (log scale): per family, "
               "the median over the baselines (line) and each baseline (open circles), in %% of "
               "the task's scale; above the dashed line %s is better. Data: "
               "`figures/data/size-trend.csv`. [PDF](figures/size-trend.pdf)\n\n",
               ++R->nfig_md, ref, ref);
}
