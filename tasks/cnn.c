/* cnn.c - LeNet-style convolutional classifier of 28 x 28 images (Fashion-MNIST, MNIST,
 * synthetic).
 *
 * conv 5x5 (c1) -> ReLU -> max-pool 2x2 -> conv 5x5 (c2) -> ReLU -> max-pool 2x2 -> fc (hidden)
 * -> ReLU -> fc 10 -> softmax cross-entropy: LeCun et al., "Gradient-based learning applied to
 * document recognition" (1998), with ReLU and max-pooling in place of its scaled tanh and
 * trainable subsampling.
 * Convolutions are im2col + SGEMM (Chellapilla et al. 2006; Caffe): every output position
 * is a row, so activations are NHWC and a convolution is one matrix product per batch.
 * Weights are [out, 5 * 5 * in] with the columns in (ky, kx, channel) order, so that im2col
 * copies contiguous runs (TensorFlow's kernel order; PyTorch's is (channel, ky, kx), the same
 * for conv1's single channel). Initialisation as PyTorch's nn.Conv2d and nn.Linear: weights
 * and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
 * Pooling windows are 2x2, stride 2, floor; the first largest element takes the gradient.
 *
 * Dimension legend:
 *   B        rows of a minibatch (batch), or of an evaluation chunk (at most EVAL_CHUNK)
 *   H0 x W0  image (28 x 28), one channel
 *   K        kernel side (5); H1 = H0 - K + 1 (24), H2 = H1 / 2 (12), H3 = H2 - K + 1 (8),
 *            H4 = H3 / 2 (4); the same for W
 *   C1, C2   channels of conv1 and conv2 (c1, c2); Hd hidden units (hidden); NC classes (10)
 *   F        = H4 * W4 * C2 flattened features (256), in (y, x, channel) order
 * Parameters, one allocation with a view (and a group) per tensor:
 *   W1 [C1, K*K]       "conv1.weight"   b1 [C1]  "conv1.bias"
 *   W2 [C2, K*K*C1]    "conv2.weight"   b2 [C2]  "conv2.bias"
 *   W3 [Hd, F]         "fc1.weight"     b3 [Hd]  "fc1.bias"
 *   W4 [NC, Hd]        "fc2.weight"     b4 [NC]  "fc2.bias"
 * Forward:
 *   X    [B, H0, W0]                    gathered bytes scaled to [0, 1]
 *   col1 [B*H1*W1, K*K]                 im2col of X
 *   Y1   [B*H1*W1, C1] = relu(col1 W1^T + b1)
 *   P1   [B, H2, W2, C1] = maxpool(Y1), I1 [same] flat index of each maximum in Y1
 *   col2 [B*H3*W3, K*K*C1]              im2col of P1
 *   Y2   [B*H3*W3, C2] = relu(col2 W2^T + b2)
 *   P2   [B, F] = maxpool(Y2), I2 [B, F]
 *   Y3   [B, Hd] = relu(P2 W3^T + b3)
 *   Z    [B, NC] = Y3 W4^T + b4;   f_B = 1/B sum_i (logsumexp(Z[i, :]) - Z[i, y_i])
 * Backward:
 *   dZ = (softmax(Z) - onehot(y)) / B;  dW4 = dZ^T Y3;  dY3 = (dZ W4) * [Y3 > 0]
 *   dW3 = dY3^T P2;  dP2 = dY3 W3;  dY2 = scatter(dP2 by I2) * [Y2 > 0]
 *   dW2 = dY2^T col2;  dcol2 = dY2 W2;  dP1 = col2im(dcol2);  dY1 = scatter(dP1 by I1) * [Y1 > 0]
 *   dW1 = dY1^T col1;  db = sums over rows of dY (no gradient for the input: no col2im there)
 * Data, splits, epochs and metrics as in mlp.c: the last val_size training-file images
 * validate, the rest train in seeded epochs, the train-loss metric runs over the first
 * train_eval_size; metrics are train loss, validation loss and validation "accuracy".
 *
 * Cost, measured as in mlp.c: a training step of the default (6, 16, 120) at batch 64 takes
 * 2.8 ms, an evaluation of 10,000 images 0.17 s; a default cell (1000 steps, 21 evaluations)
 * about 6.5 s, half of it evaluation (train_eval_size, val_size and eval_every set that
 * share). Plain SGD at lr 0.1 reaches 81% validation accuracy on Fashion-MNIST in those 1000
 * steps, 97% on MNIST.
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
#define KSIDE 5
#define EVAL_CHUNK 64 /* its conv1 im2col (3.7 MB) stays near L2: 128 evaluated 25% slower */

