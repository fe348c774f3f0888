/* fuzz_state.c - fuzz target: loading a scheduler's or an optimizer's saved state
 * (harness/base/state.h), then running on with it.
 *
 * Input: byte 0 picks a component of the table below (its low 7 bits, modulo the table) and
 * how the rest is used: bit 7 clear, the rest is the PAYLOAD, sealed here into a blob with
 * the component's own header and a valid checksum, so that the fuzzer reaches the field
 * parsing (tags, counts, index ranges) instead of stopping at the checksum; bit 7 set, the
 * rest is a whole blob as a file would hold it (the envelope's checks). A load that is
 * accepted is followed by 20 steps of the component, so that a restored index or size that
 * the ranges let through would be caught by the sanitizers. The seed corpus
 * (corpus/state/) is written by scripts/golden/fuzz_state_corpus.py from the documented
 * layout.
 */
#include "fuzz.h"

#include "harness/optim/optim.h"
#include "schedulers/sched.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NP = 10 };
static const TaskGroup groups[2] = {{"W", 0, 6, 2, 3}, {"b", 6, 4, 4, 1}};

static const struct {
    char kind; /* 'S' scheduler, 'O' optimizer */
    const char *name, *settings;
} comps[] = {
    {'S', "greedy", "smooth=true;window=5;signal=train_step"},
    {'S', "plateau", "signal=train_step"},
    {'S', "hd", "granularity=param"},
    {'S', "sls", ""},
    {'S', "sequential", ""},
    {'S', "cosine", ""},
    {'O', "adam", "amsgrad=true"},
    {'O', "sgd", "momentum=0.9"},
    {'O', "adamw_sf", ""},
    {'O', "prodigy", ""},
    {'O', "rmsprop", "centered=true;momentum=0.5"},
    {'O', "adafactor", "beta1=0.9"},
};
enum { NCOMPS = sizeof comps / sizeof comps[0] };

static void settings(Params *p, const char *text) {
    char buf[128];
    Err e;
    snprintf(buf, sizeof buf, "%s", text);
    for (char *sv = NULL, *kv = strtok_r(buf, ";", &sv); kv; kv = strtok_r(NULL, ";", &sv)) {
        char *eq = strchr(kv, '=');
        *eq = 0;
        if (params_set_text(p, kv, eq + 1, "fuzz", &e) != 0) abort();
    }
}

static void put_le(unsigned char *b, uint64_t x, int n) {
    for (int i = 0; i < n; i++) b[i] = (unsigned char)(x >> (8 * i));
}

/* seal: a blob for the instance whose saved form is `self` (name, version, fingerprint)
 * with payload data[n]: the header of self, the payload, a valid checksum. */
static unsigned char *seal(const Buf *self, const uint8_t *data, size_t n, size_t *len) {
    const size_t L = (unsigned char)self->s[13], head = 14 + L + 4 + 32 + 8 + 8;
    unsigned char *b = malloc(head + n + 32);
    memcpy(b, self->s, head);
    put_le(b + head - 8, n, 8);
    if (n) memcpy(b + head, data, n);
    state_digest(b, head + n, b + head + n);
    *len = head + n + 32;
    return b;
}

/* refused: with LRLAB_FUZZ_VERBOSE set, says why a load was refused (checking the seeds). */
static void refused(const Err *e) {
    if (getenv("LRLAB_FUZZ_VERBOSE")) fprintf(stderr, "refused: %s\n", e->msg);
}

static double half_sq(void *ctx, const float *w) {
    double f = 0;
    for (int i = 0; i < NP; i++) f += 0.5 * (double)w[i] * w[i];
    return f;
}

static void scheduler(const char *name, const char *set, const uint8_t *data, size_t n, int raw) {
    const SchedDef *d = sched_find(name);
    Params p;
    Err e;
    params_init(&p, d->params);
    settings(&p, set);
    const SchedRun run = {.lr0 = 0.1,
                          .total_steps = 100,
                          .steps_per_epoch = 10,
                          .eval_every = 10,
                          .ngroups = 2,
                          .groups = groups,
                          .nparams = NP};
    Sched s;
    if (sched_create(&s, d, &p, &run, "fuzz", &e) != 0) abort();
    Buf self = {0};
    if (sched_save(&s, &self, "fuzz", &e) != 0) abort();
    size_t len = n;
    unsigned char *blob = raw ? NULL : seal(&self, data, n, &len);
    if (sched_load(&s, raw ? data : blob, len, "fuzz", &e) == 0) {
        double lr[2];
        float elem[NP], w[NP] = {1, 2, 3}, g[NP] = {1, -1, 1}, dir[NP] = {0};
        SchedLr out = {.group = lr, .elem = elem, .ngroups = 2};
        for (int64_t t = 0; t < 20; t++) {
            SchedStep st = {.step = t,
                            .loss = 1.0 / (t + 1),
                            .w = w,
                            .g = g,
                            .dir_prev = dir,
                            .loss_at = half_sq};
            sched_lr(&s, &st, &out);
            sched_observe(&s, SIGNAL_TRAIN_STEP, t, 1.0 / (t + 1));
            sched_observe(&s, SIGNAL_EVAL, t, 1.0 / (t + 2));
        }
    } else {
        refused(&e);
    }
    free(blob);
    buf_free(&self);
    sched_destroy(&s);
    params_free(&p);
}

static void optimizer(const char *name, const char *set, const uint8_t *data, size_t n, int raw) {
    const OptimDef *d = optim_find(name);
    Params p;
    Err e;
    params_init(&p, d->params);
    settings(&p, set);
    Task t = {.n = NP, .ngroups = 2, .groups = (TaskGroup *)groups};
    Optim o;
    if (optim_create(&o, d, &p, &t, &e) != 0) abort();
    Buf self = {0};
    if (optim_save(&o, 0, &self, "fuzz", &e) != 0) abort();
    size_t len = n;
    unsigned char *blob = raw ? NULL : seal(&self, data, n, &len);
    int64_t steps = 0;
    if (optim_load(&o, raw ? data : blob, len, &steps, "fuzz", &e) == 0) {
        float w[NP] = {1, 2, 3}, g[NP], elem[NP] = {0.01f, 0.02f};
        for (int64_t k = 1; k <= 20; k++) {
            for (int i = 0; i < NP; i++) g[i] = w[i];
            for (int gi = 0; gi < 2; gi++)
                d->step(o.st, steps + k, &groups[gi], w + groups[gi].off, g + groups[gi].off, 0.01,
                        k > 10 ? elem + groups[gi].off : NULL, NULL);
        }
        if (d->eval_point) {
            d->eval_point(o.st, w, NP, 1);
            d->eval_point(o.st, w, NP, 0);
        }
    } else {
        refused(&e);
    }
    free(blob);
    buf_free(&self);
    optim_destroy(&o);
    params_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    const int pick = (data[0] & 0x7f) % NCOMPS, raw = data[0] >> 7;
    if (comps[pick].kind == 'S')
        scheduler(comps[pick].name, comps[pick].settings, data + 1, size - 1, raw);
    else optimizer(comps[pick].name, comps[pick].settings, data + 1, size - 1, raw);
    return 0;
}
