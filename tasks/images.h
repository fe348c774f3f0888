/* images.h - what the image classifiers (mlp, cnn) share: their training images (Fashion-MNIST,
 * MNIST, or synthetic blobs that need no download), the gathering of a minibatch as floats in
 * [0, 1], and the softmax cross-entropy with its gradient. */
#ifndef LRLAB_IMAGES_H
#define LRLAB_IMAGES_H

#include "harness/err.h"
#include "harness/param.h"
#include "tasks/data/vision.h"
#include "tasks/task.h"

#include <stdint.h>

#define IMAGES_NCLASS 10

/* images_load: the training split of the task's `dataset`, or the synthetic set made from its
 * `n`, `noise` and `data_seed`; *loaded tells which (for vision_free). */
int images_load(const Params *p, const TaskEnv *env, VisionSet *set, int *loaded, Err *e);
/* images_gather: rows images, indices idx[r] (or first + r when idx is NULL), as x [rows, d]
 * floats in [0, 1] and their labels y [rows]. */
void images_gather(const VisionSet *set, const uint32_t *idx, int first, int rows, float *x,
                   uint8_t *y);
/* images_xent: see images.c. */
double images_xent(const float *Z, const uint8_t *y, int rows, int C, float *dz, float scale,
                   int *correct);

#endif
