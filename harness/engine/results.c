/* results.c - per-cell result files and their merge (see results.h). */
#include "harness/engine/results.h"

#include "harness/base/csvio.h"
#include "harness/base/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const results_cell_cols[] = {"stage",         "step",      "reached",    "train_loss",
                                         "val_loss",      "metric",    "lr",         "status",
                                         "diverged_step", "lr_clips",  "loss_evals", "reason",
                                         "curves_fnv",    "evals_fnv", NULL};
static const char *const curve_cols[] = {"step", "lr", "train_loss", NULL};
static const char *const eval_cols[] = {"step", "train_loss", "val_loss", "metric", "lr", NULL};

/* A cell's files: its curves and evaluations are written in place, then its cell file,
 * atomically (temporary file, rename), carrying FNV-1a hashes of the two: the cell file marks
 * the cell complete, and a companion cut short (a kill mid-write, a machine crash) makes the
 * cell incomplete, trained again, rather than wrong. Nothing is fsynced one by one: at a few
 * milliseconds each, that would cost more than the training of a small cell; the runner
 * flushes the filesystem every few seconds and at the end (run.c). Creating files is most of
 * a cell's cost outside training, so a cell has no more than these three. */
static int write_buf(const char *dir, const char *sub, const char *id, const char *ext, Buf *b,
                     int atomic, Err *e) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s.%s", dir, sub, id, ext);
    const char *data = b->s ? b->s : "";
    int rc = atomic ? fs_write(path, data, b->len, 0, e) : fs_write_in_place(path, data, b->len, e);
    buf_free(b);
    return rc;
}

static void hash_hex(const Buf *b, char out[17]) {
    snprintf(out, 17, "%016llx", (unsigned long long)plan_fnv1a(b->s ? b->s : ""));
}

int results_write_cell(const char *dir, const char *id, const CellResult *r, Err *e) {
    Buf b = {0};
    csvio_header(&b, curve_cols);
    for (int i = 0; i < r->ncurve; i++) {
        csvio_int(&b, r->curve[i].step, 1);
        csvio_num(&b, r->curve[i].lr, 0);
        csvio_num(&b, r->curve[i].train_loss, 0);
        csvio_end(&b);
    }
    char curves_fnv[17], evals_fnv[17];
    hash_hex(&b, curves_fnv);
    if (write_buf(dir, "curves", id, "csv", &b, 0, e) != 0) return -1;
    csvio_header(&b, eval_cols);
    for (int i = 0; i < r->nevals; i++) {
        const EvalRow *v = &r->evals[i];
        csvio_int(&b, v->step, 1);
        csvio_num(&b, v->train_loss, 0);
        csvio_num(&b, v->val_loss, 0);
        csvio_num(&b, v->metric, 0);
        csvio_num(&b, v->lr, 0);
        csvio_end(&b);
    }
    hash_hex(&b, evals_fnv);
    if (write_buf(dir, "evals", id, "csv", &b, 0, e) != 0) return -1;
    csvio_header(&b, results_cell_cols);
    for (int k = 0; k < NSTAGES; k++) {
        const StageRow *s = &r->stages[k];
        csvio_int(&b, stage_pct[k], 1);
        csvio_int(&b, s->step, 0);
        csvio_int(&b, s->reached, 0);
        csvio_num(&b, s->train_loss, 0);
        csvio_num(&b, s->val_loss, 0);
        csvio_num(&b, s->metric, 0);
        csvio_num(&b, s->lr, 0);
        csvio_field(&b, cell_status_name(r->status), 0);
        csvio_int(&b, r->diverged_step, 0);
        csvio_int(&b, r->lr_clips, 0);
        csvio_int(&b, r->loss_evals, 0);
        csvio_field(&b, r->reason, 0);
        csvio_field(&b, curves_fnv, 0);
        csvio_field(&b, evals_fnv, 0);
        csvio_end(&b);
    }
    return write_buf(dir, "cells", id, "csv", &b, 1, e);
}

