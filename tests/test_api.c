/* test_api.c - the public library (harness/api/lrlab.h), linked as a user links it
 * (liblrlab.a) and beside the harness's own library, whose internals it must not clash with:
 *   the registry: counts and names agree, out-of-range indices give NULL, every scheduler and
 *     optimizer of the harness except "lua" is there;
 *   bit for bit the harness: cosine, greedy and hd rates and Adam, SGD and Adafactor updates
 *     through lrlab.h equal those of the harness's own sched_lr / optimizer step;
 *   every scheduler with its defaults (those with required settings given them) gives finite
 *     positive rates through the API, and every optimizer steps;
 *   bad input of every kind is refused with code 2 and one line naming the key and what was
 *     expected: unknown names, settings that are not key=value, unknown keys, bad values,
 *     runs and groups that do not fit, steps lacking what the scheduler needs, bad signals,
 *     blobs from another kind or component, empty or NULL blobs.
 */
#include "check.h"
#include "harness/api/lrlab.h"
#include "harness/optim/optim.h"
#include "schedulers/sched.h"

#include <stdlib.h>
#include <string.h>

enum { NP = 10 };
static const LrlabGroup groups[2] = {{"W", 0, 6, 2, 3}, {"b", 6, 4, 4, 1}};
static const TaskGroup tgroups[2] = {{"W", 0, 6, 2, 3}, {"b", 6, 4, 4, 1}};

static double half_sq(void *ctx, const float *w) {
    double f = 0;
    for (int i = 0; i < NP; i++) f += 0.5 * (double)w[i] * w[i];
    return f;
}

/* refused: obj is NULL (or rc != 0) with code 2 and a message containing each of says. */
static void refused(int ok, const LrlabError *e, const char *says) {
    CHECK(!ok && e->code == 2 && strstr(e->message, says) != NULL &&
          strchr(e->message, '\n') == NULL);
    if (ok || !strstr(e->message, says))
        fprintf(stderr, "wanted \"%s\", got: %s\n", says, ok ? "(accepted)" : e->message);
}

static void registry(void) {
    const int ns = lrlab_scheduler_count(), no = lrlab_optimizer_count();
    int harness = 0;
    for (int i = 0; sched_registry[i]; i++) harness++;
    CHECK(ns == harness - 1); /* all but "lua" */
    for (int i = 0; i < ns; i++) {
        CHECK(sched_find(lrlab_scheduler_name(i)) != NULL);
        CHECK(strcmp(lrlab_scheduler_name(i), "lua") != 0);
    }
    for (int i = 0; optim_registry[i]; i++)
        CHECK(strcmp(lrlab_optimizer_name(i), optim_registry[i]->name) == 0);
    CHECK(lrlab_optimizer_name(no) == NULL && lrlab_scheduler_name(ns) == NULL);
    CHECK(lrlab_scheduler_name(-1) == NULL && lrlab_optimizer_name(-1) == NULL);
    CHECK(strcmp(lrlab_version(), LRLAB_VERSION) == 0);
    CHECK(lrlab_feature_count() == SCHED_NFEATURES);
}

