/* reuse.c - cells taken from other result folders (see reuse.h). */
#include "harness/engine/reuse.h"

#include "harness/base/csvio.h"
#include "harness/base/fsutil.h"
#include "harness/base/sha256.h"
#include "harness/engine/members.h"
#include "harness/engine/results.h"
#include "harness/engine/run.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One row set of a packed store: a cell's rows in cells.csv and the evaluations' table. */
typedef struct Rows {
    const char *id;
    int first, n; /* rows in the table */
} Rows;

struct Time;

struct ReuseSrc {
    const char *dir;
    int packed;          /* a store (cells.csv[.gz]); else per-cell files */
    char data_bad[1024]; /* the first data file that differs; "" when none */
    char *versions;      /* its provenance's versions line (after "versions: "); NULL: none,
                          * a folder from before versions, all of them 1 */
    /* a store's tables, loaded at its first use; its evaluations (evals.csv, tuning-evals.csv)
     * as a table, or, written by lrlab pack, one gzip member per cell (emembers[k] open) */
    int loaded;
    MemberFile emembers[2];
    int emembers_open[2];
    CsvTable cells, evals, tevals;
    Rows *cell_rows, *eval_rows, *teval_rows;
    int ncell_rows, neval_rows, nteval_rows;
    /* a store's curves (curves.csv.gz, tuning-curves.csv.gz: members.h), opened at their
     * first use: 0 not yet, 1 open, 2 absent, 3 damaged (curves_bad says how) */
    MemberFile curves[2];
    int curves_state[2];
    Err curves_bad[2];
    /* wall seconds by id, sorted by id */
    struct Time *times;
    int nt;
};

typedef struct Time {
    char id[17];
    int at; /* the line's position: the last one of an id counts */
    double sec;
} Time;

static const char *const curve_header = "step,lr,train_loss\n";
static const char *const eval_header = "step,train_loss,val_loss,metric,lr\n";

/* ---- the folder's provenance: format and data ---- */

/* data_hash: the sha256 that lines (provenance data lines) give rel; NULL if none. */
static const char *data_hash(const char *lines, const char *rel, size_t rlen) {
    for (const char *p = lines; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, "data: ", 6) == 0 && strncmp(p + 6, rel, rlen) == 0 &&
            strncmp(p + 6 + rlen, " sha256 ", 8) == 0)
            return p + 6 + rlen + 8;
    return NULL;
}

/* data_hash_now: the sha256 of rel (rlen bytes: a file, or "NAME/" a folder by its digest,
 * as run_data_lines writes them) in this data folder, into out; NULL when it is not there. A
 * data folder recorded file by file may be recorded by its digest once it holds more than 64
 * entries, and the other way: such a line is checked on the data itself, as verify does. */
static const char *data_hash_now(const char *rel, size_t rlen, char out[65]) {
    char path[FS_PATH_MAX];
    struct stat st;
    snprintf(path, sizeof path, "%.3000s/%.*s", run_datadir(), (int)rlen, rel);
    if (rlen > 0 && rel[rlen - 1] == '/') {
        int nfiles;
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return NULL;
        run_folder_digest(path, memchr(rel, '/', rlen - 1) != NULL, out, &nfiles);
        return out;
    }
    return sha256_file(path, out) == 0 ? out : NULL;
}

/* check_data: the first data file or folder whose sha256 the folder's provenance records
 * differently from this run's, into s->data_bad. */
static void check_data(ReuseSrc *s, const char *prov, const char *now) {
    for (const char *p = prov; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncmp(p, "data: ", 6) != 0) continue;
        const char *rel = p + 6, *nl = rel + strcspn(rel, "\n"), *h = strstr(rel, " sha256 ");
        if (!h || h > nl || nl - (h + 8) < 64) continue; /* not a hashed line */
        const size_t rlen = (size_t)(h - rel);
        char sum[65];
        const char *cur = data_hash(now, rel, rlen);
        if (!cur) cur = data_hash_now(rel, rlen, sum);
        if (cur && strncmp(cur, h + 8, 64) != 0) {
            snprintf(s->data_bad, sizeof s->data_bad,
                     "%.*s sha256 %.12s... when %s was made, "
                     "%.12s... now",
                     (int)rlen, rel, h + 8, s->dir, cur);
            return;
        }
    }
}

static int cmp_time(const void *a, const void *b) {
    const Time *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* load_times: the folder's wall seconds: timing.csv, tuning-timing.csv (a store's), then
 * cells/timing.log (later lines win),
 * sorted by id, the last line of each id kept. Odd lines (not a number, negative, over 1e9 s)
 * are skipped: seconds are never a result. */
