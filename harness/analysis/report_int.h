/* report_int.h - what the parts of lrlab report share (report.c: loading, tables, report.md,
 * drawing; report_figures.c: the figures; report_html.c: report.html). Not installed for
 * users: the public interface is report.h.
 */
#ifndef LRLAB_REPORT_INT_H
#define LRLAB_REPORT_INT_H

#include "harness/analysis/compare.h"
#include "harness/analysis/stats.h"
#include "harness/base/buf.h"
#include "harness/base/csvio.h"
#include "harness/base/err.h"
#include "harness/base/fsutil.h"
#include "harness/base/stages.h"
#include "harness/engine/planfile.h"

#include <stddef.h>

#define MAX_LR_POINTS 600 /* points per learning-rate curve in a figure (every k-th step) */
#define LOG_SPAN 30.0     /* a log axis when the positive data span more than this factor */
#define NPALETTE 10       /* line colours of the baselines (rp_palette) */

extern const char *const rp_cat_names[STATS_NCATEGORY]; /* yes, yes*, no*, no */
extern const char *const rp_cat_colors[STATS_NCATEGORY];
extern const char *const rp_palette[NPALETTE]; /* in plan order */

/* ---- the result files, with the columns the report uses ---- */

typedef struct Tab {
    char path[4200];
    CsvTable t;
    int c[16];
} Tab;

enum { CM_MEASURE, CM_TASK, CM_OPTIM, CM_STAGE, CM_BASE, CM_REFV, CM_BASEV, CM_DELTA, CM_CAT };
enum { TS_MEASURE, TS_STAGE, TS_TASK, TS_OPTIM, TS_BASE, TS_MED, TS_TAU, TS_HOLM, TS_DEC };
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
enum { PF_MEASURE, PF_SCHED, PF_TAU, PF_FRAC };
enum { RK_MEASURE, RK_SCHED, RK_MEAN, RK_PROBLEMS };
enum { TU_TASK, TU_OPTIM, TU_SCHED, TU_LR, TU_VAL, TU_CHOSEN };
enum { RU_CELL, RU_STAGE, RU_VAL, RU_METRIC, RU_MNAME, RU_STATUS };
enum { EV_CELL, EV_STEP, EV_TRAIN, EV_VAL, EV_METRIC, EV_LR };

/* ---- names in plan order ---- */

typedef struct Names {
    char **v;
    int n, cap;
} Names;
/* rp_find: s's index in n, or -1. */
int rp_find(const Names *n, const char *s);

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
    int src;            /* the folder its results are read from: Report.dirs[src] */
    unsigned plans;     /* bit k: Report.dirs[k]'s plan.csv has the cell */
    unsigned runs;      /* bit k: Report.dirs[k]'s runs.csv has it */
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
    char src[FS_DIR_MAX + 1]; /* DIR as given, named in banners and commands */
    /* the folders read: DIR, then the --with folders (joined by cell id, harness/engine/join.h),
     * and each one's plan */
    const char *dirs[COMPARE_WITH_MAX + 1];
    int ndirs;
    PlanFile pfs[COMPARE_WITH_MAX + 1];
    PlanFile pf; /* every folder's cells, each once, in the folders' order */
    Names tasks, optims, scheds;
    long long *seeds;
    int nseeds;
    Result *cells;
    IdIx *ids;
    char (*metric)[64]; /* per task: the metric's name */
    int ndone, ndiv, nfail;
    int ref; /* scheduler index of the reference */
    Tab cmp, tests, ver, prof, ranks, tune;
    Tab evals;            /* evals.csv: every cell's evaluations, one block per cell (each
                           * cell's from the folder its results are read from) */
    int *ev_first, *ev_n; /* per cell: its block of rows in evals */
    double *secs;         /* per cell: wall seconds (timing.csv), NAN when unknown */
    int have_tune;
    char measure[40];
    int vrow; /* the primary row of verdict.csv, -1 when none */
    double claim;
    CompareOpts copts;                   /* the comparison settings this report uses */
    char settings[COMPARE_SETTINGS_MAX]; /* ... as compare_settings writes them */
    double *lr_lo, *lr_hi; /* per task: positive range of the first seed's learning rates */
    long long *lr_steps;   /* per task: the longest curve */
    char figrel[COMPARE_WITH_MAX + 1][4096]; /* each folder relative to PAPER/figures */
    Out **outs; /* pointers, so that a Buf stays put while others are added */
    int nouts, capouts;
    Fig *figs;
    int nfigs, capfigs;
    Table **tabs;
    int ntabs, captabs;
    int ntab_md, nfig_md; /* numbering in report.md */
    Tab mv;               /* DIR/multiverse.csv, with --arm (report_study.c) */
    int have_mv;
    const char *size_dir; /* --size: the size sweep, its trend-test.csv and trend.csv */
    Tab tt, tr;
} Report;

