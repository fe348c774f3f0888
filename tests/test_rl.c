/* test_rl.c - learned schedules (harness/policy/policy.h, harness/engine/ppo.h, schedulers/rl.c):
 *   the policy file round-trips (same weights, same text, same decisions), for the features
 *   of the first list and for all of them, and each damage to it (truncated, wrong feature
 *   count, unknown or reordered feature names, more features than this lrlab has, wrong
 *   version, non-numeric or infinite weight, wrong architecture, missing file) is refused
 *   with exit code 2 at its line;
 *   the committed policies (mlp.policy and nmf.policy of results/policies and the tiny
 *   fixture, under argv[1], the source folder), written before log_val, load, are rewritten
 *   byte for byte, and decide without looking at the features after theirs;
 *   GAE against a hand-computed example and against Monte Carlo returns;
 *   the rewards (log decrease and the DNN paper's) against a hand-computed sequence;
 *   the gradient of PPO's clipped objective against central differences on a tiny network,
 *   with probability ratios inside and on both sides outside the clip range;
 *   PPO learns the best arm of a three-armed bandit;
 *   the training loop's feature vector is the one sched.h documents (FEAT_*, log_val the
 *   validation loss of the run's own evaluations);
 *   whatever action a policy takes, the lr stays within [min_lr, max_lr] and NMF's
 *   stability bound caps it (clip_to_bound), and the run stays finite. */
#include "check.h"
#include "harness/base/fsutil.h"
#include "harness/engine/plan.h"
#include "harness/engine/ppo.h"
#include "harness/engine/train.h"
#include "harness/lua/config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define F SCHED_NFEATURES

static char tmpdir[] = "/tmp/lrlab-test-rl-XXXXXX";

/* A policy of the first P features with seeded random weights and normalization:
 * P -> 8 (tanh) -> 5. */
static void make_policy(Policy *p, uint64_t seed, int P) {
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "test");
    snprintf(p->family, sizeof p->family, "nmf");
    snprintf(p->version, sizeof p->version, "0.1.0");
    snprintf(p->script_sha256, sizeof p->script_sha256, "%064d", 0);
    snprintf(p->reward, sizeof p->reward, "train_loss");
    p->seed = 7;
    p->episodes = 16;
    p->every = 10;
    p->nactions = 5;
    const double acts[5] = {0.5, 0.8, 1, 1.25, 2};
    memcpy(p->actions, acts, sizeof acts);
    Rng r;
    rng_seed(&r, seed);
    for (int i = 0; i < P; i++) {
        p->inputs[i] = i != FEAT_VAL_TREND;
        p->mean[i] = rng_normal(&r);
        p->std[i] = 0.5 + rng_uniform(&r);
    }
    int sizes[3] = {P, 8, 5};
    net_init(&p->net, 2, sizes, 1.0, &r);
    for (size_t i = 0; i < p->net.n; i++) p->net.w[i] += 0.1 * rng_normal(&r); /* biases too */
}

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

/* Loads a policy file; 0 and a message on failure. */
static int load_ok(const char *path, Policy *p) {
    Err e = {0};
    if (policy_load(path, p, &e) == 0) return 1;
    fprintf(stderr, "%s: %s\n", path, e.msg);
    return 0;
}

/* Random feature vectors around the policy's normalization, [F] each. */
static void random_features(const Policy *p, Rng *r, double *x) {
    for (int i = 0; i < F; i++)
        x[i] = i < p->net.sizes[0] ? p->mean[i] + 2 * p->std[i] * rng_normal(r) : rng_normal(r);
}

/* same_decisions: on 200 random feature vectors (drawn from seed), a and b take the same
 * action with the same log-probability and lr; with scramble, b sees log_val replaced by
 * noise, which a policy that does not list it must ignore. */
