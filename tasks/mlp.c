/* mlp.c - multilayer perceptron classifier of 28 x 28 images (Fashion-MNIST, MNIST, synthetic).
 *
 * ReLU hidden layers and a softmax cross-entropy output: the small classifier of
 * learning-rate-schedule studies on MNIST (paper/method.md section 5.4). Layers follow
 * PyTorch's nn.Linear: weights stored [out, in], weights and biases initialised
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)). Pixels stay bytes; each minibatch is gathered and
 * scaled to [0, 1] floats.
 *
 * Dimension legend:
 *   B    rows of a minibatch (batch), or of an evaluation chunk (at most EVAL_CHUNK)
 *   H_0  input features, rows * cols of an image (784)
 *   H_l  width of hidden layer l = 1 .. L-1 (the list `widths`)
 *   H_L  classes, NCLASS (10)
 *   L    linear layers, fc1 .. fcL (one more than the hidden layers)
 * Parameters, one allocation with a view (and a group) per tensor:
 *   W_l  [H_l, H_{l-1}]   "fc<l>.weight" (rows = out, cols = in)
 *   b_l  [H_l]            "fc<l>.bias"
 * Forward for a batch X = A_0 [B, H_0]:
 *   Z_l [B, H_l] = A_{l-1} W_l^T + b_l,   A_l = relu(Z_l) for l < L,   logits Z_L [B, H_L]
 *   f_B = 1/B sum_i (logsumexp(Z_L[i, :]) - Z_L[i, y_i])   (max-shifted, in double)
 * Backward:
 *   dZ_L = (softmax(Z_L) - onehot(y)) / B
 *   dW_l = dZ_l^T A_{l-1},   db_l = sum over rows of dZ_l
 *   dZ_{l-1} = (dZ_l W_l) * [A_{l-1} > 0]     for l > 1 (no gradient for the input)
 * Data: the images [first_image, first_image + images) of the training file (all of it by
 * default); the last val_size of them are the validation split, the rest the training
 * split, visited in epochs of a permutation seeded by the cell seed (last partial batch
 * dropped); the train-loss metric runs over the first train_eval_size training images. Two
 * disjoint ranges make a held-out split: a learned schedule trained on one is evaluated on
 * the other (scripts/policy_dnn.lua, scripts/eval_rl_dnn.lua). The test file is not used.
 * Metrics: train loss, validation loss, validation accuracy ("accuracy", higher is better).
 *
 * Cost, measured on the project machine (AMD EPYC Zen 4, OpenBLAS 0.3.21 on one thread, its
 * Cooperlake and Haswell kernels alike): a training step of the default 784-256-10 at batch
 * 128 takes 1.3 ms (about 80 GFLOP/s), an evaluation of 10,000 images 46 ms; a default cell
 * (1000 steps, 21 evaluations, 0.3 s of loading) about 2.6 s. Plain SGD at lr 0.1 reaches
 * 84% validation accuracy on Fashion-MNIST in those 1000 steps, 95% on MNIST.
 */
#include "harness/base/blas.h"
#include "harness/base/rng.h"
#include "tasks/batches.h"
#include "tasks/data/vision.h"
#include "tasks/images.h"
#include "tasks/task.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCLASS IMAGES_NCLASS
#define EVAL_CHUNK 256
#define MAX_WIDTH 16384

static const ParamSpec params[] = {
    {"dataset", PARAM_ENUM, "fashion", 0, 0, 0, "fashion|mnist|synthetic",
     "fashion: Fashion-MNIST, mnist: MNIST (the 60,000 training images of 28 x 28; the test "
     "files are not used); synthetic: gaussian class clusters, no data files"},
    {"widths", PARAM_LIST, "256", 1, MAX_WIDTH, 0, NULL,
     "hidden layer widths, input side first (whole numbers)"},
    {"batch", PARAM_INT, "128", 1, 4096, 0, NULL, "images per minibatch"},
    {"val_size", PARAM_INT, "5000", 1, INFINITY, 0, NULL,
     "images held out of the training set (its last ones) for validation"},
    {"train_eval_size", PARAM_INT, "5000", 1, INFINITY, 0, NULL,
     "training images (the first ones, at most all) of the train-loss metric"},
    {"n", PARAM_INT, "7000", 2, 1000000, 0, NULL,
     "synthetic: images generated, val_size of them held out"},
    {"noise", PARAM_NUM, "1.5", 0, INFINITY, 0, NULL,
     "synthetic: pixel noise standard deviation (pixels in [0, 1])"},
    {"data_seed", PARAM_INT, "1", 0, 9007199254740991.0, 0, NULL,
     "synthetic: seed of the images (the cell seed drives init and order)"},
    {"first_image", PARAM_INT, "0", 0, 1e9, PARAM_ADDED, NULL,
     "the first image of the training file (or synthetic set) the task uses"},
    {"images", PARAM_INT, NULL, 2, 1e9, PARAM_OPTIONAL | PARAM_ADDED, NULL,
     "images used from first_image on, the last val_size of them for validation (unset: all "
     "the rest)"},
    {0},
};

