/* bench_tasks.c - single-thread timings of lrlab's tasks, for scripts/bench/peers.sh.
 *
 * What it measures, one benchmark per process (so that each reports its own peak memory):
 *   sgemm    the single-thread SGEMM rate of this machine: C = A B, 2048 x 2048, floats
 *   mlp      784-256-10 MLP on Fashion-MNIST, batch 128, SGD lr 0.1: ms per training step
 *            (train_step + the optimizer update), blocks of one epoch (429 steps), and the
 *            step's achieved GFLOP/s (FLOPs of its GEMMs, below) against the SGEMM rate
 *            measured in the same process right after
 *   gemms    the same step's four GEMMs alone, same shapes and transposes (how far the GEMMs
 *            themselves are from the 2048^2 rate, and what the rest of the step costs)
 *   digits   64-32-10 MLP on the 8x8 digits (1,797 x 64, scikit-learn's digits.csv), batch
 *            32, SGD lr 0.1, blocks of one epoch (46 steps)
 *   charlm   the charlm task's transformer (2 layers, 64 wide, 4 heads, KJV, batch 16 x 64
 *            tokens), Adam lr 3e-3: ms per step, blocks of 10 steps
 *   nmf      an NMF epoch: the nmf task on KJV chapters x 4096 words (tf-idf), rank 40,
 *            batch 16, plain SGD lr 0.5 with the task's projection: 952 training chapters,
 *            59 steps
 *   cnn      the cnn task as scripts/paper.lua's cnn-fashion (c1 4, c2 8, hidden 32, val_size
 *            500), or --widen W times as wide (c1, c2, hidden all times W), at --batch B
 *            (default 32), SGD lr 0.1: ms per step, 5 blocks of 20 steps
 * Each benchmark runs `warmup` untimed steps, then `blocks` blocks of `steps` steps, and
 * prints the median and the minimum over blocks of the time per step, wall and CPU (the
 * process's CPU time: on a shared machine it leaves out the time other processes held the
 * core), and the peak memory (max RSS) once the task is built and trained. Everything is the
 * library's own code path (task_find, create, train_step, the optimizer's step, project),
 * as harness/engine/train.c calls it with a constant learning rate; the scheduler's per-step work
 * is not included.
 * The 8x8 digits: the mlp task reads 28 x 28 IDX files only and has no input-size
 * parameter, so tasks/mlp.c is compiled into this file with its one loader call
 * (images_load) redirected to digits_images_load() below: create(), train_step() and the
 * rest are the task's own code, with H_0 = 64. Pixels 0..16 become bytes
 * round(v * 255 / 16), which the task scales by 1/255 as it does any image.
 * Peers: with --dump DIR, mlp, digits, cnn and nmf write their initial parameters, the sample
 * order of every timed step and (nmf) the data matrix as .npy files, so that the PyTorch and
 * numpy peers (scripts/bench/peer_torch.py, peer_nmf.py) train from the same start on the
 * same batches; the mean loss of the timed steps printed by both sides checks that they do
 * the same arithmetic.
 * MLP FLOPs per step (B batch, layers l = 1..L of H_{l-1} -> H_l inputs and outputs):
 *   forward sum_l 2 B H_{l-1} H_l, weight gradients the same again, input gradients of the
 *   hidden layers sum_{l>1} 2 B H_{l-1} H_l; no gradient for the input data, bias and
 *   elementwise work not counted: 104.7 MFLOP for 784-256-10 at batch 128.
 * Output: one "key value" line each (peers.sh reads them), starting with "bench NAME".
 *
 * usage: bench_tasks sgemm|mlp|gemms|digits|charlm|nmf|cnn [--data DIR] [--digits FILE]
 *                    [--dump DIR] [--warmup N] [--steps N] [--blocks N] [--widen W]
 *                    [--batch B]
 * Build and run it through scripts/bench/peers.sh, which compiles it against
 * the harness's library: CMake target bench_tasks (cmake --build build --target bench_tasks).
 */
#include "harness/base/blas.h"
#include "harness/base/rng.h"
#include "harness/optim/optim.h"
#include "tasks/batches.h"
#include "tasks/data/text.h"
#include "tasks/data/vision.h"
#include "tasks/images.h"
#include "tasks/task.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* ---- the mlp task's source with its loader redirected to the digits ---- */

