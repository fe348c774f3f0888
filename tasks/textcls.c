/* textcls.c - spam or ham: logistic regression or a one-hidden-layer MLP on hashed n-grams.
 *
 * Documents are the SpamAssassin public corpus (6,046 e-mails, 1,896 spam) or synthetic
 * bag-of-words documents drawn from two class-specific word distributions (needs no files).
 * Features (the hashing trick, Weinberger et al., "Feature Hashing for Large Scale Multitask
 * Learning", ICML 2009): every lower-cased word (a maximal run of ASCII letters and digits)
 * and every character n-gram of the lower-cased text, whitespace runs collapsed to one space,
 * is hashed into D = 2^bits buckets; a bucket's value is log(1 + count), and each document's
 * vector is L2-normalised. The hash is 32-bit FNV-1a (Fowler, Noll, Vo; offset basis
 * 2166136261, prime 16777619) over a kind byte ('w' word, 'c' character n-gram) followed by
 * the feature's bytes, xor-folded to `bits` bits: bucket = ((h >> bits) ^ h) & (D - 1). The
 * vectors are stored sparse (CSR).
 * The train/validation split is a permutation seeded by split_seed, not by the cell seed, so
 * every cell sees the same split; the cell seed drives the initialisation and the order of
 * the minibatches (epochs of a seeded permutation of the training documents).
 *
 * logistic:  z = x w + b                      loss = softplus(z) - y z    (sigmoid cross-entropy)
 * mlp:       h = relu(x fc1 + b1)   [b, H]    fc1 stored [D, H] so a feature's row is contiguous
 *            z = h fc2^T + b2       [b, K]    K = 1 (sigmoid) or 2 (softmax cross-entropy)
 * x is sparse: the first layer's forward and weight gradient run over the CSR rows by hand;
 * the dense products go through cblas. Loss: mean over the minibatch, in nats. Metrics: the
 * mean loss over the validation documents, over as many fixed training documents, and the
 * validation accuracy (higher is better).
 *
 * Dimension legend: D = 2^bits features, H hidden units, K output units, b documents of a
 * minibatch (B at most), nnz stored entries.
 *
 * Default cell (spam, logistic; one core of an AMD EPYC; Adam lr 3e-3 constant, 1000 steps,
 * seeds 1 and 2, with lrlab run): loading and hashing the 6,046 e-mails takes 1.9 s (133 MB
 * peak; the hashing alone about 0.4 s on an AVX-512 Xeon, once per run: features()), a step
 * 0.12 ms, an evaluation 6 ms; val accuracy 0.434 at init (31% of the e-mails
 * are spam), 0.973 and 0.976 at the end (val loss 0.085). The mlp (H 32, Adam lr 1e-3):
 * 1.6 ms per step, val accuracy 0.982.
 */
#include "harness/base/blas.h"
#include "harness/base/rng.h"
#include "tasks/batches.h"
#include "tasks/data/cache.h"
#include "tasks/data/text.h"
#include "tasks/task.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u
#define SYN_WORDS 2000 /* synthetic vocabulary */
#define SYN_TILT 0.4   /* class c: p_c(word) ~ zipf(word) exp(SYN_TILT * N(0, 1)) */
#define SYN_MIN_LEN 10 /* words per synthetic document: uniform in [MIN, MIN + SPAN) */
#define SYN_SPAN_LEN 40

enum { MODEL_LOGISTIC, MODEL_MLP };

static const ParamSpec params[] = {
    {"dataset", PARAM_ENUM, "spam", 0, 0, 0, "spam|synthetic",
     "spam: SpamAssassin public corpus (6,046 e-mails); synthetic: bag-of-words documents from "
     "two class-specific word distributions"},
    {"model", PARAM_ENUM, "logistic", 0, 0, 0, "logistic|mlp",
     "logistic regression, or one hidden ReLU layer"},
    {"hidden", PARAM_INT, "32", 1, 4096, 0, NULL, "mlp: hidden units H"},
    {"output", PARAM_ENUM, "sigmoid", 0, 0, 0, "sigmoid|softmax",
     "mlp: one sigmoid unit or a two-way softmax (logistic is always sigmoid)"},
    {"batch", PARAM_INT, "32", 1, 1e6, 0, NULL, "documents per minibatch"},
    {"bits", PARAM_INT, "14", 4, 24, 0, NULL, "hash buckets D = 2^bits"},
    {"n", PARAM_INT, "3", 1, 16, 0, NULL, "character n-gram length"},
    {"val_fraction", PARAM_NUM, "0.2", 0, 1, PARAM_LO_OPEN | PARAM_HI_OPEN, NULL,
     "documents held out for validation"},
    {"split_seed", PARAM_INT, "1", 0, 9007199254740991.0, 0, NULL,
     "seed of the train/validation split (the same for every cell)"},
    {"docs", PARAM_INT, "2000", 4, 1e7, 0, NULL, "synthetic: documents"},
    {"data_seed", PARAM_INT, "1", 0, 9007199254740991.0, 0, NULL,
     "synthetic: seed of the word distributions and documents"},
    {0},
};

