/* test_synthetic.c - the synthetic tasks (quadratic, rosenbrock, rastrigin) and their noise:
 *   exact clean gradients and values at hand-computed points; the quadratic's Hessian
 *   (from gradient differences) is symmetric with the stated spectrum (trace, Frobenius
 *   norm) and fixed by problem_seed alone; noise=none gives the clean loss;
 *   gaussian noise has mean 0, variance sigma^2 (gradient) and loss_sigma^2 (observed loss),
 *   no correlation between steps (statistical checks at 5 standard errors);
 *   the step's draw is the same in train_step and loss_at (f_t(v) - f(v) is linear in v with
 *   slope g - grad f), and loss_at draws nothing;
 *   spikes happen at spike_prob and are spike_scale times the gaussian draw of that step;
 *   periodic noise repeats with its period and has per-coordinate RMS sigma over a cycle;
 *   gradient descent at a sane learning rate lowers the clean objective with noise off;
 *   train_step(t) is deterministic in (seed, t), whatever the order of calls.
 */
#include "check.h"
#include "harness/base/rng.h"
#include "tasks/task.h"

#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

static Task make(const char *name, const char *kv, uint64_t seed) {
    const TaskDef *d = task_find(name);
    CHECK(d != NULL);
    Params p;
    Err e;
    params_init(&p, d->params);
    char buf[512];
    snprintf(buf, sizeof buf, "%s", kv);
    for (char *save = NULL, *s = strtok_r(buf, ";", &save); s; s = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(s, '=');
        *eq = '\0';
        if (params_set_text(&p, s, eq + 1, "test", &e) != 0) {
            fprintf(stderr, "%s\n", e.msg);
            CHECK(0);
        }
    }
    Task t = {.def = d};
    TaskEnv env = {.datadir = "/nonexistent"};
    int rc = task_create(&t, d, &p, seed, &env, "test", &e);
    if (rc) fprintf(stderr, "%s\n", e.msg);
    CHECK(rc == 0);
    params_free(&p);
    return t;
}

static void set_w(Task *t, const float *w) { memcpy(t->w, w, sizeof(float) * t->n); }

static double metric(Task *t) {
    double m[METRIC_MAX];
    t->def->evaluate(t, m);
    CHECK(m[METRIC_TRAIN_LOSS] == m[METRIC_TASK] && m[METRIC_VAL_LOSS] == m[METRIC_TASK]);
    return m[METRIC_TASK];
}

/* ---- clean objectives at hand-computed points ---- */

static void rosenbrock_values(void) {
    Task t = make("rosenbrock", "dim=2;noise=none", 1);
    set_w(&t, (float[]){-1.5f, 0.5f});
    /* a = 0.5 - 2.25 = -1.75, b = 2.5: f = 100 a^2 + b^2 = 312.5,
     * g0 = -400 x a - 2 b = -1055, g1 = 200 a = -350 */
    CHECK_NEAR(t.def->train_step(&t, 0), 312.5, 1e-12);
    CHECK_NEAR(t.g[0], -1055.0, 1e-7);
    CHECK_NEAR(t.g[1], -350.0, 1e-7);
    CHECK_NEAR(metric(&t), 312.5, 1e-12);
    task_destroy(&t);

    t = make("rosenbrock", "dim=3;noise=none", 1);
    set_w(&t, (float[]){1.0f, 2.0f, 0.5f});
    /* term 0: a = 1, b = 0 -> 100; term 1: a = 0.5 - 4 = -3.5, b = -1 -> 1226; f = 1326.
     * g0 = -400; g1 = 200 * 1 + (-400 * 2 * -3.5 - 2 * -1) = 3002; g2 = 200 * -3.5 = -700 */
    CHECK_NEAR(t.def->train_step(&t, 0), 1326.0, 1e-12);
    CHECK_NEAR(t.g[0], -400.0, 1e-7);
    CHECK_NEAR(t.g[1], 3002.0, 1e-7);
    CHECK_NEAR(t.g[2], -700.0, 1e-7);
    set_w(&t, (float[]){0.0f, 0.0f, 0.0f}); /* f = 2, g = (-2, -2, 0) */
    CHECK_NEAR(t.def->train_step(&t, 1), 2.0, 1e-12);
    CHECK(t.g[0] == -2.0f && t.g[1] == -2.0f && t.g[2] == 0.0f);
    set_w(&t, (float[]){1.0f, 1.0f, 1.0f}); /* the minimum: f = 0, g = 0 */
    CHECK(t.def->train_step(&t, 2) == 0.0 && metric(&t) == 0.0);
    CHECK(t.g[0] == 0.0f && t.g[1] == 0.0f && t.g[2] == 0.0f);
    /* start near (-1.2, 1, -1.2) within the jitter */
    Task s = make("rosenbrock", "dim=3;noise=none;jitter=0.1", 7);
    CHECK(fabs(s.w[0] + 1.2) <= 0.1 + 1e-6 && fabs(s.w[1] - 1.0) <= 0.1 + 1e-6 &&
          fabs(s.w[2] + 1.2) <= 0.1 + 1e-6);
    task_destroy(&s);
    task_destroy(&t);
}

