/* test_state.c - saving and resuming (harness/base/state.h):
 *   every optimizer of the registry, with its defaults and with the settings that give it
 *     more state (momentum, amsgrad, centered, a first moment), with group rates and with
 *     per-element rates: stopped at a step, saved, restored into a new optimizer, it ends
 *     bit for bit where the uninterrupted run ends, and damaged or foreign blobs are refused
 *     without changing it (the schedulers' round trip is tests/test_registry.c's);
 *   the blob itself: each field kind round-trips; a payload with another tag, count or an
 *     index out of range, extra bytes, a bad step count, another format version, kind, name
 *     or implementation version is refused with its own message, even with a valid checksum
 *     (re-sealed here), and a refused load writes nothing.
 */
#include "check.h"
#include "harness/base/rng.h"
#include "harness/base/state.h"
#include "harness/optim/optim.h"

#include <stdlib.h>
#include <string.h>

#define N 10
#define STEPS 120

static const TaskGroup groups[2] = {{"W", 0, 6, 2, 3}, {"b", 6, 4, 4, 1}};

/* Optimizer settings beyond the defaults, "name:k=v;k=v". */
static const char *const variants[] = {
    "sgd:momentum=0.9;nesterov=true",
    "sgd:momentum=0.5;dampening=0.1;weight_decay=0.01",
    "adam:amsgrad=true",
    "adamw:amsgrad=true;weight_decay=0.1",
    "rmsprop:centered=true;momentum=0.5",
    "adagrad:lr_decay=0.01",
    "adafactor:beta1=0.9",
    "adafactor:relative_step=false;scale_parameter=false",
    "prodigy:beta1=0;safeguard_warmup=true",
    "dadapt_adam:weight_decay=0.01;decouple=true",
    "adamw_sf:warmup_steps=5",
    "sgd_sf:momentum=0.8",
};

static int set_all(Params *p, const char *text, Err *e) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", text);
    for (char *save = NULL, *kv = strtok_r(buf, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(kv, '=');
        *eq = 0;
        if (params_set_text(p, kv, eq + 1, "test", e) != 0) return -1;
    }
    return 0;
}

/* One step of f(w) = 1/2 sum a_i (w_i - 1)^2 with seeded noise; elem: per-element rates. */
static void step(Optim *o, int64_t t, float *w, Rng *r, int elem) {
    float g[N], er[N], dir[N];
    for (int i = 0; i < N; i++)
        g[i] = (float)((1.0 + 0.3 * i) * (w[i] - 1.0) + 0.1 * rng_normal(r));
    for (int i = 0; i < N; i++) er[i] = 0.01f * (1.0f + 0.1f * (float)i);
    for (int k = 0; k < 2; k++)
        o->def->step(o->st, t, &groups[k], w + groups[k].off, g + groups[k].off, 0.01 * (k + 1),
                     elem ? er + groups[k].off : NULL, dir + groups[k].off);
}

/* Runs an optimizer STEPS steps, resumed at `at` (or not, at < 0), into w. */
static int run(const OptimDef *d, const Params *p, int elem, int64_t at, float *w) {
    Task t = {.n = N, .ngroups = 2, .groups = (TaskGroup *)groups};
    Optim o;
    Err e;
    if (optim_create(&o, d, p, &t, &e) != 0) {
        fprintf(stderr, "%s: %s\n", d->name, e.msg);
        return -1;
    }
    Rng r;
    rng_seed(&r, 7);
    for (int i = 0; i < N; i++) w[i] = (float)(0.5 * i - 2);
    for (int64_t k = 1; k <= STEPS; k++) {
        if (k == at + 1) {
            Buf blob = {0}, again = {0};
            CHECK(optim_save(&o, k - 1, &blob, "test", &e) == 0);
            unsigned char *bad = xmalloc(blob.len);
            for (size_t i = 0; i < blob.len; i += i < 90 ? 1 : 13) {
                memcpy(bad, blob.s, blob.len);
                bad[i] ^= 0x21;
                int64_t s = -1;
                CHECK(optim_load(&o, bad, blob.len, &s, "test", &e) != 0 && s == -1);
            }
            CHECK(optim_load(&o, blob.s, blob.len / 2, NULL, "test", &e) != 0);
            Optim other; /* the same optimizer over other groups: another fingerprint */
            TaskGroup one = {"all", 0, N, 1, N};
            Task t1 = {.n = N, .ngroups = 1, .groups = &one};
            CHECK(optim_create(&other, d, p, &t1, &e) == 0);
            CHECK(optim_load(&other, blob.s, blob.len, NULL, "test", &e) != 0 &&
                  strstr(e.msg, "fingerprint"));
            optim_destroy(&other);
            CHECK(optim_save(&o, k - 1, &again, "test", &e) == 0);
            CHECK(again.len == blob.len && memcmp(again.s, blob.s, blob.len) == 0);
            optim_destroy(&o);
            CHECK(optim_create(&o, d, p, &t, &e) == 0);
            int64_t steps = -1;
            const int rc = optim_load(&o, blob.s, blob.len, &steps, "test", &e);
            CHECK(rc == 0 && steps == k - 1);
            if (rc) fprintf(stderr, "%s: %s\n", d->name, e.msg);
            free(bad);
            buf_free(&blob);
            buf_free(&again);
        }
        step(&o, k, w, &r, elem);
    }
    optim_destroy(&o);
    return 0;
}