/* Every document's features, CSR. */
typedef struct {
    int ndocs;
    size_t *rowptr; /* [ndocs + 1] */
    uint32_t *col;  /* [nnz] bucket */
    float *val;     /* [nnz] log(1 + count), L2-normalised per document */
    uint8_t *y;     /* [ndocs] 1 spam, 0 ham */
} Features;

typedef struct {
    int model;
    int D, bits, ngram; /* features, log2 D, n-gram length */
    int H, K, B;        /* hidden units, output units, batch */
    Features f;         /* every document's features */
    int shared;         /* f's arrays belong to the data cache (tasks/data/cache.h) */
    /* split */
    uint32_t *tr, *va; /* [ntr], [nval] document indices */
    int ntr, nval, ntr_eval;
    /* minibatches */
    BatchOrder order; /* epochs of a seeded permutation of positions in tr */
    uint32_t *batch;  /* [B] documents of the current minibatch */
    int nb;           /* documents in it */
    uint64_t seed;
    /* workspaces */
    float *hid; /* [B, H] hidden activations */
    float *z;   /* [B, K] outputs (logits) */
    float *dz;  /* [B, K] */
    float *dh;  /* [B, H] */
} TextCls;

typedef struct {
    float *w, *b;       /* logistic: [D], [1] */
    float *fc1w, *fc1b; /* mlp: [D, H], [H] */
    float *fc2w, *fc2b; /* mlp: [K, H], [K] */
} Weights;

static void views(const TextCls *s, float *base, Weights *W) {
    memset(W, 0, sizeof *W);
    if (s->model == MODEL_LOGISTIC) {
        W->w = base;
        W->b = base + s->D;
    } else {
        W->fc1w = base;
        W->fc1b = W->fc1w + (size_t)s->D * s->H;
        W->fc2w = W->fc1b + s->H;
        W->fc2b = W->fc2w + (size_t)s->K * s->H;
    }
}

/* ---- features ---- */

static uint32_t fnv1a(uint32_t h, unsigned char c) { return (h ^ c) * FNV_PRIME; }

static int is_word_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

static int is_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* A growable CSR matrix under construction (create time only). */
typedef struct {
    size_t nnz, cap;
    uint32_t *col;
    float *val;
} Csr;

#define LOG1P_TABLE 256 /* log1p of the counts below this, looked up */

typedef struct {
    int D, bits, ngram;
    double log1p_of[LOG1P_TABLE]; /* log1p(k), the very value libm gives */
    float *cnt;                   /* [D] counts of the current document, zero between documents */
    uint32_t *touched;            /* [D] buckets with a non-zero count */
    int ntouched;
    unsigned char *norm; /* normalised text scratch */
    size_t norm_cap;
} Featurizer;