/* The same scheduler through the API and through the harness, driven alike: equal rates. */
static void same_rates(const char *name, const char *set) {
    LrlabError e;
    const LrlabRun run = {.lr0 = 0.1,
                          .total_steps = 200,
                          .steps_per_epoch = 20,
                          .eval_every = 10,
                          .nparams = NP,
                          .ngroups = 2,
                          .groups = groups};
    LrlabScheduler *s = lrlab_scheduler_new(name, set, &run, &e);
    CHECK(s != NULL);
    if (!s) {
        fprintf(stderr, "%s: %s\n", name, e.message);
        return;
    }
    const SchedDef *d = sched_find(name);
    Params p;
    Err err;
    params_init(&p, d->params);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", set);
    for (char *sv = NULL, *kv = strtok_r(buf, ";", &sv); kv; kv = strtok_r(NULL, ";", &sv)) {
        char *eq = strchr(kv, '=');
        *eq = 0;
        CHECK(params_set_text(&p, kv, eq + 1, "test", &err) == 0);
    }
    const SchedRun srun = {.lr0 = 0.1,
                           .total_steps = 200,
                           .steps_per_epoch = 20,
                           .eval_every = 10,
                           .ngroups = 2,
                           .groups = tgroups,
                           .nparams = NP};
    Sched h;
    CHECK(sched_create(&h, d, &p, &srun, "test", &err) == 0);
    float w[NP], g[NP], dir[NP] = {0}, helem[NP];
    double a[2], b[2], loss = 3;
    for (int i = 0; i < NP; i++) w[i] = (float)i - 4;
    int same = 1;
    for (int64_t t = 0; t < 200; t++) {
        for (int i = 0; i < NP; i++) g[i] = (float)(0.1 * ((t * 7 + i * 3) % 11) - 0.5);
        const LrlabStep st = {
            .step = t, .loss = loss, .w = w, .g = g, .dir_prev = dir, .loss_at = half_sq};
        const float *elem;
        CHECK(lrlab_scheduler_lr(s, &st, a, &elem, &e) == 0);
        SchedStep hs = {
            .step = t, .loss = loss, .w = w, .g = g, .dir_prev = dir, .loss_at = half_sq};
        SchedLr out = {.group = b, .elem = helem, .ngroups = 2};
        sched_lr(&h, &hs, &out);
        same &= memcmp(a, b, sizeof a) == 0 && (elem != NULL) == (out.elem_used != 0);
        if (elem) same &= memcmp(elem, helem, sizeof helem) == 0;
        memcpy(dir, g, sizeof dir);
        loss = loss * 0.97 + 0.05 * ((t * 5) % 3);
        CHECK(lrlab_scheduler_observe(s, LRLAB_SIGNAL_TRAIN_STEP, t, loss, &e) == 0);
        sched_observe(&h, SIGNAL_TRAIN_STEP, t, loss);
        if ((t + 1) % 10 == 0) {
            CHECK(lrlab_scheduler_observe(s, LRLAB_SIGNAL_EVAL, t, loss * 1.1, &e) == 0);
            sched_observe(&h, SIGNAL_EVAL, t, loss * 1.1);
        }
    }
    CHECK(same);
    if (!same) fprintf(stderr, "%s %s: the API's rates differ from the harness's\n", name, set);
    sched_destroy(&h);
    params_free(&p);
    lrlab_scheduler_free(s);
}

/* The same optimizer through the API and through the harness: equal weights. */
static void same_updates(const char *name, const char *set) {
    LrlabError e;
    LrlabOptimizer *o = lrlab_optimizer_new(name, set, NP, 2, groups, &e);
    CHECK(o != NULL);
    if (!o) {
        fprintf(stderr, "%s: %s\n", name, e.message);
        return;
    }
    const OptimDef *d = optim_find(name);
    Params p;
    Err err;
    params_init(&p, d->params);
    if (*set) {
        char buf[128];
        snprintf(buf, sizeof buf, "%s", set);
        char *eq = strchr(buf, '=');
        *eq = 0;
        CHECK(params_set_text(&p, buf, eq + 1, "test", &err) == 0);
    }
    Task t = {.n = NP, .ngroups = 2, .groups = (TaskGroup *)tgroups};
    Optim h;
    CHECK(optim_create(&h, d, &p, &t, &err) == 0);
    float wa[NP], wb[NP], g[NP];
    for (int i = 0; i < NP; i++) wa[i] = wb[i] = (float)i * 0.3f - 1;
    const double lr[2] = {0.01, 0.02};
    for (int64_t k = 1; k <= 100; k++) {
        for (int i = 0; i < NP; i++) g[i] = wa[i] * (1 + 0.1f * (float)i);
        lrlab_optimizer_step(o, wa, g, lr, NULL, NULL);
        for (int gi = 0; gi < 2; gi++)
            d->step(h.st, k, &tgroups[gi], wb + tgroups[gi].off, g + tgroups[gi].off, lr[gi], NULL,
                    NULL);
    }
    CHECK(memcmp(wa, wb, sizeof wa) == 0);
    CHECK(lrlab_optimizer_steps(o) == 100);
    optim_destroy(&h);
    params_free(&p);
    lrlab_optimizer_free(o);
}

