/* curvestore.c - a packed folder's curves, one gzip member per cell (see curvestore.h). */
#include "harness/engine/curvestore.h"

#include "harness/base/csvio.h"
#include "harness/base/fsutil.h"
#include "harness/base/gzip.h"
#include "harness/engine/results.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct CurveMember {
    char id[17];
    size_t off, len; /* the member's bytes in the file */
};

static int cmp_member(const void *a, const void *b) {
    return strcmp(((const CurveMember *)a)->id, ((const CurveMember *)b)->id);
}

static int is_hex16(const char *s) {
    for (int i = 0; i < 16; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

/* member_cell: the id of a decoded member of whole lines that all start with "ID,"; -1 with e
 * naming the member's offset otherwise. */
static int member_cell(const CurveStore *s, const char *text, size_t n, size_t off, char id[17],
                       Err *e) {
    if (n == 0 || text[n - 1] != '\n')
        return err_set(e, EXIT_USAGE, s->path,
                       "member at byte %zu: %s (expected one cell's rows, whole lines)", off,
                       n == 0 ? "empty" : "its last line has no end");
    for (size_t i = 0, line = 1; i < n; line++) {
        const char *nl = memchr(text + i, '\n', n - i);
        if ((size_t)(nl - (text + i)) < 17 || !is_hex16(text + i) || text[i + 16] != ',' ||
            (i > 0 && memcmp(text + i, text, 16) != 0))
            return err_set(e, EXIT_USAGE, s->path,
                           "member at byte %zu, line %zu: not a row of %s (expected each row "
                           "to start with the member's one cell id, 16 hex digits)",
                           off, line, i ? "its cell" : "a cell");
        i = (size_t)(nl - text) + 1;
    }
    memcpy(id, text, 16);
    id[16] = '\0';
    return 0;
}

static int decode_at(const CurveStore *s, size_t off, size_t n, uint8_t **out, size_t *outn,
                     size_t *used, Err *e) {
    char where[4300];
    snprintf(where, sizeof where, "%s: member at byte %zu", s->path, off);
    return gzip_decode_member(s->gz + off, n, CURVESTORE_MEMBER_MAX, out, outn, used, where, e);
}

int curvestore_open(CurveStore *s, const char *path, Err *e) {
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT) return 1;
        return err_set(e, EXIT_USAGE, path, "cannot read (%s)", fs_strerror(errno));
    }
    if (!S_ISREG(st.st_mode))
        return err_set(e, EXIT_USAGE, path,
                       "not a regular file (expected the gzip file lrlab pack writes; a "
                       "symbolic link is never followed)");
    s->gz = (uint8_t *)fs_read(path, &s->n);
    if (!s->gz) return err_set(e, EXIT_USAGE, path, "cannot read (%s)", fs_strerror(errno));
    Buf head = {0};
    csvio_header(&head, results_long_curve);
    int cap = 0, rc = 0;
    for (size_t off = 0; off < s->n && rc == 0;) {
        uint8_t *text;
        size_t tn, used;
        if (off > 0 && (s->n - off < 2 || s->gz[off] != 0x1f || s->gz[off + 1] != 0x8b)) {
            rc = err_set(e, EXIT_USAGE, path,
                         "%zu bytes after the last member at byte %zu (expected another "
                         "member, starting 1f 8b, or the end)",
                         s->n - off, off);
            break;
        }
        if (decode_at(s, off, s->n - off, &text, &tn, &used, e) != 0) {
            rc = -1;
            break;
        }
        if (off == 0) {
            if (tn != head.len || memcmp(text, head.s, tn) != 0)
                rc = err_set(e, EXIT_USAGE, path,
                             "first member: not the header (expected the one line %.*s)",
                             (int)head.len - 1, head.s);
        } else {
            if (s->nm == cap)
                s->m = xrealloc(s->m, (size_t)(cap = cap ? 2 * cap : 256) * sizeof *s->m);
            CurveMember *m = &s->m[s->nm];
            rc = member_cell(s, (const char *)text, tn, off, m->id, e);
            m->off = off, m->len = used;
            if (rc == 0) s->nm++;
        }
        free(text);
        off += used;
    }
    buf_free(&head);
    if (rc == 0 && s->n == 0)
        rc = err_set(e, EXIT_USAGE, path, "empty (expected at least the header member)");
    if (rc == 0 && s->nm) qsort(s->m, (size_t)s->nm, sizeof *s->m, cmp_member);
    for (int i = 1; rc == 0 && i < s->nm; i++)
        if (strcmp(s->m[i].id, s->m[i - 1].id) == 0)
            rc = err_set(e, EXIT_USAGE, path,
                         "cell %s in two members (at bytes %zu and %zu; expected each cell once)",
                         s->m[i].id, s->m[i - 1].off < s->m[i].off ? s->m[i - 1].off : s->m[i].off,
                         s->m[i - 1].off < s->m[i].off ? s->m[i].off : s->m[i - 1].off);
    if (rc != 0) curvestore_close(s);
    return rc;
}

static const CurveMember *find(const CurveStore *s, const char *id) {
    CurveMember k = {0};
    snprintf(k.id, sizeof k.id, "%s", id);
    return s->nm ? bsearch(&k, s->m, (size_t)s->nm, sizeof k, cmp_member) : NULL;
}

int curvestore_rows(const CurveStore *s, const char *id, Buf *b, Err *e) {
    const CurveMember *m = find(s, id);
    if (!m) return 1;
    uint8_t *text;
    size_t tn, used;
    if (decode_at(s, m->off, m->len, &text, &tn, &used, e) != 0) return -1;
    buf_append(b, (const char *)text, tn);
    free(text);
    return 0;
}

int curvestore_curve(const CurveStore *s, const char *id, Buf *b, Err *e) {
    Buf rows = {0};
    csvio_header(&rows, results_long_curve);
    int rc = curvestore_rows(s, id, &rows, e);
    CsvTable t;
    if (rc == 0 && csvio_parse(s->path, rows.s, rows.len, results_long_curve, &t, e) != 0) rc = -1;
    if (rc == 0) {
        static const char *const curve_cols[] = {"step", "lr", "train_loss", NULL};
        csvio_header(b, curve_cols);
        for (int r = 0; r < t.nrows; r++) {
            for (int k = 5; k < 8; k++) csvio_field(b, csvio_at(&t, r, k), k == 5);
            csvio_end(b);
        }
        csvio_free(&t);
    }
    buf_free(&rows);
    return rc;
}

void curvestore_close(CurveStore *s) {
    free(s->gz);
    free(s->m);
    s->gz = NULL, s->m = NULL, s->n = 0, s->nm = 0;
}