static int digits_images_load(const Params *p, const TaskEnv *env, VisionSet *s, int *loaded,
                              Err *e);
#define images_load digits_images_load
#define task_mlp bench_task_mlp_digits
#include "tasks/mlp.c"
#undef task_mlp
#undef images_load

#define DIGITS_N 1797
#define DIGITS_SIDE 8

static const char *digits_path; /* --digits: CSV, 64 pixels (0..16) then the label per line */

static int digits_images_load(const Params *p, const TaskEnv *env, VisionSet *s, int *loaded,
                              Err *e) {
    const int d = DIGITS_SIDE * DIGITS_SIDE;
    *loaded = 1; /* the task frees the set with vision_free */
    FILE *f = digits_path ? fopen(digits_path, "r") : NULL;
    if (!f)
        return err_set(e, EXIT_USAGE, digits_path ? digits_path : "--digits",
                       "cannot read the 8x8 digits (%s)",
                       digits_path ? strerror(errno) : "no file given");
    memset(s, 0, sizeof *s);
    s->rows = s->cols = DIGITS_SIDE;
    s->images = xmalloc((size_t)DIGITS_N * d);
    s->labels = xmalloc(DIGITS_N);
    char line[1024];
    while (s->n < DIGITS_N && fgets(line, sizeof line, f)) {
        char *at = line, *end;
        double v[DIGITS_SIDE * DIGITS_SIDE + 1];
        int k = 0;
        for (; k <= d; k++) {
            v[k] = strtod(at, &end);
            if (end == at) break;
            at = end + (*end == ',');
        }
        if (k != d + 1 || v[d] < 0 || v[d] > 9) {
            const int line_no = s->n + 1;
            fclose(f);
            vision_free(s);
            return err_set(e, EXIT_USAGE, digits_path,
                           "line %d: not a digit (expected 64 pixels and a label 0..9)", line_no);
        }
        for (int j = 0; j < d; j++)
            s->images[(size_t)s->n * d + j] = (uint8_t)lrint(v[j] * 255.0 / 16.0);
        s->labels[s->n++] = (uint8_t)v[d];
    }
    fclose(f);
    if (s->n != DIGITS_N) {
        int got = s->n;
        vision_free(s);
        return err_set(e, EXIT_USAGE, digits_path, "expected %d digits, got %d", DIGITS_N, got);
    }
    return 0;
}

/* ---- measurement helpers ---- */

typedef struct Opts {
    const char *datadir, *dump;
    int64_t warmup, steps, blocks; /* -1: the benchmark's default */
    int64_t widen, batch;          /* cnn: width factor (1), batch (32) */
} Opts;