static int same_decisions(const Policy *a, const Policy *b, uint64_t seed, int scramble) {
    Rng r;
    rng_seed(&r, seed);
    int same = 1;
    for (int k = 0; k < 200; k++) {
        double x[F];
        random_features(a, &r, x);
        int aa, ab;
        double la, lb;
        double lra = policy_decide(a, x, 0.1, 1e-4, 10, NULL, &aa, &la);
        if (scramble) x[FEAT_LOG_VAL] = 1e6 * rng_normal(&r);
        double lrb = policy_decide(b, x, 0.1, 1e-4, 10, NULL, &ab, &lb);
        same &= aa == ab && la == lb && lra == lrb;
    }
    return same;
}

/* A policy of P features saved, loaded again: the same weights, text and decisions. */
static void roundtrip_features(int P) {
    Policy a, b;
    Err e;
    make_policy(&a, 5, P);
    a.inputs[P - 1] = 1;
    char path[256];
    snprintf(path, sizeof path, "%s/p%d.policy", tmpdir, P);
    CHECK(policy_save(path, &a, &e) == 0);
    if (!load_ok(path, &b)) {
        CHECK(!"policy of P features loads");
        policy_free(&a);
        return;
    }
    CHECK(b.net.sizes[0] == P && memcmp(b.net.w, a.net.w, sizeof(double) * a.net.n) == 0);
    CHECK(memcmp(a.inputs, b.inputs, sizeof(int) * (size_t)P) == 0);
    Buf ta = {0}, tb = {0};
    policy_write(&a, &ta);
    policy_write(&b, &tb);
    CHECK(strcmp(ta.s, tb.s) == 0);
    char head[64];
    snprintf(head, sizeof head, "\nfeatures %d log_lr progress ", P);
    CHECK(strstr(ta.s, head) != NULL);
    CHECK((strstr(ta.s, " log_grad7 log_val\n") != NULL) == (P == F));
    buf_free(&ta);
    buf_free(&tb);
    CHECK(same_decisions(&a, &b, 6, 0));
    policy_free(&a);
    policy_free(&b);
}

/* The committed policies, written before log_val existed: they load as policies of the
 * first list, their text is a fixed point (the same bytes written again), and the features
 * they do not list change none of their decisions. */
static void committed_policies(const char *src) {
    static const char *const files[] = {"results/policies/mlp.policy",
                                        "results/policies/nmf.policy",
                                        "tests/fixtures/rl/tiny.policy"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", src, files[f]);
        Policy p;
        if (!load_ok(path, &p)) {
            CHECK(!"committed policy loads");
            continue;
        }
        CHECK(p.net.sizes[0] == POLICY_BASE_FEATURES);
        size_t n = 0;
        char *text = fs_read(path, &n);
        CHECK(text != NULL);
        Buf b = {0};
        policy_write(&p, &b);
        CHECK(text && b.len == n && memcmp(b.s, text, n) == 0);
        free(text);
        buf_free(&b);
        CHECK(same_decisions(&p, &p, 8, 1));
        policy_free(&p);
    }
}

