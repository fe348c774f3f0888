/* report.c - the paper's tables, figures and results section from an experiment's result
 * files (see report.h).
 *
 * What: `lrlab report DIR [--paper PAPER]` turns the result files of DIR into the tables
 * (Markdown and LaTeX with booktabs), the gnuplot figures (PNG and PDF) and a results section
 * (report.md): the paper's counting (paper/paper.md section 1.2), the
 * statistical comparison and verdict of `lrlab compare`, mean ranks and Dolan-More
 * performance profiles, a per-task summary, learning-rate schedules as in the article's
 * figure, and validation-loss curves with a band over seeds.
 * Why: the data flow "report -> paper/tables, paper/figures"; a paper regenerates from
 * committed results with one command and no training.
 * How: every input is read and checked and every text composed in memory before anything is
 * written, so that bad input writes nothing. Then the text files are written atomically and
 * gnuplot (run in PAPER/figures, like plot.c) draws each figure into NAME.png.lrlab-tmp and
 * NAME.pdf.lrlab-tmp, which replace NAME.png and NAME.pdf atomically. Determinism: numbers in fixed
 * formats, iteration in plan order, no time stamps (cairo's PDF CreationDate is pinned to
 * 1970-01-01), no absolute paths (figures read DIR's curves through a path relative to
 * PAPER/figures; DIR is named as the user gave it).
 * Files: this one loads and checks the inputs, builds the tables and report.md, and draws;
 * report_figures.c writes the figures' scripts and data; report_html.c writes report.html, the
 * same report as one self-contained page, once the figures are drawn; report_int.h is what
 * they share.
 */
#include "harness/analysis/report.h"
#include "harness/analysis/report_int.h"

#include "harness/analysis/compare.h"
#include "harness/analysis/stats.h"
#include "harness/base/buf.h"
#include "harness/base/csvio.h"
#include "harness/base/fsutil.h"
#include "harness/base/gnuplot.h"
#include "harness/base/names.h"
#include "harness/engine/folder.h"
#include "harness/engine/join.h"
#include "harness/engine/planfile.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
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

const char *const rp_cat_names[STATS_NCATEGORY] = {"yes", "yes*", "no*", "no"};
const char *const rp_cat_colors[STATS_NCATEGORY] = {"#1a9850", "#a6d96a", "#fdae61", "#d73027"};
const char *const rp_palette[NPALETTE] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

/* ---- the result files, with the columns the report uses ---- */

static const char *const cmp_cols[] = {
    "measure",         "task",           "optimizer", "stage",    "baseline",
    "reference_value", "baseline_value", "delta",     "category", NULL};
static const char *const test_cols[] = {"measure",      "stage", "task",   "optimizer", "baseline",
                                        "median_delta", "tau",   "holm_p", "decision",  NULL};
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
static const char *const prof_cols[] = {"measure", "scheduler", "tau", "fraction", NULL};
static const char *const rank_cols[] = {"measure", "scheduler", "mean_rank", "problems", NULL};
static const char *const tune_cols[] = {"task",     "optimizer", "scheduler", "lr",
                                        "val_loss", "chosen",    NULL};
static const char *const run_cols[] = {"cell",        "stage",  "val_loss", "metric",
                                       "metric_name", "status", NULL};
static const char *const curve_cols[] = {"step", "lr", "train_loss", NULL};
static const char *const eval_cols[] = {"cell",   "step", "train_loss", "val_loss",
                                        "metric", "lr",   NULL};

static int tab_load(const char *dir, const char *name, const char *const *cols, Tab *T, Err *e) {
    memset(T, 0, sizeof *T);
    snprintf(T->path, sizeof T->path, "%s/%s", dir, name);
    if (csvio_read(T->path, NULL, &T->t, e) != 0) return -1;
    for (int k = 0; cols[k]; k++)
        if ((T->c[k] = csvio_col(&T->t, cols[k])) < 0) {
            csvio_free(&T->t);
            return err_set(e, EXIT_USAGE, T->path, "line 1: missing column (expected %s)", cols[k]);
        }
    return 0;
}

/* tab_names: every field of the listed columns (ending with -1) is a name (names.h): the
 * labels of a received folder's comparison files follow the rule plan.csv's follow */
static int tab_names(const Tab *T, const char *const *cols, const int *ks, Err *e) {
    for (int r = 0; r < T->t.nrows; r++)
        for (int i = 0; ks[i] >= 0; i++) {
            const char *v = csvio_at(&T->t, r, T->c[ks[i]]);
            char where[4300];
            snprintf(where, sizeof where, "%s:%d", T->path, r + 2);
            if (name_check(v, strlen(v), where, cols[ks[i]], e) != 0) return -1;
        }
    return 0;
}

const char *rp_at(const Tab *T, int r, int k) { return csvio_at(&T->t, r, T->c[k]); }

/* num: a numeric field already checked by tab_nums */
double rp_num(const Tab *T, int r, int k) {
    double x = NAN;
    csvio_parse_num(rp_at(T, r, k), &x);
    return x;
}

/* tab_nums: every field of the listed columns (ending with -1) is a number */
static int tab_nums(const Tab *T, const char *const *cols, const int *ks, Err *e) {
    for (int r = 0; r < T->t.nrows; r++)
        for (int i = 0; ks[i] >= 0; i++) {
            double x;
            if (csvio_parse_num(rp_at(T, r, ks[i]), &x) != 0)
                return err_set(e, EXIT_USAGE, T->path,
                               "line %d: %s: not a number (expected a "
                               "number, got \"%.30s\")",
                               r + 2, cols[ks[i]], rp_at(T, r, ks[i]));
        }
    return 0;
}

/* ---- names in plan order ---- */

int rp_find(const Names *n, const char *s) {
    for (int i = 0; i < n->n; i++)
        if (strcmp(n->v[i], s) == 0) return i;
    return -1;
}

static int intern(Names *n, const char *s) {
    int i = rp_find(n, s);
    if (i >= 0) return i;
    if (n->n == n->cap)
        n->v = xrealloc(n->v, sizeof(char *) * (size_t)(n->cap = n->cap ? 2 * n->cap : 16));
    n->v[n->n] = xstrdup(s);
    return n->n++;
}

static void names_free(Names *n) {
    for (int i = 0; i < n->n; i++) free(n->v[i]);
    free(n->v);
}

Buf *rp_out_add(Report *R, const char *fmt, ...) {
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

void rp_banner(const Report *R, Buf *b, const char *open, const char *close) {
    /* the folder's name as given, with no byte that could end or continue the comment */
    buf_printf(b, "%s generated by lrlab report from ", open);
    gnuplot_comment(b, R->src);
    buf_printf(b, "; comparison settings ");
    gnuplot_comment(b, R->settings);
    buf_printf(b, "; do not edit%s\n", close);
}

/* file names: labels keep letters, digits, '.', '-' and '_' */
void rp_stem_of(char *out, size_t n, const char *s) { name_slug(out, n, s); }

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
        case '$': buf_printf(b, "\\%c", *s); break;
        case '~': buf_printf(b, "\\textasciitilde{}"); break;
        case '^': buf_printf(b, "\\textasciicircum{}"); break;
        case '\\': buf_printf(b, "\\textbackslash{}"); break;
        case '<': buf_printf(b, "\\textless{}"); break;
        case '>': buf_printf(b, "\\textgreater{}"); break;
        default: buf_append(b, s, 1);
        }
        s++;
    }
}

/* ---- Table ---- */