static double clock_s(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Wall time, and the CPU time of this process: on a shared machine the second leaves out
 * the time other processes held the core (not their effect on the caches). */
static double now(void) { return clock_s(CLOCK_MONOTONIC); }
static double cpu(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void report_rss(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak_rss_mb %.1f\n", (double)ru.ru_maxrss / 1024.0);
}

static void die(const Err *e) {
    err_print(e);
    exit(e->code ? e->code : EXIT_RUN);
}

/* Writes a C-order .npy array (version 1.0) of `descr` ("<f4", "<u4") and shape dims. */
static void write_npy(const char *dir, const char *name, const char *descr, const void *data,
                      size_t elsize, const size_t *dims, int ndim) {
    char path[4096], shape[128] = "", header[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t count = 1, len = 0;
    for (int i = 0; i < ndim; i++) {
        len += (size_t)snprintf(shape + len, sizeof shape - len, "%zu,%s", dims[i],
                                i + 1 < ndim ? " " : "");
        count *= dims[i];
    }
    int h = snprintf(header, sizeof header,
                     "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, shape);
    int total = 10 + h + 1, pad = (64 - total % 64) % 64; /* header ends with '\n' at 64 */
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "bench_tasks: %s: cannot write (%s)\n", path, strerror(errno));
        exit(EXIT_RUN);
    }
    const unsigned hl = (unsigned)(h + pad + 1);
    unsigned char pre[10] = {
        0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hl & 0xff), (unsigned char)(hl >> 8)};
    fwrite(pre, 1, sizeof pre, f);
    fwrite(header, 1, (size_t)h, f);
    for (int i = 0; i < pad; i++) fputc(' ', f);
    fputc('\n', f);
    if (fwrite(data, elsize, count, f) != count || fclose(f) != 0) {
        fprintf(stderr, "bench_tasks: %s: write failed\n", path);
        exit(EXIT_RUN);
    }
}

/* The sample indices of steps [0, nsteps) of a task with `ntr` training samples, `b` a
 * step: the order every data task draws (tasks/batches.h). Returns [nsteps * b] indices. */
static uint32_t *batch_order(uint64_t seed, int ntr, int b, int64_t nsteps) {
    BatchOrder order;
    batches_init(&order, seed, ntr, b);
    uint32_t *out = xmalloc(sizeof(uint32_t) * (size_t)(nsteps * b));
    for (int64_t step = 0; step < nsteps; step++)
        memcpy(out + step * b, batches_of(&order, step), sizeof(uint32_t) * (size_t)b);
    batches_free(&order);
    return out;
}

/* The single-thread SGEMM rate: C = A B at 2048 x 2048, one untimed call, then `calls`
 * timed ones; prints KEY (GFLOP/s from CPU time, median), KEY_max and KEY_wall and returns
 * the median. */
static double sgemm_rate(const char *key, int64_t calls) {
    const int n = 2048;
    float *a = xmalloc(sizeof(float) * n * n), *b = xmalloc(sizeof(float) * n * n);
    float *c = xcalloc((size_t)n * n, sizeof(float));
    Rng rng;
    rng_seed(&rng, 1);
    for (size_t i = 0; i < (size_t)n * n; i++) {
        a[i] = (float)rng_uniform(&rng);
        b[i] = (float)rng_uniform(&rng);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
    double *g = xmalloc(sizeof(double) * (size_t)calls);
    double *gw = xmalloc(sizeof(double) * (size_t)calls);
    const double f = 2.0 * n * n * n;
    for (int64_t k = 0; k < calls; k++) {
        double t0 = now(), c0 = cpu();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c,
                    n);
        g[k] = f / (cpu() - c0) / 1e9;
        gw[k] = f / (now() - t0) / 1e9;
    }
    const double med = median(g, (int)calls);
    printf("%s %.2f\n%s_max %.2f\n%s_wall %.2f\n", key, med, key, g[calls - 1], key,
           median(gw, (int)calls));
    free(a), free(b), free(c), free(g), free(gw);
    return med;
}

/* ---- a task with its optimizer ---- */

typedef struct Trainer {
    Task t;
    Optim o;
    double lr;
} Trainer;

/* Creates task `def` with "k=v;k=v" settings and optimizer `optim` ("k=v;..." too). */
static void trainer_create(Trainer *tr, const TaskDef *def, const char *kvs, const char *optim,
                           const char *okvs, double lr, uint64_t seed, const char *datadir) {
    Err e = {0};
    const char *texts[2] = {kvs, okvs};
    const OptimDef *od = optim_find(optim);
    LR_ASSERT(od != NULL);
    Params p[2];
    params_init(&p[0], def->params);
    params_init(&p[1], od->params);
    for (int k = 0; k < 2; k++) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s", texts[k]);
        for (char *save = NULL, *kv = strtok_r(buf, ";", &save); kv;
             kv = strtok_r(NULL, ";", &save)) {
            char *eq = strchr(kv, '=');
            LR_ASSERT(eq != NULL);
            *eq = '\0';
            if (params_set_text(&p[k], kv, eq + 1, "bench_tasks", &e) != 0) die(&e);
        }
    }
    memset(tr, 0, sizeof *tr);
    tr->lr = lr;
    TaskEnv env = {.datadir = datadir};
    if (task_create(&tr->t, def, &p[0], seed, &env, "bench_tasks", &e) != 0) die(&e);
    if (optim_create(&tr->o, od, &p[1], &tr->t, &e) != 0) die(&e);
    params_free(&p[0]);
    params_free(&p[1]);
}

static void trainer_destroy(Trainer *tr) {
    optim_destroy(&tr->o);
    task_destroy(&tr->t);
}

/* Steps [from, from + n): the training loop of harness/engine/train.c at a constant learning rate.
 * Returns the sum of the minibatch losses. */
static double trainer_run(Trainer *tr, int64_t from, int64_t n) {
    Task *t = &tr->t;
    double sum = 0;
    for (int64_t step = from; step < from + n; step++) {
        sum += t->def->train_step(t, step);
        for (int gi = 0; gi < t->ngroups; gi++) {
            const TaskGroup *grp = &t->groups[gi];
            tr->o.def->step(tr->o.st, step + 1, grp, t->w + grp->off, t->g + grp->off, tr->lr, NULL,
                            NULL);
        }
        if (t->def->project) t->def->project(t);
    }
    return sum;
}

