/* bitcheck.c - prints, with %a, what a few training steps of each benchmarked task
 * configuration compute, so that two builds can be compared byte for byte (a change meant to
 * speed a task up must not change one bit of it; scripts/bench/RESULTS.md).
 *
 * For each configuration below (eighteen): create the task (cell seed 1), then STEPS steps of
 * train_step and the optimizer's update at a constant learning rate, as harness/train.c
 * makes them; after each step it prints the minibatch loss, loss_at at the new parameters
 * (what a line search calls), and an FNV-1a hash of the parameter and gradient bytes; after
 * the last step every parameter and gradient, and the evaluation's metrics.
 *
 * usage: bitcheck [STEPS (12)] > OUT   (LRLAB_DATA: the data folder, default data)
 * Build: cmake --build build --target bitcheck (build/bench/bitcheck); to compare with an
 * older commit, build that commit's tree the same way and diff the two outputs.
 */
#include "harness/base/blas.h"
#include "harness/optim/optim.h"
#include "tasks/task.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *task, *kvs, *optim, *okvs;
    double lr;
} Config;

static const Config configs[] = {
    {"charlm", "dataset=kjv;model=transformer;layers=2;d_model=64;heads=4;batch=16;context=64",
     "adam", "", 3e-3},
    {"charlm", "dataset=synthetic;model=transformer;init=pytorch;batch=4;context=32;d_model=32",
     "adamw", "weight_decay=0.1", 1e-3},
    {"charlm", "dataset=kjv;model=transformer;batch=3;context=13;d_model=24;heads=3", "adam", "",
     3e-3}, /* rows and context not multiples of 8 */
    {"charlm", "dataset=kjv;model=mlp;activation=tanh", "adam", "amsgrad=true", 3e-3},
    {"charlm", "dataset=mobydick;model=mlp;activation=relu", "sgd", "momentum=0.9", 0.05},
    {"mlp", "dataset=fashion;widths=256;batch=128", "sgd", "", 0.1},
    {"mlp", "dataset=mnist;widths=128,64;batch=32", "adam", "", 1e-3},
    {"mlp", "dataset=synthetic;widths=64;batch=16", "sgd", "momentum=0.9;weight_decay=1e-4", 0.05},
    {"cnn", "dataset=fashion", "sgd", "", 0.05},
    {"cnn", "dataset=fashion;batch=128", "adam", "", 1e-3},
    {"cnn", "dataset=synthetic", "adam", "weight_decay=1e-3", 1e-3},
    {"cnn", "dataset=fashion;c1=16;c2=32;hidden=128;batch=128", "sgd", "momentum=0.9", 0.02},
    {"cnn", "dataset=mnist;c1=3;c2=5;hidden=7;batch=9", "sgd", "", 40.0},     /* dead ReLUs */
    {"cnn", "dataset=synthetic;c1=2;c2=3;hidden=5;batch=4", "sgd", "", 1e12}, /* inf, NaN */
    {"nmf", "dataset=faces;rank=16;batch=16", "sgd", "", 0.1},
    {"nmf", "dataset=fashion;samples=2000;rank=16;batch=32", "adam", "", 1e-2},
    {"nmf", "dataset=kjv;vocab=1024;rank=16;batch=32", "adafactor", "", 1e-2},
    {"nmf", "dataset=synthetic;m=256;n=500;true_rank=10;rank=10;noise=0.1;batch=25", "adagrad", "",
     0.1},
};

static uint64_t fnv(const void *p, size_t n) {
    const unsigned char *b = p;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

static void set_all(Params *p, const char *kvs) {
    char buf[512];
    Err e = {0};
    snprintf(buf, sizeof buf, "%s", kvs);
    for (char *save = NULL, *kv = strtok_r(buf, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(kv, '=');
        LR_ASSERT(eq != NULL);
        *eq = '\0';
        if (params_set_text(p, kv, eq + 1, "bitcheck", &e) != 0) {
            err_print(&e);
            exit(2);
        }
    }
}

static void run(const Config *c, int steps, const char *datadir) {
    Err e = {0};
    const TaskDef *def = task_find(c->task);
    const OptimDef *od = optim_find(c->optim);
    LR_ASSERT(def && od);
    Params tp, op;
    params_init(&tp, def->params);
    params_init(&op, od->params);
    set_all(&tp, c->kvs);
    set_all(&op, c->okvs);
    Task t = {.def = def};
    Optim o;
    TaskEnv env = {.datadir = datadir};
    if (def->create(&t, &tp, 1, &env, "bitcheck", &e) != 0 ||
        optim_create(&o, od, &op, &t, &e) != 0) {
        err_print(&e);
        exit(2);
    }
    printf("config %s %s %s %s lr %a\n", c->task, c->kvs, c->optim, c->okvs, c->lr);
    for (int step = 0; step < steps; step++) {
        const double loss = def->train_step(&t, step);
        for (int gi = 0; gi < t.ngroups; gi++) {
            const TaskGroup *grp = &t.groups[gi];
            o.def->step(o.st, step + 1, grp, t.w + grp->off, t.g + grp->off, c->lr, NULL, NULL);
        }
        if (def->project) def->project(&t);
        const double at = def->loss_at ? def->loss_at(&t, t.w) : 0;
        printf("step %d loss %a loss_at %a w %016" PRIx64 " g %016" PRIx64 "\n", step, loss, at,
               fnv(t.w, sizeof(float) * t.n), fnv(t.g, sizeof(float) * t.n));
    }
    for (size_t i = 0; i < t.n; i++) printf("w %zu %a %a\n", i, t.w[i], t.g[i]);
    double m[METRIC_MAX] = {0};
    def->evaluate(&t, m);
    for (int k = 0; k <= METRIC_TASK; k++) printf("metric %d %a\n", k, m[k]);
    optim_destroy(&o);
    def->destroy(&t);
    params_free(&tp);
    params_free(&op);
}

int main(int argc, char **argv) {
    const int steps = argc > 1 ? atoi(argv[1]) : 12;
    const char *datadir = getenv("LRLAB_DATA") ? getenv("LRLAB_DATA") : "data";
    blas_single_thread();
    printf("blas %s\n", blas_describe());
    for (size_t k = 0; k < sizeof configs / sizeof *configs; k++) run(&configs[k], steps, datadir);
    return 0;
}
