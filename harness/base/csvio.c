/* csvio.c - CSV through libcsv (see csvio.h). */
#include "harness/base/csvio.h"

#include "harness/base/fsutil.h"

#include <csv.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csvio_field(Buf *b, const char *s, int first) {
    size_t n = strlen(s);
    if (!first) buf_append(b, ",", 1);
    /* libcsv always quotes; plain fields stay unquoted for readability */
    if (n > 0 && strcspn(s, ",\"\r\n ") == n) {
        buf_append(b, s, n);
        return;
    }
    size_t need = 2 * n + 2;
    char stack[512];
    char *dst = need <= sizeof stack ? stack : xmalloc(need);
    buf_append(b, dst, csv_write(dst, need, s, n));
    if (dst != stack) free(dst);
}

/* The digits of m (m >= 0) into out, NUL-terminated; returns their count. */
static int utoa(unsigned long long m, char *out) {
    char tmp[24];
    int n = 0;
    do tmp[n++] = (char)('0' + m % 10);
    while (m /= 10);
    for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    out[n] = '\0';
    return n;
}

/* x as printf's "%.10g" writes it, into out (at least 32 bytes), for finite x. A value from
 * 1e-5 to 1e15 is scaled by an exact power of ten to [1e9, 1e10) in one rounding (an error
 * under 2e-6) and rounded to ten digits; one within 1e-5 of a rounding tie, and any value
 * outside that range, goes to snprintf. The same bytes as snprintf either way
 * (tests/test_csvio.c compares them on millions of values), in a fraction of the time: a
 * cell's curve has thousands of numbers. */
void csvio_format_g10(double x, char *out) {
    static const double p10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    const double ax = fabs(x);
    if (!(ax >= 1e-5 && ax < 1e15)) {
        snprintf(out, 32, "%.10g", x);
        return;
    }
    uint64_t bits;
    memcpy(&bits, &ax, sizeof bits);
    const int e2 = (int)(bits >> 52) - 1023; /* ax in [2^e2, 2^(e2+1)) */
    int e10 = (e2 * 1233) >> 12;             /* floor(e2 log10 2), maybe one low: fixed below */
    double scaled = 0;
    for (int tries = 0; tries < 3; tries++) {
        const int k = 9 - e10; /* within [-6, 15]: 10^|k| is exact in double */
        scaled = k >= 0 ? ax * p10[k] : ax / p10[-k];
        if (scaled < 1e9) e10--;
        else if (scaled >= 1e10) e10++;
        else break;
    }
    const double fl = (double)(int64_t)scaled, frac = scaled - fl; /* both exact */
    if (!(scaled >= 1e9 && scaled < 1e10) || fabs(frac - 0.5) < 1e-5) {
        snprintf(out, 32, "%.10g", x);
        return;
    }
    unsigned long long m = (unsigned long long)fl + (frac > 0.5);
    if (m == 10000000000ULL) m = 1000000000ULL, e10++;
    char d[24];
    utoa(m, d); /* ten digits: d[0] . d[1..9] times 10^e10 */
    int nd = 10;
    char *o = out;
    if (x < 0) *o++ = '-';
    if (e10 < -4 || e10 >= 10) { /* style e */
        while (nd > 1 && d[nd - 1] == '0') nd--;
        *o++ = d[0];
        if (nd > 1) {
            *o++ = '.';
            memcpy(o, d + 1, (size_t)nd - 1);
            o += nd - 1;
        }
        *o++ = 'e';
        *o++ = e10 < 0 ? '-' : '+';
        int ae = e10 < 0 ? -e10 : e10;
        if (ae < 10) *o++ = '0';
        o += utoa((unsigned long long)ae, o);
        *o = '\0';
        return;
    }
    int point = e10 + 1; /* digits before the decimal point (style f) */
    while (nd > point && nd > 0 && d[nd - 1] == '0') nd--;
    if (point <= 0) {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -point; i++) *o++ = '0';
        memcpy(o, d, (size_t)nd);
        o += nd;
    } else {
        memcpy(o, d, (size_t)point);
        o += point;
        if (nd > point) {
            *o++ = '.';
            memcpy(o, d + point, (size_t)(nd - point));
            o += nd - point;
        }
    }
    *o = '\0';
}

/* A number needs no quoting: appended as it is. */
static void plain_field(Buf *b, const char *s, int first) {
    if (!first) buf_append(b, ",", 1);
    buf_append(b, s, strlen(s));
}

void csvio_num(Buf *b, double x, int first) {
    char s[40];
    if (isnan(x)) snprintf(s, sizeof s, "nan");
    else if (isinf(x)) snprintf(s, sizeof s, x > 0 ? "inf" : "-inf");
    else csvio_format_g10(x, s);
    plain_field(b, s, first);
}

void csvio_int(Buf *b, long long x, int first) {
    char s[32];
    if (x < 0) {
        s[0] = '-';
        utoa(x == LLONG_MIN ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)-x, s + 1);
    } else {
        utoa((unsigned long long)x, s);
    }
    plain_field(b, s, first);
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
    int compact; /* fields into arena, as offset + 1 until the parse ends */
    Buf arena;
} Reader;

