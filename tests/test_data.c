/* test_data.c - the data loaders on small fixtures: the gzip reader (zlib underneath), IDX
 * files, the error of every corrupt file, the data-set loaders' missing-file and checksum
 * errors, the UTF-8 to ASCII mapping and the document-term matrix.
 *
 * Usage: test_data FIXTURE_DIR (tests/fixtures/data, written by
 * scripts/golden/gen_data_fixtures.py with Python's gzip and zlib modules).
 * Also checked, without fixtures: concatenated members, hand-assembled DEFLATE streams in a
 * gzip member (every block type, overlapping copies, each kind of malformed block: one line
 * naming the problem, no output), every prefix and every single-bit corruption of a gzip file
 * (an error or the exact bytes, never a crash), and the output limit. The loaders on the real
 * data sets are tests/test_data_real.c.
 */
#include "check.h"
#include "harness/base/fsutil.h"
#include "harness/base/gzip.h"
#include "tasks/data/text.h"
#include "tasks/data/vision.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *dir;
static const char *const HINT = "fetch it with: bash scripts/fetch-data.sh test";

static char *fixture_path(const char *name) {
    static char path[4096];
    snprintf(path, sizeof path, "%.3000s/%s", dir, name);
    return path;
}

static uint8_t *fixture(const char *name, size_t *n) {
    char *s = fs_read(fixture_path(name), n);
    if (!s) {
        fprintf(stderr, "missing fixture %s (run scripts/golden/gen_data_fixtures.py)\n", name);
        exit(1);
    }
    return (uint8_t *)s;
}

/* A user-fixable error: code 2, one line starting "WHERE: " and containing `what`. */
static void check_error(const Err *e, const char *where, const char *what) {
    size_t wl = strlen(where);
    CHECK(e->code == EXIT_USAGE);
    CHECK(strncmp(e->msg, where, wl) == 0 && e->msg[wl] == ':' && e->msg[wl + 1] == ' ');
    CHECK(strchr(e->msg, '\n') == NULL && strchr(e->hint, '\n') == NULL);
    CHECK(strstr(e->msg, what) != NULL);
    if (!strstr(e->msg, what) || strncmp(e->msg, where, wl) != 0)
        fprintf(stderr, "  message was: %s\n  expected \"%s\" from %s\n", e->msg, what, where);
}

