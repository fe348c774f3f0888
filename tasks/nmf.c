/* nmf.c - stochastic non-negative matrix factorization with projected updates.
 *
 * V (m x n) ~ W H with W (m x r) >= 0 and H (r x n) >= 0 (paper/method.md
 * section 7.2). We store the transposes so that a sample (a column of V: one face image,
 * one Fashion-MNIST image or one Bible chapter) is a contiguous row:
 *   X  = V^T   [n, m]   data, one row per sample
 *   W          [m, r]   parameter group "W" (the dictionary)
 *   Ht = H^T   [n, r]   parameter group "H" (one coefficient row per training sample)
 * A minibatch B is b training rows. Its loss is the mean over the batch of half the
 * squared residual:
 *   R   = Ht_B W^T - X_B                     [b, m]
 *   f_B = 1/(2b) |R|_F^2
 *   dW  = 1/b R^T Ht_B                       [m, r]
 *   dHt_B = 1/b R W                          [b, r]   (zero for rows outside B)
 * After each optimizer step both factors are projected onto the non-negative orthant.
 * Block Lipschitz constants of f_B: L_W = |Ht_B^T Ht_B|_2 / b, L_H = |W^T W|_2 / b
 * (power iteration); with clip_to_bound the learning rate of each group is capped at
 * safety / L, safety < 2 being the stability limit.
 * Validation: held-out samples are encoded with W fixed by `val_iters` multiplicative
 * updates (Lee & Seung, NIPS 2000) from a fixed start; the task metric is the relative
 * reconstruction error |X_val - Ht_val W^T|_F / |X_val|_F.
 * Data sets (X [n, m], rows are samples):
 *   faces      200 x 625      LFW subset (scikit-image), pixels in [0, 1]
 *   fashion    samples x 784  the first `samples` Fashion-MNIST training images in file
 *                             order, pixels / 255
 *   kjv        1189 x vocab   King James Bible chapters x the `vocab` words in the most
 *                             chapters: counts or tf-idf (tasks/data/text.h), each row divided
 *                             by its L2 norm, so entries lie in [0, 1] like the pixels and a
 *                             short chapter (Psalm 117, 2 verses) weighs as much as a long
 *                             one (Psalm 119, 176 verses)
 *   synthetic  n x m          planted non-negative rank-k matrix plus clipped noise
 */
#include "harness/base/blas.h"
#include "harness/base/fsutil.h"
#include "harness/base/rng.h"
#include "harness/base/sha256.h"
#include "tasks/batches.h"
#include "tasks/data/cache.h"
#include "tasks/data/npy.h"
#include "tasks/data/text.h"
#include "tasks/data/vision.h"
#include "tasks/task.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FACES_FILE "lfw_subset.npy"
#define FACES_SHA256 "9560ec2f5edfac01973f63a8a99d00053fecd11e21877e18038fbe500f8e872c"