static void load_times(ReuseSrc *s) {
    static const char *const files[] = {"timing.csv", "tuning-timing.csv", RESULTS_TIMING_LOG};
    int cap = 0;
    for (int f = 0; f < 3; f++) {
        char path[FS_PATH_MAX];
        Err e;
        if (fs_path(path, sizeof path, &e, "%s/%s", s->dir, files[f]) != 0) continue;
        char *text = f < 2 ? fs_read_packed(path, NULL, &e) : fs_read(path, NULL);
        for (char *p = text, *nl; p && *p; p = nl ? nl + 1 : NULL) {
            nl = strchr(p, '\n');
            if (nl) *nl = '\0';
            char *comma = strchr(p, ','), *end;
            if (!comma || comma - p != 16) continue;
            *comma = '\0';
            double sec = strtod(comma + 1, &end);
            if (end == comma + 1 || *end || !isfinite(sec) || sec < 0 || sec > 1e9) continue;
            if (s->nt == cap) {
                cap = cap ? 2 * cap : 1024;
                s->times = xrealloc(s->times, sizeof(Time) * (size_t)cap);
            }
            Time *t = &s->times[s->nt];
            memcpy(t->id, p, 17);
            t->at = s->nt++;
            t->sec = sec;
        }
        free(text);
    }
    qsort(s->times, (size_t)s->nt, sizeof(Time), cmp_time);
    int m = 0;
    for (int i = 0; i < s->nt; i++) {
        if (m > 0 && strcmp(s->times[m - 1].id, s->times[i].id) == 0) m--;
        s->times[m++] = s->times[i];
    }
    s->nt = m;
}