static uint32_t le32(const uint8_t *p) {
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- IDX fixtures ---- */

static void test_idx(void) {
    size_t n;
    uint8_t *raw = fixture("images.idx3", &n);
    Err e = {0};
    Idx a;
    CHECK(idx_load(fixture_path("images.idx3"), &a, HINT, &e) == 0);
    CHECK(a.ndim == 3 && a.dims[0] == 5 && a.dims[1] == 7 && a.dims[2] == 6 && a.count == 210);
    CHECK(n == 16 + 210 && memcmp(a.data, raw + 16, 210) == 0);
    int ok = 1;
    for (int i = 0; i < 5; i++)
        for (int r = 0; r < 7; r++)
            for (int c = 0; c < 6; c++)
                ok &= a.data[(i * 7 + r) * 6 + c] == (31 * i + 7 * r + 3 * c + 1) % 256;
    CHECK(ok);
    Idx z;
    CHECK(idx_load(fixture_path("images.idx3.gz"), &z, HINT, &e) == 0);
    CHECK(z.ndim == 3 && z.count == 210 && memcmp(z.data, a.data, 210) == 0);
    idx_free(&z);
    idx_free(&a);
    free(raw);

    uint8_t *lraw = fixture("labels.idx1", &n);
    const char *labels[] = {"labels.idx1", "labels.idx1.gz"};
    for (int k = 0; k < 2; k++) {
        Idx l;
        CHECK(idx_load(fixture_path(labels[k]), &l, HINT, &e) == 0);
        CHECK(l.ndim == 1 && l.dims[0] == 23 && l.count == 23);
        CHECK(l.data && memcmp(l.data, lraw + 8, 23) == 0);
        for (int i = 0; l.data && i < 23; i++) CHECK(l.data[i] == (7 * i + 3) % 10);
        idx_free(&l);
    }
    free(lraw);
}

static void test_idx_errors(void) {
    static const struct {
        const char *file, *what;
    } bad[] = {
        {"truncated.idx3.gz", "gzip stream: truncated (expected more compressed data or the "
                              "8-byte CRC32 and ISIZE trailer, got end of input at byte "},
        {"badcrc.idx3.gz", "gzip stream: crc32 mismatch (expected"},
        {"badsize.idx1.gz", "gzip stream: length mismatch (expected ISIZE 30, got 31 bytes)"},
        {"trailing.idx1.gz", "gzip stream: trailing bytes after the member (expected end of input "
                             "or another member starting 1f 8b, got 4 more bytes)"},
        {"badmagic.idx3", "IDX magic: not unsigned-byte labels or images (expected 00 00 08 01 or "
                          "00 00 08 03, got 00 00 0d 03)"},
        {"badmagic.idx3.gz", "got 00 00 0d 03"},
        {"truncated.idx3",
         "IDX data: truncated (expected 210 bytes after the 16-byte header, got 200)"},
        {"truncated-header.idx3", "IDX header: truncated (expected 16 bytes, got 10)"},
        {"trailing.idx3", "IDX data: trailing bytes (expected 226 bytes in all, got 229)"},
        {"zerodim.idx1", "IDX header: empty dimension 0 (expected a size > 0, got 0)"},
        {"no-such-file.idx1", "cannot read data file (expected an IDX file, got No such file"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        Err e = {0};
        Idx a;
        char path[4096];
        snprintf(path, sizeof path, "%s", fixture_path(bad[i].file));
        CHECK(idx_load(path, &a, HINT, &e) == -1);
        CHECK(a.data == NULL);
        check_error(&e, path, bad[i].what);
        CHECK(strcmp(e.hint, HINT) == 0);
    }
    /* the fixture's CRC32 has its low byte flipped: both values in the message */
    size_t n;
    uint8_t *gz = fixture("badcrc.idx3.gz", &n);
    uint32_t want = le32(gz + n - 8);
    char what[80];
    snprintf(what, sizeof what, "gzip stream: crc32 mismatch (expected %08x, got %08x)", want,
             want ^ 0xffu);
    Err e = {0};
    Idx a;
    CHECK(idx_load(fixture_path("badcrc.idx3.gz"), &a, HINT, &e) == -1);
    check_error(&e, fixture_path("badcrc.idx3.gz"), what);
    free(gz);
}

/* ---- gzip ---- */

static void test_gzip_fixtures(void) {
    size_t tn;
    uint8_t *txt = fixture("inflate.txt", &tn);
    const char *streams[] = {"inflate-stored.gz", "inflate-fixed.gz", "inflate-dynamic.gz",
                             "inflate-mixed.gz", "inflate-header.gz"};
    for (size_t i = 0; i < sizeof streams / sizeof streams[0]; i++) {
        size_t n, m = 0;
        uint8_t *gz = fixture(streams[i], &n), *out = NULL;
        Err e = {0};
        int rc = gzip_decode(gz, n, 1 << 20, &out, &m, streams[i], &e);
        CHECK(rc == 0);
        if (rc) fprintf(stderr, "  %s: %s\n", streams[i], e.msg);
        CHECK(m == tn && out && memcmp(out, txt, tn) == 0);
        free(out);
        free(gz);
    }
    size_t n, m = 1;
    uint8_t *gz = fixture("inflate-empty.gz", &n), *out = NULL;
    Err e = {0};
    CHECK(gzip_decode(gz, n, 1 << 20, &out, &m, "empty", &e) == 0 && m == 0 && out != NULL);
    free(out);
    free(gz);
    free(txt);
}

/* Concatenated members (RFC 1952 2.2) decode to the concatenated texts, an empty member
 * included; a second member cut short is truncated; other bytes after a member are refused. */
static void test_gzip_members(void) {
    size_t tn, sn, fn, en;
    uint8_t *txt = fixture("inflate.txt", &tn), *st = fixture("inflate-stored.gz", &sn);
    uint8_t *fx = fixture("inflate-fixed.gz", &fn), *em = fixture("inflate-empty.gz", &en);
    uint8_t *cat = xmalloc(sn + en + fn), *out;
    memcpy(cat, st, sn);
    memcpy(cat + sn, em, en);
    memcpy(cat + sn + en, fx, fn);
    size_t m;
    Err e = {0};
    CHECK(gzip_decode(cat, sn + en + fn, 1 << 20, &out, &m, "cat", &e) == 0);
    CHECK(m == 2 * tn && memcmp(out, txt, tn) == 0 && memcmp(out + tn, txt, tn) == 0);
    free(out);
    /* the limit counts the joined output */
    CHECK(gzip_decode(cat, sn + en + fn, 2 * tn - 1, &out, &m, "cat", &e) == -1 && !out);
    check_error(&e, "cat", "gzip stream: output too large (expected at most");
    CHECK(gzip_decode(cat, sn + 5, 1 << 20, &out, &m, "cat", &e) == -1 && !out && m == 0);
    check_error(&e, "cat",
                "gzip stream: truncated header (expected the 10 bytes and the fields "
                "its flags announce, got end of input at byte ");
    cat[sn] = 0x1f, cat[sn + 1] = 0x8c;
    CHECK(gzip_decode(cat, sn + en, 1 << 20, &out, &m, "cat", &e) == -1 && !out);
    check_error(&e, "cat",
                "trailing bytes after the member (expected end of input or another "
                "member starting 1f 8b, got 20 more bytes)");
    CHECK(gzip_decode(cat, sn + 1, 1 << 20, &out, &m, "cat", &e) == -1 && !out);
    check_error(&e, "cat", "got 1 more bytes)");
    cat[0] = 0x8b;
    CHECK(gzip_decode(cat, sn, 1 << 20, &out, &m, "cat", &e) == -1 && !out);
    check_error(&e, "cat", "gzip stream: not gzip data (expected magic 1f 8b, got 8b 8b)");
    memcpy(cat, st, 4);
    cat[2] = 7;
    CHECK(gzip_decode(cat, sn, 1 << 20, &out, &m, "cat", &e) == -1 && !out);
    check_error(&e, "cat", "unsupported compression method (expected 8, deflate, got 7)");
    cat[2] = 8, cat[3] = 0x21;
    CHECK(gzip_decode(cat, sn, 1 << 20, &out, &m, "cat", &e) == -1 && !out);
    check_error(&e, "cat", "reserved header flags set (expected 0, got 0x20)");
    free(cat);
    free(em);
    free(fx);
    free(st);
    free(txt);
}

/* gzip_member: members written one after another decode (as a file, and one at a time with
 * gzip_decode_member, which says where each ends) to their inputs, an empty one included;
 * the same input gives the same bytes; the header is zlib's own (no name, mtime 0); gzip -d's
 * fixture text compressed here decodes to itself. */
static void test_gzip_encode(void) {
    size_t tn;
    uint8_t *txt = fixture("inflate.txt", &tn);
    const char *in[] = {(const char *)txt, "", "cell,task\n", (const char *)txt};
    size_t len[] = {tn, 0, 10, tn / 3};
    Buf gz = {0}, again = {0};
    size_t at[5] = {0};
    for (int i = 0; i < 4; i++) {
        gzip_member(&gz, in[i], len[i]);
        at[i + 1] = gz.len;
    }
    for (int i = 0; i < 4; i++) gzip_member(&again, in[i], len[i]);
    CHECK(again.len == gz.len && memcmp(again.s, gz.s, gz.len) == 0);
    const uint8_t *g = (const uint8_t *)gz.s;
    CHECK(g[0] == 0x1f && g[1] == 0x8b && g[2] == 8 && g[3] == 0 && g[4] == 0 && g[5] == 0 &&
          g[6] == 0 && g[7] == 0 && g[9] == 3);
    CHECK(at[1] < tn / 2); /* it compresses */
    Err e = {0};
    uint8_t *out;
    size_t m, used;
    CHECK(gzip_decode(g, gz.len, 1 << 22, &out, &m, "enc", &e) == 0);
    CHECK(m == tn + 10 + tn / 3 && memcmp(out, txt, tn) == 0 &&
          memcmp(out + tn, "cell,task\n", 10) == 0 && memcmp(out + tn + 10, txt, tn / 3) == 0);
    free(out);
    for (int i = 0; i < 4; i++) { /* each member alone, the rest of the file after it */
        CHECK(gzip_decode_member(g + at[i], gz.len - at[i], 1 << 22, &out, &m, &used, "enc", &e) ==
              0);
        CHECK(used == at[i + 1] - at[i] && m == len[i] && memcmp(out, in[i], m) == 0);
        free(out);
    }
    /* a member's limit counts that member alone; cut short, it is truncated */
    CHECK(gzip_decode_member(g, gz.len, tn - 1, &out, &m, &used, "enc", &e) == -1 && !out);
    check_error(&e, "enc", "gzip stream: output too large (expected at most");
    CHECK(gzip_decode_member(g, at[1] - 1, 1 << 22, &out, &m, &used, "enc", &e) == -1 && !out);
    check_error(&e, "enc", "gzip stream: truncated (expected more compressed data or the 8-byte");
    buf_free(&gz);
    buf_free(&again);
    free(txt);
}

/* Every prefix of a gzip file is an error; every single-bit change is an error or gives the
 * same output (CRC32 checked); a smaller output limit is an error. */
static void test_gzip_corruption(const char *name) {
    size_t n, want_n;
    uint8_t *gz = fixture(name, &n), *out, *want;
    Err e = {0};
    CHECK(gzip_decode(gz, n, 1 << 20, &want, &want_n, name, &e) == 0);
    int prefix_errors = 0, flips = 0, flip_errors = 0, flip_same = 0, lines_ok = 1;
    for (size_t k = 0; k < n; k++) {
        uint8_t *cut = xmalloc(k ? k : 1); /* exactly k bytes: reads past them are caught by ASan */
        memcpy(cut, gz, k);
        size_t m;
        if (gzip_decode(cut, k, 1 << 20, &out, &m, name, &e) != 0) {
            prefix_errors += out == NULL && e.code == EXIT_USAGE;
            lines_ok &= strchr(e.msg, '\n') == NULL;
        } else {
            free(out);
        }
        free(cut);
    }
    CHECK(prefix_errors == (int)n);
    uint8_t *flip = xmalloc(n);
    for (size_t k = 0; k < n; k++)
        for (int b = 0; b < 8; b++) {
            memcpy(flip, gz, n);
            flip[k] ^= (uint8_t)(1u << b);
            size_t m;
            flips++;
            if (gzip_decode(flip, n, 1 << 20, &out, &m, name, &e) != 0) {
                flip_errors += out == NULL && e.code == EXIT_USAGE;
                lines_ok &= strchr(e.msg, '\n') == NULL && strncmp(e.msg, name, strlen(name)) == 0;
            } else { /* MTIME, XFL, OS, FTEXT, the padding after the last block, or a
                      * copy from another place holding the same bytes: the same output */
                flip_same += m == want_n && memcmp(out, want, m) == 0;
                free(out);
            }
        }
    CHECK(flip_errors + flip_same == flips);
    /* MTIME, XFL and OS always decode, unless a header CRC16 (FHCRC) covers them */
    CHECK(flip_same >= (gz[3] & 2 ? 0 : 6 * 8) && flip_same < flips / 10);
    CHECK(lines_ok);
    size_t m;
    CHECK(gzip_decode(gz, n, want_n - 1, &out, &m, name, &e) == -1 && !out && m == 0);
    char what[96];
    snprintf(what, sizeof what,
             "gzip stream: output too large (expected at most %zu bytes, got "
             "more)",
             want_n - 1);
    check_error(&e, name, what);
    CHECK(gzip_decode(gz, n, want_n, &out, &m, name, &e) == 0 && m == want_n);
    free(out);
    free(flip);
    free(want);
    free(gz);
}

/* A DEFLATE bit writer: fields LSB first, Huffman codes MSB first (RFC 1951 3.1.1), after a
 * 10-byte gzip header (RFC 1952 2.3: no flags, mtime 0, OS 255). */
typedef struct Bits {
    uint8_t b[256];
    int nbits;
} Bits;

static Bits bits_gzip(void) {
    Bits w = {{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}, 80};
    return w;
}

static void put(Bits *w, unsigned v, int n) {
    for (int i = 0; i < n; i++, w->nbits++)
        if (v >> i & 1) w->b[w->nbits >> 3] |= (uint8_t)(1u << (w->nbits & 7));
}

static void put_code(Bits *w, unsigned code, int len) {
    for (int i = len - 1; i >= 0; i--) put(w, code >> i & 1, 1);
}

/* The fixed literal/length code (RFC 1951 3.2.6). */
static void put_lit(Bits *w, int sym) {
    if (sym < 144) put_code(w, 0x30 + sym, 8);
    else if (sym < 256) put_code(w, 0x190 + sym - 144, 9);
    else if (sym < 280) put_code(w, sym - 256, 7);
    else put_code(w, 0xc0 + sym - 280, 8);
}

static size_t nbytes(const Bits *w) { return (size_t)(w->nbits + 7) / 8; }

/* CRC-32 of gzip (reflected polynomial 0xedb88320, RFC 1952 8), bit by bit. */
static uint32_t crc32_ref(const uint8_t *p, size_t n) {
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    }
    return ~c;
}

/* Decodes the member in w, closed with the trailer of `want` (when not NULL), and checks it
 * gives exactly want[0..wn). */
static void check_member(Bits *w, const char *want, size_t wn) {
    uint32_t crc = crc32_ref((const uint8_t *)want, wn);
    w->nbits = (int)nbytes(w) * 8;
    put(w, crc & 0xffff, 16), put(w, crc >> 16, 16), put(w, (unsigned)wn, 16), put(w, 0, 16);
    uint8_t *out;
    size_t m;
    Err e = {0};
    int rc = gzip_decode(w->b, nbytes(w), 1 << 16, &out, &m, "member", &e);
    CHECK(rc == 0);
    if (rc) fprintf(stderr, "  %s\n", e.msg);
    CHECK(rc != 0 || (m == wn && memcmp(out, want, wn) == 0));
    if (!rc) free(out);
}

/* Dynamic block header: HLIT, HDIST, then the code-length code lengths by symbol (sent in the
 * order of RFC 1951 3.2.7, as many as the last nonzero one needs). */
static void put_dynamic_header(Bits *w, int nlen, int ndist, const int cl_lens[19]) {
    static const int order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    int ncode = 4;
    for (int i = 0; i < 19; i++)
        if (cl_lens[order[i]]) ncode = i + 1 > 4 ? i + 1 : 4;
    put(w, 1, 1), put(w, 2, 2);
    put(w, (unsigned)(nlen - 257), 5), put(w, (unsigned)(ndist - 1), 5);
    put(w, (unsigned)(ncode - 4), 4);
    for (int i = 0; i < ncode; i++) put(w, (unsigned)cl_lens[order[i]], 3);
}

static void test_deflate_streams(void) {
    /* Stored "hello". */
    Bits w = bits_gzip();
    put(&w, 1, 1), put(&w, 0, 2), w.nbits = 88;
    put(&w, 5, 16), put(&w, 0xfffa, 16);
    for (int i = 0; i < 5; i++) put(&w, (unsigned)"hello"[i], 8);
    check_member(&w, "hello", 5);
    /* Fixed block: "ab", a copy of length 5 from distance 2 (overlapping itself), 0xff. */
    w = bits_gzip();
    put(&w, 1, 1), put(&w, 1, 2);
    put_lit(&w, 'a'), put_lit(&w, 'b');
    put_lit(&w, 259), put_code(&w, 1, 5); /* length 5: symbol 259; distance 2: code 1 */
    put_lit(&w, 0xff), put_lit(&w, 256);
    check_member(&w, "abababa\xff", 8);
    /* A stored block of one byte, then a fixed block: length 258 (symbol 285) at distance 1. */
    w = bits_gzip();
    put(&w, 0, 1), put(&w, 0, 2), w.nbits = 88;
    put(&w, 1, 16), put(&w, 0xfffe, 16), put(&w, 'z', 8);
    put(&w, 1, 1), put(&w, 1, 2), put_lit(&w, 285), put_code(&w, 0, 5), put_lit(&w, 256);
    char zs[259];
    memset(zs, 'z', sizeof zs);
    check_member(&w, zs, sizeof zs);
    /* Dynamic block with two 1-bit literal codes ('a' and end of block) and an empty
     * distance code: code-length code 18 -> 0, 0 -> 10, 1 -> 11. */
    int cl[19] = {0};
    cl[18] = 1, cl[0] = 2, cl[1] = 2;
    w = bits_gzip();
    put_dynamic_header(&w, 257, 1, cl);
    put_code(&w, 0, 1), put(&w, 97 - 11, 7);                    /* lengths 0..96: 0 */
    put_code(&w, 3, 2);                                         /* 97 ('a'): 1 */
    put_code(&w, 0, 1), put(&w, 127, 7);                        /* 98..235: 0 */
    put_code(&w, 0, 1), put(&w, 20 - 11, 7);                    /* 236..255: 0 */
    put_code(&w, 3, 2), put_code(&w, 2, 2);                     /* 256: 1; distance code 0: 0 */
    put_code(&w, 0, 1), put_code(&w, 0, 1), put_code(&w, 1, 1); /* "aa", end of block */
    check_member(&w, "aa", 2);
}

/* Malformed streams, each assembled to trip one check of DEFLATE decoding: one line with
 * zlib's reason (zlib 1.2.13's inflate.c wording), no output. */
static void test_deflate_errors(void) {
    static const char *const corrupt = "gzip stream: corrupt data (expected a valid DEFLATE "
                                       "stream, got zlib: ";
    static const char *const truncated = "gzip stream: truncated (expected more compressed data "
                                         "or the 8-byte CRC32 and ISIZE trailer, got end of "
                                         "input at byte ";
    static const char *const what[] = {
        "invalid block type",
        "invalid stored block lengths",
        "invalid distance too far back",
        "invalid literal/length code",
        "invalid distance code",
        "too many length or distance symbols",
        "invalid code lengths set",  /* over-subscribed */
        "invalid code lengths set",  /* incomplete */
        "invalid bit length repeat", /* a repeat at the start */
        "invalid code -- missing end-of-block",
        "invalid bit length repeat", /* lengths overflow the table */
        "invalid literal/lengths set",
        "12",
        "10",
        "17", /* truncated: the end of input, in bytes */
    };
    for (int kind = 0; kind < (int)(sizeof what / sizeof what[0]); kind++) {
        Bits w = bits_gzip();
        int cl[19] = {0};
        /* code-length code for kinds 8-11: symbols 0, 2, 17, 18 of 2 bits: codes 00 01 10 11 */
        if (kind >= 8 && kind <= 11) { /* kind 8: symbol 16 in place of 2 */
            cl[0] = cl[kind == 8 ? 16 : 2] = cl[17] = cl[18] = 2;
            put_dynamic_header(&w, 257, 1, cl);
        }
        switch (kind) {
        case 0: put(&w, 1, 1), put(&w, 3, 2); break;
        case 1: put(&w, 1, 1), put(&w, 0, 2), w.nbits = 88, put(&w, 5, 16), put(&w, 0, 16); break;
        case 2: /* 'a', then length 3 from distance 2 */
            put(&w, 1, 1), put(&w, 1, 2), put_lit(&w, 'a'), put_lit(&w, 257), put_code(&w, 1, 5);
            break;
        case 3: put(&w, 1, 1), put(&w, 1, 2), put_lit(&w, 286); break;
        case 4: /* 'a', then length 3 with distance code 30 */
            put(&w, 1, 1), put(&w, 1, 2), put_lit(&w, 'a'), put_lit(&w, 257), put_code(&w, 30, 5);
            break;
        case 5: put(&w, 1, 1), put(&w, 2, 2), put(&w, 30, 5), put(&w, 0, 5), put(&w, 0, 4); break;
        case 6: /* four code-length codes of one bit */
            cl[16] = cl[17] = cl[18] = cl[0] = 1;
            put_dynamic_header(&w, 257, 1, cl);
            break;
        case 7: /* a single code-length code of two bits */
            cl[18] = 2;
            put_dynamic_header(&w, 257, 1, cl);
            break;
        case 8: put_code(&w, 1, 2), put(&w, 0, 2); break; /* 16: repeat the previous length */
        case 9: /* 138 + 120 zero lengths: all 258, none for end of block */
            put_code(&w, 3, 2), put(&w, 127, 7), put_code(&w, 3, 2), put(&w, 109, 7);
            break;
        case 10: /* 138 + 130 zero lengths: 10 more than the 258 of the table */
            put_code(&w, 3, 2), put(&w, 127, 7), put_code(&w, 3, 2), put(&w, 119, 7);
            break;
        case 11: /* 256 zero lengths, then 2 for end of block and 0 for the distance code */
            put_code(&w, 3, 2), put(&w, 127, 7), put_code(&w, 3, 2), put(&w, 107, 7);
            put_code(&w, 1, 2), put_code(&w, 0, 2);
            break;
        case 12: put(&w, 1, 1), put(&w, 2, 2), put(&w, 0, 13); break; /* cut in the header */
        case 13: break;                                               /* no data at all */
        case 14: /* a stored block of 5 bytes with 2 */
            put(&w, 1, 1), put(&w, 0, 2), w.nbits = 88, put(&w, 5, 16), put(&w, 0xfffa, 16);
            put(&w, 'h', 8), put(&w, 'e', 8);
            break;
        }
        uint8_t *out = (uint8_t *)"sentinel";
        size_t m = 1;
        Err e = {0};
        CHECK(gzip_decode(w.b, nbytes(&w), 1 << 16, &out, &m, "member", &e) == -1);
        CHECK(out == NULL && m == 0);
        char want[200];
        snprintf(want, sizeof want, "%s%s)", kind < 12 ? corrupt : truncated, what[kind]);
        check_error(&e, "member", want);
    }
}

/* ---- data-set loaders: missing and altered files ---- */

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static void test_loader_errors(void) {
    char tmp[] = "/tmp/lrlab-test-data.XXXXXX", path[4200], sub[4200];
    CHECK(mkdtemp(tmp) != NULL);
    Err e = {0};
    VisionSet tr, te;
    /* Missing: the first file of the set is named, with the fetch command as the hint. */
    const char *sets[][2] = {{"fashion", "fashion-mnist/train-images-idx3-ubyte.gz"},
                             {"mnist", "mnist/train-images-idx3-ubyte"}};
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s", tmp, sets[k][1]);
        CHECK(vision_load(tmp, sets[k][0], &tr, &te, &e) == -1);
        check_error(&e, path, "missing data file (expected the ");
        char hint[128];
        snprintf(hint, sizeof hint, "fetch it with: bash scripts/fetch-data.sh %s", sets[k][0]);
        CHECK(strcmp(e.hint, hint) == 0);
        CHECK(tr.images == NULL && te.images == NULL);
    }
    /* Altered: a sha256 mismatch before any parsing. */
    snprintf(sub, sizeof sub, "%s/fashion-mnist", tmp);
    CHECK(mkdir(sub, 0755) == 0);
    snprintf(path, sizeof path, "%.1000s/train-images-idx3-ubyte.gz", sub);
    write_file(path, "not the data");
    CHECK(vision_load(tmp, "fashion", &tr, &te, &e) == -1);
    check_error(&e, path,
                "sha256 mismatch (expected "
                "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7, got ");
    CHECK(strcmp(e.hint, "fetch it with: bash scripts/fetch-data.sh fashion") == 0);
    unlink(path);
    rmdir(sub);
    CHECK(vision_load(tmp, "cifar", &tr, &te, &e) == -1 && e.code == EXIT_USAGE);
    CHECK(strstr(e.msg, "expected fashion or mnist, got \"cifar\"") != NULL);

    char *text;
    size_t n;
    const char *texts[][2] = {{"kjv", "kjv/kjv_ref.txt"}, {"mobydick", "mobydick/data.txt"}};
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s", tmp, texts[k][1]);
        CHECK(text_load(tmp, texts[k][0], &text, &n, &e) == -1 && text == NULL);
        check_error(&e, path, "missing data file");
        char hint[128];
        snprintf(hint, sizeof hint, "fetch it with: bash scripts/fetch-data.sh %s", texts[k][0]);
        CHECK(strcmp(e.hint, hint) == 0);
    }
    snprintf(sub, sizeof sub, "%s/kjv", tmp);
    CHECK(mkdir(sub, 0755) == 0);
    snprintf(path, sizeof path, "%.1000s/kjv_ref.txt", sub);
    write_file(path, "Ge1:1 In the beginning\n");
    TextCorpus c;
    CHECK(corpus_load(tmp, "kjv_chapters", &c, &e) == -1 && c.docs == NULL);
    check_error(&e, path, "sha256 mismatch (expected cd45f0c9");
    unlink(path);
    rmdir(sub);
    snprintf(path, sizeof path, "%s/spam/easy-ham-1", tmp);
    CHECK(corpus_load(tmp, "spam", &c, &e) == -1 && c.docs == NULL);
    check_error(&e, path, "missing data folder");
    CHECK(strcmp(e.hint, "fetch it with: bash scripts/fetch-data.sh spam") == 0);
    /* A spam folder with one e-mail: wrong count, named by the folder. */
    const char *const folders[] = {
        "spam",        "spam/easy-ham-1", "spam/easy-ham-2", "spam/hard-ham-1",
        "spam/spam-1", "spam/spam-2"};
    for (int k = 0; k < 6; k++) {
        snprintf(sub, sizeof sub, "%s/%s", tmp, folders[k]);
        CHECK(mkdir(sub, 0755) == 0);
    }
    snprintf(path, sizeof path, "%s/spam/spam-1/00001.txt", tmp);
    write_file(path, "Subject: win\n");
    snprintf(sub, sizeof sub, "%s/spam", tmp);
    CHECK(corpus_load(tmp, "spam", &c, &e) == -1);
    check_error(&e, sub, "wrong number of e-mails (expected 6046, got 1)");
    unlink(path);
    for (int k = 5; k >= 0; k--) {
        snprintf(sub, sizeof sub, "%s/%s", tmp, folders[k]);
        rmdir(sub);
    }
    CHECK(rmdir(tmp) == 0);
}