static void rastrigin_values(void) {
    Task t = make("rastrigin", "dim=2;noise=none", 1);
    set_w(&t, (float[]){0.5f, 0.25f});
    /* f = 20 + (0.25 - 10 cos pi) + (0.0625 - 10 cos pi/2) = 30.3125;
     * g = 2 w + 2 pi A sin(2 pi w) = (1, 0.5 + 20 pi) */
    CHECK_NEAR(t.def->train_step(&t, 0), 30.3125, 1e-12);
    CHECK_NEAR(t.g[0], 1.0, 1e-6);
    CHECK_NEAR(t.g[1], 0.5 + 20 * PI, 1e-7);
    set_w(&t, (float[]){0.0f, 0.0f}); /* global minimum */
    CHECK(fabs(t.def->train_step(&t, 1)) < 1e-12 && t.g[0] == 0.0f && t.g[1] == 0.0f);
    task_destroy(&t);

    t = make("rastrigin", "dim=2;noise=none;A=3", 1);
    set_w(&t, (float[]){1.0f, -0.5f}); /* f = 6 + (1 - 3) + (0.25 + 3) = 7.25, g = (2, -1) */
    CHECK_NEAR(t.def->train_step(&t, 0), 7.25, 1e-12);
    CHECK_NEAR(t.g[0], 2.0, 1e-6);
    CHECK_NEAR(t.g[1], -1.0, 1e-6);
    task_destroy(&t);

    Task s = make("rastrigin", "dim=50;noise=none;init_range=2", 3);
    for (size_t i = 0; i < s.n; i++) CHECK(fabsf(s.w[i]) <= 2.0f);
    task_destroy(&s);
}

/* Hessian columns H e_i = g(e_i) - g(0) of a noise-free quadratic. */
static void hessian(Task *t, double *H) {
    const int n = (int)t->n;
    float *w = calloc((size_t)n, sizeof(float));
    double *g0 = malloc(sizeof(double) * (size_t)n);
    set_w(t, w);
    t->def->train_step(t, 0);
    for (int i = 0; i < n; i++) g0[i] = t->g[i];
    for (int j = 0; j < n; j++) {
        w[j] = 1.0f;
        set_w(t, w);
        t->def->train_step(t, 0);
        for (int i = 0; i < n; i++) H[(size_t)i * n + j] = t->g[i] - g0[i];
        w[j] = 0.0f;
    }
    free(w);
    free(g0);
}