static int read_sub(const char *dir, const char *sub, const char *id, const char *const *cols,
                    CsvTable *t, Err *e) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s.csv", dir, sub, id);
    return csvio_read(path, cols, t, e);
}

int results_final_value(const char *dir, const char *id, int col, double *v, Err *e) {
    CsvTable t;
    if (read_sub(dir, "cells", id, results_cell_cols, &t, e) != 0) return -1;
    double x;
    *v = INFINITY;
    if (t.nrows == NSTAGES && strcmp(csvio_at(&t, NSTAGES - 1, 2), "1") == 0 &&
        csvio_parse_num(csvio_at(&t, NSTAGES - 1, col), &x) == 0 && isfinite(x))
        *v = x;
    csvio_free(&t);
    return 0;
}

int results_write_failed(const char *dir, const char *id, long long steps, const char *reason,
                         Err *e) {
    CellResult r;
    memset(&r, 0, sizeof r);
    r.status = CELL_FAILED;
    r.diverged_step = -1;
    snprintf(r.reason, sizeof r.reason, "%s", reason);
    for (int k = 0; k < NSTAGES; k++) {
        int64_t s = (steps * stage_pct[k] + 99) / 100;
        r.stages[k] = (StageRow){s < 1 ? 1 : s, 0, NAN, NAN, NAN, NAN};
    }
    return results_write_cell(dir, id, &r, e);
}

static int stage_rows_ok(const CsvTable *t) {
    if (t->nrows != NSTAGES) return 0;
    for (int k = 0; k < NSTAGES; k++) {
        double x;
        if (csvio_parse_num(csvio_at(t, k, 0), &x) || x != stage_pct[k]) return 0;
        const char *st = csvio_at(t, k, 7);
        if (strcmp(st, "ok") && strcmp(st, "diverged") && strcmp(st, "failed")) return 0;
        for (int c = 1; c <= 6; c++)
            if (csvio_parse_num(csvio_at(t, k, c), &x)) return 0;
    }
    return 1;
}

/* The file's FNV-1a hash equals `want` (a cell file's record of it). */
static int file_hash_is(const char *dir, const char *sub, const char *id, const char *want) {
    char path[4096], got[17];
    snprintf(path, sizeof path, "%s/%s/%s.csv", dir, sub, id);
    size_t n;
    char *s = fs_read(path, &n);
    if (!s) return 0;
    int ok = strlen(s) == n; /* no NUL inside */
    snprintf(got, sizeof got, "%016llx", (unsigned long long)plan_fnv1a(s));
    free(s);
    return ok && strcmp(got, want) == 0;
}

int results_cell_check(const char *dir, const char *id, Err *e) {
    CsvTable t;
    if (read_sub(dir, "cells", id, results_cell_cols, &t, e) != 0) return -1;
    int rc = 0, bad_row = -1, bad_col = 1;
    long long step;
    for (int k = 0; k < t.nrows && bad_row < 0; k++) /* steps: whole, stage >= 1, -1 = none */
        if (csvio_parse_step(csvio_at(&t, k, 1), 1, &step) != 0) bad_row = k, bad_col = 1;
        else if (csvio_parse_step(csvio_at(&t, k, 8), -1, &step) != 0) bad_row = k, bad_col = 8;
    if (bad_row >= 0)
        rc = err_set(e, EXIT_USAGE, NULL,
                     "%s/cells/%s.csv: line %d: %s: invalid value (expected "
                     "a whole number >= %d, got \"%.30s\")",
                     dir, id, bad_row + 2, results_cell_cols[bad_col], bad_col == 1 ? 1 : -1,
                     csvio_at(&t, bad_row, bad_col));
    else if (!stage_rows_ok(&t))
        rc = err_set(e, EXIT_USAGE, NULL,
                     "%s/cells/%s.csv: invalid stage rows (expected "
                     "stages 10, 50 and 100 in order, each with a status and numbers)",
                     dir, id);
    else if (!file_hash_is(dir, "curves", id, csvio_at(&t, 0, 12)))
        rc = err_set(e, EXIT_USAGE, NULL,
                     "%s/curves/%s.csv: missing or changed (expected the "
                     "bytes whose hash %.16s its cell file records)",
                     dir, id, csvio_at(&t, 0, 12));
    else if (!file_hash_is(dir, "evals", id, csvio_at(&t, 0, 13)))
        rc = err_set(e, EXIT_USAGE, NULL,
                     "%s/evals/%s.csv: missing or changed (expected the "
                     "bytes whose hash %.16s its cell file records)",
                     dir, id, csvio_at(&t, 0, 13));
    csvio_free(&t);
    return rc;
}

