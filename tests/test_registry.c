/* test_registry.c - properties every registered component must have, so that a new
 * scheduler or optimizer inherits these checks by being registered:
 *   schedulers with their defaults: learning rates finite, positive, within the declared
 *     bounds (SchedDef.bounds, [0, lr0] when NULL) and deterministic under any signal
 *     sequence; with the non-default parameter sets of `cases`: within the declared bounds,
 *     and reaching above lr0 (or the bound itself) where a case is built to, so that the
 *     bound is not vacuous; parameter tables well formed;
 *   optimizers with their defaults: finite updates that lower a convex quadratic (and so
 *     does the evaluation point of those that have one, OptimDef.eval_point, which gives
 *     the training point back bit for bit);
 *   every task, optimizer and scheduler: an implementation version of at least 1 (the
 *     version's effect on cell ids is tests/test_versions.c's);
 *   every scheduler, with its defaults and every case: saved at a step, refused blobs that
 *     leave it unchanged, then restored into a new one, it continues bit for bit as the
 *     uninterrupted run (the scheduler "lua", whose state is the script's, refuses to save);
 *     the optimizers' round trip is tests/test_state.c's. */
#include "check.h"
#include "harness/base/rng.h"
#include "harness/lua/config.h"
#include "harness/optim/optim.h"
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
        int rc = cfg_load(path, 0, NULL, &script_ex, &e);
        if (rc) fprintf(stderr, "%s\n", e.msg);
        CHECK(rc == 0);
        unlink(path);
    }
    for (int i = 0; i < script_ex.nscheds; i++)
        if (script_ex.scheds[i].sched == d) return &script_ex.scheds[i];
    CHECK(!"no script example for this scheduler");
    return NULL;
}

#define STEPS 300
#define LR0 0.1

/* How the loop drives a trace: NOISY gives random gradients and a noisy loss; IMPROVING the
 * same gradient at every step and a loss that falls at every step, so that feedback
 * schedulers (greedy, hd) raise the rate. */
enum { NOISY, IMPROVING };

/* The loss at trial points (stochastic line search): f(w) = |w|^2 / 2 on the 8 parameters. */
static double half_sq(void *ctx, const float *w) {
    double f = 0;
    for (int i = 0; i < 8; i++) f += 0.5 * (double)w[i] * w[i];
    return f;
}

/* x in [lo, hi], with 1e-12 relative slack for rounding */
static int within(double x, double lo, double hi) {
    return x >= lo * (1 - 1e-12) && x <= hi * (1 + 1e-12);
}

/* What a trace saw: the declared bounds and the extreme group rates. */
typedef struct {
    double lo, hi, bottom, top;
} Seen;

/* Runs scheduler d with parameters p for STEPS steps with seeded signals (`drive`), the
 * previous gradient as the update direction (SGD). Checks that every rate is finite and
 * within d's declared bounds, and positive when `positive`. Fills lrs[STEPS] with group 0's
 * trace; returns -1 when the scheduler cannot be created. */
/* Saves s, checks that damaged or foreign blobs are refused without changing it, then
 * replaces it with a new scheduler restored from the blob. 0, or -1 when it refuses to save
 * (only "lua" may, saying why). */