static void quadratic_values(void) {
    /* diagonal: lambda = 1, 10, 100; g = Lambda (w - w*) and f = sum g_i^2 / (2 lambda_i) */
    Task t = make("quadratic", "dim=3;condition=100;rotate=false;noise=none", 1);
    double H[25];
    hessian(&t, H);
    const double lam[3] = {1, 10, 100};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) CHECK_NEAR(H[i * 3 + j], i == j ? lam[i] : 0.0, 1e-5);
    set_w(&t, (float[]){0.5f, -1.0f, 2.0f});
    double f = t.def->train_step(&t, 0), want = 0;
    for (int i = 0; i < 3; i++) want += (double)t.g[i] * t.g[i] / (2 * lam[i]);
    CHECK_NEAR(f, want, 1e-6);
    CHECK_NEAR(metric(&t), f, 1e-12);
    /* the minimiser w* = w - g / lambda has f = 0 */
    float ws[3];
    for (int i = 0; i < 3; i++) ws[i] = (float)(t.w[i] - t.g[i] / lam[i]);
    set_w(&t, ws);
    CHECK(fabs(t.def->train_step(&t, 1)) < 1e-10);
    task_destroy(&t);

    /* rotated: symmetric, not diagonal, trace = sum lambda, |H|_F^2 = sum lambda^2, and
     * f(e_i) - f(0) = g(0)_i + H_ii / 2 */
    enum { N = 5 };
    t = make("quadratic", "dim=5;condition=1000;noise=none", 1);
    double A[N * N];
    hessian(&t, A);
    double tr = 0, fro = 0, off = 0, sl = 0, sl2 = 0;
    for (int i = 0; i < N; i++) {
        double l = pow(1000.0, i / 4.0);
        sl += l;
        sl2 += l * l;
        tr += A[i * N + i];
        for (int j = 0; j < N; j++) {
            fro += A[i * N + j] * A[i * N + j];
            if (i != j) off = fmax(off, fabs(A[i * N + j]));
            CHECK_NEAR(A[i * N + j], A[j * N + i], 1e-4);
        }
    }
    CHECK_NEAR(tr, sl, 1e-5);
    CHECK_NEAR(fro, sl2, 1e-5);
    CHECK(off > 1.0);
    float w[N] = {0};
    set_w(&t, w);
    double f0 = t.def->train_step(&t, 0), g0[N];
    for (int i = 0; i < N; i++) g0[i] = t.g[i];
    for (int i = 0; i < N; i++) {
        w[i] = 1.0f;
        CHECK_NEAR(t.def->loss_at(&t, w) - f0, g0[i] + A[i * N + i] / 2, 1e-5);
        w[i] = 0.0f;
    }
    /* the problem depends on problem_seed only: another cell seed, same problem, other start */
    Task u = make("quadratic", "dim=5;condition=1000;noise=none", 2);
    Task v = make("quadratic", "dim=5;condition=1000;noise=none;problem_seed=2", 1);
    CHECK(memcmp(u.w, t.w, sizeof w) != 0);
    set_w(&u, w);
    set_w(&v, w);
    CHECK(u.def->train_step(&u, 0) == f0 && v.def->train_step(&v, 0) != f0);
    for (int i = 0; i < N; i++) CHECK(u.g[i] == (float)g0[i]);
    CHECK(t.ngroups == 2 && strcmp(t.groups[0].name, "w.a") == 0 && t.groups[0].n == 2 &&
          strcmp(t.groups[1].name, "w.b") == 0 && t.groups[1].off == 2 && t.groups[1].n == 3);
    CHECK(t.steps_per_epoch == 100);
    task_destroy(&u);
    task_destroy(&v);
    task_destroy(&t);
}

/* ---- noise ---- */

static void noise_none_is_clean(void) {
    const char *names[] = {"quadratic", "rosenbrock", "rastrigin"};
    for (int k = 0; k < 3; k++) {
        Task t = make(names[k], "dim=8;noise=none", 5);
        for (int64_t step = 0; step < 5; step++) {
            double f = t.def->train_step(&t, step);
            CHECK(f == metric(&t));
            CHECK(t.def->loss_at(&t, t.w) == f);
        }
        task_destroy(&t);
    }
}

