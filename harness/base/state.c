/* state.c - the state blob of schedulers and optimizers (see state.h). */
#include "harness/base/state.h"
#include "harness/base/sha256.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char MAGIC[8] = {'L', 'R', 'L', 'A', 'B', 'S', 'T', '1'};

static void fail(StateIO *io, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(StateIO *io, const char *fmt, ...) {
    if (io->error[0]) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(io->error, sizeof io->error, fmt, ap);
    va_end(ap);
}

static void put_u64(Buf *b, uint64_t x) {
    unsigned char c[8];
    for (int i = 0; i < 8; i++) c[i] = (unsigned char)(x >> (8 * i));
    buf_append(b, (const char *)c, 8);
}

static void put_u32(Buf *b, uint32_t x) {
    unsigned char c[4];
    for (int i = 0; i < 4; i++) c[i] = (unsigned char)(x >> (8 * i));
    buf_append(b, (const char *)c, 4);
}

static uint64_t get_u64(const unsigned char *p) {
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--) x = x << 8 | p[i];
    return x;
}

static uint32_t get_u32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t f64_bits(double x) {
    uint64_t u;
    memcpy(&u, &x, 8);
    return u;
}

static double bits_f64(uint64_t u) {
    double x;
    memcpy(&x, &u, 8);
    return x;
}

/* take: the next n bytes of the payload, or NULL (and the error) when there are fewer. */
static const unsigned char *take(StateIO *io, size_t n, const char *what) {
    if (io->error[0]) return NULL;
    if (io->n - io->pos < n) {
        fail(io, "payload ends inside %s (expected %zu more bytes, got %zu)", what, n,
             io->n - io->pos);
        return NULL;
    }
    const unsigned char *p = io->in + io->pos;
    io->pos += n;
    return p;
}

/* tag: writes or checks the field's tag byte; 0 when the visitor may go on. */
static int tag(StateIO *io, char t) {
    if (io->error[0]) return -1;
    if (io->mode == STATE_SAVE) {
        buf_append(io->out, &t, 1);
        return 0;
    }
    const size_t at = io->pos;
    const unsigned char *p = take(io, 1, "a field's tag");
    if (!p) return -1;
    if (*p != (unsigned char)t) {
        fail(io, "field at payload byte %zu has tag 0x%02x (expected '%c')", at, *p, t);
        return -1;
    }
    return 0;
}

/* count: writes n, or checks that the blob's count is n. */
static int count(StateIO *io, size_t n) {
    if (io->mode == STATE_SAVE) {
        put_u64(io->out, n);
        return 0;
    }
    const size_t at = io->pos;
    const unsigned char *p = take(io, 8, "an array's count");
    if (!p) return -1;
    if (get_u64(p) != n) {
        fail(io, "array at payload byte %zu has %" PRIu64 " elements (expected %zu)", at,
             get_u64(p), n);
        return -1;
    }
    return 0;
}

int64_t state_i64(StateIO *io, int64_t *x, int64_t lo, int64_t hi) {
    if (tag(io, 'i') != 0) return 0;
    if (io->mode == STATE_SAVE) {
        put_u64(io->out, (uint64_t)*x);
        return *x;
    }
    const size_t at = io->pos;
    const unsigned char *p = take(io, 8, "an integer");
    if (!p) return 0;
    const int64_t v = (int64_t)get_u64(p);
    if (v < lo || v > hi) {
        fail(io, "integer at payload byte %zu is %" PRId64 " (expected %" PRId64 "..%" PRId64 ")",
             at, v, lo, hi);
        return 0;
    }
    if (io->mode == STATE_LOAD) *x = v;
    return v;
}

int state_int(StateIO *io, int *x, int lo, int hi) {
    int64_t v = *x;
    v = state_i64(io, &v, lo, hi);
    if (io->mode == STATE_LOAD && !io->error[0]) *x = (int)v;
    return (int)v;
}

void state_f64(StateIO *io, double *x) {
    if (tag(io, 'd') != 0) return;
    if (io->mode == STATE_SAVE) {
        put_u64(io->out, f64_bits(*x));
        return;
    }
    const unsigned char *p = take(io, 8, "a number");
    if (p && io->mode == STATE_LOAD) *x = bits_f64(get_u64(p));
}