static const ParamSpec params[] = {
    {"dataset", PARAM_ENUM, "fashion", 0, 0, 0, "fashion|mnist|synthetic",
     "fashion: Fashion-MNIST, mnist: MNIST (the 60,000 training images of 28 x 28; the test "
     "files are not used); synthetic: gaussian class clusters, no data files"},
    {"c1", PARAM_INT, "6", 1, 256, 0, NULL, "channels of the first convolution"},
    {"c2", PARAM_INT, "16", 1, 256, 0, NULL, "channels of the second convolution"},
    {"hidden", PARAM_INT, "120", 1, 16384, 0, NULL, "units of the hidden fully connected layer"},
    {"batch", PARAM_INT, "64", 1, 4096, 0, NULL, "images per minibatch"},
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
    {0},
};

enum { G_W1, G_B1, G_W2, G_B2, G_W3, G_B3, G_W4, G_B4, NGROUPS };

typedef struct {
    int h0, w0, h1, w1, h2, w2, h3, w3, h4, w4; /* spatial sizes (legend) */
    int c1, c2, hd, f;                          /* C1, C2, Hd, F */
    int B, rows;            /* batch, rows of the forward workspaces (max(B, EVAL_CHUNK)) */
    VisionSet data;         /* all training-file images [n, H0 * W0] and labels [n] */
    int loaded;             /* data came from vision_load (else synthetic) */
    int ntr, nval, ntreval; /* training split [0, ntr), validation [ntr, ntr + nval) */
    /* forward workspaces, [rows, ...] */
    float *xb, *xe;   /* [B, H0*W0] minibatch, [EVAL_CHUNK, H0*W0] evaluation chunk */
    uint8_t *yb, *ye; /* [B], [EVAL_CHUNK] their labels */
    float *col1;      /* [rows*H1*W1, K*K] */
    float *y1;        /* [rows*H1*W1, C1] */
    float *p1;        /* [rows*H2*W2, C1] */
    int32_t *i1;      /* [rows*H2*W2*C1] */
    float *col2;      /* [rows*H3*W3, K*K*C1] */
    float *y2;        /* [rows*H3*W3, C2] */
    float *p2;        /* [rows, F] */
    int32_t *i2;      /* [rows*F] */
    float *y3;        /* [rows, Hd] */
    float *z;         /* [rows, NC] */
    /* backward workspaces, [B, ...] */
    float *dz, *dy3, *dp2, *dy2, *dcol2, *dp1, *dy1;
    BatchOrder order; /* epochs of a seeded permutation of the training split */
    uint32_t *batch;  /* [B] rows of the current minibatch */
    uint64_t seed;
} Cnn;

/* ---- the task ---- */

static void destroy(Task *t);

static float *fwork(size_t n) { return xmalloc(sizeof(float) * n); }