static Table *table_new(Report *R, const char *name, const char *align, const char *const *head) {
    Table *T = xcalloc(1, sizeof *T);
    snprintf(T->name, sizeof T->name, "%s", name);
    snprintf(T->align, sizeof T->align, "%s", align);
    T->ncols = (int)strlen(T->align);
    T->head = xcalloc((size_t)T->ncols, sizeof(char *));
    for (int c = 0; c < T->ncols; c++) T->head[c] = xstrdup(head[c]);
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
    for (int c = 0; c < T->ncols; c++) free(T->head[c]);
    for (size_t i = 0; i < (size_t)T->nrows * T->ncols; i++) free(T->cell[i]);
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
    Buf *md = rp_out_add(R, "tables/%s.md", T->name);
    rp_banner(R, md, "<!--", " -->");
    buf_printf(md, "\nTable: ");
    md_text(md, T->caption);
    buf_printf(md, "\n\n");
    table_md(T, md);
    Buf *tex = rp_out_add(R, "tables/%s.tex", T->name);
    rp_banner(R, tex, "%", "");
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

int rp_cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

/* quantile of the type 7 over x (sorted in place); +inf values sort last and give +inf
 * wherever they take part in the interpolation */
double rp_quant(double *x, int n, double q) {
    if (n == 0) return NAN;
    qsort(x, (size_t)n, sizeof *x, rp_cmp_double);
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
    if (strcmp(m, "evals_to_target") == 0)
        return "the loss and gradient evaluations (one per step, plus a line search's extra loss "
               "evaluations) to reach a target validation loss (the median best of the baselines)";
    return m;
}

static int measure_staged(const char *m) {
    return strcmp(m, "train_loss") == 0 || strcmp(m, "val_loss") == 0 || strcmp(m, "metric") == 0;
}

void rp_tau_text(const Report *R, char *out, size_t n) {
    const TieRule *t = &R->copts.tie;
    if (t->kind == TIE_TASK)
        snprintf(out, n,
                 "τ = %.3g × the task's scale, |median| of its baselines' values at "
                 "each stage (tie rule task:%g)",
                 t->x, t->x);
    else if (t->kind == TIE_SD)
        snprintf(out, n,
                 "τ = %.3g × the baselines' seed-to-seed standard deviation on each "
                 "task and optimizer (tie rule sd:%g)",
                 t->x, t->x);
    else if (t->kind == TIE_REL) snprintf(out, n, "τ = %.3g × |L_baseline| (relative)", t->x);
    else snprintf(out, n, "τ = %g (absolute)", t->x);
}

static void alpha_text(const Report *R, char *out, size_t n) {
    snprintf(out, n, "α = %g", R->copts.alpha);
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

/* labels_agree: row r of runs.csv names the experiment, task, optimizer, scheduler and seed
 * that plan.csv gives its cell (a folder put together from two experiments is refused) */
static int labels_agree(const Tab *T, int r, const PlanFile *pf, const PlanRow *p, Err *e) {
    static const char *const cols[] = {"experiment", "task", "optimizer", "scheduler", "seed"};
    char seed[32];
    snprintf(seed, sizeof seed, "%lld", p->seed);
    const char *const want[] = {pf->experiment, p->task, p->optim, p->sched, seed};
    for (int k = 0; k < 5; k++) {
        const int col = csvio_col(&T->t, cols[k]);
        if (col < 0)
            return err_set(e, EXIT_USAGE, T->path, "line 1: missing column (expected %s)", cols[k]);
        const char *got = csvio_at(&T->t, r, col);
        if (strcmp(got, want[k]) != 0)
            return err_set(e, EXIT_USAGE, T->path,
                           "line %d: %s: disagrees with plan.csv "
                           "(expected \"%.63s\" as plan.csv gives cell %s, got \"%.63s\")",
                           r + 2, cols[k], want[k], p->id, got);
    }
    return 0;
}

/* A plan row of one folder: folder k's row i, with the folders whose plan has its cell. */
typedef struct PlanRef {
    const char *id;
    int k, i;
    unsigned plans;
} PlanRef;

static int planref_by_id(const void *a, const void *b) {
    const PlanRef *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c) return c;
    return x->k != y->k ? (x->k > y->k) - (x->k < y->k) : (x->i > y->i) - (x->i < y->i);
}

static int planref_by_place(const void *a, const void *b) {
    const PlanRef *x = a, *y = b;
    return x->k != y->k ? (x->k > y->k) - (x->k < y->k) : (x->i > y->i) - (x->i < y->i);
}

/* join_plans: every folder's plan.csv, and R->pf, their cells each once (the row of the first
 * folder whose plan has it: join_check found the others the same) in the folders' order */
static int join_plans(Report *R, Err *e) {
    int total = 0;
    for (int k = 0; k < R->ndirs; k++) {
        if (planfile_read(R->dirs[k], &R->pfs[k], e) != 0) return -1;
        if (R->pfs[k].n == 0)
            return err_set(e, EXIT_USAGE, R->dirs[k],
                           "plan.csv: no cells (expected the plan of an experiment)");
        total += R->pfs[k].n;
    }
    PlanRef *ref = xcalloc((size_t)total, sizeof *ref);
    int n = 0;
    for (int k = 0; k < R->ndirs; k++)
        for (int i = 0; i < R->pfs[k].n; i++)
            ref[n++] = (PlanRef){R->pfs[k].rows[i].id, k, i, 1u << k};
    qsort(ref, (size_t)n, sizeof *ref, planref_by_id);
    int w = 0;
    for (int q = 0; q < n; q++) {
        if (w > 0 && strcmp(ref[q].id, ref[w - 1].id) == 0) {
            if (ref[q].k == ref[q - 1].k) {
                err_set(e, EXIT_USAGE, R->dirs[ref[q].k],
                        "plan.csv: cell %s appears twice "
                        "(expected one row per cell)",
                        ref[q].id);
                free(ref);
                return -1;
            }
            ref[w - 1].plans |= ref[q].plans;
            continue;
        }
        ref[w++] = ref[q];
    }
    qsort(ref, (size_t)w, sizeof *ref, planref_by_place);
    snprintf(R->pf.experiment, sizeof R->pf.experiment, "%s", R->pfs[0].experiment);
    R->pf.n = w;
    R->pf.rows = xcalloc((size_t)w, sizeof(PlanRow));
    R->cells = xcalloc((size_t)w, sizeof(Result));
    for (int i = 0; i < w; i++) {
        R->pf.rows[i] = R->pfs[ref[i].k].rows[ref[i].i];
        R->cells[i].plans = ref[i].plans;
        R->cells[i].src = -1;
    }
    free(ref);
    return 0;
}

/* runs_of: folder k's runs.csv; a cell's results come from the first folder whose runs.csv
 * has it (join_check found its rows in the others the same) */
static int runs_of(Report *R, int k, Err *e) {
    Tab T;
    if (tab_load(R->dirs[k], "runs.csv", run_cols, &T, e) != 0) return -1;
    static const int nums[] = {RU_STAGE, RU_VAL, RU_METRIC, -1};
    if (tab_nums(&T, run_cols, nums, e) != 0) {
        csvio_free(&T.t);
        return -1;
    }
    for (int r = 0; r < T.t.nrows; r++) {
        int i = cell_of(R, rp_at(&T, r, RU_CELL));
        if (i < 0 || !(R->cells[i].plans >> k & 1)) {
            err_set(e, EXIT_USAGE, T.path,
                    "line %d: cell %s is not in plan.csv (expected the "
                    "results of one plan)",
                    r + 2, rp_at(&T, r, RU_CELL));
            csvio_free(&T.t);
            return -1;
        }
        Result *c = &R->cells[i];
        if (labels_agree(&T, r, &R->pfs[k], c->p, e) != 0) {
            csvio_free(&T.t);
            return -1;
        }
        c->runs |= 1u << k;
        if (c->src >= 0 && c->src != k) continue;
        c->src = k;
        if (!R->metric[c->t][0])
            snprintf(R->metric[c->t], sizeof R->metric[c->t], "%s", rp_at(&T, r, RU_MNAME));
        if (rp_num(&T, r, RU_STAGE) != 100) continue;
        const char *st = rp_at(&T, r, RU_STATUS);
        c->done = 1;
        c->status = strcmp(st, "ok") == 0 ? 0 : strcmp(st, "diverged") == 0 ? 1 : 2;
        c->val = rp_num(&T, r, RU_VAL);
        c->metric = rp_num(&T, r, RU_METRIC);
    }
    csvio_free(&T.t);
    return 0;
}

static int load_plan_runs(Report *R, Err *e) {
    if (join_plans(R, e) != 0) return -1;
    const PlanFile *pf = &R->pf;
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
        while (d < R->nseeds && R->seeds[d] != p->seed) d++;
        if (d == R->nseeds) R->seeds[R->nseeds++] = p->seed;
        R->ids[i] = (IdIx){p->id, i};
    }
    qsort(R->ids, (size_t)pf->n, sizeof *R->ids, idix_cmp);
    R->metric = xcalloc((size_t)R->tasks.n, sizeof *R->metric);
    for (int k = 0; k < R->ndirs; k++)
        if (runs_of(R, k, e) != 0) return -1;
    for (int i = 0; i < pf->n; i++) {
        Result *c = &R->cells[i];
        if (c->src < 0) /* no results: the first folder that plans it */
            while (!(c->plans >> ++c->src & 1)) {}
        R->ndone += c->done;
        R->ndiv += c->done && c->status == 1;
        R->nfail += c->done && c->status == 2;
    }
    if (R->ndone == 0)
        return err_set(e, EXIT_USAGE, R->dir,
                       "runs.csv: no finished cells (expected results of "
                       "lrlab run)");
    return 0;
}

