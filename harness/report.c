/* report.c - the paper's tables, figures and results section from an experiment's result
 * files (see report.h).
 *
 * What: `lrlab report DIR [--paper PAPER]` turns the result files of DIR into the tables
 * (Markdown and LaTeX with booktabs), the gnuplot figures (PNG and PDF) and a results section
 * (report.md) of issue 6 item 5: the paper's counting (reference/algorithms.md 1.6), the
 * statistical comparison and verdict of `lrlab compare`, mean ranks and Dolan-More
 * performance profiles, a per-task summary, learning-rate schedules as in the article's
 * figure, and validation-loss curves with a band over seeds.
 * Why: DESIGN.md, data flow: "report -> paper/tables, paper/figures"; a paper regenerates from
 * committed results with one command and no training.
 * How: every input is read and checked and every text composed in memory before anything is
 * written, so that bad input writes nothing. Then the text files are written atomically and
 * gnuplot (run in PAPER/figures, like plot.c) draws each figure into NAME.png.tmp and
 * NAME.pdf.tmp, which replace NAME.png and NAME.pdf atomically. Determinism: numbers in fixed
 * formats, iteration in plan order, no time stamps (cairo's PDF CreationDate is pinned to
 * 1970-01-01), no absolute paths (figures read DIR's curves through a path relative to
 * PAPER/figures; DIR is named as the user gave it).
 */
#include "harness/report.h"

#include "harness/buf.h"
#include "harness/compare.h"
#include "harness/csvio.h"
#include "harness/fsutil.h"
#include "harness/planfile.h"
#include "harness/stats.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef LRLAB_GNUPLOT
#define LRLAB_GNUPLOT "gnuplot"
#endif

#define NSTAGE 3
#define MAX_LR_POINTS 600 /* points per learning-rate curve in a figure (every k-th step) */
#define LOG_SPAN 30.0     /* a log axis when the positive data span more than this factor */

static const int stage_pct[NSTAGE] = {10, 50, 100};
static const char *const cat_names[STATS_NCATEGORY] = {"yes", "yes*", "no*", "no"};
static const char *const cat_colors[STATS_NCATEGORY] = {"#1a9850", "#a6d96a", "#fdae61", "#d73027"};
/* line colours of the baselines, in plan order (the reference is black and thicker) */
static const char *const palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
enum { NPALETTE = sizeof palette / sizeof palette[0] };

/* ---- the result files, with the columns the report uses ---- */

typedef struct Tab {
    char path[4200];
    CsvTable t;
    int c[16];
} Tab;

static const char *const cmp_cols[] = {
    "measure",         "task",           "optimizer", "stage",    "baseline",
    "reference_value", "baseline_value", "delta",     "category", NULL};
enum { CM_MEASURE, CM_TASK, CM_OPTIM, CM_STAGE, CM_BASE, CM_REFV, CM_BASEV, CM_DELTA, CM_CAT };
static const char *const test_cols[] = {"measure",      "stage", "task",   "optimizer", "baseline",
                                        "median_delta", "tau",   "holm_p", "decision",  NULL};
enum { TS_MEASURE, TS_STAGE, TS_TASK, TS_OPTIM, TS_BASE, TS_MED, TS_TAU, TS_HOLM, TS_DEC };
static const char *const ver_cols[] = {"measure",
                                       "primary",
                                       "units",
                                       "wins",
                                       "ties",
                                       "losses",
                                       "as_good_or_better",
                                       "ci_low",
                                       "ci_high",
                                       "claim",
                                       "verdict",
                                       "decidable",
                                       "paper_as_good_or_better",
                                       NULL};
enum {
    VR_MEASURE,
    VR_PRIMARY,
    VR_UNITS,
    VR_WINS,
    VR_TIES,
    VR_LOSSES,
    VR_FRAC,
    VR_LO,
    VR_HI,
    VR_CLAIM,
    VR_VERDICT,
    VR_DECIDABLE,
    VR_PAPER
};
static const char *const prof_cols[] = {"measure", "scheduler", "tau", "fraction", NULL};
enum { PF_MEASURE, PF_SCHED, PF_TAU, PF_FRAC };
static const char *const rank_cols[] = {"measure", "scheduler", "mean_rank", "problems", NULL};
enum { RK_MEASURE, RK_SCHED, RK_MEAN, RK_PROBLEMS };
static const char *const tune_cols[] = {"task",     "optimizer", "scheduler", "lr",
                                        "val_loss", "chosen",    NULL};
enum { TU_TASK, TU_OPTIM, TU_SCHED, TU_LR, TU_VAL, TU_CHOSEN };
static const char *const run_cols[] = {"cell",        "stage",  "val_loss", "metric",
                                       "metric_name", "status", NULL};
enum { RU_CELL, RU_STAGE, RU_VAL, RU_METRIC, RU_MNAME, RU_STATUS };
static const char *const curve_cols[] = {"step", "lr", "train_loss", NULL};
static const char *const eval_cols[] = {"cell", "step", "train_loss", "val_loss", "metric", "lr",
                                        NULL};
enum { EV_CELL, EV_STEP, EV_TRAIN, EV_VAL, EV_METRIC, EV_LR };

static int tab_load(const char *dir, const char *name, const char *const *cols, Tab *T, Err *e) {
    snprintf(T->path, sizeof T->path, "%s/%s", dir, name);
    if (csvio_read(T->path, NULL, &T->t, e) != 0) return -1;
    for (int k = 0; cols[k]; k++)
        if ((T->c[k] = csvio_col(&T->t, cols[k])) < 0) {
            csvio_free(&T->t);
            return err_set(e, EXIT_USAGE, T->path, "line 1: missing column (expected %s)", cols[k]);
        }
    return 0;
}

static const char *at(const Tab *T, int r, int k) {
    return csvio_at(&T->t, r, T->c[k]);
}

/* num: a numeric field already checked by tab_nums */
static double num(const Tab *T, int r, int k) {
    double x = NAN;
    csvio_parse_num(at(T, r, k), &x);
    return x;
}

/* tab_nums: every field of the listed columns (ending with -1) is a number */
static int tab_nums(const Tab *T, const char *const *cols, const int *ks, Err *e) {
    for (int r = 0; r < T->t.nrows; r++)
        for (int i = 0; ks[i] >= 0; i++) {
            double x;
            if (csvio_parse_num(at(T, r, ks[i]), &x) != 0)
                return err_set(e, EXIT_USAGE, T->path,
                               "line %d: %s: not a number (expected a "
                               "number, got \"%.30s\")",
                               r + 2, cols[ks[i]], at(T, r, ks[i]));
        }
    return 0;
}

/* ---- names in plan order ---- */

typedef struct Names {
    char **v;
    int n, cap;
} Names;

static int find(const Names *n, const char *s) {
    for (int i = 0; i < n->n; i++)
        if (strcmp(n->v[i], s) == 0) return i;
    return -1;
}

static int intern(Names *n, const char *s) {
    int i = find(n, s);
    if (i >= 0) return i;
    if (n->n == n->cap)
        n->v = xrealloc(n->v, sizeof(char *) * (size_t)(n->cap = n->cap ? 2 * n->cap : 16));
    n->v[n->n] = xstrdup(s);
    return n->n++;
}

static void names_free(Names *n) {
    for (int i = 0; i < n->n; i++)
        free(n->v[i]);
    free(n->v);
}

/* ---- tables: one model, written as Markdown and as LaTeX ---- */

typedef struct Table {
    char name[200];     /* file stem under tables/ */
    char caption[2048]; /* UTF-8 text; escaped for each format on output */
    char align[48];     /* l, r or c per column */
    int ncols, nrows, cap;
    char **head;         /* [ncols] */
    char **cell;         /* [cap * ncols] */
    unsigned char *bold; /* [cap * ncols] */
    unsigned char *rule; /* [cap]: a rule above the row (LaTeX) */
    int num;             /* its number in report.md */
} Table;

/* ---- the report being composed ---- */

typedef struct Result {
    const PlanRow *p;
    int t, o, s;
    int done;           /* the cell has results in runs.csv */
    int status;         /* 0 ok, 1 diverged, 2 failed */
    double val, metric; /* at the end of training, as recorded */
} Result;

typedef struct IdIx {
    const char *id;
    int i;
} IdIx;

typedef struct Out {
    char rel[640]; /* path under PAPER */
    Buf b;
} Out;

typedef struct Fig {
    char stem[256];
} Fig;

typedef struct Report {
    const char *dir, *paper;
    char src[1024]; /* DIR as given, named in banners and commands */
    PlanFile pf;
    Names tasks, optims, scheds;
    long long *seeds;
    int nseeds;
    Result *cells;
    IdIx *ids;
    char (*metric)[64]; /* per task: the metric's name */
    int ndone, ndiv, nfail;
    int ref; /* scheduler index of the reference */
    Tab cmp, tests, ver, prof, ranks, tune;
    Tab evals;           /* evals.csv: every cell's evaluations, one block per cell */
    int *ev_first, *ev_n; /* per cell: its block of rows in evals */
    double *secs;         /* per cell: wall seconds (timing.csv), NAN when unknown */
    int have_tune;
    char measure[40];
    int vrow; /* the primary row of verdict.csv, -1 when none */
    double tau, rel_factor, alpha, claim;
    int relative, alpha_known;
    double *lr_lo, *lr_hi; /* per task: positive range of the first seed's learning rates */
    long long *lr_steps;   /* per task: the longest curve */
    char figrel[4096];     /* DIR relative to PAPER/figures */
    Out **outs;            /* pointers, so that a Buf stays put while others are added */
    int nouts, capouts;
    Fig *figs;
    int nfigs, capfigs;
    Table **tabs;
    int ntabs, captabs;
    int ntab_md, nfig_md; /* numbering in report.md */
} Report;

static Buf *out_add(Report *R, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static Buf *out_add(Report *R, const char *fmt, ...) {
    if (R->nouts == R->capouts)
        R->outs = xrealloc(R->outs,
                           sizeof(Out *) * (size_t)(R->capouts = R->capouts ? 2 * R->capouts : 64));
    Out *o = R->outs[R->nouts++] = xcalloc(1, sizeof(Out));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->rel, sizeof o->rel, fmt, ap);
    va_end(ap);
    return &o->b;
}

static void banner(const Report *R, Buf *b, const char *open, const char *close) {
    buf_printf(b, "%s generated by lrlab report from %s; do not edit%s\n", open, R->src, close);
}