/* ---- text ---- */

static void test_ascii(void) {
    /* em dash, en dash, curly quotes, ellipsis, e acute, sharp s, AE, a CJK character (dropped),
     * an emoji (dropped), a lone continuation byte and a truncated sequence (dropped). */
    char s[] = "a\xe2\x80\x94"
               "b\xe2\x80\x93"
               "c \xe2\x80\x9cq\xe2\x80\x9d \xe2\x80\x98s\xe2\x80\x99\xe2\x80\xa6 "
               "caf\xc3\xa9 Stra\xc3\x9f"
               "e \xc3\x86on \xe4\xb8\xad|\xf0\x9f\x98\x80|\x80|\xe2\x80";
    size_t n = text_ascii(s, strlen(s));
    const char *want = "a--b-c \"q\" 's'... cafe Strasse AEon |||";
    CHECK(n == strlen(want) && strcmp(s, want) == 0);
    if (strcmp(s, want) != 0) fprintf(stderr, "  got \"%s\"\n", s);
    char plain[] = "plain ASCII\n\ttext";
    CHECK(text_ascii(plain, strlen(plain)) == 17 && strcmp(plain, "plain ASCII\n\ttext") == 0);
}

static void test_doc_term(void) {
    char *docs[] = {"The cat sat.", "the dog; THE cat!", "a bird", "42 -- ..."};
    size_t lens[] = {12, 17, 6, 9};
    int labels[] = {0, 1, 0, 1};
    TextCorpus c = {4, docs, lens, labels};
    DocTerm dt;
    Err e = {0};
    /* Document frequencies: cat 2, the 2, a 1, bird 1, dog 1, sat 1 (ties alphabetical). */
    CHECK(corpus_doc_term(&c, 4, DOCTERM_COUNTS, &dt, "test", &e) == 0);
    CHECK(dt.n == 4 && dt.k == 4);
    const char *want[] = {"cat", "the", "a", "bird"};
    const int df[] = {2, 2, 1, 1};
    for (int k = 0; k < 4; k++) CHECK(strcmp(dt.words[k], want[k]) == 0 && dt.df[k] == df[k]);
    /* counts: doc 0 (cat 1, the 1) / sqrt 2; doc 1 (cat 1, the 2) / sqrt 5; doc 2 (a, bird)
     * / sqrt 2; doc 3 has no word: a zero row. */
    const double r2 = 1 / sqrt(2.0), r5 = 1 / sqrt(5.0);
    const double counts[4][4] = {{r2, r2, 0, 0}, {r5, 2 * r5, 0, 0}, {0, 0, r2, r2}, {0, 0, 0, 0}};
    for (int d = 0; d < 4; d++)
        for (int k = 0; k < 4; k++) CHECK_NEAR(dt.x[d * 4 + k], counts[d][k], 1e-6);
    doc_term_free(&dt);
    /* tf-idf: idf = ln((1 + 4) / (1 + df)) + 1, as scikit-learn's TfidfVectorizer. */
    CHECK(corpus_doc_term(&c, 6, DOCTERM_TFIDF, &dt, "test", &e) == 0);
    double i2 = log(5.0 / 3.0) + 1, i1 = log(5.0 / 2.0) + 1;
    double n1 = sqrt(i2 * i2 + 4 * i2 * i2 + i1 * i1); /* doc 1: cat 1, the 2, dog 1 */
    CHECK_NEAR(dt.x[1 * 6 + 0], i2 / n1, 1e-6);
    CHECK_NEAR(dt.x[1 * 6 + 1], 2 * i2 / n1, 1e-6);
    CHECK(strcmp(dt.words[4], "dog") == 0 && strcmp(dt.words[5], "sat") == 0);
    double n0 = sqrt(2 * i2 * i2 + i1 * i1); /* doc 0: cat, the, sat */
    CHECK_NEAR(dt.x[0 * 6 + 5], i1 / n0, 1e-6);
    doc_term_free(&dt);
    CHECK(corpus_doc_term(&c, 7, DOCTERM_TFIDF, &dt, "test", &e) == -1 && dt.x == NULL);
    check_error(&e, "test", "vocab: more words than the corpus has (expected 1 to 6, got 7)");
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: test_data FIXTURE_DIR\n");
        return 2;
    }
    dir = argv[1];
    test_idx();
    test_idx_errors();
    test_gzip_fixtures();
    test_gzip_members();
    test_gzip_encode();
    test_gzip_corruption("images.idx3.gz");
    test_gzip_corruption("inflate-dynamic.gz");
    test_gzip_corruption("inflate-header.gz");
    test_deflate_streams();
    test_deflate_errors();
    test_loader_errors();
    test_ascii();
    test_doc_term();
    return check_report();
}
