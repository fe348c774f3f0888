/* verify.c - `lrlab verify DIR`: a sample of a result folder's cells trained again here and
 * compared with the folder's own rows (see verify.h).
 *
 * Steps: the folder is checked (plan.csv, runs.csv, provenance.txt); the script and every
 * data file provenance names must have the sha256 it recorded; the script is loaded with the
 * recorded Lua seed and defines (lrlab run --define) and the plan rebuilt with the learning
 * rates of the folder's plan.csv (the tuning stage's choices), which must give the folder's
 * cell ids in its order; the sample is drawn from the complete cells (runs.csv rows not
 * failed) and, with a tuning stage, the tuning cells, by Fisher-Yates from the seed; each cell
 * is trained in a process of its own (as the runner trains a Lua cell: the script's state
 * starts pristine) into a temporary folder, whose merged rows are then compared with the
 * folder's: runs.csv and evals.csv rows, the cell's curves where the folder keeps them
 * (curves/ID.csv or curves.csv), and for a tuning cell its value in tuning.csv. With the
 * tuning options of harness/engine/tune.h (extend, seeds, scheduler grids) the tuning cells are
 * every round's points as tuning.csv lists them, each compared with its seed's column, and the
 * evaluation cells take the scheduler combinations tuning.csv chose.
 */
#define _GNU_SOURCE
#include "harness/analysis/verify.h"

#include "harness/base/csvio.h"
#include "harness/base/fsutil.h"
#include "harness/base/memlimit.h"
#include "harness/base/rng.h"
#include "harness/base/sha256.h"
#include "harness/engine/members.h"
#include "harness/engine/plan.h"
#include "harness/engine/planfile.h"
#include "harness/engine/results.h"
#include "harness/engine/run.h"
#include "harness/engine/train.h"
#include "harness/engine/tune.h"
#include "harness/lua/config.h"
#include "tasks/data/cache.h"

#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* One cell to train again: an evaluation cell (plan index) or a tuning cell. */
typedef struct Item {
    const Cell *c;
    int tuning;
    Buf want_runs, got_runs, want_evals, got_evals, want_curves, got_curves;
    int curves_kept;    /* the folder keeps this cell's curves */
    char want_tune[64]; /* tuning.csv's value for the cell */
    int trained;        /* its process ended and wrote its files */
} Item;

typedef struct Prov {
    char *text;
    char script[4096], script_sha[65];
    uint64_t lua_seed;
    Defines defines; /* its defines line; none without one */
    char mode[32], kernel[64];
} Prov;

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig) { stop_signal = sig; }

/* ---- the folder's provenance ---- */

static int read_prov(const char *dir, Prov *pv, Err *e) {
    char path[4096], line[4096];
    snprintf(path, sizeof path, "%s/provenance.txt", dir);
    pv->text = fs_read(path, NULL);
    if (!pv->text)
        return err_set(e, EXIT_USAGE, "verify",
                       "%s: not a result folder (expected "
                       "provenance.txt, plan.csv and runs.csv of lrlab run, got no %s)",
                       dir, "provenance.txt");
    char seed[32];
    char *sp;
    if (results_line_value(pv->text, "script", line, sizeof line) != 0 ||
        !(sp = strstr(line, " sha256 ")) || strlen(sp + 8) != 64 ||
        results_line_value(pv->text, "lua_seed", seed, sizeof seed) != 0)
        return err_set(e, EXIT_USAGE, "verify",
                       "%s: no script or lua_seed line (expected "
                       "\"script: PATH sha256 HEX\" and \"lua_seed: N\")",
                       path);
    *sp = '\0';
    snprintf(pv->script, sizeof pv->script, "%s", line);
    snprintf(pv->script_sha, sizeof pv->script_sha, "%s", sp + 8);
    char *end;
    errno = 0;
    pv->lua_seed = strtoull(seed, &end, 10);
    if (*end || errno || seed[0] == '-')
        return err_set(e, EXIT_USAGE, "verify",
                       "%s: lua_seed: invalid value (expected a "
                       "non-negative integer, got %s)",
                       path, seed);
    const char *defs = results_line_find(pv->text, "defines"); /* none without --define */
    if (defs) {
        char where[4200];
        size_t len = strcspn(defs, "\n");
        char *text = xmalloc(len + 1);
        memcpy(text, defs, len);
        text[len] = '\0';
        snprintf(where, sizeof where, "verify: %s", path);
        int rc = defines_parse(text, where, &pv->defines, e);
        free(text);
        if (rc != 0) return -1;
    }
    if (results_line_value(pv->text, "blas_mode", pv->mode, sizeof pv->mode) != 0)
        snprintf(pv->mode, sizeof pv->mode, "native"); /* written before portable mode */
    if (results_line_value(pv->text, "blas_kernel", pv->kernel, sizeof pv->kernel) != 0) {
        char blas[512];
        const char *core;
        if (results_line_value(pv->text, "blas", blas, sizeof blas) == 0 &&
            (core = strstr(blas, "; core ")))
            snprintf(pv->kernel, sizeof pv->kernel, "%.*s", (int)strcspn(core + 7, ";"), core + 7);
        else snprintf(pv->kernel, sizeof pv->kernel, "unknown");
    }
    return 0;
}

/* The script exists and every data file the folder's provenance lists has the recorded
 * sha256. A script whose bytes changed (a comment, say) is accepted here and noted in
 * *changed: rebuild then requires its plan to give every cell id of plan.csv, and a cell's id
 * hashes its whole resolved configuration (a Lua function's identity includes the script's
 * sha256), so a change that could alter a result is refused there. */
