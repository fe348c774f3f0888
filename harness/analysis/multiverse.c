/* multiverse.c - the verdict over every combination of the defensible analysis choices
 * (`lrlab compare DIR [MORE...] --multiverse`).
 *
 * A multiverse analysis (Steegen, Tuerlinckx, Gelman & Vanpaemel 2016, "Increasing
 * transparency through a multiverse analysis", Perspectives on Psychological Science 11(5))
 * reports a result under every reasonable specification instead of one; the specification
 * curve (Simonsohn, Simmons & Nelson 2020, "Specification curve analysis", Nature Human
 * Behaviour 4) sorts the specifications by their estimate and shows below which choices each
 * one made. Axes that need no retraining are computed from one folder's results:
 *   tie       the paper's abs:0.1, rel:0.01, task:0.01 (and the --tie rule if it is none)
 *   measure   train_loss, val_loss, metric
 *   stage     10, 50, 100 (% of the steps) or all three pooled
 *   reading   not-worse, non-inferior
 *   interval  units, task, optimizer, crossed, seeds
 *   without   none, or one optimizer left out
 * Axes that need retraining (GreedyLR's variant, the budget, Adafactor's setting, the grid)
 * come from several folders, one arm each: the folder's provenance.txt line "arm: ..." (the
 * experiment's arm = "NAME" or { key = "value", ... }), or else the experiment named in its
 * runs.csv. An arm's keys become columns arm_KEY of multiverse.csv. The folders name different
 * arms and share the reference scheduler; their designs may differ (a longer budget is often
 * affordable only with fewer optimizers, baselines or seeds): each arm's specifications are
 * computed over its own comparisons, and the `without` axis names every optimizer of any arm
 * (the first folder's first), an arm getting no "without X" specification when it has no X.
 *
 * multiverse.csv: one row per specification: arm, arm_KEY..., tie, measure, stage, reading,
 * interval, without, units, as_good (count), share, ci_low, ci_high, verdict.
 * figures/multiverse.png: the specification curve, each specification's share a dot over its
 * interval, green where the claim is supported, red where not, grey where undecided (as lrlab
 * report draws it).
 */
#include "harness/analysis/compare_int.h"
#include "harness/analysis/style.h"

#include "harness/analysis/plot.h"
#include "harness/base/buf.h"
#include "harness/base/csvio.h"
#include "harness/base/fsutil.h"
#include "harness/base/gnuplot.h"
#include "harness/base/names.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    /* stage NSTAGES: all; without: an optimizer of the first folder, -1 none */
    int arm, tie, m, stage, reading, interval, without;
    int units, good, decidable, redrawn;
    double share, lo, hi;
} Spec;

typedef struct {
    Spec *s;
    int n, cap;
} Specs;

static const int mv_measures[] = {M_TRAIN, M_VAL, M_METRIC};
enum { NMV_MEASURE = 3 };

/* arm_name: provenance.txt's "arm: NAME" line, else runs.csv's experiment of its first row,
 * else the folder's own name; checked by the rule for names. */
static int arm_name(const char *dir, char *out, size_t n, Err *e) {
    char path[4200];
    out[0] = 0;
    snprintf(path, sizeof path, "%s/provenance.txt", dir);
    FILE *f = fopen(path, "r");
    if (f) {
        char line[ARM_MAX_LEN + 16];
        int too_long = 0;
        while (fgets(line, sizeof line, f)) {
            size_t len = strlen(line);
            int whole = len && line[len - 1] == '\n';
            if (strncmp(line, "arm: ", 5) == 0) {
                line[strcspn(line, "\r\n")] = 0;
                too_long = !whole && !feof(f);
                if (!too_long)
                    memcpy(out, line + 5, strlen(line + 5) + 1 < n ? strlen(line + 5) + 1 : n);
                out[n - 1] = 0;
                break;
            }
            while (!whole && fgets(line, sizeof line, f)) { /* the rest of a long line */
                len = strlen(line);
                whole = len && line[len - 1] == '\n';
            }
        }
        fclose(f);
        if (too_long)
            return err_set(e, EXIT_USAGE, dir,
                           "provenance.txt: arm: too long (expected at most "
                           "%d characters)",
                           ARM_MAX_LEN);
    }
    if (!out[0]) {
        snprintf(path, sizeof path, "%s/runs.csv", dir);
        CsvTable t;
        if (csvio_read(path, NULL, &t, e) != 0) return -1;
        int c = csvio_col(&t, "experiment");
        if (c >= 0 && t.nrows > 0) snprintf(out, n, "%s", csvio_at(&t, 0, c));
        csvio_free(&t);
    }
    if (!out[0]) {
        const char *b = strrchr(dir, '/');
        snprintf(out, n, "%s", b && b[1] ? b + 1 : dir);
    }
    if (arm_valid(out)) return 0;
    char got[256];
    name_show(got, sizeof got, out, strlen(out));
    return err_set(e, EXIT_USAGE, dir, "provenance.txt: arm: invalid value (expected %s, got %s)",
                   ARM_RULE, got);
}