/* Prints "KEY median" and "KEY_min minimum" of v[n] (sorted in place); returns the median. */
static double print_stat(const char *key, double *v, int n) {
    double med = median(v, n);
    printf("%s %.4f\n%s_min %.4f\n", key, med, key, v[0]);
    return med;
}

/* Warm-up, then `blocks` timed blocks of `steps` steps; prints the wall and CPU time per step
 * (median and minimum over blocks) and the mean loss of the timed steps. Returns the median
 * CPU time per step in ms. */
static double time_blocks(Trainer *tr, int64_t warmup, int64_t steps, int64_t blocks) {
    double *ms = xmalloc(sizeof(double) * (size_t)blocks), loss = 0;
    double *cms = xmalloc(sizeof(double) * (size_t)blocks);
    trainer_run(tr, 0, warmup);
    for (int64_t k = 0; k < blocks; k++) {
        double t0 = now(), c0 = cpu();
        loss += trainer_run(tr, warmup + k * steps, steps);
        ms[k] = 1e3 * (now() - t0) / (double)steps;
        cms[k] = 1e3 * (cpu() - c0) / (double)steps;
    }
    printf("protocol warmup %lld, %lld blocks of %lld steps\n", (long long)warmup,
           (long long)blocks, (long long)steps);
    print_stat("ms_per_step", ms, (int)blocks);
    double med = print_stat("cpu_ms_per_step", cms, (int)blocks);
    printf("loss_mean %.6f\n", loss / (double)(steps * blocks));
    report_rss(); /* the task and its workspaces are all allocated by now */
    free(ms);
    free(cms);
    return med;
}

static int64_t pick(int64_t given, int64_t def) { return given >= 0 ? given : def; }

/* ---- the benchmarks ---- */

static double mlp_flops(const Mlp *s) {
    double f = 0;
    for (int l = 1; l <= s->L; l++) {
        const double mn = 2.0 * s->B * s->dim[l - 1] * s->dim[l];
        f += 2 * mn + (l > 1 ? mn : 0); /* forward, weight gradient, hidden input gradient */
    }
    return f;
}

/* mlp and digits: `def` is the library's mlp task or this file's copy reading the digits. */
static void bench_mlp(const Opts *o, const TaskDef *def, const char *kvs, const char *prefix,
                      int64_t per_epoch_hint, int64_t warm_def, int64_t blocks_def, int with_peak) {
    Trainer tr;
    const uint64_t seed = 1;
    trainer_create(&tr, def, kvs, "sgd", "", 0.1, seed, o->datadir);
    const Mlp *s = tr.t.impl;
    const int64_t steps = pick(o->steps, tr.t.steps_per_epoch);
    const int64_t warmup = pick(o->warmup, warm_def), blocks = pick(o->blocks, blocks_def);
    LR_ASSERT(per_epoch_hint == 0 || tr.t.steps_per_epoch == per_epoch_hint);
    printf("layers");
    for (int l = 0; l <= s->L; l++) printf("%s%d", l ? "-" : " ", s->dim[l]);
    printf("\nbatch %d\ntrain_samples %d\nsteps_per_epoch %lld\n", s->B, s->ntr,
           (long long)tr.t.steps_per_epoch);
    if (o->dump) {
        char name[64];
        size_t dn = tr.t.n, dord[2] = {(size_t)(warmup + steps * blocks), (size_t)s->B};
        uint32_t *ord = batch_order(seed, s->ntr, s->B, warmup + steps * blocks);
        snprintf(name, sizeof name, "%s_init.npy", prefix);
        write_npy(o->dump, name, "<f4", tr.t.w, sizeof(float), &dn, 1);
        snprintf(name, sizeof name, "%s_order.npy", prefix);
        write_npy(o->dump, name, "<u4", ord, sizeof(uint32_t), dord, 2);
        free(ord);
    }
    const double ms = time_blocks(&tr, warmup, steps, blocks); /* CPU time */
    const double f = mlp_flops(s);
    printf("mflop_per_step %.3f\ngflops %.2f\n", f / 1e6, f / (ms * 1e-3) / 1e9);
    trainer_destroy(&tr);
    if (with_peak) { /* the machine's limit, measured in this process right after */
        const double peak = sgemm_rate("sgemm_gflops", 5);
        printf("fraction_of_sgemm %.3f\n", f / (ms * 1e-3) / 1e9 / peak);
    }
}