static int check_inputs(const char *dir, const Prov *pv, int *changed, Err *e) {
    char sum[65];
    struct stat st;
    if (stat(pv->script, &st) != 0 || !S_ISREG(st.st_mode) || sha256_file(pv->script, sum) != 0) {
        err_set(e, EXIT_USAGE, "verify",
                "%s: the script that made %s is missing (expected a "
                "file with sha256 %s)",
                pv->script, dir, pv->script_sha);
        err_hint(e, "run lrlab verify from the folder the results were made in");
        return -1;
    }
    *changed = strcmp(sum, pv->script_sha) != 0;
    for (const char *p = pv->text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncmp(p, "data: ", 6) != 0) continue;
        const char *rel = p + 6, *s = strstr(rel, " sha256 ");
        const char *nl = rel + strcspn(rel, "\n");
        if (!s || s > nl || nl - (s + 8) < 64) continue; /* a folder summarised by its count */
        char path[4096], want[65];
        snprintf(path, sizeof path, "%s/%.*s", run_datadir(), (int)(s - rel), rel);
        snprintf(want, sizeof want, "%.64s", s + 8);
        if (s > rel && s[-1] == '/') { /* a folder by its digest (run_data_lines) */
            int nfiles, depth = memchr(rel, '/', (size_t)(s - rel) - 1) != NULL;
            if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
                err_set(e, EXIT_USAGE, "verify",
                        "%s: data folder missing (expected digest %s, "
                        "as when %s was made)",
                        path, want, dir);
                err_hint(e, "bash scripts/fetch-data.sh all");
                return -1;
            }
            run_folder_digest(path, depth, sum, &nfiles);
            if (strcmp(sum, want) != 0)
                return err_set(e, EXIT_USAGE, "verify",
                               "%s: data changed since %s was made "
                               "(expected digest %s, got %s)",
                               path, dir, want, sum);
            continue;
        }
        if (nl - (s + 8) != 64) continue;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || sha256_file(path, sum) != 0) {
            err_set(e, EXIT_USAGE, "verify",
                    "%s: data file missing (expected sha256 %s, as "
                    "when %s was made)",
                    path, want, dir);
            err_hint(e, "bash scripts/fetch-data.sh all");
            return -1;
        }
        if (strcmp(sum, want) != 0)
            return err_set(e, EXIT_USAGE, "verify",
                           "%s: data changed since %s was made "
                           "(expected sha256 %s, got %s)",
                           path, dir, want, sum);
    }
    return 0;
}

/* ---- rows of the folder's files ---- */

/* the most fields of a line verify reads (runs.csv has 20) */
#define MAX_FIELDS 64

/* split: the fields of one CSV line (quotes as libcsv writes them), at most max; returns how
 * many, the fields NUL-terminated in place. */
static int split(char *line, char **f, int max) {
    int n = 0;
    char *w = line, *r = line;
    while (n < max) {
        f[n++] = w;
        if (*r == '"') {
            for (r++; *r; r++) {
                if (*r == '"' && r[1] == '"') *w++ = '"', r++;
                else if (*r == '"') {
                    r++;
                    break;
                } else *w++ = *r;
            }
        }
        while (*r && *r != ',' && *r != '\n') *w++ = *r++;
        const int more = *r == ',';
        *w++ = '\0';
        if (!more) break;
        r++;
    }
    return n;
}

typedef struct Key {
    const char *id;
    int item;
} Key;
static int cmp_key(const void *a, const void *b) {
    return strcmp(((const Key *)a)->id, ((const Key *)b)->id);
}

/* collect: appends each line of path (the file, or its packed form: fsutil.h) whose column
 * `col` (by name) holds the id of an item in keys (sorted) to that item's buffer (offset `off`
 * into Item: which Buf). Returns 0, 1 when the file does not exist, -1 with e set when it is
 * not a CSV with that column. */
/* fields_len: the length of the first k comma-separated fields of line[len] (quoted fields
 * may hold commas), without the comma after them; len when it has k fields or fewer. */
static size_t fields_len(const char *line, size_t len, int k) {
    int quoted = 0;
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '"') quoted = !quoted;
        else if (line[i] == ',' && !quoted && --k == 0) return i;
    }
    return len;
}

/* Collect: collect's state, line by line. */
typedef struct Collect {
    const char *path, *col;
    const Key *keys;
    int nkeys, keep, kc, lineno;
    Item *items;
    size_t off;
    char *copy;
    size_t ccap;
} Collect;

/* collect_line: one line (newline included, when it has one) */
static int collect_line(Collect *c, const char *line, size_t len, Err *e) {
    char *fields[MAX_FIELDS];
    c->lineno++;
    if (len + 1 > c->ccap) c->copy = xrealloc(c->copy, c->ccap = len + 1);
    memcpy(c->copy, line, len);
    c->copy[len] = '\0';
    int nf = split(c->copy, fields, MAX_FIELDS);
    if (c->lineno == 1) {
        for (int i = 0; i < nf; i++)
            if (strcmp(fields[i], c->col) == 0) c->kc = i;
        if (c->kc < 0)
            return err_set(e, EXIT_USAGE, "verify",
                           "%s: line 1: no column %s (expected the header lrlab writes)", c->path,
                           c->col);
    } else if (c->kc < nf) {
        Key k = {.id = fields[c->kc]},
            *hit = bsearch(&k, c->keys, (size_t)c->nkeys, sizeof k, cmp_key);
        Buf *b = hit ? (Buf *)((char *)&c->items[hit->item] + c->off) : NULL;
        size_t body = len && line[len - 1] == '\n' ? len - 1 : len;
        size_t cut = c->keep > 0 ? fields_len(line, body, c->keep) : body;
        if (b && cut == body) buf_append(b, line, len);
        else if (b) buf_append(b, line, cut), buf_append(b, "\n", 1);
    }
    return 0;
}