static void count(Featurizer *f, uint32_t h) {
    uint32_t k = ((h >> f->bits) ^ h) & (uint32_t)(f->D - 1);
    if (f->cnt[k] == 0.0f) f->touched[f->ntouched++] = k;
    f->cnt[k] += 1.0f;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Appends one document's feature row to m. */
static void featurize(Featurizer *f, const char *doc, size_t len, Csr *m) {
    const unsigned char *d = (const unsigned char *)doc;
    /* words */
    for (size_t i = 0; i < len;) {
        if (!is_word_char(d[i])) {
            i++;
            continue;
        }
        uint32_t h = fnv1a(FNV_OFFSET, 'w');
        while (i < len && is_word_char(d[i])) h = fnv1a(h, lower(d[i++]));
        count(f, h);
    }
    /* character n-grams of the lower-cased text with whitespace runs collapsed */
    if (len + 1 > f->norm_cap) {
        f->norm_cap = 2 * (len + 1);
        f->norm = xrealloc(f->norm, f->norm_cap);
    }
    size_t nn = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = is_space(d[i]) ? ' ' : lower(d[i]);
        if (c == ' ' && nn > 0 && f->norm[nn - 1] == ' ') continue;
        f->norm[nn++] = c;
    }
    for (size_t i = 0; i + (size_t)f->ngram <= nn; i++) {
        uint32_t h = fnv1a(FNV_OFFSET, 'c');
        for (int k = 0; k < f->ngram; k++) h = fnv1a(h, f->norm[i + k]);
        count(f, h);
    }
    /* log(1 + count), L2-normalised, in bucket order: the touched buckets sorted, or, when
     * they are more than a sixteenth of the D buckets, found by one pass over the counts */
    if ((size_t)f->ntouched * 16 > (size_t)f->D) {
        int n = 0;
        for (int j = 0; j < f->D; j++)
            if (f->cnt[j] != 0.0f) f->touched[n++] = (uint32_t)j;
    } else {
        qsort(f->touched, (size_t)f->ntouched, sizeof(uint32_t), cmp_u32);
    }
    if (m->nnz + (size_t)f->ntouched > m->cap) {
        m->cap = 2 * (m->nnz + (size_t)f->ntouched) + 1024;
        m->col = xrealloc(m->col, sizeof(uint32_t) * m->cap);
        m->val = xrealloc(m->val, sizeof(float) * m->cap);
    }
    double ss = 0;
    for (int k = 0; k < f->ntouched; k++) {
        const float c = f->cnt[f->touched[k]];
        const double v = c < LOG1P_TABLE ? f->log1p_of[(int)c] : log1p((double)c);
        ss += v * v;
    }
    const double inv = ss > 0 ? 1.0 / sqrt(ss) : 0.0;
    for (int k = 0; k < f->ntouched; k++) {
        uint32_t j = f->touched[k];
        const float c = f->cnt[j];
        const double v = c < LOG1P_TABLE ? f->log1p_of[(int)c] : log1p((double)c);
        m->col[m->nnz] = j;
        m->val[m->nnz++] = (float)(v * inv);
        f->cnt[j] = 0.0f;
    }
    f->ntouched = 0;
}

/* Synthetic documents: SYN_WORDS random lower-case words; class c draws them from
 * zipf(k) exp(SYN_TILT u_ck), u ~ N(0, 1); labels balanced at random. */
static void make_synthetic(int ndocs, uint64_t data_seed, TextCorpus *c) {
    Rng rng;
    rng_seed2(&rng, data_seed, 0x7465787463ULL /* "textc" */);
    char(*words)[9] = xmalloc(sizeof(*words) * SYN_WORDS);
    for (int k = 0; k < SYN_WORDS; k++) {
        int len = 2 + (int)rng_below(&rng, 7);
        for (int i = 0; i < len; i++) words[k][i] = (char)('a' + rng_below(&rng, 26));
        words[k][len] = '\0';
    }
    double *cdf = xmalloc(sizeof(double) * 2 * SYN_WORDS); /* [2 classes, SYN_WORDS] */
    for (int cl = 0; cl < 2; cl++) {
        double *row = cdf + (size_t)cl * SYN_WORDS, acc = 0;
        for (int k = 0; k < SYN_WORDS; k++)
            row[k] = (acc += exp(SYN_TILT * rng_normal(&rng)) / (k + 1.0));
        for (int k = 0; k < SYN_WORDS; k++) row[k] /= acc;
        row[SYN_WORDS - 1] = 1.0;
    }
    c->n = ndocs;
    c->docs = xcalloc((size_t)ndocs, sizeof(char *));
    c->lens = xcalloc((size_t)ndocs, sizeof(size_t));
    c->labels = xcalloc((size_t)ndocs, sizeof(int));
    for (int d = 0; d < ndocs; d++) {
        int cl = (int)rng_below(&rng, 2), nw = SYN_MIN_LEN + (int)rng_below(&rng, SYN_SPAN_LEN);
        char *doc = xmalloc((size_t)nw * 9 + 1);
        size_t len = 0;
        const double *row = cdf + (size_t)cl * SYN_WORDS;
        for (int i = 0; i < nw; i++) {
            double u = rng_uniform(&rng);
            int lo = 0, hi = SYN_WORDS - 1; /* first k with row[k] > u */
            while (lo < hi) {
                int mid = (lo + hi) / 2;
                if (row[mid] > u) hi = mid;
                else lo = mid + 1;
            }
            size_t wl = strlen(words[lo]);
            memcpy(doc + len, words[lo], wl);
            len += wl;
            doc[len++] = ' ';
        }
        doc[len] = '\0';
        c->docs[d] = doc;
        c->lens[d] = len;
        c->labels[d] = cl;
    }
    free(words);
    free(cdf);
}

