/* test_registry.c - properties every registered component must have, so that a new
 * scheduler or optimizer inherits these checks by being registered:
 *   schedulers with their defaults: learning rates finite, positive and deterministic
 *     under any signal sequence; parameter tables well formed;
 *   optimizers with their defaults: finite updates that lower a convex quadratic. */
#include "check.h"
#include "harness/cfg.h"
#include "harness/optim.h"
#include "harness/rng.h"
#include "schedulers/sched.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void table_ok(const ParamSpec *spec) {
    for (int i = 0; spec[i].name; i++) {
        CHECK(spec[i].help && spec[i].help[0]);
        CHECK(spec[i].lo <= spec[i].hi || spec[i].type == PARAM_ENUM || spec[i].type == PARAM_STR ||
              spec[i].type == PARAM_BOOL);
        for (int j = 0; j < i; j++) CHECK(strcmp(spec[i].name, spec[j].name) != 0);
    }
}

/* Schedulers defined in a script (SCHED_NEEDS_SCRIPT) take their functions from this one. */
static Experiment script_ex;
static const char script_text[] =
    "experiment { name = 't', seeds = {1},\n"
    "  tasks = { task 'nmf' { dataset = 'synthetic' } },\n"
    "  optimizers = { optimizer 'sgd' { lr = 0.1 } },\n"
    "  schedulers = { scheduler 'lua' {\n"
    "    lr = function(step, ctx) return ctx.lr0 * (ctx.scale or 1) * 0.99 ^ (step % 50) end,\n"
    "    observe = function(signal, step, value, ctx)\n"
    "      if signal == 'eval' then ctx.scale = value > 5 and 0.5 or 1 end end } } }\n";

static const CompCfg *script_sched(const SchedDef *d) {
    if (!script_ex.lua) {
        char path[] = "/tmp/lrlab-test-registry-XXXXXX";
        int fd = mkstemp(path);
        CHECK(fd >= 0 && write(fd, script_text, sizeof script_text - 1) > 0);
        close(fd);
        Err e;
        int rc = cfg_load(path, 0, &script_ex, &e);
        if (rc) fprintf(stderr, "%s\n", e.msg);
        CHECK(rc == 0);
        unlink(path);
    }
    for (int i = 0; i < script_ex.nscheds; i++)
        if (script_ex.scheds[i].sched == d) return &script_ex.scheds[i];
    CHECK(!"no script example for this scheduler");
    return NULL;
}

/* Runs a scheduler for 300 steps with seeded noisy signals; returns the lr trace. */
static void trace(const SchedDef *d, uint64_t seed, double *lrs) {
    Params p;
    Err e;
    const CompCfg *sc = d->needs & SCHED_NEEDS_SCRIPT ? script_sched(d) : NULL;
    if (sc) params_copy(&p, &sc->p);
    else params_init(&p, d->params);
    TaskGroup groups[2] = {{"a", 0, 4, 2, 2}, {"b", 4, 4, 4, 1}};
    SchedRun run = {.lr0 = 0.1, .total_steps = 300, .steps_per_epoch = 30, .eval_every = 10,
                    .ngroups = 2, .groups = groups, .nparams = 8, .lua = sc ? sc->lua : NULL};
    Sched s;
    int rc = sched_create(&s, d, &p, &run, "test", &e);
    CHECK(rc == 0);
    if (rc) {
        fprintf(stderr, "%s: %s\n", d->name, e.msg);
        params_free(&p);
        return;
    }
    double group[2];
    float elem[8];
    float w[8] = {1, -1, 0.5f, 2, 0, 1, -2, 3}, g[8];
    SchedLr out = {.group = group, .elem = elem, .ngroups = 2};
    Rng r;
    rng_seed(&r, seed);
    double loss = 5;
    for (int64_t step = 0; step < 300; step++) {
        for (int i = 0; i < 8; i++) g[i] = (float)rng_normal(&r);
        SchedStep st = {.step = step, .loss = loss, .w = w, .g = g};
        sched_lr(&s, &st, &out);
        for (int gi = 0; gi < 2; gi++) {
            CHECK(isfinite(group[gi]) && group[gi] > 0);
        }
        lrs[step] = group[0];
        loss = loss * 0.99 + 0.3 * rng_uniform(&r);
        sched_observe(&s, SIGNAL_TRAIN_STEP, step, loss);
        if ((step + 1) % 10 == 0) sched_observe(&s, SIGNAL_EVAL, step, loss + rng_uniform(&r));
    }
    sched_destroy(&s);
    params_free(&p);
}

int main(void) {
    int nsched = 0;
    for (int i = 0; sched_registry[i]; i++, nsched++) {
        const SchedDef *d = sched_registry[i];
        CHECK(d->name && d->summary && d->reference && d->params && d->init && d->lr);
        CHECK(sched_find(d->name) == d);
        table_ok(d->params);
        double a[300], b[300], c[300];
        trace(d, 1, a);
        trace(d, 1, b);
        trace(d, 2, c);
        CHECK(memcmp(a, b, sizeof a) == 0);
        (void)c;
    }
    CHECK(nsched >= 3);

    for (int i = 0; optim_registry[i]; i++) {
        const OptimDef *d = optim_registry[i];
        CHECK(d->name && d->summary && d->reference && d->params && d->init && d->step);
        CHECK(optim_find(d->name) == d);
        table_ok(d->params);
        /* f(w) = 1/2 sum a_i w_i^2 on two groups */
        float w[6] = {1, -2, 0.5f, 3, -1, 2}, g[6], dir[6];
        const float a[6] = {1, 2, 0.5f, 1.5f, 3, 0.2f};
        TaskGroup groups[2] = {{"x", 0, 4, 2, 2}, {"y", 4, 2, 2, 1}};
        Task t = {.n = 6, .w = w, .g = g, .ngroups = 2, .groups = groups};
        Params p;
        Err e;
        params_init(&p, d->params);
        Optim o;
        CHECK(optim_create(&o, d, &p, &t, &e) == 0);
        double f0 = 0, f1 = 0;
        for (int k = 0; k < 6; k++) f0 += 0.5 * a[k] * w[k] * w[k];
        for (int64_t step = 1; step <= 200; step++) {
            for (int k = 0; k < 6; k++) g[k] = a[k] * w[k];
            for (int gi = 0; gi < 2; gi++)
                d->step(o.st, step, &groups[gi], w + groups[gi].off, g + groups[gi].off, 0.01, NULL,
                        dir + groups[gi].off);
            for (int k = 0; k < 6; k++) CHECK(isfinite(w[k]) && isfinite(dir[k]));
        }
        for (int k = 0; k < 6; k++) f1 += 0.5 * a[k] * w[k] * w[k];
        CHECK(f1 < f0);
        optim_destroy(&o);
        params_free(&p);
    }
    return check_report();
}
