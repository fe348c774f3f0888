/* csvio.c - CSV through libcsv (see csvio.h). */
#include "harness/csvio.h"

#include "harness/fsutil.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csvio_field(Buf *b, const char *s, int first) {
    size_t n = strlen(s);
    size_t need = 2 * n + 2;
    char stack[512];
    char *dst = need <= sizeof stack ? stack : xmalloc(need);
    size_t w = csv_write(dst, need, s, n);
    /* libcsv always quotes; keep plain fields unquoted for readability */
    int plain = n > 0 && strcspn(s, ",\"\r\n ") == n;
    if (!first) buf_append(b, ",", 1);
    if (plain) buf_append(b, s, n);
    else buf_append(b, dst, w);
    if (dst != stack) free(dst);
}

void csvio_num(Buf *b, double x, int first) {
    char s[40];
    if (isnan(x)) snprintf(s, sizeof s, "nan");
    else if (isinf(x)) snprintf(s, sizeof s, x > 0 ? "inf" : "-inf");
    else snprintf(s, sizeof s, "%.10g", x);
    csvio_field(b, s, first);
}

void csvio_int(Buf *b, long long x, int first) {
    char s[32];
    snprintf(s, sizeof s, "%lld", x);
    csvio_field(b, s, first);
}

void csvio_end(Buf *b) { buf_append(b, "\n", 1); }

void csvio_header(Buf *b, const char *const *cols) {
    for (int i = 0; cols[i]; i++) csvio_field(b, cols[i], i == 0);
    csvio_end(b);
}

typedef struct {
    CsvTable *t;
    char **row;
    int nrow, caprow;
    int line, bad;
    size_t cap;
} Reader;

static void on_field(void *s, size_t n, void *ud) {
    Reader *r = ud;
    if (r->nrow == r->caprow) r->row = xrealloc(r->row, sizeof(char *) * (size_t)(r->caprow = r->caprow ? 2 * r->caprow : 16));
    char *f = xmalloc(n + 1);
    if (n) memcpy(f, s, n);
    f[n] = '\0';
    r->row[r->nrow++] = f;
}

static void on_row(int c, void *ud) {
    Reader *r = ud;
    CsvTable *t = r->t;
    r->line++;
    if (r->bad) goto drop;
    if (!t->header) {
        t->ncols = r->nrow;
        t->header = r->row;
        r->row = NULL;
        r->nrow = r->caprow = 0;
        return;
    }
    if (r->nrow != t->ncols) {
        r->bad = r->line;
        goto drop;
    }
    if ((size_t)(t->nrows + 1) * (size_t)t->ncols > r->cap) {
        r->cap = r->cap ? 2 * r->cap : (size_t)t->ncols * 64;
        t->cells = xrealloc(t->cells, sizeof(char *) * r->cap);
    }
    memcpy(t->cells + (size_t)t->nrows * t->ncols, r->row, sizeof(char *) * (size_t)t->ncols);
    t->nrows++;
    r->nrow = 0;
    return;
drop:
    for (int i = 0; i < r->nrow; i++) free(r->row[i]);
    r->nrow = 0;
}

int csvio_read(const char *path, const char *const *expect, CsvTable *t, Err *e) {
    memset(t, 0, sizeof *t);
    size_t n;
    char *text = fs_read(path, &n);
    if (!text) return err_set(e, EXIT_USAGE, path, "cannot read CSV file (%s)", strerror(errno));
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
    Reader r = {.t = t};
    int rc = 0;
    if (n > 0 && text[n - 1] != '\n') {
        rc = err_set(e, EXIT_USAGE, path, "truncated CSV file (expected a final newline)");
    } else if (csv_parse(&p, text, n, on_field, on_row, &r) != n ||
               csv_fini(&p, on_field, on_row, &r) != 0) {
        rc = err_set(e, EXIT_USAGE, path, "malformed CSV near line %d (%s)", r.line + 1,
                     csv_strerror(csv_error(&p)));
    } else if (r.bad) {
        rc = err_set(e, EXIT_USAGE, path, "line %d: wrong number of fields (expected %d)", r.bad,
                     t->ncols);
    } else if (!t->header) {
        rc = err_set(e, EXIT_USAGE, path, "empty CSV file (expected a header line)");
    } else if (expect) {
        int k = 0;
        for (; expect[k]; k++)
            if (k >= t->ncols || strcmp(expect[k], t->header[k]) != 0) break;
        if (expect[k] || k != t->ncols)
            rc = err_set(e, EXIT_USAGE, path, "line 1: unexpected columns (expected %s%s...)",
                         expect[0], expect[1] ? "," : "");
    }
    for (int i = 0; i < r.nrow; i++) free(r.row[i]);
    free(r.row);
    csv_free(&p);
    free(text);
    if (rc != 0) csvio_free(t);
    return rc;
}

const char *csvio_at(const CsvTable *t, int row, int col) {
    const char *s = t->cells[(size_t)row * t->ncols + col];
    return s ? s : "";
}

int csvio_col(const CsvTable *t, const char *name) {
    for (int i = 0; i < t->ncols; i++)
        if (t->header[i] && strcmp(t->header[i], name) == 0) return i;
    return -1;
}

void csvio_free(CsvTable *t) {
    for (int i = 0; i < t->ncols; i++) free(t->header ? t->header[i] : NULL);
    for (size_t i = 0; i < (size_t)t->nrows * t->ncols; i++) free(t->cells[i]);
    free(t->header);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

int csvio_parse_num(const char *s, double *x) {
    if (strcmp(s, "nan") == 0) return *x = NAN, 0;
    char *end;
    errno = 0;
    *x = strtod(s, &end);
    return (*s && *end == '\0' && errno != ERANGE) ? 0 : -1;
}