/* collect: every line of path whose column col names a key, appended to its item's Buf at
 * offset off; with keep > 0, only the line's first keep fields (the columns of an older
 * folder's file, which a newer lrlab extends at the end), newline kept. A plain file is read
 * a line at a time (a matrix's curves.csv is hundreds of MB); a packed form (scripts/pack.sh,
 * committed folders: each part under 2 MiB) is decoded whole. */
static int collect(const char *path, const char *col, const Key *keys, int nkeys, Item *items,
                   size_t off, int keep, Err *e) {
    Collect c = {path, col, keys, nkeys, keep, -1, 0, items, off, NULL, 0};
    int rc = 0;
    int fd = fs_open_regular(path);
    if (fd >= 0) {
        FILE *f = fdopen(fd, "rb");
        if (!f) {
            close(fd);
            return err_set(e, EXIT_USAGE, "verify", "%s: cannot read (%s)", path,
                           fs_strerror(errno));
        }
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        while (rc == 0 && (len = getline(&line, &cap, f)) > 0)
            rc = collect_line(&c, line, (size_t)len, e);
        if (rc == 0 && ferror(f))
            rc = err_set(e, EXIT_USAGE, "verify", "%s: cannot read (%s)", path, fs_strerror(errno));
        free(line);
        fclose(f);
        free(c.copy);
        return rc;
    }
    if (errno != ENOENT)
        return err_set(e, EXIT_USAGE, "verify", "%s: cannot read (%s)", path, fs_strerror(errno));
    size_t n;
    char *text = fs_read_packed(path, &n, e);
    if (!text) {
        if (e->code) return -1;
        return errno == ENOENT ? 1
                               : err_set(e, EXIT_USAGE, "verify", "%s: cannot read (%s)", path,
                                         fs_strerror(errno));
    }
    for (const char *line = text, *end = text + n; line < end && rc == 0;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t len = nl ? (size_t)(nl - line) + 1 : (size_t)(end - line);
        rc = collect_line(&c, line, len, e);
        line += len;
    }
    free(c.copy);
    free(text);
    return rc;
}

/* sampled_rows: the sampled cells' rows of DIR/NAME into the items' Buf at off: from a
 * packed folder's gzip members (lrlab pack: only those cells' members decoded), else by
 * collect from the file or its packed form. 0, 1 when there is no such file, -1 with e. */
static int sampled_rows(const char *dir, const char *name, const char *const *cols, const Key *keys,
                        int nkeys, Item *items, size_t off, Err *e) {
    char path[FS_PATH_MAX];
    MemberFile m;
    Err why = {0};
    int rc = 1;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!fs_exists(path)) {
        snprintf(path, sizeof path, "%s/%s.gz", dir, name);
        rc = members_open(&m, path, cols, &why);
    }
    if (rc < 0) return *e = why, -1;
    if (rc == 0) {
        for (int k = 0; k < nkeys && rc == 0; k++)
            if (members_rows(&m, keys[k].id, (Buf *)((char *)&items[keys[k].item] + off), e) < 0)
                rc = -1;
        members_close(&m);
        return rc;
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return collect(path, "cell", keys, nkeys, items, off, 0, e);
}

/* ---- differences ---- */

typedef struct Diff {
    double abs, rel;
} Diff;

static void diff_num(const char *a, const char *b, Diff *d) {
    if (strcmp(a, b) == 0) return;
    double x = strtod(a, NULL), y = strtod(b, NULL);
    double ad = fabs(x - y), m = fmax(fabs(x), fabs(y));
    if (!isfinite(ad)) ad = INFINITY;
    double rd = m > 0 ? ad / m : 0;
    if (!(ad <= d->abs)) d->abs = ad;
    if (!(rd <= d->rel)) d->rel = rd;
}

/* The header columns of runs.csv and evals.csv that hold the numbers compared. */
static const char *const measures[] = {"train_loss", "val_loss", "metric"};

/* The columns of runs.csv that verify reads, found by name in its header line. */
enum { RC_STAGE, RC_TRAIN, RC_VAL, RC_METRIC, RC_STATUS, RC_N };
static const char *const runs_names[RC_N] = {"stage", "train_loss", "val_loss", "metric", "status"};

/* runs_columns: col[RC_*] from path's header (the file or its packed form); -1 with e set
 * when one is missing. */
static int runs_columns(const char *path, int col[RC_N], int *ncols, Err *e) {
    char *text = fs_read_packed(path, NULL, e), *fields[MAX_FIELDS];
    if (!text && e->code) return -1;
    if (text) text[strcspn(text, "\n")] = '\0';
    int nf = text ? split(text, fields, MAX_FIELDS) : 0, rc = 0;
    *ncols = nf;
    for (int k = 0; k < RC_N && rc == 0; k++) {
        col[k] = -1;
        for (int i = 0; i < nf; i++)
            if (strcmp(fields[i], runs_names[k]) == 0) col[k] = i;
        if (col[k] < 0)
            rc = err_set(e, EXIT_USAGE, "verify",
                         "%s: line 1: no column %s (expected the header "
                         "lrlab writes)",
                         path, runs_names[k]);
    }
    free(text);
    return rc;
}