/* seconds: the folder's wall seconds of id; NAN when unknown. */
static double seconds(const ReuseSrc *s, const char *id) {
    Time key;
    snprintf(key.id, sizeof key.id, "%s", id);
    int lo = 0, hi = s->nt;
    while (lo < hi) {
        int mid = (lo + hi) / 2, c = strcmp(s->times[mid].id, key.id);
        if (c == 0) return s->times[mid].sec;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NAN;
}

/* ---- a packed store ---- */

static int cmp_rows(const void *a, const void *b) {
    return strcmp(((const Rows *)a)->id, ((const Rows *)b)->id);
}

/* index_rows: t's rows grouped by the id in column 0 (consecutive rows of one id), sorted; an
 * id whose rows are not all consecutive (pack.sh writes each cell once) gets n = -1 in every
 * group of it, so that no copy of it is taken. */
static Rows *index_rows(const CsvTable *t, int *n) {
    Rows *r = xcalloc((size_t)t->nrows + 1, sizeof(Rows));
    *n = 0;
    for (int i = 0; i < t->nrows; i++) {
        const char *id = csvio_at(t, i, 0);
        if (*n > 0 && strcmp(r[*n - 1].id, id) == 0 && r[*n - 1].first + r[*n - 1].n == i)
            r[*n - 1].n++;
        else r[(*n)++] = (Rows){id, i, 1};
    }
    qsort(r, (size_t)*n, sizeof(Rows), cmp_rows);
    for (int i = 1; i < *n; i++)
        if (strcmp(r[i - 1].id, r[i].id) == 0) r[i - 1].n = r[i].n = -1;
    return r;
}

static const Rows *find_rows(const Rows *r, int n, const char *id) {
    Rows key = {id, 0, 0};
    return n ? bsearch(&key, r, (size_t)n, sizeof(Rows), cmp_rows) : NULL;
}

static const char *const store_cols[] = {
    "cell",       "kind",       "order",  "stage",      "step",      "reached",
    "train_loss", "val_loss",   "metric", "lr",         "status",    "diverged_step",
    "lr_clips",   "loss_evals", "reason", "curves_fnv", "evals_fnv", NULL};
static const char *const evals_cols[] = {"cell",   "task", "optimizer",  "scheduler",
                                         "seed",   "step", "train_loss", "val_loss",
                                         "metric", "lr",   NULL};

/* load_store: a store's tables, at its first use; -1 with e (exit 2) when one cannot be read. */
static int load_store(ReuseSrc *s, Err *e) {
    if (s->loaded) return 0;
    char path[FS_PATH_MAX];
    if (fs_path(path, sizeof path, e, "%s/cells.csv", s->dir) != 0 ||
        csvio_read_compact(path, store_cols, &s->cells, e) != 0)
        return -1;
    s->loaded = 1;
    s->cell_rows = index_rows(&s->cells, &s->ncell_rows);
    static const char *const names[] = {"evals.csv", "tuning-evals.csv"};
    CsvTable *tabs[] = {&s->evals, &s->tevals};
    Rows **idx[] = {&s->eval_rows, &s->teval_rows};
    int *nidx[] = {&s->neval_rows, &s->nteval_rows};
    for (int k = 0; k < 2; k++) {
        if (fs_path(path, sizeof path, e, "%s/%s", s->dir, names[k]) != 0) return -1;
        if (!fs_exists_packed(path)) continue; /* a store of no tuning cells */
        if (!fs_exists(path)) { /* one member per cell: read a cell at a time, not held */
            char gz[FS_PATH_MAX];
            if (fs_path(gz, sizeof gz, e, "%s.gz", path) != 0) return -1;
            Err why = {0};
            int rc = members_open(&s->emembers[k], gz, evals_cols, &why);
            if (rc < 0) {
                *e = why;
                return -1;
            }
            if (rc == 0) {
                s->emembers_open[k] = 1;
                continue;
            } /* 1: parts (FILE.1-N.gz); 2: gzipped whole: read as a table */
        }
        if (csvio_read_compact(path, evals_cols, tabs[k], e) != 0) return -1;
        *idx[k] = index_rows(tabs[k], nidx[k]);
    }
    return 0;
}

static uint64_t fnv(const Buf *b) { return plan_fnv1a(b->s ? b->s : ""); }

static int hex_is(const char *field, uint64_t h) {
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
    return strcmp(field, hex) == 0;
}

/* stages_ok: a cell's stage rows are those training writes (results_write_cell, train.c):
 * NSTAGES rows of ct from row `first`, its columns from c0 on (stage ... evals_fnv), with the
 * stages 10, 50, 100 in order, whole steps and counts, reached 0 or 1, a status among ok,
 * diverged, failed, and the fields from status on the same in every row; a reached stage's
 * step, values and lr the bytes of its evaluation at that step (et's rows efirst to
 * efirst + ne, columns from e0 on: step ... lr, checked against their hash already), an
 * unreached one's values nan. The stage rows carry no hash of their own: this ties them to
 * the evaluations, so that a changed stage value is never taken. 0, or -1 with why. */
static int stages_ok(const CsvTable *ct, int first, int c0, const CsvTable *et, int efirst, int ne,
                     int e0, char *why, size_t n) {
    for (int k = 0; k < NSTAGES; k++) {
        const int row = first + k;
#define F(c) csvio_at(ct, row, c0 + (c))
        long long x;
        const char *st = F(7), *reached = F(2);
        if (csvio_parse_step(F(0), 1, &x) != 0 || x != stage_pct[k] ||
            csvio_parse_step(F(1), 1, &x) != 0 || csvio_parse_step(F(8), -1, &x) != 0 ||
            csvio_parse_step(F(9), 0, &x) != 0 || csvio_parse_step(F(10), 0, &x) != 0 ||
            (strcmp(reached, "0") != 0 && strcmp(reached, "1") != 0) ||
            (strcmp(st, "ok") != 0 && strcmp(st, "diverged") != 0 && strcmp(st, "failed") != 0))
            return snprintf(why, n,
                            "stage row %d: not a stage row of lrlab (expected stage %d, "
                            "whole steps and counts, reached 0 or 1, status ok, diverged or "
                            "failed)",
                            k + 1, stage_pct[k]),
                   -1;
        for (int c = 7; c <= 13 && k > 0; c++)
            if (strcmp(F(c), csvio_at(ct, first, c0 + c)) != 0)
                return snprintf(why, n,
                                "stage row %d: %s differs from the first row's "
                                "(expected one value for the cell)",
                                k + 1, results_cell_cols[c]),
                       -1;
        int match = -1;
        for (int i = 0; i < ne && match < 0; i++)
            if (strcmp(csvio_at(et, efirst + i, e0), F(1)) == 0) match = efirst + i;
        if (reached[0] == '1' && match < 0)
            return snprintf(why, n,
                            "stage row %d: step %s has no evaluation (expected the "
                            "stage's values from its evaluation at that step)",
                            k + 1, F(1)),
                   -1;
        for (int c = 0; c < 4; c++) {
            const char *want = reached[0] == '1' ? csvio_at(et, match, e0 + 1 + c) : "nan";
            if (strcmp(F(3 + c), want) != 0)
                return snprintf(why, n, "stage row %d: %s \"%.30s\" (expected \"%.30s\", %s)",
                                k + 1, results_cell_cols[3 + c], F(3 + c), want,
                                reached[0] == '1' ? "its evaluation's at that step"
                                                  : "a stage not reached"),
                       -1;
        }
#undef F
    }
    return 0;
}

/* store_cell: the cell's three files from a store: 1 built, 0 not there, 2 corrupt (why in
 * e). files[0..2]: curves, evals, cell file; *kept: the curve was kept. */
static int store_cell(ReuseSrc *s, const char *id, int tuning, Buf files[3], int *kept, Err *e) {
    if (load_store(s, e) != 0) return -1;
    const Rows *cr = find_rows(s->cell_rows, s->ncell_rows, id);
    if (!cr) return 0;
    if (cr->n < 0)
        return err_set(e, EXIT_USAGE, NULL,
                       "%s/cells.csv: cell %s: rows in more than one place "
                       "(expected each cell's rows once, one after another)",
                       s->dir, id),
               2;
    if (cr->n != NSTAGES)
        return err_set(e, EXIT_USAGE, NULL, "%s/cells.csv: cell %s has %d rows (expected %d)",
                       s->dir, id, cr->n, NSTAGES),
               2;
    /* evaluations: from the table, or the cell's member parsed into a table of its own */
    const CsvTable *et = tuning ? &s->tevals : &s->evals;
    const Rows *er = tuning ? find_rows(s->teval_rows, s->nteval_rows, id)
                            : find_rows(s->eval_rows, s->neval_rows, id);
    CsvTable own = {0};
    Rows own_rows = {id, 0, 0};
    const int k = tuning != 0;
    if (s->emembers_open[k]) {
        Buf rows = {0};
        csvio_header(&rows, evals_cols);
        int rc = members_rows(&s->emembers[k], id, &rows, e);
        if (rc == 0 && csvio_parse(s->emembers[k].path, rows.s, rows.len, evals_cols, &own, e) != 0)
            rc = -1;
        buf_free(&rows);
        if (rc < 0) return 2;
        et = &own, own_rows.n = own.nrows, er = rc == 0 ? &own_rows : NULL;
    }
    if (er && er->n < 0)
        return err_set(e, EXIT_USAGE, NULL,
                       "%s/%s: cell %s: rows in more than one place "
                       "(expected each cell's evaluations once, one after another)",
                       s->dir, tuning ? "tuning-evals.csv" : "evals.csv", id),
               2;
    buf_printf(&files[1], "%s", eval_header);
    for (int i = 0; er && i < er->n; i++) {
        for (int c = 5; c < 10; c++) csvio_field(&files[1], csvio_at(et, er->first + i, c), c == 5);
        csvio_end(&files[1]);
    }
    const char *want_evals = csvio_at(&s->cells, cr->first, 16);
    char why[256];
    int bad = 0;
    if (!hex_is(want_evals, fnv(&files[1])))
        bad = err_set(e, EXIT_USAGE, NULL,
                      "%s/%s: cell %s: evaluations missing or changed "
                      "(expected the bytes whose hash %.16s its cell record holds)",
                      s->dir, tuning ? "tuning-evals.csv" : "evals.csv", id, want_evals);
    else if (stages_ok(&s->cells, cr->first, 3, et, er ? er->first : 0, er ? er->n : 0, 5, why,
                       sizeof why) != 0)
        bad = err_set(e, EXIT_USAGE, NULL, "%s/cells.csv: cell %s: %s", s->dir, id, why);
    csvio_free(&own); /* the member's rows, when they came from one */
    if (bad) return 2;
    /* the curve: kept as a file, or in the store's curves, or the header alone */
    char path[FS_PATH_MAX];
    if (fs_path(path, sizeof path, e, "%s/curves/%s.csv", s->dir, id) != 0) return -1;
    const char *want_curves = csvio_at(&s->cells, cr->first, 15);
    struct stat st;
    *kept = lstat(path, &st) == 0;
    if (*kept) {
        if (!S_ISREG(st.st_mode))
            return err_set(e, EXIT_USAGE, NULL,
                           "%s: not a regular file (expected a cell's "
                           "curve; reuse never follows a link)",
                           path);
        size_t n;
        char *text = fs_read(path, &n);
        if (text) buf_append(&files[0], text, n);
        free(text);
        if (!text || !hex_is(want_curves, fnv(&files[0])))
            return err_set(e, EXIT_USAGE, NULL,
                           "%s: missing or changed (expected the bytes "
                           "whose hash %.16s its cell record holds)",
                           path, want_curves),
                   2;
    } else {
        if (s->curves_state[k] == 0) {
            if (fs_path(path, sizeof path, e, "%s/%s", s->dir,
                        k ? "tuning-curves.csv.gz" : "curves.csv.gz") != 0)
                return -1;
            int rc = members_open(&s->curves[k], path, results_long_curve, &s->curves_bad[k]);
            s->curves_state[k] = rc == 0 ? 1 : rc == 1 ? 2 : 3;
        }
        if (s->curves_state[k] == 3) { /* each cell whose curve it holds is trained again */
            *e = s->curves_bad[k];
            return 2;
        }
        int rc = s->curves_state[k] == 1 ? members_cell(&s->curves[k], id, &files[0], e) : 1;
        if (rc < 0) return 2;
        *kept = rc == 0;
        if (*kept && !hex_is(want_curves, fnv(&files[0])))
            return err_set(e, EXIT_USAGE, NULL,
                           "%s: cell %s: curve changed (expected the rows whose hash %.16s its "
                           "cell record holds)",
                           s->curves[k].path, id, want_curves),
                   2;
        if (!*kept) buf_printf(&files[0], "%s", curve_header);
    }
    char curves_hex[17];
    snprintf(curves_hex, sizeof curves_hex, "%016llx", (unsigned long long)fnv(&files[0]));
    csvio_header(&files[2], results_cell_cols);
    for (int i = 0; i < cr->n; i++) {
        for (int c = 3; c < 17; c++)
            csvio_field(&files[2], c == 15 ? curves_hex : csvio_at(&s->cells, cr->first + i, c),
                        c == 3);
        csvio_end(&files[2]);
    }
    return 1;
}

/* ---- per-cell files ---- */

/* copy_ok: the bytes read of a cell of per-cell files (files: curves, evaluations, cell
 * file) are the ones checked (the folder may be written while it is read, so the copy's
 * hashes are checked again) and its stage rows are those of its evaluations (stages_ok): 1,
 * or 2 with e. */
static int copy_ok(ReuseSrc *s, const char *id, Buf files[3], Err *e) {
    static const char *const eval_cols[] = {"step", "train_loss", "val_loss", "metric", "lr", NULL};
    char path[FS_PATH_MAX], why[256] = "";
    CsvTable ct, et;
    if (fs_path(path, sizeof path, e, "%s/cells/%s.csv", s->dir, id) != 0) return -1;
    if (csvio_parse(path, files[2].s ? files[2].s : "", files[2].len, results_cell_cols, &ct, e) !=
        0)
        return 2;
    int nul = 0;
    for (int f = 0; f < 2; f++) nul |= strlen(files[f].s ? files[f].s : "") != files[f].len;
    if (ct.nrows != NSTAGES || nul || !hex_is(csvio_at(&ct, 0, 12), fnv(&files[0])) ||
        !hex_is(csvio_at(&ct, 0, 13), fnv(&files[1]))) {
        snprintf(why, sizeof why,
                 "changed while read (expected %d stage rows and the curves "
                 "and evaluations whose hashes it records)",
                 NSTAGES);
    } else if (fs_path(path, sizeof path, e, "%s/evals/%s.csv", s->dir, id) != 0 ||
               csvio_parse(path, files[1].s, files[1].len, eval_cols, &et, e) != 0) {
        csvio_free(&ct);
        return 2;
    } else {
        stages_ok(&ct, 0, 0, &et, 0, et.nrows, 0, why, sizeof why);
        csvio_free(&et);
    }
    csvio_free(&ct);
    if (!why[0]) return 1;
    return err_set(e, EXIT_USAGE, NULL, "%s/cells/%s.csv: %s", s->dir, id, why), 2;
}

/* folder_cell: the cell's three files from per-cell files: 1 read, 0 not there, 2 corrupt
 * (why in e), -1 refused (a link, another format). */
static int folder_cell(ReuseSrc *s, const char *id, Buf files[3], Err *e) {
    static const char *const subs[] = {"curves", "evals", "cells"};
    char path[FS_PATH_MAX];
    struct stat st;
    if (fs_path(path, sizeof path, e, "%s/cells/%s.csv", s->dir, id) != 0) return -1;
    if (lstat(path, &st) != 0) return 0;
    for (int f = 0; f < 3; f++) {
        if (fs_path(path, sizeof path, e, "%s/%s/%s.csv", s->dir, subs[f], id) != 0) return -1;
        if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
            return err_set(e, EXIT_USAGE, NULL,
                           "%s: a symbolic link (expected a cell's result "
                           "file; reuse never follows a link)",
                           path);
    }
    Buf head = {0};
    csvio_header(&head, results_cell_cols);
    size_t n;
    char *text = fs_read(path, &n); /* the cell file */
    const int other = text && strncmp(text, head.s, head.len) != 0 && strchr(text, '\n') &&
                      strncmp(text, "stage,", 6) == 0;
    if (other) {
        err_set(e, EXIT_USAGE, NULL,
                "%s: cell %s: columns \"%.*s\" (expected \"%.*s\": a "
                "folder of the results format %d that this lrlab reads)",
                s->dir, id, (int)strcspn(text, "\n"), text, (int)head.len - 1, head.s,
                RESULTS_FORMAT);
        free(text);
        buf_free(&head);
        return -1;
    }
    free(text);
    buf_free(&head);
    if (results_cell_check(s->dir, id, e) != 0) return 2;
    for (int f = 0; f < 3; f++) {
        if (fs_path(path, sizeof path, e, "%s/%s/%s.csv", s->dir, subs[f], id) != 0) return -1;
        text = fs_read(path, &n);
        if (!text)
            return err_set(e, EXIT_USAGE, NULL, "%s: cannot read (%s)", path, strerror(errno)), 2;
        buf_append(&files[f], text, n);
        free(text);
    }
    return copy_ok(s, id, files, e);
}

/* check_columns: the first cell file of a folder of per-cell files has the columns this
 * lrlab writes, or the folder is of another results format: -1 with e (exit 2). */
static int check_columns(ReuseSrc *s, Err *e) {
    char path[FS_PATH_MAX];
    if (fs_path(path, sizeof path, e, "%s/cells", s->dir) != 0) return -1;
    DIR *d = opendir(path);
    struct dirent *de;
    char id[17] = "";
    while (d && (de = readdir(d)))
        if (strlen(de->d_name) == 20 && strcmp(de->d_name + 16, ".csv") == 0) {
            snprintf(id, sizeof id, "%.16s", de->d_name);
            break;
        }
    if (d) closedir(d);
    if (!id[0]) return 0;
    Buf files[3] = {{0}, {0}, {0}};
    Err why = {0};
    int rc = folder_cell(s, id, files, &why);
    for (int f = 0; f < 3; f++) buf_free(&files[f]);
    if (rc == -1) {
        *e = why;
        return -1;
    }
    return 0;
}

/* ---- the interface ---- */

int reuse_open(Reuse *r, const char *const *dirs, int n, const char *data_lines, int quiet,
               Err *e) {
    const int own = r->own, own_retry = r->own_retry;
    memset(r, 0, sizeof *r);
    r->own = own, r->own_retry = own_retry;
    r->quiet = quiet;
    r->src = xcalloc((size_t)n + 1, sizeof(ReuseSrc));
    for (int i = 0; i < n; i++) {
        ReuseSrc *s = &r->src[r->n++];
        s->dir = dirs[i];
        char path[FS_PATH_MAX];
        struct stat st;
        if (fs_check_dir_len("--reuse", dirs[i], e) != 0) return -1;
        if (stat(dirs[i], &st) != 0 || !S_ISDIR(st.st_mode))
            return err_set(e, EXIT_USAGE, "--reuse",
                           "%s: no such folder (expected a folder of "
                           "lrlab run's results)",
                           dirs[i]);
        if (fs_path(path, sizeof path, e, "%s/provenance.txt", dirs[i]) != 0) return -1;
        char *prov = fs_read(path, NULL);
        if (!prov)
            return err_set(e, EXIT_USAGE, "--reuse",
                           "%s: not a result folder (expected "
                           "provenance.txt of lrlab run, got none)",
                           dirs[i]);
        char fmt[32];
        long format = 1;
        if (results_line_value(prov, "results_format", fmt, sizeof fmt) == 0) {
            char *end;
            errno = 0;
            format = strtol(fmt, &end, 10);
            if (end == fmt || *end || errno || format < 1) format = -1;
        }
        if (format != 1 && format != RESULTS_FORMAT) {
            err_set(e, EXIT_USAGE, "--reuse",
                    "%s: results_format: %s (expected %d or lower: "
                    "the result files this lrlab reads; a newer lrlab made the folder)",
                    path, fmt, RESULTS_FORMAT);
            free(prov);
            return -1;
        }
        check_data(s, prov, data_lines);
        char line[4096];
        if (results_line_value(prov, "versions", line, sizeof line) == 0)
            s->versions = xstrdup(line);
        free(prov);
        if (fs_path(path, sizeof path, e, "%s/cells.csv", dirs[i]) != 0) return -1;
        s->packed = fs_exists_packed(path);
        if (fs_path(path, sizeof path, e, "%s/cells", dirs[i]) != 0) return -1;
        if (!s->packed && (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode)))
            return err_set(e, EXIT_USAGE, "--reuse",
                           "%s: no cell results (expected cells/ or "
                           "a packed store cells.csv.gz)",
                           dirs[i]);
        static const char *const subs[] = {"cells", "curves", "evals", "curves.csv.gz",
                                           "tuning-curves.csv.gz"};
        for (int f = 0; f < 5; f++) { /* a cell's files are never read through a link */
            if (fs_path(path, sizeof path, e, "%s/%s", dirs[i], subs[f]) != 0) return -1;
            if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
                return err_set(e, EXIT_USAGE, "--reuse",
                               "%s: a symbolic link (expected %s; reuse never follows a link)",
                               path, f < 3 ? "a folder of cell results" : "a file of lrlab pack");
        }
        load_times(s);
        if (s->packed ? load_store(s, e) != 0 : check_columns(s, e) != 0) return -1;
    }
    return 0;
}