int results_cell_complete(const char *dir, const char *id) {
    Err e;
    return results_cell_check(dir, id, &e) == 0;
}

/* ---- the timing log ---- */

typedef struct TimeEntry {
    const char *id;
    double seconds;
    int line;
} TimeEntry;

static int cmp_entry(const void *a, const void *b) {
    const TimeEntry *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

int results_timing_open(const char *dir, Err *e) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, RESULTS_TIMING_LOG);
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0 && errno == ELOOP) return fs_check_not_link(path, e);
    if (fd < 0)
        return err_set(e, EXIT_RUN, path, "cannot open for appending (%s)", strerror(errno));
    char last = '\n';
    off_t end = lseek(fd, 0, SEEK_END);
    if (end > 0 &&
        (pread(fd, &last, 1, end - 1) != 1 || (last != '\n' && write(fd, "\n", 1) != 1))) {
        err_set(e, EXIT_RUN, path, "cannot append (%s)", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int results_time_append(int fd, const char *dir, const char *id, double seconds, Err *e) {
    char line[128];
    int n = snprintf(line, sizeof line, "%s,%.3f\n", id, seconds);
    if (n < 0 || n >= (int)sizeof line) /* never written past the line (1e300 s) */
        return err_set(e, EXIT_RUN, NULL,
                       "%s/%s: cell %s: %g seconds (expected a wall time "
                       "under 1e9 s)",
                       dir, RESULTS_TIMING_LOG, id, seconds);
    ssize_t w = write(fd, line, (size_t)n); /* one write: whole, or cut short by a full disk */
    if (w == n) return 0;
    return err_set(e, EXIT_RUN, NULL, "%s/%s: cannot append (%s)", dir, RESULTS_TIMING_LOG,
                   strerror(w < 0 ? errno : ENOSPC));
}

void results_times(const char *dir, const PlanFile *p, double *secs) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, RESULTS_TIMING_LOG);
    size_t len = 0;
    char *log = fs_read(path, &len);
    for (size_t i = 0; log && i < len; i++) /* NUL bytes (a crash's leftovers) end a line */
        if (log[i] == '\0') log[i] = '\n';
    TimeEntry *ent = NULL;
    int n = 0, cap = 0, line = 0;
    for (char *s = log, *end; s && *s; s = end) {
        end = strchr(s, '\n');
        if (!end) break; /* a last line cut short */
        *end++ = '\0';
        char *comma = strchr(s, ',');
        double x;
        line++;
        if (!comma || comma == s || csvio_parse_num(comma + 1, &x) != 0) continue;
        *comma = '\0';
        if (n == cap) ent = xrealloc(ent, sizeof *ent * (size_t)(cap = cap ? 2 * cap : 256));
        ent[n++] = (TimeEntry){s, x, line};
    }
    if (n > 0) /* by id, then line: the last one counts */
        qsort(ent, (size_t)n, sizeof *ent, cmp_entry);
    for (int i = 0; i < p->n; i++) {
        secs[i] = NAN;
        int lo = 0, hi = n; /* the first entry with an id >= this cell's */
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (strcmp(ent[mid].id, p->rows[i].id) < 0) lo = mid + 1;
            else hi = mid;
        }
        for (; lo < n && strcmp(ent[lo].id, p->rows[i].id) == 0; lo++) secs[i] = ent[lo].seconds;
        if (isnan(secs[i])) { /* a folder written before the log: one file per cell */
            snprintf(path, sizeof path, "%s/cells/%s.time", dir, p->rows[i].id);
            char *t = fs_read(path, NULL);
            if (t) t[strcspn(t, "\n")] = '\0';
            if (t && csvio_parse_num(t, &secs[i]) != 0) secs[i] = NAN;
            free(t);
        }
    }
    free(ent);
    free(log);
}

