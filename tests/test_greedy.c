/* test_greedy.c - GreedyLR against the golden cases of paper/paper.md section 2.3 and the
 * documented behaviour of its options (smoothing window, rel threshold, cooldown, reset,
 * the alg1 variant, signal selection), the bounds relative to the initial rate
 * (min_lr_factor, max_lr_factor) and its configuration checks. */
#include "check.h"
#include "schedulers/sched.h"

#include <string.h>

typedef struct {
    Sched s;
    Params p;
    double lr[1];
    SchedLr out;
} G;

/* make: greedy with lr0 and "k=v" settings; returns 0 or the error. */
static int make(G *g, double lr0, const char *const *kv, Err *e) {
    params_init(&g->p, sched_find("greedy")->params);
    for (int i = 0; kv[i]; i += 2)
        if (params_set_text(&g->p, kv[i], kv[i + 1], "test", e) != 0) return -1;
    SchedRun run = {.lr0 = lr0, .total_steps = 1000, .eval_every = 10, .ngroups = 1};
    g->out = (SchedLr){.group = g->lr, .ngroups = 1};
    return sched_create(&g->s, sched_find("greedy"), &g->p, &run, "test", e);
}

static double feed(G *g, double metric) {
    sched_observe(&g->s, SIGNAL_EVAL, 0, metric);
    SchedStep st = {.step = 1};
    sched_lr(&g->s, &st, &g->out);
    return g->lr[0];
}

static void done(G *g) {
    sched_destroy(&g->s);
    params_free(&g->p);
}