static void free_synthetic(TextCorpus *c) {
    for (int d = 0; d < c->n; d++) free(c->docs[d]);
    free(c->docs);
    free(c->lens);
    free(c->labels);
}

/* ---- the model ---- */

static double softplus(double z) { return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z)); }

/* Outputs s->z [nb, K] (and s->hid [nb, H]) of documents docs[0, nb) at w; returns the sum
 * of their losses. */
static double forward(TextCls *s, const float *w, const uint32_t *docs, int nb) {
    Weights W;
    views(s, (float *)w, &W);
    const int H = s->H, K = s->K;
    if (s->model == MODEL_LOGISTIC) {
        for (int i = 0; i < nb; i++) {
            float z = W.b[0];
            for (size_t k = s->f.rowptr[docs[i]]; k < s->f.rowptr[docs[i] + 1]; k++)
                z += s->f.val[k] * W.w[s->f.col[k]];
            s->z[i] = z;
        }
    } else {
        /* hid [nb, H] = relu(x [nb, D] fc1 [D, H] + b1), x sparse */
        for (int i = 0; i < nb; i++) {
            float *h = s->hid + (size_t)i * H;
            memcpy(h, W.fc1b, sizeof(float) * H);
            for (size_t k = s->f.rowptr[docs[i]]; k < s->f.rowptr[docs[i] + 1]; k++) {
                const float v = s->f.val[k], *row = W.fc1w + (size_t)s->f.col[k] * H;
                for (int j = 0; j < H; j++) h[j] += v * row[j];
            }
            for (int j = 0; j < H; j++) h[j] = fmaxf(h[j], 0.0f);
        }
        /* z [nb, K] = hid [nb, H] fc2^T [H, K] + b2 */
        for (int i = 0; i < nb; i++) memcpy(s->z + (size_t)i * K, W.fc2b, sizeof(float) * K);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nb, K, H, 1.0f, s->hid, H, W.fc2w, H,
                    1.0f, s->z, K);
    }
    double loss = 0;
    for (int i = 0; i < nb; i++) {
        const int y = s->f.y[docs[i]];
        const float *z = s->z + (size_t)i * K;
        if (K == 1) {
            loss += softplus(z[0]) - y * (double)z[0];
        } else {
            double mx = fmax(z[0], z[1]);
            loss += mx + log(exp(z[0] - mx) + exp(z[1] - mx)) - z[y];
        }
    }
    return loss;
}

