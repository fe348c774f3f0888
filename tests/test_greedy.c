/* test_greedy.c - GreedyLR against the golden cases of paper/paper.md section 2.3 and the
 * documented behaviour of its options (smoothing window, rel threshold, cooldown, reset,
 * the alg1 variant, signal selection) and its configuration checks. */
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
    const char *rel[] = {"factor", "0.9", "patience", "1", "min_lr", "1e-6", "threshold_mode",
                         "rel", "threshold", "0.1", NULL};
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
    const char *rs[] = {"factor", "0.5", "patience", "1", "min_lr", "0.01", "reset_start", "2",
                        NULL};
    CHECK(make(&g, 0.1, rs, &e) == 0);
    double want[] = {0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125, 0.01, 0.01, 0.1};
    for (int i = 0; i < 11; i++) CHECK_NEAR(feed(&g, 7), want[i], 1e-15);
    done(&g);

    /* smoothing over a window of 3: 4, 1, 3.9, 1.1 become 4, 2.5, 2.9667, 2.0, so with
     * patience 0 the lr goes up, up, down, up; raw values would end down. */
    const char *sm[] = {"factor", "0.5", "patience", "0", "threshold", "0", "min_lr", "1e-6",
                        "smooth", "true", "window", "3", NULL};
    CHECK(make(&g, 0.1, sm, &e) == 0);
    CHECK_NEAR(feed(&g, 4), 0.2, 1e-15);
    CHECK_NEAR(feed(&g, 1), 0.4, 1e-15);
    CHECK_NEAR(feed(&g, 3.9), 0.2, 1e-15);
    CHECK_NEAR(feed(&g, 1.1), 0.4, 1e-15);
    done(&g);
    const char *raw[] = {"factor", "0.5", "patience", "0", "threshold", "0", "min_lr", "1e-6",
                         NULL};
    CHECK(make(&g, 0.1, raw, &e) == 0);
    feed(&g, 4), feed(&g, 1), feed(&g, 3.9);
    CHECK_NEAR(feed(&g, 1.1), 0.1, 1e-15);
    done(&g);

    /* cooldown 2: after a reduction two signals are ignored, whatever they are */
    const char *cd[] = {"factor", "0.5", "patience", "0", "min_lr", "1e-6", "cooldown", "2", NULL};
    CHECK(make(&g, 0.1, cd, &e) == 0);
    CHECK_NEAR(feed(&g, 5), 0.2, 1e-15);  /* better: up */
    CHECK_NEAR(feed(&g, 6), 0.1, 1e-15);  /* worse: down, cooldown starts */
    CHECK_NEAR(feed(&g, 1), 0.1, 1e-15);  /* ignored */
    CHECK_NEAR(feed(&g, 0.5), 0.1, 1e-15); /* ignored */
    CHECK_NEAR(feed(&g, 0.2), 0.2, 1e-15); /* counted again: better */
    done(&g);

    /* max_lr caps increases; eps skips changes that are too small */
    const char *cap[] = {"factor", "0.5", "patience", "0", "min_lr", "1e-6", "max_lr", "0.15",
                         NULL};
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
    const char *pv[] = {"variant", "paper", "factor", "0.5", "patience", "0", "min_lr", "1e-6",
                        NULL};
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
    const char *pr[] = {"variant", "paper", "factor", "0.5", "patience", "0", "min_lr", "1e-6",
                        "reset_start", "2", NULL};
    CHECK(make(&g, 0.1, pr, &e) == 0);
    CHECK_NEAR(feed(&g, 5), 0.2, 1e-15);
    CHECK_NEAR(feed(&g, 6), 0.1, 1e-15); /* not restored to 0.1 by the reset: reduced to it */
    CHECK_NEAR(feed(&g, 7), 0.2, 1e-15);
    done(&g);
    /* paper variant: cooldown zeroes only the bad count; good signals still raise the lr */
    const char *pc[] = {"variant", "paper", "factor", "0.5", "patience", "0", "min_lr", "1e-6",
                        "cooldown", "3", NULL};
    CHECK(make(&g, 0.1, pc, &e) == 0);
    CHECK_NEAR(feed(&g, 5), 0.2, 1e-15);
    CHECK_NEAR(feed(&g, 6), 0.1, 1e-15);  /* reduce, cooldown 3 */
    CHECK_NEAR(feed(&g, 7), 0.1, 1e-15);  /* bad, zeroed by cooldown */
    CHECK_NEAR(feed(&g, 4), 0.2, 1e-15);  /* good counts during cooldown (hf would ignore it) */
    done(&g);

    /* signal selection: a train_step scheduler ignores evaluations and vice versa */
    const char *ts[] = {"signal", "train_step", "factor", "0.5", "patience", "0", "min_lr",
                        "1e-6", NULL};
    CHECK(make(&g, 0.1, ts, &e) == 0);
    CHECK_NEAR(feed(&g, 1), 0.1, 1e-15); /* SIGNAL_EVAL: ignored */
    sched_observe(&g.s, SIGNAL_TRAIN_STEP, 0, 1);
    SchedStep st = {0};
    sched_lr(&g.s, &st, &g.out);
    CHECK_NEAR(g.lr[0], 0.2, 1e-15);
    done(&g);

    /* configuration checks */
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