/* the paper's categories, counted */
typedef struct Count {
    int n[STATS_NCATEGORY];
} Count;

/* ---- shared helpers (report.c) ---- */

const char *rp_at(const Tab *T, int r, int k); /* a field of row r, column cols[k] */
double rp_num(const Tab *T, int r, int k);     /* a field already checked to be a number */
Buf *rp_out_add(Report *R, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rp_banner(const Report *R, Buf *b, const char *open, const char *close);
void rp_stem_of(char *out, size_t n, const char *s);
int rp_cmp_double(const void *a, const void *b); /* for qsort, ascending */
double rp_quant(double *x, int n, double q);
void rp_tau_text(const Report *R, char *out, size_t n);
Count rp_count_by(const Report *R, int col, const char *name);
int rp_count_total(const Count *c);
int rp_sched_at(const Report *R, int k);
double rp_profile_at(const Report *R, const char *sched, double tau);

/* tables and figure scripts, for the sections of report_study.c */
Table *rp_table_new(Report *R, const char *name, const char *align, const char *const *head);
int rp_table_row(Table *T, int rule); /* a new row (rule: a line above it in LaTeX) */
void rp_table_set(Table *T, int r, int c, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void rp_md_table(Report *R, Buf *md, Table *T); /* numbered, in report.md, with its files */
/* DIR/name with the columns cols (NULL-ended) into T; the fields of columns ks (-1-ended) are
 * numbers */
int rp_tab_load(const char *dir, const char *name, const char *const *cols, Tab *T, Err *e);
int rp_tab_nums(const Tab *T, const char *const *cols, const int *ks, Err *e);
Buf *rp_gp_begin(Report *R, const char *stem, const char *what, int w, int h);
void rp_gp_end(Buf *b, int multiplot);

/* ---- the study's sections (report_study.c) ---- */

int rp_load_multiverse(Report *R, Err *e);                 /* DIR/multiverse.csv, checked */
void rp_arms(Report *R, Buf *md);                          /* the arms and the multiverse */
int rp_load_size(Report *R, const char *size_dir, Err *e); /* lrlab compare --trend, read */
void rp_size(Report *R, Buf *md);                          /* the model-size section */

/* ---- figures (report_figures.c): each adds its gnuplot script, its data and its paragraph
 * to report.md ---- */

void rp_fig_lr(Report *R, int t, Buf *md);
int rp_fig_val(Report *R, int t, Buf *md, Err *e);
void rp_fig_rivals(Report *R, int t, Buf *md);
void rp_fig_target(Report *R, Buf *md);
void rp_fig_categories(Report *R, Buf *md);
void rp_fig_profiles(Report *R, Buf *md);
void rp_fig_delta(Report *R, Buf *md);

/* ---- the page (report_html.c) ---- */

/* PAPER/report.html from report.md, the tables and the figures gnuplot drew: written
 * atomically, after the figures */
int rp_html(Report *R, Err *e);

#endif
