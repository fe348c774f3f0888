/* gzip.c - gzip file images decoded with zlib (see gzip.h).
 *
 * How: one z_stream opened with inflateInit2(windowBits 16 + MAX_WBITS), which makes zlib
 * expect the gzip wrapper and verify its trailer (zlib 1.2.13 manual, "Advanced functions");
 * inflateReset before each further member. The output buffer starts at the last member's
 * ISIZE (exact for a single member, bounded against forgery) and doubles, up to limit + 1
 * bytes: one byte past the limit proves the output too large.
 * Reference: RFC 1952 (gzip: magic 1f 8b, method 8, flags, trailer CRC32 and ISIZE, members
 * may be concatenated), RFC 1951 (DEFLATE: at most 1032 output bytes per input byte).
 */
#include "harness/base/gzip.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define ZLIB_CONST /* next_in points to const bytes */
#include <zlib.h>

typedef struct Gunzip {
    z_stream z;
    gz_header head; /* head.done: 1 once zlib has parsed the current member's header */
    const uint8_t *in;
    size_t n, pos; /* input and bytes of it consumed */
    uint8_t *out;
    size_t cap, len; /* output buffer and bytes written */
    size_t member;   /* offset in `out` of the current member's output */
    size_t limit;
    int one; /* stop after the first member (gzip_decode_member) */
    const char *where;
    Err *e;
} Gunzip;