/* Every scheduler through the API with its defaults (and what it requires): finite rates. */
static void every_scheduler(void) {
    LrlabError e;
    const LrlabRun run = {
        .lr0 = 0.1, .total_steps = 100, .steps_per_epoch = 10, .eval_every = 10, .nparams = NP};
    double feat[64] = {0};
    float w[NP] = {1, 2, 3}, g[NP] = {1, 1, 1}, dir[NP] = {0};
    for (int i = 0; i < lrlab_scheduler_count(); i++) {
        const char *name = lrlab_scheduler_name(i);
        const char *set = strcmp(name, "sequential") == 0 ? "schedulers=constant{}|cosine{}"
                          : strcmp(name, "rl") == 0       ? "policy=" LRLAB_TEST_POLICY
                                                          : NULL;
        LrlabScheduler *s = lrlab_scheduler_new(name, set, &run, &e);
        CHECK(s != NULL);
        if (!s) {
            fprintf(stderr, "%s: %s\n", name, e.message);
            continue;
        }
        int ok = 1;
        for (int64_t t = 0; t < 100; t++) {
            double lr[1];
            const LrlabStep st = {.step = t,
                                  .loss = 1.0 / (t + 1),
                                  .w = w,
                                  .g = g,
                                  .dir_prev = dir,
                                  .loss_at = half_sq,
                                  .features = feat};
            ok &= lrlab_scheduler_lr(s, &st, lr, NULL, &e) == 0 && isfinite(lr[0]) && lr[0] > 0;
            ok &= lrlab_scheduler_observe(s, LRLAB_SIGNAL_TRAIN_STEP, t, 1.0 / (t + 1), &e) == 0;
        }
        CHECK(ok);
        void *blob;
        size_t n;
        CHECK(lrlab_scheduler_save(s, &blob, &n, &e) == 0 && n > 0);
        CHECK(lrlab_scheduler_load(s, blob, n, &e) == 0);
        free(blob);
        lrlab_scheduler_free(s);
    }
    for (int i = 0; i < lrlab_optimizer_count(); i++) {
        LrlabOptimizer *o = lrlab_optimizer_new(lrlab_optimizer_name(i), NULL, NP, 0, NULL, &e);
        CHECK(o != NULL);
        if (!o) continue;
        float x[NP] = {1, -1, 2}, gx[NP];
        const double lr[1] = {0.01};
        for (int k = 0; k < 20; k++) {
            for (int j = 0; j < NP; j++) gx[j] = x[j];
            lrlab_optimizer_step(o, x, gx, lr, NULL, NULL);
        }
        for (int j = 0; j < NP; j++) CHECK(isfinite(x[j]));
        lrlab_optimizer_eval_point(o, x, 1);
        lrlab_optimizer_eval_point(o, x, 0);
        lrlab_optimizer_free(o);
    }
    lrlab_scheduler_free(NULL);
    lrlab_optimizer_free(NULL);
}