/* version_in: the version the versions text ("task a 1, b 2; optimizer ...; scheduler ...")
 * gives the component `name` of `kind` (task, optimizer, scheduler); 1 when the folder has no
 * versions line or does not list it. */
static long version_in(const char *versions, const char *kind, const char *name) {
    if (!versions) return 1;
    const char *p = strstr(versions, kind);
    while (p && p != versions && p[-1] != ' ') p = strstr(p + 1, kind);
    if (!p) return 1;
    const char *end = strchr(p, ';');
    p += strlen(kind);
    const size_t n = strlen(name);
    while (p && (!end || p < end)) {
        while (*p == ' ' || *p == ',') p++;
        if (strncmp(p, name, n) == 0 && p[n] == ' ') return strtol(p + n + 1, NULL, 10);
        p = strchr(p, ',');
    }
    return 1;
}

/* version_clash: a component of c whose version in the folder differs from this lrlab's,
 * described into out; 0 when none. */
static int version_clash(const ReuseSrc *s, const Cell *c, char *out, size_t n) {
    const struct {
        const char *kind, *name;
        int have;
    } comp[3] = {{"task", c->task->name, c->task->task->version},
                 {"optimizer", c->optim->name, c->optim->optim->version},
                 {"scheduler", c->sched->name, c->sched->sched->version}};
    for (int k = 0; k < 3; k++) {
        long v = version_in(s->versions, comp[k].kind, comp[k].name);
        if (v != comp[k].have) {
            snprintf(out, n, "%s %s version %ld there, %d here", comp[k].kind, comp[k].name, v,
                     comp[k].have);
            return 1;
        }
    }
    return 0;
}