static int resume(Sched *s, const SchedDef *d, const Params *p, const SchedRun *run) {
    Err e;
    Buf blob = {0}, again = {0};
    if (sched_save(s, &blob, "test", &e) != 0) {
        CHECK(strcmp(d->name, "lua") == 0 && strstr(e.msg, "Lua") && e.code == EXIT_USAGE);
        buf_free(&blob);
        return -1;
    }
    CHECK(strcmp(d->name, "lua") != 0);
    const size_t n = blob.len;
    unsigned char *bad = xmalloc(n);
    /* truncated, and each byte of the header, of the payload and of the checksum changed */
    CHECK(sched_load(s, blob.s, n - 1, "test", &e) != 0 && strstr(e.msg, "state:"));
    CHECK(sched_load(s, NULL, 0, "test", &e) != 0);
    for (size_t i = 0; i < n; i += (i < 80 || i + 40 > n) ? 1 : 17) {
        memcpy(bad, blob.s, n);
        bad[i] ^= 0x5a;
        CHECK(sched_load(s, bad, n, "test", &e) != 0);
    }
    /* another run shape: the fingerprint differs */
    SchedRun other = *run;
    other.lr0 = run->lr0 * 2;
    Sched s2;
    if (sched_create(&s2, d, p, &other, "test", &e) == 0) {
        CHECK(sched_load(&s2, blob.s, n, "test", &e) != 0 && strstr(e.msg, "fingerprint"));
        sched_destroy(&s2);
    }
    /* another scheduler */
    Params pc;
    params_init(&pc, sched_find("constant")->params);
    CHECK(sched_create(&s2, sched_find("constant"), &pc, run, "test", &e) == 0);
    if (strcmp(d->name, "constant") != 0)
        CHECK(sched_load(&s2, blob.s, n, "test", &e) != 0 && strstr(e.msg, "saved by"));
    sched_destroy(&s2);
    params_free(&pc);
    /* nothing refused changed s */
    CHECK(sched_save(s, &again, "test", &e) == 0);
    CHECK(again.len == n && memcmp(again.s, blob.s, n) == 0);
    sched_destroy(s);
    CHECK(sched_create(s, d, p, run, "test", &e) == 0);
    const int rc = sched_load(s, blob.s, n, "test", &e);
    CHECK(rc == 0);
    if (rc) fprintf(stderr, "%s: %s\n", d->name, e.msg);
    free(bad);
    buf_free(&blob);
    buf_free(&again);
    return 0;
}

static int trace_with(const SchedDef *d, const Params *p, void *lua, int drive, uint64_t seed,
                      int positive, int64_t resume_at, double *lrs, Seen *seen) {
    Err e;
    TaskGroup groups[2] = {{"a", 0, 4, 2, 2}, {"b", 4, 4, 4, 1}};
    SchedRun run = {.lr0 = LR0,
                    .total_steps = STEPS,
                    .steps_per_epoch = 30,
                    .eval_every = 10,
                    .ngroups = 2,
                    .groups = groups,
                    .nparams = 8,
                    .lua = lua};
    Sched s;
    int rc = sched_create(&s, d, p, &run, "test", &e);
    CHECK(rc == 0);
    if (rc) {
        fprintf(stderr, "%s: %s\n", d->name, e.msg);
        return -1;
    }
    double lo = 0, hi = run.lr0;
    if (d->bounds) d->bounds(p, &run, &lo, &hi);
    CHECK(lo >= 0 && lo <= hi);
    /* per-element rates are floats: they keep to the float rounding of the bounds (rounding
     * is monotone), and so do group rates that are means of them */
    const float flo = (float)lo, fhi = (float)hi;
    *seen = (Seen){lo, hi, INFINITY, 0};
    double group[2];
    float elem[8];
    float w[8] = {1, -1, 0.5f, 2, 0, 1, -2, 3}, g[8], dir[8] = {0};
    double feat[SCHED_NFEATURES]; /* learned schedules ("rl"): a stream of their own */
    SchedLr out = {.group = group, .elem = elem, .ngroups = 2};
    Rng r, fr;
    rng_seed(&r, seed);
    rng_seed2(&fr, seed, 0x66656174 /* "feat" */);
    double loss = 5;
    int reported = 0;
    for (int64_t step = 0; step < STEPS; step++) {
        if (step == resume_at && resume(&s, d, p, &run) != 0) {
            sched_destroy(&s);
            return -1;
        }
        for (int i = 0; i < 8; i++)
            g[i] = drive == IMPROVING ? 0.5f + 0.1f * (float)i : (float)rng_normal(&r);
        for (int i = 0; i < SCHED_NFEATURES; i++) feat[i] = rng_normal(&fr);
        SchedStep st = {.step = step,
                        .loss = loss,
                        .w = w,
                        .g = g,
                        .dir_prev = dir,
                        .loss_at = half_sq,
                        .features = feat,
                        .nfeatures = SCHED_NFEATURES};
        sched_lr(&s, &st, &out);
        CHECK(!out.error);
        int in_bounds = 1;
        double offender = 0;
        for (int gi = 0; gi < 2; gi++) {
            double x = group[gi];
            CHECK(isfinite(x) && (x > 0 || !positive));
            if (!(out.elem_used ? within(x, fmin(lo, flo), fmax(hi, fhi)) : within(x, lo, hi)))
                in_bounds = 0, offender = x;
            seen->bottom = fmin(seen->bottom, x);
            seen->top = fmax(seen->top, x);
        }
        for (int i = 0; out.elem_used && i < 8; i++)
            if (!(isfinite(elem[i]) && within(elem[i], flo, fhi)))
                in_bounds = 0, offender = elem[i];
        CHECK(in_bounds);
        if (!in_bounds && !reported++)
            fprintf(stderr, "%s: step %lld: lr %.17g outside the declared [%.17g, %.17g]\n",
                    d->name, (long long)step, offender, lo, hi);
        lrs[step] = group[0];
        memcpy(dir, g, sizeof dir);
        loss = drive == IMPROVING ? loss * 0.98 : loss * 0.99 + 0.3 * rng_uniform(&r);
        sched_observe(&s, SIGNAL_TRAIN_STEP, step, loss);
        if ((step + 1) % 10 == 0)
            sched_observe(&s, SIGNAL_EVAL, step,
                          drive == IMPROVING ? loss : loss + rng_uniform(&r));
    }
    sched_destroy(&s);
    return 0;
}