/* file names: labels keep letters, digits, '.', '-' and '_' */
static void stem_of(char *out, size_t n, const char *s) {
    size_t i = 0;
    for (; *s && i + 1 < n; s++)
        out[i++] = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                           (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' || *s == '_'
                       ? *s
                       : '_';
    out[i] = '\0';
}

/* ---- text escapes ---- */

static void md_text(Buf *b, const char *s) {
    for (; *s; s++) {
        if (strchr("\\`*_|<>[]", *s)) buf_append(b, "\\", 1);
        buf_append(b, s, 1);
    }
}

static const struct {
    const char *utf8, *tex;
} tex_subst[] = {
    {"\xce\x94", "$\\Delta$"},       {"\xcf\x84", "$\\tau$"},     {"\xcf\x81", "$\\rho$"},
    {"\xce\xb1", "$\\alpha$"},       {"\xe2\x89\xa5", "$\\geq$"}, {"\xe2\x89\xa4", "$\\leq$"},
    {"\xe2\x88\x92", "$-$"},         {"\xc2\xb1", "$\\pm$"},      {"\xc3\x97", "$\\times$"},
    {"\xe2\x88\x9e", "$\\infty$"},   {"\xe2\x80\x93", "--"},      {"\xe2\x80\x94", "---"},
    {"\xe2\x80\xa0", "$^\\dagger$"},
};

static void tex_text(Buf *b, const char *s) {
    while (*s) {
        size_t k = 0;
        for (; k < sizeof tex_subst / sizeof tex_subst[0]; k++) {
            size_t n = strlen(tex_subst[k].utf8);
            if (strncmp(s, tex_subst[k].utf8, n) == 0) {
                buf_printf(b, "%s", tex_subst[k].tex);
                s += n;
                break;
            }
        }
        if (k < sizeof tex_subst / sizeof tex_subst[0]) continue;
        switch (*s) {
        case '%':
        case '&':
        case '#':
        case '_':
        case '{':
        case '}':
        case '$':
            buf_printf(b, "\\%c", *s);
            break;
        case '~':
            buf_printf(b, "\\textasciitilde{}");
            break;
        case '^':
            buf_printf(b, "\\textasciicircum{}");
            break;
        case '\\':
            buf_printf(b, "\\textbackslash{}");
            break;
        case '<':
            buf_printf(b, "\\textless{}");
            break;
        case '>':
            buf_printf(b, "\\textgreater{}");
            break;
        default:
            buf_append(b, s, 1);
        }
        s++;
    }
}

/* gnuplot single-quoted string */
static void gp_str(Buf *b, const char *s) {
    buf_append(b, "'", 1);
    for (; *s; s++) {
        if (*s == '\'')
            buf_append(b, "''", 2);
        else
            buf_append(b, s, 1);
    }
    buf_append(b, "'", 1);
}

/* ---- Table ---- */

static Table *table_new(Report *R, const char *name, const char *align, const char *const *head) {
    Table *T = xcalloc(1, sizeof *T);
    snprintf(T->name, sizeof T->name, "%s", name);
    snprintf(T->align, sizeof T->align, "%s", align);
    T->ncols = (int)strlen(T->align);
    T->head = xcalloc((size_t)T->ncols, sizeof(char *));
    for (int c = 0; c < T->ncols; c++)
        T->head[c] = xstrdup(head[c]);
    if (R->ntabs == R->captabs)
        R->tabs = xrealloc(R->tabs, sizeof(Table *) *
                                        (size_t)(R->captabs = R->captabs ? 2 * R->captabs : 16));
    R->tabs[R->ntabs++] = T;
    return T;
}

static int table_row(Table *T, int rule) {
    if (T->nrows == T->cap) {
        T->cap = T->cap ? 2 * T->cap : 16;
        T->cell = xrealloc(T->cell, sizeof(char *) * (size_t)T->cap * (size_t)T->ncols);
        T->bold = xrealloc(T->bold, (size_t)T->cap * (size_t)T->ncols);
        T->rule = xrealloc(T->rule, (size_t)T->cap);
    }
    int r = T->nrows++;
    for (int c = 0; c < T->ncols; c++) {
        T->cell[(size_t)r * T->ncols + c] = NULL;
        T->bold[(size_t)r * T->ncols + c] = 0;
    }
    T->rule[r] = (unsigned char)(rule && r > 0);
    return r;
}

static void table_set(Table *T, int r, int c, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void table_set(Table *T, int r, int c, const char *fmt, ...) {
    char s[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s, sizeof s, fmt, ap);
    va_end(ap);
    char **p = &T->cell[(size_t)r * T->ncols + c];
    free(*p);
    *p = xstrdup(s);
}

static const char *table_at(const Table *T, int r, int c) {
    const char *s = T->cell[(size_t)r * T->ncols + c];
    return s ? s : "";
}

static void table_free(Table *T) {
    for (int c = 0; c < T->ncols; c++)
        free(T->head[c]);
    for (size_t i = 0; i < (size_t)T->nrows * T->ncols; i++)
        free(T->cell[i]);
    free(T->head);
    free(T->cell);
    free(T->bold);
    free(T->rule);
    free(T);
}

/* table_md: the pipe table (no caption) */
static void table_md(const Table *T, Buf *b) {
    for (int c = 0; c < T->ncols; c++) {
        buf_printf(b, "| ");
        md_text(b, T->head[c]);
        buf_printf(b, " ");
    }
    buf_printf(b, "|\n");
    for (int c = 0; c < T->ncols; c++)
        buf_printf(b, "|%s", T->align[c] == 'r' ? "---:" : T->align[c] == 'c' ? ":---:" : ":---");
    buf_printf(b, "|\n");
    for (int r = 0; r < T->nrows; r++) {
        for (int c = 0; c < T->ncols; c++) {
            const char *s = table_at(T, r, c);
            int bold = T->bold[(size_t)r * T->ncols + c] && *s;
            buf_printf(b, "| %s", bold ? "**" : "");
            md_text(b, s);
            buf_printf(b, "%s ", bold ? "**" : "");
        }
        buf_printf(b, "|\n");
    }
}

static void table_files(Report *R, const Table *T) {
    Buf *md = out_add(R, "tables/%s.md", T->name);
    banner(R, md, "<!--", " -->");
    buf_printf(md, "\nTable: ");
    md_text(md, T->caption);
    buf_printf(md, "\n\n");
    table_md(T, md);
    Buf *tex = out_add(R, "tables/%s.tex", T->name);
    banner(R, tex, "%", "");
    buf_printf(tex, "%% needs \\usepackage{booktabs}\n\\begin{table}[htbp]\n\\centering\n\\small\n"
                    "\\caption{");
    tex_text(tex, T->caption);
    buf_printf(tex, "}\n\\label{tab:%s}\n\\begin{tabular}{%s}\n\\toprule\n", T->name, T->align);
    for (int c = 0; c < T->ncols; c++) {
        if (c) buf_printf(tex, " & ");
        tex_text(tex, T->head[c]);
    }
    buf_printf(tex, " \\\\\n\\midrule\n");
    for (int r = 0; r < T->nrows; r++) {
        if (T->rule[r]) buf_printf(tex, "\\midrule\n");
        for (int c = 0; c < T->ncols; c++) {
            const char *s = table_at(T, r, c);
            int bold = T->bold[(size_t)r * T->ncols + c] && *s;
            buf_printf(tex, "%s%s", c ? " & " : "", bold ? "\\textbf{" : "");
            tex_text(tex, s);
            buf_printf(tex, "%s", bold ? "}" : "");
        }
        buf_printf(tex, " \\\\\n");
    }
    buf_printf(tex, "\\bottomrule\n\\end{tabular}\n\\end{table}\n");
}

/* md_table: a table inside report.md, numbered, with links to its files */
static void md_table(Report *R, Buf *md, Table *T) {
    table_files(R, T);
    T->num = ++R->ntab_md;
    buf_printf(md, "**Table %d.** ", T->num);
    md_text(md, T->caption);
    buf_printf(md, " ([Markdown](tables/%s.md), [LaTeX](tables/%s.tex))\n\n", T->name, T->name);
    table_md(T, md);
    buf_printf(md, "\n");
}

/* ---- numbers ---- */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

/* quantile of the type 7 over x (sorted in place); +inf values sort last and give +inf
 * wherever they take part in the interpolation */
static double quant(double *x, int n, double q) {
    if (n == 0) return NAN;
    qsort(x, (size_t)n, sizeof *x, cmp_double);
    double h = (n - 1) * q;
    int lo = (int)floor(h);
    double f = h - lo;
    if (lo + 1 >= n || f == 0) return x[lo];
    if (isinf(x[lo]) || isinf(x[lo + 1])) return INFINITY;
    return x[lo] + (x[lo + 1] - x[lo]) * f;
}

static const char *measure_text(const char *m) {
    if (strcmp(m, "train_loss") == 0) return "the training objective (the paper's measure)";
    if (strcmp(m, "val_loss") == 0) return "the validation loss";
    if (strcmp(m, "metric") == 0) return "each task's metric";
    if (strcmp(m, "auc") == 0)
        return "the mean validation loss over the evaluations (area under the curve)";
    if (strcmp(m, "steps_to_target") == 0)
        return "the steps to reach a target validation loss (the median best of the baselines)";
    if (strcmp(m, "seconds_to_target") == 0)
        return "the seconds to reach a target validation loss (the median best of the baselines)";
    return m;
}

static int measure_staged(const char *m) {
    return strcmp(m, "train_loss") == 0 || strcmp(m, "val_loss") == 0 || strcmp(m, "metric") == 0;
}

static void tau_text(const Report *R, char *out, size_t n) {
    if (R->relative)
        snprintf(out, n, "τ = %.3g × |L_baseline| (relative)", R->rel_factor);
    else
        snprintf(out, n, "τ = %g (absolute)", R->tau);
}

static void alpha_text(const Report *R, char *out, size_t n) {
    if (R->alpha_known)
        snprintf(out, n, "α = %g", R->alpha);
    else
        snprintf(out, n, "the significance level lrlab compare was given (not the default 0.05)");
}

/* ---- loading ---- */

static int idix_cmp(const void *a, const void *b) {
    return strcmp(((const IdIx *)a)->id, ((const IdIx *)b)->id);
}

static int cell_of(const Report *R, const char *id) {
    IdIx key = {id, 0};
    const IdIx *hit = bsearch(&key, R->ids, (size_t)R->pf.n, sizeof *R->ids, idix_cmp);
    return hit ? hit->i : -1;
}

static int load_plan_runs(Report *R, Err *e) {
    if (planfile_read(R->dir, &R->pf, e) != 0) return -1;
    const PlanFile *pf = &R->pf;
    if (pf->n == 0)
        return err_set(e, EXIT_USAGE, R->dir,
                       "plan.csv: no cells (expected the plan of an experiment)");
    R->cells = xcalloc((size_t)pf->n, sizeof(Result));
    R->ids = xcalloc((size_t)pf->n, sizeof(IdIx));
    R->seeds = xcalloc((size_t)pf->n, sizeof(long long));
    for (int i = 0; i < pf->n; i++) {
        const PlanRow *p = &pf->rows[i];
        Result *c = &R->cells[i];
        c->p = p;
        c->t = intern(&R->tasks, p->task);
        c->o = intern(&R->optims, p->optim);
        c->s = intern(&R->scheds, p->sched);
        c->val = c->metric = NAN;
        int d = 0;
        while (d < R->nseeds && R->seeds[d] != p->seed)
            d++;
        if (d == R->nseeds) R->seeds[R->nseeds++] = p->seed;
        R->ids[i] = (IdIx){p->id, i};
    }
    qsort(R->ids, (size_t)pf->n, sizeof *R->ids, idix_cmp);
    for (int i = 1; i < pf->n; i++)
        if (strcmp(R->ids[i - 1].id, R->ids[i].id) == 0)
            return err_set(e, EXIT_USAGE, R->dir,
                           "plan.csv: cell %s appears twice (expected one "
                           "row per cell)",
                           R->ids[i].id);
    R->metric = xcalloc((size_t)R->tasks.n, sizeof *R->metric);
    Tab T;
    if (tab_load(R->dir, "runs.csv", run_cols, &T, e) != 0) return -1;
    static const int nums[] = {RU_STAGE, RU_VAL, RU_METRIC, -1};
    if (tab_nums(&T, run_cols, nums, e) != 0) {
        csvio_free(&T.t);
        return -1;
    }
    for (int r = 0; r < T.t.nrows; r++) {
        int i = cell_of(R, at(&T, r, RU_CELL));
        if (i < 0) {
            err_set(e, EXIT_USAGE, T.path,
                    "line %d: cell %s is not in plan.csv (expected the "
                    "results of one plan)",
                    r + 2, at(&T, r, RU_CELL));
            csvio_free(&T.t);
            return -1;
        }
        Result *c = &R->cells[i];
        if (!R->metric[c->t][0])
            snprintf(R->metric[c->t], sizeof R->metric[c->t], "%s", at(&T, r, RU_MNAME));
        if (num(&T, r, RU_STAGE) != 100) continue;
        const char *st = at(&T, r, RU_STATUS);
        c->done = 1;
        c->status = strcmp(st, "ok") == 0 ? 0 : strcmp(st, "diverged") == 0 ? 1 : 2;
        c->val = num(&T, r, RU_VAL);
        c->metric = num(&T, r, RU_METRIC);
    }
    csvio_free(&T.t);
    for (int i = 0; i < pf->n; i++) {
        R->ndone += R->cells[i].done;
        R->ndiv += R->cells[i].done && R->cells[i].status == 1;
        R->nfail += R->cells[i].done && R->cells[i].status == 2;
    }
    if (R->ndone == 0)
        return err_set(e, EXIT_USAGE, R->dir,
                       "runs.csv: no finished cells (expected results of "
                       "lrlab run)");
    return 0;
}

static int load_compare(Report *R, Err *e) {
    static const char *const files[] = {"comparisons.csv", "tests.csv", "verdict.csv",
                                        "profiles.csv", "ranks.csv"};
    int missing = 0;
    for (int i = 0; i < 5; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", R->dir, files[i]);
        missing |= !fs_exists(p);
    }
    if (missing) {
        printf("report: %s has no complete comparison yet: running lrlab compare %s with its "
               "defaults\n",
               R->src, R->src);
        CompareOpts o = {.dir = R->dir,
                         .reference = "greedy",
                         .tau = 0.1,
                         .alpha = 0.05,
                         .claim = 0.9,
                         .measure = "train_loss",
                         .brief = 1};
        fflush(stdout);
        int rc = compare_main(&o);
        fflush(stdout);
        if (rc != EXIT_OK) {
            e->code = rc;
            e->msg[0] = e->hint[0] = '\0';
            return -1;
        }
    }
    if (tab_load(R->dir, "comparisons.csv", cmp_cols, &R->cmp, e) != 0) return -1;
    if (tab_load(R->dir, "tests.csv", test_cols, &R->tests, e) != 0) return -1;
    if (tab_load(R->dir, "verdict.csv", ver_cols, &R->ver, e) != 0) return -1;
    if (tab_load(R->dir, "profiles.csv", prof_cols, &R->prof, e) != 0) return -1;
    if (tab_load(R->dir, "ranks.csv", rank_cols, &R->ranks, e) != 0) return -1;
    static const int ncmp[] = {CM_STAGE, CM_REFV, CM_BASEV, CM_DELTA, -1};
    static const int ntest[] = {TS_STAGE, TS_MED, TS_TAU, TS_HOLM, -1};
    static const int nver[] = {VR_PRIMARY, VR_UNITS, VR_WINS,  VR_TIES,      VR_LOSSES, VR_FRAC,
                               VR_LO,      VR_HI,    VR_CLAIM, VR_DECIDABLE, VR_PAPER,  -1};
    static const int nprof[] = {PF_TAU, PF_FRAC, -1};
    static const int nrank[] = {RK_MEAN, RK_PROBLEMS, -1};
    if (tab_nums(&R->cmp, cmp_cols, ncmp, e) || tab_nums(&R->tests, test_cols, ntest, e) ||
        tab_nums(&R->ver, ver_cols, nver, e) || tab_nums(&R->prof, prof_cols, nprof, e) ||
        tab_nums(&R->ranks, rank_cols, nrank, e))
        return -1;
    for (int r = 0; r < R->cmp.t.nrows; r++) {
        int k = 0;
        while (k < STATS_NCATEGORY && strcmp(at(&R->cmp, r, CM_CAT), cat_names[k]) != 0)
            k++;
        if (k == STATS_NCATEGORY)
            return err_set(e, EXIT_USAGE, R->cmp.path,
                           "line %d: category: invalid value "
                           "(expected yes, yes*, no* or no, got \"%.20s\")",
                           r + 2, at(&R->cmp, r, CM_CAT));
        if (find(&R->scheds, at(&R->cmp, r, CM_BASE)) < 0 ||
            find(&R->tasks, at(&R->cmp, r, CM_TASK)) < 0 ||
            find(&R->optims, at(&R->cmp, r, CM_OPTIM)) < 0)
            return err_set(e, EXIT_USAGE, R->cmp.path,
                           "line %d: %s %s %s is not in plan.csv "
                           "(expected the comparison of these results; run lrlab compare again)",
                           r + 2, at(&R->cmp, r, CM_TASK), at(&R->cmp, r, CM_OPTIM),
                           at(&R->cmp, r, CM_BASE));
    }
    /* the primary measure and the claim */
    R->vrow = -1;
    for (int r = 0; r < R->ver.t.nrows; r++)
        if (num(&R->ver, r, VR_PRIMARY) == 1) R->vrow = r;
    if (R->vrow < 0)
        return err_set(e, EXIT_USAGE, R->ver.path,
                       "no primary measure (expected a row with "
                       "primary 1; run lrlab compare again)");
    snprintf(R->measure, sizeof R->measure, "%s", at(&R->ver, R->vrow, VR_MEASURE));
    R->claim = num(&R->ver, R->vrow, VR_CLAIM);
    /* the reference: the one scheduler that is never a baseline (verdict.csv may name it) */
    int cref = csvio_col(&R->ver.t, "reference");
    R->ref = cref >= 0 ? find(&R->scheds, csvio_at(&R->ver.t, R->vrow, cref)) : -1;
    if (R->ref < 0) {
        int n = 0;
        for (int s = 0; s < R->scheds.n; s++) {
            int base = 0;
            for (int r = 0; r < R->cmp.t.nrows && !base; r++)
                base = strcmp(at(&R->cmp, r, CM_BASE), R->scheds.v[s]) == 0;
            if (!base && (n++ == 0 || strcmp(R->scheds.v[s], "greedy") == 0)) R->ref = s;
        }
        if (n == 0 || R->cmp.t.nrows == 0)
            return err_set(e, EXIT_USAGE, R->cmp.path,
                           "cannot tell the reference scheduler "
                           "(expected comparisons of one scheduler with the others)");
    }
    return 0;
}

/* The options compare ran with are not all in its files. tau: from tests.csv, where an
 * absolute tolerance is the same for every unit and a relative one differs (with a single
 * unit, the paper categories of comparisons.csv decide); the relative factor is a unit's tau
 * over the median of its finite baseline values. alpha: 0.05 when the decisions of tests.csv
 * agree with it. verdict.csv columns "tie" and "alpha", when a later compare writes them, take
 * precedence. */
static void infer_options(Report *R) {
    const Tab *T = &R->tests;
    int first = -1, same = 1, units = 0;
    for (int r = 0; r < T->t.nrows; r++) {
        if (strcmp(at(T, r, TS_MEASURE), R->measure) != 0) continue;
        units++;
        if (first < 0)
            first = r;
        else if (num(T, r, TS_TAU) != num(T, first, TS_TAU))
            same = 0;
    }
    R->tau = first >= 0 ? num(T, first, TS_TAU) : 0.1;
    int abs_ok = 1;
    for (int r = 0; units == 1 && abs_ok && r < R->cmp.t.nrows; r++) {
        StatsCategory c =
            stats_paper_category(num(&R->cmp, r, CM_REFV), num(&R->cmp, r, CM_BASEV), R->tau);
        abs_ok = strcmp(cat_names[c], at(&R->cmp, r, CM_CAT)) == 0;
    }
    R->relative = !same || !abs_ok;
    if (R->relative && first >= 0) {
        /* the unit's tau over the median of its finite baseline values */
        double *v = xcalloc((size_t)R->cmp.t.nrows + 1, sizeof(double));
        for (int r = 0; r < T->t.nrows && R->rel_factor == 0; r++) {
            if (strcmp(at(T, r, TS_MEASURE), R->measure) != 0 || !(num(T, r, TS_TAU) > 0)) continue;
            int n = 0;
            for (int k = 0; k < R->cmp.t.nrows; k++)
                if (num(&R->cmp, k, CM_STAGE) == num(T, r, TS_STAGE) &&
                    strcmp(at(&R->cmp, k, CM_TASK), at(T, r, TS_TASK)) == 0 &&
                    strcmp(at(&R->cmp, k, CM_OPTIM), at(T, r, TS_OPTIM)) == 0 &&
                    strcmp(at(&R->cmp, k, CM_BASE), at(T, r, TS_BASE)) == 0 &&
                    isfinite(num(&R->cmp, k, CM_BASEV)))
                    v[n++] = num(&R->cmp, k, CM_BASEV);
            double m = n ? quant(v, n, 0.5) : 0;
            if (m != 0 && isfinite(m)) R->rel_factor = num(T, r, TS_TAU) / fabs(m);
        }
        free(v);
    }
    R->alpha = 0.05;
    R->alpha_known = 1;
    for (int r = 0; r < T->t.nrows; r++) {
        if (strcmp(at(T, r, TS_MEASURE), R->measure) != 0) continue;
        double med = num(T, r, TS_MED), tau = num(T, r, TS_TAU);
        int sig = num(T, r, TS_HOLM) < R->alpha;
        const char *d = sig && med > tau ? "win" : sig && med < -tau ? "loss" : "tie";
        if (strcmp(d, at(T, r, TS_DEC)) != 0) R->alpha_known = 0;
    }
    int ca = csvio_col(&R->ver.t, "alpha"), ct = csvio_col(&R->ver.t, "tie");
    double x;
    if (ca >= 0 && csvio_parse_num(csvio_at(&R->ver.t, R->vrow, ca), &x) == 0) {
        R->alpha = x;
        R->alpha_known = 1;
    }
    const char *tie = ct >= 0 ? csvio_at(&R->ver.t, R->vrow, ct) : "";
    if ((strncmp(tie, "abs:", 4) == 0 || strncmp(tie, "rel:", 4) == 0) &&
        csvio_parse_num(tie + 4, &x) == 0) {
        R->relative = tie[0] == 'r';
        if (R->relative)
            R->rel_factor = x;
        else
            R->tau = x;
    }
}

static int load_tuning(Report *R, Err *e) {
    char p[4200];
    snprintf(p, sizeof p, "%s/tuning.csv", R->dir);
    if (!fs_exists(p)) return 0;
    if (tab_load(R->dir, "tuning.csv", tune_cols, &R->tune, e) != 0) return -1;
    static const int nums[] = {TU_LR, TU_VAL, TU_CHOSEN, -1};
    if (tab_nums(&R->tune, tune_cols, nums, e) != 0) return -1;
    R->have_tune = 1;
    return 0;
}

static int read_cell_file(const Report *R, const char *sub, const Result *c,
                          const char *const *cols, CsvTable *t, Err *e) {
    char p[4200];
    snprintf(p, sizeof p, "%s/%s/%s.csv", R->dir, sub, c->p->id);
    if (csvio_read(p, cols, t, e) != 0) return -1;
    for (int r = 0; r < t->nrows; r++)
        for (int k = 0; k < t->ncols; k++) {
            double x;
            if (csvio_parse_num(csvio_at(t, r, k), &x) != 0) {
                err_set(e, EXIT_USAGE, p,
                        "line %d: %s: not a number (expected a number, got "
                        "\"%.30s\")",
                        r + 2, cols[k], csvio_at(t, r, k));
                csvio_free(t);
                return -1;
            }
        }
    return 0;
}

/* evals.csv: the evaluations of every cell, each cell's rows together (as merge writes them) */
static int load_evals(Report *R, Err *e) {
    Tab *T = &R->evals;
    if (tab_load(R->dir, "evals.csv", eval_cols, T, e) != 0) return -1;
    static const int nums[] = {EV_STEP, EV_TRAIN, EV_VAL, EV_METRIC, EV_LR, -1};
    if (tab_nums(T, eval_cols, nums, e) != 0) return -1;
    R->ev_first = xcalloc((size_t)R->pf.n + 1, sizeof(int));
    R->ev_n = xcalloc((size_t)R->pf.n + 1, sizeof(int));
    int prev = -1;
    for (int r = 0; r < T->t.nrows; r++) {
        int i = cell_of(R, at(T, r, EV_CELL));
        if (i < 0)
            return err_set(e, EXIT_USAGE, T->path,
                           "line %d: cell: not in plan.csv (expected a cell of the plan, got "
                           "\"%.30s\")", r + 2, at(T, r, EV_CELL));
        if (i != prev && R->ev_n[i] > 0)
            return err_set(e, EXIT_USAGE, T->path,
                           "line %d: cell %s: rows apart (expected each cell's rows together, "
                           "got a second block)", r + 2, at(T, r, EV_CELL));
        if (R->ev_n[i]++ == 0) R->ev_first[i] = r;
        prev = i;
    }
    /* timing.csv is optional: without it the figures against seconds are left out */
    R->secs = xcalloc((size_t)R->pf.n + 1, sizeof(double));
    for (int i = 0; i < R->pf.n; i++)
        R->secs[i] = NAN;
    char path[4200];
    snprintf(path, sizeof path, "%s/timing.csv", R->dir);
    CsvTable tt;
    Err ignored;
    if (fs_exists(path) && csvio_read(path, NULL, &tt, &ignored) == 0) {
        for (int r = 0; r < tt.nrows && tt.ncols >= 2; r++) {
            int i = cell_of(R, csvio_at(&tt, r, 0));
            double x;
            if (i >= 0 && csvio_parse_num(csvio_at(&tt, r, 1), &x) == 0 && x > 0) R->secs[i] = x;
        }
        csvio_free(&tt);
    }
    return 0;
}

/* the first seed's learning rates of each task: their positive range and length */
static int load_lr_ranges(Report *R, Err *e) {
    R->lr_lo = xcalloc((size_t)R->tasks.n, sizeof(double));
    R->lr_hi = xcalloc((size_t)R->tasks.n, sizeof(double));
    R->lr_steps = xcalloc((size_t)R->tasks.n, sizeof(long long));
    for (int t = 0; t < R->tasks.n; t++)
        R->lr_lo[t] = INFINITY, R->lr_hi[t] = 0;
    for (int i = 0; i < R->pf.n; i++) {
        const Result *c = &R->cells[i];
        if (!c->done || c->p->seed != R->seeds[0]) continue;
        CsvTable t;
        if (read_cell_file(R, "curves", c, curve_cols, &t, e) != 0) return -1;
        for (int r = 0; r < t.nrows; r++) {
            double lr;
            csvio_parse_num(csvio_at(&t, r, 1), &lr);
            if (lr > 0 && isfinite(lr)) {
                if (lr < R->lr_lo[c->t]) R->lr_lo[c->t] = lr;
                if (lr > R->lr_hi[c->t]) R->lr_hi[c->t] = lr;
            }
        }
        if (t.nrows > R->lr_steps[c->t]) R->lr_steps[c->t] = t.nrows;
        csvio_free(&t);
    }
    return 0;
}

/* ---- paper counting ---- */

typedef struct Count {
    int n[STATS_NCATEGORY];
} Count;

static int cat_index(const char *s) {
    for (int k = 0; k < STATS_NCATEGORY; k++)
        if (strcmp(s, cat_names[k]) == 0) return k;
    return STATS_NO;
}

/* counts of the comparisons whose column col equals name (col < 0: all) */
static Count count_by(const Report *R, int col, const char *name) {
    Count c = {{0}};
    for (int r = 0; r < R->cmp.t.nrows; r++)
        if (col < 0 || strcmp(at(&R->cmp, r, col), name) == 0)
            c.n[cat_index(at(&R->cmp, r, CM_CAT))]++;
    return c;
}

static int count_total(const Count *c) {
    return c->n[0] + c->n[1] + c->n[2] + c->n[3];
}

static void count_row(Table *T, const char *group, const char *name, const Count *c, int rule) {
    int N = count_total(c);
    if (N == 0) return;
    double pct[STATS_NPCT];
    stats_paper_percentages(c->n, pct);
    int r = table_row(T, rule);
    table_set(T, r, 0, "%s", rule ? group : "");
    table_set(T, r, 1, "%s", name);
    table_set(T, r, 2, "%d", N);
    for (int k = 0; k < STATS_NCATEGORY; k++)
        table_set(T, r, 3 + k, "%d", c->n[k]);
    for (int k = 0; k < STATS_NPCT; k++)
        table_set(T, r, 7 + k, "%.2f", pct[k]);
}

static Table *table_paper(Report *R, Count *all) {
    static const char *const head[] = {
        "by",         "",          "N",       "yes",
        "yes*",       "no*",       "no",      "as good or better (%)",
        "better (%)", "worse (%)", "tie (%)", "clearly better (%)"};
    Table *T = table_new(R, "paper_counting", "llrrrrrrrrrr", head);
    char tau[128];
    tau_text(R, tau, sizeof tau);
    snprintf(T->caption, sizeof T->caption,
             "The paper's counting: %s against each baseline on %s, every seed a datapoint, "
             "Δ = L_baseline − L_%s, %s; yes Δ ≥ τ, yes* 0 < Δ < τ, no* −τ < Δ ≤ 0, no Δ ≤ −τ; "
             "as good or better = yes + yes* + no*. Diverged or failed runs count as worse than "
             "any finite result.",
             R->scheds.v[R->ref], R->measure, R->scheds.v[R->ref], tau);
    for (int s = 0, first = 1; s < R->scheds.n; s++) {
        if (s == R->ref) continue;
        Count c = count_by(R, CM_BASE, R->scheds.v[s]);
        if (count_total(&c)) count_row(T, "baseline", R->scheds.v[s], &c, first), first = 0;
    }
    for (int g = 0, first = 1; g < NSTAGE; g++) {
        char st[16], name[32];
        snprintf(st, sizeof st, "%d", stage_pct[g]);
        snprintf(name, sizeof name, "%d%% of steps", stage_pct[g]);
        Count c = count_by(R, CM_STAGE, st);
        if (count_total(&c)) count_row(T, "stage", name, &c, first), first = 0;
    }
    for (int t = 0, first = 1; t < R->tasks.n; t++) {
        Count c = count_by(R, CM_TASK, R->tasks.v[t]);
        if (count_total(&c)) count_row(T, "task", R->tasks.v[t], &c, first), first = 0;
    }
    for (int o = 0, first = 1; o < R->optims.n; o++) {
        Count c = count_by(R, CM_OPTIM, R->optims.v[o]);
        if (count_total(&c)) count_row(T, "optimizer", R->optims.v[o], &c, first), first = 0;
    }
    *all = count_by(R, -1, NULL);
    count_row(T, "overall", "all", all, 1);
    return T;
}

/* ---- statistics ---- */

typedef struct Wtl {
    int w, t, l;
} Wtl;

/* wins, ties and losses of the primary measure's tests matching (task, optimizer, baseline);
 * NULL matches any */
static Wtl wtl_of(const Report *R, const char *task, const char *optim, const char *base) {
    Wtl x = {0, 0, 0};
    const Tab *T = &R->tests;
    for (int r = 0; r < T->t.nrows; r++) {
        if (strcmp(at(T, r, TS_MEASURE), R->measure) != 0) continue;
        if ((task && strcmp(at(T, r, TS_TASK), task)) ||
            (optim && strcmp(at(T, r, TS_OPTIM), optim)) ||
            (base && strcmp(at(T, r, TS_BASE), base)))
            continue;
        const char *d = at(T, r, TS_DEC);
        if (strcmp(d, "win") == 0)
            x.w++;
        else if (strcmp(d, "loss") == 0)
            x.l++;
        else
            x.t++;
    }
    return x;
}

static void wtl_cells(Table *T, int r, int c0, Wtl x) {
    int n = x.w + x.t + x.l;
    table_set(T, r, c0, "%d", n);
    table_set(T, r, c0 + 1, "%d", x.w);
    table_set(T, r, c0 + 2, "%d", x.t);
    table_set(T, r, c0 + 3, "%d", x.l);
    if (n) table_set(T, r, c0 + 4, "%.1f", 100.0 * (x.w + x.t) / n);
}

static void verdict_cells(const Report *R, Table *T, int r, int c0, int vr) {
    const Tab *V = &R->ver;
    table_set(T, r, c0, "%.1f", 100 * num(V, vr, VR_FRAC));
    table_set(T, r, c0 + 1, "%.1f–%.1f", 100 * num(V, vr, VR_LO), 100 * num(V, vr, VR_HI));
    table_set(T, r, c0 + 2, "%s", at(V, vr, VR_VERDICT));
}

static Table *table_stats(Report *R) {
    static const char *const head[] = {"baseline",   "comparisons", "wins",
                                       "ties",       "losses",      "as good or better (%)",
                                       "95% CI (%)", "verdict"};
    Table *T = table_new(R, "statistics", "lrrrrrrl", head);
    char tau[128], alpha[160];
    tau_text(R, tau, sizeof tau);
    alpha_text(R, alpha, sizeof alpha);
    snprintf(T->caption, sizeof T->caption,
             "%s against each baseline on %s: one comparison per task, optimizer%s, paired over "
             "the seeds by a Wilcoxon signed-rank test with Holm's correction within each task "
             "and optimizer (%s); a win or a loss needs the adjusted p-value below α and the "
             "median Δ beyond %s, otherwise a tie. The interval is a percentile bootstrap over "
             "comparisons; the verdict tests \"as good or better more than %g%% of the time\".",
             R->scheds.v[R->ref], R->measure, measure_staged(R->measure) ? " and stage" : "", alpha,
             tau, 100 * R->claim);
    for (int s = 0; s < R->scheds.n; s++) {
        if (s == R->ref) continue;
        Wtl x = wtl_of(R, NULL, NULL, R->scheds.v[s]);
        if (x.w + x.t + x.l == 0) continue;
        int r = table_row(T, 0);
        table_set(T, r, 0, "%s", R->scheds.v[s]);
        wtl_cells(T, r, 1, x);
    }
    int r = table_row(T, 1);
    const Tab *V = &R->ver;
    table_set(T, r, 0, "all baselines");
    table_set(T, r, 1, "%.0f", num(V, R->vrow, VR_UNITS));
    table_set(T, r, 2, "%.0f", num(V, R->vrow, VR_WINS));
    table_set(T, r, 3, "%.0f", num(V, R->vrow, VR_TIES));
    table_set(T, r, 4, "%.0f", num(V, R->vrow, VR_LOSSES));
    verdict_cells(R, T, r, 5, R->vrow);
    for (int c = 0; c < T->ncols; c++)
        T->bold[(size_t)r * T->ncols + c] = 1;
    return T;
}

static Table *table_verdicts(Report *R) {
    static const char *const head[] = {"measure", "comparisons",           "wins",       "ties",
                                       "losses",  "as good or better (%)", "95% CI (%)", "verdict"};
    Table *T = table_new(R, "verdicts", "lrrrrrrl", head);
    snprintf(T->caption, sizeof T->caption,
             "The verdict on every measure compare computes (the primary measure, %s, is the "
             "claim under test; the others are secondary and share its tests, tolerance and "
             "interval method).",
             R->measure);
    const Tab *V = &R->ver;
    for (int v = 0; v < V->t.nrows; v++) {
        int r = table_row(T, 0);
        table_set(T, r, 0, "%s%s", at(V, v, VR_MEASURE), v == R->vrow ? " (primary)" : "");
        table_set(T, r, 1, "%.0f", num(V, v, VR_UNITS));
        table_set(T, r, 2, "%.0f", num(V, v, VR_WINS));
        table_set(T, r, 3, "%.0f", num(V, v, VR_TIES));
        table_set(T, r, 4, "%.0f", num(V, v, VR_LOSSES));
        verdict_cells(R, T, r, 5, v);
    }
    return T;
}

static Table *table_outcomes(Report *R) {
    const char **head = xcalloc((size_t)R->optims.n + 2, sizeof(char *));
    char align[48] = "l";
    head[0] = "task";
    int no = R->optims.n < 40 ? R->optims.n : 40;
    for (int o = 0; o < no; o++)
        head[1 + o] = R->optims.v[o], strcat(align, "r");
    head[1 + no] = "all";
    strcat(align, "r");
    Table *T = table_new(R, "outcomes", align, head);
    free(head);
    snprintf(T->caption, sizeof T->caption,
             "Wins/ties/losses of %s on %s by task and optimizer, over all baselines%s (the "
             "comparisons of the statistical table).",
             R->scheds.v[R->ref], R->measure, measure_staged(R->measure) ? " and stages" : "");
    for (int t = 0; t <= R->tasks.n; t++) {
        int r = table_row(T, t == R->tasks.n);
        const char *task = t < R->tasks.n ? R->tasks.v[t] : NULL;
        table_set(T, r, 0, "%s", task ? task : "all");
        for (int o = 0; o <= no; o++) {
            Wtl x = wtl_of(R, task, o < no ? R->optims.v[o] : NULL, NULL);
            if (x.w + x.t + x.l) table_set(T, r, 1 + o, "%d/%d/%d", x.w, x.t, x.l);
            if (x.l) T->bold[(size_t)r * T->ncols + 1 + o] = 1;
        }
    }
    return T;
}

/* ---- ranks and profiles ---- */

static double profile_at(const Report *R, const char *sched, double tau) {
    for (int r = 0; r < R->prof.t.nrows; r++)
        if (strcmp(at(&R->prof, r, PF_MEASURE), R->measure) == 0 &&
            strcmp(at(&R->prof, r, PF_SCHED), sched) == 0 &&
            fabs(num(&R->prof, r, PF_TAU) - tau) < 1e-9)
            return num(&R->prof, r, PF_FRAC);
    return NAN;
}

static Table *table_ranks(Report *R) {
    static const char *const head[] = {"scheduler", "mean rank", "best (ρ(1), %)",
                                       "within 10% of the best (ρ(1.1), %)", "problems"};
    Table *T = table_new(R, "ranks", "lrrrr", head);
    snprintf(T->caption, sizeof T->caption,
             "Mean rank of each scheduler on the final %s over the problems (task, optimizer, "
             "seed; 1 = best), and the performance profile ρ(τ) (Dolan and Moré): the share of "
             "problems on which the scheduler is within a factor τ of the best.",
             R->measure);
    int n = R->ranks.t.nrows, *ord = xcalloc((size_t)n + 1, sizeof(int)), k = 0;
    for (int r = 0; r < n; r++)
        if (strcmp(at(&R->ranks, r, RK_MEASURE), R->measure) == 0) ord[k++] = r;
    for (int i = 1; i < k; i++) /* insertion sort by mean rank, stable */
        for (int j = i;
             j > 0 && num(&R->ranks, ord[j], RK_MEAN) < num(&R->ranks, ord[j - 1], RK_MEAN); j--) {
            int x = ord[j];
            ord[j] = ord[j - 1];
            ord[j - 1] = x;
        }
    for (int i = 0; i < k; i++) {
        int r = table_row(T, 0), q = ord[i];
        const char *s = at(&R->ranks, q, RK_SCHED);
        double p1 = profile_at(R, s, 1), p11 = profile_at(R, s, 1.1);
        table_set(T, r, 0, "%s", s);
        table_set(T, r, 1, "%.2f", num(&R->ranks, q, RK_MEAN));
        if (!isnan(p1)) table_set(T, r, 2, "%.1f", 100 * p1);
        if (!isnan(p11)) table_set(T, r, 3, "%.1f", 100 * p11);
        table_set(T, r, 4, "%.0f", num(&R->ranks, q, RK_PROBLEMS));
        if (strcmp(s, R->scheds.v[R->ref]) == 0) T->bold[(size_t)r * T->ncols] = 1;
    }
    free(ord);
    return T;
}

/* ---- per-task summary ---- */

/* the order of schedulers in tables and legends: the reference first, then plan order */
static int sched_at(const Report *R, int k) {
    if (k == 0) return R->ref;
    return k <= R->ref ? k - 1 : k;
}

static Table *table_summary(Report *R, int t) {
    const char **head = xcalloc((size_t)R->optims.n + 2, sizeof(char *));
    char align[48] = "l", stem[200], name[256];
    head[0] = "scheduler";
    int no = R->optims.n < 40 ? R->optims.n : 40;
    for (int o = 0; o < no; o++)
        head[1 + o] = R->optims.v[o], strcat(align, "r");
    stem_of(stem, sizeof stem, R->tasks.v[t]);
    snprintf(name, sizeof name, "summary__%s", stem);
    Table *T = table_new(R, name, align, head);
    free(head);
    int metric_max = 0;
    long long steps = 0;
    for (int i = 0; i < R->pf.n; i++)
        if (R->cells[i].t == t)
            metric_max = R->cells[i].p->metric_max, steps = R->cells[i].p->steps;
    snprintf(T->caption, sizeof T->caption,
             "%s (%lld steps): median over seeds (interquartile range) of the final validation "
             "loss and of the metric %s (%s is better), per scheduler and optimizer; the best "
             "median of each column in bold; † some seeds diverged or failed (counted as the "
             "worst value); \"diverged k/n\" when more than half of them did.",
             R->tasks.v[t], steps, R->metric[t][0] ? R->metric[t] : "metric",
             metric_max ? "higher" : "lower");
    double *v = xcalloc((size_t)R->nseeds + 1, sizeof(double));
    for (int block = 0; block < 2; block++) {
        int r0 = table_row(T, 1);
        table_set(T, r0, 0, "%s",
                  block == 0        ? "validation loss"
                  : R->metric[t][0] ? R->metric[t]
                                    : "metric");
        T->bold[(size_t)r0 * T->ncols] = 1;
        for (int o = 0; o < no; o++) {
            double best = INFINITY;
            int best_row = -1;
            for (int k = 0; k < R->scheds.n; k++) {
                int s = sched_at(R, k), n = 0, bad = 0;
                for (int i = 0; i < R->pf.n; i++) {
                    const Result *c = &R->cells[i];
                    if (c->t != t || c->o != o || c->s != s || !c->done) continue;
                    double x = block == 0 ? c->val : c->metric;
                    if (block == 1 && metric_max) x = -x; /* lower is better from here */
                    if (c->status != 0 || !isfinite(x)) x = INFINITY, bad++;
                    v[n++] = x;
                }
                int r = r0 + 1 + k;
                while (T->nrows <= r)
                    table_row(T, 0);
                table_set(T, r, 0, "%s", R->scheds.v[s]);
                if (n == 0) continue;
                double med = quant(v, n, 0.5), q1 = quant(v, n, 0.25), q3 = quant(v, n, 0.75);
                double sign = block == 1 && metric_max ? -1 : 1;
                if (isinf(med))
                    table_set(T, r, 1 + o, "diverged %d/%d", bad, n);
                else if (isinf(q3))
                    table_set(T, r, 1 + o, "%.4g (—)%s", sign * med, bad ? "†" : "");
                else
                    table_set(T, r, 1 + o, "%.4g (%.2g)%s", sign * med, q3 - q1, bad ? "†" : "");
                if (med < best) best = med, best_row = r;
            }
            if (best_row >= 0) T->bold[(size_t)best_row * T->ncols + 1 + o] = 1;
        }
    }
    free(v);
    return T;
}

static Table *table_tuning(Report *R) {
    const char **head = xcalloc((size_t)R->scheds.n + 3, sizeof(char *));
    char align[64] = "llr";
    head[0] = "task", head[1] = "optimizer", head[2] = "grid size";
    int ns = R->scheds.n < 40 ? R->scheds.n : 40;
    for (int k = 0; k < ns; k++)
        head[3 + k] = R->scheds.v[sched_at(R, k)], strcat(align, "r");
    Table *T = table_new(R, "tuning", align, head);
    free(head);
    snprintf(T->caption, sizeof T->caption,
             "The learning rate chosen for each task, optimizer and scheduler by the tuning "
             "stage: the lowest final validation loss on the tuning seed over the optimizer's "
             "grid (tuning.csv).");
    const Tab *U = &R->tune;
    for (int t = 0; t < R->tasks.n; t++)
        for (int o = 0; o < R->optims.n; o++) {
            int r = -1, grid = 0;
            for (int q = 0; q < U->t.nrows; q++) {
                if (strcmp(at(U, q, TU_TASK), R->tasks.v[t]) ||
                    strcmp(at(U, q, TU_OPTIM), R->optims.v[o]))
                    continue;
                if (r < 0) {
                    r = table_row(T, o == 0);
                    table_set(T, r, 0, "%s", o == 0 ? R->tasks.v[t] : "");
                    table_set(T, r, 1, "%s", R->optims.v[o]);
                }
                if (strcmp(at(U, q, TU_SCHED), R->scheds.v[R->ref]) == 0) grid++;
                if (num(U, q, TU_CHOSEN) != 1) continue;
                for (int k = 0; k < ns; k++)
                    if (strcmp(at(U, q, TU_SCHED), R->scheds.v[sched_at(R, k)]) == 0)
                        table_set(T, r, 3 + k, "%g", num(U, q, TU_LR));
            }
            if (r >= 0) table_set(T, r, 2, "%d", grid);
        }
    return T;
}

/* ---- figures ---- */

static void fig_add(Report *R, const char *stem) {
    if (R->nfigs == R->capfigs)
        R->figs = xrealloc(R->figs,
                           sizeof(Fig) * (size_t)(R->capfigs = R->capfigs ? 2 * R->capfigs : 32));
    snprintf(R->figs[R->nfigs++].stem, sizeof R->figs[0].stem, "%s", stem);
}

/* gp_begin: a figure script's head; w x h pixels for the PNG, the same shape for the PDF */
static Buf *gp_begin(Report *R, const char *stem, const char *what, int w, int h) {
    fig_add(R, stem);
    Buf *b = out_add(R, "figures/%s.gp", stem);
    banner(R, b, "#", "");
    buf_printf(b, "# %s\n", what);
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
    buf_printf(b,
               "set output '%s.'.fmt.suffix\nset encoding utf8\nset datafile separator ','\n"
               "set datafile columnheaders\nset grid\n",
               stem);
    return b;
}

static void gp_end(Buf *b, int multiplot) {
    buf_printf(b, "%sset output\n", multiplot ? "unset multiplot\n" : "");
}

/* line style of scheduler s: the reference black and thick, the others by plan order */
static void gp_style(const Report *R, Buf *b, int s) {
    if (s == R->ref) {
        buf_printf(b, "lw 3 lc rgb '#000000' dt 1");
        return;
    }
    int k = s < R->ref ? s : s - 1;
    buf_printf(b, "lw 1.5 lc rgb '%s' dt %d", palette[k % NPALETTE], 1 + (k / NPALETTE) % 4);
}

static const char *sched_color(const Report *R, int s) {
    if (s == R->ref) return "#000000";
    int k = s < R->ref ? s : s - 1;
    return palette[k % NPALETTE];
}

/* panel grid for one panel per optimizer */
static void gp_multiplot(Buf *b, int n, const char *title) {
    int cols = n > 1 ? 2 : 1, rows = (n + cols - 1) / cols;
    buf_printf(b, "set multiplot layout %d,%d margins 0.07,0.80,%.3f,%.3f spacing 0.07,%.3f title ",
               rows, cols, 0.35 / (rows + 1), 1 - 0.3 / (rows + 1), 0.4 / (rows + 1));
    gp_str(b, title);
    buf_printf(b, "\n");
}

/* the legend: beside the panels, once */
static void gp_key(Buf *b, int first) {
    buf_printf(b, "%s\n", first ? "set key at screen 0.82,0.93 left top" : "unset key");
}

/* (a) learning rates against step, first seed, one panel per optimizer */
static void fig_lr(Report *R, int t, Buf *md) {
    char stem[256], base[200], what[512];
    stem_of(base, sizeof base, R->tasks.v[t]);
    snprintf(stem, sizeof stem, "lr__%s", base);
    snprintf(what, sizeof what,
             "learning rate against step on %s, seed %lld, one panel per optimizer", R->tasks.v[t],
             R->seeds[0]);
    int no = R->optims.n;
    Buf *b = gp_begin(R, stem, what, 1100, 90 + 300 * ((no + 1) / 2));
    int logy = R->lr_hi[t] > 0 && R->lr_hi[t] / R->lr_lo[t] > LOG_SPAN;
    long long every =
        R->lr_steps[t] > MAX_LR_POINTS ? (R->lr_steps[t] + MAX_LR_POINTS - 1) / MAX_LR_POINTS : 1;
    char title[512];
    snprintf(title, sizeof title, "learning rate: %s, seed %lld", R->tasks.v[t], R->seeds[0]);
    gp_multiplot(b, no, title);
    buf_printf(b, "set xlabel 'step'\nset ylabel 'learning rate'\n");
    if (logy) /* at most five decades: schedules that decay to 0 leave the axis at its foot */
        buf_printf(b, "set logscale y\nset format y '%%g'\nset yrange [%.6g:%.6g]\n",
                   fmax(R->lr_lo[t], R->lr_hi[t] * 1e-5) / 1.5, R->lr_hi[t] * 1.5);
    for (int o = 0; o < no; o++) {
        buf_printf(b, "set title ");
        gp_str(b, R->optims.v[o]);
        buf_printf(b, "\n");
        gp_key(b, o == 0);
        int first = 1;
        for (int k = 1; k <= R->scheds.n; k++) { /* the reference last: drawn on top */
            int s = sched_at(R, k % R->scheds.n);
            const Result *c = NULL;
            for (int i = 0; i < R->pf.n && !c; i++)
                if (R->cells[i].t == t && R->cells[i].o == o && R->cells[i].s == s &&
                    R->cells[i].p->seed == R->seeds[0] && R->cells[i].done)
                    c = &R->cells[i];
            if (!c) continue;
            buf_printf(b, "%s'%s/curves/%s.csv' every %lld using 1:2 with lines ",
                       first ? "plot " : ", \\\n     ", R->figrel, c->p->id, every);
            gp_style(R, b, s);
            buf_printf(b, " title ");
            gp_str(b, R->scheds.v[s]);
            first = 0;
        }
        buf_printf(b, first ? "plot NaN notitle\n" : "\n");
    }
    gp_end(b, 1);
    buf_printf(md,
               "![learning rate, %s](figures/%s.png)\n\n**Figure %d.** Learning rate against "
               "step on %s (seed %lld), one panel per optimizer: %s (black) against the other "
               "schedulers%s. [PDF](figures/%s.pdf)\n\n",
               R->tasks.v[t], stem, ++R->nfig_md, R->tasks.v[t], R->seeds[0], R->scheds.v[R->ref],
               logy ? "; logarithmic axis of at most five decades" : "", stem);
}

/* (b) validation loss against step: median over seeds and the interquartile range, computed
 * into figures/data/valloss__TASK__OPTIMIZER.csv (step, then median, q25, q75 per scheduler) */
static int fig_val(Report *R, int t, Buf *md, Err *e) {
    char stem[256], base[200], what[512];
    stem_of(base, sizeof base, R->tasks.v[t]);
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
                long long st = (long long)num(E, r, EV_STEP);
                int k = 0;
                while (k < nsteps && steps[k] != st)
                    k++;
                if (k < nsteps) continue;
                if (nsteps == cap)
                    steps = xrealloc(steps, sizeof(long long) * (size_t)(cap = cap ? 2 * cap : 64));
                int p = nsteps++;
                while (p > 0 && steps[p - 1] > st)
                    steps[p] = steps[p - 1], p--;
                steps[p] = st;
            }
        }
        double *val = xcalloc((size_t)nc * (size_t)nsteps + 1, sizeof(double));
        for (int j = 0; j < nc && rc == 0; j++) {
            for (int q = 0; q < nsteps; q++)
                val[(size_t)j * nsteps + q] = INFINITY;
            const int c = cidx[j];
            for (int r = R->ev_first[c]; r < R->ev_first[c] + R->ev_n[c]; r++) {
                double x = num(E, r, EV_STEP), y = num(E, r, EV_VAL);
                int q = 0;
                while (steps[q] != (long long)x)
                    q++;
                val[(size_t)j * nsteps + q] = isfinite(y) && R->cells[c].status != 2 ? y : INFINITY;
            }
        }
        char obase[200];
        stem_of(obase, sizeof obase, R->optims.v[o]);
        snprintf(data[o], sizeof data[o], "data/valloss__%s__%s.csv", base, obase);
        Buf *d = out_add(R, "figures/%s", data[o]);
        banner(R, d, "#", "");
        buf_printf(d,
                   "# validation loss of %s with %s: median, 25%% and 75%% quantiles over "
                   "seeds (a diverged or failed run counts as +inf; nan: undefined)\n",
                   R->tasks.v[t], R->optims.v[o]);
        csvio_field(d, "step", 1);
        for (int k = 0; k < ns; k++) {
            static const char *const what3[] = {"median", "q25", "q75"};
            for (int w = 0; w < 3; w++) {
                char col[300];
                snprintf(col, sizeof col, "%s_%s", R->scheds.v[sched_at(R, k)], what3[w]);
                csvio_field(d, col, 0);
            }
        }
        csvio_end(d);
        for (int q = 0; q < nsteps && rc == 0; q++) {
            csvio_int(d, steps[q], 1);
            for (int k = 0; k < ns; k++) {
                int s = sched_at(R, k), n = 0;
                for (int j = 0; j < nc; j++)
                    if (R->cells[cidx[j]].s == s) v[n++] = val[(size_t)j * nsteps + q];
                double m = quant(v, n, 0.5), q1 = quant(v, n, 0.25), q3 = quant(v, n, 0.75);
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
    Buf *b = gp_begin(R, stem, what, 1100, 90 + 300 * ((no + 1) / 2));
    char title[512];
    snprintf(title, sizeof title,
             "validation loss: %s, median and interquartile range over %d seeds", R->tasks.v[t],
             R->nseeds);
    buf_printf(b, "set datafile missing 'nan'\n");
    gp_multiplot(b, no, title);
    buf_printf(b, "set xlabel 'step'\nset ylabel 'validation loss'\n");
    for (int o = 0; o < no; o++) {
        buf_printf(b, "set title ");
        gp_str(b, R->optims.v[o]);
        buf_printf(b, "\n");
        gp_key(b, o == 0);
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
            buf_printf(b, "%s'%s' using 1:%d:%d with filledcurves fc rgb '%s' notitle",
                       j == 1 ? "" : ", \\\n     ", data[o], 3 + 3 * k, 4 + 3 * k,
                       sched_color(R, sched_at(R, k)));
        }
        for (int j = 1; j <= ns; j++) {
            int k = j % ns, s = sched_at(R, k);
            buf_printf(b, ", \\\n     '%s' using 1:%d with lines ", data[o], 2 + 3 * k);
            gp_style(R, b, s);
            buf_printf(b, " title ");
            gp_str(b, R->scheds.v[s]);
        }
        buf_printf(b, "\n");
    }
    gp_end(b, 1);
    free(data), free(ylo), free(yhi), free(nonpos);
    buf_printf(md,
               "![validation loss, %s](figures/%s.png)\n\n**Figure %d.** Validation loss "
               "against step on %s, one panel per optimizer: the median over %d seeds (line) "
               "and the interquartile range (band; none where a diverged run reaches it); %s in "
               "black. Each panel's axis spans the values from 10%% of the steps on%s, so the "
               "first steps may be cut off. Data: `figures/data/valloss__%s__*.csv`. "
               "[PDF](figures/%s.pdf)\n\n",
               R->tasks.v[t], stem, ++R->nfig_md, R->tasks.v[t], R->nseeds, R->scheds.v[R->ref],
               anylog ? " (logarithmic where they span decades)" : "", base, stem);
    return 0;
}

/* the scheduler labelled `label`, or -1 */
static int sched_named(const Report *R, const char *label) {
    for (int s = 0; s < R->scheds.n; s++)
        if (strcmp(R->scheds.v[s], label) == 0) return s;
    return -1;
}

/* Median over seeds of the training objective at each evaluation of (t, o, s), and the
 * median wall time at that step (a cell's seconds spread evenly over its steps). Fills
 * steps, loss and sec (nsteps of them, the first cell's evaluation steps); returns nsteps. */
static int median_curve(const Report *R, int t, int o, int s, long long **steps, double **loss,
                        double **sec) {
    int first = -1, nc = 0;
    int *cells = xcalloc((size_t)R->pf.n + 1, sizeof(int));
    for (int i = 0; i < R->pf.n; i++)
        if (R->cells[i].t == t && R->cells[i].o == o && R->cells[i].s == s && R->cells[i].done) {
            cells[nc++] = i;
            if (first < 0) first = i;
        }
    int n = first < 0 ? 0 : R->ev_n[first];
    *steps = xcalloc((size_t)n + 1, sizeof(long long));
    *loss = xcalloc((size_t)n + 1, sizeof(double));
    *sec = xcalloc((size_t)n + 1, sizeof(double));
    double *v = xcalloc((size_t)nc + 1, sizeof(double)), *w = xcalloc((size_t)nc + 1, sizeof(double));
    const Tab *E = &R->evals;
    for (int q = 0; q < n; q++) {
        long long st = (long long)num(E, R->ev_first[first] + q, EV_STEP);
        int nv = 0, nw = 0;
        for (int j = 0; j < nc; j++) {
            const int c = cells[j];
            double y = INFINITY;
            for (int r = R->ev_first[c]; r < R->ev_first[c] + R->ev_n[c]; r++)
                if ((long long)num(E, r, EV_STEP) == st) y = num(E, r, EV_TRAIN);
            v[nv++] = isfinite(y) && R->cells[c].status != 2 ? y : INFINITY;
            if (isfinite(R->secs[c]) && R->cells[c].p->steps > 0)
                w[nw++] = R->secs[c] * (double)st / (double)R->cells[c].p->steps;
        }
        double m = quant(v, nv, 0.5);
        (*steps)[q] = st;
        (*loss)[q] = isfinite(m) ? m : NAN;
        (*sec)[q] = nw == nc ? quant(w, nw, 0.5) : NAN;
    }
    free(v), free(w), free(cells);
    return n;
}

/* (a) GreedyLR against its rivals on one task with the first optimizer, as in the article's
 * figures: the training objective of the reference, the constant rate and hypergradient
 * descent per group and per parameter against step; the reference and line search against
 * step and against wall seconds. Drawn when those labels are in the plan. */
static void fig_rivals(Report *R, int t, Buf *md) {
    const char *const hd_labels[] = {"constant", "hd-group", "hd-param"};
    int hd[3], nhd = 0;
    for (int k = 0; k < 3; k++)
        if ((hd[nhd] = sched_named(R, hd_labels[k])) >= 0 && hd[nhd] != R->ref) nhd++;
    const int sls = sched_named(R, "sls");
    if (nhd == 0 && sls < 0) return;
    const int o = 0;
    char stem[256], base[200], what[512], title[512];
    stem_of(base, sizeof base, R->tasks.v[t]);
    snprintf(stem, sizeof stem, "rivals__%s", base);
    /* the curves: the reference, then the hd panel's, then line search */
    int list[5], nl = 0;
    list[nl++] = R->ref;
    for (int k = 0; k < nhd; k++)
        list[nl++] = hd[k];
    if (sls >= 0 && sls != R->ref) list[nl++] = sls;
    Buf *d = out_add(R, "figures/data/rivals__%s.csv", base);
    banner(R, d, "#", "");
    buf_printf(d,
               "# training objective of %s with %s: median over seeds at each evaluation, and "
               "the median wall seconds at that step (nan: unknown or diverged)\n",
               R->tasks.v[t], R->optims.v[o]);
    csvio_field(d, "scheduler", 1);
    csvio_field(d, "step", 0);
    csvio_field(d, "seconds", 0);
    csvio_field(d, "train_loss", 0);
    csvio_end(d);
    int have_secs = 1, nonpos = 0;
    for (int k = 0; k < nl; k++) {
        long long *st;
        double *loss, *sec;
        int n = median_curve(R, t, o, list[k], &st, &loss, &sec);
        for (int q = 0; q < n; q++) {
            csvio_field(d, R->scheds.v[list[k]], 1);
            csvio_int(d, st[q], 0);
            csvio_num(d, sec[q], 0);
            csvio_num(d, loss[q], 0);
            csvio_end(d);
            if (!isfinite(sec[q])) have_secs = 0;
            if (isfinite(loss[q]) && loss[q] <= 0) nonpos = 1;
        }
        buf_printf(d, "\n\n"); /* one gnuplot data block per scheduler */
        free(st), free(loss), free(sec);
    }
    int panels = (nhd > 0) + (sls >= 0 ? 1 + have_secs : 0);
    snprintf(what, sizeof what,
             "%s against the constant rate, hypergradient descent and line search on %s with "
             "%s: training objective, median over seeds",
             R->scheds.v[R->ref], R->tasks.v[t], R->optims.v[o]);
    Buf *b = gp_begin(R, stem, what, 400 * panels + 200, 460);
    snprintf(title, sizeof title, "%s, %s: training objective, median over %d seeds",
             R->tasks.v[t], R->optims.v[o], R->nseeds);
    buf_printf(b, "set datafile missing 'nan'\nset multiplot layout 1,%d title ", panels);
    gp_str(b, title);
    buf_printf(b, "\nset key top right\nset ylabel 'training objective'\n%s",
               nonpos ? "" : "set logscale y\nset format y '%g'\n");
    if (nhd > 0) {
        buf_printf(b, "set title 'against hypergradient descent'\nset xlabel 'step'\nplot ");
        for (int k = nhd; k >= 0; k--) { /* the reference (index 0) last, on top */
            buf_printf(b, "%s'data/rivals__%s.csv' index %d using 2:4 with lines ",
                       k == nhd ? "" : ", \\\n     ", base, k);
            gp_style(R, b, list[k]);
            buf_printf(b, " title ");
            gp_str(b, R->scheds.v[list[k]]);
        }
        buf_printf(b, "\n");
    }
    if (sls >= 0) {
        const char *xs[2] = {"step", "wall seconds"};
        for (int x = 0; x < 1 + have_secs; x++) {
            buf_printf(b, "set title 'against line search, per %s'\nset xlabel '%s'\nplot ",
                       x ? "second" : "step", xs[x]);
            buf_printf(b, "'data/rivals__%s.csv' index %d using %d:4 with lines ", base, nl - 1,
                       x ? 3 : 2);
            gp_style(R, b, sls);
            buf_printf(b, " title ");
            gp_str(b, R->scheds.v[sls]);
            buf_printf(b, ", \\\n     'data/rivals__%s.csv' index 0 using %d:4 with lines ", base,
                       x ? 3 : 2);
            gp_style(R, b, R->ref);
            buf_printf(b, " title ");
            gp_str(b, R->scheds.v[R->ref]);
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
               sls < 0 ? ""
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
static void fig_target(Report *R, Buf *md) {
    const int n = R->pf.n, ns = R->scheds.n, NX = 20;
    double *frac = xcalloc((size_t)n + 1, sizeof(double));
    double *best = xcalloc((size_t)n + 1, sizeof(double)), *pool = xcalloc((size_t)n + 1, sizeof(double));
    const Tab *E = &R->evals;
    for (int i = 0; i < n; i++) {
        best[i] = INFINITY;
        for (int r = R->ev_first[i]; r < R->ev_first[i] + R->ev_n[i]; r++) {
            double v = num(E, r, EV_VAL);
            if (num(E, r, EV_STEP) > 0 && isfinite(v) && v < best[i]) best[i] = v;
        }
        if (!R->cells[i].done || R->cells[i].status != 0) best[i] = INFINITY;
    }
    for (int t = 0; t < R->tasks.n; t++)
        for (int o = 0; o < R->optims.n; o++) {
            int np = 0;
            for (int i = 0; i < n; i++)
                if (R->cells[i].t == t && R->cells[i].o == o && R->cells[i].s != R->ref &&
                    R->cells[i].done)
                    pool[np++] = best[i];
            double target = quant(pool, np, 0.5);
            for (int i = 0; i < n; i++) {
                if (R->cells[i].t != t || R->cells[i].o != o) continue;
                frac[i] = INFINITY;
                if (!isfinite(target) || R->cells[i].status != 0 || !R->cells[i].done) continue;
                for (int r = R->ev_first[i]; r < R->ev_first[i] + R->ev_n[i]; r++) {
                    double st = num(E, r, EV_STEP), v = num(E, r, EV_VAL);
                    if (st > 0 && isfinite(v) && v <= target) {
                        frac[i] = st / (double)R->cells[i].p->steps;
                        break;
                    }
                }
            }
        }
    Buf *d = out_add(R, "figures/data/target.csv");
    banner(R, d, "#", "");
    buf_printf(d, "# share of each scheduler's runs that reached the target validation loss "
                  "(the median of the baselines' best, per task and optimizer) within a "
                  "fraction of the steps\n");
    csvio_field(d, "fraction", 1);
    for (int k = 0; k < ns; k++)
        csvio_field(d, R->scheds.v[sched_at(R, k)], 0);
    csvio_end(d);
    for (int x = 1; x <= NX; x++) {
        double f = (double)x / NX;
        csvio_num(d, f, 1);
        for (int k = 0; k < ns; k++) {
            int s = sched_at(R, k), runs = 0, hit = 0;
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
    for (int j = 1; j <= ns; j++) {
        int k = j % ns, s = sched_at(R, k);
        buf_printf(b, "%s'data/target.csv' using 1:%d with linespoints pt 7 ps 0.5 ",
                   j == 1 ? "" : ", \\\n     ", 2 + k);
        gp_style(R, b, s);
        buf_printf(b, " title ");
        gp_str(b, R->scheds.v[s]);
    }
    buf_printf(b, "\n");
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
static void fig_categories(Report *R, Buf *md) {
    static const char *const by[3] = {"baseline", "task", "optimizer"};
    const int cols[3] = {CM_BASE, CM_TASK, CM_OPTIM};
    const Names *groups[3] = {&R->scheds, &R->tasks, &R->optims};
    static const char *const head[] = {"group", "N", "yes", "yes*", "no*", "no", NULL};
    for (int p = 0; p < 3; p++) {
        Buf *d = out_add(R, "figures/data/categories__%s.csv", by[p]);
        banner(R, d, "#", "");
        buf_printf(d,
                   "# the paper's categories of %s against the baselines on %s, by %s: "
                   "percent of N datapoints\n",
                   R->scheds.v[R->ref], R->measure, by[p]);
        csvio_header(d, head);
        for (int g = 0; g < groups[p]->n; g++) {
            if (p == 0 && g == R->ref) continue;
            Count c = count_by(R, cols[p], groups[p]->v[g]);
            int N = count_total(&c);
            if (!N) continue;
            csvio_field(d, groups[p]->v[g], 1);
            csvio_int(d, N, 0);
            for (int k = 0; k < STATS_NCATEGORY; k++)
                csvio_num(d, 100.0 * c.n[k] / N, 0);
            csvio_end(d);
        }
    }
    char tau[128], title[512];
    tau_text(R, tau, sizeof tau);
    Buf *b = gp_begin(R, "categories",
                      "the paper's categories by baseline, task and optimizer, "
                      "stacked",
                      1500, 650);
    snprintf(title, sizeof title, "the paper's categories of %s against the baselines: %s, %s",
             R->scheds.v[R->ref], R->measure, tau);
    buf_printf(b, "set multiplot layout 1,3 margins 0.06,0.80,0.24,0.88 spacing 0.05,0.1 title ");
    gp_str(b, title);
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
            else
                buf_printf(b, ", \\\n     '' using %d title ", 3 + k);
            gp_str(b, titles[k]);
            buf_printf(b, " lc rgb '%s'", cat_colors[k]);
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
static void fig_profiles(Report *R, Buf *md) {
    double taus[64];
    int nt = 0;
    for (int r = 0; r < R->prof.t.nrows; r++) {
        if (strcmp(at(&R->prof, r, PF_MEASURE), R->measure) != 0) continue;
        double x = num(&R->prof, r, PF_TAU);
        int k = 0;
        while (k < nt && taus[k] != x)
            k++;
        if (k == nt && nt < 64) taus[nt++] = x;
    }
    qsort(taus, (size_t)nt, sizeof *taus, cmp_double);
    Buf *d = out_add(R, "figures/data/profiles.csv");
    banner(R, d, "#", "");
    buf_printf(d,
               "# performance profiles on the final %s (profiles.csv): the share of problems "
               "within a factor tau of the best, per scheduler\n",
               R->measure);
    csvio_field(d, "tau", 1);
    for (int k = 0; k < R->scheds.n; k++)
        csvio_field(d, R->scheds.v[sched_at(R, k)], 0);
    csvio_end(d);
    for (int i = 0; i < nt; i++) {
        csvio_num(d, taus[i], 1);
        for (int k = 0; k < R->scheds.n; k++)
            csvio_num(d, profile_at(R, R->scheds.v[sched_at(R, k)], taus[i]), 0);
        csvio_end(d);
    }
    Buf *b = gp_begin(R, "profiles", "performance profiles (Dolan and More) of every scheduler",
                      1000, 620);
    char title[256];
    snprintf(title, sizeof title, "performance profiles: final %s", R->measure);
    buf_printf(b, "set title ");
    gp_str(b, title);
    buf_printf(b,
               "\nset logscale x\nset xrange [1:%g]\nset yrange [0:1.02]\n"
               "set xlabel 'τ (ratio to the best on each problem)'\n"
               "set ylabel 'share of problems within τ of the best'\n"
               "set xtics (1, 1.1, 1.2, 1.5, 2, 3, 5, 10, 20, 50, 100)\n"
               "set key outside right top\nplot ",
               nt ? taus[nt - 1] : 10.0);
    for (int j = 1; j <= R->scheds.n; j++) { /* the reference last, on top */
        int k = j % R->scheds.n, s = sched_at(R, k);
        buf_printf(b, "%s'data/profiles.csv' using 1:%d with steps ", j == 1 ? "" : ", \\\n     ",
                   2 + k);
        gp_style(R, b, s);
        buf_printf(b, " title ");
        gp_str(b, R->scheds.v[s]);
    }
    buf_printf(b, "\n");
    gp_end(b, 0);
    buf_printf(md,
               "![performance profiles](figures/profiles.png)\n\n**Figure %d.** Performance "
               "profiles (Dolan and Moré) on the final %s: for each scheduler, the share of "
               "problems (task, optimizer, seed) on which its value is within a factor τ of the "
               "best scheduler's; higher and further left is better; %s in black. Data: "
               "`figures/data/profiles.csv`. [PDF](figures/profiles.pdf)\n\n",
               ++R->nfig_md, R->measure, R->scheds.v[R->ref]);
}

/* (e) the distribution of the paper's Delta per stage, on a symmetric logarithmic axis
 * sign(D) log10(1 + |D| / t), linear within t (tau, or the median |Delta| when tau is relative):
 * the tasks' losses differ by orders of magnitude */
static void fig_delta(Report *R, Buf *md) {
    Buf *d = out_add(R, "figures/data/delta.csv");
    banner(R, d, "#", "");
    buf_printf(d,
               "# the paper's Delta = baseline - %s on %s per stage (comparisons.csv), finite "
               "values only\n",
               R->scheds.v[R->ref], R->measure);
    static const char *const head[] = {"stage", "delta", NULL};
    csvio_header(d, head);
    int nonfinite = 0, present[NSTAGE] = {0}, nabs = 0;
    double maxabs = 0, *absd = xcalloc((size_t)R->cmp.t.nrows + 1, sizeof(double));
    for (int g = 0; g < NSTAGE; g++)
        for (int r = 0; r < R->cmp.t.nrows; r++) {
            if (num(&R->cmp, r, CM_STAGE) != stage_pct[g]) continue;
            double x = num(&R->cmp, r, CM_DELTA);
            if (!isfinite(x)) {
                nonfinite++;
                continue;
            }
            present[g] = 1;
            maxabs = fmax(maxabs, fabs(x));
            if (x != 0) absd[nabs++] = fabs(x);
            csvio_int(d, stage_pct[g], 1);
            csvio_num(d, x, 0);
            csvio_end(d);
        }
    Buf *b = gp_begin(R, "delta", "the distribution of the paper's Delta per stage", 800, 600);
    char title[256], tau[128];
    tau_text(R, tau, sizeof tau);
    snprintf(title, sizeof title, "Δ = L_baseline − L_%s on %s per stage", R->scheds.v[R->ref],
             R->measure);
    buf_printf(b, "set title ");
    gp_str(b, title);
    double t = !R->relative && R->tau > 0 ? R->tau : nabs ? quant(absd, nabs, 0.5) : 1;
    free(absd);
    buf_printf(b,
               "\nt = %g\nset nonlinear y via sgn(y) * log10(1 + abs(y) / t) inverse "
               "sgn(y) * t * (10**abs(y) - 1)\nset ytics (0",
               t);
    for (double k = t; k < 10 * maxabs && k < 1e300; k *= 10)
        buf_printf(b, ", %g, %g", k, -k);
    buf_printf(b, ")\n");
    buf_printf(b,
               "set xrange [0.4:3.6]\nset xtics ('10%%%%' 1, '50%%%%' 2, '100%%%%' 3)\n"
               "set xlabel 'stage (share of the training steps)'\nset ylabel 'Δ (%s)'\n"
               "set style fill solid 0.25 border -1\nset boxwidth 0.45\n"
               "set style boxplot outliers pointtype 7\nset key top right\n",
               R->measure);
    if (!R->relative)
        buf_printf(
            b,
            "set arrow from graph 0, first %g to graph 1, first %g nohead dt 2 lc rgb '#d73027'\n"
            "set arrow from graph 0, first %g to graph 1, first %g nohead dt 2 lc rgb '#d73027'\n",
            R->tau, R->tau, -R->tau, -R->tau);
    buf_printf(
        b, "set arrow from graph 0, first 0 to graph 1, first 0 nohead lc rgb '#000000'\nplot ");
    int any = 0;
    for (int g = 0; g < NSTAGE; g++) {
        if (!present[g]) continue;
        buf_printf(b,
                   "%s'data/delta.csv' using (%d):($1 == %d ? $2 : NaN) with boxplot lc rgb "
                   "'#1f77b4' notitle",
                   any ? ", \\\n     " : "", g + 1, stage_pct[g]);
        any = 1;
    }
    if (!any) buf_printf(b, "NaN notitle");
    if (!R->relative) buf_printf(b, ", \\\n     NaN with lines dt 2 lc rgb '#d73027' title '±τ'");
    buf_printf(b, "\n");
    gp_end(b, 0);
    buf_printf(md,
               "![Delta by stage](figures/delta.png)\n\n**Figure %d.** The distribution of "
               "the paper's Δ = L_baseline − L_%s on %s over all datapoints, per stage: box from "
               "the lower to the upper quartile with the median, whiskers to 1.5 interquartile "
               "ranges, points beyond; Δ > 0 means %s was better; %s. The axis is symmetric "
               "logarithmic, linear within %g and logarithmic beyond, because the tasks' losses "
               "differ by orders of magnitude. Data: `figures/data/delta.csv`. "
               "[PDF](figures/delta.pdf)\n\n",
               ++R->nfig_md, R->scheds.v[R->ref], R->measure, R->scheds.v[R->ref],
               R->relative ? "the tolerance is relative, so there are no fixed ±τ lines"
                           : "dashed lines at ±τ",
               t);
    if (nonfinite)
        buf_printf(md,
                   "%d datapoints with an infinite Δ (one of the two runs diverged or failed) "
                   "are left out of Figure %d; they are counted in the tables.\n\n",
                   nonfinite, R->nfig_md);
}

/* ---- report.md ---- */

static void list_names(Buf *b, const Names *n, int skip) {
    for (int i = 0, k = 0, total = n->n - (skip >= 0); i < n->n; i++) {
        if (i == skip) continue;
        buf_printf(b, "%s%s", k == 0 ? "" : k == total - 1 ? " and " : ", ", n->v[i]);
        k++;
    }
}

static void md_setup(Report *R, Buf *md) {
    const char *ref = R->scheds.v[R->ref];
    buf_printf(md, "## What was compared\n\n");
    buf_printf(md,
               "Experiment `%s` compares the learning-rate scheduler **%s** with %d baseline "
               "scheduler%s (",
               R->pf.experiment, ref, R->scheds.n - 1, R->scheds.n == 2 ? "" : "s");
    list_names(md, &R->scheds, R->ref);
    buf_printf(md, ") on %d task%s (", R->tasks.n, R->tasks.n == 1 ? "" : "s");
    for (int t = 0; t < R->tasks.n; t++) {
        long long steps = 0;
        for (int i = 0; i < R->pf.n; i++)
            if (R->cells[i].t == t) steps = R->cells[i].p->steps;
        buf_printf(md, "%s%s, %lld steps",
                   t == 0                ? ""
                   : t == R->tasks.n - 1 ? "; and "
                                         : "; ",
                   R->tasks.v[t], steps);
    }
    buf_printf(md, ") with %d optimizer%s (", R->optims.n, R->optims.n == 1 ? "" : "s");
    list_names(md, &R->optims, -1);
    buf_printf(md, "), over %d seed%s (", R->nseeds, R->nseeds == 1 ? "" : "s");
    for (int d = 0; d < R->nseeds; d++)
        buf_printf(md, "%s%lld", d ? ", " : "", R->seeds[d]);
    if (R->ndone == R->pf.n)
        buf_printf(md, "): %d training runs, all finished", R->pf.n);
    else
        buf_printf(md, "): %d training runs, of which %d finished", R->pf.n, R->ndone);
    if (R->ndiv || R->nfail) buf_printf(md, " (%d diverged, %d failed)", R->ndiv, R->nfail);
    buf_printf(md,
               "%s. A seed fixes a run's initialisation and data order whatever the "
               "optimizer and scheduler, so %s and a baseline are compared on the same task, "
               "optimizer and seed.\n\n",
               R->ndone < R->pf.n ? " (the others are missing from "
                                    "the results: an unfinished run)"
                                  : "",
               ref);
    int same_lr = 1, *first = xcalloc((size_t)R->tasks.n * R->optims.n, sizeof(int));
    for (int i = 0; i < R->pf.n; i++) { /* one initial rate per task and optimizer? */
        int *f = &first[R->cells[i].t * R->optims.n + R->cells[i].o];
        if (*f == 0)
            *f = i + 1;
        else if (R->cells[*f - 1].p->lr0 != R->cells[i].p->lr0)
            same_lr = 0;
    }
    free(first);
    if (R->have_tune)
        buf_printf(md,
                   "Learning rates were tuned: for each task, optimizer and scheduler, every "
                   "learning rate of the optimizer's grid was trained on a separate tuning seed "
                   "and the one with the lowest final validation loss kept (Table %d); %s.\n\n",
                   R->ntab_md + 1,
                   same_lr ? "every scheduler ended with the same initial rate"
                           : "so each scheduler starts from its own tuned rate");
    else
        buf_printf(md,
                   "There was no tuning stage: the initial learning rates are those of the "
                   "experiment script%s.\n\n",
                   same_lr ? ", the same for every scheduler of a task "
                             "and optimizer (as in the paper)"
                           : "");
    char tau[128], alpha[160];
    tau_text(R, tau, sizeof tau);
    alpha_text(R, alpha, sizeof alpha);
    buf_printf(md,
               "The measure is `%s`, %s, %s. A diverged or failed run counts as worse than "
               "any finite result. The tie tolerance is %s. The test is a paired Wilcoxon "
               "signed-rank test over seeds (exact for small samples) with Holm's correction "
               "within each task and optimizer (over its baselines and stages), at %s; the claim under test is that %s is \"as good as "
               "or better than\" the baselines more than %g%% of the time.\n\n",
               R->measure, measure_text(R->measure),
               measure_staged(R->measure) ? "read at 10%, 50% and 100% of the training steps"
                                          : "read at the end of training",
               tau, alpha, ref, 100 * R->claim);
    if (R->have_tune) md_table(R, md, table_tuning(R));
}

static void md_verdict(Report *R, Buf *md) {
    const Tab *V = &R->ver;
    int vr = R->vrow;
    const char *verdict = at(V, vr, VR_VERDICT), *ref = R->scheds.v[R->ref];
    char alpha[160];
    alpha_text(R, alpha, sizeof alpha);
    buf_printf(md,
               "**Verdict.** On these results, the claim that %s is as good as or better "
               "than the baselines more than %g%% of the time is **%s**",
               ref, 100 * R->claim, verdict);
    if (strncmp(verdict, "undecided (too few seeds)", 25) == 0) {
        buf_printf(md,
                   ": with %d seed%s per comparison, none of the %.0f comparisons on %s can "
                   "reach significance at %s after Holm's correction, so every comparison is a tie "
                   "by construction and the fraction \"as good or better\" (%.1f%%) says nothing "
                   "about the claim. More seeds are needed.\n\n",
                   R->nseeds, R->nseeds == 1 ? "" : "s", num(V, vr, VR_UNITS), R->measure, alpha,
                   100 * num(V, vr, VR_FRAC));
        return;
    }
    buf_printf(md,
               ": %s was as good or better (a win or a tie) in %.1f%% of %.0f comparisons "
               "on %s (95%% bootstrap interval %.1f%% to %.1f%%; %.0f wins, %.0f ties, %.0f "
               "losses at %s with Holm's correction). ",
               ref, 100 * num(V, vr, VR_FRAC), num(V, vr, VR_UNITS), R->measure,
               100 * num(V, vr, VR_LO), 100 * num(V, vr, VR_HI), num(V, vr, VR_WINS),
               num(V, vr, VR_TIES), num(V, vr, VR_LOSSES), alpha);
    if (strcmp(verdict, "supported") == 0) {
        buf_printf(md,
                   "The whole interval lies above %g%%. A tie means that no difference "
                   "beyond τ could be shown at this number of seeds, not that the schedulers are "
                   "equal",
                   100 * R->claim);
        if (num(V, vr, VR_TIES) > num(V, vr, VR_WINS))
            buf_printf(md,
                       "; here %.0f of the %.0f comparisons are ties, so the support rests "
                       "mostly on %s not being shown worse rather than on it being shown better",
                       num(V, vr, VR_TIES), num(V, vr, VR_UNITS), ref);
        buf_printf(md, ".\n\n");
    } else if (strcmp(verdict, "not supported") == 0)
        buf_printf(md, "The whole interval lies below %g%%.\n\n", 100 * R->claim);
    else
        buf_printf(md,
                   "The interval contains %g%%: these results neither confirm nor reject "
                   "the claim.\n\n",
                   100 * R->claim);
}

static void md_losses(Report *R, Buf *md) {
    const char *ref = R->scheds.v[R->ref];
    Wtl all = wtl_of(R, NULL, NULL, NULL);
    if (all.l == 0) {
        buf_printf(md, "No comparison was a significant loss for %s.\n\n", ref);
        return;
    }
    buf_printf(md, "%s was significantly worse in %d of %d comparisons: by task and optimizer, ",
               ref, all.l, all.w + all.t + all.l);
    int k = 0;
    for (int t = 0; t < R->tasks.n; t++)
        for (int o = 0; o < R->optims.n; o++) {
            Wtl x = wtl_of(R, R->tasks.v[t], R->optims.v[o], NULL);
            if (x.l)
                buf_printf(md, "%s%s with %s (%d)", k++ ? ", " : "", R->tasks.v[t], R->optims.v[o],
                           x.l);
        }
    buf_printf(md, "; by baseline, ");
    k = 0;
    for (int s = 0; s < R->scheds.n; s++) {
        Wtl x = s == R->ref ? (Wtl){0, 0, 0} : wtl_of(R, NULL, NULL, R->scheds.v[s]);
        if (x.l) buf_printf(md, "%s%s (%d)", k++ ? ", " : "", R->scheds.v[s], x.l);
    }
    buf_printf(md, ".\n\n");
}

static void md_rules(Report *R, Buf *md, const Count *all) {
    double pct[STATS_NPCT];
    stats_paper_percentages(all->n, pct);
    const char *verdict = at(&R->ver, R->vrow, VR_VERDICT), *ref = R->scheds.v[R->ref];
    int paper_above = pct[STATS_PCT_GOOD_OR_BETTER] > 100 * R->claim;
    buf_printf(md, "## How the counting rule changes the answer\n\n");
    buf_printf(md,
               "Counted the paper's way, %s is as good or better in %.2f%% of %d datapoints, "
               "%s the claimed %g%% (the paper's own small-model table gives 86.73%% of 196, "
               "from one seed). That rule makes every |Δ| < τ a tie and every seed a datapoint, "
               "whatever the spread across seeds; the statistical rule calls a comparison a win "
               "or a loss only when the seeds agree beyond chance and the median Δ exceeds τ, "
               "and puts an interval around the share. ",
               ref, pct[STATS_PCT_GOOD_OR_BETTER], count_total(all),
               paper_above ? "above" : "not above", 100 * R->claim);
    if (strncmp(verdict, "undecided (too few seeds)", 25) == 0)
        buf_printf(md, "Here there are too few seeds for the statistical rule to decide, so only "
                       "the paper's count gives a number, and it rests on no test.\n\n");
    else if (strcmp(verdict, "supported") == 0)
        buf_printf(md, "Here the statistics support the claim%s.\n\n",
                   paper_above ? ", as the paper's count does"
                               : " although the paper's count does not reach it");
    else if (strcmp(verdict, "not supported") == 0)
        buf_printf(md, "Here the statistics reject the claim%s.\n\n",
                   paper_above ? ", although the paper's count would confirm it"
                               : ", as the paper's count does");
    else
        buf_printf(md,
                   "Here the statistics cannot decide: the paper's count %s the claim, but "
                   "the interval contains %g%%.\n\n",
                   paper_above ? "would confirm" : "would reject", 100 * R->claim);
}

static int compose(Report *R, const char *cmdline, Err *e) {
    Buf *md = out_add(R, "report.md");
    const char *ref = R->scheds.v[R->ref];
    banner(R, md, "<!--", " -->");
    buf_printf(md,
               "# Results\n\n*Generated by `%s` from the result files of experiment `%s`; "
               "every number in this section comes from those files.*\n\n",
               cmdline, R->pf.experiment);
    md_setup(R, md);

    buf_printf(md, "## The paper's counting\n\n");
    buf_printf(md,
               "As in the paper (Subramanian et al.), each seed of each (task, optimizer, "
               "baseline, stage) is a datapoint; Δ is the baseline's loss minus %s's, and "
               "\"as good or better\" is the share of datapoints with Δ > −τ.\n\n",
               ref);
    Count all;
    md_table(R, md, table_paper(R, &all));
    fig_categories(R, md);
    fig_delta(R, md);

    buf_printf(md, "## Statistical comparison\n\n");
    md_verdict(R, md);
    md_table(R, md, table_stats(R));
    Table *verdicts = table_verdicts(R);
    md_table(R, md, verdicts);
    md_table(R, md, table_outcomes(R));
    md_losses(R, md);
    md_rules(R, md, &all);

    buf_printf(md, "## Across schedulers\n\n");
    md_table(R, md, table_ranks(R));
    fig_profiles(R, md);
    fig_target(R, md);

    buf_printf(md, "## Per task\n\n");
    for (int t = 0; t < R->tasks.n; t++) {
        buf_printf(md, "### %s\n\n", R->tasks.v[t]);
        md_table(R, md, table_summary(R, t));
        fig_lr(R, t, md);
        if (fig_val(R, t, md, e) != 0) return -1;
        fig_rivals(R, t, md);
    }

    buf_printf(md, "## Limits\n\n");
    const char *tol = R->relative ? "The tolerance τ is relative to the baseline's loss."
                                  : "The tolerance τ is absolute, so what counts as a tie "
                                    "depends on the scale of each task's loss.";
    buf_printf(md,
               "These results hold for the tasks, model sizes, step budgets, learning rates "
               "and seeds above, on one machine; they do not speak for larger models, longer "
               "training or other hyperparameters. %s Ties in the statistical comparison are "
               "absences of evidence at %d seeds, not proofs of equivalence. The comparisons "
               "of one task and optimizer (three stages of the same runs, several baselines "
               "against the same %s runs) are not independent: Holm's correction allows for "
               "that, the bootstrap interval, which resamples comparisons, does not and is "
               "likely too narrow. The secondary measures (Table %d) share the primary "
               "measure's runs and are not corrected across measures.\n\n",
               tol, R->nseeds, ref, verdicts->num);
    buf_printf(md,
               "## Reproduce\n\n```sh\n%s\n```\n\nregenerates this section, its tables "
               "(`tables/`, Markdown and LaTeX) and figures (`figures/`, gnuplot scripts beside "
               "the PNG and PDF files) from the result files, without training.\n",
               cmdline);
    return 0;
}

/* ---- paths ---- */

/* abs_path: the absolute, symlink-free form of p, which need not exist yet */
static int abs_path(const char *p, char *out, size_t n) {
    char buf[PATH_MAX];
    if (realpath(p, buf)) return snprintf(out, n, "%s", buf) < (int)n ? 0 : -1;
    if (errno != ENOENT) return -1;
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", p);
    size_t len = strlen(parent);
    while (len > 1 && parent[len - 1] == '/')
        parent[--len] = '\0';
    char *slash = strrchr(parent, '/');
    const char *last = slash ? slash + 1 : parent;
    char leaf[PATH_MAX];
    snprintf(leaf, sizeof leaf, "%s", last);
    if (slash == parent)
        snprintf(parent, sizeof parent, "/");
    else if (slash)
        *slash = '\0';
    else
        snprintf(parent, sizeof parent, ".");
    if (abs_path(parent, out, n) != 0) return -1;
    if (strcmp(leaf, ".") == 0 || !*leaf) return 0;
    if (strcmp(leaf, "..") == 0) {
        char *s = strrchr(out, '/');
        if (s && s != out)
            *s = '\0';
        else
            snprintf(out, n, "/");
        return 0;
    }
    size_t k = strlen(out);
    return snprintf(out + k, n - k, "%s%s", k > 1 ? "/" : "", leaf) < (int)(n - k) ? 0 : -1;
}

/* rel_path: the path of to relative to the folder from (both absolute) */
static void rel_path(const char *from, const char *to, char *out, size_t n) {
    size_t i = 0, common = 0;
    while (from[i] && from[i] == to[i]) {
        if (from[i] == '/') common = i;
        i++;
    }
    if (!from[i] && (to[i] == '/' || !to[i]))
        common = i;
    else if (!to[i] && from[i] == '/')
        common = i;
    size_t off = 0;
    out[0] = '\0';
    for (const char *s = from + common; *s; s++)
        if (*s == '/' && off + 4 < n)
            off += (size_t)snprintf(out + off, n - off, "%s..", off ? "/" : "");
    const char *rest = to + common;
    while (*rest == '/')
        rest++;
    if (*rest) snprintf(out + off, n - off, "%s%s", off ? "/" : "", rest);
    if (!out[0]) snprintf(out, n, ".");
}

/* ---- drawing ---- */

/* draw: gnuplot STEM.gp in PAPER/figures for one format into STEM.FMT.tmp, which then
 * replaces STEM.FMT atomically; a PDF's CreationDate is pinned so that the bytes repeat */
static int draw(const char *figdir, const char *stem, const char *fmt, Err *e) {
    char expr[64], script[300];
    snprintf(expr, sizeof expr, "fmt='%s'; suffix='.tmp'", fmt);
    snprintf(script, sizeof script, "%s.gp", stem);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return err_set(e, EXIT_RUN, figdir, "cannot start gnuplot (fork failed)");
    if (pid == 0) {
        if (chdir(figdir) != 0) _exit(127);
        if (!freopen(".gnuplot.log", "a", stderr)) _exit(127);
        execlp(LRLAB_GNUPLOT, "gnuplot", "-d", "-e", expr, script, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return err_set(e, EXIT_RUN, figdir, "cannot wait for gnuplot");
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return err_set(e, EXIT_RUN, figdir, "%s: gnuplot failed (exit %d; see %s/.gnuplot.log)",
                       script, WIFEXITED(st) ? WEXITSTATUS(st) : -1, figdir);
    char tmp[4400], dst[4400];
    snprintf(tmp, sizeof tmp, "%s/%s.%s.tmp", figdir, stem, fmt);
    snprintf(dst, sizeof dst, "%s/%s.%s", figdir, stem, fmt);
    size_t n;
    char *s = fs_read(tmp, &n);
    if (!s) return err_set(e, EXIT_RUN, tmp, "gnuplot wrote no figure");
    static const char key[] = "/CreationDate (D:";
    for (size_t i = 0; strcmp(fmt, "pdf") == 0 && i + sizeof key + 14 < n; i++)
        if (memcmp(s + i, key, sizeof key - 1) == 0) {
            memcpy(s + i + sizeof key - 1, "19700101000000", 14);
            break;
        }
    int rc = fs_write_atomic(dst, s, n, e);
    free(s);
    unlink(tmp);
    return rc;
}

/* ---- report_main ---- */

static void report_free(Report *R) {
    planfile_free(&R->pf);
    names_free(&R->tasks);
    names_free(&R->optims);
    names_free(&R->scheds);
    free(R->seeds);
    free(R->cells);
    free(R->ids);
    free(R->metric);
    free(R->lr_lo);
    free(R->lr_hi);
    free(R->lr_steps);
    free(R->ev_first);
    free(R->ev_n);
    free(R->secs);
    Tab *tabs[] = {&R->cmp, &R->tests, &R->ver, &R->prof, &R->ranks, &R->tune, &R->evals};
    for (size_t i = 0; i < sizeof tabs / sizeof tabs[0]; i++)
        csvio_free(&tabs[i]->t);
    for (int i = 0; i < R->nouts; i++)
        buf_free(&R->outs[i]->b), free(R->outs[i]);
    free(R->outs);
    free(R->figs);
    for (int i = 0; i < R->ntabs; i++)
        table_free(R->tabs[i]);
    free(R->tabs);
}

static int check_dir(const char *dir, Err *e) {
    struct stat st;
    if (stat(dir, &st) != 0)
        return err_set(e, EXIT_USAGE, dir,
                       "no such folder (expected the results folder of lrlab run)");
    if (!S_ISDIR(st.st_mode))
        return err_set(e, EXIT_USAGE, dir,
                       "not a folder (expected the results folder of lrlab run)");
    char p[4200], q[4200];
    snprintf(p, sizeof p, "%s/plan.csv", dir);
    snprintf(q, sizeof q, "%s/runs.csv", dir);
    int hp = fs_exists(p), hr = fs_exists(q);
    if (!hp || !hr)
        return err_set(e, EXIT_USAGE, dir,
                       "not a results folder (expected plan.csv and runs.csv "
                       "written by lrlab run, got %s)",
                       !hp && !hr ? "neither"
                       : !hp      ? "no plan.csv"
                                  : "no runs.csv");
    return 0;
}

int report_main(const char *dir, const char *paper_dir, Err *e) {
    Report R;
    memset(&R, 0, sizeof R);
    e->code = 0;
    e->msg[0] = e->hint[0] = '\0';
    snprintf(R.src, sizeof R.src, "%s", dir);
    for (size_t n = strlen(R.src); n > 1 && R.src[n - 1] == '/';)
        R.src[--n] = '\0';
    R.dir = R.src;
    char paper[4200], cmdline[5400];
    if (paper_dir) {
        snprintf(paper, sizeof paper, "%s", paper_dir);
        for (size_t n = strlen(paper); n > 1 && paper[n - 1] == '/';)
            paper[--n] = '\0';
        snprintf(cmdline, sizeof cmdline, "lrlab report %s --paper %s", R.src, paper);
    } else {
        snprintf(paper, sizeof paper, "%s/report", R.src);
        snprintf(cmdline, sizeof cmdline, "lrlab report %s", R.src);
    }
    R.paper = paper;
    int rc = -1;
    /* 1. read and check everything; compose every file in memory */
    if (check_dir(R.dir, e) != 0 || load_plan_runs(&R, e) != 0 || load_compare(&R, e) != 0 ||
        load_tuning(&R, e) != 0 || load_evals(&R, e) != 0 || load_lr_ranges(&R, e) != 0)
        goto out;
    infer_options(&R);
    char figdir[4400], absdir[PATH_MAX], absfig[PATH_MAX];
    snprintf(figdir, sizeof figdir, "%s/figures", paper);
    if (abs_path(R.dir, absdir, sizeof absdir) != 0 ||
        abs_path(figdir, absfig, sizeof absfig) != 0) {
        err_set(e, EXIT_USAGE, figdir, "cannot resolve the path (%s)", strerror(errno));
        goto out;
    }
    rel_path(absfig, absdir, R.figrel, sizeof R.figrel);
    if (compose(&R, cmdline, e) != 0) goto out;
    /* 2. write */
    static const char *const subs[] = {"tables", "figures", "figures/data"};
    for (int i = 0; i < 3; i++) {
        char p[4400];
        snprintf(p, sizeof p, "%s/%s", paper, subs[i]);
        if (fs_mkdirs(p, e) != 0) goto out;
    }
    for (int i = 0; i < R.nouts; i++) {
        char p[5000];
        const Out *o = R.outs[i];
        snprintf(p, sizeof p, "%s/%s", paper, o->rel);
        if (fs_write_atomic(p, o->b.s ? o->b.s : "", o->b.len, e) != 0) {
            e->code = EXIT_RUN;
            goto out;
        }
    }
    char log[4500];
    snprintf(log, sizeof log, "%s/.gnuplot.log", figdir);
    unlink(log);
    for (int i = 0; i < R.nfigs; i++)
        if (draw(figdir, R.figs[i].stem, "png", e) != 0 ||
            draw(figdir, R.figs[i].stem, "pdf", e) != 0)
            goto out;
    unlink(log);
    printf("report: %s/report.md, %d tables in %s/tables (Markdown and LaTeX), %d figures in "
           "%s/figures (gnuplot, PNG and PDF)\n",
           paper, R.ntabs, paper, R.nfigs, paper);
    rc = 0;
out:
    report_free(&R);
    return rc;
}