/* stage_diffs: per stage row (in order), the differences of the three measures, appended to
 * out as "stage 10: train_loss 1e-06 (rel 3e-07), ...; ". */
static void stage_diffs(const Buf *want, const Buf *got, const int col[RC_N], Buf *out) {
    char *a = xstrdup(want->s ? want->s : ""), *b = xstrdup(got->s ? got->s : "");
    char *sa = a, *sb = b, *la, *lb;
    int last = 0;
    for (int k = 0; k < RC_N; k++) last = col[k] > last ? col[k] : last;
    while ((la = strsep(&sa, "\n")) && (lb = strsep(&sb, "\n")) && *la && *lb) {
        char *fa[MAX_FIELDS], *fb[MAX_FIELDS];
        int na = split(la, fa, MAX_FIELDS), nb = split(lb, fb, MAX_FIELDS);
        if (na <= last || nb <= last) continue;
        int same = na == nb;
        for (int i = 0; i < na && i < nb; i++) same &= strcmp(fa[i], fb[i]) == 0;
        if (same) continue;
        const int st = col[RC_STATUS];
        buf_printf(out, "stage %s:", fa[col[RC_STAGE]]);
        if (strcmp(fa[st], fb[st]) != 0) buf_printf(out, " status %s here %s,", fa[st], fb[st]);
        for (int m = 0; m < 3; m++) {
            const int c = col[RC_TRAIN + m];
            Diff d = {0, 0};
            diff_num(fa[c], fb[c], &d);
            buf_printf(out, " %s %.3g (rel %.3g)%s", measures[m], d.abs, d.rel, m < 2 ? "," : "");
        }
        buf_printf(out, "; ");
    }
    free(a);
    free(b);
}

/* rows_differing: how many lines of want differ from got, and of how many. */
static void rows_differing(const Buf *want, const Buf *got, int *ndiff, int *n) {
    const char *a = want->s ? want->s : "", *b = got->s ? got->s : "";
    *ndiff = *n = 0;
    while (*a || *b) {
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        if (*a) (*n)++;
        if (la != lb || memcmp(a, b, la) != 0) (*ndiff)++;
        a += la + (a[la] == '\n');
        b += lb + (b[lb] == '\n');
    }
}

/* any_failed: a row of runs.csv (lines in b) has the status failed (status: its column). */
static int any_failed(const Buf *b, int status) {
    char *copy = xstrdup(b->s), *s = copy, *line;
    int failed = 0;
    while ((line = strsep(&s, "\n")) && *line) {
        char *f[MAX_FIELDS];
        failed |= split(line, f, MAX_FIELDS) > status && strcmp(f[status], "failed") == 0;
    }
    free(copy);
    return failed;
}

static int buf_eq(const Buf *a, const Buf *b) {
    return a->len == b->len && (a->len == 0 || memcmp(a->s, b->s, a->len) == 0);
}

/* ---- training ---- */

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *f) {
    (void)st, (void)flag, (void)f;
    return remove(p);
}

/* train_one: the cell in a process of its own, its files into tmp; 0 or -1. */
static pid_t start_cell(const Cell *c, const TaskEnv *env, const char *tmp) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid != 0) return pid;
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    CellResult r;
    Err e = {0};
    int rc;
    if (train_cell(c, env, &r, &e) != 0) {
        rc = results_write_failed(tmp, c->id, c->steps, e.msg, &e);
    } else {
        rc = results_write_cell(tmp, c->id, &r, &e);
        cell_result_free(&r);
    }
    _exit(rc == 0 ? EXIT_OK : EXIT_RUN);
}

/* tuning_value: the value tuning.csv records for a tuning cell trained into tmp (its final
 * tune_by value when it reached the end and is finite, else inf), as lrlab writes it. */
static void tuning_value(const char *tmp, const Cell *c, const char *by, char out[64]) {
    Err e = {0};
    double v = INFINITY;
    results_final_value(tmp, c->id, strcmp(by, "train_loss") == 0 ? 3 : 4, &v, &e);
    Buf b = {0};
    csvio_num(&b, v, 1);
    snprintf(out, 64, "%s", b.s);
    buf_free(&b);
}

/* want_tuning: tuning.csv's value for each tuning item (matched by labels and lr). */
static int want_tuning(const char *dir, Item *items, int n, Err *e) {
    char path[4096];
    snprintf(path, sizeof path, "%s/tuning.csv", dir);
    CsvTable t;
    if (csvio_read(path, NULL, &t, e) != 0) return -1;
    for (int i = 0; i < n; i++) {
        if (!items[i].tuning) continue;
        const Cell *c = items[i].c;
        Buf lr = {0};
        csvio_num(&lr, c->lr0, 1);
        for (int r = 0; r < t.nrows && t.ncols >= 5; r++)
            if (strcmp(csvio_at(&t, r, 0), c->task->label) == 0 &&
                strcmp(csvio_at(&t, r, 1), c->optim->label) == 0 &&
                strcmp(csvio_at(&t, r, 2), c->sched->label) == 0 &&
                strcmp(csvio_at(&t, r, 3), lr.s) == 0)
                snprintf(items[i].want_tune, sizeof items[i].want_tune, "%s", csvio_at(&t, r, 4));
        buf_free(&lr);
    }
    csvio_free(&t);
    return 0;
}

/* ---- the command ---- */

/* rebuild: the plan of the script, with the learning rates of the folder's plan.csv, whose
 * cell ids it must give in the folder's order. */
