/* test_tasks.c - properties every registered task must have, with its test_params:
 *   the gradient of every parameter group against central finite differences of the same
 *   minibatch's loss (loss_at), in double: |fd - g| <= 5e-3 * max(|g|, 0.05 * rms(g)) + 1e-5,
 *   checked on up to 40 coordinates per group spread over the group; for a piecewise-smooth
 *   task (ReLU, max-pool: a difference of step 1e-2 crosses kinks) the central difference of
 *   each group's loss along its own gradient direction, step 1e-4, is |g| within 10%;
 *   the same seed gives the same initialisation and minibatch losses, another seed another;
 *   no NaN at initialisation; evaluate() fills finite train and validation losses;
 *   a few steps of plain gradient descent at a small learning rate lower the minibatch loss
 *   on the same batch (loss_at).
 * The central-difference step is 1e-2 relative to the coordinate's scale (floats).
 */
#include "check.h"
#include "tasks/task.h"

#include <stdlib.h>
#include <string.h>

static int make(const TaskDef *d, uint64_t seed, Task *t) {
    Params p;
    Err e;
    params_init(&p, d->params);
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", d->test_params);
    for (char *save = NULL, *kv = strtok_r(buf, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(kv, '=');
        CHECK(eq != NULL);
        if (!eq) return -1;
        *eq = '\0';
        if (params_set_text(&p, kv, eq + 1, d->name, &e) != 0) {
            fprintf(stderr, "%s\n", e.msg);
            CHECK(0);
        }
    }
    memset(t, 0, sizeof *t);
    t->def = d;
    TaskEnv env = {.datadir = "/nonexistent-lrlab-data"};
    int rc = task_create(t, d, &p, seed, &env, d->name, &e);
    if (rc) fprintf(stderr, "%s: %s\n", d->name, e.msg);
    CHECK(rc == 0);
    params_free(&p);
    return rc;
}

static void gradient_check(Task *t) {
    float *w = xmalloc(sizeof(float) * t->n);
    for (int64_t step = 0; step < 3; step++) {
        double f = t->def->train_step(t, step);
        CHECK(isfinite(f));
        CHECK_NEAR(t->def->loss_at(t, t->w), f, 1e-9);
        for (int gi = 0; gi < t->ngroups; gi++) {
            const TaskGroup *g = &t->groups[gi];
            double rms = 0;
            for (size_t k = 0; k < g->n; k++) rms += (double)t->g[g->off + k] * t->g[g->off + k];
            rms = sqrt(rms / (double)g->n);
            if (t->def->piecewise_smooth) {
                const double nrm = rms * sqrt((double)g->n), eps = 1e-4;
                if (nrm == 0) continue;
                double fpm[2], dist = 0;
                for (int s = 0; s < 2; s++) {
                    memcpy(w, t->w, sizeof(float) * t->n);
                    for (size_t k = 0; k < g->n; k++)
                        w[g->off + k] += (float)((s ? -eps : eps) * t->g[g->off + k] / nrm);
                    fpm[s] = t->def->loss_at(t, w);
                    for (size_t k = 0; k < g->n; k++) /* the step floats actually took */
                        dist += (s ? -1 : 1) * (double)w[g->off + k] * t->g[g->off + k] / nrm;
                }
                double slope = (fpm[0] - fpm[1]) / dist;
                if (!(fabs(slope / nrm - 1) <= 0.1))
                    fprintf(stderr, "%s: group %s: slope along g %.8g, |g| %.8g\n", t->def->name,
                            g->name, slope, nrm);
                CHECK(fabs(slope / nrm - 1) <= 0.1);
                continue;
            }
            size_t stride = g->n > 40 ? g->n / 40 : 1;
            int bad = 0;
            for (size_t k = 0; k < g->n; k += stride) {
                size_t i = g->off + k;
                float h = 1e-2f * fmaxf(1.0f, fabsf(t->w[i]));
                memcpy(w, t->w, sizeof(float) * t->n);
                w[i] = t->w[i] + h;
                double fp = t->def->loss_at(t, w);
                w[i] = t->w[i] - h;
                double fm = t->def->loss_at(t, w);
                double fd = (fp - fm) / ((double)(t->w[i] + h) - (double)(t->w[i] - h));
                double gi_ = t->g[i];
                if (!(fabs(fd - gi_) <= 5e-3 * fmax(fabs(gi_), 0.05 * rms) + 1e-5)) {
                    if (bad++ < 3)
                        fprintf(stderr, "%s: group %s index %zu: fd %.8g, gradient %.8g\n",
                                t->def->name, g->name, k, fd, gi_);
                }
            }
            CHECK(bad == 0);
        }
        /* a small gradient step lowers the same minibatch's loss */
        double gg = 0;
        for (size_t i = 0; i < t->n; i++) gg += (double)t->g[i] * t->g[i];
        double eta = 1e-3 / fmax(1.0, sqrt(gg));
        for (size_t i = 0; i < t->n; i++) w[i] = t->w[i] - (float)eta * t->g[i];
        if (gg > 0) CHECK(t->def->loss_at(t, w) < f);
    }
    free(w);
}

int main(void) {
    int ntasks = 0;
    for (int i = 0; task_registry[i]; i++, ntasks++) {
        const TaskDef *d = task_registry[i];
        fprintf(stderr, "task %s\n", d->name);
        CHECK(d->name && d->summary && d->params && d->metric && d->test_params);
        CHECK(d->create && d->train_step && d->loss_at && d->evaluate && d->destroy);
        CHECK(task_find(d->name) == d);
        Task a, b, c;
        if (make(d, 1, &a) != 0) continue;
        CHECK(make(d, 1, &b) == 0 && make(d, 2, &c) == 0);
        CHECK(a.ngroups >= 1 && a.n > 0);
        size_t covered = 0;
        for (int gi = 0; gi < a.ngroups; gi++) {
            CHECK(a.groups[gi].off == covered);
            CHECK((size_t)a.groups[gi].rows * (size_t)a.groups[gi].cols == a.groups[gi].n);
            covered += a.groups[gi].n;
        }
        CHECK(covered == a.n);
        for (size_t k = 0; k < a.n; k++) CHECK(isfinite(a.w[k]));
        CHECK(memcmp(a.w, b.w, sizeof(float) * a.n) == 0);
        CHECK(memcmp(a.w, c.w, sizeof(float) * a.n) != 0);
        CHECK(a.def->train_step(&a, 0) == b.def->train_step(&b, 0));
        double m[METRIC_MAX];
        a.def->evaluate(&a, m);
        CHECK(isfinite(m[METRIC_TRAIN_LOSS]) && isfinite(m[METRIC_VAL_LOSS]) &&
              isfinite(m[METRIC_TASK]));
        gradient_check(&a);
        task_destroy(&a);
        task_destroy(&b);
        task_destroy(&c);
    }
    CHECK(ntasks >= 1);
    return check_report();
}
