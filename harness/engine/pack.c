/* pack.c - a finished result folder in its packed form (see pack.h).
 *
 * Order, so that no data is lost whatever stops it: every new file is written beside its
 * name and renamed into place, each gzip member decoded again and compared with what it
 * holds; the merged files' packed forms are compared (SHA-256) with the plain ones; only
 * then are files removed. Killed before the removals, the folder is whole twice over (every
 * reader prefers the per-cell and plain files); killed during them, each cell is still in
 * its files or in the store: lrlab pack then refuses the folder (a cell's files are gone),
 * and lrlab run on it takes the cells back from the store and packs it again.
 */
#define _GNU_SOURCE
#include "harness/engine/pack.h"

#include "harness/base/csvio.h"
#include "harness/base/fsutil.h"
#include "harness/base/gzip.h"
#include "harness/base/sha256.h"
#include "harness/engine/planfile.h"
#include "harness/engine/results.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* the tuning cells, as plan rows (id and keys), from tuning-cells.csv; 0 cells without it */
static int tuning_rows(const char *dir, PlanFile *t, Err *e) {
    memset(t, 0, sizeof *t);
    char path[FS_PATH_MAX];
    if (fs_path(path, sizeof path, e, "%s/tuning-cells.csv", dir) != 0) return -1;
    if (!fs_exists(path)) return 0;
    static const char *const cols[] = {"cell",      "round", "index", "task", "optimizer",
                                       "scheduler", "lr",    "hyper", "seed", NULL};
    CsvTable ct;
    if (csvio_read(path, cols, &ct, e) != 0) return -1;
    t->rows = xcalloc((size_t)ct.nrows + 1, sizeof(PlanRow));
    for (int r = 0; r < ct.nrows; r++) {
        PlanRow *p = &t->rows[t->n++];
        const char *id = csvio_at(&ct, r, 0);
        long long seed;
        if (strlen(id) != 16 || strspn(id, "0123456789abcdef") != 16 ||
            csvio_parse_step(csvio_at(&ct, r, 8), 0, &seed) != 0 ||
            strlen(csvio_at(&ct, r, 3)) >= sizeof p->task ||
            strlen(csvio_at(&ct, r, 4)) >= sizeof p->optim ||
            strlen(csvio_at(&ct, r, 5)) >= sizeof p->sched) {
            csvio_free(&ct);
            planfile_free(t);
            return err_set(e, EXIT_USAGE, path,
                           "line %d: not a tuning cell (expected an id of 16 hex digits, names "
                           "under 64 bytes and a seed >= 0)",
                           r + 2);
        }
        p->index = r;
        snprintf(p->id, sizeof p->id, "%s", id);
        snprintf(p->task, sizeof p->task, "%s", csvio_at(&ct, r, 3));
        snprintf(p->optim, sizeof p->optim, "%s", csvio_at(&ct, r, 4));
        snprintf(p->sched, sizeof p->sched, "%s", csvio_at(&ct, r, 5));
        p->seed = seed;
    }
    csvio_free(&ct);
    return 0;
}

/* complete: every cell of p complete (its three files, checked against their hashes) */
static int complete(const char *dir, const PlanFile *p, const char *what, Err *e) {
    for (int i = 0; i < p->n; i++) {
        Err why = {0};
        if (results_cell_check(dir, p->rows[i].id, &why) != 0)
            return err_set(e, EXIT_USAGE, dir,
                           "%s cell %s is not complete (%s); expected a folder whose run has "
                           "finished: run it to the end (or lrlab run --retry-failed) first",
                           what, p->rows[i].id, why.msg);
    }
    return 0;
}

/* write_members: DIR/NAME as the header member and one gzip member per cell of p holding its
 * rows of SUB (results_long_rows), each member decoded again and compared; *hex: the
 * SHA-256 of the bytes it decodes to. */