/* arm_axis: the value of axis key in arm text a ("" when a has no such axis). */
static void arm_axis(const char *a, const char *key, char *out, size_t n) {
    out[0] = 0;
    if (!strchr(a, ';') && !strchr(a, '=')) return;
    size_t kl = strlen(key);
    for (const char *p = a; p && *p; p = strchr(p, ';') ? strchr(p, ';') + 1 : NULL)
        if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
            size_t vl = strcspn(p + kl + 1, ";");
            snprintf(out, n, "%.*s", (int)vl, p + kl + 1);
            return;
        }
}

/* arm_keys: the axis keys over every arm, sorted and distinct, into keys[]; returns the count. */
static int arm_keys(char arms[][ARM_MAX_LEN + 1], int narms, char keys[][64], int cap) {
    int nk = 0;
    for (int a = 0; a < narms; a++) {
        if (!strchr(arms[a], ';') && !strchr(arms[a], '=')) continue;
        for (const char *p = arms[a]; p && *p; p = strchr(p, ';') ? strchr(p, ';') + 1 : NULL) {
            char k[64];
            snprintf(k, sizeof k, "%.*s", (int)strcspn(p, "="), p);
            int at = 0;
            while (at < nk && strcmp(keys[at], k) < 0) at++;
            if ((at < nk && strcmp(keys[at], k) == 0) || nk == cap) continue;
            memmove(keys[at + 1], keys[at], (size_t)(nk - at) * 64);
            snprintf(keys[at], 64, "%s", k);
            nk++;
        }
    }
    return nk;
}

static void add(Specs *S, Spec s) {
    if (S->n == S->cap)
        S->s = xrealloc(S->s, sizeof(Spec) * (size_t)(S->cap = S->cap ? 2 * S->cap : 1024));
    S->s[S->n++] = s;
}

/* OptAxis: the optimizers of the `without` axis, the first folder's then the other arms' new
 * ones (pointers into the arms' Data) */
typedef struct {
    const char **v;
    int n;
} OptAxis;

static void axis_add(OptAxis *x, const Names *optims) {
    for (int j = 0; j < optims->n; j++) {
        int seen = 0;
        for (int i = 0; i < x->n && !seen; i++) seen = strcmp(x->v[i], optims->names[j]) == 0;
        if (seen) continue;
        x->v = xrealloc(x->v, sizeof(char *) * (size_t)(x->n + 1));
        x->v[x->n++] = optims->names[j];
    }
}

/* specs_of: every specification of one arm's model, appended to S. Optimizers are named by
 * the axis X, whatever order the arm's runs.csv holds them in. */