/* Statistics of g - grad f and loss - f at a fixed point over `steps` steps. */
static void gaussian_statistics(void) {
    enum { N = 50, STEPS = 2000 };
    const double sigma = 0.5, lsig = 0.2;
    Task c = make("quadratic", "dim=50;noise=none", 1);
    Task t = make("quadratic", "dim=50;noise=gaussian;sigma=0.5;loss_sigma=0.2", 1);
    double f0 = c.def->train_step(&c, 0), g0[N], prev[N];
    for (int i = 0; i < N; i++) g0[i] = c.g[i];
    double s1 = 0, s2 = 0, lag = 0, l1 = 0, l2 = 0, mean_i[N] = {0};
    for (int64_t step = 0; step < STEPS; step++) {
        double f = t.def->train_step(&t, step) - f0;
        l1 += f;
        l2 += f * f;
        for (int i = 0; i < N; i++) {
            double x = (double)t.g[i] - g0[i];
            s1 += x;
            s2 += x * x;
            mean_i[i] += x / STEPS;
            if (step > 0) lag += x * prev[i];
            prev[i] = x;
        }
    }
    const double m = (double)N * STEPS;
    CHECK(fabs(s1 / m) < 5 * sigma / sqrt(m));
    CHECK(fabs(s2 / m / (sigma * sigma) - 1) < 5 * sqrt(2 / m));
    CHECK(fabs(lag / (m - N) / (sigma * sigma)) < 5 / sqrt(m - N));
    for (int i = 0; i < N; i++) CHECK(fabs(mean_i[i]) < 5 * sigma / sqrt((double)STEPS));
    CHECK(fabs(l1 / STEPS) < 5 * lsig / sqrt((double)STEPS));
    CHECK(fabs(l2 / STEPS / (lsig * lsig) - 1) < 5 * sqrt(2.0 / STEPS));
    /* loss_sigma unset means sigma */
    Task d = make("quadratic", "dim=50;noise=gaussian;sigma=0.5", 1);
    l2 = 0;
    for (int64_t step = 0; step < STEPS; step++) {
        double f = d.def->train_step(&d, step) - f0;
        l2 += f * f;
    }
    CHECK(fabs(l2 / STEPS / (sigma * sigma) - 1) < 5 * sqrt(2.0 / STEPS));
    task_destroy(&d);
    task_destroy(&c);
    task_destroy(&t);
}

/* f_t(v) - f(v) = (g - grad f(w)) . (v - w) + (f_t(w) - f(w)) for every trial v. */
static void same_draw_in_loss_at(const char *name, const char *noise) {
    char kv[128];
    snprintf(kv, sizeof kv, "dim=12;noise=%s;sigma=0.3", noise);
    Task t = make(name, kv, 9), c = make(name, "dim=12;noise=none", 9), fresh = make(name, kv, 9);
    const size_t n = t.n;
    float *v = malloc(sizeof(float) * n);
    Rng r;
    rng_seed(&r, 42);
    for (int64_t step = 0; step < 20; step++) {
        double f = t.def->train_step(&t, step), fc = c.def->train_step(&c, step);
        CHECK(t.def->loss_at(&t, t.w) == f);
        for (int trial = 0; trial < 3; trial++) {
            double lin = 0, tol = 1e-9; /* g and grad f are floats: 2^-24 relative each */
            for (size_t i = 0; i < n; i++) {
                v[i] = t.w[i] + (float)(0.1 * rng_normal(&r));
                const double dv = (double)v[i] - t.w[i];
                lin += ((double)t.g[i] - c.g[i]) * dv;
                tol += 1e-6 * (fabs(t.g[i]) + fabs(c.g[i])) * fabs(dv);
            }
            double got = t.def->loss_at(&t, v) - c.def->loss_at(&c, v);
            CHECK(fabs(got - (lin + (f - fc))) <= tol);
        }
        CHECK(t.def->loss_at(&t, t.w) == f); /* loss_at drew nothing */
    }
    /* a task that only ever ran train_step sees the same step 19 */
    double f19 = fresh.def->train_step(&fresh, 19);
    CHECK(f19 == t.def->train_step(&t, 19));
    CHECK(memcmp(fresh.g, t.g, sizeof(float) * n) == 0);
    free(v);
    task_destroy(&t);
    task_destroy(&c);
    task_destroy(&fresh);
}