typedef struct {
    int L;                  /* linear layers */
    int *dim;               /* [L + 1]: H_0 .. H_L */
    size_t *woff, *boff;    /* [L]: offsets of W_l and b_l in w (index l - 1) */
    char (*names)[24];      /* [2 L] group names "fc<l>.weight", "fc<l>.bias" */
    int B, rows;            /* batch, rows of the workspaces (max(B, EVAL_CHUNK)) */
    VisionSet data;         /* all training-file images [n, H_0] and labels [n] */
    int loaded;             /* data came from vision_load (else synthetic) */
    int first;              /* the images used start here (first_image) */
    int ntr, nval, ntreval; /* training split first + [0, ntr), validation + [ntr, ntr + nval) */
    float *xb, *xe;         /* [B, H_0] minibatch, [EVAL_CHUNK, H_0] evaluation chunk */
    uint8_t *yb, *ye;       /* [B], [EVAL_CHUNK] their labels */
    float **act;            /* act[l] [rows, H_l] for l = 1 .. L: A_l (hidden) or Z_L (logits) */
    float *d0, *d1;         /* [B, max H_l, l >= 1] backward ping-pong: dZ_l, dA_{l-1} */
    BatchOrder order;       /* epochs of a seeded permutation of the training split */
    uint32_t *batch;        /* [B] rows of the current minibatch */
    uint64_t seed;
} Mlp;

/* ---- the task ---- */

static void destroy(Task *t);

/* The images the task uses, [*first, *first + *count) of the n of its set. */
static int used_range(const Params *p, int n, const char *where, int *first, int *count, Err *e) {
    const int64_t f = params_int(p, "first_image");
    if (f >= n - 1)
        return err_set(e, EXIT_USAGE, where,
                       "task \"mlp\": first_image: leaves fewer than 2 "
                       "images (expected at most %d, got %lld)",
                       n - 2, (long long)f);
    const int64_t c = params_isset(p, "images") ? params_int(p, "images") : n - f;
    if (f + c > n)
        return err_set(e, EXIT_USAGE, where,
                       "task \"mlp\": images: past the last image "
                       "(expected at most %lld from first_image %lld, got %lld)",
                       (long long)(n - f), (long long)f, (long long)c);
    *first = (int)f;
    *count = (int)c;
    return 0;
}