static void hostile(void) {
    LrlabError e;
    const LrlabRun run = {.lr0 = 0.1, .total_steps = 10, .nparams = NP};
    refused(lrlab_scheduler_new("nope", NULL, &run, &e) != NULL, &e, "expected one of constant|");
    refused(lrlab_scheduler_new(NULL, NULL, &run, &e) != NULL, &e, "unknown");
    refused(lrlab_scheduler_new("lua", NULL, &run, &e) != NULL, &e, "unknown");
    refused(lrlab_optimizer_new("nope", NULL, NP, 0, NULL, &e) != NULL, &e, "expected one of sgd|");
    refused(lrlab_scheduler_new("greedy", "patience", &run, &e) != NULL, &e, "not key=value");
    refused(lrlab_scheduler_new("greedy", "=3", &run, &e) != NULL, &e, "not key=value");
    refused(lrlab_scheduler_new("greedy", "patiense=3", &run, &e) != NULL, &e, "patiense");
    refused(lrlab_scheduler_new("greedy", "factor=1.5", &run, &e) != NULL, &e, "factor");
    refused(lrlab_scheduler_new("greedy", "factor=abc", &run, &e) != NULL, &e, "factor");
    refused(lrlab_scheduler_new("greedy", "min_lr=0.5", &run, &e) != NULL, &e, "min_lr");
    refused(lrlab_scheduler_new("greedy", "min_lr=0.01;min_lr_factor=0.1", &run, &e) != NULL, &e,
            "given together");
    refused(lrlab_scheduler_new("sequential", "schedulers=", &run, &e) != NULL, &e, "schedulers");
    refused(lrlab_scheduler_new("sequential", "schedulers=cosine{}|constant{x=1}", &run, &e) !=
                NULL,
            &e, "x");
    refused(lrlab_scheduler_new("sequential", "schedulers=cosine{eta_min=1;T_max=-2}", &run, &e) !=
                NULL,
            &e, "T_max");
    refused(lrlab_scheduler_new("sequential", "schedulers=nope{}", &run, &e) != NULL, &e, "nope");
    refused(lrlab_scheduler_new("rl", "policy=/nonexistent/p.policy", &run, &e) != NULL, &e,
            "/nonexistent/p.policy");
    refused(lrlab_scheduler_new("rl", "policy=/dev/null", &run, &e) != NULL, &e, "policy");
    refused(lrlab_scheduler_new("rl", NULL, &run, &e) != NULL, &e, "policy");
    refused(lrlab_scheduler_new("cosine", NULL, NULL, &e) != NULL, &e, "run: NULL");
    LrlabRun bad = run;
    bad.lr0 = 0;
    refused(lrlab_scheduler_new("cosine", NULL, &bad, &e) != NULL, &e, "lr0");
    bad.lr0 = NAN;
    refused(lrlab_scheduler_new("cosine", NULL, &bad, &e) != NULL, &e, "lr0");
    bad = run;
    bad.total_steps = 0;
    refused(lrlab_scheduler_new("cosine", NULL, &bad, &e) != NULL, &e, "total_steps");
    bad = run;
    bad.ngroups = 2;
    refused(lrlab_scheduler_new("cosine", NULL, &bad, &e) != NULL, &e, "groups");
    const LrlabGroup gap[2] = {{"W", 0, 6, 2, 3}, {"b", 7, 3, 3, 1}};
    const LrlabGroup shape[1] = {{"W", 0, 10, 3, 3}};
    const LrlabGroup unnamed[1] = {{NULL, 0, 10, 1, 10}};
    const LrlabGroup short_[1] = {{"W", 0, 6, 2, 3}};
    refused(lrlab_optimizer_new("adam", NULL, NP, 2, gap, &e) != NULL, &e, "expected offset 6");
    refused(lrlab_optimizer_new("adam", NULL, NP, 1, shape, &e) != NULL, &e, "rows * cols");
    refused(lrlab_optimizer_new("adam", NULL, NP, 1, unnamed, &e) != NULL, &e, "name: NULL");
    refused(lrlab_optimizer_new("adam", NULL, NP, 1, short_, &e) != NULL, &e, "cover 6");
    refused(lrlab_optimizer_new("adam", NULL, NP, -1, groups, &e) != NULL, &e, "groups");
    refused(lrlab_optimizer_new("adam", NULL, 0, 0, NULL, &e) != NULL, &e, "nparams");
    refused(lrlab_optimizer_new("adam", "beta1=1", NP, 0, NULL, &e) != NULL, &e, "beta1");
    refused(lrlab_optimizer_new("adam", "lr=0.1", NP, 0, NULL, &e) != NULL, &e, "lr");
    refused(lrlab_optimizer_new("adafactor", "warmup_init=true;relative_step=false", NP, 0, NULL,
                                &e) != NULL,
            &e, "warmup_init");

    /* steps lacking what the scheduler needs */
    LrlabScheduler *hd = lrlab_scheduler_new("hd", NULL, &run, &e);
    LrlabScheduler *sls = lrlab_scheduler_new("sls", NULL, &run, &e);
    LrlabScheduler *cos = lrlab_scheduler_new("cosine", NULL, &run, &e);
    CHECK(hd && sls && cos);
    CHECK(lrlab_scheduler_needs(hd) & LRLAB_NEEDS_GRAD);
    CHECK(lrlab_scheduler_needs(sls) & LRLAB_NEEDS_LOSS_EVAL);
    CHECK(lrlab_scheduler_needs(cos) == 0);
    double lr[1];
    const LrlabStep bare = {.step = 0, .loss = 1};
    refused(lrlab_scheduler_lr(hd, &bare, lr, NULL, &e) == 0, &e, "LRLAB_NEEDS_GRAD");
    float w[NP] = {0}, g[NP] = {0};
    const LrlabStep no_eval = {.step = 0, .loss = 1, .w = w, .g = g};
    refused(lrlab_scheduler_lr(sls, &no_eval, lr, NULL, &e) == 0, &e, "LRLAB_NEEDS_LOSS_EVAL");
    refused(lrlab_scheduler_lr(sls, &bare, lr, NULL, &e) == 0, &e, "LRLAB_NEEDS_GRAD");
    const LrlabStep neg = {.step = -1};
    refused(lrlab_scheduler_lr(cos, &neg, lr, NULL, &e) == 0, &e, "expected >= 0");
    refused(lrlab_scheduler_observe(cos, (LrlabSignal)7, 0, 1, &e) == 0, &e, "signal");

    /* blobs from elsewhere */
    LrlabOptimizer *adam = lrlab_optimizer_new("adam", NULL, NP, 0, NULL, &e);
    void *sb, *ob;
    size_t sn, on;
    CHECK(lrlab_scheduler_save(cos, &sb, &sn, &e) == 0 &&
          lrlab_optimizer_save(adam, &ob, &on, &e) == 0);
    refused(lrlab_optimizer_load(adam, sb, sn, &e) == 0, &e, "saved by a scheduler");
    refused(lrlab_scheduler_load(cos, ob, on, &e) == 0, &e, "saved by an optimizer");
    refused(lrlab_scheduler_load(hd, sb, sn, &e) == 0, &e, "saved by scheduler \"cosine\"");
    refused(lrlab_scheduler_load(cos, NULL, 0, &e) == 0, &e, "not an lrlab state");
    refused(lrlab_scheduler_load(cos, "", 0, &e) == 0, &e, "not an lrlab state");
    refused(lrlab_optimizer_load(adam, ob, on - 1, &e) == 0, &e, "truncated");
    LrlabOptimizer *adam2 = lrlab_optimizer_new("adam", "amsgrad=true", NP, 0, NULL, &e);
    refused(lrlab_optimizer_load(adam2, ob, on, &e) == 0, &e, "fingerprint");
    free(sb);
    free(ob);
    lrlab_optimizer_free(adam);
    lrlab_optimizer_free(adam2);
    lrlab_scheduler_free(hd);
    lrlab_scheduler_free(sls);
    lrlab_scheduler_free(cos);
}

int main(void) {
    registry();
    same_rates("cosine", "eta_min=0.01");
    same_rates("greedy", "signal=train_step;patience=2;max_lr=0.5");
    same_rates("greedy", "variant=paper;smooth=true;window=5;signal=train_step");
    same_rates("hd", "granularity=param;beta=0.001");
    same_rates("sls", "reset=2");
    same_rates("plateau", "signal=train_step;patience=3");
    same_updates("adam", "");
    same_updates("sgd", "momentum=0.9");
    same_updates("adafactor", "beta1=0.9");
    same_updates("prodigy", "");
    same_updates("adamw_sf", "");
    every_scheduler();
    hostile();
    return check_report();
}