static void on_field(void *s, size_t n, void *ud) {
    Reader *r = ud;
    if (r->nrow == r->caprow)
        r->row =
            xrealloc(r->row, sizeof(char *) * (size_t)(r->caprow = r->caprow ? 2 * r->caprow : 16));
    if (r->compact) {
        uintptr_t at = r->arena.len + 1;
        buf_append(&r->arena, s ? s : "", n);
        buf_append(&r->arena, "", 1); /* the field's NUL */
        r->row[r->nrow++] = (char *)at;
        return;
    }
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
    for (int i = 0; i < r->nrow && !r->compact; i++) free(r->row[i]);
    r->nrow = 0;
}

static int parse(const char *path, const char *text, size_t n, const char *const *expect,
                 CsvTable *t, int compact, Err *e);

static int read_file(const char *path, const char *const *expect, CsvTable *t, int compact,
                     Err *e) {
    memset(t, 0, sizeof *t);
    size_t n;
    char *text = fs_read_packed(path, &n, e); /* FILE, or its packed form FILE.gz, FILE.1.gz... */
    if (!text)
        return e->code
                   ? -1
                   : err_set(e, EXIT_USAGE, path, "cannot read CSV file (%s)", fs_strerror(errno));
    int rc = parse(path, text, n, expect, t, compact, e);
    free(text);
    return rc;
}

int csvio_read(const char *path, const char *const *expect, CsvTable *t, Err *e) {
    return read_file(path, expect, t, 0, e);
}

int csvio_read_compact(const char *path, const char *const *expect, CsvTable *t, Err *e) {
    return read_file(path, expect, t, 1, e);
}

int csvio_parse(const char *path, const char *text, size_t n, const char *const *expect,
                CsvTable *t, Err *e) {
    return parse(path, text, n, expect, t, 0, e);
}

/* What is wrong with a table that parsed: a row of another width (bad: its line), no header,
 * or a header other than expect; 0 when nothing. */
static int table_errors(const char *path, const CsvTable *t, int bad, const char *const *expect,
                        Err *e) {
    if (bad)
        return err_set(e, EXIT_USAGE, path, "line %d: wrong number of fields (expected %d)", bad,
                       t->ncols);
    if (!t->header) return err_set(e, EXIT_USAGE, path, "empty CSV file (expected a header line)");
    if (!expect) return 0;
    int k = 0;
    for (; expect[k]; k++)
        if (k >= t->ncols || strcmp(expect[k], t->header[k]) != 0) break;
    if (expect[k] || k != t->ncols)
        return err_set(e, EXIT_USAGE, path, "line 1: unexpected columns (expected %s%s...)",
                       expect[0], expect[1] ? "," : "");
    return 0;
}

static int parse(const char *path, const char *text, size_t n, const char *const *expect,
                 CsvTable *t, int compact, Err *e) {
    memset(t, 0, sizeof *t);
    /* leading '#' lines are banners of generated files ("generated by ...; do not edit") */
    size_t skip = 0;
    int banner = 0;
    while (skip < n && text[skip] == '#') {
        const char *nl = memchr(text + skip, '\n', n - skip);
        skip = nl ? (size_t)(nl - text) + 1 : n;
        banner++;
    }
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
    Reader r = {.t = t, .line = banner, .compact = compact};
    int rc = 0;
    if (n > 0 && text[n - 1] != '\n') {
        rc = err_set(e, EXIT_USAGE, path, "truncated CSV file (expected a final newline)");
    } else if (csv_parse(&p, text + skip, n - skip, on_field, on_row, &r) != n - skip ||
               csv_fini(&p, on_field, on_row, &r) != 0) {
        rc = err_set(e, EXIT_USAGE, path, "malformed CSV near line %d (%s)", r.line + 1,
                     csv_strerror(csv_error(&p)));
    }
    if (compact) { /* offsets into the arena, now that it has stopped moving */
        if (!r.arena.s) buf_append(&r.arena, "", 0);
        t->arena = r.arena.s;
        for (int i = 0; t->header && i < t->ncols; i++)
            t->header[i] = t->arena + ((uintptr_t)t->header[i] - 1);
        for (size_t i = 0; i < (size_t)t->nrows * t->ncols; i++)
            t->cells[i] = t->arena + ((uintptr_t)t->cells[i] - 1);
    }
    if (rc == 0) rc = table_errors(path, t, r.bad, expect, e);
    for (int i = 0; i < r.nrow && !compact; i++) free(r.row[i]);
    free(r.row);
    csv_free(&p);
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
    for (int i = 0; i < t->ncols && !t->arena; i++) free(t->header ? t->header[i] : NULL);
    for (size_t i = 0; i < (size_t)t->nrows * t->ncols && !t->arena; i++) free(t->cells[i]);
    free(t->arena);
    free(t->header);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

int csvio_parse_step(const char *s, long long min, long long *x) {
    const char *d = s + (*s == '-');
    if (*d < '0' || *d > '9') return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno || v < min || v > (1LL << 53)) return -1;
    *x = v;
    return 0;
}

int csvio_parse_num(const char *s, double *x) {
    if (strcmp(s, "nan") == 0) return *x = NAN, 0;
    char *end;
    errno = 0;
    *x = strtod(s, &end);
    return (*s && *end == '\0' && errno != ERANGE) ? 0 : -1;
}