/* Gradient of the mean loss of the last forward over docs[0, nb), into g (zeroed here). */
static void backward(TextCls *s, const float *w, float *g, size_t n, const uint32_t *docs, int nb) {
    Weights W, G;
    views(s, (float *)w, &W);
    views(s, g, &G);
    memset(g, 0, sizeof(float) * n);
    const int H = s->H, K = s->K;
    /* dz [nb, K] = (sigmoid(z) - y) / nb, or (softmax(z) - onehot(y)) / nb */
    for (int i = 0; i < nb; i++) {
        const int y = s->f.y[docs[i]];
        const float *z = s->z + (size_t)i * K;
        float *dz = s->dz + (size_t)i * K;
        if (K == 1) {
            dz[0] = (float)((1.0 / (1.0 + exp(-(double)z[0])) - y) / nb);
        } else {
            double p1 = 1.0 / (1.0 + exp((double)z[0] - z[1]));
            dz[1] = (float)((p1 - y) / nb);
            dz[0] = -dz[1];
        }
    }
    if (s->model == MODEL_LOGISTIC) {
        for (int i = 0; i < nb; i++) {
            const float d = s->dz[i];
            G.b[0] += d;
            for (size_t k = s->f.rowptr[docs[i]]; k < s->f.rowptr[docs[i] + 1]; k++)
                G.w[s->f.col[k]] += d * s->f.val[k];
        }
        return;
    }
    /* dfc2 [K, H] = dz^T [K, nb] hid [nb, H];  db2 [K] = colsum dz */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, H, nb, 1.0f, s->dz, K, s->hid, H, 0.0f,
                G.fc2w, H);
    for (int i = 0; i < nb; i++)
        for (int k = 0; k < K; k++) G.fc2b[k] += s->dz[(size_t)i * K + k];
    /* dh [nb, H] = dz [nb, K] fc2 [K, H], through the relu */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nb, H, K, 1.0f, s->dz, K, W.fc2w, H,
                0.0f, s->dh, H);
    for (size_t i = 0; i < (size_t)nb * H; i++)
        if (s->hid[i] <= 0.0f) s->dh[i] = 0.0f;
    /* dfc1 [D, H] += x^T dh over the CSR rows;  db1 [H] = colsum dh */
    for (int i = 0; i < nb; i++) {
        const float *dh = s->dh + (size_t)i * H;
        for (int j = 0; j < H; j++) G.fc1b[j] += dh[j];
        for (size_t k = s->f.rowptr[docs[i]]; k < s->f.rowptr[docs[i] + 1]; k++) {
            const float v = s->f.val[k];
            float *row = G.fc1w + (size_t)s->f.col[k] * H;
            for (int j = 0; j < H; j++) row[j] += v * dh[j];
        }
    }
}

/* ---- the task ---- */

static void destroy(Task *t);

static void release(TextCorpus *c, int synthetic) {
    if (synthetic) free_synthetic(c);
    else corpus_free(c);
}

/* Frees a Features' arrays (also the data cache's drop of an adopted one). */
static void drop_features(void *p) {
    Features *f = p;
    free(f->rowptr);
    free(f->col);
    free(f->val);
    free(f->y);
}

/* The features of every document, shared by the cells of a run: hashing the 6,046 e-mails
 * takes about 0.4 s (1 s when each e-mail's buckets were sorted and every log1p computed),
 * more than most cells' training. With the data cache on they are built once, in the runner's
 * preflight, and the workers it forks read that copy; the key holds everything the features
 * depend on. */
static int features(TextCls *s, const Params *p, const TaskEnv *env, Err *e) {
    const int synthetic = strcmp(params_str(p, "dataset"), "synthetic") == 0;
    char key[4300];
    if (synthetic)
        datacache_key(key, sizeof key, "textcls synthetic %lld %lld %d %d",
                      (long long)params_int(p, "docs"), (long long)params_int(p, "data_seed"),
                      s->bits, s->ngram);
    else datacache_key(key, sizeof key, "textcls spam %s %d %d", env->datadir, s->bits, s->ngram);
    const Features *hit = datacache_find(key, NULL);
    if (hit) {
        s->f = *hit;
        s->shared = 1;
        return 0;
    }
    TextCorpus corpus = {0};
    if (synthetic)
        make_synthetic((int)params_int(p, "docs"), (uint64_t)params_int(p, "data_seed"), &corpus);
    else if (corpus_load(env->datadir, "spam", &corpus, e) != 0) return -1;
    Featurizer fz = {.D = s->D, .bits = s->bits, .ngram = s->ngram};
    for (int k = 0; k < LOG1P_TABLE; k++) fz.log1p_of[k] = log1p((double)k);
    fz.cnt = xcalloc((size_t)s->D, sizeof(float));
    fz.touched = xmalloc(sizeof(uint32_t) * s->D);
    Csr m = {0};
    s->f.ndocs = corpus.n;
    s->f.rowptr = xmalloc(sizeof(size_t) * (s->f.ndocs + 1));
    s->f.y = xmalloc((size_t)s->f.ndocs);
    s->f.rowptr[0] = 0;
    for (int d = 0; d < s->f.ndocs; d++) {
        featurize(&fz, corpus.docs[d], corpus.lens[d], &m);
        s->f.rowptr[d + 1] = m.nnz;
        s->f.y[d] = corpus.labels[d] != 0;
    }
    s->f.col = xrealloc(m.col, sizeof(uint32_t) * (m.nnz ? m.nnz : 1)); /* up to half was spare */
    s->f.val = xrealloc(m.val, sizeof(float) * (m.nnz ? m.nnz : 1));
    free(fz.cnt);
    free(fz.touched);
    free(fz.norm);
    release(&corpus, synthetic);
    if (datacache_on() && *key) /* the cache adopts the arrays */
        s->shared = datacache_adopt(key, &s->f, sizeof s->f, drop_features) != NULL;
    return 0;
}