/* Scheduler "rl" takes the committed tiny policy, whose path is argv[1]. */
static const char *rl_policy = "tiny.policy";

/* Runs d with its defaults (or its script's functions); rates must also be positive. */
static void trace(const SchedDef *d, int drive, uint64_t seed, int64_t resume_at, double *lrs) {
    Params p;
    Seen seen;
    const CompCfg *sc = d->needs & SCHED_NEEDS_SCRIPT ? script_sched(d) : NULL;
    if (sc) params_copy(&p, &sc->p);
    else params_init(&p, d->params);
    Err e;
    if (strcmp(d->name, "rl") == 0)
        CHECK(params_set_text(&p, "policy", rl_policy, "test", &e) == 0);
    trace_with(d, &p, sc ? sc->lua : NULL, drive, seed, 1, resume_at, lrs, &seen);
    params_free(&p);
}

/* Non-default parameter sets, lr0 = 0.1. ABOVE: some rate exceeds lr0; AT_HI, AT_LO: the
 * declared bound itself is reached (so a clamp that stops working fails the test). Rates
 * need not be positive here: a warmup from 0 is a legal choice. */
enum { ABOVE = 1, AT_HI = 2, AT_LO = 4 };
typedef struct {
    const char *sched;
    const char *set[6]; /* "key=value", as --set takes them */
    int drive;
    unsigned expect;
} Case;