/* describe: "task optimizer scheduler seed S lr X" of a cell, for messages. */
static void describe(const Cell *c, char *out, size_t n) {
    snprintf(out, n, "%s %s %s seed %lld lr %g", c->task->label, c->optim->label, c->sched->label,
             (long long)c->seed, c->lr0);
}

/* last_status: the status field of a cell file's last row ("" if it has none). */
static void last_status(const Buf *cell, char *out, size_t n) {
    *out = '\0';
    if (!cell->s || cell->len < 2) return;
    const char *end = cell->s + cell->len - 1, *p = end;
    while (p > cell->s && p[-1] != '\n') p--;
    for (int k = 0; k < 7 && p < end; k++) p += strcspn(p, ",\n") + (p[strcspn(p, ",\n")] == ',');
    snprintf(out, n, "%.*s", (int)strcspn(p, ",\n"), p);
}

/* find: the cell's files from the first folder that has them whole (a failed cell only with
 * failed_ok): the folder's index, -1 none, -2 refused (e). A corrupt copy is reported and the
 * search goes on. */
static int find(Reuse *r, const Cell *c, int tuning, int failed_ok, Buf files[3], int *kept,
                Err *e) {
    for (int i = 0; i < r->n; i++) {
        ReuseSrc *s = &r->src[i];
        Err why = {0};
        *kept = 1;
        int rc = s->packed ? store_cell(s, c->id, tuning, files, kept, &why)
                           : folder_cell(s, c->id, files, &why);
        if (rc == 1 && s->data_bad[0]) {
            char d[256];
            describe(c, d, sizeof d);
            err_set(e, EXIT_USAGE, "--reuse",
                    "%s: cell %s (%s) was made from other data: %s "
                    "(expected the same data files; a cell of other data is never taken)",
                    s->dir, c->id, d, s->data_bad);
            rc = -1;
        }
        char clash[256];
        if (rc == 1 && version_clash(s, c, clash, sizeof clash)) {
            char d[256];
            describe(c, d, sizeof d);
            err_set(e, EXIT_USAGE, "--reuse",
                    "%s: cell %s (%s) was made by another "
                    "implementation: %s (expected the same versions; its files do not match "
                    "its id)",
                    s->dir, c->id, d, clash);
            rc = -1;
        }
        if (rc < 0) {
            if (why.msg[0]) *e = why;
            e->code = EXIT_USAGE;
            for (int f = 0; f < 3; f++) buf_free(&files[f]);
            return -2;
        }
        char status[16];
        if (rc == 1) last_status(&files[2], status, sizeof status);
        if (rc == 1 &&
            (failed_ok || (i == 0 && r->own && !r->own_retry) || strcmp(status, "failed") != 0))
            return i;
        /* a failed cell (a crash, a time limit: the machine's, not the configuration's) is
         * trained again, not taken; its value (+inf) is read as the run that made it did */
        if (rc == 2) {
            r->retrained++;
            fprintf(stderr, "lrlab: reuse: %s; cell %s not taken, trained again\n", why.msg, c->id);
        }
        for (int f = 0; f < 3; f++) buf_free(&files[f]);
    }
    return -1;
}