static void spikes(void) {
    enum { N = 100, STEPS = 4000 };
    const double p = 0.05, scale = 10;
    Task c = make("quadratic", "dim=100;rotate=false;noise=none", 1);
    Task s =
        make("quadratic", "dim=100;rotate=false;noise=spikes;spike_prob=0.05;spike_scale=10", 1);
    Task g = make("quadratic", "dim=100;rotate=false;noise=gaussian", 1);
    double f0 = c.def->train_step(&c, 0), g0[N];
    for (int i = 0; i < N; i++) g0[i] = c.g[i];
    int spiked = 0, consistent = 1;
    for (int64_t step = 0; step < STEPS; step++) {
        double fs = s.def->train_step(&s, step) - f0, fg = g.def->train_step(&g, step) - f0;
        double nrm = 0;
        for (int i = 0; i < N; i++) nrm += ((double)s.g[i] - g0[i]) * ((double)s.g[i] - g0[i]);
        /* |xi| is about sigma sqrt(N) = 1 (never 3) unspiked, 10 spiked */
        const int hit = sqrt(nrm) > 3.0;
        spiked += hit;
        const double m = hit ? scale : 1.0;
        if (fabs(fs - m * fg) > 1e-9 * fmax(1, fabs(fs))) consistent = 0;
        for (int i = 0; i < N; i++)
            if (fabs(((double)s.g[i] - g0[i]) - m * ((double)g.g[i] - g0[i])) >
                2e-6 * m * (fabs(g0[i]) + 1))
                consistent = 0;
    }
    double rate = (double)spiked / STEPS;
    CHECK(fabs(rate - p) < 5 * sqrt(p * (1 - p) / STEPS));
    CHECK(consistent); /* spiked steps are scale x the gaussian draw, others identical */
    task_destroy(&c);
    task_destroy(&s);
    task_destroy(&g);
}

static void periodic(void) {
    enum { N = 20, P = 40 };
    const double sigma = 0.2;
    Task c = make("rastrigin", "dim=20;noise=none", 3);
    Task t = make("rastrigin", "dim=20;noise=periodic;period=40;sigma=0.2;loss_sigma=0.1", 3);
    double f0 = c.def->train_step(&c, 0), g0[N], ms[N] = {0}, u[N];
    for (int i = 0; i < N; i++) g0[i] = c.g[i];
    CHECK(t.def->train_step(&t, 0) == f0); /* sin 0 = 0 */
    CHECK_NEAR(t.def->train_step(&t, P / 4) - f0, sqrt(2.0) * 0.1, 1e-9);
    for (int i = 0; i < N; i++) u[i] = ((double)t.g[i] - g0[i]) / (sqrt(2.0) * sigma);
    for (int64_t step = 0; step < P; step++) {
        double f = t.def->train_step(&t, step);
        float g[N];
        memcpy(g, t.g, sizeof g);
        CHECK(t.def->train_step(&t, step + 3 * P) == f);
        CHECK(memcmp(g, t.g, sizeof g) == 0);
        for (int i = 0; i < N; i++) ms[i] += ((double)g[i] - g0[i]) * ((double)g[i] - g0[i]) / P;
    }
    for (int i = 0; i < N; i++) CHECK_NEAR(ms[i], sigma * sigma * u[i] * u[i], 1e-4);
    task_destroy(&c);
    task_destroy(&t);
}

/* ---- descent and determinism ---- */