/* bad: fills the error as "WHERE: gzip stream: MESSAGE" and returns -1. */
static int bad(Gunzip *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(Gunzip *g, const char *fmt, ...) {
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set(g->e, EXIT_USAGE, g->where, "gzip stream: %s", msg);
}

static uint32_t le32(const uint8_t *p) {
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uInt chunk(size_t n) { return n > UINT_MAX ? UINT_MAX : (uInt)n; }

/* member_start: the fixed fields zlib would only report in words: the magic (which also
 * tells a further member from trailing bytes), the method and the reserved flags. */
static int member_start(Gunzip *g) {
    const uint8_t *p = g->in + g->pos;
    size_t left = g->n - g->pos;
    if (g->pos > 0 && (left < 2 || p[0] != 0x1f || p[1] != 0x8b))
        return bad(g,
                   "trailing bytes after the member (expected end of input or another "
                   "member starting 1f 8b, got %zu more bytes)",
                   left);
    if (left >= 2 && (p[0] != 0x1f || p[1] != 0x8b))
        return bad(g, "not gzip data (expected magic 1f 8b, got %02x %02x)", p[0], p[1]);
    if (left >= 3 && p[2] != 8)
        return bad(g, "unsupported compression method (expected 8, deflate, got %u)", p[2]);
    if (left >= 4 && (p[3] & 0xe0))
        return bad(g, "reserved header flags set (expected 0, got 0x%02x)", p[3] & 0xe0);
    g->member = g->len;
    memset(&g->head, 0, sizeof g->head);
    return inflateGetHeader(&g->z, &g->head) == Z_OK ? 0 : bad(g, "zlib refused the header");
}

/* grow: doubles the output buffer, to at most limit + 1 bytes. */
static void grow(Gunzip *g) {
    size_t most = g->limit + 1;
    size_t cap = g->cap < 4096 ? 4096 : g->cap <= SIZE_MAX / 2 ? 2 * g->cap : SIZE_MAX;
    g->cap = cap < most ? cap : most;
    g->out = xrealloc(g->out, g->cap);
}

/* zlib_error: a Z_DATA_ERROR in words; the trailer checks with both values (zlib has just
 * consumed the 4 trailer bytes it compared). */
static int zlib_error(Gunzip *g) {
    const char *msg = g->z.msg ? g->z.msg : "unknown error";
    size_t got = g->len - g->member;
    if (strcmp(msg, "incorrect data check") == 0 && g->pos >= 4)
        return bad(g, "crc32 mismatch (expected %08x, got %08lx)", le32(g->in + g->pos - 4),
                   crc32_z(0, g->out + g->member, got));
    if (strcmp(msg, "incorrect length check") == 0 && g->pos >= 4)
        return bad(g, "length mismatch (expected ISIZE %u, got %zu bytes)",
                   le32(g->in + g->pos - 4), got);
    if (g->head.done != 1)
        return bad(g, "corrupt header (expected a valid gzip header, got zlib: %s)", msg);
    return bad(g, "corrupt data (expected a valid DEFLATE stream, got zlib: %s)", msg);
}

/* run: inflates members until the input ends after one. */
static int run(Gunzip *g) {
    if (member_start(g) != 0) return -1;
    for (;;) {
        if (g->len == g->cap) grow(g);
        g->z.next_in = g->in + g->pos;
        g->z.avail_in = chunk(g->n - g->pos);
        g->z.next_out = g->out + g->len;
        g->z.avail_out = chunk(g->cap - g->len);
        int rc = inflate(&g->z, Z_NO_FLUSH);
        g->pos = (size_t)(g->z.next_in - g->in);
        g->len = (size_t)(g->z.next_out - g->out);
        if (g->len > g->limit)
            return bad(g, "output too large (expected at most %zu bytes, got more)", g->limit);
        if (rc == Z_STREAM_END) {
            if (g->one || g->pos == g->n) return 0;
            if (inflateReset(&g->z) != Z_OK || member_start(g) != 0) return -1;
        } else if (rc == Z_DATA_ERROR) {
            return zlib_error(g);
        } else if (rc == Z_MEM_ERROR) {
            return err_set(g->e, EXIT_RUN, g->where, "gzip stream: out of memory in zlib");
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            return err_set(g->e, EXIT_RUN, g->where, "gzip stream: zlib failed (code %d)", rc);
        } else if (g->z.avail_out > 0 && g->pos == g->n) { /* Z_OK or Z_BUF_ERROR: input out */
            if (g->head.done != 1)
                return bad(g,
                           "truncated header (expected the 10 bytes and the fields its flags "
                           "announce, got end of input at byte %zu)",
                           g->n);
            return bad(g,
                       "truncated (expected more compressed data or the 8-byte CRC32 and "
                       "ISIZE trailer, got end of input at byte %zu)",
                       g->n);
        }
    }
}

static int decode(const uint8_t *in, size_t n, size_t limit, int one, uint8_t **out, size_t *outn,
                  size_t *used, const char *where, Err *e) {
    Gunzip g = {.in = in,
                .n = n,
                .limit = limit < SIZE_MAX ? limit : SIZE_MAX - 1,
                .one = one,
                .where = where,
                .e = e};
    *out = NULL;
    *outn = 0;
    if (inflateInit2(&g.z, 16 + MAX_WBITS) != Z_OK)
        return err_set(e, EXIT_RUN, where, "gzip stream: out of memory in zlib");
    /* The last ISIZE sizes the buffer (+1: room to see the end without growing), never beyond
     * what DEFLATE can expand the input to: a forged ISIZE cannot make us allocate much. (One
     * member of several: its ISIZE is not at the input's end; the buffer grows from 4 KiB.) */
    if (n >= 18 && !one) {
        size_t hint = le32(in + n - 4), most = n < SIZE_MAX / 1032 ? n * 1032 : SIZE_MAX;
        g.cap = (hint < most ? hint : most) + 1;
        if (g.cap > g.limit + 1) g.cap = g.limit + 1;
        g.out = xmalloc(g.cap);
    }
    int rc = run(&g);
    inflateEnd(&g.z);
    if (rc != 0) {
        free(g.out);
        return -1;
    }
    if (!g.out) g.out = xmalloc(1);
    *out = g.len + 1 < g.cap ? xrealloc(g.out, g.len ? g.len : 1) : g.out;
    *outn = g.len;
    if (used) *used = g.pos;
    return 0;
}

int gzip_decode(const uint8_t *in, size_t n, size_t limit, uint8_t **out, size_t *outn,
                const char *where, Err *e) {
    return decode(in, n, limit, 0, out, outn, NULL, where, e);
}

int gzip_decode_member(const uint8_t *in, size_t n, size_t limit, uint8_t **out, size_t *outn,
                       size_t *used, const char *where, Err *e) {
    return decode(in, n, limit, 1, out, outn, used, where, e);
}

void gzip_member(Buf *out, const void *in, size_t n) {
    LR_ASSERT(n <= UINT_MAX / 2);
    z_stream z;
    memset(&z, 0, sizeof z);
    LR_ASSERT(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    uLong bound = deflateBound(&z, (uLong)n) + 32; /* + the gzip header and trailer */
    Bytef *tmp = xmalloc(bound);
    z.next_in = in;
    z.avail_in = (uInt)n;
    z.next_out = tmp;
    z.avail_out = (uInt)bound;
    LR_ASSERT(deflate(&z, Z_FINISH) == Z_STREAM_END); /* the bound always holds it */
    buf_append(out, (const char *)tmp, bound - z.avail_out);
    deflateEnd(&z);
    free(tmp);
}