static void specs_of(Model *M, const OptAxis *X, int arm, const TieRule *ties, int nties,
                     Specs *S) {
    int *sel = xcalloc((size_t)M->nu + 1, sizeof(int));
    /* measure outside, tie rule inside: one measure's seed replicates live at a time */
    for (int mi = 0; mi < NMV_MEASURE; mi++) {
        int m = mv_measures[mi];
        if (!M->nmunits[m]) continue;
        int redrawable = model_seeds_resampled(M, m);
        for (int k = 0; k < nties; k++) {
            model_decide(M, ties[k], M->alpha);
            for (int g = 0; g <= NSTAGES; g++)
                for (int w0 = -1; w0 < (X->n > 1 ? X->n : 0); w0++) {
                    /* the same optimizer in this arm; none: no "without" specification */
                    int w = -1;
                    for (int j = 0; w0 >= 0 && j < M->D->optims.n && w < 0; j++)
                        if (strcmp(M->D->optims.names[j], X->v[w0]) == 0) w = j;
                    if (w0 >= 0 && w < 0) continue;
                    int nsel = 0;
                    for (int i = 0; i < M->nmunits[m]; i++) {
                        const Unit *u = &M->u[M->munits[m][i]];
                        if ((g == NSTAGES || u->g == g) && u->o != w) sel[nsel++] = M->munits[m][i];
                    }
                    if (!nsel) continue;
                    for (int r = 0; r < NREADING; r++) {
                        int good = 0, decidable = 0;
                        for (int i = 0; i < nsel; i++) {
                            good += unit_as_good(M, sel[i], r);
                            decidable += unit_decidable(M, sel[i], r);
                        }
                        for (int iv = 0; iv < NINTERVAL; iv++) {
                            int redrawn = (iv == IV_CROSSED || iv == IV_SEEDS) && redrawable;
                            Spec s = {arm, k,    m,    g,         r,       iv,
                                      w0,  nsel, good, decidable, redrawn, (double)good / nsel,
                                      0,   0};
                            model_interval(M, sel, nsel, r, iv, &s.lo, &s.hi);
                            add(S, s);
                        }
                    }
                }
        }
        model_forget(M, m);
    }
    free(sel);
}

/* spec_verdict: as compare's, with the two cases where the interval cannot decide */
static const char *spec_verdict(const Spec *x, double claim) {
    if (!x->decidable) return "undecided (too few seeds)";
    if (isnan(x->lo) || isnan(x->hi)) return "not computed (too many seeds to redraw)";
    return verdict_word(x->lo, x->hi, claim);
}

/* tic: one "label" y entry of a gnuplot tics list; *longest: the longest label so far */
static void tic(Buf *rows, int *first, size_t *longest, const char *label, int y) {
    if (strlen(label) > *longest) *longest = strlen(label);
    buf_printf(rows, "%s", *first ? "" : ", ");
    gnuplot_str(rows, label);
    buf_printf(rows, " %d", y);
    *first = 0;
}

static int by_share(const void *a, const void *b) {
    const Spec *x = a, *y = b;
    if (x->share != y->share) return x->share < y->share ? -1 : 1;
    if (x->lo != y->lo) return x->lo < y->lo ? -1 : 1;
    return 0;
}

/* The specification-curve figure: shares sorted with their intervals above, the choices
 * below as dots, one row per value of each axis. */