static const Case cases[] = {
    {"step", {"gamma=2", "step_size=100"}, NOISY, ABOVE | AT_HI},
    {"step", {"gamma=0.5", "step_size=7"}, NOISY, AT_LO},
    {"multistep", {"gamma=1.5", "milestones=50|100|100|400"}, NOISY, ABOVE | AT_HI},
    {"multistep", {"milestones=10|20"}, NOISY, AT_LO},
    {"exponential", {"gamma=1.01"}, NOISY, ABOVE | AT_HI},
    {"exponential", {"gamma=0.95"}, NOISY, AT_LO},
    {"linear", {"start_factor=1", "end_factor=0.2", "total_iters=100"}, NOISY, AT_HI | AT_LO},
    {"polynomial", {"power=2"}, NOISY, AT_HI},
    {"cosine", {"eta_min=0.05"}, NOISY, AT_HI},
    {"cosine", {"eta_min=0.01", "T_max=100"}, NOISY, AT_HI | AT_LO},
    {"cosine", {"eta_min=0.2", "T_max=100"}, NOISY, ABOVE | AT_HI | AT_LO},
    {"cosine_restarts", {"eta_min=0.05", "T_0=40", "T_mult=2"}, NOISY, AT_HI},
    {"cosine_restarts", {"eta_min=0.3", "T_0=50"}, NOISY, ABOVE | AT_LO},
    {"onecycle", {"max_lr=0.3"}, NOISY, ABOVE | AT_HI},
    {"onecycle",
     {"max_lr=0.3", "three_phase=true", "anneal_strategy=linear"},
     NOISY,
     ABOVE | AT_HI},
    {"onecycle", {"div_factor=0.5", "final_div_factor=0.5", "pct_start=0.5"}, NOISY, ABOVE | AT_HI},
    {"onecycle", {"total_steps=400", "pct_start=0.1"}, NOISY, 0},
    {"cyclic", {"max_lr=0.3", "step_size_up=20"}, NOISY, ABOVE | AT_HI | AT_LO},
    {"cyclic",
     {"max_lr=0.3", "step_size_up=20", "step_size_down=10", "mode=triangular2"},
     NOISY,
     ABOVE | AT_HI | AT_LO},
    {"cyclic",
     {"max_lr=0.3", "base_lr=0.05", "step_size_up=20", "mode=exp_range", "gamma=0.99"},
     NOISY,
     ABOVE | AT_LO},
    {"cyclic", {"step_size_up=25", "mode=exp_range", "gamma=1.003"}, NOISY, ABOVE | AT_LO},
    {"plateau", {"signal=train_step", "patience=2", "min_lr=0.02"}, NOISY, AT_HI | AT_LO},
    {"plateau", {"signal=train_step", "patience=0", "min_lr=0.5"}, NOISY, AT_HI | AT_LO},
    {"greedy", {"max_lr=0.3", "signal=train_step"}, IMPROVING, ABOVE | AT_HI},
    {"greedy", {"variant=paper", "max_lr=0.3", "signal=train_step"}, IMPROVING, ABOVE | AT_HI},
    {"greedy", {"max_lr=0.3"}, IMPROVING, ABOVE},
    {"greedy", {"min_lr=0.05", "signal=train_step", "patience=2"}, NOISY, AT_LO},
    {"greedy", {"variant=alg1", "signal=train_step"}, NOISY, 0},
    {"hd", {"max_lr=0.3"}, IMPROVING, ABOVE | AT_HI},
    {"hd", {"max_lr=0.375", "granularity=param", "beta=0.01"}, IMPROVING, ABOVE | AT_HI},
    {"hd", {"min_lr=0.05", "granularity=group", "beta=0.01"}, NOISY, AT_LO},
    {"sls", {"reset=2", "init_step=0.05"}, NOISY, AT_HI},
    {"sls", {"reset=2", "init_step=1e-7"}, NOISY, AT_HI},
    {"sls", {"reset=0"}, NOISY, 0},
    {"sls", {"reset=1", "gamma=1"}, NOISY, 0},
    {"sequential",
     {"schedulers=exponential{gamma=1.01}|cyclic{max_lr=0.3;step_size_up=20}|"
      "greedy{max_lr=0.3;signal=train_step}",
      "milestones=100|200"},
     IMPROVING,
     ABOVE | AT_HI},
    {"sequential", {"schedulers=hf_linear{num_warmup_steps=10}|constant{}"}, NOISY, AT_HI | AT_LO},
    {"hf_constant", {"num_warmup_steps=30"}, NOISY, AT_HI | AT_LO},
    {"hf_linear", {"num_warmup_steps=30", "num_training_steps=200"}, NOISY, AT_HI | AT_LO},
    {"hf_cosine", {"num_warmup_steps=30", "num_cycles=1.5"}, NOISY, AT_HI | AT_LO},
    {"hf_polynomial",
     {"num_warmup_steps=30", "num_training_steps=200", "lr_end=0.01", "power=2"},
     NOISY,
     AT_HI | AT_LO},
    {"inverse_sqrt", {"num_warmup_steps=30"}, NOISY, AT_HI | AT_LO},
    {"wsd",
     {"num_warmup_steps=30", "num_stable_steps=100", "num_decay_steps=100", "min_lr_ratio=0.1"},
     NOISY,
     AT_HI | AT_LO},
    {"wsd",
     {"num_warmup_steps=20", "warmup_type=cosine", "decay_type=1-sqrt", "num_decay_steps=100",
      "min_lr_ratio=0.05"},
     NOISY,
     AT_HI | AT_LO},
    {"wsd",
     {"num_stable_steps=50", "decay_type=linear", "num_cycles=2", "min_lr_ratio=1"},
     NOISY,
     AT_HI | AT_LO},
};