static void roundtrip(void) {
    Policy a, b;
    Err e;
    make_policy(&a, 1, POLICY_BASE_FEATURES);
    char path[256];
    snprintf(path, sizeof path, "%s/a.policy", tmpdir);
    CHECK(policy_save(path, &a, &e) == 0);
    int rc = policy_load(path, &b, &e);
    CHECK(rc == 0);
    if (rc) {
        fprintf(stderr, "%s\n", e.msg);
        return;
    }
    CHECK(b.net.n == a.net.n && memcmp(b.net.w, a.net.w, sizeof(double) * a.net.n) == 0);
    CHECK(memcmp(a.mean, b.mean, sizeof a.mean) == 0 && memcmp(a.std, b.std, sizeof a.std) == 0);
    CHECK(memcmp(a.inputs, b.inputs, sizeof a.inputs) == 0 && b.inputs[FEAT_VAL_TREND] == 0);
    CHECK(b.nactions == 5 && memcmp(a.actions, b.actions, sizeof(double) * 5) == 0);
    CHECK(b.every == 10 && b.seed == 7 && b.episodes == 16 && strcmp(b.family, "nmf") == 0);
    Buf ta = {0}, tb = {0};
    policy_write(&a, &ta);
    policy_write(&b, &tb);
    CHECK(strcmp(ta.s, tb.s) == 0); /* the text is a fixed point */
    buf_free(&tb);
    Rng r, ra, rb;
    rng_seed(&r, 2);
    rng_seed(&ra, 3);
    rng_seed(&rb, 3);
    int same = 1, seen[5] = {0};
    for (int k = 0; k < 500; k++) {
        double x[F];
        random_features(&a, &r, x);
        int aa, ab;
        double la, lb;
        double lra = policy_decide(&a, x, 0.1, 1e-4, 10, NULL, &aa, &la);
        double lrb = policy_decide(&b, x, 0.1, 1e-4, 10, NULL, &ab, &lb);
        same &= aa == ab && la == lb && lra == lrb;
        lra = policy_decide(&a, x, 0.1, 1e-4, 10, &ra, &aa, &la);
        lrb = policy_decide(&b, x, 0.1, 1e-4, 10, &rb, &ab, &lb);
        same &= aa == ab && la == lb && lra == lrb;
        seen[aa]++;
    }
    CHECK(same);
    for (int i = 0; i < 5; i++) CHECK(seen[i] > 0); /* the draws reach every action */
    policy_free(&a);
    policy_free(&b);

    /* damaged copies: each refused with exit code 2, at its line */
    struct {
        const char *name, *from, *to;
        int line;
        const char *msg;
    } cases[] = {
        {"version", "lrlab-policy 1\n", "lrlab-policy 2\n", 3,
         "lrlab-policy: format version 2 (expected 1"},
        {"feature count", "features 14 ", "features 13 ", 12, "features: 13 features (expected 14"},
        {"feature name", " progress ", " progres ", 12,
         "features: feature 2 is \"progres\" (expected \"progress\")"},
        {"feature order", " progress train_trend ", " train_trend progress ", 12,
         "features: feature 2 is \"train_trend\" (expected \"progress\")"},
        {"unknown feature", "features 14 log_lr", "features 15 log_foo log_lr", 12,
         "features: feature 1 is \"log_foo\" (expected \"log_lr\")"},
        {"feature after log_val", "features 14 ", "features 16 ", 12,
         "features: 16 features (expected 1 to 15, a prefix of those of this lrlab"},
        {"inputs", "inputs 1 1 1 0 ", "inputs 1 1 1 2 ", 13,
         "inputs: entry 4 is \"2\" (expected 0 or 1)"},
        {"architecture", "architecture mlp_tanh 14 8 5", "architecture mlp_tanh 14 8 4", 15,
         "architecture: 4 outputs (expected 5, one per action)"},
        {"non-numeric weight", "layer 1 14 8\n", "layer 1 14 8\nabc", 19,
         "layer 1 unit 1: not a number (expected a finite decimal number, got \"abc\")"},
        {"infinite weight", "layer 2 8 5\n", "layer 2 8 5\ninf", 28,
         "layer 2 unit 1: not a number (expected a finite decimal number, got \"inf\")"},
        {"missing end", "end\n", "", 33, "end of file (expected a line end, got the end"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *t = strstr(ta.s, cases[k].from);
        CHECK(t != NULL);
        if (!t) continue;
        /* the text before `from`, then `to`; a `to` that adds a token replaces the first
         * token of the next line */
        const char *rest = t + strlen(cases[k].from);
        if (strchr(cases[k].to, '\n') && cases[k].to[strlen(cases[k].to) - 1] != '\n')
            rest += strcspn(rest, " \n");
        Buf m = {0};
        buf_append(&m, ta.s, (size_t)(t - ta.s));
        buf_printf(&m, "%s%s", cases[k].to, rest);
        char bad[256], want[512];
        snprintf(bad, sizeof bad, "%s/bad.policy", tmpdir);
        write_text(bad, m.s);
        buf_free(&m);
        Policy p;
        Err be = {0};
        CHECK(policy_load(bad, &p, &be) == -1 && be.code == EXIT_USAGE);
        snprintf(want, sizeof want, "%s:%d: %s", bad, cases[k].line, cases[k].msg);
        if (strncmp(be.msg, want, strlen(want)) != 0) {
            fprintf(stderr, "%s: got  %s\n%s: want %s\n", cases[k].name, be.msg, cases[k].name,
                    want);
            CHECK(!"damaged policy message");
        }
        CHECK(p.net.w == NULL);
    }
    /* truncated: the first 21 lines and half of the 22nd (a unit of layer 1) */
    const char *cut = ta.s;
    for (int i = 0; i < 21; i++) cut = strchr(cut, '\n') + 1;
    Buf m = {0};
    buf_append(&m, ta.s, (size_t)(cut - ta.s) + 40);
    char bad[256], want[512];
    snprintf(bad, sizeof bad, "%s/truncated.policy", tmpdir);
    write_text(bad, m.s);
    buf_free(&m);
    Policy p;
    Err be = {0};
    CHECK(policy_load(bad, &p, &be) == -1 && be.code == EXIT_USAGE);
    snprintf(want, sizeof want, "%s:22: layer 1 unit 4: ", bad);
    CHECK(strncmp(be.msg, want, strlen(want)) == 0);
    snprintf(bad, sizeof bad, "%s/absent.policy", tmpdir);
    CHECK(policy_load(bad, &p, &be) == -1 && be.code == EXIT_USAGE);
    CHECK(strstr(be.msg, "absent.policy: cannot read policy file") != NULL);
    buf_free(&ta);
}

static void gae(void) {
    /* two episodes: 3 decisions, then 2; gamma 0.9, lambda 0.8, worked by hand:
     * t=2: delta = 2 - 0.3 = 1.7                 A = 1.7
     * t=1: delta = 0 + 0.9*0.3 - 0.4 = -0.13     A = -0.13 + 0.72*1.7 = 1.094
     * t=0: delta = 1 + 0.9*0.4 - 0.5 = 0.86      A = 0.86 + 0.72*1.094 = 1.64768
     * t=4: delta = 1 - 0.1 = 0.9                 A = 0.9
     * t=3: delta = 1 + 0.9*0.1 - 0.2 = 0.89      A = 0.89 + 0.72*0.9 = 1.538 */
    const double r[5] = {1, 0, 2, 1, 1}, v[5] = {0.5, 0.4, 0.3, 0.2, 0.1};
    const int last[5] = {0, 0, 1, 0, 1};
    const double want[5] = {1.64768, 1.094, 1.7, 1.538, 0.9};
    double adv[5], ret[5];
    ppo_gae(r, v, last, 5, 0.9, 0.8, adv, ret);
    for (int i = 0; i < 5; i++) {
        CHECK_NEAR(adv[i], want[i], 1e-12);
        CHECK_NEAR(ret[i], want[i] + v[i], 1e-12);
    }
    /* gamma = lambda = 1: the Monte Carlo return to go minus the value */
    ppo_gae(r, v, last, 5, 1, 1, adv, ret);
    const double mc[5] = {3, 2, 2, 2, 1};
    for (int i = 0; i < 5; i++) CHECK_NEAR(ret[i], mc[i], 1e-12);
}

/* The rewards of an episode of 4 intervals of 25 steps (steps 100), worked by hand.
 * Measures 2, 1.5, 1.6, 1.2, 1.3 at steps 0, 25, 50, 75, 100; budget left 0.75 .. 0.
 * dnn, gamma 2, lambda 0.1 (the best before interval 2 is 1.5, not 1.6):
 *   r0 = 2 (2 - 1.5) + 0.1 * 0.75   = 1.075
 *   r1 = 2 (1.5 - 1.6) + 0.1 * 0.5  = -0.15
 *   r2 = 2 (1.5 - 1.2) + 0.1 * 0.25 = 0.625
 *   r3 = 2 (1.2 - 1.3) + 0.1 * 0    = -0.2
 * log decrease: r_k = log m_k - log m_k+1, whose sum telescopes to log(2 / 1.3). */
static void rewards(void) {
    const double m[5] = {2, 1.5, 1.6, 1.2, 1.3}, left[4] = {0.75, 0.5, 0.25, 0};
    const double want[4] = {1.075, -0.15, 0.625, -0.2};
    double r[4];
    PpoReward dnn = {.kind = REWARD_DNN, .gamma = 2, .lambda = 0.1};
    ppo_rewards(&dnn, m, left, 4, r);
    for (int k = 0; k < 4; k++) CHECK_NEAR(r[k], want[k], 1e-12);
    PpoReward lg = {.kind = REWARD_LOG};
    ppo_rewards(&lg, m, left, 4, r);
    double sum = 0;
    for (int k = 0; k < 4; k++) {
        CHECK(r[k] == log(m[k]) - log(m[k + 1]));
        sum += r[k];
    }
    CHECK_NEAR(sum, log(2 / 1.3), 1e-12);
    /* gamma 1, lambda 0: the sum is the best improvement, v(0) - min v when v only falls */
    const double fall[4] = {3, 2, 1.5, 1};
    PpoReward plain = {.kind = REWARD_DNN, .gamma = 1, .lambda = 0};
    ppo_rewards(&plain, fall, left, 3, r);
    CHECK_NEAR(r[0] + r[1] + r[2], 2.0, 1e-12);
}

static void objective_gradient(void) {
    PpoConfig c = {.lr = 1e-3,
                   .clip = 0.2,
                   .entropy = 0.05,
                   .value_coef = 0.5,
                   .max_grad_norm = 1,
                   .epochs = 1,
                   .minibatch = 8};
    PpoLearner L;
    Rng r;
    rng_seed(&r, 5);
    ppo_learner_init(&L, 4, 5, 1, 3, &c, &r);
    for (size_t i = 0; i < L.pi.n; i++) L.pi.w[i] += 0.3 * rng_normal(&r);
    for (size_t i = 0; i < L.v.n; i++) L.v.w[i] += 0.3 * rng_normal(&r);
    /* log pi_old = log pi + offset: rho = exp(-offset) in 1.65, 1.11, 1, 0.9 and 0.61, with
     * advantages of both signs, so that the clipped and unclipped branches both occur */
    const double offset[8] = {-0.5, -0.1, 0, 0.1, 0.5, -0.5, 0.5, 0.1};
    const double advs[8] = {1.0, -0.7, 0.4, 1.3, -1.1, -0.6, 0.8, -0.2};
    double z[8][4], zv[8][4], act[(POLICY_MAX_LAYERS + 1) * POLICY_MAX_WIDTH];
    PpoSample s[8];
    for (int k = 0; k < 8; k++) {
        for (int i = 0; i < 4; i++) z[k][i] = rng_normal(&r), zv[k][i] = rng_normal(&r);
        const double *lg = net_forward(&L.pi, z[k], act);
        int a = k % 3;
        double mx = fmax(lg[0], fmax(lg[1], lg[2]));
        double lse = mx + log(exp(lg[0] - mx) + exp(lg[1] - mx) + exp(lg[2] - mx));
        /* half the samples give the value network an input of its own */
        s[k] = (PpoSample){z[k],    k % 2 ? zv[k] : NULL, a, lg[a] - lse + offset[k],
                           advs[k], rng_normal(&r)};
    }
    size_t n = L.pi.n + L.v.n;
    double *g = xmalloc(sizeof(double) * n);
    PpoStats st;
    ppo_objective(&L.pi, &L.v, s, 8, &c, g, &st);
    CHECK(st.clip_frac > 0.3 && st.clip_frac < 0.9);
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double *w = i < L.pi.n ? &L.pi.w[i] : &L.v.w[i - L.pi.n];
        const double h = 1e-6, keep = *w;
        *w = keep + h;
        double up = ppo_objective(&L.pi, &L.v, s, 8, &c, NULL, NULL);
        *w = keep - h;
        double down = ppo_objective(&L.pi, &L.v, s, 8, &c, NULL, NULL);
        *w = keep;
        double fd = (up - down) / (2 * h);
        worst = fmax(worst, fabs(fd - g[i]) / fmax(1.0, fabs(fd)));
    }
    CHECK(worst < 1e-7);
    if (worst >= 1e-7) fprintf(stderr, "clipped objective: worst gradient error %g\n", worst);
    free(g);
    ppo_learner_free(&L);
}

