/* test_nmf.c - the NMF task: gradient against central finite differences for every
 * parameter group (rows inside and outside the minibatch), the stability bound against
 * measured curvature, projection, determinism and a falling loss at a sane learning rate.
 *
 * f_B is quadratic in each single coordinate, so a central difference is exact up to
 * rounding: with h = 1e-2 and float residuals the tolerance is 2e-3 relative
 * (|fd - g| <= 2e-3 * max(|g|, 1e-2)).
 */
#include "check.h"
#include "harness/base/rng.h"
#include "tasks/task.h"

#include <stdlib.h>
#include <string.h>

static Task make(const char *kv[][2], uint64_t seed) {
    const TaskDef *d = task_find("nmf");
    Params p;
    Err e;
    params_init(&p, d->params);
    for (int i = 0; kv[i][0]; i++) CHECK(params_set_text(&p, kv[i][0], kv[i][1], "test", &e) == 0);
    Task t = {.def = d};
    TaskEnv env = {.datadir = "/nonexistent"};
    int rc = task_create(&t, d, &p, seed, &env, "test", &e);
    CHECK(rc == 0);
    if (rc) fprintf(stderr, "%s\n", e.msg);
    params_free(&p);
    return t;
}

static const char *small[][2] = {
    {"dataset", "synthetic"}, {"m", "12"},    {"n", "25"}, {"rank", "3"},
    {"true_rank", "2"},       {"batch", "4"}, {NULL, NULL}};

int main(void) {
    Task t = make(small, 3);
    CHECK(t.ngroups == 2 && strcmp(t.groups[0].name, "W") == 0 &&
          strcmp(t.groups[1].name, "H") == 0);
    CHECK(t.groups[0].n == 12 * 3 && t.groups[1].n == 20 * 3); /* 25 samples, 5 held out */
    CHECK(t.steps_per_epoch == 5);
    for (int64_t step = 0; step < 7; step++) { /* crosses an epoch boundary */
        double f = t.def->train_step(&t, step);
        float *w = xmalloc(sizeof(float) * t.n);
        int nonzero_h = 0;
        for (size_t i = 0; i < t.n; i++) {
            const float h = 1e-2f;
            memcpy(w, t.w, sizeof(float) * t.n);
            w[i] = t.w[i] + h;
            double fp = t.def->loss_at(&t, w);
            w[i] = t.w[i] - h;
            double fm = t.def->loss_at(&t, w);
            double fd = (fp - fm) / (2.0 * (double)h);
            CHECK(fabs(fd - t.g[i]) <= 2e-3 * fmax(fabs(t.g[i]), 1e-2));
            if (i >= t.groups[1].off && t.g[i] != 0) nonzero_h++;
        }
        CHECK(nonzero_h == 4 * 3); /* exactly the batch's rows of H have a gradient */
        CHECK_NEAR(t.def->loss_at(&t, t.w), f, 1e-12);
        /* stability bound: curvature along random directions of each block <= L = c / bound */
        double bound[2];
        t.def->lr_bound(&t, bound);
        Rng r;
        rng_seed(&r, (uint64_t)step);
        for (int gi = 0; gi < 2; gi++) {
            double L = 1.9 / bound[gi], maxcurv = 0;
            for (int trial = 0; trial < 50; trial++) {
                const TaskGroup *g = &t.groups[gi];
                double nd = 0;
                memcpy(w, t.w, sizeof(float) * t.n);
                float *d = xmalloc(sizeof(float) * g->n);
                for (size_t k = 0; k < g->n; k++)
                    d[k] = (float)rng_normal(&r), nd += (double)d[k] * d[k];
                const double s = 1e-1;
                for (size_t k = 0; k < g->n; k++) w[g->off + k] = t.w[g->off + k] + (float)s * d[k];
                double fp = t.def->loss_at(&t, w);
                for (size_t k = 0; k < g->n; k++) w[g->off + k] = t.w[g->off + k] - (float)s * d[k];
                double fm = t.def->loss_at(&t, w);
                double curv = (fp + fm - 2 * f) / (s * s * nd);
                if (curv > maxcurv) maxcurv = curv;
                free(d);
            }
            CHECK(maxcurv <= L * 1.01);
            CHECK(maxcurv >= L * 0.05); /* the bound is not vacuous */
        }
        free(w);
        for (size_t i = 0; i < t.n; i++) t.w[i] -= 0.05f * t.g[i];
        t.def->project(&t);
        for (size_t i = 0; i < t.n; i++) CHECK(t.w[i] >= 0);
    }
    task_destroy(&t);

    /* same seed, same initialisation and the same first minibatch loss; another seed differs */
    Task a = make(small, 11), b = make(small, 11), c = make(small, 12);
    CHECK(memcmp(a.w, b.w, sizeof(float) * a.n) == 0);
    CHECK(memcmp(a.w, c.w, sizeof(float) * a.n) != 0);
    CHECK(a.def->train_step(&a, 0) == b.def->train_step(&b, 0));
    task_destroy(&a), task_destroy(&b), task_destroy(&c);

    /* projected SGD at a fraction of the bound lowers the training objective and the
     * validation loss of a planted low-rank matrix */
    static const char *mid[][2] = {
        {"dataset", "synthetic"}, {"m", "60"}, {"n", "200"}, {"rank", "8"},
        {"batch", "10"},          {NULL, NULL}};
    Task m = make(mid, 5);
    double m0[METRIC_MAX], m1[METRIC_MAX];
    m.def->evaluate(&m, m0);
    for (int64_t step = 0; step < 400; step++) {
        m.def->train_step(&m, step);
        double bound[2];
        m.def->lr_bound(&m, bound);
        for (int gi = 0; gi < 2; gi++) {
            const TaskGroup *g = &m.groups[gi];
            for (size_t k = 0; k < g->n; k++)
                m.w[g->off + k] -= (float)(0.5 * bound[gi]) * m.g[g->off + k];
        }
        m.def->project(&m);
    }
    m.def->evaluate(&m, m1);
    CHECK(m1[METRIC_TRAIN_LOSS] < 0.5 * m0[METRIC_TRAIN_LOSS]);
    CHECK(m1[METRIC_VAL_LOSS] < m0[METRIC_VAL_LOSS]);
    CHECK(m1[METRIC_TASK] < m0[METRIC_TASK] && m1[METRIC_TASK] > 0);
    task_destroy(&m);
    return check_report();
}