static int create(Task *t, const Params *p, uint64_t seed, const TaskEnv *env, const char *where,
                  Err *e) {
    int nw, used = 0;
    const double *widths = params_list(p, "widths", &nw);
    for (int k = 0; k < nw; k++)
        if (widths[k] != floor(widths[k]))
            return err_set(e, EXIT_USAGE, where,
                           "task \"mlp\": widths: not a whole number (expected widths in [1, %d], "
                           "got %g at position %d)",
                           MAX_WIDTH, widths[k], k + 1);
    Mlp *s = xcalloc(1, sizeof *s);
    t->impl = s;
    if (images_load(p, env, &s->data, &s->loaded, e) != 0) {
        destroy(t);
        return -1;
    }
    ImagesSplit sp;
    if (used_range(p, s->data.n, where, &s->first, &used, e) != 0 ||
        images_split(p, used, "mlp", where, &sp, e) != 0) {
        destroy(t);
        return -1;
    }
    s->nval = sp.nval, s->ntr = sp.ntr, s->B = sp.batch, s->ntreval = sp.ntreval;
    s->rows = s->B > EVAL_CHUNK ? s->B : EVAL_CHUNK;
    s->seed = seed;

    /* layer dimensions and the views of w */
    s->L = nw + 1;
    s->dim = xmalloc(sizeof(int) * (size_t)(s->L + 1));
    s->dim[0] = s->data.rows * s->data.cols;
    for (int k = 0; k < nw; k++) s->dim[k + 1] = (int)widths[k];
    s->dim[s->L] = NCLASS;
    s->woff = xmalloc(sizeof(size_t) * (size_t)s->L);
    s->boff = xmalloc(sizeof(size_t) * (size_t)s->L);
    t->ngroups = 2 * s->L;
    t->groups = xcalloc((size_t)t->ngroups, sizeof(TaskGroup));
    s->names = xcalloc((size_t)t->ngroups, sizeof *s->names);
    size_t off = 0, maxd = 0;
    for (int l = 1; l <= s->L; l++) {
        const size_t in = (size_t)s->dim[l - 1], out = (size_t)s->dim[l];
        s->woff[l - 1] = off;
        char *wn = s->names[2 * (l - 1)], *bn = s->names[2 * (l - 1) + 1];
        snprintf(wn, sizeof *s->names, "fc%d.weight", l);
        snprintf(bn, sizeof *s->names, "fc%d.bias", l);
        t->groups[2 * (l - 1)] = (TaskGroup){wn, off, out * in, (int)out, (int)in};
        off += out * in;
        s->boff[l - 1] = off;
        t->groups[2 * (l - 1) + 1] = (TaskGroup){bn, off, out, (int)out, 1};
        off += out;
        if (out > maxd) maxd = out;
    }
    t->n = off;
    t->w = xmalloc(sizeof(float) * t->n);
    t->g = xcalloc(t->n, sizeof(float));
    t->steps_per_epoch = s->ntr / s->B;

    /* workspaces: everything train_step, loss_at and evaluate touch */
    const size_t d0 = (size_t)s->dim[0];
    s->xb = xmalloc(sizeof(float) * (size_t)s->B * d0);
    s->xe = xmalloc(sizeof(float) * EVAL_CHUNK * d0);
    s->yb = xmalloc((size_t)s->B);
    s->ye = xmalloc(EVAL_CHUNK);
    s->act = xcalloc((size_t)s->L + 1, sizeof(float *));
    for (int l = 1; l <= s->L; l++)
        s->act[l] = xmalloc(sizeof(float) * (size_t)s->rows * (size_t)s->dim[l]);
    s->d0 = xmalloc(sizeof(float) * (size_t)s->B * maxd);
    s->d1 = xmalloc(sizeof(float) * (size_t)s->B * maxd);
    batches_init(&s->order, s->seed, s->ntr, s->B);
    s->batch = xmalloc(sizeof(uint32_t) * (size_t)s->B);

    /* PyTorch nn.Linear initialisation, layer by layer, weights then bias */
    Rng rng;
    rng_seed2(&rng, seed, 0x696e6974 /* "init" */);
    for (int l = 1; l <= s->L; l++) {
        const double bound = 1.0 / sqrt((double)s->dim[l - 1]);
        const size_t nwl = (size_t)s->dim[l] * (size_t)s->dim[l - 1];
        for (size_t i = 0; i < nwl; i++)
            t->w[s->woff[l - 1] + i] = (float)(bound * (2.0 * rng_uniform(&rng) - 1.0));
        for (int i = 0; i < s->dim[l]; i++)
            t->w[s->boff[l - 1] + (size_t)i] = (float)(bound * (2.0 * rng_uniform(&rng) - 1.0));
    }
    return 0;
}

/* Copies images idx[0..rows) into x [rows, H_0] scaled to [0, 1], labels into y. */
/* Forward pass of x [rows, H_0] at parameters w; leaves A_l and the logits Z_L in act. */
static void forward(Mlp *s, const float *w, const float *x, int rows) {
    const float *in = x;
    for (int l = 1; l <= s->L; l++) {
        const int din = s->dim[l - 1], dout = s->dim[l];
        const float *W = w + s->woff[l - 1], *bias = w + s->boff[l - 1];
        float *z = s->act[l]; /* [rows, dout] */
        for (int r = 0; r < rows; r++) memcpy(z + (size_t)r * dout, bias, sizeof(float) * dout);
        /* Z [rows, dout] += A [rows, din] W^T [din, dout] */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, dout, din, 1.0f, in, din, W, din,
                    1.0f, z, dout);
        if (l < s->L)
            for (size_t i = 0; i < (size_t)rows * dout; i++) /* NaN passes: divergence shows */
                z[i] = z[i] < 0.0f ? 0.0f : z[i];
        in = z;
    }
}

/* Selects the rows of step `step`: epochs of a seeded permutation, last partial batch dropped. */
static void pick_batch(Task *t, int64_t step) {
    Mlp *s = t->impl;
    const uint32_t *rows = batches_of(&s->order, step);
    for (int i = 0; i < s->B; i++) s->batch[i] = (uint32_t)s->first + rows[i];
}

