/* images.h - what the image classifiers (mlp, cnn) share: their training images (Fashion-MNIST,
 * MNIST, or synthetic blobs that need no download), the gathering of a minibatch as floats in
 * [0, 1], and the softmax cross-entropy with its gradient. */
#ifndef LRLAB_IMAGES_H
#define LRLAB_IMAGES_H

#include "harness/base/err.h"
#include "harness/base/param.h"
#include "tasks/data/vision.h"
#include "tasks/task.h"

#include <stdint.h>

#define IMAGES_NCLASS 10

/* images_load: the training split of the task's `dataset`, or the synthetic set made from its
 * `n`, `noise` and `data_seed`; *loaded tells which (for vision_free). */
int images_load(const Params *p, const TaskEnv *env, VisionSet *set, int *loaded, Err *e);
/* The split of n images into training and validation images, from the task's val_size,
 * batch and train_eval_size. */
typedef struct ImagesSplit {
    int nval, ntr; /* the last nval images validate, the first ntr train */
    int batch;
    int ntreval; /* training images evaluated: train_eval_size, at most ntr */
} ImagesSplit;

/* images_split: 0, or -1 with a one-line error naming task (e.g. "mlp") when val_size leaves
 * no training image or the batch is larger than the training images. */
int images_split(const Params *p, int n, const char *task, const char *where, ImagesSplit *out,
                 Err *e);

/* images_gather: rows images, indices idx[r] (or first + r when idx is NULL), as x [rows, d]
 * floats in [0, 1] and their labels y [rows]. */
void images_gather(const VisionSet *set, const uint32_t *idx, int first, int rows, float *x,
                   uint8_t *y);
/* images_xent: see images.c. */
double images_xent(const float *Z, const uint8_t *y, int rows, int C, float *dz, float scale,
                   int *correct);

#endif