static int write_members(const char *dir, const PlanFile *p, const char *sub, const char *name,
                         const char *const *head, char hex[65], Err *e) {
    enum { CHUNK = 1 << 20 };
    char path[FS_PATH_MAX];
    if (fs_path(path, sizeof path, e, "%s/%s", dir, name) != 0) return -1;
    FsStream out;
    if (fs_stream_open(&out, path, e) != 0) return -1;
    Sha256 h;
    sha256_init(&h);
    Buf text = {0}, gz = {0};
    int rc = 0;
    for (int i = -1; i < p->n && rc == 0; i++) {
        text.len = 0;
        if (text.s) text.s[0] = '\0';
        if (i < 0) csvio_header(&text, head);
        else if (results_long_rows(dir, sub, &p->rows[i], &text, e) != 0) {
            rc = -1;
            break;
        }
        size_t at = gz.len;
        gzip_member(&gz, text.s, text.len);
        uint8_t *back;
        size_t bn, used;
        if (gzip_decode_member((const uint8_t *)gz.s + at, gz.len - at, text.len + 1, &back, &bn,
                               &used, path, e) != 0) {
            rc = -1;
            break;
        }
        if (bn != text.len || used != gz.len - at || memcmp(back, text.s, bn) != 0)
            rc = err_set(e, EXIT_RUN, path,
                         "a gzip member does not decode to its rows (zlib failed to "
                         "round-trip %zu bytes)",
                         text.len);
        free(back);
        sha256_update(&h, text.s, text.len);
        if (rc == 0 && gz.len >= CHUNK) {
            if (fs_stream_write(&out, gz.s, gz.len, e) != 0) {
                buf_free(&text), buf_free(&gz);
                return -1; /* the temporary file is gone */
            }
            gz.len = 0;
        }
    }
    if (rc == 0 && fs_stream_write(&out, gz.s ? gz.s : "", gz.len, e) != 0) {
        buf_free(&text), buf_free(&gz);
        return -1;
    }
    buf_free(&text), buf_free(&gz);
    if (rc != 0) {
        fs_stream_abort(&out);
        return -1;
    }
    sha256_hex(&h, hex);
    return fs_stream_close(&out, 1, e);
}

/* the store: every cell file's rows prefixed by id, kind and order */
static int write_store(const char *dir, const PlanFile *p, const PlanFile *t, Err *e) {
    Buf text = {0}, gz = {0};
    buf_printf(&text, "cell,kind,order,");
    csvio_header(&text, results_cell_cols);
    int rc = 0;
    for (int k = 0; k < 2 && rc == 0; k++) {
        const PlanFile *q = k ? t : p;
        for (int i = 0; i < q->n && rc == 0; i++) {
            char path[FS_PATH_MAX];
            size_t n;
            char *s = NULL;
            if (fs_path(path, sizeof path, e, "%s/cells/%s.csv", dir, q->rows[i].id) != 0 ||
                !(s = fs_read(path, &n))) {
                rc = e->code ? -1
                             : err_set(e, EXIT_USAGE, path, "cannot read (%s)", fs_strerror(errno));
                break;
            }
            const char *line = strchr(s, '\n'); /* after the header */
            for (line = line ? line + 1 : s + n; line < s + n;) {
                const char *nl = memchr(line, '\n', (size_t)(s + n - line));
                size_t len = nl ? (size_t)(nl - line) : (size_t)(s + n - line);
                buf_printf(&text, "%s,%s,%d,%.*s\n", q->rows[i].id, k ? "tune" : "eval", i,
                           (int)len, line);
                line += len + 1;
            }
            free(s);
        }
    }
    if (rc == 0) {
        gzip_member(&gz, text.s, text.len);
        char path[FS_PATH_MAX];
        rc = fs_path(path, sizeof path, e, "%s/cells.csv.gz", dir);
        if (rc == 0) rc = fs_write_atomic(path, gz.s, gz.len, e);
    }
    buf_free(&text), buf_free(&gz);
    return rc;
}

static int write_tuning_timing(const char *dir, const PlanFile *t, Err *e) {
    double *secs = xcalloc((size_t)t->n + 1, sizeof(double));
    results_times(dir, t, secs);
    Buf b = {0};
    buf_printf(&b, "cell,seconds\n");
    for (int i = 0; i < t->n; i++) {
        if (secs[i] == secs[i]) buf_printf(&b, "%s,%.3f\n", t->rows[i].id, secs[i]);
        else buf_printf(&b, "%s,nan\n", t->rows[i].id);
    }
    char path[FS_PATH_MAX];
    int rc = fs_path(path, sizeof path, e, "%s/tuning-timing.csv", dir);
    if (rc == 0) rc = fs_write_atomic(path, b.s, b.len, e);
    buf_free(&b);
    free(secs);
    return rc;
}

/* same_as_plain: the packed file's decoded SHA-256 equals the plain file's when it is there */
static int same_as_plain(const char *dir, const char *name, const char hex[65], Err *e) {
    char path[FS_PATH_MAX], have[65];
    if (fs_path(path, sizeof path, e, "%s/%s", dir, name) != 0) return -1;
    if (!fs_exists(path)) return 0;
    if (sha256_file(path, have) != 0)
        return err_set(e, EXIT_USAGE, path, "cannot read (%s)", fs_strerror(errno));
    if (strcmp(have, hex) != 0)
        return err_set(e, EXIT_USAGE, path,
                       "not the merge of the cells' files (expected the bytes lrlab run merges "
                       "them into, sha256 %.16s..., got %.16s...): the folder was changed after "
                       "its run; run it again to merge, then pack",
                       hex, have);
    return 0;
}