/* The GEMMs of one 784-256-10 step at batch 128, with the shapes and transposes train_step
 * gives them (dimensions as in tasks/mlp.c). */
enum { GB = 128, GD0 = 784, GD1 = 256, GD2 = 10 };
typedef struct Gemms {
    float *x, *w1, *w2, *z1, *z2, *g1, *g2, *da; /* A_0, W_1, W_2, Z_1, Z_2, dW_1, dW_2, dA_1 */
} Gemms;

/* forward of fc1: Z_1 [B, H_1] += A_0 [B, H_0] W_1^T */
static void gemm_fc1_forward(Gemms *m) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, GB, GD1, GD0, 1.0f, m->x, GD0, m->w1, GD0,
                1.0f, m->z1, GD1);
}

/* weight gradient of fc1: dW_1 [H_1, H_0] = dZ_1^T [H_1, B] A_0 [B, H_0] */
static void gemm_fc1_weight_grad(Gemms *m) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, GD1, GD0, GB, 1.0f, m->da, GD1, m->x, GD0,
                0.0f, m->g1, GD0);
}

static void gemm_step(Gemms *m) {
    gemm_fc1_forward(m);
    /* Z_2 [B, H_2] += A_1 W_2^T;  dW_2 = dZ_2^T A_1;  dA_1 = dZ_2 W_2 */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, GB, GD2, GD1, 1.0f, m->z1, GD1, m->w2, GD1,
                1.0f, m->z2, GD2);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, GD2, GD1, GB, 1.0f, m->z2, GD2, m->z1, GD1,
                0.0f, m->g2, GD1);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, GB, GD1, GD2, 1.0f, m->z2, GD2, m->w2,
                GD1, 0.0f, m->da, GD1);
    gemm_fc1_weight_grad(m);
}

/* Times `blocks` blocks of `reps` calls of fn after one untimed block; prints KEY (CPU ms per
 * call, median and minimum over blocks) and returns the median. */
static double time_calls(const char *key, void (*fn)(Gemms *), Gemms *m, int64_t reps,
                         int64_t blocks) {
    double cms[64];
    LR_ASSERT(blocks <= 64);
    for (int64_t k = -1; k < blocks; k++) {
        double c0 = cpu();
        for (int64_t r = 0; r < reps; r++) fn(m);
        if (k >= 0) cms[k] = 1e3 * (cpu() - c0) / (double)reps;
    }
    return print_stat(key, cms, (int)blocks);
}

static void bench_gemms(const Opts *o) {
    const int64_t reps = pick(o->steps, 400), blocks = pick(o->blocks, 5);
    Gemms m;
    float **bufs[] = {&m.x, &m.w1, &m.w2, &m.z1, &m.z2, &m.g1, &m.g2, &m.da};
    const size_t sz[] = {GB * GD0, GD1 * GD0, GD2 * GD1, GB * GD1,
                         GB * GD2, GD1 * GD0, GD2 * GD1, GB * GD1};
    Rng rng;
    rng_seed(&rng, 7);
    for (int k = 0; k < 8; k++) {
        *bufs[k] = xmalloc(sizeof(float) * sz[k]);
        for (size_t i = 0; i < sz[k]; i++) (*bufs[k])[i] = (float)rng_uniform(&rng) - 0.5f;
    }
    const double f1 = 2.0 * GB * GD0 * GD1,
                 f = 2.0 * GB * (2.0 * (GD0 * GD1 + GD1 * GD2) + GD1 * GD2);
    printf("protocol %lld blocks of %lld repetitions after one untimed block\n", (long long)blocks,
           (long long)reps);
    const double ms = time_calls("cpu_ms_per_step", gemm_step, &m, reps, blocks);
    printf("mflop_per_step %.3f\ngflops %.2f\n", f / 1e6, f / (ms * 1e-3) / 1e9);
    const double fw = time_calls("cpu_ms_fc1_forward", gemm_fc1_forward, &m, reps, blocks);
    const double wg = time_calls("cpu_ms_fc1_weight_grad", gemm_fc1_weight_grad, &m, reps, blocks);
    printf("gflops_fc1_forward %.2f\ngflops_fc1_weight_grad %.2f\n", f1 / (fw * 1e-3) / 1e9,
           f1 / (wg * 1e-3) / 1e9);
    for (int k = 0; k < 8; k++) free(*bufs[k]);
    report_rss();
}