static int create(Task *t, const Params *p, uint64_t seed, const TaskEnv *env, const char *where,
                  Err *e) {
    if (strcmp(params_str(p, "model"), "logistic") == 0 &&
        strcmp(params_str(p, "output"), "softmax") == 0)
        return err_set(e, EXIT_USAGE, where,
                       "task \"textcls\": output: softmax needs model \"mlp\" (expected sigmoid "
                       "for model \"logistic\", got softmax)");
    TextCls *s = xcalloc(1, sizeof *s);
    t->impl = s;
    s->seed = seed;
    s->model = strcmp(params_str(p, "model"), "mlp") == 0 ? MODEL_MLP : MODEL_LOGISTIC;
    s->bits = (int)params_int(p, "bits");
    s->D = 1 << s->bits;
    s->ngram = (int)params_int(p, "n");
    s->B = (int)params_int(p, "batch");
    s->H = s->model == MODEL_MLP ? (int)params_int(p, "hidden") : 1;
    s->K = s->model == MODEL_MLP && strcmp(params_str(p, "output"), "softmax") == 0 ? 2 : 1;
    if (features(s, p, env, e) != 0) {
        destroy(t);
        return -1;
    }
    s->nval = (int)lround(s->f.ndocs * params_num(p, "val_fraction"));
    if (s->nval < 1) s->nval = 1;
    s->ntr = s->f.ndocs - s->nval;
    if (s->ntr < s->B) {
        err_set(e, EXIT_USAGE, where,
                "task \"textcls\": batch: larger than the training documents (expected at most "
                "%d, got %d)",
                s->ntr, s->B);
        destroy(t);
        return -1;
    }

    /* split: a permutation seeded by split_seed; its first nval documents are held out */
    uint32_t *order = xmalloc(sizeof(uint32_t) * s->f.ndocs);
    for (int d = 0; d < s->f.ndocs; d++) order[d] = (uint32_t)d;
    Rng rng;
    rng_seed2(&rng, (uint64_t)params_int(p, "split_seed"), 0x73706c6974ULL /* "split" */);
    rng_shuffle(&rng, order, (size_t)s->f.ndocs);
    s->va = xmalloc(sizeof(uint32_t) * s->nval);
    s->tr = xmalloc(sizeof(uint32_t) * s->ntr);
    memcpy(s->va, order, sizeof(uint32_t) * s->nval);
    memcpy(s->tr, order + s->nval, sizeof(uint32_t) * s->ntr);
    free(order);
    s->ntr_eval = s->ntr < s->nval ? s->ntr : s->nval;

    batches_init(&s->order, s->seed, s->ntr, s->B);
    s->batch = xmalloc(sizeof(uint32_t) * s->B);
    s->hid = xcalloc((size_t)s->B * s->H, sizeof(float));
    s->dh = xcalloc((size_t)s->B * s->H, sizeof(float));
    s->z = xcalloc((size_t)s->B * s->K, sizeof(float));
    s->dz = xcalloc((size_t)s->B * s->K, sizeof(float));

    /* parameters: logistic N(0, 0.01^2) (near zero: the loss starts at ln 2); mlp fc1
     * N(0, 1): x has unit L2 norm, so the hidden pre-activations start at unit scale;
     * fc2 N(0, 1 / H); biases 0 */
    const size_t D = (size_t)s->D, H = (size_t)s->H, K = (size_t)s->K;
    t->ngroups = s->model == MODEL_LOGISTIC ? 2 : 4;
    t->groups = xcalloc((size_t)t->ngroups, sizeof(TaskGroup));
    if (s->model == MODEL_LOGISTIC) {
        t->groups[0] = (TaskGroup){"weight", 0, D, 1, (int)D};
        t->groups[1] = (TaskGroup){"bias", D, 1, 1, 1};
        t->n = D + 1;
    } else {
        t->groups[0] = (TaskGroup){"fc1.weight", 0, D * H, (int)D, (int)H};
        t->groups[1] = (TaskGroup){"fc1.bias", D * H, H, 1, (int)H};
        t->groups[2] = (TaskGroup){"fc2.weight", D * H + H, K * H, (int)K, (int)H};
        t->groups[3] = (TaskGroup){"fc2.bias", D * H + H + K * H, K, 1, (int)K};
        t->n = D * H + H + K * H + K;
    }
    t->w = xcalloc(t->n, sizeof(float));
    t->g = xcalloc(t->n, sizeof(float));
    Weights W;
    views(s, t->w, &W);
    rng_seed2(&rng, seed, 0x696e6974 /* "init" */);
    if (s->model == MODEL_LOGISTIC) {
        for (size_t i = 0; i < D; i++) W.w[i] = (float)(0.01 * rng_normal(&rng));
    } else {
        for (size_t i = 0; i < D * H; i++) W.fc1w[i] = (float)rng_normal(&rng);
        for (size_t i = 0; i < K * H; i++) W.fc2w[i] = (float)(rng_normal(&rng) / sqrt((double)H));
    }
    t->steps_per_epoch = s->ntr / s->B;
    t->clip_lr = 0;
    return 0;
}