static int figure(const char *dir, const Specs *S, char arms[][ARM_MAX_LEN + 1], int narms,
                  const Data *D, const OptAxis *X, const TieRule *ties, int nties, double claim,
                  Err *e) {
    char path[4200];
    if (fs_path(path, sizeof path, e, "%s/figures", dir) != 0) return -1;
    if (mkdir(path, 0777) != 0 && !fs_exists(path))
        return err_set(e, EXIT_RUN, path, "cannot create the folder");
    if (fs_check_real_dir(path, e) != 0) return -1;
    Spec *s = xmalloc(sizeof(Spec) * (size_t)(S->n + 1));
    memcpy(s, S->s, sizeof(Spec) * (size_t)S->n);
    qsort(s, (size_t)S->n, sizeof(Spec), by_share);
    /* rows of the dot panel, top to bottom */
    Buf rows = {0};
    int nrow = 0, base_arm = 0, base_tie, base_m, base_g, base_r, base_iv, base_w;
    Buf dat = {0};
    buf_printf(&dat, "# rank share ci_low ci_high verdict(0 supported, 1 not, 2 undecided) "
                     "dot_rows...\n");
    base_tie = narms > 1 ? narms : 0;
    base_m = base_tie + nties;
    base_g = base_m + NMV_MEASURE;
    base_r = base_g + NSTAGES + 1;
    base_iv = base_r + NREADING;
    base_w = base_iv + NINTERVAL;
    nrow = base_w + (X->n > 1 ? X->n + 1 : 0);
    for (int i = 0; i < S->n; i++) {
        const Spec *x = &s[i];
        int mi = x->m == M_TRAIN ? 0 : x->m == M_VAL ? 1 : 2;
        const char *v = spec_verdict(x, claim);
        buf_printf(
            &dat, "%d %.6f %.6f %.6f %d %d %d %d %d %d %d %d\n", i + 1, x->share, x->lo, x->hi,
            strcmp(v, "supported") == 0       ? 0
            : strcmp(v, "not supported") == 0 ? 1
                                              : 2,
            narms > 1 ? base_arm + x->arm : -1, base_tie + x->tie, base_m + mi, base_g + x->stage,
            base_r + x->reading, base_iv + x->interval, X->n > 1 ? base_w + x->without + 1 : -1);
    }
    free(s);
    /* y tics of the dot panel: "axis: value", row r drawn at y = nrow - r */
    int first = 1;
    size_t longest = 0;
    char lab[ARM_MAX_LEN + 16];
    for (int a = 0; narms > 1 && a < narms; a++) {
        snprintf(lab, sizeof lab, "arm: %s", arms[a]);
        tic(&rows, &first, &longest, lab, nrow - (base_arm + a));
    }
    for (int k = 0; k < nties; k++) {
        char t[64];
        tie_format(ties[k], t, sizeof t);
        {
            snprintf(lab, sizeof lab, "tie: %s%s", t, k == 0 ? " (paper)" : "");
            tic(&rows, &first, &longest, lab, nrow - (base_tie + k));
        }
    }
    for (int k = 0; k < NMV_MEASURE; k++) {
        snprintf(lab, sizeof lab, "measure: %s", measure_names[mv_measures[k]]);
        tic(&rows, &first, &longest, lab, nrow - (base_m + k));
    }
    for (int g = 0; g <= NSTAGES; g++) {
        if (g < NSTAGES)
            snprintf(lab, sizeof lab, "stage: %d", stage_pct[g]); /* no %: tic labels are formats */
        else snprintf(lab, sizeof lab, "stage: all");
        tic(&rows, &first, &longest, lab, nrow - (base_g + g));
    }
    for (int r = 0; r < NREADING; r++) {
        snprintf(lab, sizeof lab, "reading: %s", reading_names[r]);
        tic(&rows, &first, &longest, lab, nrow - (base_r + r));
    }
    for (int v = 0; v < NINTERVAL; v++) {
        snprintf(lab, sizeof lab, "interval: %s", interval_names[v]);
        tic(&rows, &first, &longest, lab, nrow - (base_iv + v));
    }
    for (int w = -1; X->n > 1 && w < X->n; w++) {
        snprintf(lab, sizeof lab, "without: %s", w < 0 ? "none" : X->v[w]);
        tic(&rows, &first, &longest, lab, nrow - (base_w + w + 1));
    }
    char dpath[4200];
    if (fs_path(dpath, sizeof dpath, e, "%s/figures/multiverse.dat", dir) != 0 ||
        fs_write_atomic(dpath, dat.s, dat.len, e) != 0) {
        buf_free(&dat), buf_free(&rows);
        return -1;
    }
    buf_free(&dat);
    const double lmargin = style_label_margin(longest, 1600); /* fits the longest label */
    Buf g = {0};
    char title[256];
    snprintf(title, sizeof title,
             "Specification curve: the share of comparisons in which %s is "
             "as good or better, %d specifications (95%% intervals)",
             D->scheds.names[D->ref], S->n);
    buf_printf(&g, "TITLE = ");
    gnuplot_str(&g, title);
    buf_printf(
        &g,
        "\n# generated by lrlab compare --multiverse: the specification curve\n"
        "if (!exists(\"fmt\")) fmt = 'png'\n"
        "if (fmt eq 'pdf') set terminal pdfcairo size 11in,8in font 'Helvetica,9'; "
        "else set terminal pngcairo size 1600,1100 font 'Helvetica,10'\n"
        "set termoption noenhanced\n"
        "set output 'figures/multiverse.'.fmt\n"
        "set multiplot\n"
        "set lmargin at screen %.3f\nset rmargin at screen 0.98\n"
        "set tmargin at screen 0.96\nset bmargin at screen 0.62\n"
        "set title TITLE\n"
        "set ylabel 'share as good or better'\nset yrange [0:1]\nset format x ''\n"
        "set xrange [0:%d]\nset grid y\nunset key\n"
        "set arrow 1 from graph 0, first %g to graph 1, first %g nohead dt 2 lc rgb '#c00000'\n"
        "set label 1 'claim %g%%' at graph 0.01, first %g offset 0,0.6 tc rgb '#c00000'\n",
        lmargin, S->n + 1, claim, claim, 100 * claim, claim);
    style_spec_curve(&g, "'figures/multiverse.dat'", 0.5, 0.3);
    buf_printf(&g,
               "unset arrow 1\nunset label 1\nunset title\nunset grid\n"
               "set tmargin at screen 0.6\nset bmargin at screen 0.05\n"
               "set ylabel ''\nset yrange [0:%d]\nset format x '%%g'\n"
               "set xlabel 'specification (sorted by share)'\n",
               nrow + 1);
    buf_printf(&g, "set ytics (%s) font ',8'\n", rows.s ? rows.s : "");
    buf_printf(&g,
               "plot for [c=6:12] 'figures/multiverse.dat' using 1:(column(c) < 0 ? NaN : %d - "
               "column(c)) with points pt 7 ps 0.25 lc rgb '#1f4e99'\nunset multiplot\n",
               nrow);
    buf_free(&rows);
    char gp[4200];
    int rc = fs_path(gp, sizeof gp, e, "%s/figures/multiverse.gp", dir) != 0 ||
                     fs_write_atomic(gp, g.s, g.len, e) != 0 ||
                     plot_run_gnuplot(dir, "figures/multiverse.gp", e) != 0
                 ? -1
                 : 0;
    buf_free(&g);
    return rc;
}