static void bench_sgemm(const Opts *o) {
    printf("size 2048\nprotocol 1 untimed call, then %lld timed calls\n",
           (long long)pick(o->blocks, 5));
    sgemm_rate("gflops", pick(o->blocks, 5));
    report_rss();
}

static void bench_charlm(const Opts *o) {
    Trainer tr;
    trainer_create(&tr, task_find("charlm"),
                   "dataset=kjv;model=transformer;layers=2;d_model=64;heads=4;batch=16;context=64",
                   "adam", "", 3e-3, 1, o->datadir);
    printf("model transformer, 2 layers, d_model 64, 4 heads, batch 16 x 64 tokens\n");
    printf("vocab %d\nparameters %zu\n", tr.t.groups[0].rows /* wte [V, C] */, tr.t.n);
    time_blocks(&tr, pick(o->warmup, 3), pick(o->steps, 10), pick(o->blocks, 7));
    trainer_destroy(&tr);
}

static void bench_nmf(const Opts *o) {
    const uint64_t seed = 1;
    const int rank = 40, vocab = 4096, batch = 16;
    if (o->dump) { /* the task's matrix, built by the same public loaders, for the peers;
                      before the task exists, so that the peak memory is the task's */
        Err e = {0};
        TextCorpus c;
        DocTerm dt;
        if (corpus_load(o->datadir, "kjv_chapters", &c, &e) != 0) die(&e);
        if (corpus_doc_term(&c, vocab, DOCTERM_TFIDF, &dt, "bench_tasks", &e) != 0) die(&e);
        corpus_free(&c);
        size_t dx[2] = {(size_t)dt.n, (size_t)dt.k};
        write_npy(o->dump, "nmf_x.npy", "<f4", dt.x, sizeof(float), dx, 2);
        doc_term_free(&dt);
    }
    char kvs[256];
    snprintf(kvs, sizeof kvs, "dataset=kjv;vocab=%d;weighting=tfidf;rank=%d;batch=%d", vocab, rank,
             batch);
    Trainer tr;
    trainer_create(&tr, task_find("nmf"), kvs, "sgd", "", 0.5, seed, o->datadir);
    const int ntr = tr.t.groups[1].rows, m = tr.t.groups[0].rows;
    const int64_t steps = pick(o->steps, tr.t.steps_per_epoch);
    const int64_t warmup = pick(o->warmup, tr.t.steps_per_epoch), blocks = pick(o->blocks, 15);
    printf("matrix KJV chapters x %d words (tf-idf), %d chapters for training\n", m, ntr);
    printf("rank %d\nbatch %d\n", rank, batch);
    printf("steps_per_epoch %lld\n", (long long)tr.t.steps_per_epoch);
    if (o->dump) {
        size_t dn = tr.t.n, dord[2] = {(size_t)(warmup + steps * blocks), (size_t)batch};
        write_npy(o->dump, "nmf_init.npy", "<f4", tr.t.w, sizeof(float), &dn, 1);
        uint32_t *ord = batch_order(seed, ntr, batch, warmup + steps * blocks);
        write_npy(o->dump, "nmf_order.npy", "<u4", ord, sizeof(uint32_t), dord, 2);
        free(ord);
    }
    time_blocks(&tr, warmup, steps, blocks);
    trainer_destroy(&tr);
}

/* The cnn task as cnn-fashion of scripts/paper.lua, o->widen times as wide, at o->batch. With
 * --dump, its initial parameters and sample order as cnn_wW_bB_{init,order}.npy. */