/* on_disk_settings: the settings column of verdict.csv's primary row, or "" (a folder
 * compared before the settings were recorded, or no verdict.csv). */
static void on_disk_settings(const Report *R, char *out, size_t n) {
    char p[4200];
    CsvTable t;
    Err e;
    out[0] = 0;
    snprintf(p, sizeof p, "%s/verdict.csv", R->dir);
    if (!fs_exists(p) || csvio_read(p, NULL, &t, &e) != 0) return;
    int cs = csvio_col(&t, "settings"), cp = csvio_col(&t, "primary");
    for (int r = 0; cs >= 0 && cp >= 0 && r < t.nrows; r++)
        if (strcmp(csvio_at(&t, r, cp), "1") == 0) snprintf(out, n, "%s", csvio_at(&t, r, cs));
    csvio_free(&t);
}

/* The comparison files are used only when made with this report's settings; otherwise (or
 * when one is missing) lrlab compare runs again with them, so that no table mixes two. */
static int load_compare(Report *R, Err *e) {
    static const char *const files[] = {"comparisons.csv", "tests.csv", "verdict.csv",
                                        "profiles.csv", "ranks.csv"};
    int missing = 0;
    for (int i = 0; i < 5; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", R->dir, files[i]);
        missing |= !fs_exists(p);
    }
    char disk[COMPARE_SETTINGS_MAX];
    on_disk_settings(R, disk, sizeof disk);
    const int arms = R->copts.arms && R->copts.arms[0];
    if (missing || strcmp(disk, R->settings) != 0 || arms) {
        if (arms)
            printf("report: the multiverse over %s and its arms: running lrlab compare "
                   "--multiverse with %s\n",
                   R->src, R->settings);
        else if (missing)
            printf("report: %s has no complete comparison yet: running lrlab compare with %s\n",
                   R->src, R->settings);
        else
            printf("report: the comparison in %s was made with %s; running lrlab compare again "
                   "with %s\n",
                   R->src, disk[0] ? disk : "settings it did not record", R->settings);
        CompareOpts o = R->copts;
        o.dir = R->dir;
        o.brief = 1;
        o.multiverse = arms;
        fflush(stdout);
        int rc = compare_main(&o);
        fflush(stdout);
        if (rc != EXIT_OK) {
            e->code = rc;
            e->msg[0] = e->hint[0] = '\0';
            return -1;
        }
    }
    if (arms && rp_load_multiverse(R, e) != 0) return -1;
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
    static const int scmp[] = {CM_TASK, CM_OPTIM, CM_BASE, -1};
    static const int stest[] = {TS_TASK, TS_OPTIM, TS_BASE, -1};
    static const int sprof[] = {PF_SCHED, -1}, srank[] = {RK_SCHED, -1};
    if (tab_names(&R->cmp, cmp_cols, scmp, e) || tab_names(&R->tests, test_cols, stest, e) ||
        tab_names(&R->prof, prof_cols, sprof, e) || tab_names(&R->ranks, rank_cols, srank, e))
        return -1;
    for (int r = 0; r < R->cmp.t.nrows; r++) {
        int k = 0;
        while (k < STATS_NCATEGORY && strcmp(rp_at(&R->cmp, r, CM_CAT), rp_cat_names[k]) != 0) k++;
        if (k == STATS_NCATEGORY)
            return err_set(e, EXIT_USAGE, R->cmp.path,
                           "line %d: category: invalid value "
                           "(expected yes, yes*, no* or no, got \"%.20s\")",
                           r + 2, rp_at(&R->cmp, r, CM_CAT));
        if (rp_find(&R->scheds, rp_at(&R->cmp, r, CM_BASE)) < 0 ||
            rp_find(&R->tasks, rp_at(&R->cmp, r, CM_TASK)) < 0 ||
            rp_find(&R->optims, rp_at(&R->cmp, r, CM_OPTIM)) < 0)
            return err_set(e, EXIT_USAGE, R->cmp.path,
                           "line %d: %s %s %s is not in plan.csv "
                           "(expected the comparison of these results; run lrlab compare again)",
                           r + 2, rp_at(&R->cmp, r, CM_TASK), rp_at(&R->cmp, r, CM_OPTIM),
                           rp_at(&R->cmp, r, CM_BASE));
    }
    /* the primary measure and the claim */
    R->vrow = -1;
    for (int r = 0; r < R->ver.t.nrows; r++)
        if (rp_num(&R->ver, r, VR_PRIMARY) == 1) R->vrow = r;
    if (R->vrow < 0)
        return err_set(e, EXIT_USAGE, R->ver.path,
                       "no primary measure (expected a row with "
                       "primary 1; run lrlab compare again)");
    snprintf(R->measure, sizeof R->measure, "%s", rp_at(&R->ver, R->vrow, VR_MEASURE));
    R->claim = rp_num(&R->ver, R->vrow, VR_CLAIM);
    /* the reference: the one scheduler that is never a baseline (verdict.csv may name it) */
    int cref = csvio_col(&R->ver.t, "reference");
    R->ref = cref >= 0 ? rp_find(&R->scheds, csvio_at(&R->ver.t, R->vrow, cref)) : -1;
    if (R->ref < 0) {
        int n = 0;
        for (int s = 0; s < R->scheds.n; s++) {
            int base = 0;
            for (int r = 0; r < R->cmp.t.nrows && !base; r++)
                base = strcmp(rp_at(&R->cmp, r, CM_BASE), R->scheds.v[s]) == 0;
            if (!base && (n++ == 0 || strcmp(R->scheds.v[s], "greedy") == 0)) R->ref = s;
        }
        if (n == 0 || R->cmp.t.nrows == 0)
            return err_set(e, EXIT_USAGE, R->cmp.path,
                           "cannot tell the reference scheduler "
                           "(expected comparisons of one scheduler with the others)");
    }
    return 0;
}