/* label_index: the entry of comps[n] labelled s, -1 if none. */
static int label_index(const CompCfg *comps, int n, const char *s) {
    for (int i = 0; i < n; i++)
        if (strcmp(comps[i].label, s) == 0) return i;
    return -1;
}

/* tuning_rows: the points of tuning.csv's rows written with extend, seeds or schedulers
 * (tune.h), each row's values per tuning seed into want[row * ntune_seeds + k] and its chosen
 * flag into chosen[row] (either may be NULL); rows naming what the script does not have are
 * left out. Returns the count, or -1 with e set. */
static int tuning_rows(const Experiment *ex, const char *dir, TunePoint **pts, char (**want)[64],
                       int **chosen, Err *e) {
    char path[4096];
    snprintf(path, sizeof path, "%s/tuning.csv", dir);
    CsvTable t;
    if (csvio_read(path, NULL, &t, e) != 0) return -1;
    const int ns = ex->ntune_seeds, ch = csvio_col(&t, "hyper");
    int *seedcol = xcalloc((size_t)ns, sizeof(int));
    for (int k = 0; k < ns; k++) {
        char name[64];
        snprintf(name, sizeof name, "%s_seed%lld", ex->tune_by, (long long)ex->tune_seeds[k]);
        seedcol[k] = csvio_col(&t, name);
    }
    *pts = xcalloc((size_t)t.nrows + 1, sizeof(TunePoint));
    if (want) *want = xcalloc((size_t)t.nrows * (size_t)ns + 1, 64);
    if (chosen) *chosen = xcalloc((size_t)t.nrows + 1, sizeof(int));
    int n = 0;
    for (int r = 0; r < t.nrows && t.ncols >= 6; r++) {
        TunePoint pt = {label_index(ex->tasks, ex->ntasks, csvio_at(&t, r, 0)),
                        label_index(ex->optims, ex->noptims, csvio_at(&t, r, 1)),
                        label_index(ex->scheds, ex->nscheds, csvio_at(&t, r, 2)), 0, -1};
        if (pt.ti < 0 || pt.oi < 0 || pt.si < 0 || csvio_parse_num(csvio_at(&t, r, 3), &pt.lr))
            continue;
        const TuneHyper *h = ex->hyper ? &ex->hyper[pt.si] : NULL;
        const char *hyper = ch >= 0 ? csvio_at(&t, r, ch) : "";
        for (int c = 0; h && c < h->ncombo; c++)
            if (strcmp(h->text[c], hyper) == 0) pt.combo = c;
        if (h && h->ncombo && pt.combo < 0) continue;
        for (int k = 0; want && k < ns; k++)
            snprintf((*want)[(size_t)n * (size_t)ns + (size_t)k], 64, "%s",
                     seedcol[k] >= 0 ? csvio_at(&t, r, seedcol[k]) : "");
        if (chosen) (*chosen)[n] = strcmp(csvio_at(&t, r, 5), "1") == 0;
        (*pts)[n++] = pt;
    }
    free(seedcol);
    csvio_free(&t);
    return n;
}

/* chosen_combos: the hyperparameter combination tuning.csv chose for each (task, optimizer,
 * scheduler); -1 where none (no grid, no tuning.csv). */
static int chosen_combos(const Experiment *ex, const char *dir, int *combo, Err *e) {
    size_t nc = (size_t)ex->ntasks * (size_t)ex->noptims * (size_t)ex->nscheds;
    for (size_t i = 0; i < nc; i++) combo[i] = -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/tuning.csv", dir);
    if (!ex->hyper || !fs_exists(path)) return 0;
    TunePoint *pts = NULL;
    int *chosen = NULL;
    int n = tuning_rows(ex, dir, &pts, NULL, &chosen, e);
    for (int i = 0; i < n; i++)
        if (chosen[i])
            combo[(pts[i].ti * ex->noptims + pts[i].oi) * ex->nscheds + pts[i].si] = pts[i].combo;
    free(pts);
    free(chosen);
    return n < 0 ? -1 : 0;
}

static int rebuild(const Experiment *ex, const PlanFile *pf, const char *dir, Plan *plan, Err *e) {
    Plan first = {0};
    if (plan_build(ex, NULL, NULL, &first, e) != 0) return -1;
    if (first.n != pf->n) {
        plan_free(&first);
        return err_set(e, EXIT_USAGE, "verify",
                       "%s/plan.csv: %d cells, the script's plan %d "
                       "(expected the plan that made the folder)",
                       dir, pf->n, first.n);
    }
    size_t nc = (size_t)ex->ntasks * (size_t)ex->noptims * (size_t)ex->nscheds;
    double *choice = xcalloc(nc + 1, sizeof(double));
    for (int i = 0; i < first.n; i++) {
        const Cell *c = &first.cells[i];
        size_t ti = (size_t)(c->task - ex->tasks), oi = (size_t)(c->optim - ex->optims),
               si = (size_t)(c->sched - ex->scheds);
        choice[(ti * (size_t)ex->noptims + oi) * (size_t)ex->nscheds + si] = pf->rows[i].lr0;
    }
    plan_free(&first);
    int *combo = xcalloc(nc + 1, sizeof(int));
    int rc = chosen_combos(ex, dir, combo, e);
    if (rc == 0) rc = plan_build(ex, choice, combo, plan, e);
    free(choice);
    free(combo);
    if (rc != 0) return -1;
    for (int i = 0; i < plan->n; i++)
        if (strcmp(plan->cells[i].id, pf->rows[i].id) != 0)
            return err_set(e, EXIT_USAGE, "verify",
                           "%s/plan.csv: line %d: cell %s, the "
                           "script's plan gives %s (expected the same configuration: did the "
                           "script, lrlab's version or the component defaults change?)",
                           dir, i + 2, pf->rows[i].id, plan->cells[i].id);
    return 0;
}

