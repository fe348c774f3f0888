/* members.c - a packed folder's long files, one gzip member per cell (see members.h). */
#include "harness/engine/members.h"

#include "harness/base/csvio.h"
#include "harness/base/fsutil.h"
#include "harness/base/gzip.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct Member {
    char id[17];
    size_t off, len; /* the member's bytes in the file */
};

static int cmp_member(const void *a, const void *b) {
    return strcmp(((const Member *)a)->id, ((const Member *)b)->id);
}

static int is_hex16(const char *s) {
    for (int i = 0; i < 16; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

/* member_cell: the id of a decoded member of whole lines that all start with "ID,"; -1 with e
 * naming the member's offset otherwise. */
static int member_cell(const MemberFile *s, const char *text, size_t n, size_t off, char id[17],
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

static int decode_at(const MemberFile *s, const uint8_t *in, size_t off, size_t n, uint8_t **out,
                     size_t *outn, size_t *used, Err *e) {
    char where[4300];
    snprintf(where, sizeof where, "%s: member at byte %zu", s->path, off);
    return gzip_decode_member(in, n, MEMBERS_MAX, out, outn, used, where, e);
}

/* read_at: n bytes of the file at off into buf (it was checked whole when opened: a short
 * read means it changed since) */
static int read_at(const MemberFile *s, uint8_t *buf, size_t n, size_t off, Err *e) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(s->fd, buf + got, n - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0)
            return err_set(e, EXIT_USAGE, s->path,
                           "%s at byte %zu (expected %zu bytes: the file changed while read)",
                           r < 0 ? strerror(errno) : "end of file", off + got, s->n);
        got += (size_t)r;
    }
    return 0;
}

/* A window of the file, file[off, off + len): the scan reads it a few MiB at a time. */
typedef struct Window {
    uint8_t *b;
    size_t cap, off, len;
} Window;

/* fill: the window from `at`, want bytes (fewer at the end of the file) */
static int fill(const MemberFile *s, Window *w, size_t at, size_t want, Err *e) {
    if (want > s->n - at) want = s->n - at;
    if (want > w->cap) w->b = xrealloc(w->b, w->cap = want);
    size_t keep = 0; /* bytes already held from at on */
    if (at >= w->off && at < w->off + w->len) {
        keep = w->off + w->len - at;
        if (keep > want) keep = want;
        memmove(w->b, w->b + (at - w->off), keep);
    }
    w->off = at, w->len = want;
    return read_at(s, w->b + keep, want - keep, at + keep, e);
}

int members_open(MemberFile *s, const char *path, const char *const *cols, Err *e) {
    memset(s, 0, sizeof *s);
    s->cols = cols;
    s->fd = -1;
    snprintf(s->path, sizeof s->path, "%s", path);
    s->fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (s->fd < 0) {
        if (errno == ENOENT) return 1;
        if (errno == ELOOP)
            return err_set(e, EXIT_USAGE, path,
                           "a symbolic link (expected the gzip file lrlab pack writes; a link "
                           "is never followed)");
        return err_set(e, EXIT_USAGE, path, "cannot read (%s)", fs_strerror(errno));
    }
    if (fstat(s->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        members_close(s);
        return err_set(e, EXIT_USAGE, path,
                       "not a regular file (expected the gzip file lrlab pack writes)");
    }
    s->n = (size_t)st.st_size;
    Buf head = {0};
    csvio_header(&head, cols);
    enum { STEP = 4 << 20 };
    Window w = {0};
    int cap = 0, rc = 0;
    for (size_t off = 0; off < s->n && rc == 0;) {
        /* the window holds the member's first bytes, and a few MiB after them */
        if (off + (STEP >> 2) > w.off + w.len && w.off + w.len < s->n &&
            fill(s, &w, off, STEP, e) != 0) {
            rc = -1;
            break;
        }
        const uint8_t *at = w.b + (off - w.off);
        if (off > 0 && (s->n - off < 2 || at[0] != 0x1f || at[1] != 0x8b)) {
            rc = err_set(e, EXIT_USAGE, path,
                         "%zu bytes after the last member at byte %zu (expected another "
                         "member, starting 1f 8b, or the end)",
                         s->n - off, off);
            break;
        }
        uint8_t *text;
        size_t tn, used;
        Err why = {0};
        while (decode_at(s, at, off, w.off + w.len - off, &text, &tn, &used, &why) != 0) {
            if (w.off + w.len == s->n) { /* the member is cut short or damaged */
                *e = why;
                rc = -1;
                break;
            }
            if (fill(s, &w, off, 2 * (w.off + w.len - off), e) != 0) { /* a large member */
                rc = -1;
                break;
            }
            at = w.b;
        }
        if (rc != 0) break;
        if (off == 0) {
            if (tn != head.len || memcmp(text, head.s, tn) != 0) { /* gzipped whole, say */
                err_set(e, EXIT_USAGE, path,
                        "first member: not the header (expected the one line %.*s)",
                        (int)head.len - 1, head.s);
                rc = 2;
            }
        } else {
            if (s->nm == cap)
                s->m = xrealloc(s->m, (size_t)(cap = cap ? 2 * cap : 256) * sizeof *s->m);
            Member *m = &s->m[s->nm];
            rc = member_cell(s, (const char *)text, tn, off, m->id, e);
            m->off = off, m->len = used;
            if (rc == 0) s->nm++;
        }
        free(text);
        off += used;
    }
    free(w.b);
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
    if (rc != 0) members_close(s);
    return rc;
}

static const Member *find(const MemberFile *s, const char *id) {
    Member k = {0};
    snprintf(k.id, sizeof k.id, "%s", id);
    return s->nm ? bsearch(&k, s->m, (size_t)s->nm, sizeof k, cmp_member) : NULL;
}

int members_rows(const MemberFile *s, const char *id, Buf *b, Err *e) {
    const Member *m = find(s, id);
    if (!m) return 1;
    uint8_t *gz = xmalloc(m->len), *text;
    size_t tn, used;
    int rc = read_at(s, gz, m->len, m->off, e) != 0 ||
                     decode_at(s, gz, m->off, m->len, &text, &tn, &used, e) != 0
                 ? -1
                 : 0;
    free(gz);
    if (rc != 0) return -1;
    buf_append(b, (const char *)text, tn);
    free(text);
    return 0;
}

int members_cell(const MemberFile *s, const char *id, Buf *b, Err *e) {
    Buf rows = {0};
    csvio_header(&rows, s->cols);
    int rc = members_rows(s, id, &rows, e);
    CsvTable t;
    if (rc == 0 && csvio_parse(s->path, rows.s, rows.len, s->cols, &t, e) != 0) rc = -1;
    if (rc == 0) {
        csvio_header(b, s->cols + MEMBERS_KEYS);
        for (int r = 0; r < t.nrows; r++) {
            for (int k = MEMBERS_KEYS; k < t.ncols; k++)
                csvio_field(b, csvio_at(&t, r, k), k == MEMBERS_KEYS);
            csvio_end(b);
        }
        csvio_free(&t);
    }
    buf_free(&rows);
    return rc;
}

void members_close(MemberFile *s) {
    if (s->fd >= 0) close(s->fd);
    free(s->m);
    s->fd = -1, s->m = NULL, s->n = 0, s->nm = 0;
}