static void run_case(const Case *c, uint64_t seed) {
    const SchedDef *d = sched_find(c->sched);
    CHECK(d != NULL);
    if (!d) return;
    Params p;
    Err e;
    params_init(&p, d->params);
    for (int i = 0; i < 6 && c->set[i]; i++) {
        char key[64];
        const char *eq = strchr(c->set[i], '=');
        snprintf(key, sizeof key, "%.*s", (int)(eq - c->set[i]), c->set[i]);
        int rc = params_set_text(&p, key, eq + 1, "test", &e);
        CHECK(rc == 0);
        if (rc) fprintf(stderr, "%s: %s\n", c->sched, e.msg);
    }
    double lrs[STEPS];
    Seen seen;
    double resumed[STEPS];
    if (trace_with(d, &p, NULL, c->drive, seed, 0, STEPS / 3, resumed, &seen) == 0) {
        CHECK(trace_with(d, &p, NULL, c->drive, seed, 0, -1, lrs, &seen) == 0);
        CHECK(memcmp(resumed, lrs, sizeof lrs) == 0);
        if (memcmp(resumed, lrs, sizeof lrs) != 0)
            fprintf(stderr, "%s %s: resumed at step %d, the rates differ\n", c->sched,
                    c->set[0] ? c->set[0] : "", STEPS / 3);
        int above = !(c->expect & ABOVE) || seen.top > LR0 * (1 + 1e-9);
        int at_hi = !(c->expect & AT_HI) || seen.top >= seen.hi * (1 - 1e-12);
        int at_lo = !(c->expect & AT_LO) || seen.bottom <= seen.lo * (1 + 1e-12);
        CHECK(above && at_hi && at_lo);
        if (!(above && at_hi && at_lo))
            fprintf(stderr, "%s %s: rates in [%.17g, %.17g], declared [%.17g, %.17g], lr0 %g\n",
                    c->sched, c->set[0] ? c->set[0] : "", seen.bottom, seen.top, seen.lo, seen.hi,
                    LR0);
    }
    params_free(&p);
}

/* PARAM_ADDED: at its default (unset, or set to the default) a parameter is absent from the
 * canonical dump, so the ids of cells that do not use it stay as they were; any other value
 * appears. Checked on a table of its own and on every ADDED parameter of the registries. */
static void added_params_keep_ids(const ParamSpec *spec) {
    Params p;
    Buf base = {0}, b = {0};
    Err e;
    params_init(&p, spec);
    params_dump(&p, &base);
    for (int i = 0; spec[i].name; i++) {
        const ParamSpec *s = &spec[i];
        if (!(s->flags & PARAM_ADDED)) continue;
        if (s->def) { /* set to its own default: the same dump */
            Params q;
            params_init(&q, spec);
            CHECK(params_set_text(&q, s->name, s->def, "test", &e) == 0);
            b.len = 0;
            params_dump(&q, &b);
            CHECK(b.len == base.len && memcmp(b.s, base.s, b.len) == 0);
            params_free(&q);
        }
        const char *other = s->type == PARAM_BOOL
                                ? (s->def && strcmp(s->def, "true") == 0 ? "false" : "true")
                            : s->type == PARAM_NUM || s->type == PARAM_INT
                                ? (s->def && strtod(s->def, NULL) == 1 ? "2" : "1")
                                : NULL;
        if (other) { /* another value: named in the dump */
            Params q;
            params_init(&q, spec);
            if (params_set_text(&q, s->name, other, "test", &e) == 0) {
                b.len = 0;
                params_dump(&q, &b);
                CHECK(strstr(b.s, s->name) != NULL);
            }
            params_free(&q);
        }
    }
    buf_free(&base);
    buf_free(&b);
    params_free(&p);
}