/* The documents of step `step`: epochs of a seeded permutation, last partial batch dropped. */
static void pick_batch(Task *t, int64_t step) {
    TextCls *s = t->impl;
    const uint32_t *order = batches_of(&s->order, step);
    for (int i = 0; i < s->B; i++) s->batch[i] = s->tr[order[i]];
    s->nb = s->B;
}

static double train_step(Task *t, int64_t step) {
    TextCls *s = t->impl;
    pick_batch(t, step);
    double loss = forward(s, t->w, s->batch, s->nb) / s->nb;
    backward(s, t->w, t->g, t->n, s->batch, s->nb);
    return loss;
}

static double loss_at(Task *t, const float *w_trial) {
    TextCls *s = t->impl;
    return forward(s, w_trial, s->batch, s->nb) / s->nb;
}

/* Mean loss over docs[0, n) in chunks of B; the fraction classified right into *acc. */
static double mean_loss(TextCls *s, const float *w, const uint32_t *docs, int n, double *acc) {
    double loss = 0;
    int right = 0;
    for (int i0 = 0; i0 < n; i0 += s->B) {
        int nb = n - i0 < s->B ? n - i0 : s->B;
        loss += forward(s, w, docs + i0, nb);
        for (int i = 0; i < nb; i++) {
            const float *z = s->z + (size_t)i * s->K;
            int pred = s->K == 1 ? z[0] > 0.0f : z[1] > z[0];
            right += pred == s->f.y[docs[i0 + i]];
        }
    }
    if (acc) *acc = (double)right / n;
    return loss / n;
}

static void evaluate(Task *t, double *metrics) {
    TextCls *s = t->impl;
    double acc;
    metrics[METRIC_TRAIN_LOSS] = mean_loss(s, t->w, s->tr, s->ntr_eval, NULL);
    metrics[METRIC_VAL_LOSS] = mean_loss(s, t->w, s->va, s->nval, &acc);
    metrics[METRIC_TASK] = acc;
}

static void destroy(Task *t) {
    TextCls *s = t->impl;
    if (s) {
        if (!s->shared) drop_features(&s->f);
        free(s->tr);
        free(s->va);
        batches_free(&s->order);
        free(s->batch);
        free(s->hid);
        free(s->dh);
        free(s->z);
        free(s->dz);
        free(s);
    }
    t->impl = NULL;
}

const TaskDef task_textcls = {
    .name = "textcls",
    .version = 1,
    .summary = "spam or ham: logistic regression or MLP on hashed word and char n-grams",
    .datasets = "spam (SpamAssassin public corpus, npm @stdlib), synthetic (bag of words)",
    .params = params,
    .metric = "accuracy",
    .metric_higher_better = 1,
    .test_params = "dataset=synthetic;docs=60;bits=8;batch=4",
    .create = create,
    .train_step = train_step,
    .loss_at = loss_at,
    .evaluate = evaluate,
    .destroy = destroy,
};