/* same_columns: T has the columns of the joined table J (join_check found the headers of
 * every folder the same) */
static int same_columns(const Tab *J, const Tab *T, Err *e) {
    int same = J->t.ncols == T->t.ncols;
    for (int c = 0; same && c < J->t.ncols; c++) same = !strcmp(J->t.header[c], T->t.header[c]);
    return same ? 0
                : err_set(e, EXIT_USAGE, T->path,
                          "line 1: columns differ from %s's "
                          "(expected the same columns in every folder)",
                          J->path);
}

/* take_rows: appends to J the rows of T that take[] marks, moving their fields */
static void take_rows(Tab *J, Tab *T, const unsigned char *take) {
    int n = 0, nc = T->t.ncols;
    for (int r = 0; r < T->t.nrows; r++) n += take[r];
    J->t.cells = xrealloc(J->t.cells, sizeof(char *) * ((size_t)J->t.nrows + n) * nc + 1);
    for (int r = 0; r < T->t.nrows; r++) {
        if (!take[r]) continue;
        for (int c = 0; c < nc; c++) {
            J->t.cells[(size_t)J->t.nrows * nc + c] = T->t.cells[(size_t)r * nc + c];
            T->t.cells[(size_t)r * nc + c] = NULL;
        }
        J->t.nrows++;
    }
}

/* tuning.csv, of every folder that has one: the rows of a (task, optimizer, scheduler) from
 * the first folder that has it (join_check found them the same in the others) */
static int load_tuning(Report *R, Err *e) {
    for (int k = 0; k < R->ndirs; k++) {
        char p[4200];
        snprintf(p, sizeof p, "%s/tuning.csv", R->dirs[k]);
        if (!fs_exists(p)) continue;
        Tab T;
        if (tab_load(R->dirs[k], "tuning.csv", tune_cols, &T, e) != 0) return -1;
        static const int nums[] = {TU_LR, TU_VAL, TU_CHOSEN, -1};
        static const int names[] = {TU_TASK, TU_OPTIM, TU_SCHED, -1};
        if (tab_nums(&T, tune_cols, nums, e) != 0 || tab_names(&T, tune_cols, names, e) != 0 ||
            (R->have_tune && same_columns(&R->tune, &T, e) != 0)) {
            csvio_free(&T.t);
            return -1;
        }
        if (!R->have_tune) {
            R->tune = T;
            R->have_tune = 1;
            continue;
        }
        unsigned char *take = xcalloc((size_t)T.t.nrows + 1, 1);
        for (int r = 0; r < T.t.nrows; r++) {
            int had = 0;
            for (int q = 0; q < R->tune.t.nrows && !had; q++)
                had = !strcmp(rp_at(&R->tune, q, TU_TASK), rp_at(&T, r, TU_TASK)) &&
                      !strcmp(rp_at(&R->tune, q, TU_OPTIM), rp_at(&T, r, TU_OPTIM)) &&
                      !strcmp(rp_at(&R->tune, q, TU_SCHED), rp_at(&T, r, TU_SCHED));
            take[r] = (unsigned char)!had;
        }
        take_rows(&R->tune, &T, take);
        free(take);
        csvio_free(&T.t);
    }
    return 0;
}

