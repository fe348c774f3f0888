/* test_text_tasks.c - the charlm and textcls tasks on their synthetic data (no files needed).
 *
 *   gradients of every group of the variants test_params leave out (the transformer with
 *   GPT-2's init, the MLP language model with tanh and relu, the text MLP with sigmoid and
 *   softmax outputs) against central differences of loss_at at a step of 1e-3:
 *   |fd - g| <= 1e-2 * max(|g|, 0.05 * rms(g)) + 2e-5 on up to 40 coordinates per group;
 *   a coordinate whose steps h and h/2 disagree (a ReLU kink inside the step) is skipped,
 *   at most a quarter of a group;
 *   the loss falls over 200 Adam steps at a sane learning rate (mean of the last 20 steps
 *   against the first 20), and the metrics follow: bpc = val_loss / ln 2 below log2 V,
 *   accuracy above chance;
 *   the same seed gives the same 20 minibatch losses under SGD, another seed other ones;
 *   evaluation data (charlm windows, textcls split) does not depend on the cell seed: the
 *   same parameters give the same metrics in cells of different seeds, and another
 *   split_seed gives another validation set;
 *   with the data cache on (as in lrlab run), textcls builds a configuration's features once:
 *   the cells after the first take them from the cache, train exactly as cells made without
 *   it, and are destroyed without freeing them; another bits or n is another entry;
 *   inconsistent configurations are refused with exit code 2.
 */
#include "check.h"
#include "tasks/data/cache.h"
#include "tasks/task.h"

#include <stdlib.h>
#include <string.h>