int reuse_take(Reuse *r, const Cell *c, int tuning, const char *dir, int timing, Err *e) {
    Buf files[3] = {{0}, {0}, {0}};
    int kept;
    int i = find(r, c, tuning, 0, files, &kept, e);
    if (i == -2) return -1;
    if (i < 0) return 0;
    static const char *const subs[] = {"curves", "evals", "cells"};
    int rc = 0;
    const double sec = seconds(&r->src[i], c->id);
    if (isfinite(sec)) rc = results_time_append(timing, dir, c->id, sec, e);
    for (int f = 0; f < 3 && rc == 0; f++) {
        char path[FS_PATH_MAX];
        rc = fs_path(path, sizeof path, e, "%s/%s/%s.csv", dir, subs[f], c->id);
        if (rc == 0)
            rc = f < 2 ? fs_write_in_place(path, files[f].s ? files[f].s : "", files[f].len, e)
                       : fs_write(path, files[f].s, files[f].len, 0, e);
    }
    for (int f = 0; f < 3; f++) buf_free(&files[f]);
    if (rc != 0) return -1;
    if (i == 0 && r->own) return 2; /* the folder's own cell, back in its files */
    csvio_field(&r->log, c->id, 1);
    csvio_field(&r->log, r->src[i].dir, 0);
    csvio_field(&r->log, kept ? "kept" : "empty", 0);
    csvio_end(&r->log);
    r->taken++;
    return 1;
}