static int create(Task *t, const Params *p, uint64_t seed, const TaskEnv *env, const char *where,
                  Err *e) {
    Cnn *s = xcalloc(1, sizeof *s);
    t->impl = s;
    if (images_load(p, env, &s->data, &s->loaded, e) != 0) {
        destroy(t);
        return -1;
    }
    s->h0 = s->data.rows, s->w0 = s->data.cols;
    s->h1 = s->h0 - KSIDE + 1, s->w1 = s->w0 - KSIDE + 1;
    s->h2 = s->h1 / 2, s->w2 = s->w1 / 2;
    s->h3 = s->h2 - KSIDE + 1, s->w3 = s->w2 - KSIDE + 1;
    s->h4 = s->h3 / 2, s->w4 = s->w3 / 2;
    if (s->h4 < 1 || s->w4 < 1) {
        err_set(e, EXIT_USAGE, where,
                "task \"cnn\": images too small for two 5x5 convolutions and pools "
                "(expected at least 16 x 16, got %d x %d)",
                s->h0, s->w0);
        destroy(t); /* after the message, which may read s */
        return -1;
    }
    ImagesSplit sp;
    if (images_split(p, s->data.n, "cnn", where, &sp, e) != 0) {
        destroy(t);
        return -1;
    }
    s->nval = sp.nval, s->ntr = sp.ntr, s->B = sp.batch, s->ntreval = sp.ntreval;
    s->rows = s->B > EVAL_CHUNK ? s->B : EVAL_CHUNK;
    s->seed = seed;
    s->c1 = (int)params_int(p, "c1");
    s->c2 = (int)params_int(p, "c2");
    s->hd = (int)params_int(p, "hidden");
    s->f = s->h4 * s->w4 * s->c2;

    /* parameter groups: views of one allocation */
    const int kk = KSIDE * KSIDE;
    const struct {
        const char *name;
        int rows, cols;
    } shape[NGROUPS] = {
        {"conv1.weight", s->c1, kk},         {"conv1.bias", s->c1, 1},
        {"conv2.weight", s->c2, s->c1 * kk}, {"conv2.bias", s->c2, 1},
        {"fc1.weight", s->hd, s->f},         {"fc1.bias", s->hd, 1},
        {"fc2.weight", NCLASS, s->hd},       {"fc2.bias", NCLASS, 1},
    };
    t->ngroups = NGROUPS;
    t->groups = xcalloc(NGROUPS, sizeof(TaskGroup));
    size_t off = 0;
    for (int gi = 0; gi < NGROUPS; gi++) {
        size_t cnt = (size_t)shape[gi].rows * (size_t)shape[gi].cols;
        t->groups[gi] = (TaskGroup){shape[gi].name, off, cnt, shape[gi].rows, shape[gi].cols};
        off += cnt;
    }
    t->n = off;
    t->w = xmalloc(sizeof(float) * t->n);
    t->g = xcalloc(t->n, sizeof(float));
    t->steps_per_epoch = s->ntr / s->B;

    /* workspaces: everything train_step, loss_at and evaluate touch */
    const size_t R = (size_t)s->rows, Bz = (size_t)s->B, px = (size_t)s->h0 * s->w0;
    const size_t n1 = (size_t)s->h1 * s->w1, n2 = (size_t)s->h2 * s->w2;
    const size_t n3 = (size_t)s->h3 * s->w3, c1 = (size_t)s->c1, c2 = (size_t)s->c2;
    s->xb = fwork(Bz * px);
    s->xe = fwork(EVAL_CHUNK * px);
    s->yb = xmalloc(Bz);
    s->ye = xmalloc(EVAL_CHUNK);
    s->col1 = fwork(R * n1 * kk);
    s->y1 = fwork(R * n1 * c1);
    s->p1 = fwork(R * n2 * c1);
    s->i1 = xmalloc(sizeof(int32_t) * R * n2 * c1);
    s->col2 = fwork(R * n3 * c1 * kk);
    s->y2 = fwork(R * n3 * c2);
    s->p2 = fwork(R * (size_t)s->f);
    s->i2 = xmalloc(sizeof(int32_t) * R * (size_t)s->f);
    s->y3 = fwork(R * (size_t)s->hd);
    s->z = fwork(R * NCLASS);
    s->dz = fwork(Bz * NCLASS);
    s->dy3 = fwork(Bz * (size_t)s->hd);
    s->dp2 = fwork(Bz * (size_t)s->f);
    s->dy2 = fwork(Bz * n3 * c2);
    s->dcol2 = fwork(Bz * n3 * c1 * kk);
    s->dp1 = fwork(Bz * n2 * c1);
    s->dy1 = fwork(Bz * n1 * c1);
    batches_init(&s->order, s->seed, s->ntr, s->B);
    s->batch = xmalloc(sizeof(uint32_t) * Bz);

    /* PyTorch initialisation, layer by layer, weight then bias: U(+-1/sqrt(fan_in)) */
    Rng rng;
    rng_seed2(&rng, seed, 0x696e6974 /* "init" */);
    for (int gi = 0; gi < NGROUPS; gi += 2) {
        const double bound = 1.0 / sqrt((double)shape[gi].cols);
        const TaskGroup *gw = &t->groups[gi], *gb = &t->groups[gi + 1];
        for (size_t i = 0; i < gw->n; i++)
            t->w[gw->off + i] = (float)(bound * (2.0 * rng_uniform(&rng) - 1.0));
        for (size_t i = 0; i < gb->n; i++)
            t->w[gb->off + i] = (float)(bound * (2.0 * rng_uniform(&rng) - 1.0));
    }
    return 0;
}