static int make(const char *name, const char *kvs, uint64_t seed, Task *t, Err *e) {
    const TaskDef *d = task_find(name);
    CHECK(d != NULL);
    if (!d) return -1;
    Params p;
    params_init(&p, d->params);
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", kvs);
    for (char *save = NULL, *kv = strtok_r(buf, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(kv, '=');
        CHECK(eq != NULL);
        if (!eq) return -1;
        *eq = '\0';
        if (params_set_text(&p, kv, eq + 1, name, e) != 0) {
            fprintf(stderr, "%s\n", e->msg);
            CHECK(0);
        }
    }
    memset(t, 0, sizeof *t);
    t->def = d;
    TaskEnv env = {.datadir = "/nonexistent-lrlab-data"};
    int rc = task_create(t, d, &p, seed, &env, name, e);
    params_free(&p);
    return rc;
}

static int make_ok(const char *name, const char *kvs, uint64_t seed, Task *t) {
    Err e;
    int rc = make(name, kvs, seed, t, &e);
    if (rc) fprintf(stderr, "%s: %s\n", name, e.msg);
    CHECK(rc == 0);
    return rc;
}

static double fd_at(Task *t, float *w, size_t i, float h) {
    memcpy(w, t->w, sizeof(float) * t->n);
    w[i] = t->w[i] + h;
    double fp = t->def->loss_at(t, w);
    w[i] = t->w[i] - h;
    double fm = t->def->loss_at(t, w);
    return (fp - fm) / ((double)(t->w[i] + h) - (double)(t->w[i] - h));
}

static void gradient_check(const char *name, const char *kvs) {
    Task t;
    if (make_ok(name, kvs, 7, &t) != 0) return;
    fprintf(stderr, "gradient %s %s\n", name, kvs);
    float *w = xmalloc(sizeof(float) * t.n);
    for (int64_t step = 0; step < 2; step++) {
        double f = t.def->train_step(&t, step);
        CHECK(isfinite(f));
        CHECK(t.def->loss_at(&t, t.w) == f);
        for (int gi = 0; gi < t.ngroups; gi++) {
            const TaskGroup *g = &t.groups[gi];
            double rms = 0;
            for (size_t k = 0; k < g->n; k++) rms += (double)t.g[g->off + k] * t.g[g->off + k];
            rms = sqrt(rms / (double)g->n);
            size_t stride = g->n > 40 ? g->n / 40 : 1;
            int bad = 0, skipped = 0, tried = 0;
            for (size_t k = 0; k < g->n; k += stride, tried++) {
                size_t i = g->off + k;
                float h = 1e-3f * fmaxf(1.0f, fabsf(t.w[i]));
                double fd = fd_at(&t, w, i, h), fd2 = fd_at(&t, w, i, h / 2);
                double gi_ = t.g[i], tol = 1e-2 * fmax(fabs(gi_), 0.05 * rms) + 2e-5;
                if (fabs(fd - fd2) > tol) {
                    skipped++;
                    continue;
                }
                if (!(fabs(fd - gi_) <= tol) && bad++ < 3)
                    fprintf(stderr, "  group %s index %zu: fd %.8g, gradient %.8g\n", g->name, k,
                            fd, gi_);
            }
            CHECK(bad == 0);
            CHECK(skipped * 4 <= tried);
        }
    }
    free(w);
    task_destroy(&t);
}

/* Adam (beta 0.9, 0.999, eps 1e-8) for `steps` steps; the minibatch losses into loss[]. */
static void train_adam(Task *t, int steps, double lr, double *loss) {
    float *m = xcalloc(t->n, sizeof(float)), *v = xcalloc(t->n, sizeof(float));
    for (int k = 0; k < steps; k++) {
        loss[k] = t->def->train_step(t, k);
        const double c1 = 1 - pow(0.9, k + 1), c2 = 1 - pow(0.999, k + 1);
        for (size_t i = 0; i < t->n; i++) {
            m[i] = 0.9f * m[i] + 0.1f * t->g[i];
            v[i] = 0.999f * v[i] + 0.001f * t->g[i] * t->g[i];
            t->w[i] -= (float)(lr * (m[i] / c1) / (sqrt(v[i] / c2) + 1e-8));
        }
    }
    free(m);
    free(v);
}

static double mean(const double *x, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += x[i];
    return s / n;
}

/* Trains 200 Adam steps; returns the metrics before and after in m0, m1. */
static void learns(const char *name, const char *kvs, double lr, double ratio, double *m0,
                   double *m1) {
    Task t;
    if (make_ok(name, kvs, 1, &t) != 0) return;
    double loss[200];
    t.def->evaluate(&t, m0);
    train_adam(&t, 200, lr, loss);
    t.def->evaluate(&t, m1);
    double first = mean(loss, 20), last = mean(loss + 180, 20);
    fprintf(stderr, "learns %s %s: loss %.4f -> %.4f, val %.4f -> %.4f, metric %.4f -> %.4f\n",
            name, kvs, first, last, m0[METRIC_VAL_LOSS], m1[METRIC_VAL_LOSS], m0[METRIC_TASK],
            m1[METRIC_TASK]);
    CHECK(last < ratio * first);
    CHECK(m1[METRIC_VAL_LOSS] < m0[METRIC_VAL_LOSS]);
    CHECK(m1[METRIC_TRAIN_LOSS] < m0[METRIC_TRAIN_LOSS]);
    task_destroy(&t);
}

/* The same seed gives the same 20 minibatch losses under SGD; another seed other ones. */
static void deterministic(const char *name, const char *kvs) {
    Task a, b, c;
    if (make_ok(name, kvs, 5, &a) || make_ok(name, kvs, 5, &b) || make_ok(name, kvs, 6, &c)) return;
    int same = 1, differ = 0;
    for (int k = 0; k < 20; k++) {
        double la = a.def->train_step(&a, k), lb = b.def->train_step(&b, k);
        double lc = c.def->train_step(&c, k);
        same &= la == lb && memcmp(a.g, b.g, sizeof(float) * a.n) == 0;
        differ |= la != lc;
        for (size_t i = 0; i < a.n; i++) {
            a.w[i] -= 0.1f * a.g[i];
            b.w[i] -= 0.1f * b.g[i];
            c.w[i] -= 0.1f * c.g[i];
        }
    }
    CHECK(same);
    CHECK(differ);
    task_destroy(&a);
    task_destroy(&b);
    task_destroy(&c);
}

/* The same parameters evaluate the same in cells of seeds 1 and 2: evaluation data is fixed. */
static void eval_independent_of_seed(const char *name, const char *kvs, const char *kvs_other) {
    Task a, b, c;
    if (make_ok(name, kvs, 1, &a) || make_ok(name, kvs, 2, &b) || make_ok(name, kvs_other, 1, &c))
        return;
    double loss[50], ma[METRIC_MAX], mb[METRIC_MAX], mc[METRIC_MAX];
    train_adam(&a, 50, 1e-2, loss);
    memcpy(b.w, a.w, sizeof(float) * a.n);
    memcpy(c.w, a.w, sizeof(float) * a.n);
    a.def->evaluate(&a, ma);
    b.def->evaluate(&b, mb);
    c.def->evaluate(&c, mc);
    for (int k = 0; k <= METRIC_TASK; k++) CHECK(ma[k] == mb[k]);
    CHECK(ma[METRIC_VAL_LOSS] != mc[METRIC_VAL_LOSS]);
    task_destroy(&a);
    task_destroy(&b);
    task_destroy(&c);
}

/* The minibatch losses and final gradient of 20 SGD steps; 0 if a cell could not be made. */
static int sgd_run(const char *kvs, double *loss, float **g, size_t *n) {
    Task t;
    if (make_ok("textcls", kvs, 3, &t) != 0) return 0;
    for (int k = 0; k < 20; k++) {
        loss[k] = t.def->train_step(&t, k);
        for (size_t i = 0; i < t.n; i++) t.w[i] -= 0.5f * t.g[i];
    }
    *n = t.n;
    *g = xmalloc(sizeof(float) * t.n);
    memcpy(*g, t.g, sizeof(float) * t.n);
    task_destroy(&t);
    return 1;
}

/* Cells with the data cache on train as cells without it, the second from the first's features. */
static void cached_features(void) {
    const char *kvs[] = {"dataset=synthetic;docs=300;bits=10;batch=8;model=mlp;hidden=8",
                         "dataset=synthetic;docs=300;bits=15;batch=8", /* buckets sorted */
                         "dataset=synthetic;docs=300;bits=10;batch=8;model=mlp;hidden=8;n=2"};
    double plain[3][20], cached[3][2][20];
    float *gp[3] = {0}, *gc[3][2] = {{0}};
    size_t np[3], nc[3][2];
    for (int v = 0; v < 3; v++) CHECK(sgd_run(kvs[v], plain[v], &gp[v], &np[v]));
    datacache_enable();
    size_t size = 0;
    for (int v = 0; v < 3; v++)
        for (int r = 0; r < 2; r++) CHECK(sgd_run(kvs[v], cached[v][r], &gc[v][r], &nc[v][r]));
    /* one entry for each of the three feature sets, of the cache's own record size */
    CHECK(datacache_find("textcls synthetic 300 1 10 3", &size) != NULL && size > 0);
    CHECK(datacache_find("textcls synthetic 300 1 15 3", NULL) != NULL);
    CHECK(datacache_find("textcls synthetic 300 1 10 2", NULL) != NULL);
    datacache_release();
    for (int v = 0; v < 3; v++)
        for (int r = 0; r < 2; r++) {
            CHECK(memcmp(plain[v], cached[v][r], sizeof plain[v]) == 0);
            CHECK(np[v] == nc[v][r] && gp[v] && gc[v][r] &&
                  memcmp(gp[v], gc[v][r], sizeof(float) * np[v]) == 0);
            free(gc[v][r]);
        }
    CHECK(plain[0][0] != plain[2][0]); /* n alone changes the features: it is in the key */
    for (int v = 0; v < 3; v++) free(gp[v]);
}

static void refused(const char *name, const char *kvs, const char *needle) {
    Task t;
    Err e = {0};
    int rc = make(name, kvs, 1, &t, &e);
    CHECK(rc != 0);
    if (rc == 0) {
        task_destroy(&t);
        return;
    }
    CHECK(e.code == EXIT_USAGE);
    CHECK(strstr(e.msg, needle) != NULL);
    if (!strstr(e.msg, needle)) fprintf(stderr, "unexpected message: %s\n", e.msg);
}

int main(void) {
    /* gradients of the variants test_params leave out */
    gradient_check("charlm", "dataset=synthetic;synthetic_chars=3000;context=6;batch=3;"
                             "d_model=8;heads=2;layers=2;eval_batches=1");
    gradient_check("charlm", "dataset=synthetic;synthetic_chars=3000;context=6;batch=3;"
                             "d_model=12;heads=3;layers=1;eval_batches=1;init=pytorch");
    gradient_check("charlm", "dataset=synthetic;synthetic_chars=3000;model=mlp;context=3;"
                             "seq_len=5;batch=2;embed=4;hidden=8;eval_batches=1");
    gradient_check("charlm", "dataset=synthetic;synthetic_chars=3000;model=mlp;context=3;"
                             "seq_len=5;batch=2;embed=4;hidden=8;activation=relu;eval_batches=1");
    gradient_check("textcls", "dataset=synthetic;docs=80;bits=8;batch=5;model=mlp;hidden=6");
    gradient_check("textcls",
                   "dataset=synthetic;docs=80;bits=8;batch=5;model=mlp;hidden=6;output=softmax");
    gradient_check("textcls", "dataset=synthetic;docs=80;bits=8;batch=5;n=2");

    /* learning, and the metrics that follow from it */
    double m0[METRIC_MAX], m1[METRIC_MAX];
    const char *small_gpt = "dataset=synthetic;synthetic_chars=50000;context=16;batch=8;"
                            "d_model=32;heads=4;layers=2;eval_batches=4";
    learns("charlm", small_gpt, 1e-2, 0.85, m0, m1);
    CHECK_NEAR(m1[METRIC_TASK], m1[METRIC_VAL_LOSS] / M_LN2, 1e-12);
    CHECK(fabs(m0[METRIC_TASK] - log2(30.0)) < 0.5); /* starts near uniform over 30 symbols */
    CHECK(m1[METRIC_TASK] > 0 && m1[METRIC_TASK] < log2(30.0) - 1.0);
    learns("charlm",
           "dataset=synthetic;synthetic_chars=50000;model=mlp;context=4;seq_len=16;batch=8;"
           "embed=8;hidden=64;eval_batches=4",
           1e-2, 0.8, m0, m1);
    CHECK(m1[METRIC_TASK] > 0 && m1[METRIC_TASK] < log2(30.0) - 1.0);
    learns("textcls", "dataset=synthetic;docs=1000;bits=12;batch=16", 3e-2, 0.9, m0, m1);
    CHECK(m1[METRIC_TASK] >= 0 && m1[METRIC_TASK] <= 1);
    CHECK(m1[METRIC_TASK] > 0.75);
    learns("textcls", "dataset=synthetic;docs=1000;bits=12;batch=16;model=mlp;hidden=16", 3e-3, 0.9,
           m0, m1);
    CHECK(m1[METRIC_TASK] > 0.75);

    /* determinism and seed independence of the evaluation data */
    deterministic("charlm", "dataset=synthetic;synthetic_chars=3000;context=8;batch=4;"
                            "d_model=16;heads=2;layers=2;eval_batches=2");
    deterministic("charlm", "dataset=synthetic;synthetic_chars=3000;model=mlp;context=4;"
                            "seq_len=8;batch=4;embed=4;hidden=16;eval_batches=2");
    deterministic("textcls", "dataset=synthetic;docs=200;bits=10;batch=8;model=mlp;hidden=8");
    eval_independent_of_seed(
        "charlm", "dataset=synthetic;synthetic_chars=5000;context=8;batch=4;d_model=16;heads=2",
        "dataset=synthetic;synthetic_chars=5000;context=8;batch=4;d_model=16;heads=2;"
        "val_fraction=0.2");
    eval_independent_of_seed("textcls", "dataset=synthetic;docs=300;bits=10;batch=8",
                             "dataset=synthetic;docs=300;bits=10;batch=8;split_seed=2");

    cached_features();

    /* configurations the tasks refuse */
    refused("charlm", "dataset=synthetic;d_model=10;heads=4", "heads: does not divide d_model");
    refused("charlm", "dataset=synthetic;synthetic_chars=300;context=64",
            "val_fraction: leaves a part shorter than one window");
    refused("textcls", "dataset=synthetic;docs=20;batch=32", "batch: larger than the training");
    refused("textcls", "dataset=synthetic;output=softmax", "output: softmax needs model");
    return check_report();
}