static const ParamSpec params[] = {
    {"dataset", PARAM_ENUM, "faces", 0, 0, 0, "faces|fashion|kjv|synthetic",
     "faces: LFW subset, 200 images of 25x25 (scikit-image); fashion: Fashion-MNIST training "
     "images, samples x 784; kjv: King James Bible chapters x vocab words; synthetic: planted "
     "low rank + noise"},
    {"rank", PARAM_INT, "16", 1, 4096, 0, NULL, "factorization rank r"},
    {"batch", PARAM_INT, "16", 1, INFINITY, 0, NULL, "samples (columns of V) per minibatch"},
    {"val_every", PARAM_INT, "5", 2, INFINITY, 0, NULL,
     "every val_every-th sample is held out for validation"},
    {"val_iters", PARAM_INT, "50", 1, 10000, 0, NULL,
     "multiplicative updates that encode held-out samples"},
    {"clip_to_bound", PARAM_BOOL, "false", 0, 0, 0, NULL,
     "cap each group's lr at safety / L (stability bound)"},
    {"safety", PARAM_NUM, "1.9", 0, 2, PARAM_LO_OPEN | PARAM_HI_OPEN, NULL,
     "factor c of the bound lr <= c / L"},
    /* each data set's own keys apply only to it (ParamSpec.applies) */
    {"m", PARAM_INT, "256", 1, 100000, 0, NULL, "synthetic: features (rows of V)",
     .applies = "dataset=synthetic"},
    {"n", PARAM_INT, "500", 2, 1000000, 0, NULL, "synthetic: samples (columns of V)",
     .applies = "dataset=synthetic"},
    {"true_rank", PARAM_INT, "10", 1, 4096, 0, NULL, "synthetic: rank of the planted factors",
     .applies = "dataset=synthetic"},
    {"noise", PARAM_NUM, "0.1", 0, INFINITY, 0, NULL,
     "synthetic: gaussian noise, relative to the mean entry", .applies = "dataset=synthetic"},
    {"data_seed", PARAM_INT, "1", 0, 9007199254740991.0, 0, NULL,
     "synthetic: seed of the planted matrix (the cell seed drives init and order)",
     .applies = "dataset=synthetic"},
    {"samples", PARAM_INT, "2000", 2, 60000, 0, NULL,
     "fashion: the first N training images, in file order", .applies = "dataset=fashion"},
    {"vocab", PARAM_INT, "4096", 1, 100000, 0, NULL,
     "kjv: words (columns), those in the most chapters, ties alphabetical",
     .applies = "dataset=kjv"},
    {"weighting", PARAM_ENUM, "tfidf", 0, 0, 0, "counts|tfidf",
     "kjv: word counts or tf-idf (smoothed idf), each chapter scaled to unit L2 norm",
     .applies = "dataset=kjv"},
    {0},
};

typedef struct {
    int m, r, b;
    int ntr, nval;
    float *xtr, *xval; /* [ntr, m], [nval, m] */
    int split_shared;  /* xtr and xval belong to the data cache */
    float *hval;       /* [nval, r] encodings of held-out samples */
    float *R;          /* [max(b, ntr, nval), m] residual workspace */
    float *hb, *ghb;   /* [b, r] gathered batch rows and their gradient */
    float *gram, *tmp; /* [r, r], [nval, r] */
    BatchOrder order;  /* epochs of a seeded permutation of the training split */
    uint32_t *batch;   /* [b] rows of the current minibatch */
    int val_iters;
    double safety, init_scale;
    uint64_t seed;
} Nmf;

static float *W_of(Task *t) { return t->w; }
static float *H_of(Task *t, const float *w) { return (float *)w + t->groups[1].off; }

/* ---- data ---- */

static int load_faces(const TaskEnv *env, float **x, int *n, int *m, const char *where, Err *e) {
    char path[4096], sum[65];
    snprintf(path, sizeof path, "%s/%s", env->datadir, FACES_FILE);
    const char *hint = "fetch it with: bash scripts/fetch-data.sh faces";
    errno = 0;
    if (sha256_file(path, sum) != 0) {
        if (errno == ENOENT || !errno)
            err_set(e, EXIT_USAGE, path,
                    "missing data file (expected the LFW face subset, got "
                    "none)");
        else
            err_set(e, EXIT_USAGE, path,
                    "unreadable data file (expected the LFW face subset, "
                    "got %s)",
                    fs_strerror(errno));
        err_hint(e, "%s", hint);
        return -1;
    }
    if (strcmp(sum, FACES_SHA256) != 0) {
        err_set(e, EXIT_USAGE, path, "sha256 mismatch (expected %s, got %s)", FACES_SHA256, sum);
        err_hint(e, "delete it and %s", hint);
        return -1;
    }
    Npy a;
    if (npy_load(path, &a, hint, e) != 0) return -1;
    if (a.ndim != 3 || a.shape[1] * a.shape[2] == 0) {
        npy_free(&a);
        return err_set(e, EXIT_USAGE, path, "unexpected shape (expected (200, 25, 25))");
    }
    *n = (int)a.shape[0];
    *m = (int)(a.shape[1] * a.shape[2]);
    *x = a.data; /* [n, m]: one image per row */
    return 0;
}