int reuse_value(Reuse *r, const Cell *c, int col, double *v, Err *e) {
    Buf files[3] = {{0}, {0}, {0}};
    int kept;
    int i = find(r, c, 1, 1, files, &kept, e);
    if (i == -2) return -1;
    if (i < 0) return 0;
    /* the cell file's last stage, as results_final_value reads it */
    *v = INFINITY;
    char *text = files[2].s;
    int row = 0;
    for (char *p = text, *nl; p && *p && row <= NSTAGES; p = nl ? nl + 1 : NULL, row++) {
        nl = strchr(p, '\n');
        if (row != NSTAGES) continue;
        /* fields of the last stage row: split on commas (numbers and status; the reason
         * field comes after the columns read) */
        const char *f = p;
        double x;
        char field[64];
        for (int k = 0; k <= col && f; k++) {
            size_t len = strcspn(f, ",\n");
            if (k == 2 && !(len == 1 && f[0] == '1')) break; /* not reached */
            if (k == col && len < sizeof field) {
                memcpy(field, f, len);
                field[len] = '\0';
                if (csvio_parse_num(field, &x) == 0 && isfinite(x)) *v = x;
            }
            f = f[len] == ',' ? f + len + 1 : NULL;
        }
    }
    for (int f = 0; f < 3; f++) buf_free(&files[f]);
    return 1;
}

