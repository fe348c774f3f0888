/* inflate.c - DEFLATE (RFC 1951) and gzip (RFC 1952) decoding in memory (see inflate.h).
 *
 * What: a table-driven Huffman decoder. Input bits are read LSB first through a 64-bit bit
 * buffer; each Huffman code is looked up in a table indexed by the next FAST_BITS input bits,
 * and the rare longer codes (up to 15 bits) are decoded canonically, one bit at a time, from
 * the per-length code counts (the method of Mark Adler's puff.c, zlib/contrib/puff).
 * Why: Fashion-MNIST ships as gzipped IDX and the project links no zlib. The decoder is
 * written for hostile input: every read is bounds-checked (past the end of input the bit
 * buffer holds zeros and a code that needs them is "truncated"), every table is validated
 * before use (over-subscribed codes are rejected; incomplete ones only where zlib accepts
 * them: a single code of one bit, or an empty distance code), back-references may not
 * reach before the start of the output, and output is bounded by the caller's limit.
 * Reference: RFC 1951 sections 3.2.3-3.2.7 (block types, code construction, the length and
 * distance tables, the fixed code, the code-length alphabet); RFC 1952 section 2.3 (the
 * member layout, FLG bits, CRC16 of the header, CRC32 and ISIZE trailer).
 */
#include "tasks/data/inflate.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    FAST_BITS = 10,                /* lookup table covers codes of at most 10 bits */
    MAX_BITS = 15,                 /* longest DEFLATE code */
    NLITLEN = 288, NDIST = 32,     /* alphabet sizes of the fixed code */
    MAX_LIT = 286, MAX_DIST = 30,  /* symbols a stream may use: 0..285 and 0..29 */
    DEC_TRUNC = -1, DEC_INVALID = -2,
};

/* A canonical Huffman code (RFC 1951 3.2.2). fast[b] for the next FAST_BITS input bits b is
 * (length << 9 | symbol) of the code that b starts with, or 0 when that code is longer than
 * FAST_BITS bits or unassigned; count and sym drive the slow canonical decode. */
typedef struct Huff {
    uint16_t fast[1 << FAST_BITS];
    uint16_t count[MAX_BITS + 1]; /* codes of each length */
    uint16_t sym[NLITLEN];        /* symbols ordered by code */
} Huff;

typedef struct Inflater {
    const uint8_t *in;
    size_t n, pos;        /* input and its next unread byte */
    uint64_t bits;        /* unread bits, LSB first; bits at and above nbits are zero */
    int nbits;
    size_t base;          /* offset of in[0] in the caller's file, for messages */
    uint8_t *out;         /* [cap] output so far, len bytes */
    size_t len, cap, limit;
    const char *where;
    Err *e;
    Huff lit, dist, cl;
} Inflater;