/* The first `samples` Fashion-MNIST training images, one per row, pixels scaled to [0, 1]. */
static int load_fashion(const Params *p, const TaskEnv *env, float **x, int *n, int *m,
                        const char *where, Err *e) {
    VisionSet tr;
    if (vision_load_split(env->datadir, "fashion", 0, &tr, e) != 0) return -1;
    int64_t want = params_int(p, "samples");
    if (want > tr.n) {
        vision_free(&tr);
        return err_set(e, EXIT_USAGE, where,
                       "task \"nmf\": samples: more than the training images (expected at most "
                       "%d, got %lld)",
                       tr.n, (long long)want);
    }
    *n = (int)want;
    *m = tr.rows * tr.cols;
    size_t count = (size_t)*n * (size_t)*m;
    float *v = xmalloc(sizeof(float) * count); /* [n, m] */
    for (size_t i = 0; i < count; i++) v[i] = (float)tr.images[i] / 255.0f;
    vision_free(&tr);
    *x = v;
    return 0;
}

/* King James Bible chapters x vocabulary words (tasks/data/text.h, corpus_doc_term). */
static int load_kjv(const Params *p, const TaskEnv *env, float **x, int *n, int *m,
                    const char *where, Err *e) {
    TextCorpus c;
    if (corpus_load(env->datadir, "kjv_chapters", &c, e) != 0) return -1;
    char subject[512];
    snprintf(subject, sizeof subject, "%s%stask \"nmf\"", where ? where : "",
             where && *where ? ": " : "");
    int weighting =
        strcmp(params_str(p, "weighting"), "tfidf") == 0 ? DOCTERM_TFIDF : DOCTERM_COUNTS;
    DocTerm dt;
    int rc = corpus_doc_term(&c, (int)params_int(p, "vocab"), weighting, &dt, subject, e);
    corpus_free(&c);
    if (rc != 0) return -1;
    *n = dt.n;
    *m = dt.k;
    *x = dt.x; /* [n, m]: one chapter per row */
    dt.x = NULL;
    doc_term_free(&dt);
    return 0;
}

/* Planted non-negative rank-k matrix plus clipped gaussian noise, rows are samples. */
static void make_synthetic(const Params *p, float **x, int *n, int *m) {
    int k = (int)params_int(p, "true_rank");
    *n = (int)params_int(p, "n");
    *m = (int)params_int(p, "m");
    double noise = params_num(p, "noise");
    Rng rng;
    rng_seed2(&rng, (uint64_t)params_int(p, "data_seed"), 0x6e6d66 /* "nmf" */);
    float *a = xmalloc(sizeof(float) * (size_t)*n * (size_t)k);
    float *b = xmalloc(sizeof(float) * (size_t)*m * (size_t)k);
    for (size_t i = 0; i < (size_t)*n * (size_t)k; i++) a[i] = (float)rng_uniform(&rng);
    for (size_t i = 0; i < (size_t)*m * (size_t)k; i++) b[i] = (float)(rng_uniform(&rng) / k);
    float *v = xmalloc(sizeof(float) * (size_t)*n * (size_t)*m);
    /* v [n, m] = a [n, k] b^T [k, m]; entries have mean 1/4 * k * (1/k) * 2 = 0.5 */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, *n, *m, k, 1.0f, a, k, b, k, 0.0f, v, *m);
    for (size_t i = 0; i < (size_t)*n * (size_t)*m; i++) {
        double z = v[i] + noise * 0.25 * rng_normal(&rng);
        v[i] = (float)(z > 0 ? z : 0);
    }
    free(a);
    free(b);
    *x = v;
}