static double descend(Task *t, double lr, int64_t steps, int *monotone) {
    double prev = metric(t);
    *monotone = 1;
    for (int64_t step = 0; step < steps; step++) {
        t->def->train_step(t, step);
        for (size_t i = 0; i < t->n; i++) t->w[i] -= (float)lr * t->g[i];
        double f = metric(t);
        if (!(f <= prev)) *monotone = 0;
        prev = f;
    }
    return prev;
}

static void gradient_descent(void) {
    int mono;
    Task q = make("quadratic", "noise=none", 1); /* dim 100, condition 100: L = 100 */
    double q0 = metric(&q), q1 = descend(&q, 1.0 / 100, 500, &mono);
    CHECK(mono && q1 < 1e-2 * q0);
    Task r = make("rosenbrock", "noise=none", 1);
    double r0 = metric(&r), r1 = descend(&r, 2e-4, 3000, &mono);
    CHECK(mono && r1 < 0.5 * r0);
    Task a = make("rastrigin", "noise=none", 1);
    double a0 = metric(&a), a1 = descend(&a, 1e-3, 500, &mono);
    CHECK(mono && a1 < a0);
    fprintf(stderr, "descent: quadratic %g -> %g, rosenbrock %g -> %g, rastrigin %g -> %g\n", q0,
            q1, r0, r1, a0, a1);
    task_destroy(&q);
    task_destroy(&r);
    task_destroy(&a);
}

static void determinism(void) {
    const char *names[] = {"quadratic", "rosenbrock", "rastrigin"};
    for (int k = 0; k < 3; k++) {
        Task a = make(names[k], "dim=10;noise=spikes;spike_prob=0.3", 4);
        Task b = make(names[k], "dim=10;noise=spikes;spike_prob=0.3", 4);
        Task c = make(names[k], "dim=10;noise=spikes;spike_prob=0.3", 5);
        CHECK(memcmp(a.w, b.w, sizeof(float) * a.n) == 0);
        CHECK(memcmp(a.w, c.w, sizeof(float) * a.n) != 0);
        memcpy(c.w, a.w, sizeof(float) * a.n);
        double fa[10], fb[10];
        float ga[10][10], gb[10][10];
        for (int s = 0; s < 10; s++) { /* forward in a, backward in b */
            fa[s] = a.def->train_step(&a, s);
            memcpy(ga[s], a.g, sizeof ga[s]);
            fb[9 - s] = b.def->train_step(&b, 9 - s);
            memcpy(gb[9 - s], b.g, sizeof gb[s]);
        }
        CHECK(memcmp(fa, fb, sizeof fa) == 0 && memcmp(ga, gb, sizeof ga) == 0);
        CHECK(c.def->train_step(&c, 0) != fa[0]); /* another seed, another draw */
        /* identical trajectories under the same updates */
        for (int64_t s = 0; s < 50; s++) {
            double x = a.def->train_step(&a, s), y = b.def->train_step(&b, s);
            CHECK(x == y);
            for (size_t i = 0; i < a.n; i++) {
                a.w[i] -= 1e-4f * a.g[i];
                b.w[i] -= 1e-4f * b.g[i];
            }
        }
        CHECK(memcmp(a.w, b.w, sizeof(float) * a.n) == 0);
        task_destroy(&a);
        task_destroy(&b);
        task_destroy(&c);
    }
}

int main(void) {
    rosenbrock_values();
    rastrigin_values();
    quadratic_values();
    noise_none_is_clean();
    gaussian_statistics();
    const char *names[] = {"quadratic", "rosenbrock", "rastrigin"};
    const char *kinds[] = {"gaussian", "periodic", "spikes"};
    for (int k = 0; k < 3; k++)
        for (int j = 0; j < 3; j++) same_draw_in_loss_at(names[k], kinds[j]);
    spikes();
    periodic();
    gradient_descent();
    determinism();
    return check_report();
}