static long long disk_bytes;
static int add_blocks(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)path, (void)flag, (void)ftw;
    disk_bytes += (long long)st->st_blocks * 512;
    return 0;
}
static double disk_mb(const char *dir) {
    disk_bytes = 0;
    nftw(dir, add_blocks, 32, FTW_PHYS);
    return (double)disk_bytes / 1e6;
}

static void unlink_at(const char *dir, const char *sub, const char *id, const char *ext) {
    char path[FS_PATH_MAX];
    Err ignored;
    if (fs_path(path, sizeof path, &ignored, "%s/%s/%s%s", dir, sub, id, ext) == 0) unlink(path);
}

static void remove_cells(const char *dir, const PlanFile *p, const PlanFile *t) {
    long long first_seed = p->n ? p->rows[0].seed : -1;
    for (int k = 0; k < 2; k++) {
        const PlanFile *q = k ? t : p;
        for (int i = 0; i < q->n; i++) {
            const char *id = q->rows[i].id;
            unlink_at(dir, "evals", id, ".csv");
            if (k || q->rows[i].seed != first_seed) unlink_at(dir, "curves", id, ".csv");
        }
    }
    for (int k = 0; k < 2; k++) { /* the cell files last: a cell is whole until they go */
        const PlanFile *q = k ? t : p;
        for (int i = 0; i < q->n; i++) unlink_at(dir, "cells", q->rows[i].id, ".csv");
    }
    static const char *const gone[] = {"cells/timing.log", "curves.csv", "evals.csv", "cells.csv",
                                       "tuning-evals.csv"};
    char path[FS_PATH_MAX];
    Err ignored;
    for (size_t i = 0; i < sizeof gone / sizeof *gone; i++)
        if (fs_path(path, sizeof path, &ignored, "%s/%s", dir, gone[i]) == 0) unlink(path);
    static const char *const subs[] = {"cells", "evals"};
    for (int i = 0; i < 2; i++) /* a folder still holding files not lrlab's stays */
        if (fs_path(path, sizeof path, &ignored, "%s/%s", dir, subs[i]) == 0) rmdir(path);
}

int pack_folder(const char *dir, int quiet, Err *e) {
    char path[FS_PATH_MAX];
    struct stat st;
    if (fs_path(path, sizeof path, e, "%s/cells", dir) != 0) return -1;
    if (lstat(path, &st) != 0 && errno == ENOENT) {
        if (fs_path(path, sizeof path, e, "%s/cells.csv", dir) != 0) return -1;
        if (fs_exists_packed(path)) {
            if (!quiet) printf("pack: %s: already packed\n", dir);
            return 0;
        }
        return err_set(e, EXIT_USAGE, dir,
                       "no cells/ folder and no store (expected a result folder of lrlab run)");
    }
    PlanFile p, t;
    if (planfile_read(dir, &p, e) != 0) return -1;
    if (tuning_rows(dir, &t, e) != 0) {
        planfile_free(&p);
        return -1;
    }
    double before = quiet ? 0 : disk_mb(dir);
    char hex[4][65];
    static const char *const made[] = {"curves.csv.gz", "evals.csv.gz", "tuning-curves.csv.gz",
                                       "tuning-evals.csv.gz"};
    int had[4];
    for (int i = 0; i < 4; i++)
        had[i] = fs_path(path, sizeof path, e, "%s/%s", dir, made[i]) == 0 && lstat(path, &st) == 0;
    int rc =
        complete(dir, &p, "evaluation", e) != 0 || complete(dir, &t, "tuning", e) != 0 ? -1 : 0;
    for (int i = 0; i < 4 && rc == 0; i++)
        if (i < 2 || t.n)
            rc = write_members(dir, i < 2 ? &p : &t, i % 2 ? "evals" : "curves", made[i],
                               i % 2 ? results_long_eval : results_long_curve, hex[i], e);
    if (rc == 0 && (same_as_plain(dir, "curves.csv", hex[0], e) != 0 ||
                    same_as_plain(dir, "evals.csv", hex[1], e) != 0))
        rc = -1;
    for (int i = 0; i < 4 && rc != 0; i++) { /* refused: what this call made goes */
        Err ignored;
        if (!had[i] && fs_path(path, sizeof path, &ignored, "%s/%s", dir, made[i]) == 0)
            unlink(path);
    }
    if (rc == 0) rc = write_store(dir, &p, &t, e);
    if (rc == 0 && t.n) rc = write_tuning_timing(dir, &t, e);
    if (rc == 0) {
        remove_cells(dir, &p, &t);
        if (!quiet)
            printf("pack: %s: %d evaluation and %d tuning cells packed; %.1f MB on disk before, "
                   "%.1f MB after\n",
                   dir, p.n, t.n, before, disk_mb(dir));
    }
    planfile_free(&p);
    planfile_free(&t);
    return rc;
}