/* The mean entry of a data matrix [n, m] (it scales the initial factors). */
static double matrix_mean(const float *x, int n, int m) {
    double mean = 0;
    for (size_t i = 0; i < (size_t)n * m; i++) mean += x[i];
    return mean / ((double)n * m);
}

/* A cached data matrix: this head, then the matrix. */
typedef struct MatrixHead {
    double mean;
    int n, m;
} MatrixHead;

/* The data matrix [n, m] of the task's data set and its mean entry; with the data cache on
 * (data/cache.h) made once per process, and then *x points into the cache (*owned 0: not to
 * be freed); key: its cache key ("" when not cached). */
static int load_matrix(const Params *p, const TaskEnv *env, float **x, int *owned, int *n, int *m,
                       double *mean, char key[4300], const char *where, Err *e) {
    const char *ds = params_str(p, "dataset");
    datacache_key(key, 4300,
                  "nmf %s %s samples=%lld vocab=%lld weighting=%s m=%lld n=%lld "
                  "true_rank=%lld noise=%.17g data_seed=%lld",
                  ds, env->datadir, (long long)params_int(p, "samples"),
                  (long long)params_int(p, "vocab"), params_str(p, "weighting"),
                  (long long)params_int(p, "m"), (long long)params_int(p, "n"),
                  (long long)params_int(p, "true_rank"), params_num(p, "noise"),
                  (long long)params_int(p, "data_seed"));
    size_t size;
    const MatrixHead *hit = datacache_find(key, &size);
    if (hit) {
        *n = hit->n, *m = hit->m, *mean = hit->mean;
        *x = (float *)(hit + 1);
        *owned = 0;
        return 0;
    }
    *owned = 1;
    if (strcmp(ds, "faces") == 0) {
        if (load_faces(env, x, n, m, where, e) != 0) return -1;
    } else if (strcmp(ds, "fashion") == 0) {
        if (load_fashion(p, env, x, n, m, where, e) != 0) return -1;
    } else if (strcmp(ds, "kjv") == 0) {
        if (load_kjv(p, env, x, n, m, where, e) != 0) return -1;
    } else {
        make_synthetic(p, x, n, m);
    }
    *mean = matrix_mean(*x, *n, *m);
    if (datacache_on() && *key) {
        size_t bytes = sizeof(float) * (size_t)*n * (size_t)*m;
        char *entry = xmalloc(sizeof(MatrixHead) + bytes);
        memcpy(entry, &(MatrixHead){*mean, *n, *m}, sizeof(MatrixHead));
        memcpy(entry + sizeof(MatrixHead), *x, bytes);
        datacache_keep(key, entry, sizeof(MatrixHead) + bytes);
        free(entry);
    }
    return 0;
}

/* ---- the task ---- */