/* A three-armed bandit (mean rewards 0.2, 1, 0.5, noise 0.3): PPO must come to prefer arm 1. */
static void bandit(void) {
    PpoConfig c = {.lr = 3e-3,
                   .clip = 0.2,
                   .gamma = 0.99,
                   .lambda = 0.95,
                   .entropy = 0,
                   .value_coef = 0.5,
                   .max_grad_norm = 0.5,
                   .epochs = 4,
                   .minibatch = 32};
    PpoLearner L;
    Rng r;
    rng_seed(&r, 11);
    ppo_learner_init(&L, F, 16, 1, 3, &c, &r);
    Policy pol = {.nactions = 3, .actions = {0.5, 1, 2}, .net = L.pi};
    for (int i = 0; i < F; i++) pol.std[i] = 1, pol.inputs[i] = 1;
    double x[F] = {0};
    x[FEAT_PROGRESS] = 0.5;
    double z[F], act[(POLICY_MAX_LAYERS + 1) * POLICY_MAX_WIDTH];
    policy_input(&pol, x, 0, z);
    const double mean[3] = {0.2, 1.0, 0.5};
    enum { N = 64 };
    PpoSample s[N];
    double rew[N], val[N], adv[N], ret[N];
    int last[N];
    for (int it = 0; it < 60; it++) {
        double m = 0, sd = 0;
        for (int k = 0; k < N; k++) {
            int a;
            double logp;
            policy_decide(&pol, x, 1, 0.01, 100, &r, &a, &logp);
            rew[k] = mean[a] + 0.3 * rng_normal(&r);
            val[k] = net_forward(&L.v, z, act)[0];
            last[k] = 1;
            s[k] = (PpoSample){z, NULL, a, logp, 0, 0};
        }
        ppo_gae(rew, val, last, N, c.gamma, c.lambda, adv, ret);
        for (int k = 0; k < N; k++) m += adv[k] / N;
        for (int k = 0; k < N; k++) sd += (adv[k] - m) * (adv[k] - m) / N;
        for (int k = 0; k < N; k++) s[k].adv = (adv[k] - m) / (sqrt(sd) + 1e-8), s[k].ret = ret[k];
        ppo_update(&L, s, N, &r, NULL);
    }
    double p[3];
    policy_probs(&pol, x, p);
    CHECK(p[1] > 0.9);
    if (!(p[1] > 0.9)) fprintf(stderr, "bandit: p = %g %g %g\n", p[0], p[1], p[2]);
    ppo_learner_free(&L);
}