void state_f64s(StateIO *io, double *x, size_t n) {
    if (tag(io, 'D') != 0 || count(io, n) != 0) return;
    if (io->mode == STATE_SAVE) {
        for (size_t i = 0; i < n; i++) put_u64(io->out, f64_bits(x[i]));
        return;
    }
    const unsigned char *p = take(io, n * 8, "an array of numbers");
    if (p && io->mode == STATE_LOAD)
        for (size_t i = 0; i < n; i++) x[i] = bits_f64(get_u64(p + 8 * i));
}

void state_f32s(StateIO *io, float *x, size_t n) {
    if (tag(io, 'F') != 0 || count(io, n) != 0) return;
    if (io->mode == STATE_SAVE) {
        for (size_t i = 0; i < n; i++) {
            uint32_t u;
            memcpy(&u, &x[i], 4);
            put_u32(io->out, u);
        }
        return;
    }
    const unsigned char *p = take(io, n * 4, "an array of floats");
    if (p && io->mode == STATE_LOAD)
        for (size_t i = 0; i < n; i++) {
            const uint32_t u = get_u32(p + 4 * i);
            memcpy(&x[i], &u, 4);
        }
}

void state_u64s(StateIO *io, uint64_t *x, size_t n) {
    if (tag(io, 'U') != 0 || count(io, n) != 0) return;
    if (io->mode == STATE_SAVE) {
        for (size_t i = 0; i < n; i++) put_u64(io->out, x[i]);
        return;
    }
    const unsigned char *p = take(io, n * 8, "an array of words");
    if (p && io->mode == STATE_LOAD)
        for (size_t i = 0; i < n; i++) x[i] = get_u64(p + 8 * i);
}

void state_refuse(StateIO *io, const char *why) { fail(io, "%s", why); }

void state_digest(const void *data, size_t n, unsigned char out[32]) {
    Sha256 c;
    char hex[65];
    sha256_init(&c);
    sha256_update(&c, data, n);
    sha256_hex(&c, hex);
    for (int i = 0; i < 32; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (unsigned char)v;
    }
}

void state_fingerprint(const char *shape, unsigned char out[32]) {
    state_digest(shape, strlen(shape), out);
}

static const char *kind_name(char kind) { return kind == 'S' ? "a scheduler" : "an optimizer"; }

int state_save(const StateId *id, int64_t steps, void (*visit)(void *st, StateIO *io), void *st,
               Buf *out, const char *where, Err *e) {
    Buf payload = {0};
    StateIO io = {.mode = STATE_SAVE, .out = &payload};
    if (visit) visit(st, &io);
    if (io.error[0]) {
        buf_free(&payload);
        return err_set(e, EXIT_USAGE, where, "%s \"%s\": cannot save its state: %s",
                       id->kind == 'S' ? "scheduler" : "optimizer", id->name, io.error);
    }
    const size_t start = out->len;
    const size_t len = strlen(id->name);
    LR_ASSERT(len >= 1 && len <= 63);
    buf_append(out, MAGIC, 8);
    put_u32(out, STATE_FORMAT);
    buf_append(out, &id->kind, 1);
    const char l = (char)len;
    buf_append(out, &l, 1);
    buf_append(out, id->name, len);
    put_u32(out, (uint32_t)id->version);
    buf_append(out, (const char *)id->fingerprint, 32);
    put_u64(out, (uint64_t)steps);
    put_u64(out, payload.len);
    if (payload.len) buf_append(out, payload.s, payload.len);
    unsigned char sum[32];
    state_digest(out->s + start, out->len - start, sum);
    buf_append(out, (const char *)sum, 32);
    buf_free(&payload);
    return 0;
}