static int create(Task *t, const Params *p, uint64_t seed, const TaskEnv *env, const char *where,
                  Err *e) {
    float *x = NULL;
    int n = 0, m = 0, owned = 1;
    double mean = 0;
    char key[4300];
    if (load_matrix(p, env, &x, &owned, &n, &m, &mean, key, where, e) != 0) return -1;
    Nmf *s = xcalloc(1, sizeof *s);
    int every = (int)params_int(p, "val_every");
    s->m = m;
    s->r = (int)params_int(p, "rank");
    s->nval = n / every;
    s->ntr = n - s->nval;
    s->b = (int)params_int(p, "batch");
    if (s->nval < 1 || s->b > s->ntr) {
        if (owned) free(x);
        free(s);
        return err_set(e, EXIT_USAGE, where,
                       "task \"nmf\": batch: larger than the training samples (expected at most "
                       "%d, got %lld)",
                       n - n / every, (long long)params_int(p, "batch"));
    }
    s->val_iters = (int)params_int(p, "val_iters");
    s->safety = params_num(p, "safety");
    s->seed = seed;
    /* the training and validation rows: with the data cache on, split once per process and
     * shared, read-only, by every cell (one block, the validation rows a multiple of 64 bytes
     * after its start) */
    const size_t ntr_m = (size_t)s->ntr * m, val_off = (ntr_m + 15) / 16 * 16;
    char skey[4400] = "";
    if (*key) snprintf(skey, sizeof skey, "%s val_every=%d", key, every);
    const float *split = datacache_find(skey, NULL);
    if (split) {
        s->xtr = (float *)split;
        s->xval = (float *)split + val_off;
        s->split_shared = 1;
    } else {
        s->xtr = xmalloc(sizeof(float) * ntr_m);
        s->xval = xmalloc(sizeof(float) * (size_t)s->nval * m);
        for (int j = 0, itr = 0, iv = 0; j < n; j++) {
            float *dst = (j % every == every - 1 && iv < s->nval) ? s->xval + (size_t)iv++ * m
                                                                  : s->xtr + (size_t)itr++ * m;
            memcpy(dst, x + (size_t)j * m, sizeof(float) * m);
        }
        if (datacache_on() && *skey) {
            const size_t total = val_off + (size_t)s->nval * m;
            float *block = xcalloc(total, sizeof(float));
            memcpy(block, s->xtr, sizeof(float) * ntr_m);
            memcpy(block + val_off, s->xval, sizeof(float) * (size_t)s->nval * m);
            datacache_keep(skey, block, sizeof(float) * total);
            free(block);
        }
    }
    if (owned) free(x);
    int rows = s->b > s->ntr ? s->b : s->ntr;
    if (s->nval > rows) rows = s->nval;
    s->R = xmalloc(sizeof(float) * (size_t)rows * m);
    s->hb = xmalloc(sizeof(float) * (size_t)s->b * s->r);
    s->ghb = xmalloc(sizeof(float) * (size_t)s->b * s->r);
    s->hval = xmalloc(sizeof(float) * (size_t)s->nval * s->r);
    s->tmp = xmalloc(sizeof(float) * (size_t)s->nval * s->r);
    s->gram = xmalloc(sizeof(float) * (size_t)s->r * s->r);
    batches_init(&s->order, s->seed, s->ntr, s->b);
    s->batch = xmalloc(sizeof(uint32_t) * (size_t)s->b);
    /* Uniform init with E[(W H)_ij] equal to the mean entry: r (c/2)^2 = mean. */
    s->init_scale = 2.0 * sqrt(mean / s->r);

    t->impl = s;
    t->n = (size_t)m * s->r + (size_t)s->ntr * s->r;
    t->w = xmalloc(sizeof(float) * t->n);
    t->g = xcalloc(t->n, sizeof(float));
    t->ngroups = 2;
    t->groups = xcalloc(2, sizeof(TaskGroup));
    t->groups[0] = (TaskGroup){"W", 0, (size_t)m * s->r, m, s->r};
    t->groups[1] = (TaskGroup){"H", (size_t)m * s->r, (size_t)s->ntr * s->r, s->ntr, s->r};
    t->steps_per_epoch = s->ntr / s->b;
    t->clip_lr = params_bool(p, "clip_to_bound");
    Rng rng;
    rng_seed2(&rng, seed, 0x696e6974 /* "init" */);
    for (size_t i = 0; i < t->n; i++) t->w[i] = (float)(s->init_scale * rng_uniform(&rng));
    return 0;
}

/* Selects the rows of step `step`: epochs of a seeded permutation, last partial batch dropped. */
static void pick_batch(Task *t, int64_t step) {
    Nmf *s = t->impl;
    memcpy(s->batch, batches_of(&s->order, step), sizeof(uint32_t) * s->b);
}