int main(void) {
    Err e;
    G g;
    const char *base[] = {"factor", "0.9", "patience", "3", "min_lr", "1e-6", "max_lr", "1", NULL};

    /* 5, 10, 10, 10, 10: the fifth call is the fourth bad one: 0.1 -> 0.09 */
    CHECK(make(&g, 0.1, base, &e) == 0);
    double m1[] = {5, 10, 10, 10};
    for (int i = 0; i < 4; i++) CHECK_NEAR(feed(&g, m1[i]), 0.1, 1e-15);
    CHECK_NEAR(feed(&g, 10), 0.09, 1e-15);
    done(&g);

    /* four strictly decreasing metrics: the fourth better one increases: 0.1 / 0.9 */
    CHECK(make(&g, 0.1, base, &e) == 0);
    CHECK_NEAR(feed(&g, 4), 0.1, 1e-15);
    CHECK_NEAR(feed(&g, 3), 0.1, 1e-15);
    CHECK_NEAR(feed(&g, 2), 0.1, 1e-15);
    CHECK_NEAR(feed(&g, 1), 0.1 / 0.9, 1e-15);
    done(&g);

    /* rel threshold 0.1: after best 10, 9.5 is not better (9.5 >= 10 * 0.9) */
    const char *rel[] = {"factor",         "0.9", "patience",  "1",   "min_lr", "1e-6",
                         "threshold_mode", "rel", "threshold", "0.1", NULL};
    CHECK(make(&g, 0.1, rel, &e) == 0);
    feed(&g, 10);
    feed(&g, 9.5);
    CHECK_NEAR(feed(&g, 9.5), 0.09, 1e-15); /* two bad in a row with patience 1 */
    done(&g);
    /* ... while with an absolute threshold the same sequence is two improvements */
    const char *abs_[] = {"factor", "0.9", "patience", "1", "min_lr", "1e-6", NULL};
    CHECK(make(&g, 0.1, abs_, &e) == 0);
    feed(&g, 10);
    CHECK_NEAR(feed(&g, 9.5), 0.1 / 0.9, 1e-15);
    done(&g);

    /* reset: patience 1, min_lr 0.01, factor 0.5, reset_start 2: a constant metric drives
     * the lr to min_lr, then two reductions at min_lr bring it back to 0.1 */
    const char *rs[] = {"factor", "0.5",         "patience", "1", "min_lr",
                        "0.01",   "reset_start", "2",        NULL};
    CHECK(make(&g, 0.1, rs, &e) == 0);
    double want[] = {0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125, 0.01, 0.01, 0.1};
    for (int i = 0; i < 11; i++) CHECK_NEAR(feed(&g, 7), want[i], 1e-15);
    done(&g);

    /* smoothing over a window of 3: 4, 1, 3.9, 1.1 become 4, 2.5, 2.9667, 2.0, so with
     * patience 0 the lr goes up, up, down, up; raw values would end down. */
    const char *sm[] = {"factor", "0.5",    "patience", "0",      "threshold", "0", "min_lr",
                        "1e-6",   "smooth", "true",     "window", "3",         NULL};
    CHECK(make(&g, 0.1, sm, &e) == 0);
    CHECK_NEAR(feed(&g, 4), 0.2, 1e-15);
    CHECK_NEAR(feed(&g, 1), 0.4, 1e-15);
    CHECK_NEAR(feed(&g, 3.9), 0.2, 1e-15);
    CHECK_NEAR(feed(&g, 1.1), 0.4, 1e-15);
    done(&g);
    const char *raw[] = {"factor", "0.5",    "patience", "0", "threshold",
                         "0",      "min_lr", "1e-6",     NULL};
    CHECK(make(&g, 0.1, raw, &e) == 0);
    feed(&g, 4), feed(&g, 1), feed(&g, 3.9);
    CHECK_NEAR(feed(&g, 1.1), 0.1, 1e-15);
    done(&g);

    /* cooldown 2: after a reduction two signals are ignored, whatever they are */
    const char *cd[] = {"factor", "0.5", "patience", "0", "min_lr", "1e-6", "cooldown", "2", NULL};
    CHECK(make(&g, 0.1, cd, &e) == 0);
    CHECK_NEAR(feed(&g, 5), 0.2, 1e-15);   /* better: up */
    CHECK_NEAR(feed(&g, 6), 0.1, 1e-15);   /* worse: down, cooldown starts */
    CHECK_NEAR(feed(&g, 1), 0.1, 1e-15);   /* ignored */
    CHECK_NEAR(feed(&g, 0.5), 0.1, 1e-15); /* ignored */
    CHECK_NEAR(feed(&g, 0.2), 0.2, 1e-15); /* counted again: better */
    done(&g);

    /* max_lr caps increases; eps skips changes that are too small */
    const char *cap[] = {"factor", "0.5",    "patience", "0", "min_lr",
                         "1e-6",   "max_lr", "0.15",     NULL};
    CHECK(make(&g, 0.1, cap, &e) == 0);
    CHECK_NEAR(feed(&g, 3), 0.15, 1e-15);
    CHECK_NEAR(feed(&g, 2), 0.15, 1e-15);
    done(&g);

    /* alg1: lr / F when the loss fell below the previous one, lr * F otherwise */
    const char *a1[] = {"variant", "alg1", "factor", "0.5", NULL};
    CHECK(make(&g, 0.1, a1, &e) == 0);
    CHECK_NEAR(feed(&g, 3), 0.1, 1e-15);
    CHECK_NEAR(feed(&g, 2), 0.2, 1e-15);
    CHECK_NEAR(feed(&g, 4), 0.1, 1e-15);
    CHECK_NEAR(feed(&g, 4), 0.05, 1e-15);
    done(&g);

    /* paper variant: "better" is against the previous signal, not the best so far:
     * 10, 5, 6, 5.5 with patience 0 ends up (5.5 < 6) where hf ends down (5.5 > 5) */
    const char *pv[] = {"variant", "paper",  "factor", "0.5", "patience",
                        "0",       "min_lr", "1e-6",   NULL};
    const char *hv[] = {"variant", "hf", "factor", "0.5", "patience", "0", "min_lr", "1e-6", NULL};
    double seq[] = {10, 5, 6, 5.5};
    double want_p[] = {0.2, 0.4, 0.2, 0.4}, want_h[] = {0.2, 0.4, 0.2, 0.1};
    CHECK(make(&g, 0.1, pv, &e) == 0);
    for (int i = 0; i < 4; i++) CHECK_NEAR(feed(&g, seq[i]), want_p[i], 1e-15);
    done(&g);
    CHECK(make(&g, 0.1, hv, &e) == 0);
    for (int i = 0; i < 4; i++) CHECK_NEAR(feed(&g, seq[i]), want_h[i], 1e-15);
    done(&g);
    /* paper variant: the reset is a timer that forgets best but keeps the lr. With
     * reset_start 2: 5 (up), 6 (down, then reset), 7 is better than the forgotten best (up) */
    const char *pr[] = {"variant", "paper", "factor",      "0.5", "patience", "0",
                        "min_lr",  "1e-6",  "reset_start", "2",   NULL};
    CHECK(make(&g, 0.1, pr, &e) == 0);
    CHECK_NEAR(feed(&g, 5), 0.2, 1e-15);
    CHECK_NEAR(feed(&g, 6), 0.1, 1e-15); /* not restored to 0.1 by the reset: reduced to it */
    CHECK_NEAR(feed(&g, 7), 0.2, 1e-15);
    done(&g);
    /* paper variant: cooldown zeroes only the bad count; good signals still raise the lr */
    const char *pc[] = {"variant", "paper", "factor",   "0.5", "patience", "0",
                        "min_lr",  "1e-6",  "cooldown", "3",   NULL};
    CHECK(make(&g, 0.1, pc, &e) == 0);
    CHECK_NEAR(feed(&g, 5), 0.2, 1e-15);
    CHECK_NEAR(feed(&g, 6), 0.1, 1e-15); /* reduce, cooldown 3 */
    CHECK_NEAR(feed(&g, 7), 0.1, 1e-15); /* bad, zeroed by cooldown */
    CHECK_NEAR(feed(&g, 4), 0.2, 1e-15); /* good counts during cooldown (hf would ignore it) */
    done(&g);

    /* signal selection: a train_step scheduler ignores evaluations and vice versa */
    const char *ts[] = {"signal", "train_step", "factor", "0.5", "patience",
                        "0",      "min_lr",     "1e-6",   NULL};
    CHECK(make(&g, 0.1, ts, &e) == 0);
    CHECK_NEAR(feed(&g, 1), 0.1, 1e-15); /* SIGNAL_EVAL: ignored */
    sched_observe(&g.s, SIGNAL_TRAIN_STEP, 0, 1);
    SchedStep st = {0};
    sched_lr(&g.s, &st, &g.out);
    CHECK_NEAR(g.lr[0], 0.2, 1e-15);
    done(&g);

    /* bounds relative to lr0: min_lr = min_lr_factor * lr0, max_lr = max_lr_factor * lr0, as
     * the declared bounds and as the clamps of both bounded variants */
    const SchedDef *gd = sched_find("greedy");
    const double lr0s[] = {0.1, 0.02, 3.0};
    const char *fac[] = {"min_lr_factor", "0.1", "max_lr_factor", "4", NULL};
    for (int k = 0; k < 3; k++) {
        CHECK(make(&g, lr0s[k], fac, &e) == 0);
        double lo, hi;
        SchedRun run = {.lr0 = lr0s[k], .total_steps = 1000, .eval_every = 10, .ngroups = 1};
        gd->bounds(&g.p, &run, &lo, &hi);
        CHECK_NEAR(lo, 0.1 * lr0s[k], 1e-15);
        CHECK_NEAR(hi, 4 * lr0s[k], 1e-15);
        done(&g);
    }
    /* one factor, one absolute bound: [0.1 lr0, max_lr] */
    const char *mixed[] = {"min_lr_factor", "0.25", "max_lr", "0.5", NULL};
    CHECK(make(&g, 0.2, mixed, &e) == 0);
    {
        double lo, hi;
        SchedRun run = {.lr0 = 0.2, .total_steps = 1000, .eval_every = 10, .ngroups = 1};
        gd->bounds(&g.p, &run, &lo, &hi);
        CHECK_NEAR(lo, 0.05, 1e-15);
        CHECK_NEAR(hi, 0.5, 1e-15);
    }
    done(&g);
    /* a trace that hits each bound, for hf and paper: lr0 0.1, factor 0.5, patience 0,
     * bounds [0.3, 2] x lr0 = [0.03, 0.2]: two improvements reach 0.2 and stay (0.4 is
     * clamped), then falling back down reaches 0.03 and stays (0.025 is clamped) */
    const char *variants[] = {"hf", "paper"};
    for (int k = 0; k < 2; k++) {
        const char *tr[] = {"variant",       variants[k], "factor",        "0.5", "patience", "0",
                            "min_lr_factor", "0.3",       "max_lr_factor", "2",   NULL};
        CHECK(make(&g, 0.1, tr, &e) == 0);
        const double sig[] = {9, 8, 7, 8, 9, 10, 11, 12};
        const double want_b[] = {0.2, 0.2, 0.2, 0.1, 0.05, 0.03, 0.03, 0.03};
        for (int i = 0; i < 8; i++) CHECK_NEAR(feed(&g, sig[i]), want_b[i], 1e-15);
        done(&g);
    }
    /* the same lr0 with the equivalent absolute bounds gives the same trace */
    const char *absb[] = {"factor", "0.5",    "patience", "0", "min_lr",
                          "0.03",   "max_lr", "0.2",      NULL};
    CHECK(make(&g, 0.1, absb, &e) == 0);
    {
        const double sig[] = {9, 8, 7, 8, 9, 10, 11, 12};
        const double want_b[] = {0.2, 0.2, 0.2, 0.1, 0.05, 0.03, 0.03, 0.03};
        for (int i = 0; i < 8; i++) CHECK_NEAR(feed(&g, sig[i]), want_b[i], 1e-15);
    }
    done(&g);
    /* hf's reset counts reductions at the effective min_lr: factor 0.5, min_lr_factor 0.25,
     * reset_start 2 on a constant signal: 0.1, 0.05, 0.025 (= 0.25 lr0: the first reduction
     * at min_lr), then the second reduction at min_lr resets the lr to 0.1; then up again */
    const char *rsf[] = {"factor", "0.5",         "patience", "0", "min_lr_factor",
                         "0.25",   "reset_start", "2",        NULL};
    CHECK(make(&g, 0.1, rsf, &e) == 0);
    feed(&g, 7); /* the first signal is better than best = inf: up to max_lr 1 is 0.2 */
    {
        const double want_r[] = {0.1, 0.05, 0.025, 0.1, 0.2};
        for (int i = 0; i < 5; i++) CHECK_NEAR(feed(&g, 7), want_r[i], 1e-15);
    }
    done(&g);

    /* configuration checks */
    const char *both_min[] = {"min_lr", "0.01", "min_lr_factor", "0.1", NULL};
    CHECK(make(&g, 0.1, both_min, &e) != 0 && e.code == EXIT_USAGE &&
          strcmp(e.msg, "test: scheduler \"greedy\": min_lr_factor: given together with min_lr "
                        "(expected either min_lr = RATE or min_lr_factor = MULTIPLE of the "
                        "optimizer's lr, got both)") == 0);
    params_free(&g.p);
    const char *both_max[] = {"max_lr_factor", "2", "max_lr", "1", NULL};
    CHECK(make(&g, 0.1, both_max, &e) != 0 &&
          strstr(e.msg, "max_lr_factor: given together with max_lr"));
    params_free(&g.p);
    const char *alg1f[] = {"variant", "alg1", "min_lr_factor", "0.1", NULL};
    CHECK(make(&g, 0.1, alg1f, &e) != 0 &&
          strstr(e.msg, "min_lr_factor: not used by variant alg1"));
    params_free(&g.p);
    const char *fac_above[] = {"min_lr_factor", "0.5", "max_lr", "0.01", NULL};
    CHECK(make(&g, 0.1, fac_above, &e) != 0 &&
          strstr(e.msg, "min_lr_factor * lr: above max_lr (expected min_lr_factor * lr <= 0.01, "
                        "got 0.05)"));
    params_free(&g.p);
    const char *fac_out[] = {"min_lr", "0.15", "max_lr_factor", "2", NULL};
    CHECK(make(&g, 0.1, fac_out, &e) != 0 &&
          strstr(e.msg,
                 "outside [min_lr, max_lr_factor * lr] (expected 0.15 <= lr <= 0.2, got 0.1)"));
    params_free(&g.p);
    const char *const fac_range[][2] = {{"min_lr_factor", "0"},
                                        {"min_lr_factor", "1.5"},
                                        {"max_lr_factor", "0.5"},
                                        {"max_lr_factor", "inf"}};
    for (int k = 0; k < 4; k++) {
        const char *kv[] = {fac_range[k][0], fac_range[k][1], NULL};
        CHECK(make(&g, 0.1, kv, &e) != 0 && strstr(e.msg, "invalid value (expected number in"));
        params_free(&g.p);
    }
    const char *fac_edge[] = {"min_lr_factor", "1", "max_lr_factor", "1", NULL};
    CHECK(make(&g, 0.1, fac_edge, &e) == 0); /* [lr0, lr0]: a constant rate */
    CHECK_NEAR(feed(&g, 1), 0.1, 0);
    done(&g);

    const char *bad1[] = {"min_lr", "0.5", "max_lr", "0.1", NULL};
    CHECK(make(&g, 0.2, bad1, &e) != 0 && e.code == EXIT_USAGE && strstr(e.msg, "min_lr"));
    params_free(&g.p);
    const char *bad2[] = {"min_lr", "0.01", NULL};
    CHECK(make(&g, 0.001, bad2, &e) != 0 && strstr(e.msg, "outside [min_lr, max_lr]"));
    params_free(&g.p);
    const char *bad3[] = {"factor", "1", NULL};
    CHECK(make(&g, 0.1, bad3, &e) != 0 &&
          strcmp(e.msg, "test: factor: invalid value (expected number in (0, 1), got 1)") == 0);
    params_free(&g.p);
    const char *bad4[] = {"threshold_mode", "relative", NULL};
    CHECK(make(&g, 0.1, bad4, &e) != 0 && strstr(e.msg, "expected one of abs|rel"));
    params_free(&g.p);
    return check_report();
}