static const ParamSpec added_table[] = {
    {"a", PARAM_NUM, "0.5", 0, 1, 0, NULL, "old"},
    {"b", PARAM_BOOL, "false", 0, 0, PARAM_ADDED, NULL, "added"},
    {"c", PARAM_NUM, NULL, 0, 10, PARAM_OPTIONAL | PARAM_ADDED, NULL, "added, optional"},
    {"d", PARAM_NUM, "0.1", 0, 1, PARAM_ADDED, NULL, "added"},
    {NULL, 0, NULL, 0, 0, 0, NULL, NULL},
};

static void added_flag(void) {
    Params p;
    Buf b = {0};
    Err e;
    params_init(&p, added_table);
    params_dump(&p, &b);
    CHECK(b.s && strcmp(b.s, "a=0.5") == 0); /* as before b, c and d existed */
    CHECK(params_set_text(&p, "d", "0.1", "test", &e) == 0);
    b.len = 0;
    params_dump(&p, &b);
    CHECK(strcmp(b.s, "a=0.5") == 0);
    CHECK(params_set_text(&p, "b", "true", "test", &e) == 0);
    CHECK(params_set_text(&p, "c", "3", "test", &e) == 0);
    b.len = 0;
    params_dump(&p, &b);
    CHECK(strcmp(b.s, "a=0.5;b=true;c=3") == 0);
    buf_free(&b);
    params_free(&p);
    added_params_keep_ids(added_table);
}

/* ParamSpec.applies: a key of one data set is left out of the plan printed for a person
 * while another is chosen, kept in the canonical dump (cell ids), and named by params_ignored
 * when the user gave it; numbers are printed in their shortest form for a person only. */
static const ParamSpec applies_table[] = {
    {"dataset", PARAM_ENUM, "faces", 0, 0, 0, "faces|kjv|synthetic", "data"},
    {"m", PARAM_INT, "256", 1, 1000, 0, NULL, "synthetic only", .applies = "dataset=synthetic"},
    {"noise", PARAM_NUM, "0.1", 0, 1, 0, NULL, "two data sets", .applies = "dataset=kjv|synthetic"},
    {"safety", PARAM_NUM, "1.9", 0, 2, 0, NULL, "every data set"},
    {NULL, 0, NULL, 0, 0, 0, NULL, NULL},
};

static void applies_field(void) {
    Params p;
    Buf b = {0};
    Err e;
    params_init(&p, applies_table);
    params_dump(&p, &b);
    CHECK(strcmp(b.s, "dataset=faces;m=256;noise=0.10000000000000001;"
                      "safety=1.8999999999999999") == 0);
    b.len = 0;
    params_describe(&p, &b);
    CHECK(strcmp(b.s, "dataset=faces;safety=1.9") == 0);
    CHECK(!params_applies(&p, "m") && !params_applies(&p, "noise") && params_applies(&p, "safety"));
    CHECK(params_ignored(&p, 0, "f.lua:3", "task \"t\"", &e) == -1); /* defaults are not given */
    CHECK(params_set_text(&p, "m", "100", "test", &e) == 0);
    CHECK(params_set_text(&p, "noise", "0.2", "test", &e) == 0);
    CHECK(params_check_required(&p, "f.lua:3", "task \"t\"", &e) == 0);
    CHECK(params_ignored(&p, 0, "f.lua:3", "task \"t\"", &e) == 1);
    CHECK(strcmp(e.msg, "f.lua:3: task \"t\": m: ignored (it applies only with dataset = "
                        "synthetic, got dataset = faces)") == 0);
    CHECK(params_ignored(&p, 2, "f.lua:3", "task \"t\"", &e) == 2);
    CHECK(strcmp(e.msg, "f.lua:3: task \"t\": noise: ignored (it applies only with dataset one "
                        "of kjv|synthetic, got dataset = faces)") == 0);
    CHECK(params_ignored(&p, 3, "f.lua:3", "task \"t\"", &e) == -1);
    CHECK(params_set_text(&p, "dataset", "kjv", "test", &e) == 0);
    CHECK(params_ignored(&p, 0, "f.lua:3", "task \"t\"", &e) == 1);
    CHECK(params_ignored(&p, 2, "f.lua:3", "task \"t\"", &e) == -1);
    b.len = 0;
    params_describe(&p, &b);
    CHECK(strcmp(b.s, "dataset=kjv;noise=0.2;safety=1.9") == 0);
    b.len = 0;
    params_dump(&p, &b); /* the canonical dump keeps every key, as given */
    CHECK(strcmp(b.s, "dataset=kjv;m=100;noise=0.20000000000000001;"
                      "safety=1.8999999999999999") == 0);
    buf_free(&b);
    params_free(&p);
}

