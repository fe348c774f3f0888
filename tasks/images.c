/* images.c - the image classifiers' shared data and loss (see images.h). The minibatch gather
 * prefetches each randomly drawn image two rows ahead (the images are 47 MB, in no cache). */
#include "tasks/images.h"

#include "harness/base/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Synthetic images: IMAGES_NCLASS smooth prototypes (a 7 x 7 grid of uniform values bilinearly
 * upsampled to 28 x 28 and mapped v -> max(0, 2v - 1): bright blobs on a dark background, as
 * in MNIST); image i has class i % IMAGES_NCLASS and is its prototype plus gaussian pixel noise,
 * clipped to [0, 1] and rounded to a byte. */
static void make_synthetic(int n, double noise, uint64_t data_seed, VisionSet *out) {
    enum { SIDE = 28, GRID = 7, NPIX = SIDE * SIDE };
    Rng rng;
    rng_seed2(&rng, data_seed, 0x73796e7468ULL /* "synth" */);
    float *proto = xmalloc(sizeof(float) * IMAGES_NCLASS * NPIX); /* [IMAGES_NCLASS, NPIX] */
    for (int c = 0; c < IMAGES_NCLASS; c++) {
        double g[GRID][GRID];
        for (int i = 0; i < GRID; i++)
            for (int j = 0; j < GRID; j++) g[i][j] = rng_uniform(&rng);
        for (int y = 0; y < SIDE; y++) {
            double fy = y * (GRID - 1.0) / (SIDE - 1.0);
            int y0 = fy >= GRID - 1 ? GRID - 2 : (int)fy;
            double ty = fy - y0;
            for (int x = 0; x < SIDE; x++) {
                double fx = x * (GRID - 1.0) / (SIDE - 1.0);
                int x0 = fx >= GRID - 1 ? GRID - 2 : (int)fx;
                double tx = fx - x0;
                double v = (1 - ty) * ((1 - tx) * g[y0][x0] + tx * g[y0][x0 + 1]) +
                           ty * ((1 - tx) * g[y0 + 1][x0] + tx * g[y0 + 1][x0 + 1]);
                v = 2.0 * v - 1.0; /* dark background, bright blobs */
                proto[(size_t)c * NPIX + y * SIDE + x] = (float)(v < 0 ? 0 : v);
            }
        }
    }
    out->n = n;
    out->rows = out->cols = SIDE;
    out->images = xmalloc((size_t)n * NPIX);
    out->labels = xmalloc((size_t)n);
    for (int i = 0; i < n; i++) {
        int c = i % IMAGES_NCLASS;
        out->labels[i] = (uint8_t)c;
        for (int j = 0; j < NPIX; j++) {
            double v = proto[(size_t)c * NPIX + j] + noise * rng_normal(&rng);
            v = v < 0 ? 0 : v > 1 ? 1 : v;
            out->images[(size_t)i * NPIX + j] = (uint8_t)lrint(v * 255.0);
        }
    }
    free(proto);
}

/* Loads the training split of the dataset (or makes the synthetic set). */
int images_load(const Params *p, const TaskEnv *env, VisionSet *set, int *loaded, Err *e) {
    const char *ds = params_str(p, "dataset");
    memset(set, 0, sizeof *set);
    *loaded = 0;
    if (strcmp(ds, "synthetic") == 0) {
        make_synthetic((int)params_int(p, "n"), params_num(p, "noise"),
                       (uint64_t)params_int(p, "data_seed"), set);
        return 0;
    }
    if (vision_load_split(env->datadir, ds, 0, set, e) != 0) return -1;
    *loaded = 1;
    for (int i = 0; i < set->n; i++)
        LR_ASSERT(set->labels[i] < IMAGES_NCLASS); /* vision.c checks */
    return 0;
}

int images_split(const Params *p, int n, const char *task, const char *where, ImagesSplit *out,
                 Err *e) {
    const int64_t val = params_int(p, "val_size"), b = params_int(p, "batch");
    if (val >= n)
        return err_set(e, EXIT_USAGE, where,
                       "task \"%s\": val_size: leaves no training images (expected at most %d, "
                       "got %lld)",
                       task, n - 1, (long long)val);
    out->nval = (int)val;
    out->ntr = n - out->nval;
    if (b > out->ntr)
        return err_set(e, EXIT_USAGE, where,
                       "task \"%s\": batch: larger than the training images (expected at most "
                       "%d, got %lld)",
                       task, out->ntr, (long long)b);
    out->batch = (int)b;
    const int64_t te = params_int(p, "train_eval_size");
    out->ntreval = te < out->ntr ? (int)te : out->ntr;
    return 0;
}

void images_gather(const VisionSet *set, const uint32_t *idx, int first, int rows, float *x,
                   uint8_t *y) {
    const size_t d = (size_t)set->rows * (size_t)set->cols;
    for (int r = 0; r < rows; r++) {
        const size_t k = idx ? idx[r] : (size_t)(first + r);
        const uint8_t *img = set->images + k * d;
        if (idx && r + 2 < rows) /* random rows: fetch the image two rows ahead */
            for (size_t j = 0; j < d; j += 64) __builtin_prefetch(set->images + idx[r + 2] * d + j);
        float *row = x + (size_t)r * d;
        for (size_t j = 0; j < d; j++) row[j] = (float)img[j] / 255.0f;
        y[r] = set->labels[k];
    }
}

/* Summed cross-entropy of `rows` logits Z [rows, C] against y (max-shifted, in double).
 * When dz is given, fills dz [rows, C] = (softmax(Z) - onehot(y)) * scale; when correct is
 * given, adds the number of rows whose first largest logit is the label. */
#define XENT_KEEP 16 /* classes whose exponentials images_xent keeps on the stack */

double images_xent(const float *Z, const uint8_t *y, int rows, int C, float *dz, float scale,
                   int *correct) {
    double total = 0;
    for (int r = 0; r < rows; r++) {
        const float *z = Z + (size_t)r * C;
        int arg = 0;
        for (int j = 1; j < C; j++)
            if (z[j] > z[arg]) arg = j;
        const double m = z[arg];
        double sum = 0, ez[XENT_KEEP]; /* the exponentials, kept for dz when they fit */
        for (int j = 0; j < C; j++) {
            const double x = exp((double)z[j] - m);
            if (j < XENT_KEEP) ez[j] = x;
            sum += x;
        }
        /* sum >= 1: the largest logit's term is exp(0) */
        /* cppcheck-suppress invalidFunctionArg */
        total += m + log(sum) - (double)z[y[r]];
        if (correct && arg == y[r]) (*correct)++;
        if (dz) {
            float *d = dz + (size_t)r * C;
            for (int j = 0; j < C; j++) {
                const double x = j < XENT_KEEP ? ez[j] : exp((double)z[j] - m);
                d[j] = (float)(x / sum * scale) - (j == y[r] ? scale : 0.0f);
            }
        }
    }
    return total;
}