/* R [b, m] = Ht_B W^T - X_B at parameters w; gathers Ht_B into s->hb; returns f_B. */
static double batch_residual(Task *t, const float *w) {
    Nmf *s = t->impl;
    const int m = s->m, r = s->r, b = s->b;
    const float *H = H_of(t, w);
    for (int i = 0; i < b; i++) {
        memcpy(s->hb + (size_t)i * r, H + (size_t)s->batch[i] * r, sizeof(float) * r);
        memcpy(s->R + (size_t)i * m, s->xtr + (size_t)s->batch[i] * m, sizeof(float) * m);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, m, r, 1.0f, s->hb, r, w, r, -1.0f, s->R,
                m);
    double ss = 0;
    for (size_t i = 0; i < (size_t)b * m; i++) ss += (double)s->R[i] * s->R[i];
    return ss / (2.0 * b);
}

static double train_step(Task *t, int64_t step) {
    Nmf *s = t->impl;
    const int m = s->m, r = s->r, b = s->b;
    pick_batch(t, step);
    double loss = batch_residual(t, t->w);
    const float inv_b = 1.0f / (float)b;
    /* dW [m, r] = 1/b R^T [m, b] Ht_B [b, r] */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, r, b, inv_b, s->R, m, s->hb, r, 0.0f,
                t->g, r);
    /* dHt_B [b, r] = 1/b R [b, m] W [m, r], scattered into the dense H gradient */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, r, m, inv_b, s->R, m, W_of(t), r,
                0.0f, s->ghb, r);
    float *gH = t->g + t->groups[1].off;
    memset(gH, 0, sizeof(float) * t->groups[1].n);
    for (int i = 0; i < b; i++)
        memcpy(gH + (size_t)s->batch[i] * r, s->ghb + (size_t)i * r, sizeof(float) * r);
    return loss;
}

static double loss_at(Task *t, const float *w_trial) { return batch_residual(t, w_trial); }

static void project(Task *t) {
    /* a select rather than a branch (the signs are unpredictable), so that it vectorises;
     * NaN and -0 stay as they are: divergence must stay visible */
    float *w = t->w;
    for (size_t i = 0; i < t->n; i++) w[i] = w[i] < 0.0f ? 0.0f : w[i];
}

/* Largest eigenvalue of a symmetric PSD r x r matrix by power iteration (double). */
static double spectral_norm(const float *G, int r) {
    double v[4096], u[4096];
    for (int i = 0; i < r; i++) v[i] = 1.0 / sqrt((double)r) * (1.0 + 0.01 * i);
    double lam = 0;
    for (int it = 0; it < 30; it++) {
        double nrm = 0;
        for (int i = 0; i < r; i++) {
            double acc = 0;
            for (int j = 0; j < r; j++) acc += (double)G[(size_t)i * r + j] * v[j];
            u[i] = acc;
            nrm += acc * acc;
        }
        nrm = sqrt(nrm);
        if (nrm == 0) return 0;
        for (int i = 0; i < r; i++) v[i] = u[i] / nrm;
        if (fabs(nrm - lam) <= 1e-7 * nrm) return nrm;
        lam = nrm;
    }
    return lam;
}

static void lr_bound(Task *t, double *bound) {
    Nmf *s = t->impl;
    const int r = s->r, b = s->b;
    /* L_W = |Ht_B^T Ht_B|_2 / b with the batch gathered by the last train_step. */
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, r, b, 1.0f, s->hb, r, 0.0f, s->gram, r);
    for (int i = 0; i < r; i++)
        for (int j = 0; j < i; j++) s->gram[(size_t)i * r + j] = s->gram[(size_t)j * r + i];
    double lw = spectral_norm(s->gram, r) / b;
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, r, s->m, 1.0f, W_of(t), r, 0.0f, s->gram, r);
    for (int i = 0; i < r; i++)
        for (int j = 0; j < i; j++) s->gram[(size_t)i * r + j] = s->gram[(size_t)j * r + i];
    double lh = spectral_norm(s->gram, r) / b;
    bound[0] = lw > 0 ? s->safety / lw : INFINITY;
    bound[1] = lh > 0 ? s->safety / lh : INFINITY;
}