/* parse_cells: "ID,ID" into the items whose ids they name (eval cells first, then tuning);
 * -1 with e set for an id that is not a complete cell of the folder. */
static int pick_named(const char *list, Item *cand, int ncand, int *pick, int *npick, Err *e) {
    char *copy = xstrdup(list), *s = copy, *tok;
    *npick = 0;
    int rc = 0;
    while ((tok = strsep(&s, ","))) {
        int found = -1;
        for (int i = 0; i < ncand; i++)
            if (strcmp(cand[i].c->id, tok) == 0) found = i;
        for (int k = 0; k < *npick && found >= 0; k++)
            if (pick[k] == found) {
                rc = err_set(e, EXIT_USAGE, "verify",
                             "--cells: %s: named twice (expected "
                             "distinct cell ids)",
                             tok);
                goto out;
            }
        if (found < 0) {
            rc = err_set(e, EXIT_USAGE, "verify",
                         "--cells: %.64s: unknown cell (expected the "
                         "id of a complete cell of the folder, as in its runs.csv or plan.csv)",
                         tok);
            goto out;
        }
        pick[(*npick)++] = found;
    }
out:
    free(copy);
    return rc;
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

int verify_main(const VerifyOpts *o) {
    Err e = {0};
    Prov pv = {0};
    Experiment ex = {0};
    int loaded = 0, code = EXIT_USAGE, ncand = 0, npick = 0, nid = 0;
    Plan plan = {0}, tplan = {0};
    PlanFile pf = {0};
    Item *cand = NULL;
    int *pick = NULL, *complete = NULL;
    Key *keys = NULL;
    char(*tune_want)[64] = NULL; /* tuning.csv's value of each tuning cell (tune_more) */
    char tmp[4096] = "";
    int rcol[RC_N];     /* runs.csv's columns */
    int runs_ncols = 0; /* how many: a folder of an older lrlab has fewer (no reason) */
    struct stat st;
    char path[4096];
    if (stat(o->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        err_set(&e, EXIT_USAGE, "verify",
                "%s: not a result folder (expected a folder made by "
                "lrlab run, got %s)",
                o->dir, errno == ENOENT ? "nothing" : "a file");
        goto fail;
    }
    if (read_prov(o->dir, &pv, &e) != 0) goto fail;
    snprintf(path, sizeof path, "%s/runs.csv", o->dir);
    if (!fs_exists_packed(path)) {
        err_set(&e, EXIT_USAGE, "verify",
                "%s: not a result folder (expected provenance.txt, "
                "plan.csv and runs.csv of lrlab run, got no runs.csv)",
                o->dir);
        goto fail;
    }
    if (planfile_read(o->dir, &pf, &e) != 0) goto fail;
    int script_changed = 0;
    if (check_inputs(o->dir, &pv, &script_changed, &e) != 0) goto fail;
    if (cfg_load(pv.script, pv.lua_seed, &pv.defines, &ex, &e) != 0) goto fail;
    loaded = 1;
    if (rebuild(&ex, &pf, o->dir, &plan, &e) != 0) {
        if (script_changed)
            err_hint(&e,
                     "%s changed since %s was made (sha256 %.12s..., now another): restore "
                     "the script that made it",
                     pv.script, o->dir, pv.script_sha);
        goto fail;
    }
    if (script_changed)
        printf("verify: %s is not the file that made %s (sha256 differs), but its plan gives "
               "the same %d cells, so they are verified against it\n",
               pv.script, o->dir, plan.n);
    char tpath[4096];
    snprintf(tpath, sizeof tpath, "%s/tuning.csv", o->dir);
    if (ex.tune_more && fs_exists(tpath)) { /* every round's points, as tuning.csv lists them */
        TunePoint *tp = NULL;
        int ntp = tuning_rows(&ex, o->dir, &tp, &tune_want, NULL, &e);
        int rc = ntp < 0 ? -1 : plan_build_points(&ex, tp, ntp, &tplan, &e);
        free(tp);
        if (rc != 0) goto fail;
    } else if (plan_build_tuning(&ex, &tplan, &e) != 0) {
        goto fail;
    }

    /* the complete cells: rows of runs.csv, none failed */
    cand = xcalloc((size_t)plan.n + (size_t)tplan.n + 1, sizeof(Item));
    keys = xcalloc((size_t)plan.n + 1, sizeof(Key));
    for (int i = 0; i < plan.n; i++) {
        cand[i].c = &plan.cells[i];
        keys[i] = (Key){plan.cells[i].id, i};
    }
    qsort(keys, (size_t)plan.n, sizeof(Key), cmp_key);
    if (runs_columns(path, rcol, &runs_ncols, &e) != 0 ||
        collect(path, "cell", keys, plan.n, cand, offsetof(Item, want_runs), 0, &e) != 0)
        goto fail;
    complete = xcalloc((size_t)plan.n + (size_t)tplan.n + 1, sizeof(int));
    for (int i = 0; i < plan.n; i++)
        if (cand[i].want_runs.len && !any_failed(&cand[i].want_runs, rcol[RC_STATUS]))
            complete[ncand++] = i;
    snprintf(path, sizeof path, "%s/tuning.csv", o->dir);
    const int with_tuning = tplan.n > 0 && fs_exists_packed(path);
    for (int j = 0; with_tuning && j < tplan.n; j++) {
        cand[plan.n + j].c = &tplan.cells[j];
        cand[plan.n + j].tuning = 1;
        if (tune_want)
            snprintf(cand[plan.n + j].want_tune, sizeof cand[plan.n + j].want_tune, "%s",
                     tune_want[j]);
        complete[ncand++] = plan.n + j;
    }
    if (ncand == 0) {
        err_set(&e, EXIT_USAGE, "verify",
                "%s: no complete cell (expected runs.csv rows that did "
                "not fail)",
                o->dir);
        goto fail;
    }

    /* the sample */
    pick = xcalloc((size_t)ncand + 1, sizeof(int));
    if (o->cells) {
        Item *c2 = xcalloc((size_t)ncand, sizeof(Item));
        for (int i = 0; i < ncand; i++) c2[i] = cand[complete[i]];
        int rc = pick_named(o->cells, c2, ncand, pick, &npick, &e);
        free(c2);
        if (rc != 0) goto fail;
        for (int k = 0; k < npick; k++) pick[k] = complete[pick[k]];
    } else {
        Rng rng;
        rng_seed(&rng, o->seed);
        npick = o->sample < ncand ? (int)o->sample : ncand;
        for (int k = 0; k < npick; k++) { /* partial Fisher-Yates */
            int j = k + (int)rng_below(&rng, (uint64_t)(ncand - k));
            int t = complete[k];
            complete[k] = complete[j];
            complete[j] = t;
            pick[k] = complete[k];
        }
        qsort(pick, (size_t)npick, sizeof(int), cmp_int);
    }
    if (with_tuning && !tune_want && want_tuning(o->dir, cand, plan.n + tplan.n, &e) != 0)
        goto fail;

    /* the folder's rows of the sampled cells */
    Key *sk = xcalloc((size_t)npick + 1, sizeof(Key));
    for (int k = 0; k < npick; k++)
        if (!cand[pick[k]].tuning) sk[nid++] = (Key){cand[pick[k]].c->id, pick[k]};
    qsort(sk, (size_t)nid, sizeof(Key), cmp_key);
    int rc = sampled_rows(o->dir, "evals.csv", results_long_eval, sk, nid, cand,
                          offsetof(Item, want_evals), &e);
    int have_evals = rc == 0;
    if (rc >= 0)
        rc = sampled_rows(o->dir, "curves.csv", results_long_curve, sk, nid, cand,
                          offsetof(Item, want_curves), &e);
    const int have_curves = rc == 0;
    if (rc < 0) {
        free(sk);
        goto fail;
    }
    for (int k = 0; k < npick; k++) {
        Item *it = &cand[pick[k]];
        if (it->tuning) continue;
        snprintf(path, sizeof path, "%s/curves/%s.csv", o->dir, it->c->id);
        char *s = NULL;
        size_t n = 0;
        if (!have_curves && (s = fs_read(path, &n))) {
            buf_append(&it->want_curves, s, n);
            free(s);
        }
        /* a cell without curve rows had its curves left out (taken by --reuse from a
         * store that keeps only some: reuse.csv says "empty"); a trained cell has rows */
        it->curves_kept = have_curves ? it->want_curves.len > 0 : n > 0;
    }

    /* where this check runs (blas_enter was called by the command), against where the
     * folder was made */
    printf("verify: %s: %d of %d complete cells (%s), made with BLAS %s (%s mode); this "
           "machine runs %s (%s mode) on %s\n",
           o->dir, npick, ncand, o->cells ? "named" : "sampled", pv.kernel, pv.mode, blas_kernel(),
           blas_mode_name(),
           strcmp(blas_mode_name(), "portable-unavailable") == 0 ? "a CPU without the portable "
                                                                   "kernel"
                                                                 : "this CPU");
    if (strcmp(pv.kernel, blas_kernel()) != 0)
        printf("note: the folder was made with the %s kernel and this check runs %s: cells of "
               "tasks that call BLAS are expected to differ\n",
               pv.kernel, blas_kernel());
    if (strcmp(blas_mode_name(), "portable-unavailable") == 0)
        printf("note: no portable kernel on this architecture: OpenBLAS's own kernel runs\n");
    fflush(stdout);

    /* train into a temporary folder, -j workers' worth of processes at a time */
    const char *tdir = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/lrlab-verify.XXXXXX", tdir && *tdir ? tdir : "/tmp");
    if (!mkdtemp(tmp)) {
        err_set(&e, EXIT_RUN, "verify", "%s: cannot create a temporary folder (%s)", tmp,
                strerror(errno));
        tmp[0] = '\0';
        free(sk);
        goto fail;
    }
    static const char *const subs[] = {"cells", "curves", "evals"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", tmp, subs[i]);
        if (fs_mkdirs(path, &e) != 0) {
            free(sk);
            goto fail;
        }
    }
    if (memlimit_blas_reserve("verify", &e) != 0) { /* before OpenBLAS could spin */
        free(sk);
        goto fail;
    }
    TaskEnv env = {.datadir = run_datadir()};
    datacache_enable();
    if (run_preflight(&ex, &env, &e) != 0) {
        free(sk);
        goto fail;
    }
    struct sigaction sa = {0}, old_int, old_term;
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    const int jobs = ncpu > 0 ? (int)ncpu : 1;
    pid_t *pids = xcalloc((size_t)npick + 1, sizeof(pid_t));
    int next = 0, running = 0;
    while ((next < npick || running > 0)) {
        while (!stop_signal && next < npick && running < jobs) {
            pids[next] = start_cell(cand[pick[next]].c, &env, tmp);
            if (pids[next] > 0) running++;
            next++;
        }
        int ws;
        pid_t p = wait(&ws);
        if (p < 0) {
            if (errno == EINTR) continue;
            break;
        }
        running--;
        for (int k = 0; k < next; k++)
            if (pids[k] == p) cand[pick[k]].trained = WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
        if (stop_signal)
            for (int k = 0; k < next; k++) kill(pids[k], SIGTERM);
    }
    free(pids);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (stop_signal) {
        free(sk);
        fprintf(stderr, "lrlab: verify: interrupted by %s\n",
                stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
        code = stop_signal == SIGINT ? 130 : 143;
        goto done;
    }

    /* this machine's rows, merged as lrlab run merges them */
    PlanFile sub = {.n = 0, .rows = xcalloc((size_t)nid + 1, sizeof(PlanRow))};
    snprintf(sub.experiment, sizeof sub.experiment, "%s", pf.experiment);
    for (int k = 0; k < npick; k++) {
        const Item *it = &cand[pick[k]];
        if (!it->tuning && it->trained) sub.rows[sub.n++] = pf.rows[pick[k]];
    }
    rc = results_merge(tmp, &sub, (Shard){1, 1}, &e);
    free(sub.rows);
    if (rc != 0) {
        free(sk);
        goto fail;
    }
    snprintf(path, sizeof path, "%s/runs.csv", tmp);
    rc = collect(path, "cell", sk, nid, cand, offsetof(Item, got_runs), runs_ncols, &e);
    snprintf(path, sizeof path, "%s/evals.csv", tmp);
    if (rc == 0) rc = collect(path, "cell", sk, nid, cand, offsetof(Item, got_evals), 0, &e);
    if (rc == 0 && have_curves) {
        snprintf(path, sizeof path, "%s/curves.csv", tmp);
        rc = collect(path, "cell", sk, nid, cand, offsetof(Item, got_curves), 0, &e);
    }
    free(sk);
    if (rc != 0) goto fail;

    /* the verdict per cell */
    int same = 0;
    for (int k = 0; k < npick; k++) {
        Item *it = &cand[pick[k]];
        const Cell *c = it->c;
        Buf why = {0};
        if (!it->trained) {
            buf_printf(&why, "could not be trained here");
        } else if (it->tuning) {
            char got[64];
            tuning_value(tmp, c, ex.tune_by, got);
            if (strcmp(got, it->want_tune) != 0) {
                Diff d = {0, 0};
                diff_num(it->want_tune, got, &d);
                buf_printf(&why, "tuning.csv %s %s, here %s (abs %.3g, rel %.3g)", ex.tune_by,
                           it->want_tune[0] ? it->want_tune : "missing", got, d.abs, d.rel);
            }
        } else {
            if (!have_curves && it->curves_kept) {
                snprintf(path, sizeof path, "%s/curves/%s.csv", tmp, c->id);
                size_t n = 0;
                char *s = fs_read(path, &n);
                if (s) buf_append(&it->got_curves, s, n);
                free(s);
            }
            if (!buf_eq(&it->want_runs, &it->got_runs))
                stage_diffs(&it->want_runs, &it->got_runs, rcol, &why);
            int nd, nr;
            if (have_evals && !buf_eq(&it->want_evals, &it->got_evals)) {
                rows_differing(&it->want_evals, &it->got_evals, &nd, &nr);
                buf_printf(&why, "evals: %d of %d rows differ; ", nd, nr);
            }
            if (it->curves_kept && !buf_eq(&it->want_curves, &it->got_curves)) {
                rows_differing(&it->want_curves, &it->got_curves, &nd, &nr);
                buf_printf(&why, "curves: %d of %d rows differ; ", nd, nr);
            }
            if (why.len >= 2 && why.s[why.len - 2] == ';') why.s[why.len -= 2] = '\0';
        }
        same += why.len == 0;
        printf("%-9s %s %s%s %s %s seed %lld lr %g%s%s\n", why.len ? "different" : "identical",
               c->id, it->tuning ? "(tuning) " : "", c->task->label, c->optim->label,
               c->sched->label, (long long)c->seed, c->lr0, why.len ? ": " : "",
               why.len ? why.s : "");
        buf_free(&why);
    }
    printf("verified: %d of %d cells byte-identical (%s mode, kernel %s; the folder: %s mode, "
           "kernel %s%s)\n",
           same, npick, blas_mode_name(), blas_kernel(), pv.mode, pv.kernel,
           o->cells ? "" : "; a sample drawn with --seed");
    code = same == npick ? EXIT_OK : EXIT_RUN;
    goto done;
fail:
    err_print(&e);
    code = e.code ? e.code : EXIT_USAGE;
done:
    if (tmp[0]) nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    for (int i = 0; cand && i < plan.n + tplan.n; i++) {
        buf_free(&cand[i].want_runs);
        buf_free(&cand[i].got_runs);
        buf_free(&cand[i].want_evals);
        buf_free(&cand[i].got_evals);
        buf_free(&cand[i].want_curves);
        buf_free(&cand[i].got_curves);
    }
    free(cand);
    free(keys);
    free(pick);
    free(complete);
    free(tune_want);
    free(pv.text);
    planfile_free(&pf);
    plan_free(&plan);
    plan_free(&tplan);
    if (loaded) cfg_free(&ex);
    return code;
}