/* Copies images idx[0..rows) (or first .. first + rows) into x [rows, H0*W0] scaled to
 * [0, 1], labels into y. */
/* im2col: in [rows, H, W, C] (NHWC) -> col [rows*Ho*Wo, K*K*C], columns in (ky, kx, c) order,
 * so each kernel row is one contiguous run of K*C floats; with add != 0 the inverse, col2im:
 * accumulates col into in (which the caller zeroed). */
static void im2col(float *in, int rows, int H, int W, int C, float *col, int add) {
    const int Ho = H - KSIDE + 1, Wo = W - KSIDE + 1, run = KSIDE * C;
    float *crow = col;
    for (int b = 0; b < rows; b++)
        for (int oy = 0; oy < Ho; oy++)
            for (int ox = 0; ox < Wo; ox++)
                for (int ky = 0; ky < KSIDE; ky++, crow += run) {
                    float *src = in + ((size_t)(b * H + oy + ky) * W + ox) * C;
                    if (add)
                        for (int k = 0; k < run; k++) src[k] += crow[k];
                    else memcpy(crow, src, sizeof(float) * run);
                }
}

/* 2x2 max-pool, stride 2, floor: in [rows, H, W, C] -> out [rows, H/2, W/2, C]; idx holds
 * the flat index in `in` of each maximum (the first largest of its window, row by row). */
static void maxpool(const float *in, int rows, int H, int W, int C, float *out, int32_t *idx) {
    const int Ho = H / 2, Wo = W / 2;
    size_t o = 0;
    for (int b = 0; b < rows; b++)
        for (int py = 0; py < Ho; py++)
            for (int px = 0; px < Wo; px++) {
                const int32_t k00 = (int32_t)(((size_t)(b * H + 2 * py) * W + 2 * px) * C);
                const int32_t k[4] = {k00, k00 + C, k00 + W * C, k00 + W * C + C};
                for (int c = 0; c < C; c++, o++) { /* branchless: the comparisons are random */
                    int32_t best = k[0] + c;
                    float m = in[best];
                    for (int q = 1; q < 4; q++) {
                        const float v = in[k[q] + c];
                        best = v > m ? k[q] + c : best;
                        m = v > m ? v : m;
                    }
                    out[o] = m;
                    idx[o] = best;
                }
            }
}

/* Y [rows, cols] = A [rows, k] Wt^T [k, cols] + bias (broadcast), then ReLU when asked. */
static void linear(const float *A, const float *Wt, const float *bias, int rows, int cols, int k,
                   float *Y, int relu) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, cols, k, 1.0f, A, k, Wt, k, 0.0f, Y,
                cols);
    for (int r = 0; r < rows; r++) {
        float *y = Y + (size_t)r * cols;
        for (int j = 0; j < cols; j++) {
            float v = y[j] + bias[j];
            y[j] = relu && v < 0.0f ? 0.0f : v; /* NaN passes: divergence stays visible */
        }
    }
}