static void round_trip(const OptimDef *d, const char *set) {
    Params p;
    Err e;
    params_init(&p, d->params);
    const int rc = set ? set_all(&p, set, &e) : 0;
    CHECK(rc == 0);
    if (rc) fprintf(stderr, "%s %s: %s\n", d->name, set, e.msg);
    for (int elem = 0; elem < 2 && rc == 0; elem++) {
        float a[N], b[N];
        if (run(d, &p, elem, -1, a) != 0) break;
        const int64_t ats[] = {0, 1, STEPS / 2, STEPS - 1};
        for (int k = 0; k < 4; k++) {
            CHECK(run(d, &p, elem, ats[k], b) == 0);
            CHECK(memcmp(a, b, sizeof a) == 0);
            if (memcmp(a, b, sizeof a) != 0)
                fprintf(stderr, "%s %s%s: resumed after step %lld, the weights differ\n", d->name,
                        set ? set : "(defaults)", elem ? " per-element" : "", (long long)ats[k]);
        }
    }
    params_free(&p);
}

/* ---- the blob ---- */

typedef struct {
    int64_t i;
    int small; /* in 0..9 */
    double d, ds[3];
    float fs[2];
    uint64_t us[2];
} Toy;

static void toy_state(void *st, StateIO *io) {
    Toy *t = st;
    state_i64(io, &t->i, INT64_MIN, INT64_MAX);
    state_int(io, &t->small, 0, 9);
    state_f64(io, &t->d);
    state_f64s(io, t->ds, 3);
    state_f32s(io, t->fs, 2);
    state_u64s(io, t->us, 2);
}

static const StateId toy_id = {'S', "toy", 3, {1, 2, 3}};

/* reseal: the blob with its checksum made valid again after an edit. */
static void reseal(unsigned char *b, size_t n) { state_digest(b, n - 32, b + n - 32); }

/* refused: the edited blob is refused with a message containing `says`, and writes nothing. */
static void refused(const unsigned char *b, size_t n, const char *says) {
    Toy t;
    memset(&t, 0, sizeof t);
    Err e;
    const int rc = state_load(&toy_id, b, n, toy_state, &t, NULL, "test", &e);
    const unsigned char *raw = (const unsigned char *)&t;
    size_t nonzero = 0;
    for (size_t i = 0; i < sizeof t; i++) nonzero += raw[i] != 0;
    CHECK(rc != 0 && e.code == EXIT_USAGE && nonzero == 0);
    CHECK(rc != 0 && strstr(e.msg, says) != NULL);
    if (rc == 0 || !strstr(e.msg, says)) fprintf(stderr, "wanted \"%s\", got: %s\n", says, e.msg);
}