static double train_step(Task *t, int64_t step) {
    Mlp *s = t->impl;
    const int B = s->B;
    pick_batch(t, step);
    images_gather(&s->data, s->batch, 0, B, s->xb, s->yb);
    forward(s, t->w, s->xb, B);
    /* dZ_L [B, C] = (softmax - onehot) / B */
    double loss = images_xent(s->act[s->L], s->yb, B, NCLASS, s->d0, 1.0f / (float)B, NULL) / B;
    float *dz = s->d0, *da = s->d1;
    for (int l = s->L; l >= 1; l--) {
        const int din = s->dim[l - 1], dout = s->dim[l];
        const float *in = l > 1 ? s->act[l - 1] : s->xb; /* A_{l-1} [B, din] */
        /* dW_l [dout, din] = dZ_l^T [dout, B] A_{l-1} [B, din] */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, dout, din, B, 1.0f, dz, dout, in, din,
                    0.0f, t->g + s->woff[l - 1], din);
        /* db_l [dout] = sum over rows of dZ_l */
        float *gb = t->g + s->boff[l - 1];
        memset(gb, 0, sizeof(float) * dout);
        for (int r = 0; r < B; r++)
            for (int j = 0; j < dout; j++) gb[j] += dz[(size_t)r * dout + j];
        if (l == 1) break;
        /* dA_{l-1} [B, din] = dZ_l [B, dout] W_l [dout, din], then through the ReLU */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, din, dout, 1.0f, dz, dout,
                    t->w + s->woff[l - 1], din, 0.0f, da, din);
        for (size_t i = 0; i < (size_t)B * din; i++) da[i] = in[i] > 0.0f ? da[i] : 0.0f;
        float *tmp = dz;
        dz = da;
        da = tmp;
    }
    return loss;
}

static double loss_at(Task *t, const float *w_trial) {
    Mlp *s = t->impl;
    forward(s, w_trial, s->xb, s->B);
    return images_xent(s->act[s->L], s->yb, s->B, NCLASS, NULL, 0.0f, NULL) / s->B;
}

/* Mean loss over images [first, first + count) at w, in chunks; counts correct answers. */
static double mean_loss(Task *t, int first, int count, int *correct) {
    Mlp *s = t->impl;
    double total = 0;
    for (int at = 0; at < count; at += EVAL_CHUNK) {
        int rows = count - at < EVAL_CHUNK ? count - at : EVAL_CHUNK;
        images_gather(&s->data, NULL, first + at, rows, s->xe, s->ye);
        forward(s, t->w, s->xe, rows);
        total += images_xent(s->act[s->L], s->ye, rows, NCLASS, NULL, 0.0f, correct);
    }
    return total / count;
}

static void evaluate(Task *t, double *metrics) {
    Mlp *s = t->impl;
    int correct = 0;
    metrics[METRIC_TRAIN_LOSS] = mean_loss(t, s->first, s->ntreval, NULL);
    metrics[METRIC_VAL_LOSS] = mean_loss(t, s->first + s->ntr, s->nval, &correct);
    metrics[METRIC_TASK] = (double)correct / s->nval;
}

static void destroy(Task *t) {
    Mlp *s = t->impl;
    if (s) {
        if (s->loaded) {
            vision_free(&s->data);
        } else {
            free(s->data.images);
            free(s->data.labels);
        }
        if (s->act)
            for (int l = 1; l <= s->L; l++) free(s->act[l]);
        free(s->act);
        free(s->dim);
        free(s->names);
        free(s->woff);
        free(s->boff);
        free(s->xb);
        free(s->xe);
        free(s->yb);
        free(s->ye);
        free(s->d0);
        free(s->d1);
        batches_free(&s->order);
        free(s->batch);
        free(s);
    }
    t->impl = NULL;
}

const TaskDef task_mlp = {
    .name = "mlp",
    .version = 1,
    .summary = "multilayer perceptron classifier (ReLU, softmax cross-entropy) of 28 x 28 images",
    .datasets = "fashion (Fashion-MNIST), mnist (MNIST), synthetic",
    .params = params,
    .metric = "accuracy",
    .metric_higher_better = 1,
    .piecewise_smooth = 1,
    /* ReLU kinks: a central difference of step 1e-2 that crosses one disagrees with the
     * gradient; with this data_seed no hidden pre-activation of the checked minibatches lies
     * within 3e-2 of its kink (tests/test_vision_tasks.c compares with a reference instead) */
    .test_params = "dataset=synthetic;n=60;val_size=20;train_eval_size=16;widths=4|3;batch=4;"
                   "data_seed=40",
    .create = create,
    .train_step = train_step,
    .loss_at = loss_at,
    .evaluate = evaluate,
    .destroy = destroy,
};