/* Length and distance base values and extra bits (RFC 1951 3.2.5). */
static const uint16_t len_base[29] = {3,  4,  5,  6,  7,  8,  9,  10,  11,  13,
                                      15, 17, 19, 23, 27, 31, 35, 43,  51,  59,
                                      67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                       6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
/* Order in which code-length code lengths are sent (RFC 1951 3.2.7). */
static const uint8_t cl_order[19] = {16, 17, 18, 0,  8, 7,  9, 6,  10, 5,
                                     11, 4,  12, 3, 13, 2, 14, 1, 15};

/* ---- errors ---- */

/* bad: fills the error as "WHERE: deflate stream: MESSAGE" and returns -1. */
static int bad(Inflater *z, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(Inflater *z, const char *fmt, ...) {
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set(z->e, EXIT_USAGE, z->where, "deflate stream: %s", msg);
}

static int truncated(Inflater *z) {
    return bad(z, "truncated (expected more compressed data, got end of input at byte %zu)",
               z->base + z->n);
}

/* ---- bits ---- */

/* Tops the bit buffer up to at least 56 bits while input lasts; only whole input bytes are
 * added, so the bits above nbits stay zero (the zero padding past the end of input). */
static void refill(Inflater *z) {
    if (z->n - z->pos >= 8) {
        int k = (63 - z->nbits) >> 3; /* whole bytes that fit, 0..7 */
        uint64_t w = 0;
        for (int i = k - 1; i >= 0; i--) w = w << 8 | z->in[z->pos + (size_t)i];
        z->bits |= w << z->nbits;
        z->pos += (size_t)k;
        z->nbits += 8 * k;
        return;
    }
    while (z->nbits <= 56 && z->pos < z->n) {
        z->bits |= (uint64_t)z->in[z->pos++] << z->nbits;
        z->nbits += 8;
    }
}

/* getbits: the next k (<= 32) bits, or -1 after reporting truncation. */
static int64_t getbits(Inflater *z, int k) {
    if (z->nbits < k) {
        refill(z);
        if (z->nbits < k) return truncated(z);
    }
    uint32_t v = (uint32_t)(z->bits & ((1ULL << k) - 1));
    z->bits >>= k;
    z->nbits -= k;
    return v;
}

/* ---- Huffman codes ---- */

static unsigned reverse(unsigned code, int len) {
    unsigned r = 0;
    for (int i = 0; i < len; i++, code >>= 1) r = r << 1 | (code & 1);
    return r;
}

/* build: the canonical code of lens[0..n). Returns 0 for a complete code, the number of
 * unused codes (> 0) of an incomplete one, -1 for an over-subscribed one; an all-zero
 * `lens` is an empty code (returns 1 << MAX_BITS: nothing decodes). */
static int build(Huff *h, const uint8_t *lens, int n) {
    int offs[MAX_BITS + 2];
    unsigned next[MAX_BITS + 1];
    memset(h->count, 0, sizeof h->count);
    for (int s = 0; s < n; s++) h->count[lens[s]]++;
    memset(h->fast, 0, sizeof h->fast);
    if (h->count[0] == n) return 1 << MAX_BITS;
    int left = 1;
    for (int len = 1; len <= MAX_BITS; len++) {
        left <<= 1;
        left -= h->count[len];
        if (left < 0) return -1;
    }
    offs[1] = 0;
    for (int len = 1; len <= MAX_BITS; len++) offs[len + 1] = offs[len] + h->count[len];
    for (int s = 0; s < n; s++)
        if (lens[s]) h->sym[offs[lens[s]]++] = (uint16_t)s;
    /* First canonical code of each length, then the table entries of the short codes. */
    next[0] = 0;
    unsigned code = 0;
    for (int len = 1; len <= MAX_BITS; len++) {
        code = (code + (len > 1 ? h->count[len - 1] : 0)) << 1;
        next[len] = code;
    }
    for (int s = 0; s < n; s++) {
        int len = lens[s];
        if (len == 0) continue;
        unsigned c = next[len]++;
        if (len > FAST_BITS) continue;
        uint16_t entry = (uint16_t)(len << 9 | s);
        for (unsigned j = reverse(c, len); j < (1u << FAST_BITS); j += 1u << len)
            h->fast[j] = entry;
    }
    return left;
}

/* decode: the next symbol of code h, DEC_TRUNC when the input ends inside it, DEC_INVALID
 * for a bit pattern no symbol has (incomplete or empty codes). */
static int decode(Inflater *z, const Huff *h) {
    if (z->nbits < MAX_BITS) refill(z);
    uint16_t entry = h->fast[z->bits & ((1u << FAST_BITS) - 1)];
    if (entry) {
        int len = entry >> 9;
        if (len > z->nbits) return DEC_TRUNC;
        z->bits >>= len;
        z->nbits -= len;
        return entry & 511;
    }
    /* Canonical decode: codes of each length are consecutive integers, read MSB first. */
    uint64_t b = z->bits;
    int code = 0, first = 0, index = 0;
    for (int len = 1; len <= MAX_BITS; len++) {
        code |= (int)(b & 1);
        b >>= 1;
        int count = h->count[len];
        if (code - first < count) {
            if (len > z->nbits) return DEC_TRUNC;
            z->bits >>= len;
            z->nbits -= len;
            return h->sym[index + (code - first)];
        }
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    return z->nbits < MAX_BITS ? DEC_TRUNC : DEC_INVALID;
}

static int bad_symbol(Inflater *z, int rc, const char *alphabet) {
    if (rc == DEC_TRUNC) return truncated(z);
    return bad(z, "invalid %s code (expected a code of the block's table, got an unassigned bit "
               "pattern near byte %zu)", alphabet, z->base + z->pos);
}

/* ---- output ---- */

/* room: makes space for k more output bytes within the limit. */
static int room(Inflater *z, size_t k) {
    if (z->cap - z->len >= k) return 0;
    if (k > z->limit - z->len)
        return bad(z, "output too large (expected at most %zu bytes, got %zu or more)", z->limit,
                   z->len + k);
    size_t cap = z->cap < 4096 ? 4096 : z->cap;
    while (cap - z->len < k) cap = cap > z->limit / 2 ? z->limit : cap * 2;
    if (cap > z->limit) cap = z->limit;
    z->out = xrealloc(z->out, cap);
    z->cap = cap;
    return 0;
}

/* ---- blocks ---- */

static int stored(Inflater *z) {
    /* Skip to the byte boundary, then give the buffered whole bytes back to the input. */
    z->bits >>= z->nbits & 7;
    z->nbits -= z->nbits & 7;
    z->pos -= (size_t)(z->nbits >> 3);
    z->bits = 0;
    z->nbits = 0;
    if (z->n - z->pos < 4) return truncated(z);
    const uint8_t *p = z->in + z->pos;
    unsigned len = p[0] | (unsigned)p[1] << 8, nlen = p[2] | (unsigned)p[3] << 8;
    if (len != (~nlen & 0xffffu))
        return bad(z, "stored block length check failed (expected NLEN %u, the complement of "
                   "LEN %u, got %u)", ~len & 0xffffu, len, nlen);
    z->pos += 4;
    if (z->n - z->pos < len) return truncated(z);
    if (room(z, len) != 0) return -1;
    if (len) memcpy(z->out + z->len, z->in + z->pos, len); /* len 0: out may still be NULL */
    z->len += len;
    z->pos += len;
    return 0;
}

/* codes: the compressed data of one Huffman block, up to its end-of-block symbol. */
static int codes(Inflater *z) {
    for (;;) {
        int sym = decode(z, &z->lit);
        if (sym < 0) return bad_symbol(z, sym, "literal/length");
        if (sym < 256) {
            if (z->len == z->cap && room(z, 1) != 0) return -1;
            z->out[z->len++] = (uint8_t)sym;
            continue;
        }
        if (sym == 256) return 0;
        sym -= 257;
        if (sym >= 29)
            return bad(z, "invalid length symbol (expected 257..285, got %d)", sym + 257);
        int64_t x = getbits(z, len_extra[sym]);
        if (x < 0) return -1;
        size_t len = len_base[sym] + (size_t)x;
        int ds = decode(z, &z->dist);
        if (ds < 0) return bad_symbol(z, ds, "distance");
        if (ds >= MAX_DIST) return bad(z, "invalid distance symbol (expected 0..29, got %d)", ds);
        x = getbits(z, dist_extra[ds]);
        if (x < 0) return -1;
        size_t dist = dist_base[ds] + (size_t)x;
        if (dist > z->len)
            return bad(z, "distance too far back (expected at most %zu, got %zu)", z->len, dist);
        if (room(z, len) != 0) return -1;
        uint8_t *dst = z->out + z->len;
        const uint8_t *src = dst - dist;
        if (dist >= len) {
            memcpy(dst, src, len);
        } else {
            for (size_t i = 0; i < len; i++) dst[i] = src[i]; /* overlapping: repeats a run */
        }
        z->len += len;
    }
}

static int fixed(Inflater *z) {
    uint8_t lens[NLITLEN];
    memset(lens, 8, 144);
    memset(lens + 144, 9, 112);
    memset(lens + 256, 7, 24);
    memset(lens + 280, 8, 8);
    build(&z->lit, lens, NLITLEN);
    memset(lens, 5, NDIST); /* 32 codes of 5 bits, complete; 30 and 31 are invalid symbols */
    build(&z->dist, lens, NDIST);
    return codes(z);
}

/* single: the code is one code of one bit, the only incomplete code zlib accepts. */
static int single(const Huff *h, int n) { return h->count[1] == 1 && n - h->count[0] == 1; }

static int dynamic(Inflater *z) {
    uint8_t lens[MAX_LIT + MAX_DIST];
    int64_t h = getbits(z, 14);
    if (h < 0) return -1;
    int nlen = 257 + (int)(h & 31), ndist = 1 + (int)(h >> 5 & 31), ncode = 4 + (int)(h >> 10);
    if (nlen > MAX_LIT || ndist > MAX_DIST)
        return bad(z, "too many length or distance codes (expected at most 286 and 30, got %d "
                   "and %d)", nlen, ndist);
    memset(lens, 0, 19);
    for (int i = 0; i < ncode; i++) {
        int64_t v = getbits(z, 3);
        if (v < 0) return -1;
        lens[cl_order[i]] = (uint8_t)v;
    }
    int rc = build(&z->cl, lens, 19);
    if (rc != 0)
        return bad(z, "invalid code-length code (expected a complete prefix code, got %s)",
                   rc < 0 ? "an over-subscribed one" : "an incomplete one");
    int total = nlen + ndist;
    for (int i = 0; i < total;) {
        int sym = decode(z, &z->cl);
        if (sym < 0) return bad_symbol(z, sym, "code-length");
        if (sym < 16) {
            lens[i++] = (uint8_t)sym;
            continue;
        }
        uint8_t val = 0;
        int64_t rep;
        if (sym == 16) {
            if (i == 0)
                return bad(z, "code length repeat at the start (expected a previous length to "
                           "repeat, got none)");
            val = lens[i - 1];
            rep = getbits(z, 2);
            if (rep >= 0) rep += 3;
        } else if (sym == 17) {
            rep = getbits(z, 3);
            if (rep >= 0) rep += 3;
        } else {
            rep = getbits(z, 7);
            if (rep >= 0) rep += 11;
        }
        if (rep < 0) return -1;
        if (rep > total - i)
            return bad(z, "code lengths overflow the table (expected %d lengths, got %d or more)",
                       total, i + (int)rep);
        memset(lens + i, val, (size_t)rep);
        i += (int)rep;
    }
    if (lens[256] == 0)
        return bad(z, "missing end-of-block code (expected a length for symbol 256, got 0)");
    /* zlib's rule: incomplete codes only when they are a single code of one bit; an empty
     * distance code is fine (a block of literals only). */
    rc = build(&z->lit, lens, nlen);
    if (rc < 0 || (rc > 0 && !single(&z->lit, nlen)))
        return bad(z, "invalid literal/length code lengths (expected a complete prefix code, "
                   "got %s)", rc < 0 ? "an over-subscribed one" : "an incomplete one");
    rc = build(&z->dist, lens + nlen, ndist);
    if (rc < 0 || (rc > 0 && rc != 1 << MAX_BITS && !single(&z->dist, ndist)))
        return bad(z, "invalid distance code lengths (expected a complete prefix code, got %s)",
                   rc < 0 ? "an over-subscribed one" : "an incomplete one");
    return codes(z);
}

static int run(Inflater *z) {
    for (;;) {
        int64_t hdr = getbits(z, 3);
        if (hdr < 0) return -1;
        int rc, type = (int)(hdr >> 1);
        if (type == 0) rc = stored(z);
        else if (type == 1) rc = fixed(z);
        else if (type == 2) rc = dynamic(z);
        else return bad(z, "invalid block type (expected 0, 1 or 2, got 3)");
        if (rc != 0) return -1;
        if (hdr & 1) break;
    }
    /* The stream ends at the byte holding its last bit: return the whole buffered bytes. */
    z->pos -= (size_t)(z->nbits >> 3);
    z->bits = 0;
    z->nbits = 0;
    return 0;
}

static int inflate_at(const uint8_t *in, size_t n, size_t base, size_t limit, size_t hint,
                      uint8_t **out, size_t *outn, size_t *used, const char *where, Err *e) {
    Inflater *z = xcalloc(1, sizeof *z);
    z->in = in;
    z->n = n;
    z->base = base;
    z->limit = limit;
    z->where = where;
    z->e = e;
    if (hint > limit) hint = limit;
    if (hint) {
        z->out = xmalloc(hint);
        z->cap = hint;
    }
    int rc = run(z);
    if (rc == 0) {
        *out = z->out ? z->out : xmalloc(1);
        *outn = z->len;
        if (used) *used = z->pos;
    } else {
        free(z->out);
        *out = NULL;
        *outn = 0;
    }
    free(z);
    return rc;
}

int inflate_raw(const uint8_t *in, size_t n, size_t limit, uint8_t **out, size_t *outn,
                size_t *used, const char *where, Err *e) {
    return inflate_at(in, n, 0, limit, 0, out, outn, used, where, e);
}

/* ---- gzip ---- */

/* gz_bad: fills the error as "WHERE: gzip stream: MESSAGE" and returns -1. */
static int gz_bad(const char *where, Err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int gz_bad(const char *where, Err *e, const char *fmt, ...) {
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set(e, EXIT_USAGE, where, "gzip stream: %s", msg);
}

static uint32_t le32(const uint8_t *p) {
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int inflate_gzip(const uint8_t *in, size_t n, size_t limit, uint8_t **out, size_t *outn,
                 const char *where, Err *e) {
    enum { FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16, FRESERVED = 0xe0 };
    static const char trunc[] =
        "truncated header (expected the optional fields its flags announce, got end of input)";
    *out = NULL;
    *outn = 0;
    if (n >= 2 && (in[0] != 0x1f || in[1] != 0x8b))
        return gz_bad(where, e, "not gzip data (expected magic 1f 8b, got %02x %02x)", in[0],
                      in[1]);
    if (n < 10) return gz_bad(where, e, "truncated header (expected 10 bytes, got %zu)", n);
    if (in[2] != 8)
        return gz_bad(where, e, "unsupported compression method (expected 8, deflate, got %u)",
                      in[2]);
    unsigned flg = in[3];
    if (flg & FRESERVED)
        return gz_bad(where, e, "reserved header flags set (expected 0, got 0x%02x)",
                      flg & FRESERVED);
    size_t pos = 10;
    if (flg & FEXTRA) {
        if (n - pos < 2) return gz_bad(where, e, "%s", trunc);
        size_t xlen = in[pos] | (size_t)in[pos + 1] << 8;
        pos += 2;
        if (n - pos < xlen) return gz_bad(where, e, "%s", trunc);
        pos += xlen;
    }
    for (unsigned f = FNAME; f <= FCOMMENT; f <<= 1) { /* zero-terminated name, then comment */
        if (!(flg & f)) continue;
        const uint8_t *nul = memchr(in + pos, 0, n - pos);
        if (!nul) return gz_bad(where, e, "%s", trunc);
        pos = (size_t)(nul - in) + 1;
    }
    if (flg & FHCRC) {
        if (n - pos < 2) return gz_bad(where, e, "%s", trunc);
        unsigned want = in[pos] | (unsigned)in[pos + 1] << 8;
        unsigned got = inflate_crc32(0, in, pos) & 0xffffu;
        if (want != got)
            return gz_bad(where, e, "header crc16 mismatch (expected %04x, got %04x)", want, got);
        pos += 2;
    }
    /* ISIZE, when present, sizes the output buffer, but never beyond what DEFLATE can expand
     * the input to (1032:1): a forged ISIZE cannot make us allocate much. */
    size_t hint = 0;
    if (n - pos >= 8) {
        hint = le32(in + n - 4);
        size_t most = (n - pos) < SIZE_MAX / 1032 ? (n - pos) * 1032 : SIZE_MAX;
        if (hint > most) hint = most;
    }
    size_t used;
    if (inflate_at(in + pos, n - pos, pos, limit, hint, out, outn, &used, where, e) != 0) return -1;
    pos += used;
    int rc = 0;
    if (n - pos < 8) {
        rc = gz_bad(where, e, "truncated trailer (expected 8 bytes of CRC32 and ISIZE, got %zu)",
                    n - pos);
    } else {
        uint32_t want = le32(in + pos), got = inflate_crc32(0, *out, *outn);
        uint32_t isize = le32(in + pos + 4);
        if (want != got)
            rc = gz_bad(where, e, "crc32 mismatch (expected %08x, got %08x)", want, got);
        else if (isize != (uint32_t)*outn)
            rc = gz_bad(where, e, "length mismatch (expected ISIZE %u, got %zu bytes)", isize,
                        *outn);
        else if (n - pos > 8)
            rc = gz_bad(where, e, "trailing bytes after the member (expected end of input, got "
                        "%zu more bytes)", n - pos - 8);
    }
    if (rc != 0) {
        free(*out);
        *out = NULL;
        *outn = 0;
    }
    return rc;
}

/* ---- CRC-32 ---- */

/* Slicing by 8 (Kounavis and Berry, Intel 2005): eight table lookups per 8 input bytes. The
 * tables are built per call (2048 entries): calls are few and large (one per file). */
uint32_t inflate_crc32(uint32_t crc, const void *buf, size_t n) {
    uint32_t t[8][256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        t[0][i] = c;
    }
    for (int s = 1; s < 8; s++)
        for (int i = 0; i < 256; i++) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
    const uint8_t *p = buf;
    crc = ~crc;
    for (; n >= 8; n -= 8, p += 8) {
        uint32_t a = crc ^ le32(p);
        crc = t[7][a & 0xff] ^ t[6][a >> 8 & 0xff] ^ t[5][a >> 16 & 0xff] ^ t[4][a >> 24] ^
              t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
    }
    for (; n; n--, p++) crc = t[0][(crc ^ *p) & 0xff] ^ (crc >> 8);
    return ~crc;
}