static void bench_cnn(const Opts *o) {
    const uint64_t seed = 1;
    const int64_t wf = pick(o->widen, 1), b = pick(o->batch, 32);
    char kvs[256];
    snprintf(kvs, sizeof kvs,
             "dataset=fashion;c1=%lld;c2=%lld;hidden=%lld;batch=%lld;"
             "val_size=500;train_eval_size=500",
             (long long)(4 * wf), (long long)(8 * wf), (long long)(32 * wf), (long long)b);
    Trainer tr;
    trainer_create(&tr, task_find("cnn"), kvs, "sgd", "", 0.02, seed, o->datadir);
    /* 105 steps: past about 150 steps at lr 0.1, rounding differences grow until the mean
     * losses of lrlab and PyTorch part (they agree to 7 digits up to 120 steps) */
    const int64_t steps = pick(o->steps, 20), warmup = pick(o->warmup, 5);
    const int64_t blocks = pick(o->blocks, 5);
    const int ntr = 60000 - 500; /* Fashion-MNIST's training file less val_size */
    LR_ASSERT(tr.t.steps_per_epoch == ntr / b);
    printf("model conv5x5 %lld, pool, conv5x5 %lld, pool, fc %lld, fc 10\nbatch %lld\n"
           "parameters %zu\n",
           (long long)(4 * wf), (long long)(8 * wf), (long long)(32 * wf), (long long)b, tr.t.n);
    if (o->dump) {
        char name[64];
        size_t dn = tr.t.n, dord[2] = {(size_t)(warmup + steps * blocks), (size_t)b};
        uint32_t *ord = batch_order(seed, ntr, (int)b, warmup + steps * blocks);
        snprintf(name, sizeof name, "cnn_w%lld_b%lld_init.npy", (long long)wf, (long long)b);
        write_npy(o->dump, name, "<f4", tr.t.w, sizeof(float), &dn, 1);
        snprintf(name, sizeof name, "cnn_w%lld_b%lld_order.npy", (long long)wf, (long long)b);
        write_npy(o->dump, name, "<u4", ord, sizeof(uint32_t), dord, 2);
        free(ord);
    }
    time_blocks(&tr, warmup, steps, blocks);
    trainer_destroy(&tr);
}

static void usage(void) {
    fprintf(stderr, "usage: bench_tasks sgemm|mlp|gemms|digits|charlm|nmf|cnn [--data DIR] "
                    "[--digits FILE] [--dump DIR] [--warmup N] [--steps N] [--blocks N] "
                    "[--widen W] [--batch B]\n");
    exit(EXIT_USAGE);
}

static int64_t count_arg(const char *s) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < 0) usage();
    return v;
}

int main(int argc, char **argv) {
    if (argc < 2) usage();
    Opts o = {.datadir = getenv("LRLAB_DATA") ? getenv("LRLAB_DATA") : "data",
              .warmup = -1,
              .steps = -1,
              .blocks = -1,
              .widen = -1,
              .batch = -1};
    const char *what = argv[1];
    for (int i = 2; i < argc; i++) {
        if (i + 1 >= argc) usage();
        const char *k = argv[i], *v = argv[++i];
        if (strcmp(k, "--data") == 0) o.datadir = v;
        else if (strcmp(k, "--digits") == 0) digits_path = v;
        else if (strcmp(k, "--dump") == 0) o.dump = v;
        else if (strcmp(k, "--warmup") == 0) o.warmup = count_arg(v);
        else if (strcmp(k, "--steps") == 0) o.steps = count_arg(v);
        else if (strcmp(k, "--blocks") == 0) o.blocks = count_arg(v);
        else if (strcmp(k, "--widen") == 0) o.widen = count_arg(v);
        else if (strcmp(k, "--batch") == 0) o.batch = count_arg(v);
        else usage();
    }
    if ((o.steps == 0) || (o.blocks == 0) || o.widen == 0 || o.widen > 8 || o.batch == 0 ||
        o.batch > 4096)
        usage();
    blas_single_thread();
    printf("bench %s\nside lrlab\nblas %s\n", what, blas_describe());
    if (strcmp(what, "sgemm") == 0) bench_sgemm(&o);
    else if (strcmp(what, "mlp") == 0)
        bench_mlp(&o, task_find("mlp"), "dataset=fashion;widths=256;batch=128", "mlp", 429, 20, 3,
                  1);
    else if (strcmp(what, "gemms") == 0) bench_gemms(&o);
    else if (strcmp(what, "digits") == 0)
        bench_mlp(&o, &bench_task_mlp_digits,
                  "dataset=mnist;widths=32;batch=32;val_size=297;train_eval_size=256", "digits", 46,
                  46, 40, 0);
    else if (strcmp(what, "charlm") == 0) bench_charlm(&o);
    else if (strcmp(what, "nmf") == 0) bench_nmf(&o);
    else if (strcmp(what, "cnn") == 0) bench_cnn(&o);
    else usage();
    return 0;
}