int main(int argc, char **argv) {
    if (argc > 1) rl_policy = argv[1];
    added_flag();
    applies_field();
    int nsched = 0;
    for (int i = 0; sched_registry[i]; i++, nsched++) {
        const SchedDef *d = sched_registry[i];
        CHECK(d->name && d->summary && d->reference && d->params && d->init && d->lr);
        CHECK(d->version >= 1);
        CHECK(sched_find(d->name) == d);
        table_ok(d->params);
        added_params_keep_ids(d->params);
        double a[STEPS], b[STEPS], c[STEPS];
        trace(d, NOISY, 1, -1, a);
        trace(d, NOISY, 1, -1, b);
        trace(d, NOISY, 2, -1, c);
        CHECK(memcmp(a, b, sizeof a) == 0);
        if (strcmp(d->name, "lua") != 0) { /* resumed twice over: the same rates */
            trace(d, NOISY, 1, STEPS / 3, b);
            CHECK(memcmp(a, b, sizeof a) == 0);
            trace(d, NOISY, 1, 2 * STEPS / 3, b);
            CHECK(memcmp(a, b, sizeof a) == 0);
        } else {
            trace(d, NOISY, 1, STEPS / 3, b); /* refuses to save (checked in resume) */
        }
        trace(d, IMPROVING, 1, -1, a);
        trace(d, IMPROVING, 1, -1, b);
        CHECK(memcmp(a, b, sizeof a) == 0);
        if (strcmp(d->name, "lua") != 0) {
            trace(d, IMPROVING, 1, STEPS / 2, b);
            CHECK(memcmp(a, b, sizeof a) == 0);
            if (memcmp(a, b, sizeof a) != 0)
                fprintf(stderr, "%s: resumed, rates differ\n", d->name);
        }
    }
    CHECK(nsched >= 3);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        run_case(&cases[k], 1);
        run_case(&cases[k], 2);
    }

    for (int i = 0; optim_registry[i]; i++) {
        const OptimDef *d = optim_registry[i];
        CHECK(d->name && d->summary && d->reference && d->params && d->init && d->step);
        CHECK(d->version >= 1);
        CHECK(optim_find(d->name) == d);
        table_ok(d->params);
        added_params_keep_ids(d->params);
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
        if (d->eval_point) { /* the evaluation point is finite, lower too, and leaving it
                              * gives the training point back bit for bit */
            float y[6], fx = 0;
            memcpy(y, w, sizeof w);
            d->eval_point(o.st, w, 6, 1);
            for (int k = 0; k < 6; k++) fx += 0.5f * a[k] * w[k] * w[k];
            CHECK(isfinite(fx) && fx < f0);
            d->eval_point(o.st, w, 6, 0);
            CHECK(memcmp(y, w, sizeof w) == 0);
        }
        optim_destroy(&o);
        params_free(&p);
    }
    int ntask = 0;
    for (int i = 0; task_registry[i]; i++, ntask++) {
        CHECK(task_registry[i]->version >= 1);
        CHECK(task_find(task_registry[i]->name) == task_registry[i]);
    }
    CHECK(ntask >= 3);
    return check_report();
}