int multiverse_main(const CompareOpts *o, Model *M) {
    TieRule ties[4] = {TIE_PAPER, {TIE_REL, 0.01}, {TIE_TASK, 0.01}};
    int nties = 3;
    int listed = 0;
    for (int k = 0; k < nties; k++) listed |= ties[k].kind == o->tie.kind && ties[k].x == o->tie.x;
    if (!listed) ties[nties++] = o->tie;
    int narms = 1;
    while (o->arms && o->arms[narms - 1]) narms++;
    char(*arms)[ARM_MAX_LEN + 1] = xcalloc((size_t)narms, ARM_MAX_LEN + 1);
    Data *D = xcalloc((size_t)narms, sizeof(Data));
    Model *Ms = xcalloc((size_t)narms, sizeof(Model));
    Specs S = {0};
    OptAxis X = {0};
    Err e = {0};
    int code = EXIT_USAGE;
    const char *dirs[64];
    if (narms > 64) {
        fprintf(stderr, "lrlab: compare: --multiverse: %d folders (expected at most 64)\n", narms);
        goto out;
    }
    for (int a = 0; a < narms; a++) {
        dirs[a] = a == 0 ? o->dir : o->arms[a - 1];
        if (arm_name(dirs[a], arms[a], sizeof arms[a], &e) != 0) {
            err_print(&e);
            goto out;
        }
        for (int b = 0; b < a; b++)
            if (strcmp(arms[a], arms[b]) == 0) {
                err_set(&e, EXIT_USAGE, dirs[a],
                        "arm \"%s\" also names %s (expected each "
                        "folder to name a different arm: the experiment's arm = ..., written to "
                        "provenance.txt as \"arm: ...\", or a different experiment)",
                        arms[a], dirs[b]);
                err_print(&e);
                goto out;
            }
        if (a == 0) continue;
        int rc = data_load(dirs[a], NULL, o->reference, &D[a]);
        if (rc < 0) goto out;
        if (rc > 0) {
            char path[4200];
            Buf names = {0};
            for (int s = 0; s < D[a].scheds.n; s++)
                buf_printf(&names, "%s%s", s ? ", " : "", D[a].scheds.names[s]);
            snprintf(path, sizeof path, "%s/runs.csv", dirs[a]);
            err_set(&e, EXIT_USAGE, path,
                    "no runs of the reference scheduler \"%s\" (expected "
                    "it, as in %s; the schedulers in it: %s)",
                    o->reference, o->dir, names.s ? names.s : "none");
            buf_free(&names);
            err_print(&e);
            goto out;
        }
        model_build(&D[a], &Ms[a]);
        Ms[a].alpha = o->alpha;
    }
    code = EXIT_RUN;
    M->alpha = o->alpha;
    axis_add(&X, &M->D->optims);
    for (int a = 1; a < narms; a++) axis_add(&X, &D[a].optims);
    for (int a = 0; a < narms; a++) specs_of(a == 0 ? M : &Ms[a], &X, a, ties, nties, &S);
    model_decide(M, o->tie, o->alpha); /* as the caller left it */
    Buf b = {0};
    char keys[ARM_MAX_AXES * 64][64];
    int nk = arm_keys(arms, narms, keys, ARM_MAX_AXES * 64);
    buf_printf(&b, "arm");
    for (int k = 0; k < nk; k++) buf_printf(&b, ",arm_%s", keys[k]);
    buf_printf(&b, ",tie,measure,stage,reading,interval,without,units,as_good,share,ci_low,"
                   "ci_high,verdict,decidable,seeds_resampled\n");
    int supported = 0, against = 0, uncomputed = 0;
    for (int i = 0; i < S.n; i++) {
        const Spec *x = &S.s[i];
        char t[64], st[8];
        tie_format(ties[x->tie], t, sizeof t);
        snprintf(st, sizeof st, "%d", x->stage < NSTAGES ? stage_pct[x->stage] : 0);
        const char *v = spec_verdict(x, o->claim);
        supported += strcmp(v, "supported") == 0;
        against += strcmp(v, "not supported") == 0;
        uncomputed += strncmp(v, "not computed", 12) == 0;
        csvio_field(&b, arms[x->arm], 1);
        for (int k = 0; k < nk; k++) {
            char val[64];
            arm_axis(arms[x->arm], keys[k], val, sizeof val);
            csvio_field(&b, val, 0);
        }
        csvio_field(&b, t, 0);
        csvio_field(&b, measure_names[x->m], 0);
        csvio_field(&b, x->stage < NSTAGES ? st : "all", 0);
        csvio_field(&b, reading_names[x->reading], 0);
        csvio_field(&b, interval_names[x->interval], 0);
        csvio_field(&b, x->without < 0 ? "none" : X.v[x->without], 0);
        csvio_int(&b, x->units, 0);
        csvio_int(&b, x->good, 0);
        csvio_num(&b, x->share, 0);
        csvio_num(&b, x->lo, 0);
        csvio_num(&b, x->hi, 0);
        csvio_field(&b, v, 0);
        csvio_int(&b, x->decidable, 0);
        csvio_int(&b, x->redrawn, 0);
        csvio_end(&b);
    }
    char path[4200];
    if (fs_path(path, sizeof path, &e, "%s/multiverse.csv", o->dir) != 0 ||
        fs_write_atomic(path, b.s, b.len, &e) != 0) {
        buf_free(&b);
        err_print(&e);
        goto out;
    }
    buf_free(&b);
    if (figure(o->dir, &S, arms, narms, M->D, &X, ties, nties, o->claim, &e) != 0) {
        err_print(&e);
        goto out;
    }
    double lo = 1, hi = 0;
    for (int i = 0; i < S.n; i++) {
        lo = fmin(lo, S.s[i].share);
        hi = fmax(hi, S.s[i].share);
    }
    printf("multiverse: %d specifications over %d arm%s: share as good or better from %.1f%% to "
           "%.1f%%; %d supported, %d not supported, %d undecided at the claim %g%%\n",
           S.n, narms, narms > 1 ? "s" : "", 100 * lo, 100 * hi, supported, against,
           S.n - supported - against - uncomputed, 100 * o->claim);
    if (uncomputed)
        printf("multiverse: %d specifications not computed: too many seeds to redraw within "
               "each comparison\n",
               uncomputed);
    code = EXIT_OK;
out:
    for (int a = 1; a < narms; a++) {
        model_free(&Ms[a]);
        data_free(&D[a]);
    }
    free(Ms);
    free(D);
    free(arms);
    free(S.s);
    free(X.v);
    return code;
}