int results_times_write(const char *dir, const PlanFile *p, const double *secs, Err *e) {
    Buf b = {0};
    for (int i = 0; i < p->n; i++)
        if (isfinite(secs[i])) buf_printf(&b, "%s,%.3f\n", p->rows[i].id, secs[i]);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, RESULTS_TIMING_LOG);
    int rc = fs_write_atomic(path, b.s ? b.s : "", b.len, e);
    buf_free(&b);
    return rc;
}

static const char *const runs_cols[] = {
    "experiment",    "cell", "task",       "optimizer",  "scheduler",   "seed",   "lr0",
    "stage",         "step", "train_loss", "val_loss",   "metric_name", "metric", "status",
    "diverged_step", "lr",   "lr_clips",   "loss_evals", "metric_goal", "reason", NULL};

static void keys(Buf *b, const PlanRow *c) {
    csvio_field(b, c->id, 1);
    csvio_field(b, c->task, 0);
    csvio_field(b, c->optim, 0);
    csvio_field(b, c->sched, 0);
    csvio_int(b, c->seed, 0);
}

const char *const results_long_curve[] = {"cell", "task", "optimizer",  "scheduler", "seed",
                                          "step", "lr",   "train_loss", NULL};
const char *const results_long_eval[] = {"cell",   "task", "optimizer",  "scheduler",
                                         "seed",   "step", "train_loss", "val_loss",
                                         "metric", "lr",   NULL};

int results_long_rows(const char *dir, const char *sub, const PlanRow *c, Buf *b, Err *e) {
    CsvTable t;
    if (read_sub(dir, sub, c->id, strcmp(sub, "curves") == 0 ? curve_cols : eval_cols, &t, e) != 0)
        return -1;
    for (int r = 0; r < t.nrows; r++) {
        keys(b, c);
        for (int k = 0; k < t.ncols; k++) csvio_field(b, csvio_at(&t, r, k), 0);
        csvio_end(b);
    }
    csvio_free(&t);
    return 0;
}

/* merge_long: streams the rows of every cell's SUB/<id>.csv, each preceded by the cell's
 * keys, into DIR/NAME under the header head: a chunk of about 1 MiB in memory at a time, so
 * that a matrix's hundreds of megabytes of curves are never held whole. */
static int merge_long(const char *dir, const PlanFile *p, Shard shard, const char *sub,
                      const char *name, const char *const *head, Err *e) {
    enum { CHUNK = 1 << 20 };
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FsStream out;
    if (fs_stream_open(&out, path, e) != 0) return -1;
    Buf b = {0};
    csvio_header(&b, head);
    for (int i = 0; i < p->n; i++) {
        if (!shard_has(shard, i)) continue;
        if (results_long_rows(dir, sub, &p->rows[i], &b, e) != 0) goto fail;
        if (b.len >= CHUNK) {
            if (fs_stream_write(&out, b.s, b.len, e) != 0) goto fail_written;
            b.len = 0, b.s[0] = '\0';
        }
    }
    if (fs_stream_write(&out, b.s ? b.s : "", b.len, e) != 0) goto fail_written;
    buf_free(&b);
    return fs_stream_close(&out, 1, e);
fail:
    fs_stream_abort(&out);
fail_written: /* fs_stream_write removed the temporary file */
    buf_free(&b);
    return -1;
}