int reuse_precheck(Reuse *r, const Plan *const *plans, int nplans, Err *e) {
    for (int i = 0; i < r->n; i++) {
        ReuseSrc *s = &r->src[i];
        char clash[256] = "";
        for (int k = 0; k < nplans && !clash[0]; k++) /* a component at another version */
            for (int c = 0; c < plans[k]->n && !clash[0]; c++)
                version_clash(s, &plans[k]->cells[c], clash, sizeof clash);
        if (!s->data_bad[0] && !clash[0]) continue;
        for (int k = 0; k < nplans; k++)
            for (int c = 0; c < plans[k]->n; c++) {
                const Cell *cell = &plans[k]->cells[c];
                char why[256] = "";
                if (!s->data_bad[0] && !version_clash(s, cell, why, sizeof why)) continue;
                char path[FS_PATH_MAX];
                struct stat st;
                int has;
                if (s->packed) {
                    if (load_store(s, e) != 0) return -1;
                    has = find_rows(s->cell_rows, s->ncell_rows, cell->id) != NULL;
                } else {
                    if (fs_path(path, sizeof path, e, "%s/cells/%s.csv", s->dir, cell->id) != 0)
                        return -1;
                    has = lstat(path, &st) == 0;
                }
                if (!has) continue;
                char d[256];
                describe(cell, d, sizeof d);
                if (s->data_bad[0])
                    return err_set(e, EXIT_USAGE, "--reuse",
                                   "%s: cell %s (%s) was made from "
                                   "other data: %s (expected the same data files; a cell of "
                                   "other data is never taken)",
                                   s->dir, cell->id, d, s->data_bad);
                return err_set(e, EXIT_USAGE, "--reuse",
                               "%s: cell %s (%s) was made by another "
                               "implementation: %s (expected the same versions; its files do "
                               "not match its id)",
                               s->dir, cell->id, d, why);
            }
        if (s->data_bad[0])
            return err_set(e, EXIT_USAGE, "--reuse",
                           "%s: made from other data: %s (expected "
                           "the same data files)",
                           s->dir, s->data_bad);
    }
    return 0;
}

int reuse_has(Reuse *r, const char *id) {
    for (int i = 0; i < r->n; i++) {
        ReuseSrc *s = &r->src[i];
        char path[FS_PATH_MAX];
        struct stat st;
        Err e;
        if (s->packed ? s->loaded && find_rows(s->cell_rows, s->ncell_rows, id) != NULL
                      : fs_path(path, sizeof path, &e, "%s/cells/%s.csv", s->dir, id) == 0 &&
                            lstat(path, &st) == 0)
            return 1;
    }
    return 0;
}

int reuse_write_log(Reuse *r, const char *dir, Err *e) {
    if (!r->log.len) return 0;
    char path[FS_PATH_MAX];
    if (fs_path(path, sizeof path, e, "%s/reuse.csv", dir) != 0) return -1;
    Buf b = {0};
    char *old = fs_read(path, NULL);
    if (old && strncmp(old, "cell,from,curves\n", 17) == 0) buf_printf(&b, "%s", old);
    else buf_printf(&b, "cell,from,curves\n");
    free(old);
    buf_append(&b, r->log.s, r->log.len);
    int rc = fs_write_atomic(path, b.s, b.len, e);
    buf_free(&b);
    if (rc == 0) buf_free(&r->log); /* written: a later call adds nothing twice */
    return rc;
}

void reuse_close(Reuse *r) {
    for (int i = 0; i < r->n; i++) {
        ReuseSrc *s = &r->src[i];
        if (s->loaded) {
            csvio_free(&s->cells);
            csvio_free(&s->evals);
            csvio_free(&s->tevals);
        }
        for (int k = 0; k < 2; k++) {
            if (s->curves_state[k] == 1) members_close(&s->curves[k]);
            if (s->emembers_open[k]) members_close(&s->emembers[k]);
        }
        free(s->cell_rows);
        free(s->eval_rows);
        free(s->teval_rows);
        free(s->times);
        free(s->versions);
    }
    free(r->src);
    buf_free(&r->log);
    memset(r, 0, sizeof *r);
}