static int read_cell_file(const Report *R, const char *sub, const Result *c,
                          const char *const *cols, CsvTable *t, Err *e) {
    char p[4200];
    snprintf(p, sizeof p, "%s/%s/%s.csv", R->dirs[c->src], sub, c->p->id);
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

/* evals_of: folder k's evals.csv, checked; the rows of the cells whose results come from it
 * are appended to R->evals (each cell's rows together, as merge writes them) */
static int evals_of(Report *R, int k, Err *e) {
    Tab T;
    if (tab_load(R->dirs[k], "evals.csv", eval_cols, &T, e) != 0) return -1;
    static const int nums[] = {EV_STEP, EV_TRAIN, EV_VAL, EV_METRIC, EV_LR, -1};
    if (tab_nums(&T, eval_cols, nums, e) != 0 || (k > 0 && same_columns(&R->evals, &T, e) != 0)) {
        csvio_free(&T.t);
        return -1;
    }
    if (k == 0) { /* the joined table: DIR's path, header and columns, no rows yet */
        R->evals = T;
        R->evals.t.nrows = 0;
        R->evals.t.cells = NULL;
        R->evals.t.header = xcalloc((size_t)T.t.ncols + 1, sizeof(char *));
        for (int c = 0; c < T.t.ncols; c++) R->evals.t.header[c] = xstrdup(T.t.header[c]);
    }
    unsigned char *take = xcalloc((size_t)T.t.nrows + 1, 1);
    int prev = -1, rc = 0;
    for (int r = 0, row = R->evals.t.nrows; r < T.t.nrows && rc == 0; r++) {
        int i = cell_of(R, rp_at(&T, r, EV_CELL));
        if (i < 0 || !(R->cells[i].plans >> k & 1))
            rc = err_set(e, EXIT_USAGE, T.path,
                         "line %d: cell: not in plan.csv (expected a cell of the plan, got "
                         "\"%.30s\")",
                         r + 2, rp_at(&T, r, EV_CELL));
        else if (R->cells[i].src == k && i != prev && R->ev_n[i] > 0)
            rc = err_set(e, EXIT_USAGE, T.path,
                         "line %d: cell %s: rows apart (expected each cell's rows together, "
                         "got a second block)",
                         r + 2, rp_at(&T, r, EV_CELL));
        else if (R->cells[i].src == k) {
            if (R->ev_n[i]++ == 0) R->ev_first[i] = row;
            take[r] = 1;
            row++;
        }
        prev = i;
    }
    if (rc == 0) take_rows(&R->evals, &T, take);
    free(take);
    csvio_free(&T.t);
    return rc;
}

/* evals.csv of every folder; timing.csv, optional: without it the figures against seconds
 * are left out */
static int load_evals(Report *R, Err *e) {
    R->ev_first = xcalloc((size_t)R->pf.n + 1, sizeof(int));
    R->ev_n = xcalloc((size_t)R->pf.n + 1, sizeof(int));
    for (int k = 0; k < R->ndirs; k++)
        if (evals_of(R, k, e) != 0) return -1;
    R->secs = xcalloc((size_t)R->pf.n + 1, sizeof(double));
    for (int i = 0; i < R->pf.n; i++) R->secs[i] = NAN;
    for (int k = 0; k < R->ndirs; k++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/timing.csv", R->dirs[k]);
        CsvTable tt;
        Err ignored;
        if (!fs_exists(path) || csvio_read(path, NULL, &tt, &ignored) != 0) continue;
        for (int r = 0; r < tt.nrows && tt.ncols >= 2; r++) {
            int i = cell_of(R, csvio_at(&tt, r, 0));
            double x;
            if (i >= 0 && R->cells[i].src == k && csvio_parse_num(csvio_at(&tt, r, 1), &x) == 0 &&
                x > 0)
                R->secs[i] = x;
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
    for (int t = 0; t < R->tasks.n; t++) R->lr_lo[t] = INFINITY, R->lr_hi[t] = 0;
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

static int cat_index(const char *s) {
    for (int k = 0; k < STATS_NCATEGORY; k++)
        if (strcmp(s, rp_cat_names[k]) == 0) return k;
    return STATS_NO;
}

/* counts of the comparisons whose column col equals name (col < 0: all) */
Count rp_count_by(const Report *R, int col, const char *name) {
    Count c = {{0}};
    for (int r = 0; r < R->cmp.t.nrows; r++)
        if (col < 0 || strcmp(rp_at(&R->cmp, r, col), name) == 0)
            c.n[cat_index(rp_at(&R->cmp, r, CM_CAT))]++;
    return c;
}

int rp_count_total(const Count *c) { return c->n[0] + c->n[1] + c->n[2] + c->n[3]; }

static void count_row(Table *T, const char *group, const char *name, const Count *c, int rule) {
    int N = rp_count_total(c);
    if (N == 0) return;
    double pct[STATS_NPCT];
    stats_paper_percentages(c->n, pct);
    int r = table_row(T, rule);
    table_set(T, r, 0, "%s", rule ? group : "");
    table_set(T, r, 1, "%s", name);
    table_set(T, r, 2, "%d", N);
    for (int k = 0; k < STATS_NCATEGORY; k++) table_set(T, r, 3 + k, "%d", c->n[k]);
    for (int k = 0; k < STATS_NPCT; k++) table_set(T, r, 7 + k, "%.2f", pct[k]);
}

static Table *table_paper(Report *R, Count *all) {
    static const char *const head[] = {
        "by",         "",          "N",       "yes",
        "yes*",       "no*",       "no",      "as good or better (%)",
        "better (%)", "worse (%)", "tie (%)", "clearly better (%)"};
    Table *T = table_new(R, "paper_counting", "llrrrrrrrrrr", head);
    char tau[128];
    rp_tau_text(R, tau, sizeof tau);
    snprintf(T->caption, sizeof T->caption,
             "The paper's counting: %s against each baseline on %s, every seed a datapoint, "
             "Δ = L_baseline − L_%s, %s; yes Δ ≥ τ, yes* 0 < Δ < τ, no* −τ < Δ ≤ 0, no Δ ≤ −τ; "
             "as good or better = yes + yes* + no*. Diverged or failed runs count as worse than "
             "any finite result.",
             R->scheds.v[R->ref], R->measure, R->scheds.v[R->ref], tau);
    for (int s = 0, first = 1; s < R->scheds.n; s++) {
        if (s == R->ref) continue;
        Count c = rp_count_by(R, CM_BASE, R->scheds.v[s]);
        if (rp_count_total(&c)) count_row(T, "baseline", R->scheds.v[s], &c, first), first = 0;
    }
    for (int g = 0, first = 1; g < NSTAGES; g++) {
        char st[16], name[32];
        snprintf(st, sizeof st, "%d", stage_pct[g]);
        snprintf(name, sizeof name, "%d%% of steps", stage_pct[g]);
        Count c = rp_count_by(R, CM_STAGE, st);
        if (rp_count_total(&c)) count_row(T, "stage", name, &c, first), first = 0;
    }
    for (int t = 0, first = 1; t < R->tasks.n; t++) {
        Count c = rp_count_by(R, CM_TASK, R->tasks.v[t]);
        if (rp_count_total(&c)) count_row(T, "task", R->tasks.v[t], &c, first), first = 0;
    }
    for (int o = 0, first = 1; o < R->optims.n; o++) {
        Count c = rp_count_by(R, CM_OPTIM, R->optims.v[o]);
        if (rp_count_total(&c)) count_row(T, "optimizer", R->optims.v[o], &c, first), first = 0;
    }
    *all = rp_count_by(R, -1, NULL);
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
        if (strcmp(rp_at(T, r, TS_MEASURE), R->measure) != 0) continue;
        if ((task && strcmp(rp_at(T, r, TS_TASK), task)) ||
            (optim && strcmp(rp_at(T, r, TS_OPTIM), optim)) ||
            (base && strcmp(rp_at(T, r, TS_BASE), base)))
            continue;
        const char *d = rp_at(T, r, TS_DEC);
        if (strcmp(d, "win") == 0) x.w++;
        else if (strcmp(d, "loss") == 0) x.l++;
        else x.t++;
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
    table_set(T, r, c0, "%.1f", 100 * rp_num(V, vr, VR_FRAC));
    table_set(T, r, c0 + 1, "%.1f–%.1f", 100 * rp_num(V, vr, VR_LO), 100 * rp_num(V, vr, VR_HI));
    table_set(T, r, c0 + 2, "%s", rp_at(V, vr, VR_VERDICT));
}

static Table *table_stats(Report *R) {
    static const char *const head[] = {"baseline",   "comparisons", "wins",
                                       "ties",       "losses",      "as good or better (%)",
                                       "95% CI (%)", "verdict"};
    Table *T = table_new(R, "statistics", "lrrrrrrl", head);
    char tau[128], alpha[160];
    rp_tau_text(R, tau, sizeof tau);
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
    table_set(T, r, 1, "%.0f", rp_num(V, R->vrow, VR_UNITS));
    table_set(T, r, 2, "%.0f", rp_num(V, R->vrow, VR_WINS));
    table_set(T, r, 3, "%.0f", rp_num(V, R->vrow, VR_TIES));
    table_set(T, r, 4, "%.0f", rp_num(V, R->vrow, VR_LOSSES));
    verdict_cells(R, T, r, 5, R->vrow);
    for (int c = 0; c < T->ncols; c++) T->bold[(size_t)r * T->ncols + c] = 1;
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
        table_set(T, r, 0, "%s%s", rp_at(V, v, VR_MEASURE), v == R->vrow ? " (primary)" : "");
        table_set(T, r, 1, "%.0f", rp_num(V, v, VR_UNITS));
        table_set(T, r, 2, "%.0f", rp_num(V, v, VR_WINS));
        table_set(T, r, 3, "%.0f", rp_num(V, v, VR_TIES));
        table_set(T, r, 4, "%.0f", rp_num(V, v, VR_LOSSES));
        verdict_cells(R, T, r, 5, v);
    }
    return T;
}

static Table *table_outcomes(Report *R) {
    const char **head = xcalloc((size_t)R->optims.n + 2, sizeof(char *));
    char align[48] = "l";
    head[0] = "task";
    int no = R->optims.n < 40 ? R->optims.n : 40;
    for (int o = 0; o < no; o++) head[1 + o] = R->optims.v[o], strcat(align, "r");
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

double rp_profile_at(const Report *R, const char *sched, double tau) {
    for (int r = 0; r < R->prof.t.nrows; r++)
        if (strcmp(rp_at(&R->prof, r, PF_MEASURE), R->measure) == 0 &&
            strcmp(rp_at(&R->prof, r, PF_SCHED), sched) == 0 &&
            fabs(rp_num(&R->prof, r, PF_TAU) - tau) < 1e-9)
            return rp_num(&R->prof, r, PF_FRAC);
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
        if (strcmp(rp_at(&R->ranks, r, RK_MEASURE), R->measure) == 0) ord[k++] = r;
    for (int i = 1; i < k; i++) /* insertion sort by mean rank, stable */
        for (int j = i;
             j > 0 && rp_num(&R->ranks, ord[j], RK_MEAN) < rp_num(&R->ranks, ord[j - 1], RK_MEAN);
             j--) {
            int x = ord[j];
            ord[j] = ord[j - 1];
            ord[j - 1] = x;
        }
    for (int i = 0; i < k; i++) {
        int r = table_row(T, 0), q = ord[i];
        const char *s = rp_at(&R->ranks, q, RK_SCHED);
        double p1 = rp_profile_at(R, s, 1), p11 = rp_profile_at(R, s, 1.1);
        table_set(T, r, 0, "%s", s);
        table_set(T, r, 1, "%.2f", rp_num(&R->ranks, q, RK_MEAN));
        if (!isnan(p1)) table_set(T, r, 2, "%.1f", 100 * p1);
        if (!isnan(p11)) table_set(T, r, 3, "%.1f", 100 * p11);
        table_set(T, r, 4, "%.0f", rp_num(&R->ranks, q, RK_PROBLEMS));
        if (strcmp(s, R->scheds.v[R->ref]) == 0) T->bold[(size_t)r * T->ncols] = 1;
    }
    free(ord);
    return T;
}

/* ---- per-task summary ---- */

/* the order of schedulers in tables and legends: the reference first, then plan order */
int rp_sched_at(const Report *R, int k) {
    if (k == 0) return R->ref;
    return k <= R->ref ? k - 1 : k;
}

static Table *table_summary(Report *R, int t) {
    const char **head = xcalloc((size_t)R->optims.n + 2, sizeof(char *));
    char align[48] = "l", stem[200], name[256];
    head[0] = "scheduler";
    int no = R->optims.n < 40 ? R->optims.n : 40;
    for (int o = 0; o < no; o++) head[1 + o] = R->optims.v[o], strcat(align, "r");
    rp_stem_of(stem, sizeof stem, R->tasks.v[t]);
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
                int s = rp_sched_at(R, k), n = 0, bad = 0;
                for (int i = 0; i < R->pf.n; i++) {
                    const Result *c = &R->cells[i];
                    if (c->t != t || c->o != o || c->s != s || !c->done) continue;
                    double x = block == 0 ? c->val : c->metric;
                    if (block == 1 && metric_max) x = -x; /* lower is better from here */
                    if (c->status != 0 || !isfinite(x)) x = INFINITY, bad++;
                    v[n++] = x;
                }
                int r = r0 + 1 + k;
                while (T->nrows <= r) table_row(T, 0);
                table_set(T, r, 0, "%s", R->scheds.v[s]);
                if (n == 0) continue;
                double med = rp_quant(v, n, 0.5), q1 = rp_quant(v, n, 0.25),
                       q3 = rp_quant(v, n, 0.75);
                double sign = block == 1 && metric_max ? -1 : 1;
                if (isinf(med)) table_set(T, r, 1 + o, "diverged %d/%d", bad, n);
                else if (isinf(q3))
                    table_set(T, r, 1 + o, "%.4g (—)%s", sign * med, bad ? "†" : "");
                else table_set(T, r, 1 + o, "%.4g (%.2g)%s", sign * med, q3 - q1, bad ? "†" : "");
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
    for (int k = 0; k < ns; k++) head[3 + k] = R->scheds.v[rp_sched_at(R, k)], strcat(align, "r");
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
                if (strcmp(rp_at(U, q, TU_TASK), R->tasks.v[t]) ||
                    strcmp(rp_at(U, q, TU_OPTIM), R->optims.v[o]))
                    continue;
                if (r < 0) {
                    r = table_row(T, o == 0);
                    table_set(T, r, 0, "%s", o == 0 ? R->tasks.v[t] : "");
                    table_set(T, r, 1, "%s", R->optims.v[o]);
                }
                if (strcmp(rp_at(U, q, TU_SCHED), R->scheds.v[R->ref]) == 0) grid++;
                if (rp_num(U, q, TU_CHOSEN) != 1) continue;
                for (int k = 0; k < ns; k++)
                    if (strcmp(rp_at(U, q, TU_SCHED), R->scheds.v[rp_sched_at(R, k)]) == 0)
                        table_set(T, r, 3 + k, "%g", rp_num(U, q, TU_LR));
            }
            if (r >= 0) table_set(T, r, 2, "%d", grid);
        }
    return T;
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
    for (int d = 0; d < R->nseeds; d++) buf_printf(md, "%s%lld", d ? ", " : "", R->seeds[d]);
    if (R->ndone == R->pf.n) buf_printf(md, "): %d training runs, all finished", R->pf.n);
    else buf_printf(md, "): %d training runs, of which %d finished", R->pf.n, R->ndone);
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
        if (*f == 0) *f = i + 1;
        else if (R->cells[*f - 1].p->lr0 != R->cells[i].p->lr0) same_lr = 0;
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
    rp_tau_text(R, tau, sizeof tau);
    alpha_text(R, alpha, sizeof alpha);
    buf_printf(md,
               "The measure is `%s`, %s, %s. A diverged or failed run counts as worse than "
               "any finite result. The tie tolerance is %s. The test is a paired Wilcoxon "
               "signed-rank test over seeds (exact for small samples) with Holm's correction "
               "within each task and optimizer (over its baselines and stages), at %s; the claim "
               "under test is that %s is \"as good as "
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
    const char *verdict = rp_at(V, vr, VR_VERDICT), *ref = R->scheds.v[R->ref];
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
                   R->nseeds, R->nseeds == 1 ? "" : "s", rp_num(V, vr, VR_UNITS), R->measure, alpha,
                   100 * rp_num(V, vr, VR_FRAC));
        return;
    }
    /* verdict.csv says whether the seeds were drawn again (not past compare's limit) */
    int csr = csvio_col(&V->t, "seeds_resampled");
    int redrawn =
        R->copts.interval != IV_CROSSED || csr < 0 || strcmp(csvio_at(&V->t, vr, csr), "1") == 0;
    static const char *const resampling[NINTERVAL] = {
        "comparisons as if independent", "tasks", "optimizers",
        "tasks and optimizers crossed, with the seeds drawn again within each comparison",
        "the seeds within each comparison"};
    buf_printf(md,
               ": %s was as good or better (%s) in %.1f%% of %.0f comparisons "
               "on %s (95%% bootstrap interval %.1f%% to %.1f%%, resampling %s; %.0f wins, "
               "%.0f ties, %.0f losses at %s with Holm's correction). ",
               ref,
               R->copts.reading == READ_NOT_WORSE ? "not shown worse: a win or a tie"
                                                  : "non-inferior: shown at most τ worse",
               100 * rp_num(V, vr, VR_FRAC), rp_num(V, vr, VR_UNITS), R->measure,
               100 * rp_num(V, vr, VR_LO), 100 * rp_num(V, vr, VR_HI),
               redrawn ? resampling[R->copts.interval]
                       : "tasks and optimizers crossed, each comparison's decision fixed (too "
                         "many seeds to draw them again)",
               rp_num(V, vr, VR_WINS), rp_num(V, vr, VR_TIES), rp_num(V, vr, VR_LOSSES), alpha);
    if (strcmp(verdict, "supported") == 0) {
        buf_printf(md,
                   "The whole interval lies above %g%%. A tie means that no difference "
                   "beyond τ could be shown at this number of seeds, not that the schedulers are "
                   "equal",
                   100 * R->claim);
        if (rp_num(V, vr, VR_TIES) > rp_num(V, vr, VR_WINS))
            buf_printf(md,
                       "; here %.0f of the %.0f comparisons are ties, so the support rests "
                       "mostly on %s not being shown worse rather than on it being shown better",
                       rp_num(V, vr, VR_TIES), rp_num(V, vr, VR_UNITS), ref);
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
    const char *verdict = rp_at(&R->ver, R->vrow, VR_VERDICT), *ref = R->scheds.v[R->ref];
    int paper_above = pct[STATS_PCT_GOOD_OR_BETTER] > 100 * R->claim;
    buf_printf(md, "## How the counting rule changes the answer\n\n");
    buf_printf(md,
               "Counted the paper's way, %s is as good or better in %.2f%% of %d datapoints, "
               "%s the claimed %g%% (the paper's own small-model table gives 86.73%% of 196, "
               "from one seed). That rule makes every |Δ| < τ a tie and every seed a datapoint, "
               "whatever the spread across seeds; the statistical rule calls a comparison a win "
               "or a loss only when the seeds agree beyond chance and the median Δ exceeds τ, "
               "and puts an interval around the share. ",
               ref, pct[STATS_PCT_GOOD_OR_BETTER], rp_count_total(all),
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

/* md_joined: the folders joined by cell id (--with) and the finished runs read from each */
static void md_joined(const Report *R, Buf *md) {
    if (R->ndirs < 2) return;
    buf_printf(md,
               "The runs come from %d result folders joined by cell id (a cell's id is the "
               "hash of its whole configuration, so one id in two folders is one run, read once "
               "from the first folder that has it): ",
               R->ndirs);
    for (int k = 0; k < R->ndirs; k++) {
        int n = 0, also = 0;
        for (int i = 0; i < R->pf.n; i++) {
            n += R->cells[i].done && R->cells[i].src == k;
            also += R->cells[i].src != k && (R->cells[i].runs >> k & 1);
        }
        buf_printf(md, "%s%d from `%s` (experiment `%s`%s",
                   k == 0              ? ""
                   : k == R->ndirs - 1 ? " and "
                                       : ", ",
                   n, R->dirs[k], R->pfs[k].experiment, also ? "; " : ")");
        if (also) buf_printf(md, "%d more skipped: the same cells as in a folder before it)", also);
    }
    buf_printf(md, ".\n\n");
}

static int compose(Report *R, const char *cmdline, Err *e) {
    Buf *md = rp_out_add(R, "report.md");
    const char *ref = R->scheds.v[R->ref];
    rp_banner(R, md, "<!--", " -->");
    buf_printf(md,
               "# Results\n\n*Generated by `%s` from the result files of experiment `%s`; "
               "every number in this section comes from those files.*\n\n",
               cmdline, R->pf.experiment);
    md_joined(R, md);
    md_setup(R, md);

    buf_printf(md, "## The paper's counting\n\n");
    buf_printf(md,
               "As in the paper (Subramanian et al.), each seed of each (task, optimizer, "
               "baseline, stage) is a datapoint; Δ is the baseline's loss minus %s's, and "
               "\"as good or better\" is the share of datapoints with Δ > −τ.\n\n",
               ref);
    Count all;
    md_table(R, md, table_paper(R, &all));
    rp_fig_categories(R, md);
    rp_fig_delta(R, md);

    buf_printf(md, "## Statistical comparison\n\n");
    md_verdict(R, md);
    md_table(R, md, table_stats(R));
    Table *verdicts = table_verdicts(R);
    md_table(R, md, verdicts);
    md_table(R, md, table_outcomes(R));
    md_losses(R, md);
    md_rules(R, md, &all);

    if (R->have_mv) rp_arms(R, md);
    if (R->size_dir) rp_size(R, md);

    buf_printf(md, "## Across schedulers\n\n");
    md_table(R, md, table_ranks(R));
    rp_fig_profiles(R, md);
    rp_fig_target(R, md);

    buf_printf(md, "## Per task\n\n");
    for (int t = 0; t < R->tasks.n; t++) {
        buf_printf(md, "### %s\n\n", R->tasks.v[t]);
        md_table(R, md, table_summary(R, t));
        rp_fig_lr(R, t, md);
        if (rp_fig_val(R, t, md, e) != 0) return -1;
        rp_fig_rivals(R, t, md);
    }

    buf_printf(md, "## Limits\n\n");
    const TieKind tk = R->copts.tie.kind;
    const char *tol = tk == TIE_REL    ? "The tolerance τ is relative to the baseline's loss."
                      : tk == TIE_TASK ? "The tolerance τ follows each task's scale (a share of "
                                         "its baselines' median value)."
                      : tk == TIE_SD   ? "The tolerance τ follows the baselines' seed-to-seed "
                                         "spread on each task and optimizer."
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

/* ---- for the study sections (report_study.c) ---- */

Table *rp_table_new(Report *R, const char *name, const char *align, const char *const *head) {
    return table_new(R, name, align, head);
}
int rp_table_row(Table *T, int rule) { return table_row(T, rule); }
void rp_table_set(Table *T, int r, int c, const char *fmt, ...) {
    char s[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s, sizeof s, fmt, ap);
    va_end(ap);
    table_set(T, r, c, "%s", s);
}
void rp_md_table(Report *R, Buf *md, Table *T) { md_table(R, md, T); }
int rp_tab_load(const char *dir, const char *name, const char *const *cols, Tab *T, Err *e) {
    return tab_load(dir, name, cols, T, e);
}
int rp_tab_nums(const Tab *T, const char *const *cols, const int *ks, Err *e) {
    return tab_nums(T, cols, ks, e);
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
    while (len > 1 && parent[len - 1] == '/') parent[--len] = '\0';
    char *slash = strrchr(parent, '/');
    const char *last = slash ? slash + 1 : parent;
    char leaf[PATH_MAX];
    snprintf(leaf, sizeof leaf, "%s", last);
    if (slash == parent) snprintf(parent, sizeof parent, "/");
    else if (slash) *slash = '\0';
    else snprintf(parent, sizeof parent, ".");
    if (abs_path(parent, out, n) != 0) return -1;
    if (strcmp(leaf, ".") == 0 || !*leaf) return 0;
    if (strcmp(leaf, "..") == 0) {
        char *s = strrchr(out, '/');
        if (s && s != out) *s = '\0';
        else snprintf(out, n, "/");
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
    if (!from[i] && (to[i] == '/' || !to[i])) common = i;
    else if (!to[i] && from[i] == '/') common = i;
    size_t off = 0;
    out[0] = '\0';
    for (const char *s = from + common; *s; s++)
        if (*s == '/' && off + 4 < n)
            off += (size_t)snprintf(out + off, n - off, "%s..", off ? "/" : "");
    const char *rest = to + common;
    while (*rest == '/') rest++;
    if (*rest) snprintf(out + off, n - off, "%s%s", off ? "/" : "", rest);
    if (!out[0]) snprintf(out, n, ".");
}

/* ---- drawing ---- */

/* draw: gnuplot STEM.gp in PAPER/figures for one format into STEM.FMT.lrlab-tmp, which then
 * replaces STEM.FMT atomically; a PDF's CreationDate is pinned so that the bytes repeat */
static int draw(const char *figdir, const char *stem, const char *fmt, Err *e) {
    char expr[64], script[300];
    char tmp[4400], dst[4400];
    snprintf(expr, sizeof expr, "fmt='%s'; suffix='.lrlab-tmp'", fmt); /* fs_is_temp_name */
    snprintf(script, sizeof script, "%s.gp", stem);
    if (fs_path(tmp, sizeof tmp, e, "%s/%s.%s.lrlab-tmp", figdir, stem, fmt) != 0 ||
        fs_path(dst, sizeof dst, e, "%s/%s.%s", figdir, stem, fmt) != 0)
        return -1;
    fflush(NULL);
    sigset_t stop, old; /* SIGINT or SIGTERM from here on kill gnuplot and remove tmp */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigprocmask(SIG_BLOCK, &stop, &old);
    pid_t pid = fork();
    if (pid > 0) folder_child(pid, tmp);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) return err_set(e, EXIT_RUN, figdir, "cannot start gnuplot (fork failed)");
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        if (chdir(figdir) != 0) _exit(127);
        if (!freopen(".gnuplot.log", "a", stderr)) _exit(127);
        execlp(LRLAB_GNUPLOT, "gnuplot", "-d", "-e", expr, script, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            folder_child(0, NULL);
            return err_set(e, EXIT_RUN, figdir, "cannot wait for gnuplot");
        }
    folder_child(0, tmp); /* gnuplot is done; its figure is still to be removed on a signal */
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        unlink(tmp);
        return err_set(e, EXIT_RUN, figdir, "%s: gnuplot failed (exit %d; see %s/.gnuplot.log)",
                       script, WIFEXITED(st) ? WEXITSTATUS(st) : -1, figdir);
    }
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
    folder_child(0, NULL);
    return rc;
}

/* ---- report_main ---- */

static void report_free(Report *R) {
    planfile_free(&R->pf);
    for (int k = 0; k < R->ndirs; k++) planfile_free(&R->pfs[k]);
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
    for (size_t i = 0; i < sizeof tabs / sizeof tabs[0]; i++) csvio_free(&tabs[i]->t);
    if (R->have_mv) csvio_free(&R->mv.t);
    if (R->size_dir) csvio_free(&R->tt.t), csvio_free(&R->tr.t);
    for (int i = 0; i < R->nouts; i++) buf_free(&R->outs[i]->b), free(R->outs[i]);
    free(R->outs);
    free(R->figs);
    for (int i = 0; i < R->ntabs; i++) table_free(R->tabs[i]);
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
    int hp = fs_exists(p), hr = fs_exists_packed(q);
    if (!hp || !hr)
        return err_set(e, EXIT_USAGE, dir,
                       "not a results folder (expected plan.csv and runs.csv "
                       "written by lrlab run, got %s)",
                       !hp && !hr ? "neither"
                       : !hp      ? "no plan.csv"
                                  : "no runs.csv");
    return 0;
}

/* compare_flags: the command-line flags that give o's settings where they differ from the
 * defaults ("" when none do). */
static void compare_flags(const CompareOpts *o, char *out, size_t n) {
    CompareOpts d = compare_defaults();
    char tie[64];
    tie_format(o->tie, tie, sizeof tie);
    out[0] = 0;
    size_t k = 0;
#define ADD(...) (k += (size_t)snprintf(out + k, k < n ? n - k : 0, __VA_ARGS__))
    if (strcmp(o->reference, d.reference) != 0) ADD(" --reference %s", o->reference);
    if (strcmp(o->measure, d.measure) != 0) ADD(" --measure %s", o->measure);
    if (o->tie.kind != d.tie.kind || o->tie.x != d.tie.x) ADD(" --tie %s", tie);
    if (o->reading != d.reading) ADD(" --reading %s", reading_names[o->reading]);
    if (o->interval != d.interval) ADD(" --interval %s", interval_names[o->interval]);
    char num[32];
    if (o->alpha != d.alpha) compare_num(o->alpha, num, sizeof num), ADD(" --alpha %s", num);
    if (o->claim != d.claim) compare_num(o->claim, num, sizeof num), ADD(" --claim %s", num);
    for (int i = 0; i < o->nwith; i++) ADD(" --with %s", o->with[i]);
#undef ADD
}

int report_main(const char *dir, const char *paper_dir, const char *size_dir,
                const CompareOpts *copts, Err *e) {
    Report R;
    memset(&R, 0, sizeof R);
    R.copts = *copts;
    compare_settings(copts, R.settings, sizeof R.settings);
    char flags[COMPARE_SETTINGS_MAX];
    compare_flags(copts, flags, sizeof flags);
    e->code = 0;
    e->msg[0] = e->hint[0] = '\0';
    Folder dir_lock = {-1}, paper_lock = {-1};
    int trapped = 0;
    if (fs_check_dir_len("report: DIR", dir, e) != 0 ||
        (paper_dir && fs_check_dir_len("report: --paper", paper_dir, e) != 0) ||
        folder_check_free(dir, e) != 0) /* a run still writing it: say so, not what is missing */
        return -1;
    snprintf(R.src, sizeof R.src, "%s", dir);
    for (size_t n = strlen(R.src); n > 1 && R.src[n - 1] == '/';) R.src[--n] = '\0';
    R.dir = R.src;
    R.dirs[R.ndirs++] = R.dir;
    for (int k = 0; k < copts->nwith; k++) R.dirs[R.ndirs++] = copts->with[k];
    char paper[4200], cmdline[COMPARE_SETTINGS_MAX + 4500];
    if (paper_dir) {
        snprintf(paper, sizeof paper, "%s", paper_dir);
        for (size_t n = strlen(paper); n > 1 && paper[n - 1] == '/';) paper[--n] = '\0';
        snprintf(cmdline, sizeof cmdline, "lrlab report %s --paper %s%s", R.src, paper, flags);
    } else {
        snprintf(paper, sizeof paper, "%s/report", R.src);
        snprintf(cmdline, sizeof cmdline, "lrlab report %s%s", R.src, flags);
    }
    R.paper = paper;
    int rc = -1;
    /* 1. read and check everything; compose every file in memory */
    static const char *const subs[] = {"tables", "figures", "figures/data", NULL};
    static const char *const paper_files[] = {"report.md", "report.html", NULL};
    if (check_dir(R.dir, e) != 0 ||
        (R.ndirs > 1 && join_check("report", R.dirs, R.ndirs, 1, e) != 0) ||
        (!paper_dir && fs_check_not_link(paper, e) != 0) ||
        folder_check(paper, subs, paper_files, e) != 0 ||
        folder_claim(R.dir, NULL, NULL, 1, &dir_lock, e) != 0 || load_plan_runs(&R, e) != 0 ||
        load_compare(&R, e) != 0 || load_tuning(&R, e) != 0 || load_evals(&R, e) != 0 ||
        load_lr_ranges(&R, e) != 0 || (size_dir && rp_load_size(&R, size_dir, e) != 0))
        goto out;
    char figdir[4400], absdir[PATH_MAX], absfig[PATH_MAX];
    snprintf(figdir, sizeof figdir, "%s/figures", paper);
    if (abs_path(figdir, absfig, sizeof absfig) != 0) {
        err_set(e, EXIT_USAGE, figdir, "cannot resolve the path (%s)", strerror(errno));
        goto out;
    }
    for (int k = 0; k < R.ndirs; k++) { /* each folder's curves, relative to the figures */
        if (abs_path(R.dirs[k], absdir, sizeof absdir) != 0) {
            err_set(e, EXIT_USAGE, R.dirs[k], "cannot resolve the path (%s)", strerror(errno));
            goto out;
        }
        rel_path(absfig, absdir, R.figrel[k], sizeof R.figrel[k]);
    }
    if (compose(&R, cmdline, e) != 0) goto out;
    /* 2. write, holding DIR (locked before reading, if lrlab may write there: the comparison
     * may be written to it) and PAPER: one lrlab at a time on either; a signal removes the
     * temporary file being written and stops gnuplot */
    struct stat sd, sp;
    if (fs_mkdirs(paper, e) != 0) goto out;
    const int same = stat(R.dir, &sd) == 0 && stat(paper, &sp) == 0 && sd.st_dev == sp.st_dev &&
                     sd.st_ino == sp.st_ino;
    if (folder_claim(paper, subs, paper_files, 0, same ? &dir_lock : &paper_lock, e) != 0) goto out;
    folder_trap_signals();
    trapped = 1;
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
    if (rp_html(&R, e) != 0) goto out; /* embeds the figures just drawn */
    printf("report: %s/report.md, %d tables in %s/tables (Markdown and LaTeX), %d figures in "
           "%s/figures (gnuplot, PNG and PDF); all of them in %s/report.html\n",
           paper, R.ntabs, paper, R.nfigs, paper, paper);
    rc = 0;
out:
    if (trapped) folder_untrap_signals();
    folder_release(&paper_lock);
    folder_release(&dir_lock);
    report_free(&R);
    return rc;
}
