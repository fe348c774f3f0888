/* vision.h - image classification data: IDX files (gzipped or raw) of MNIST and
 * Fashion-MNIST, verified against their sha256 and kept as bytes (scaled per batch).
 *
 * IDX (LeCun et al.): big-endian header; images magic 00 00 08 03, u32 count, rows,
 * cols, then count*rows*cols bytes; labels magic 00 00 08 01, u32 count, then bytes.
 * A gzip stream (magic 1f 8b) is decoded in memory with zlib (RFC 1952, harness/base/gzip.c).
 */
#ifndef LRLAB_VISION_H
#define LRLAB_VISION_H

#include "harness/base/err.h"

#include <stddef.h>
#include <stdint.h>

typedef struct Idx {
    int ndim; /* 1 (labels) or 3 (images) */
    uint32_t dims[3];
    size_t count;  /* product of dims */
    uint8_t *data; /* [count], owned */
} Idx;

/* idx_load: reads a raw or gzipped IDX file of unsigned bytes. On failure fills e with
 * one line naming the file, and `fetch_hint` (e.g. the fetch command) as the hint. */
int idx_load(const char *path, Idx *out, const char *fetch_hint, Err *e);
/* idx_parse: the same from a file image in memory (`path` only names it in messages);
 * `bytes` stays the caller's. */
int idx_parse(const char *path, const uint8_t *bytes, size_t n, Idx *out, const char *fetch_hint,
              Err *e);
void idx_free(Idx *a);

typedef struct VisionSet {
    int n, rows, cols; /* n images of rows x cols */
    uint8_t *images;   /* [n, rows*cols], owned */
    uint8_t *labels;   /* [n], values 0..9, owned */
    int shared;        /* images and labels belong to the data cache (cache.h) */
} VisionSet;

/* vision_load: `name` is "fashion" or "mnist"; loads the train and test splits from
 * datadir (files as scripts/fetch-data.sh places them), checking sha256 first. */
int vision_load(const char *datadir, const char *name, VisionSet *train, VisionSet *test, Err *e);
/* vision_load_split: one split only, the training set (test = 0) or the test set (1). */
int vision_load_split(const char *datadir, const char *name, int test, VisionSet *s, Err *e);
void vision_free(VisionSet *s);

#endif