int results_merge(const char *dir, const PlanFile *p, Shard shard, Err *e) {
    Buf runs = {0}, timing = {0};
    csvio_header(&runs, runs_cols);
    buf_printf(&timing, "cell,seconds\n");
    double *secs = xcalloc((size_t)p->n + 1, sizeof(double));
    results_times(dir, p, secs);
    int rc = -1;
    /* every cell file first (a missing or broken one stops the merge before anything is
     * written), then the curves and evaluations streamed, then runs.csv and timing.csv */
    for (int i = 0; i < p->n; i++) {
        const PlanRow *c = &p->rows[i];
        if (!shard_has(shard, i)) continue;
        CsvTable t;
        if (read_sub(dir, "cells", c->id, results_cell_cols, &t, e) != 0) goto out;
        for (int r = 0; r < t.nrows; r++) {
            csvio_field(&runs, p->experiment, 1);
            csvio_field(&runs, c->id, 0);
            csvio_field(&runs, c->task, 0);
            csvio_field(&runs, c->optim, 0);
            csvio_field(&runs, c->sched, 0);
            csvio_int(&runs, c->seed, 0);
            csvio_num(&runs, c->lr0, 0);
            csvio_field(&runs, csvio_at(&t, r, 0), 0); /* stage */
            csvio_field(&runs, csvio_at(&t, r, 1), 0); /* step */
            csvio_field(&runs, csvio_at(&t, r, 3), 0); /* train_loss */
            csvio_field(&runs, csvio_at(&t, r, 4), 0); /* val_loss */
            csvio_field(&runs, c->metric, 0);
            csvio_field(&runs, csvio_at(&t, r, 5), 0); /* metric */
            int reached = strcmp(csvio_at(&t, r, 2), "1") == 0;
            csvio_field(&runs, reached ? "ok" : csvio_at(&t, r, 7), 0);
            csvio_field(&runs, csvio_at(&t, r, 8), 0);  /* diverged_step */
            csvio_field(&runs, csvio_at(&t, r, 6), 0);  /* lr */
            csvio_field(&runs, csvio_at(&t, r, 9), 0);  /* lr_clips */
            csvio_field(&runs, csvio_at(&t, r, 10), 0); /* loss_evals */
            csvio_field(&runs, c->metric_max ? "max" : "min", 0);
            csvio_field(&runs, csvio_at(&t, r, 11), 0); /* reason: why a cell failed */
            csvio_end(&runs);
        }
        csvio_free(&t);
        buf_printf(&timing, "%s,%.3f\n", c->id, secs[i]);
    }
    if (merge_long(dir, p, shard, "curves", "curves.csv", results_long_curve, e) != 0 ||
        merge_long(dir, p, shard, "evals", "evals.csv", results_long_eval, e) != 0)
        goto out;
    char path[4096];
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    if (fs_write_atomic(path, runs.s, runs.len, e) != 0) goto out;
    snprintf(path, sizeof path, "%s/timing.csv", dir);
    if (fs_write_atomic(path, timing.s, timing.len, e) != 0) goto out;
    rc = 0;
out:
    buf_free(&runs);
    buf_free(&timing);
    free(secs);
    return rc;
}

const char *results_line_find(const char *text, const char *key) {
    const size_t k = strlen(key);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, key, k) == 0 && p[k] == ':' && p[k + 1] == ' ') return p + k + 2;
    return NULL;
}

int results_line_value(const char *text, const char *key, char *out, size_t n) {
    const char *v = results_line_find(text, key);
    size_t len = v ? strcspn(v, "\n") : 0;
    if (!v || len >= n) return -1;
    memcpy(out, v, len);
    out[len] = '\0';
    return 0;
}
