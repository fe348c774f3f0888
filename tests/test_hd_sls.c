/* test_hd_sls.c - hypergradient descent against hand-computed dot products at each
 * granularity, and stochastic line search on quadratics: the Armijo step accepted at once
 * on a flat one, the exact number of backtracks on a steep one, evaluations counted. */
#include "check.h"
#include "schedulers/sched.h"

#include <string.h>

static TaskGroup groups[2] = {{"a", 0, 2, 2, 1}, {"b", 2, 2, 2, 1}};

static void make(Sched *s, Params *p, const char *name, const char *const *kv, double lr0) {
    Err e;
    params_init(p, sched_find(name)->params);
    for (int i = 0; kv[i]; i += 2) CHECK(params_set_text(p, kv[i], kv[i + 1], "test", &e) == 0);
    SchedRun run = {.lr0 = lr0,
                    .total_steps = 10,
                    .steps_per_epoch = 5,
                    .ngroups = 2,
                    .groups = groups,
                    .nparams = 4};
    CHECK(sched_create(s, sched_find(name), p, &run, "test", &e) == 0);
}

static void hd_case(const char *gran, const double *want_group, const float *want_elem) {
    Sched s;
    Params p;
    const char *kv[] = {"beta", "0.01", "granularity", gran, NULL};
    make(&s, &p, "hd", kv, 0.1);
    float w[4] = {0}, g[4] = {1, 2, 3, 4}, d0[4] = {0}, d1[4] = {0.5f, -1, 2, 1}, elem[4];
    double group[2];
    SchedLr out = {.group = group, .elem = elem, .ngroups = 2};
    SchedStep st = {.step = 0, .w = w, .g = g, .dir_prev = d0};
    sched_lr(&s, &st, &out);                     /* no previous direction: the base lr */
    const double tol = want_elem ? 1e-7 : 1e-12; /* per-parameter rates are floats */
    CHECK_NEAR(group[0], 0.1, tol);
    CHECK_NEAR(group[1], 0.1, tol);
    st.step = 1;
    st.dir_prev = d1;
    sched_lr(&s, &st, &out);
    CHECK_NEAR(group[0], want_group[0], tol);
    CHECK_NEAR(group[1], want_group[1], tol);
    CHECK(out.elem_used == (want_elem != NULL));
    if (want_elem)
        for (int i = 0; i < 4; i++) CHECK_NEAR(elem[i], want_elem[i], 1e-7);
    sched_destroy(&s);
    params_free(&p);
}

/* f(w) = a/2 |w|^2 on the "minibatch"; loss_at evaluates it at trial points */
static double A;
static double quad(void *ctx, const float *w) {
    double s = 0;
    for (int i = 0; i < 4; i++) s += (double)w[i] * w[i];
    return 0.5 * A * s;
}

static double sls_step(double a, const char *const *kv, int64_t *evals) {
    Sched s;
    Params p;
    make(&s, &p, "sls", kv, 1.0);
    A = a;
    float w[4] = {1, -2, 0.5f, 1}, g[4];
    for (int i = 0; i < 4; i++) g[i] = (float)(a * w[i]);
    double group[2];
    SchedLr out = {.group = group, .ngroups = 2};
    SchedStep st = {.step = 0, .loss = quad(NULL, w), .w = w, .g = g, .loss_at = quad};
    sched_lr(&s, &st, &out);
    *evals = out.loss_evals;
    CHECK(group[0] == group[1]);
    sched_destroy(&s);
    params_free(&p);
    return group[0];
}

int main(void) {
    /* h = g . d = 0.5 - 2 + 6 + 4 = 8.5 overall; -1.5 on group a, 10 on group b */
    double global[2] = {0.1 + 0.01 * 8.5, 0.1 + 0.01 * 8.5};
    double group[2] = {0.1 - 0.01 * 1.5, 0.1 + 0.01 * 10};
    float elem[4] = {0.105f, 0.08f, 0.16f, 0.14f};
    double elem_mean[2] = {(0.105 + 0.08) / 2, (0.16 + 0.14) / 2};
    hd_case("global", global, NULL);
    hd_case("group", group, NULL);
    hd_case("param", elem_mean, elem);

    /* clipping to [min_lr, max_lr] */
    Sched s;
    Params p;
    const char *kv[] = {"beta", "1", "min_lr", "0.05", "max_lr", "0.3", NULL};
    make(&s, &p, "hd", kv, 0.1);
    float w[4] = {0}, g[4] = {1, 1, 1, 1}, dneg[4] = {-1, -1, -1, -1}, dpos[4] = {1, 1, 1, 1};
    double gl[2];
    SchedLr out = {.group = gl, .ngroups = 2};
    SchedStep st = {.step = 1, .w = w, .g = g, .dir_prev = dneg};
    sched_lr(&s, &st, &out);
    CHECK_NEAR(gl[0], 0.05, 1e-15);
    st.dir_prev = dpos;
    sched_lr(&s, &st, &out);
    CHECK_NEAR(gl[0], 0.3, 1e-15);
    sched_destroy(&s);
    params_free(&p);

    /* Armijo on a = 1: f(w - eta g) <= f - c eta |g|^2 holds for eta <= 2 - 2c = 1.8, so the
     * initial step 1 is accepted after one evaluation */
    int64_t evals;
    const char *base[] = {"init_step", "1", NULL};
    CHECK_NEAR(sls_step(1.0, base, &evals), 1.0, 1e-15);
    CHECK(evals == 1);
    /* a = 10: accepted when eta <= (2 - 2c) / a = 0.18, i.e. 0.9^17 = 0.1668 after 17
     * backtracks: 18 evaluations */
    CHECK_NEAR(sls_step(10.0, base, &evals), pow(0.9, 17), 1e-12);
    CHECK(evals == 18);
    /* too few backtracks allowed: the 1e-6 fallback */
    const char *few[] = {"init_step", "1", "max_backtracks", "5", NULL};
    CHECK_NEAR(sls_step(10.0, few, &evals), 1e-6, 1e-15);
    CHECK(evals == 5);
    return check_report();
}