/* Half the mean squared residual norm of `rows` samples X [rows, m] against H [rows, r] W^T.
 * The residual is the product minus X, P - X, which is the same float as the -X + P that a
 * product into a copy of X with beta = -1 gives (one rounding of the same exact sum; only a
 * zero's sign may differ, and a zero squares to +0 either way); without that copy of X. */
static double reconstruction(Nmf *s, const float *W, const float *H, const float *X, int rows,
                             double *xnorm2) {
    const int m = s->m, r = s->r;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, m, r, 1.0f, H, r, W, r, 0.0f, s->R,
                m);
    double ss = 0, xx = 0;
    for (size_t i = 0; i < (size_t)rows * m; i++) {
        const float d = s->R[i] - X[i];
        ss += (double)d * d;
        xx += (double)X[i] * X[i];
    }
    if (xnorm2) *xnorm2 = xx;
    return ss;
}

static void evaluate(Task *t, double *metrics) {
    Nmf *s = t->impl;
    const int m = s->m, r = s->r, nv = s->nval;
    const float *W = W_of(t);
    double ss_tr = reconstruction(s, W, H_of(t, t->w), s->xtr, s->ntr, NULL);
    /* Encode held-out samples: Hv <- Hv * (Xv W) / (Hv W^T W), from a fixed start. */
    for (size_t i = 0; i < (size_t)nv * r; i++) s->hval[i] = (float)(s->init_scale / 2);
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, r, m, 1.0f, W, r, 0.0f, s->gram, r);
    for (int i = 0; i < r; i++)
        for (int j = 0; j < i; j++) s->gram[(size_t)i * r + j] = s->gram[(size_t)j * r + i];
    float *xw = s->R; /* [nv, r] numerator, reuses the residual workspace (rows >= nv) */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nv, r, m, 1.0f, s->xval, m, W, r, 0.0f,
                xw, r);
    for (int it = 0; it < s->val_iters; it++) {
        cblas_ssymm(CblasRowMajor, CblasRight, CblasUpper, nv, r, 1.0f, s->gram, r, s->hval, r,
                    0.0f, s->tmp, r);
        for (size_t i = 0; i < (size_t)nv * r; i++)
            s->hval[i] = s->hval[i] * xw[i] / (s->tmp[i] + 1e-12f);
    }
    double xx;
    double ss_val = reconstruction(s, W, s->hval, s->xval, nv, &xx);
    metrics[METRIC_TRAIN_LOSS] = ss_tr / (2.0 * s->ntr);
    metrics[METRIC_VAL_LOSS] = ss_val / (2.0 * nv);
    metrics[METRIC_TASK] = sqrt(ss_val / xx);
}

static void destroy(Task *t) {
    Nmf *s = t->impl;
    if (s) {
        if (!s->split_shared) {
            free(s->xtr);
            free(s->xval);
        }
        free(s->hval);
        free(s->R);
        free(s->hb);
        free(s->ghb);
        free(s->gram);
        free(s->tmp);
        batches_free(&s->order);
        free(s->batch);
        free(s);
    }
    t->impl = NULL;
}

const TaskDef task_nmf = {
    .name = "nmf",
    .version = 1,
    .summary = "stochastic non-negative matrix factorization, projected updates",
    .datasets = "faces (LFW subset from Debian python3-skimage, 200 x 625), fashion "
                "(Fashion-MNIST training images, samples x 784), kjv (King James Bible, 1189 "
                "chapters x vocab words), synthetic",
    .params = params,
    .metric = "rel_error",
    .test_params = "dataset=synthetic;m=12;n=25;rank=3;true_rank=2;batch=4",
    .create = create,
    .train_step = train_step,
    .loss_at = loss_at,
    .project = project,
    .lr_bound = lr_bound,
    .evaluate = evaluate,
    .destroy = destroy,
};