static void blob_format(void) {
    Toy t = {-5, 7, 0.1, {1, -0.0, 1e300}, {1.5f, -2.25f}, {UINT64_MAX, 3}}, u = {0};
    Buf b = {0};
    Err e;
    CHECK(state_save(&toy_id, 42, toy_state, &t, &b, "test", &e) == 0);
    const size_t L = 3, head = 14 + L + 4 + 32 + 8 + 8;
    /* the documented layout */
    CHECK(memcmp(b.s, "LRLABST1", 8) == 0 && b.s[8] == 1 && b.s[12] == 'S' && b.s[13] == 3);
    CHECK(memcmp(b.s + 14, "toy", 3) == 0 && b.s[17] == 3 && (unsigned char)b.s[21] == 1);
    CHECK((unsigned char)b.s[50 + L] == 42);
    const size_t payload = 9 + 9 + 9 + (9 + 24) + (9 + 8) + (9 + 16);
    CHECK(b.len == head + payload + 32);
    CHECK((unsigned char)b.s[head - 8] == payload);
    int64_t steps = 0;
    CHECK(state_load(&toy_id, b.s, b.len, toy_state, &u, &steps, "test", &e) == 0);
    CHECK(steps == 42 && u.i == t.i && u.small == t.small && u.d == t.d);
    CHECK(memcmp(u.ds, t.ds, sizeof t.ds) == 0 && memcmp(u.fs, t.fs, sizeof t.fs) == 0 &&
          memcmp(u.us, t.us, sizeof t.us) == 0);
    CHECK(signbit(u.ds[1]));

    unsigned char *x = xmalloc(b.len + 16);
    const size_t n = b.len;
#define EDIT(expr, says)                                                                           \
    do {                                                                                           \
        memcpy(x, b.s, n);                                                                         \
        expr;                                                                                      \
        reseal(x, n);                                                                              \
        refused(x, n, says);                                                                       \
    } while (0)
    EDIT(x[head] = 'd', "tag");                            /* the int64 read as a number */
    EDIT(x[head + 9 + 1] = 10, "expected 0..9");           /* small out of range */
    EDIT(x[head + 27 + 1] = 4, "4 elements (expected 3)"); /* the array's count */
    EDIT(x[8] = 2, "format version 2");
    EDIT(x[12] = 'O', "saved by an optimizer");
    EDIT(x[14] = 'b', "saved by scheduler \"boy\"");
    EDIT(x[17] = 4, "implementation version 4");
    EDIT(x[18 + L] ^= 1, "fingerprint");
    EDIT(x[50 + L + 7] = 0x80, "step count");
    /* a longer payload than its fields, with the length and checksum made to agree */
    memcpy(x, b.s, n - 32);
    x[head - 8] = (unsigned char)(payload + 1);
    x[n - 32] = 0;
    reseal(x, n + 1);
    refused(x, n + 1, "after the last field");
    /* damaged without resealing: the checksum */
    memcpy(x, b.s, n);
    x[head + 3] ^= 1;
    refused(x, n, "corrupt");
    refused((const unsigned char *)"LRLABST", 7, "not an lrlab state");
    refused((const unsigned char *)b.s, head, "truncated");
    free(x);
    /* a component that cannot save says why */
    Buf none = {0};
    CHECK(state_save(&toy_id, 0, NULL, NULL, &none, "test", &e) == 0);
    CHECK(state_load(&toy_id, none.s, none.len, NULL, NULL, NULL, "test", &e) == 0);
    CHECK(state_load(&toy_id, none.s, none.len, toy_state, &u, NULL, "test", &e) != 0);
    buf_free(&none);
    buf_free(&b);
}

int main(void) {
    blob_format();
    int nopt = 0;
    for (int i = 0; optim_registry[i]; i++, nopt++) {
        const OptimDef *d = optim_registry[i];
        round_trip(d, NULL);
        for (size_t k = 0; k < sizeof variants / sizeof variants[0]; k++) {
            const size_t len = strlen(d->name);
            if (strncmp(variants[k], d->name, len) == 0 && variants[k][len] == ':')
                round_trip(d, variants[k] + len + 1);
        }
    }
    CHECK(nopt >= 10);
    /* every variant names an optimizer of the registry */
    for (size_t k = 0; k < sizeof variants / sizeof variants[0]; k++) {
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(variants[k], ":"), variants[k]);
        CHECK(optim_find(name) != NULL);
    }
    return check_report();
}