/* ---- the loop's features, seen by a recording scheduler ---- */

enum { STEPS = 120, EVERY = 10 };
static struct {
    double x[STEPS][F], loss[STEPS], answer[STEPS], gnorm[STEPS][2];
    int n;
} rec;
static const ParamSpec no_params[] = {{0}};
static int rec_init(void *st, const Params *p, const SchedRun *run, Err *e) {
    memset(&rec, 0, sizeof rec);
    return 0;
}
/* answers alternate far above the NMF bound and far below it */
static void rec_lr(void *st, const SchedStep *s, SchedLr *out) {
    memcpy(rec.x[s->step], s->features, sizeof(double) * F);
    rec.loss[s->step] = s->loss;
    rec.answer[s->step] = s->step % 2 ? 1e3 : 1e-3;
    rec.n = (int)s->step + 1;
    sched_lr_fill(out, rec.answer[s->step]);
}
static const SchedDef rec_def = {.name = "rec",
                                 .summary = "test",
                                 .reference = "test",
                                 .params = no_params,
                                 .needs = SCHED_NEEDS_FEATURES,
                                 .state_size = 1,
                                 .init = rec_init,
                                 .lr = rec_lr};

/* A tiny NMF cell with the stability bound enforced and scheduler sched. */
static void nmf_cell(CompCfg *tc, CompCfg *oc, CompCfg *sc) {
    Err e;
    *tc = (CompCfg){.kind = KIND_TASK, .name = "nmf", .task = task_find("nmf")};
    params_init(&tc->p, tc->task->params);
    params_init(&tc->common, cfg_task_common);
    char kv[256];
    snprintf(kv, sizeof kv, "%s;clip_to_bound=true", tc->task->test_params);
    for (char *save = NULL, *t = strtok_r(kv, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(t, '=');
        *eq = '\0';
        CHECK(params_set_text(&tc->p, t, eq + 1, "test", &e) == 0);
    }
    *oc = (CompCfg){.kind = KIND_OPTIM, .name = "sgd", .optim = optim_find("sgd")};
    params_init(&oc->p, oc->optim->params);
    params_init(&oc->common, cfg_optim_common);
    params_init(&sc->common, cfg_sched_common);
}

static void free_cfg(CompCfg *c) {
    params_free(&c->p);
    params_free(&c->common);
}

static void features(void) {
    CompCfg tc, oc, sc = {.kind = KIND_SCHED, .name = "rec", .sched = &rec_def};
    nmf_cell(&tc, &oc, &sc);
    params_init(&sc.p, no_params);
    Cell c = {.task = &tc,
              .optim = &oc,
              .sched = &sc,
              .seed = 3,
              .steps = STEPS,
              .eval_every = EVERY,
              .lr0 = 0.05};
    TaskEnv env = {.datadir = "data"};
    CellResult r;
    Err e;
    CHECK(train_cell(&c, &env, &r, &e) == 0);
    CHECK(r.status == CELL_OK && rec.n == STEPS);
    double ema = 0, bt = 1, logema[STEPS];
    int flagged = 0, ok = 1;
    for (int s = 0; s < rec.n; s++) {
        const double *x = rec.x[s];
        ok &= x[FEAT_PROGRESS] == (double)s / STEPS;
        ok &= x[FEAT_LOG_LR] == log(s ? rec.answer[s - 1] : 0.05);
        ema = SCHED_FEAT_BETA * ema + (1 - SCHED_FEAT_BETA) * rec.loss[s];
        bt *= SCHED_FEAT_BETA;
        logema[s] = log(ema / (1 - bt));
        int back = s >= SCHED_FEAT_WINDOW ? s - SCHED_FEAT_WINDOW : 0;
        ok &= fabs(x[FEAT_TRAIN_TREND] - (logema[s] - logema[back])) < 1e-12;
        /* the last two evaluations done before step s (at 0, every EVERY and the stages) */
        int k = 0;
        while (k + 1 < r.nevals && r.evals[k + 1].step <= s) k++;
        double vt = k ? log(r.evals[k].val_loss) - log(r.evals[k - 1].val_loss) : 0;
        ok &= fabs(x[FEAT_VAL_TREND] - vt) < 1e-12;
        ok &= x[FEAT_LOG_VAL] == log(r.evals[k].val_loss); /* the last one, step 0's included */
        /* the previous answer was 1e3 exactly on the odd steps: far above the bound */
        ok &= x[FEAT_CLIPPED] == (s > 0 && (s - 1) % 2 == 1);
        ok &= s == 0 || (x[FEAT_LR_BOUND] > 0) == ((s - 1) % 2 == 1);
        flagged += x[FEAT_CLIPPED] == 1;
        for (int gi = 2; gi < SCHED_FEAT_GROUPS; gi++) ok &= x[FEAT_LOG_GRAD + gi] == 0;
        ok &= isfinite(x[FEAT_LOG_GRAD]) && isfinite(x[FEAT_LOG_GRAD + 1]);
        if (!ok) {
            fprintf(stderr, "features: step %d differs from the documented vector\n", s);
            break;
        }
    }
    CHECK(ok);
    CHECK(flagged > 0 && r.lr_clips >= flagged + 1 && r.lr_clips <= 2 * (flagged + 1));
    cell_result_free(&r);
    free_cfg(&tc);
    free_cfg(&oc);
    free_cfg(&sc);
}

/* Policies that always take action a: the lr stays in [min_lr, max_lr], the bound caps it. */
static void every_action_capped(void) {
    for (int a = 0; a < 5; a++) {
        Policy p;
        make_policy(&p, 9, F);
        memset(p.net.w, 0, sizeof(double) * p.net.n);
        double *bias = p.net.w + p.net.n - 5; /* the output biases */
        bias[a] = 20;
        char path[256];
        Err e;
        snprintf(path, sizeof path, "%s/always%d.policy", tmpdir, a);
        CHECK(policy_save(path, &p, &e) == 0);
        policy_free(&p);
        CompCfg tc, oc, sc = {.kind = KIND_SCHED, .name = "rl", .sched = sched_find("rl")};
        nmf_cell(&tc, &oc, &sc);
        params_init(&sc.p, sc.sched->params);
        CHECK(params_set_text(&sc.p, "policy", path, "test", &e) == 0);
        const double lr0 = 0.05;
        Cell c = {.task = &tc,
                  .optim = &oc,
                  .sched = &sc,
                  .seed = 4,
                  .steps = 200,
                  .eval_every = 10,
                  .lr0 = lr0};
        TaskEnv env = {.datadir = "data"};
        CellResult r;
        int rc = train_cell(&c, &env, &r, &e);
        CHECK(rc == 0);
        if (rc) {
            fprintf(stderr, "%s\n", e.msg);
            continue;
        }
        CHECK(r.status == CELL_OK);
        double top = 0, bottom = INFINITY;
        for (int i = 0; i < r.ncurve; i++) {
            top = fmax(top, r.curve[i].lr);
            bottom = fmin(bottom, r.curve[i].lr);
        }
        /* applied rates within [lr0 / 1000, 100 lr0]; x2 reaches 100 lr0 = 5 within 10
         * decisions, above the bound of most minibatches: the cap fires, the run stays finite */
        CHECK(bottom >= lr0 * POLICY_MIN_FACTOR * (1 - 1e-12) &&
              top <= lr0 * POLICY_MAX_FACTOR * (1 + 1e-12));
        if (a == 4) CHECK(r.lr_clips > 100);
        if (a == 0) CHECK(bottom == lr0 * POLICY_MIN_FACTOR);
        CHECK(isfinite(r.stages[NSTAGES - 1].train_loss));
        cell_result_free(&r);
        free_cfg(&tc);
        free_cfg(&oc);
        free_cfg(&sc);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: test_rl SRC_DIR\n");
        return 2;
    }
    CHECK(mkdtemp(tmpdir) != NULL);
    roundtrip();
    roundtrip_features(POLICY_BASE_FEATURES);
    roundtrip_features(F);
    committed_policies(argv[1]);
    gae();
    rewards();
    objective_gradient();
    bandit();
    features();
    every_action_capped();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    CHECK(system(cmd) == 0);
    return check_report();
}