/* Forward pass of x [rows, H0*W0] at parameters w; leaves every activation and the logits
 * Z in the workspaces. */
static void forward(Task *t, const float *w, float *x, int rows) {
    Cnn *s = t->impl;
    const TaskGroup *g = t->groups;
    const int kk = KSIDE * KSIDE;
    im2col(x, rows, s->h0, s->w0, 1, s->col1, 0);
    linear(s->col1, w + g[G_W1].off, w + g[G_B1].off, rows * s->h1 * s->w1, s->c1, kk, s->y1, 1);
    maxpool(s->y1, rows, s->h1, s->w1, s->c1, s->p1, s->i1);
    im2col(s->p1, rows, s->h2, s->w2, s->c1, s->col2, 0);
    linear(s->col2, w + g[G_W2].off, w + g[G_B2].off, rows * s->h3 * s->w3, s->c2, s->c1 * kk,
           s->y2, 1);
    maxpool(s->y2, rows, s->h3, s->w3, s->c2, s->p2, s->i2);
    linear(s->p2, w + g[G_W3].off, w + g[G_B3].off, rows, s->hd, s->f, s->y3, 1);
    linear(s->y3, w + g[G_W4].off, w + g[G_B4].off, rows, NCLASS, s->hd, s->z, 0);
}

/* Gradients of a linear layer Y [rows, cols] = A [rows, k] W^T + b from dY: dW [cols, k] =
 * dY^T A and db [cols] = column sums of dY; with dA, also dA [rows, k] = dY W. */
static void linear_back(const float *dY, const float *A, const float *Wt, int rows, int cols, int k,
                        float *dW, float *db, float *dA) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, cols, k, rows, 1.0f, dY, cols, A, k, 0.0f,
                dW, k);
    memset(db, 0, sizeof(float) * cols);
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < cols; j++) db[j] += dY[(size_t)r * cols + j];
    if (dA)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, k, cols, 1.0f, dY, cols, Wt, k,
                    0.0f, dA, k);
}

/* dY [n_in] = dP [n_out] scattered to the maxima idx of the pooled ReLU outputs P [n_out],
 * where they are positive: windows do not overlap, so every other element of dY is zero. */
static void unpool_relu(const float *dP, const int32_t *idx, const float *P, size_t n_out,
                        size_t n_in, float *dY) {
    memset(dY, 0, sizeof(float) * n_in);
    for (size_t o = 0; o < n_out; o++) dY[idx[o]] = P[o] > 0.0f ? dP[o] : 0.0f;
}

/* Selects the rows of step `step`: epochs of a seeded permutation, last partial batch dropped. */
static void pick_batch(Task *t, int64_t step) {
    Cnn *s = t->impl;
    memcpy(s->batch, batches_of(&s->order, step), sizeof(uint32_t) * s->B);
}

