/* join.c - the rules of a join of result folders by cell id (see join.h).
 *
 * How: each file is read from every folder; its rows are keyed (the cell id, or tuning.csv's
 * task, optimizer and scheduler) and sorted by key and line, so that the rows of one key form
 * a group in file order; a group of one folder is looked up in every folder before it and its
 * rows compared field by field. Labels (task, optimizer, scheduler, seed) are sorted the same
 * way, one per cell. Keys are the fields with their lengths ("3:sgd6:greedy"), so that no two
 * different lists of fields make the same key, whatever bytes a field holds.
 */
#include "harness/engine/join.h"

#include "harness/base/csvio.h"
#include "harness/base/fsutil.h"
#include "harness/engine/folder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { NEED_NONE, NEED_ALL_OR_NONE, NEED_EVERY };

/* How one result file joins. */
typedef struct {
    const char *name;
    const char *const *key;  /* the columns that name a cell, NULL-ended */
    const char *const *skip; /* columns that may differ for one cell, NULL-ended */
    int need;                /* NEED_*: in which folders it must be */
    int labels;              /* (task, optimizer, scheduler, seed) names one cell id */
    int pairs;               /* every --with folder shares a (task, optimizer) with DIR */
} JoinFile;

static const char *const key_cell[] = {"cell", NULL};
static const char *const key_triple[] = {"task", "optimizer", "scheduler", NULL};
static const char *const label_cols[] = {"task", "optimizer", "scheduler", "seed", NULL};
static const char *const pair_cols[] = {"task", "optimizer", NULL};
static const char *const skip_none[] = {NULL};
static const char *const skip_runs[] = {"experiment", NULL};
static const char *const skip_plan[] = {"index", "experiment", NULL};

static const JoinFile join_files[] = {
    {"runs.csv", key_cell, skip_runs, NEED_EVERY, 1, 1},
    {"evals.csv", key_cell, skip_none, NEED_ALL_OR_NONE, 0, 0},
    {"plan.csv", key_cell, skip_plan, NEED_EVERY, 1, 0},    /* report */
    {"tuning.csv", key_triple, skip_none, NEED_NONE, 0, 0}, /* report */
};

/* A key (owned) and the row or group it belongs to. */
typedef struct {
    char *key;
    int row;
} KeyRow;

typedef struct {
    const char *key;
    int first, n; /* its rows: rows[first .. first + n) */
} Group;

/* One folder's copy of the file. */
typedef struct {
    char path[FS_PATH_MAX + 64];
    int present;
    CsvTable t;
    KeyRow *rows; /* every row by key, then line */
    Group *g;     /* the groups, by key */
    int ng;
    KeyRow *label; /* one per group (row: the group), by label; NULL unless labels */
    KeyRow *pair;  /* every row's (task, optimizer), sorted; DIR only, for pairs */
} Side;