static void hex16(const unsigned char *b, char out[17]) {
    for (int i = 0; i < 8; i++) snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* open_blob: checks the envelope; fills the payload's place and the step count. */
static int open_blob(const StateId *id, const unsigned char *b, size_t n, size_t *poff,
                     size_t *plen, int64_t *steps, const char *where, Err *e) {
    const char *what = id->kind == 'S' ? "scheduler" : "optimizer";
    if (n < 14 || memcmp(b, MAGIC, 8) != 0)
        return err_set(e, EXIT_USAGE, where,
                       "%s \"%s\": state: not an lrlab state blob (expected bytes starting "
                       "\"LRLABST1\", got %zu bytes%s)",
                       what, id->name, n, n >= 8 ? " starting otherwise" : "");
    const uint32_t format = get_u32(b + 8);
    if (format != STATE_FORMAT)
        return err_set(e, EXIT_USAGE, where, "%s \"%s\": state: format version %u (expected %d)",
                       what, id->name, format, STATE_FORMAT);
    const size_t L = b[13];
    const size_t head = 14 + L + 4 + 32 + 8 + 8;
    if (L < 1 || L > 63 || n < head + 32)
        return err_set(e, EXIT_USAGE, where,
                       "%s \"%s\": state: truncated header (expected at least %zu bytes, got %zu)",
                       what, id->name, head + 32, n);
    const uint64_t P = get_u64(b + head - 8);
    if (P != n - head - 32)
        return err_set(e, EXIT_USAGE, where,
                       "%s \"%s\": state: payload length %llu does not fit the blob (expected "
                       "%zu, got a blob of %zu bytes): truncated or extended",
                       what, id->name, (unsigned long long)P, n - head - 32, n);
    unsigned char sum[32];
    state_digest(b, n - 32, sum);
    if (memcmp(sum, b + n - 32, 32) != 0) {
        char want[17], got[17];
        hex16(sum, want);
        hex16(b + n - 32, got);
        return err_set(e, EXIT_USAGE, where,
                       "%s \"%s\": state: corrupt (expected checksum %s..., got %s...)", what,
                       id->name, want, got);
    }
    if (b[12] != (unsigned char)id->kind)
        return err_set(e, EXIT_USAGE, where, "%s \"%s\": state: saved by %s (expected %s's)", what,
                       id->name,
                       b[12] == 'S'   ? "a scheduler"
                       : b[12] == 'O' ? "an optimizer"
                                      : "an unknown kind",
                       kind_name(id->kind));
    if (L != strlen(id->name) || memcmp(b + 14, id->name, L) != 0)
        return err_set(e, EXIT_USAGE, where,
                       "%s \"%s\": state: saved by %s \"%.*s\" (expected \"%s\")", what, id->name,
                       what, (int)L, (const char *)(b + 14), id->name);
    const uint32_t version = get_u32(b + 14 + L);
    if (version != (uint32_t)id->version)
        return err_set(e, EXIT_USAGE, where,
                       "%s \"%s\": state: saved by implementation version %u (expected %d)", what,
                       id->name, version, id->version);
    if (memcmp(b + 18 + L, id->fingerprint, 32) != 0) {
        char want[17], got[17];
        hex16(id->fingerprint, want);
        hex16(b + 18 + L, got);
        return err_set(e, EXIT_USAGE, where,
                       "%s \"%s\": state: saved with other parameters or another run shape "
                       "(expected fingerprint %s..., got %s...)",
                       what, id->name, want, got);
    }
    *steps = (int64_t)get_u64(b + 50 + L);
    if (*steps < 0 || *steps > STATE_COUNT_MAX)
        return err_set(e, EXIT_USAGE, where, "%s \"%s\": state: step count %lld (expected 0..%lld)",
                       what, id->name, (long long)*steps, (long long)STATE_COUNT_MAX);
    *poff = head;
    *plen = (size_t)P;
    return 0;
}

int state_load(const StateId *id, const void *blob, size_t n, void (*visit)(void *st, StateIO *io),
               void *st, int64_t *steps, const char *where, Err *e) {
    const unsigned char *b = blob;
    size_t off = 0, len = 0;
    int64_t k = 0;
    if (!blob) n = 0;
    if (open_blob(id, b ? b : (const unsigned char *)"", n, &off, &len, &k, where, e) != 0)
        return -1;
    const char *what = id->kind == 'S' ? "scheduler" : "optimizer";
    for (StateMode m = STATE_CHECK; m <= STATE_LOAD; m++) {
        StateIO io = {.mode = m, .in = b + off, .n = len};
        if (visit) visit(st, &io);
        if (!io.error[0] && io.pos != io.n)
            fail(&io, "payload has %zu bytes after the last field (expected none)", io.n - io.pos);
        if (io.error[0]) {
            LR_ASSERT(m == STATE_CHECK); /* LOAD reads what CHECK accepted */
            return err_set(e, EXIT_USAGE, where, "%s \"%s\": state: %s", what, id->name, io.error);
        }
    }
    if (steps) *steps = k;
    return 0;
}