static double train_step(Task *t, int64_t step) {
    Cnn *s = t->impl;
    const int B = s->B, kk = KSIDE * KSIDE;
    const TaskGroup *gr = t->groups;
    float *w = t->w, *g = t->g;
    pick_batch(t, step);
    images_gather(&s->data, s->batch, 0, B, s->xb, s->yb);
    forward(t, w, s->xb, B);
    double loss = images_xent(s->z, s->yb, B, NCLASS, s->dz, 1.0f / (float)B, NULL) / B;
    const size_t n1 = (size_t)B * s->h1 * s->w1, n2 = (size_t)B * s->h2 * s->w2;
    const size_t n3 = (size_t)B * s->h3 * s->w3;
    /* fc2, then fc1 through its ReLU */
    linear_back(s->dz, s->y3, w + gr[G_W4].off, B, NCLASS, s->hd, g + gr[G_W4].off,
                g + gr[G_B4].off, s->dy3);
    for (size_t i = 0; i < (size_t)B * s->hd; i++) s->dy3[i] = s->y3[i] > 0.0f ? s->dy3[i] : 0.0f;
    linear_back(s->dy3, s->p2, w + gr[G_W3].off, B, s->hd, s->f, g + gr[G_W3].off, g + gr[G_B3].off,
                s->dp2);
    /* pool2 and ReLU, conv2, col2im back to pool1's output */
    unpool_relu(s->dp2, s->i2, s->p2, (size_t)B * s->f, n3 * s->c2, s->dy2);
    linear_back(s->dy2, s->col2, w + gr[G_W2].off, (int)n3, s->c2, s->c1 * kk, g + gr[G_W2].off,
                g + gr[G_B2].off, s->dcol2);
    memset(s->dp1, 0, sizeof(float) * n2 * s->c1);
    im2col(s->dp1, B, s->h2, s->w2, s->c1, s->dcol2, 1);
    /* pool1 and ReLU, conv1 (no input gradient) */
    unpool_relu(s->dp1, s->i1, s->p1, n2 * s->c1, n1 * s->c1, s->dy1);
    linear_back(s->dy1, s->col1, w + gr[G_W1].off, (int)n1, s->c1, kk, g + gr[G_W1].off,
                g + gr[G_B1].off, NULL);
    return loss;
}

static double loss_at(Task *t, const float *w_trial) {
    Cnn *s = t->impl;
    forward(t, w_trial, s->xb, s->B);
    return images_xent(s->z, s->yb, s->B, NCLASS, NULL, 0.0f, NULL) / s->B;
}

/* Mean loss over images [first, first + count) at w, in chunks; counts correct answers. */
static double mean_loss(Task *t, int first, int count, int *correct) {
    Cnn *s = t->impl;
    double total = 0;
    for (int at = 0; at < count; at += EVAL_CHUNK) {
        int rows = count - at < EVAL_CHUNK ? count - at : EVAL_CHUNK;
        images_gather(&s->data, NULL, first + at, rows, s->xe, s->ye);
        forward(t, t->w, s->xe, rows);
        total += images_xent(s->z, s->ye, rows, NCLASS, NULL, 0.0f, correct);
    }
    return total / count;
}

static void evaluate(Task *t, double *metrics) {
    Cnn *s = t->impl;
    int correct = 0;
    metrics[METRIC_TRAIN_LOSS] = mean_loss(t, 0, s->ntreval, NULL);
    metrics[METRIC_VAL_LOSS] = mean_loss(t, s->ntr, s->nval, &correct);
    metrics[METRIC_TASK] = (double)correct / s->nval;
}

static void destroy(Task *t) {
    Cnn *s = t->impl;
    if (s) {
        if (s->loaded) {
            vision_free(&s->data);
        } else {
            free(s->data.images);
            free(s->data.labels);
        }
        void *ws[] = {s->xb,   s->xe,  s->yb,    s->ye,  s->col1, s->y1,   s->p1, s->i1,
                      s->col2, s->y2,  s->p2,    s->i2,  s->y3,   s->z,    s->dz, s->dy3,
                      s->dp2,  s->dy2, s->dcol2, s->dp1, s->dy1,  s->batch};
        for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++) free(ws[i]);
        batches_free(&s->order);
        free(s);
    }
    t->impl = NULL;
}

const TaskDef task_cnn = {
    .name = "cnn",
    .version = 1,
    .summary = "LeNet-style convolutional classifier (im2col + SGEMM, max-pool) of 28 x 28 images",
    .datasets = "fashion (Fashion-MNIST), mnist (MNIST), synthetic",
    .params = params,
    .metric = "accuracy",
    .metric_higher_better = 1,
    .piecewise_smooth = 1,
    .test_params = "dataset=synthetic;n=40;val_size=16;train_eval_size=16;c1=2;c2=3;hidden=4;"
                   "batch=2",
    .create = create,
    .train_step = train_step,
    .loss_at = loss_at,
    .evaluate = evaluate,
    .destroy = destroy,
};