static int keyrow_cmp(const void *a, const void *b) {
    const KeyRow *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

static int group_cmp(const void *key, const void *g) {
    return strcmp(key, ((const Group *)g)->key);
}

static int keyrow_key_cmp(const void *key, const void *k) {
    return strcmp(key, ((const KeyRow *)k)->key);
}

/* key_of: the fields of row r in the columns cols[0..n), each as LENGTH:FIELD */
static char *key_of(const CsvTable *t, int r, const int *cols, int n) {
    size_t len = 1;
    for (int i = 0; i < n; i++) len += strlen(csvio_at(t, r, cols[i])) + 24;
    char *k = xmalloc(len);
    size_t off = 0;
    for (int i = 0; i < n; i++) {
        const char *f = csvio_at(t, r, cols[i]);
        off += (size_t)snprintf(k + off, len - off, "%zu:%s", strlen(f), f);
    }
    return k;
}

/* columns: the index of every name in names (NULL-ended) into out; -1 with e for a missing
 * one */
static int columns(const Side *s, const char *const *names, int *out, Err *e) {
    for (int i = 0; names[i]; i++)
        if ((out[i] = csvio_col(&s->t, names[i])) < 0)
            return err_set(e, EXIT_USAGE, s->path, "line 1: missing column (expected %s)",
                           names[i]);
    return 0;
}

static int count(const char *const *names) {
    int n = 0;
    while (names[n]) n++;
    return n;
}

/* keyed: sorts s's rows into groups, and its labels and pairs when f asks for them */
static void keyed(Side *s, const JoinFile *f, const int *kc, const int *lc, const int *pc,
                  int dir0) {
    int n = s->t.nrows, nk = count(f->key);
    s->rows = xcalloc((size_t)n + 1, sizeof(KeyRow));
    for (int r = 0; r < n; r++) s->rows[r] = (KeyRow){key_of(&s->t, r, kc, nk), r};
    qsort(s->rows, (size_t)n, sizeof *s->rows, keyrow_cmp);
    s->g = xcalloc((size_t)n + 1, sizeof(Group));
    for (int r = 0; r < n; r++) {
        if (r == 0 || strcmp(s->rows[r].key, s->rows[r - 1].key) != 0)
            s->g[s->ng++] = (Group){s->rows[r].key, r, 0};
        s->g[s->ng - 1].n++;
    }
    if (f->labels) {
        s->label = xcalloc((size_t)s->ng + 1, sizeof(KeyRow));
        for (int i = 0; i < s->ng; i++)
            s->label[i] = (KeyRow){key_of(&s->t, s->rows[s->g[i].first].row, lc, 4), i};
        qsort(s->label, (size_t)s->ng, sizeof *s->label, keyrow_cmp);
    }
    if (f->pairs && dir0) {
        s->pair = xcalloc((size_t)n + 1, sizeof(KeyRow));
        for (int r = 0; r < n; r++) s->pair[r] = (KeyRow){key_of(&s->t, r, pc, 2), r};
        qsort(s->pair, (size_t)n, sizeof *s->pair, keyrow_cmp);
    }
}

static void side_free(Side *s) {
    for (int r = 0; s->rows && r < s->t.nrows; r++) free(s->rows[r].key);
    for (int i = 0; s->label && i < s->ng; i++) free(s->label[i].key);
    for (int r = 0; s->pair && r < s->t.nrows; r++) free(s->pair[r].key);
    free(s->rows);
    free(s->g);
    free(s->label);
    free(s->pair);
    csvio_free(&s->t);
    memset(s, 0, sizeof *s);
}

/* what: the key of row r in words, e.g. "cell 6ffe150e889c9396" */
static void what(const Side *s, const JoinFile *f, int r, char *out, size_t n) {
    size_t off = 0;
    out[0] = 0;
    for (int i = 0; f->key[i] && off < n; i++)
        off += (size_t)snprintf(out + off, n - off, "%s%s %.40s", i ? ", " : "", f->key[i],
                                csvio_at(&s->t, r, csvio_col(&s->t, f->key[i])));
}

/* newer_tail: a and b differ only in runs.csv's last column, reason (why a cell failed),
 * which folders written before it lack: they join on the columns both have. */
static int newer_tail(const Side *a, const Side *b) {
    const Side *l = a->t.ncols > b->t.ncols ? a : b;
    return abs(a->t.ncols - b->t.ncols) == 1 && strcmp(l->t.header[l->t.ncols - 1], "reason") == 0;
}

static int same_header(const Side *a, const Side *b, Err *e) {
    int n = a->t.ncols < b->t.ncols ? a->t.ncols : b->t.ncols;
    for (int c = 0; c < n; c++)
        if (strcmp(a->t.header[c], b->t.header[c]) != 0)
            return err_set(e, EXIT_USAGE, b->path,
                           "line 1: columns differ from %s's (expected "
                           "the same columns in every folder, got \"%.40s\" as column %d where it "
                           "has \"%.40s\")",
                           a->path, b->t.header[c], c + 1, a->t.header[c]);
    if (a->t.ncols != b->t.ncols && !newer_tail(a, b))
        return err_set(e, EXIT_USAGE, b->path,
                       "line 1: columns differ from %s's (expected the "
                       "same %d columns in every folder, got %d)",
                       a->path, a->t.ncols, b->t.ncols);
    return 0;
}

/* same_rows: group gb of b has the rows of group ga of a, the skipped columns apart */
static int same_rows(const Side *a, const Group *ga, const Side *b, const Group *gb,
                     const JoinFile *f, Err *e) {
    char key[200];
    int rb0 = b->rows[gb->first].row;
    what(b, f, rb0, key, sizeof key);
    if (ga->n != gb->n)
        return err_set(e, EXIT_USAGE, b->path,
                       "line %d: %s: %d rows here and %d in %s (expected "
                       "the same rows for one cell in every folder)",
                       rb0 + 2, key, gb->n, ga->n, a->path);
    for (int q = 0; q < ga->n; q++) {
        int ra = a->rows[ga->first + q].row, rb = b->rows[gb->first + q].row;
        for (int c = 0; c < a->t.ncols && c < b->t.ncols; c++) {
            int skip = 0;
            for (int i = 0; f->skip[i]; i++) skip |= strcmp(a->t.header[c], f->skip[i]) == 0;
            const char *x = csvio_at(&a->t, ra, c), *y = csvio_at(&b->t, rb, c);
            if (skip || strcmp(x, y) == 0) continue;
            return err_set(e, EXIT_USAGE, b->path,
                           "line %d: %s: %s differs from %s line %d "
                           "(expected the same rows for one cell in every folder, got \"%.30s\" "
                           "here and \"%.30s\" there)",
                           rb + 2, key, a->t.header[c], a->path, ra + 2, y, x);
        }
    }
    return 0;
}

/* same_labels: every label of b that a has names the same cell id in both */
static int same_labels(const Side *a, const Side *b, Err *e) {
    int ca = csvio_col(&a->t, "cell"), cb = csvio_col(&b->t, "cell");
    for (int i = 0; i < b->ng; i++) {
        const KeyRow *hit =
            bsearch(b->label[i].key, a->label, (size_t)a->ng, sizeof *a->label, keyrow_key_cmp);
        if (!hit) continue;
        int rb = b->rows[b->g[b->label[i].row].first].row;
        int ra = a->rows[a->g[hit->row].first].row;
        const char *idb = csvio_at(&b->t, rb, cb), *ida = csvio_at(&a->t, ra, ca);
        if (strcmp(ida, idb) == 0) continue;
        const CsvTable *t = &b->t;
        return err_set(e, EXIT_USAGE, b->path,
                       "line %d: task %.40s, optimizer %.40s, scheduler "
                       "%.40s, seed %.20s is cell %.20s here and cell %.20s in %s line %d "
                       "(expected one cell id per label in every folder: the configurations "
                       "differ under this label)",
                       rb + 2, csvio_at(t, rb, csvio_col(t, "task")),
                       csvio_at(t, rb, csvio_col(t, "optimizer")),
                       csvio_at(t, rb, csvio_col(t, "scheduler")),
                       csvio_at(t, rb, csvio_col(t, "seed")), idb, ida, a->path, ra + 2);
    }
    return 0;
}

/* shares_pair: some row of b has a (task, optimizer) of DIR's (a) */
static int shares_pair(const Side *a, const Side *b, const int *pc) {
    for (int r = 0; r < b->t.nrows; r++) {
        char *k = key_of(&b->t, r, pc, 2);
        int hit = bsearch(k, a->pair, (size_t)a->t.nrows, sizeof *a->pair, keyrow_key_cmp) != NULL;
        free(k);
        if (hit) return 1;
    }
    return 0;
}

static int check_file(const char *cmd, const char *const *dirs, int n, const JoinFile *f, Err *e) {
    Side *s = xcalloc((size_t)n, sizeof(Side));
    int rc = 0, first = -1, absent = -1;
    for (int k = 0; k < n && rc == 0; k++) {
        rc = fs_path(s[k].path, sizeof s[k].path, e, "%s/%s", dirs[k], f->name);
        if (rc == 0 && !fs_exists_packed(s[k].path) && (f->need != NEED_EVERY || k > 0)) {
            if (absent < 0) absent = k;
            continue; /* (DIR's runs.csv is named by the read below) */
        }
        if (rc == 0) rc = csvio_read(s[k].path, NULL, &s[k].t, e);
        s[k].present = rc == 0;
        if (rc == 0 && first < 0) first = k;
        else if (rc == 0) rc = same_header(&s[first], &s[k], e);
    }
    if (rc == 0 && f->need != NEED_NONE && first >= 0 && absent >= 0)
        rc = err_set(e, EXIT_USAGE, dirs[absent],
                     "no %s (expected one in every folder of the "
                     "join, as %s has)",
                     f->name, s[first].path);
    int kc[8], lc[8], pc[8];
    if (rc == 0 && first >= 0)
        rc = columns(&s[first], f->key, kc, e) ||
             (f->labels && columns(&s[first], label_cols, lc, e)) ||
             (f->pairs && columns(&s[first], pair_cols, pc, e));
    for (int k = 0; k < n && rc == 0; k++)
        if (s[k].present) keyed(&s[k], f, kc, lc, pc, k == 0);
    for (int k = 1; k < n && rc == 0; k++) {
        if (!s[k].present) continue;
        if (f->pairs && s[0].present && !shares_pair(&s[0], &s[k], pc)) {
            rc = err_set(e, EXIT_USAGE, NULL,
                         "%s: --with %s: no task and optimizer in common "
                         "with %s (expected a folder of the same tasks and optimizers, to compare "
                         "with)",
                         cmd, dirs[k], dirs[0]);
            break;
        }
        for (int j = 0; j < k && rc == 0; j++) {
            if (!s[j].present) continue;
            for (int i = 0; i < s[k].ng && rc == 0; i++) {
                const Group *hit =
                    bsearch(s[k].g[i].key, s[j].g, (size_t)s[j].ng, sizeof *s[j].g, group_cmp);
                if (hit) rc = same_rows(&s[j], hit, &s[k], &s[k].g[i], f, e);
            }
            if (rc == 0 && f->labels) rc = same_labels(&s[j], &s[k], e);
        }
    }
    for (int k = 0; k < n; k++) side_free(&s[k]);
    free(s);
    return rc ? -1 : 0;
}

/* check_dirs: every --with folder is a result folder, none DIR or another --with folder
 * (st: room for each folder's stat) */
static int check_dirs(const char *cmd, const char *const *dirs, int n, int report, struct stat *st,
                      Err *e) {
    int dir_ok = stat(dirs[0], &st[0]) == 0;
    for (int k = 1; k < n; k++) {
        char where[FS_DIR_MAX + 64], runs[FS_PATH_MAX], plan[FS_PATH_MAX];
        snprintf(where, sizeof where, "%s: --with %s", cmd, dirs[k]);
        if (stat(dirs[k], &st[k]) != 0)
            return err_set(e, EXIT_USAGE, where, "%s (expected a result folder of lrlab run)",
                           errno == ENOENT ? "no such folder" : strerror(errno));
        if (!S_ISDIR(st[k].st_mode))
            return err_set(e, EXIT_USAGE, where,
                           "not a folder (expected a result folder of lrlab "
                           "run)");
        for (int j = 0; j < k; j++)
            if ((j > 0 || dir_ok) && st[j].st_dev == st[k].st_dev && st[j].st_ino == st[k].st_ino)
                return j == 0 ? err_set(e, EXIT_USAGE, where,
                                        "the folder DIR itself (expected "
                                        "another result folder: DIR's runs are read anyway)")
                              : err_set(e, EXIT_USAGE, where,
                                        "the same folder as --with %s "
                                        "(expected each folder once)",
                                        dirs[j]);
        if (folder_check_free(dirs[k], e) != 0) return -1; /* only read, but not half-written */
        if (fs_path(runs, sizeof runs, e, "%s/runs.csv", dirs[k]) != 0 ||
            fs_path(plan, sizeof plan, e, "%s/plan.csv", dirs[k]) != 0)
            return -1;
        int hr = fs_exists_packed(runs), hp = !report || fs_exists(plan);
        if (!hr || !hp)
            return err_set(e, EXIT_USAGE, where,
                           "not a result folder (expected %s written by "
                           "lrlab run, got %s)",
                           report ? "plan.csv and runs.csv" : "runs.csv",
                           !hr && !hp ? "neither"
                           : !hr      ? "no runs.csv"
                                      : "no plan.csv");
    }
    return 0;
}

int join_check(const char *cmd, const char *const *dirs, int n, int report, Err *e) {
    struct stat *st = xcalloc((size_t)n, sizeof *st);
    int rc = check_dirs(cmd, dirs, n, report, st, e);
    free(st);
    for (int i = 0; rc == 0 && i < (report ? 4 : 2); i++)
        rc = check_file(cmd, dirs, n, &join_files[i], e);
    return rc;
}
