/* charlm.c - character-level language model: a Bengio-style MLP or a small GPT-2 transformer.
 *
 * Next-character prediction on a text: the King James Bible, Moby Dick, or a synthetic text
 * drawn from a seeded random order-2 Markov chain over 30 symbols (needs no files). The
 * vocabulary is the sorted set of bytes of the whole text; the last val_fraction of the text is
 * held out. A minibatch is B windows of the training text at offsets drawn from
 * (cell seed, step); the loss is the mean next-character cross-entropy over every predicted
 * position, in nats; the task metric is bits per character, bpc = val_loss / ln 2.
 *
 * mlp: Bengio, Ducharme, Vincent, Jauvin, "A Neural Probabilistic Language Model", JMLR 2003
 * (without the direct input-output connections; the nplm_* functions below, "mlp" in C names
 * being the task of tasks/mlp.c). Each of the S positions of a window is
 * predicted from the embeddings of its K previous characters, concatenated:
 *   x = [emb[c_{i-K}], ..., emb[c_{i-1}]]   [N, K*E]
 *   h = act(x fc1^T + b1)                   [N, H]    act = tanh or relu
 *   p = softmax(h fc2^T + b2)               [N, V]
 * transformer: GPT-2 (Radford et al. 2019) as written out in karpathy/llm.c train_gpt2.c:
 * learned token and position embeddings, L pre-LayerNorm blocks
 *   x = x + proj(causal multi-head self-attention(ln_1(x)))
 *   x = x + proj(gelu(fc(ln_2(x))))          fc: C -> 4C, gelu: tanh approximation
 * a final LayerNorm and an UNTIED output projection lm_head [V, C] without bias (as minGPT):
 * for a vocabulary of under a hundred characters tying saves little and couples the input
 * and output geometry. Init as GPT-2: N(0, 0.02), residual projections N(0, 0.02 / sqrt(2L)),
 * LayerNorm 1 and 0, biases 0; or (init = pytorch) the torch.nn module defaults: embeddings
 * N(0, 1), linear weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)). test_params use the
 * latter: the registry test's finite-difference step, 1e-2, is not small against GPT-2's
 * residual stream of scale 0.03 feeding a LayerNorm, and the central difference's h^2 error
 * would exceed its tolerance (at a step of 1e-3 both inits check to 1e-4).
 * Forward and backward are written out by hand; every matrix product goes through
 * cblas_sgemm; activations and their gradients live in one allocation made at create, so
 * train_step, loss_at and evaluate allocate nothing. The loops around the products are made
 * fast without changing a bit of any result: the softmaxes' and GELU's exponentials come from
 * vexpf (tasks/vexpf.c: glibc's expf, vectorised), the row sums of the LayerNorms and of the
 * attention run eight rows side by side (each row still adds in index order), and the
 * element-wise loops vectorise (scripts/bench/RESULTS.md, "Second round").
 *
 * Dimension legend:
 *   B  batch (sequences)          V  vocabulary (distinct bytes of the text)
 *   T  context (transformer)      C  d_model, NH heads, hs = C / NH head size, L layers
 *   K  context (mlp)              E  embedding dim, H hidden width, S predicted positions
 *   BT = B * T and N = B * S      rows of the activation matrices
 *
 * Default cells (measured on one core of an AMD EPYC, OpenBLAS 0.3.21 Cooperlake kernels, one
 * thread, Release build; Adam lr 3e-3 constant, 500 steps, seeds 1 and 2, with lrlab run):
 *   transformer on kjv (V 63; B 16 x T 64, C 64, 4 heads, 2 layers; 112,256 parameters):
 *     about 15 ms of CPU time per train_step and Adam update (PyTorch 1.13, same model, one
 *     thread: 19-28 ms; scripts/bench/RESULTS.md), 8 ms per forward pass, about 12 s per
 *     cell with its 21 evaluations (since the second round of speed-ups, on an Intel Xeon
 *     with AVX-512: 7.8 to 9.2 ms a step with OpenBLAS's SkylakeX kernel against PyTorch's
 *     15.7 to 16.9 ms, 10.5 to 11.2 ms with its Haswell kernel against 17.6 to 19.0); val
 *     bpc 5.98 at init, 2.87 and 2.91 at the end (2.38 after 2,000 steps);
 *   mlp on kjv (K 8, E 16, H 256, B 16 x S 64; 50,223 parameters): 5 ms per train_step,
 *     about 3.3 s per cell; val bpc 2.58 and 2.60.
 *   For scale: count models fitted on the training text give 4.36 (unigram), 3.35 (bigram)
 *   and 2.69 (trigram) bits per character on the validation text.
 */
#include "harness/base/blas.h"
#include "harness/base/rng.h"
#include "tasks/data/text.h"
#include "tasks/task.h"
#include "tasks/vexpf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LAYERS 2
#define CONTEXT_TRANSFORMER 64 /* the defaults of the parameter "context" (see its help) */
#define CONTEXT_MLP 8
#define CONTEXT_MAX 1024 /* the largest "context" */
#define MAX_GROUPS (2 + 12 * MAX_LAYERS + 3)
#define LN_EPS 1e-5f
#define MARKOV_SYMBOLS "abcdefghijklmnopqrstuvwxyz .,\n" /* 30 symbols */
#define MARKOV_BIGRAM 2.0 /* next-symbol weights exp(MARKOV_BIGRAM u_bc + MARKOV_TRIGRAM z_abc) */
#define MARKOV_TRIGRAM 1.5

enum { MODEL_MLP, MODEL_TRANSFORMER };

static const ParamSpec params[] = {
    {"dataset", PARAM_ENUM, "kjv", 0, 0, 0, "kjv|mobydick|synthetic",
     "kjv: King James Bible (4.3 MB); mobydick: Moby Dick (1.2 MB); synthetic: seeded random "
     "order-2 Markov chain over 30 symbols"},
    {"model", PARAM_ENUM, "transformer", 0, 0, 0, "mlp|transformer",
     "mlp: Bengio et al. 2003; transformer: GPT-2 blocks (pre-LayerNorm)"},
    {"context", PARAM_INT, NULL, 1, CONTEXT_MAX, PARAM_OPTIONAL, NULL,
     "characters of context (default: 64 for the transformer, 8 for the mlp)"},
    {"seq_len", PARAM_INT, "64", 1, 4096, 0, NULL,
     "mlp: predicted positions per sequence (the transformer predicts all context positions)",
     .applies = "model=mlp"},
    {"batch", PARAM_INT, "16", 1, 4096, 0, NULL, "sequences per minibatch"},
    /* each model's own keys apply only to it, the synthetic text's only to it
     * (ParamSpec.applies) */
    {"d_model", PARAM_INT, "64", 1, 4096, 0, NULL, "transformer: residual stream width C",
     .applies = "model=transformer"},
    {"heads", PARAM_INT, "4", 1, 256, 0, NULL, "transformer: attention heads (divide d_model)",
     .applies = "model=transformer"},
    {"layers", PARAM_INT, "2", 1, MAX_LAYERS, 0, NULL, "transformer: blocks",
     .applies = "model=transformer"},
    {"init", PARAM_ENUM, "gpt2", 0, 0, 0, "gpt2|pytorch",
     "transformer: gpt2: weights N(0, 0.02), residual projections N(0, 0.02 / sqrt(2 layers)), "
     "biases 0; pytorch: the torch.nn defaults, embeddings N(0, 1), linear weights and biases "
     "U(-1/sqrt(fan_in), 1/sqrt(fan_in))",
     .applies = "model=transformer"},
    {"hidden", PARAM_INT, "256", 1, 65536, 0, NULL, "mlp: hidden width H", .applies = "model=mlp"},
    {"embed", PARAM_INT, "16", 1, 4096, 0, NULL, "mlp: embedding dimension E",
     .applies = "model=mlp"},
    {"activation", PARAM_ENUM, "tanh", 0, 0, 0, "tanh|relu", "mlp: hidden nonlinearity",
     .applies = "model=mlp"},
    {"val_fraction", PARAM_NUM, "0.1", 0, 1, PARAM_LO_OPEN | PARAM_HI_OPEN, NULL,
     "last part of the text held out for validation"},
    {"eval_batches", PARAM_INT, "8", 1, 100000, 0, NULL,
     "batches of fixed, evenly spaced windows for the train and validation losses"},
    {"synthetic_chars", PARAM_INT, "200000", 100, 1e9, 0, NULL, "synthetic: text length",
     .applies = "dataset=synthetic"},
    {"data_seed", PARAM_INT, "1", 0, 9007199254740991.0, 0, NULL,
     "synthetic: seed of the Markov chain and its text (the cell seed drives init and order)",
     .applies = "dataset=synthetic"},
    {0},
};

/* ---- parameter tensors: one group each, in memory order ---- */

typedef struct {
    float *ln1w, *ln1b;         /* [C], [C] */
    float *qkvw, *qkvb;         /* [3C, C], [3C]: rows q, then k, then v */
    float *attprojw, *attprojb; /* [C, C], [C] */
    float *ln2w, *ln2b;         /* [C], [C] */
    float *fcw, *fcb;           /* [4C, C], [4C] */
    float *fcprojw, *fcprojb;   /* [C, 4C], [C] */
} BlockWeights;

typedef struct {
    float *wte; /* [V, C] token embeddings */
    float *wpe; /* [T, C] position embeddings */
    BlockWeights h[MAX_LAYERS];
    float *lnfw, *lnfb; /* [C], [C] */
    float *lm_head;     /* [V, C] */
} GptWeights;

typedef struct {
    float *emb;         /* [V, E] */
    float *fc1w, *fc1b; /* [H, K*E], [H] */
    float *fc2w, *fc2b; /* [V, H], [V] */
} NplmWeights;

/* ---- activations (one allocation, named views) ---- */

typedef struct {
    float *ln1, *ln1_mean, *ln1_rstd; /* [B, T, C], [B, T], [B, T] */
    float *qkv;                       /* [B, T, 3C] */
    float *att;                       /* [B, NH, T, T] causal attention probabilities */
    float *atty;                      /* [B, T, C] the heads' outputs side by side */
    float *attproj;                   /* [B, T, C] */
    float *residual2;                 /* [B, T, C] */
    float *ln2, *ln2_mean, *ln2_rstd; /* [B, T, C], [B, T], [B, T] */
    float *fch, *fch_gelu;            /* [B, T, 4C], [B, T, 4C] */
    float *fch_den;                   /* [B, T, 4C] 1 + exp(-2u) of the GELU, for backward */
    float *fcproj;                    /* [B, T, C] */
    float *residual3;                 /* [B, T, C] the block's output */
} BlockActs;

typedef struct {
    float *encoded; /* [B, T, C] wte[token] + wpe[position] */
    BlockActs h[MAX_LAYERS];
    float *lnf, *lnf_mean, *lnf_rstd; /* [B, T, C], [B, T], [B, T] */
    float *probs;                     /* [B, T, V] logits, then probabilities in place */
    /* gradients; a block's residual gradient flows down through one buffer */
    float *dresidual; /* [B, T, C] */
    float *dln;       /* [B, T, C] gradient at a LayerNorm output */
    float *dqkv;      /* [B, T, 3C] */
    float *datty;     /* [B, T, C] */
    float *dfch;      /* [B, T, 4C] at fch_gelu, then in place at fch */
    float *dlogits;   /* [B, T, V] */
    float *datt;      /* [T, T] one head's attention gradient (scratch) */
} GptActs;

typedef struct {
    float *x;       /* [N, K*E] concatenated embeddings */
    float *h;       /* [N, H] hidden activations */
    float *probs;   /* [N, V] logits, then probabilities in place */
    float *dx;      /* [N, K*E] */
    float *dh;      /* [N, H] */
    float *dlogits; /* [N, V] */
} NplmActs;

typedef struct {
    int model;
    int B, V;          /* sequences per batch, vocabulary */
    int P, span;       /* predicted positions per window, characters per window */
    int T, C, NH, L;   /* transformer */
    int K, E, H, relu; /* mlp */
    int pytorch_init;  /* transformer: torch.nn default init instead of GPT-2's */
    uint8_t *tok;      /* [ntok] the text as token ids */
    size_t ntok, ntr;  /* training text tok[0, ntr), validation tok[ntr, ntok) */
    size_t *starts;    /* [B] window offsets of the current minibatch */
    size_t *eval_tr;   /* [eval_batches * B] fixed training windows */
    size_t *eval_val;  /* [eval_batches * B] fixed validation windows */
    int eval_batches;
    uint64_t seed;
    char names[MAX_GROUPS][40];
    float *acts; /* the one allocation behind ga or ma */
    GptActs ga;
    NplmActs ma;
} CharLm;

/* Layout: walks tensors in memory order. With t set it records one group per tensor (at
 * create); with base set it hands out views of a buffer (w, g or a trial w). One walk, so
 * groups and views cannot disagree. With neither it only counts. */
typedef struct {
    Task *t;
    CharLm *s;
    float *base;
    size_t off;
} Layout;

static float *carve(Layout *lo, size_t n) {
    float *p = lo->base ? lo->base + lo->off : NULL;
    lo->off += n;
    return p;
}

static float *take(Layout *lo, int layer, const char *name, int rows, int cols) {
    if (lo->t) {
        Task *t = lo->t;
        int gi = t->ngroups++;
        LR_ASSERT(gi < MAX_GROUPS);
        char *nm = lo->s->names[gi];
        if (layer >= 0) snprintf(nm, sizeof lo->s->names[gi], "h%d.%s", layer, name);
        else snprintf(nm, sizeof lo->s->names[gi], "%s", name);
        t->groups[gi] = (TaskGroup){nm, lo->off, (size_t)rows * cols, rows, cols};
    }
    return carve(lo, (size_t)rows * cols);
}

static void gpt_layout(const CharLm *s, Layout *lo, GptWeights *W) {
    const int V = s->V, T = s->T, C = s->C;
    W->wte = take(lo, -1, "wte", V, C);
    W->wpe = take(lo, -1, "wpe", T, C);
    for (int l = 0; l < s->L; l++) {
        W->h[l].ln1w = take(lo, l, "ln_1.weight", 1, C);
        W->h[l].ln1b = take(lo, l, "ln_1.bias", 1, C);
        W->h[l].qkvw = take(lo, l, "attn.qkv.weight", 3 * C, C);
        W->h[l].qkvb = take(lo, l, "attn.qkv.bias", 1, 3 * C);
        W->h[l].attprojw = take(lo, l, "attn.proj.weight", C, C);
        W->h[l].attprojb = take(lo, l, "attn.proj.bias", 1, C);
        W->h[l].ln2w = take(lo, l, "ln_2.weight", 1, C);
        W->h[l].ln2b = take(lo, l, "ln_2.bias", 1, C);
        W->h[l].fcw = take(lo, l, "mlp.fc.weight", 4 * C, C);
        W->h[l].fcb = take(lo, l, "mlp.fc.bias", 1, 4 * C);
        W->h[l].fcprojw = take(lo, l, "mlp.proj.weight", C, 4 * C);
        W->h[l].fcprojb = take(lo, l, "mlp.proj.bias", 1, C);
    }
    W->lnfw = take(lo, -1, "ln_f.weight", 1, C);
    W->lnfb = take(lo, -1, "ln_f.bias", 1, C);
    W->lm_head = take(lo, -1, "lm_head.weight", V, C);
}

static void nplm_layout(const CharLm *s, Layout *lo, NplmWeights *W) {
    W->emb = take(lo, -1, "emb", s->V, s->E);
    W->fc1w = take(lo, -1, "fc1.weight", s->H, s->K * s->E);
    W->fc1b = take(lo, -1, "fc1.bias", 1, s->H);
    W->fc2w = take(lo, -1, "fc2.weight", s->V, s->H);
    W->fc2b = take(lo, -1, "fc2.bias", 1, s->V);
}

static void gpt_acts(const CharLm *s, Layout *lo, GptActs *a) {
    const size_t B = s->B, T = s->T, C = s->C, NH = s->NH, V = s->V, BT = B * T;
    a->encoded = carve(lo, BT * C);
    for (int l = 0; l < s->L; l++) {
        a->h[l].ln1 = carve(lo, BT * C);
        a->h[l].ln1_mean = carve(lo, BT);
        a->h[l].ln1_rstd = carve(lo, BT);
        a->h[l].qkv = carve(lo, BT * 3 * C);
        a->h[l].att = carve(lo, B * NH * T * T);
        a->h[l].atty = carve(lo, BT * C);
        a->h[l].attproj = carve(lo, BT * C);
        a->h[l].residual2 = carve(lo, BT * C);
        a->h[l].ln2 = carve(lo, BT * C);
        a->h[l].ln2_mean = carve(lo, BT);
        a->h[l].ln2_rstd = carve(lo, BT);
        a->h[l].fch = carve(lo, BT * 4 * C);
        a->h[l].fch_gelu = carve(lo, BT * 4 * C);
        a->h[l].fch_den = carve(lo, BT * 4 * C);
        a->h[l].fcproj = carve(lo, BT * C);
        a->h[l].residual3 = carve(lo, BT * C);
    }
    a->lnf = carve(lo, BT * C);
    a->lnf_mean = carve(lo, BT);
    a->lnf_rstd = carve(lo, BT);
    a->probs = carve(lo, BT * V);
    a->dresidual = carve(lo, BT * C);
    a->dln = carve(lo, BT * C);
    a->dqkv = carve(lo, BT * 3 * C);
    a->datty = carve(lo, BT * C);
    a->dfch = carve(lo, BT * 4 * C);
    a->dlogits = carve(lo, BT * V);
    a->datt = carve(lo, T * T);
}

static void nplm_acts(const CharLm *s, Layout *lo, NplmActs *a) {
    const size_t N = (size_t)s->B * s->P, KE = (size_t)s->K * s->E;
    a->x = carve(lo, N * KE);
    a->h = carve(lo, N * s->H);
    a->probs = carve(lo, N * s->V);
    a->dx = carve(lo, N * KE);
    a->dh = carve(lo, N * s->H);
    a->dlogits = carve(lo, N * s->V);
}

/* ---- layers (forward and backward), as in llm.c; backward functions accumulate (+=) into
 * parameter gradients and overwrite the input gradient unless they say otherwise ---- */

/* out [BT, C] = wte[tokens] + wpe[position]; window b's tokens are tok[starts[b] + t]. */
static void encoder_forward(float *out, const uint8_t *tok, const size_t *starts, const float *wte,
                            const float *wpe, int B, int T, int C) {
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++) {
            float *o = out + ((size_t)b * T + t) * C;
            const float *te = wte + (size_t)tok[starts[b] + t] * C, *pe = wpe + (size_t)t * C;
            for (int i = 0; i < C; i++) o[i] = te[i] + pe[i];
        }
}

static void encoder_backward(float *dwte, float *dwpe, const float *dout, const uint8_t *tok,
                             const size_t *starts, int B, int T, int C) {
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++) {
            const float *d = dout + ((size_t)b * T + t) * C;
            float *dte = dwte + (size_t)tok[starts[b] + t] * C, *dpe = dwpe + (size_t)t * C;
            for (int i = 0; i < C; i++) dte[i] += d[i], dpe[i] += d[i];
        }
}

/* The LayerNorms' row sums run LN_ROWS rows side by side: each row's sum still adds its
 * elements one after another in index order (the same bits), but one row's additions no
 * longer wait for the previous row's. */
#define LN_ROWS 8

/* mean, rstd [R] of the rows of x [R, C], R <= LN_ROWS. */
static inline void layernorm_stats(float *mean, float *rstd, const float *x, int R, int C) {
    float m[LN_ROWS] = {0}, v[LN_ROWS] = {0};
    for (int i = 0; i < C; i++)
        for (int r = 0; r < R; r++) m[r] += x[(size_t)r * C + i];
    for (int r = 0; r < R; r++) m[r] /= C;
    for (int i = 0; i < C; i++)
        for (int r = 0; r < R; r++) {
            const float dx = x[(size_t)r * C + i] - m[r];
            v[r] += dx * dx;
        }
    for (int r = 0; r < R; r++) {
        mean[r] = m[r];
        rstd[r] = 1.0f / sqrtf(v[r] / C + LN_EPS);
    }
}

/* out [N, C] = (inp - mean) * rstd * w + b, per row; mean, rstd [N] kept for backward. */
static void layernorm_forward(float *out, float *mean, float *rstd, const float *inp,
                              const float *w, const float *b, int N, int C) {
    int n = 0;
    for (; n + LN_ROWS <= N; n += LN_ROWS)
        layernorm_stats(mean + n, rstd + n, inp + (size_t)n * C, LN_ROWS, C);
    for (; n < N; n++) layernorm_stats(mean + n, rstd + n, inp + (size_t)n * C, 1, C);
    for (n = 0; n < N; n++) {
        const float *x = inp + (size_t)n * C, m = mean[n], s = rstd[n];
        float *o = out + (size_t)n * C;
        for (int i = 0; i < C; i++) o[i] = (x[i] - m) * s * w[i] + b[i];
    }
}

/* dmean, dnmean [R]: the row means of dnorm = w * d and of dnorm * norm, norm = (x - mean)
 * * rstd, for the rows of d, x [R, C], R <= LN_ROWS. */
static inline void layernorm_dmeans(float *dmean, float *dnmean, const float *d, const float *x,
                                    const float *w, const float *mean, const float *rstd, int R,
                                    int C) {
    float a[LN_ROWS] = {0}, b[LN_ROWS] = {0};
    for (int i = 0; i < C; i++)
        for (int r = 0; r < R; r++) {
            const size_t k = (size_t)r * C + i;
            const float norm = (x[k] - mean[r]) * rstd[r], dnorm = w[i] * d[k];
            a[r] += dnorm;
            b[r] += dnorm * norm;
        }
    for (int r = 0; r < R; r++) dmean[r] = a[r] / C, dnmean[r] = b[r] / C;
}

/* One row's share of layernorm_backward, given its means; restrict lets GCC vectorise it
 * (the arrays never overlap). */
static inline void layernorm_backward_row(float *restrict di, float *restrict dw,
                                          float *restrict db, const float *restrict d,
                                          const float *restrict x, const float *restrict w, float m,
                                          float s, float dnorm_mean, float dnorm_norm_mean, int C) {
    for (int i = 0; i < C; i++) {
        float norm = (x[i] - m) * s, dnorm = w[i] * d[i];
        db[i] += d[i];
        dw[i] += norm * d[i];
        di[i] += (dnorm - dnorm_mean - norm * dnorm_norm_mean) * s;
    }
}

/* dinp [N, C] += (its gradient): the residual stream accumulates. */
static void layernorm_backward(float *dinp, float *dw, float *db, const float *dout,
                               const float *inp, const float *w, const float *mean,
                               const float *rstd, int N, int C) {
    float dms[LN_ROWS], dnms[LN_ROWS];
    for (int n = 0; n < N; n++) {
        const float *d = dout + (size_t)n * C, *x = inp + (size_t)n * C;
        float *di = dinp + (size_t)n * C;
        const float m = mean[n], s = rstd[n];
        if (n % LN_ROWS == 0 && n + LN_ROWS <= N) /* the next LN_ROWS rows' means */
            layernorm_dmeans(dms, dnms, d, x, w, mean + n, rstd + n, LN_ROWS, C);
        else if (n >= N - N % LN_ROWS) /* the rows after the last whole block */
            layernorm_dmeans(dms + n % LN_ROWS, dnms + n % LN_ROWS, d, x, w, mean + n, rstd + n, 1,
                             C);
        layernorm_backward_row(di, dw, db, d, x, w, m, s, dms[n % LN_ROWS], dnms[n % LN_ROWS], C);
    }
}

/* out [N, OC] = inp [N, C] w^T [C, OC] + bias [OC] (bias may be NULL); w is [OC, C]. */
static void matmul_forward(float *out, const float *inp, const float *w, const float *bias, int N,
                           int C, int OC) {
    for (int n = 0; n < N; n++) {
        if (bias) memcpy(out + (size_t)n * OC, bias, sizeof(float) * OC);
        else memset(out + (size_t)n * OC, 0, sizeof(float) * OC);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, OC, C, 1.0f, inp, C, w, C, 1.0f, out,
                OC);
}

static void matmul_backward(float *dinp, float *dw, float *dbias, const float *dout,
                            const float *inp, const float *w, int N, int C, int OC) {
    /* dinp [N, C] = dout [N, OC] w [OC, C] */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, C, OC, 1.0f, dout, OC, w, C, 0.0f,
                dinp, C);
    /* dw [OC, C] += dout^T [OC, N] inp [N, C] */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, OC, C, N, 1.0f, dout, OC, inp, C, 1.0f, dw,
                C);
    if (dbias)
        for (int n = 0; n < N; n++)
            for (int o = 0; o < OC; o++) dbias[o] += dout[(size_t)n * OC + o];
}

/* The largest of x[0, n), n >= 1, as the loop m = x[j] > m ? x[j] : m gives it (no libm
 * call), taken in eight interleaved lanes so that it vectorises. The maximum of finite
 * numbers does not depend on the order (a -0 and a +0 may swap, which no later use tells
 * apart); a NaN makes the softmax row NaN either way. */
static inline float row_max(const float *x, int n) {
    float lane[8], m;
    int j = 0;
    for (int k = 0; k < 8; k++) lane[k] = x[0];
#ifdef __SSE__ /* maxps(a, b) is a > b ? a : b, lane by lane */
    typedef float V4 __attribute__((vector_size(16)));
    V4 l0, l1, v0, v1;
    memcpy(&l0, lane, sizeof l0);
    l1 = l0;
    for (; j + 8 <= n; j += 8) {
        memcpy(&v0, x + j, sizeof v0);
        memcpy(&v1, x + j + 4, sizeof v1);
        l0 = __builtin_ia32_maxps(v0, l0);
        l1 = __builtin_ia32_maxps(v1, l1);
    }
    memcpy(lane, &l0, sizeof l0);
    memcpy(lane + 4, &l1, sizeof l1);
#else
    for (; j + 8 <= n; j += 8)
        for (int k = 0; k < 8; k++) lane[k] = x[j + k] > lane[k] ? x[j + k] : lane[k];
#endif
    m = lane[0];
    for (int k = 1; k < 8; k++) m = lane[k] > m ? lane[k] : m;
    for (; j < n; j++) m = x[j] > m ? x[j] : m;
    return m;
}

/* sum [T]: row i's a[i, 0] + a[i, 1] + ... + a[i, i] of a [T, T] (T <= CONTEXT_MAX), with
 * b (if given) row i's sum of a[i, j] * b[i, j] instead, in that order; eight rows side by
 * side (as the LayerNorms' sums), their common columns first. */
static void causal_row_sums(float *sum, const float *a, const float *b, int T) {
    int i0 = 0;
    for (; i0 + 8 <= T; i0 += 8) {
        float acc[8] = {0};
        for (int j = 0; j <= i0; j++)
            for (int r = 0; r < 8; r++) {
                const size_t k = (size_t)(i0 + r) * T + j;
                acc[r] += b ? a[k] * b[k] : a[k];
            }
        for (int r = 1; r < 8; r++)
            for (int j = i0 + 1; j <= i0 + r; j++) {
                const size_t k = (size_t)(i0 + r) * T + j;
                acc[r] += b ? a[k] * b[k] : a[k];
            }
        for (int r = 0; r < 8; r++) sum[i0 + r] = acc[r];
    }
    for (; i0 < T; i0++) {
        float acc = 0;
        for (int j = 0; j <= i0; j++) {
            const size_t k = (size_t)i0 * T + j;
            acc += b ? a[k] * b[k] : a[k];
        }
        sum[i0] = acc;
    }
}

/* Causal multi-head self-attention. qkv [B, T, 3C] holds q, k, v side by side; head h of
 * sequence b reads the [T, hs] slices at columns h*hs of each (row stride 3C):
 *   att_bh [T, T] = softmax_causal(q k^T / sqrt(hs)),  out_bh [T, hs] = att_bh v. */
static void attention_forward(float *out, float *att, const float *qkv, int B, int T, int C,
                              int NH) {
    const int hs = C / NH, C3 = 3 * C;
    const float scale = 1.0f / sqrtf((float)hs);
    float sums[CONTEXT_MAX];
    LR_ASSERT(T <= CONTEXT_MAX);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < NH; h++) {
            const float *q = qkv + (size_t)b * T * C3 + h * hs, *k = q + C, *v = q + 2 * C;
            float *a = att + ((size_t)b * NH + h) * T * T;
            /* a [T, T] = scale * q [T, hs] k^T [hs, T] */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs, scale, q, C3, k, C3,
                        0.0f, a, T);
            /* softmax of each row's first i + 1 entries: the shifted logits of the whole
             * [T, T] block (0 above the diagonal) go through one vexpf */
            for (int i = 0; i < T; i++) {
                float *row = a + (size_t)i * T;
                const float mx = row_max(row, i + 1);
                for (int j = 0; j <= i; j++) row[j] -= mx;
                for (int j = i + 1; j < T; j++) row[j] = 0.0f;
            }
            vexpf(a, a, (size_t)T * T);
            causal_row_sums(sums, a, NULL, T);
            for (int i = 0; i < T; i++) {
                float *row = a + (size_t)i * T, sum = sums[i];
                for (int j = 0; j <= i; j++) row[j] /= sum;
                for (int j = i + 1; j < T; j++) row[j] = 0.0f; /* the future is masked */
            }
            /* out_bh [T, hs] (row stride C) = a [T, T] v [T, hs] */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T, 1.0f, a, T, v, C3,
                        0.0f, out + (size_t)b * T * C + h * hs, C);
        }
}

/* dqkv [B, T, 3C] from dout [B, T, C]; datt [T, T] is scratch. */
static void attention_backward(float *dqkv, float *datt, const float *dout, const float *qkv,
                               const float *att, int B, int T, int C, int NH) {
    const int hs = C / NH, C3 = 3 * C;
    const float scale = 1.0f / sqrtf((float)hs);
    float dots[CONTEXT_MAX];
    LR_ASSERT(T <= CONTEXT_MAX);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < NH; h++) {
            const size_t qo = (size_t)b * T * C3 + h * hs;
            const float *q = qkv + qo, *k = q + C, *v = q + 2 * C;
            float *dq = dqkv + qo, *dk = dq + C, *dv = dq + 2 * C;
            const float *a = att + ((size_t)b * NH + h) * T * T;
            const float *dy = dout + (size_t)b * T * C + h * hs;
            /* datt [T, T] = dy [T, hs] v^T [hs, T];  dv [T, hs] = a^T [T, T] dy [T, hs] */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs, 1.0f, dy, C, v, C3, 0.0f,
                        datt, T);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T, 1.0f, a, T, dy, C, 0.0f,
                        dv, C3);
            /* softmax backward, in place: dpre_ij = a_ij (datt_ij - sum_k a_ik datt_ik);
             * zero above the diagonal because a is */
            causal_row_sums(dots, a, datt, T);
            for (int i = 0; i < T; i++) {
                const float *ar = a + (size_t)i * T;
                float *dr = datt + (size_t)i * T, dot = dots[i];
                for (int j = 0; j < T; j++) dr[j] = ar[j] * (dr[j] - dot);
            }
            /* dq [T, hs] = scale dpre [T, T] k [T, hs];  dk [T, hs] = scale dpre^T q */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T, scale, datt, T, k, C3,
                        0.0f, dq, C3);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T, scale, datt, T, q, C3,
                        0.0f, dk, C3);
        }
}

/* GELU, tanh approximation (Hendrycks & Gimpel 2016), as GPT-2:
 *   gelu(x) = 0.5 x (1 + tanh(u)),  u = sqrt(2/pi) (x + 0.044715 x^3),
 * computed as x sigmoid(2u) (the same function: 0.5 (1 + tanh u) = sigmoid(2u)) with one expf;
 * glibc's tanhf took over a third of a training step. The forward pass keeps the denominator
 * 1 + exp(-2u) for the backward pass, which then calls no expf and vectorizes; the forward
 * pass takes its exponentials from vexpf (glibc's expf bit for bit, vectorised), between two
 * loops that vectorise. */
#define GELU_SCALE 0.7978845608028654f /* sqrt(2 / pi) */
#define GELU_CUBE 0.044715f

/* out [n] = gelu(inp); den [n] = 1 + exp(-2u), so that out = inp / den. */
static void gelu_forward(float *out, float *den, const float *inp, size_t n) {
    for (size_t at = 0; at < n; at += 1024) { /* blocks that stay in the L1 cache */
        const size_t end = n - at < 1024 ? n : at + 1024;
        for (size_t i = at; i < end; i++) {
            float x = inp[i], u = GELU_SCALE * (x + GELU_CUBE * x * x * x);
            den[i] = -2.0f * u;
        }
        vexpf(den + at, den + at, end - at);
        for (size_t i = at; i < end; i++) {
            den[i] = 1.0f + den[i];
            out[i] = inp[i] / den[i];
        }
    }
}

/* dinout [n]: the gradient at gelu(inp), replaced by the gradient at inp, with den [n] from
 * gelu_forward:  gelu'(x) = s + 2 x s (1 - s) u'(x),  s = sigmoid(2u) = 1 / den. */
static void gelu_backward(float *dinout, const float *inp, const float *den, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float x = inp[i], sg = 1.0f / den[i];
        float du = GELU_SCALE * (1.0f + 3.0f * GELU_CUBE * x * x);
        dinout[i] *= sg + 2.0f * x * sg * (1.0f - sg) * du;
    }
}

/* x [n] = tanh(x) = 2 sigmoid(2x) - 1 with one expf each (absolute error ~1e-7), in place;
 * the exponentials from vexpf. */
static void fast_tanh(float *x, size_t n) {
    for (size_t i = 0; i < n; i++) x[i] = -2.0f * x[i];
    vexpf(x, x, n);
    for (size_t i = 0; i < n; i++) x[i] = 2.0f / (1.0f + x[i]) - 1.0f;
}

static void residual_forward(float *out, const float *a, const float *b, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = a[i] + b[i];
}

/* Logits [B*P, V] -> probabilities in place; returns the mean cross-entropy (nats) against
 * the targets tok[starts[b] + off + i], i < P. Log-sum-exp accumulated in double. */
static double softmax_xent(float *logits, const uint8_t *tok, const size_t *starts, int B, int P,
                           int off, int V) {
    double loss = 0;
    for (int b = 0; b < B; b++)
        for (int i = 0; i < P; i++) {
            float *row = logits + ((size_t)b * P + i) * V;
            const float ly = row[tok[starts[b] + off + i]], mx = row_max(row, V);
            double sum = 0;
            for (int v = 0; v < V; v++) row[v] -= mx;
            vexpf(row, row, (size_t)V);
            for (int v = 0; v < V; v++) sum += row[v];
            /* sum >= 1: the largest logit's term is exp(0) */
            /* cppcheck-suppress invalidFunctionArg */
            loss += (double)mx + log(sum) - (double)ly;
            const float inv = (float)(1.0 / sum);
            for (int v = 0; v < V; v++) row[v] *= inv;
        }
    return loss / ((double)B * P);
}

/* dlogits [B*P, V] = (probs - onehot(target)) / (B*P) */
static void softmax_xent_backward(float *dlogits, const float *probs, const uint8_t *tok,
                                  const size_t *starts, int B, int P, int off, int V) {
    const float inv = 1.0f / (float)(B * P);
    for (int b = 0; b < B; b++)
        for (int i = 0; i < P; i++) {
            const size_t r = ((size_t)b * P + i) * V;
            for (int v = 0; v < V; v++) dlogits[r + v] = probs[r + v] * inv;
            dlogits[r + tok[starts[b] + off + i]] -= inv;
        }
}

/* ---- the transformer, top to bottom ---- */

static double gpt_forward(CharLm *s, const float *w, const size_t *starts) {
    const int B = s->B, T = s->T, C = s->C, NH = s->NH, V = s->V, BT = B * T;
    GptWeights W;
    Layout lo = {.base = (float *)w};
    gpt_layout(s, &lo, &W);
    GptActs *a = &s->ga;
    encoder_forward(a->encoded, s->tok, starts, W.wte, W.wpe, B, T, C);
    const float *residual = a->encoded; /* [BT, C] */
    for (int l = 0; l < s->L; l++) {
        const BlockWeights *p = &W.h[l];
        BlockActs *h = &a->h[l];
        layernorm_forward(h->ln1, h->ln1_mean, h->ln1_rstd, residual, p->ln1w, p->ln1b, BT, C);
        matmul_forward(h->qkv, h->ln1, p->qkvw, p->qkvb, BT, C, 3 * C);
        attention_forward(h->atty, h->att, h->qkv, B, T, C, NH);
        matmul_forward(h->attproj, h->atty, p->attprojw, p->attprojb, BT, C, C);
        residual_forward(h->residual2, residual, h->attproj, (size_t)BT * C);
        layernorm_forward(h->ln2, h->ln2_mean, h->ln2_rstd, h->residual2, p->ln2w, p->ln2b, BT, C);
        matmul_forward(h->fch, h->ln2, p->fcw, p->fcb, BT, C, 4 * C);
        gelu_forward(h->fch_gelu, h->fch_den, h->fch, (size_t)BT * 4 * C);
        matmul_forward(h->fcproj, h->fch_gelu, p->fcprojw, p->fcprojb, BT, 4 * C, C);
        residual_forward(h->residual3, h->residual2, h->fcproj, (size_t)BT * C);
        residual = h->residual3;
    }
    layernorm_forward(a->lnf, a->lnf_mean, a->lnf_rstd, residual, W.lnfw, W.lnfb, BT, C);
    matmul_forward(a->probs, a->lnf, W.lm_head, NULL, BT, C, V);
    return softmax_xent(a->probs, s->tok, starts, B, T, 1, V);
}

/* Backward through the activations of the last gpt_forward at w; gradients into g (zeroed). */
static void gpt_backward(CharLm *s, const float *w, float *g, const size_t *starts) {
    const int B = s->B, T = s->T, C = s->C, NH = s->NH, V = s->V, BT = B * T;
    GptWeights W, G;
    Layout lw = {.base = (float *)w}, lg = {.base = g};
    gpt_layout(s, &lw, &W);
    gpt_layout(s, &lg, &G);
    GptActs *a = &s->ga;
    const float *top = s->L > 0 ? a->h[s->L - 1].residual3 : a->encoded;
    softmax_xent_backward(a->dlogits, a->probs, s->tok, starts, B, T, 1, V);
    matmul_backward(a->dln, G.lm_head, NULL, a->dlogits, a->lnf, W.lm_head, BT, C, V);
    memset(a->dresidual, 0, sizeof(float) * BT * C);
    layernorm_backward(a->dresidual, G.lnfw, G.lnfb, a->dln, top, W.lnfw, a->lnf_mean, a->lnf_rstd,
                       BT, C);
    /* a->dresidual holds the gradient at the top block's output; each block adds its
     * branches' contributions in place, leaving the gradient at its input. */
    for (int l = s->L - 1; l >= 0; l--) {
        const BlockWeights *p = &W.h[l], *dp = &G.h[l];
        BlockActs *h = &a->h[l];
        const float *residual = l == 0 ? a->encoded : a->h[l - 1].residual3;
        /* mlp branch: residual3 = residual2 + proj(gelu(fc(ln_2(residual2)))) */
        matmul_backward(a->dfch, dp->fcprojw, dp->fcprojb, a->dresidual, h->fch_gelu, p->fcprojw,
                        BT, 4 * C, C);
        gelu_backward(a->dfch, h->fch, h->fch_den, (size_t)BT * 4 * C);
        matmul_backward(a->dln, dp->fcw, dp->fcb, a->dfch, h->ln2, p->fcw, BT, C, 4 * C);
        layernorm_backward(a->dresidual, dp->ln2w, dp->ln2b, a->dln, h->residual2, p->ln2w,
                           h->ln2_mean, h->ln2_rstd, BT, C);
        /* attention branch: residual2 = residual + proj(attention(qkv(ln_1(residual)))) */
        matmul_backward(a->datty, dp->attprojw, dp->attprojb, a->dresidual, h->atty, p->attprojw,
                        BT, C, C);
        attention_backward(a->dqkv, a->datt, a->datty, h->qkv, h->att, B, T, C, NH);
        matmul_backward(a->dln, dp->qkvw, dp->qkvb, a->dqkv, h->ln1, p->qkvw, BT, C, 3 * C);
        layernorm_backward(a->dresidual, dp->ln1w, dp->ln1b, a->dln, residual, p->ln1w, h->ln1_mean,
                           h->ln1_rstd, BT, C);
    }
    encoder_backward(G.wte, G.wpe, a->dresidual, s->tok, starts, B, T, C);
}

/* ---- the MLP, top to bottom ---- */

static double nplm_forward(CharLm *s, const float *w, const size_t *starts) {
    const int B = s->B, S = s->P, K = s->K, E = s->E, H = s->H, V = s->V, N = B * S;
    NplmWeights W;
    Layout lo = {.base = (float *)w};
    nplm_layout(s, &lo, &W);
    NplmActs *a = &s->ma;
    /* x [N, K*E]: row (b, i) is emb of tok[starts[b] + i + k], k < K */
    for (int b = 0; b < B; b++)
        for (int i = 0; i < S; i++)
            for (int k = 0; k < K; k++)
                memcpy(a->x + (((size_t)b * S + i) * K + k) * E,
                       W.emb + (size_t)s->tok[starts[b] + i + k] * E, sizeof(float) * E);
    matmul_forward(a->h, a->x, W.fc1w, W.fc1b, N, K * E, H);
    if (s->relu)
        for (size_t i = 0; i < (size_t)N * H; i++) a->h[i] = fmaxf(a->h[i], 0.0f);
    else fast_tanh(a->h, (size_t)N * H);
    matmul_forward(a->probs, a->h, W.fc2w, W.fc2b, N, H, V);
    return softmax_xent(a->probs, s->tok, starts, B, S, K, V);
}

static void nplm_backward(CharLm *s, const float *w, float *g, const size_t *starts) {
    const int B = s->B, S = s->P, K = s->K, E = s->E, H = s->H, V = s->V, N = B * S;
    NplmWeights W, G;
    Layout lw = {.base = (float *)w}, lg = {.base = g};
    nplm_layout(s, &lw, &W);
    nplm_layout(s, &lg, &G);
    NplmActs *a = &s->ma;
    softmax_xent_backward(a->dlogits, a->probs, s->tok, starts, B, S, K, V);
    matmul_backward(a->dh, G.fc2w, G.fc2b, a->dlogits, a->h, W.fc2w, N, H, V);
    for (size_t i = 0; i < (size_t)N * H; i++)
        a->dh[i] *= s->relu ? (a->h[i] > 0.0f ? 1.0f : 0.0f) : 1.0f - a->h[i] * a->h[i];
    matmul_backward(a->dx, G.fc1w, G.fc1b, a->dh, a->x, W.fc1w, N, K * E, H);
    for (int b = 0; b < B; b++)
        for (int i = 0; i < S; i++)
            for (int k = 0; k < K; k++) {
                const float *d = a->dx + (((size_t)b * S + i) * K + k) * E;
                float *de = G.emb + (size_t)s->tok[starts[b] + i + k] * E;
                for (int j = 0; j < E; j++) de[j] += d[j];
            }
}

static double forward(CharLm *s, const float *w, const size_t *starts) {
    return s->model == MODEL_TRANSFORMER ? gpt_forward(s, w, starts) : nplm_forward(s, w, starts);
}

/* ---- data ---- */

/* A seeded random order-2 Markov chain over the A = 30 MARKOV_SYMBOLS: after symbols a, b the
 * next symbol c has weight exp(MARKOV_BIGRAM u_bc + MARKOV_TRIGRAM z_abc), u and z standard
 * normal: a bigram structure refined by the symbol before. Typical chains have entropies of
 * about 4.7 bits (unigram), 3.1 (given one symbol) and 2.4 (given two: the entropy rate), so a
 * model's bpc shows how much context it uses. */
static char *make_markov(size_t n, uint64_t data_seed) {
    const int A = (int)strlen(MARKOV_SYMBOLS);
    Rng rng;
    rng_seed2(&rng, data_seed, 0x6d61726b6f76ULL /* "markov" */);
    double *u = xmalloc(sizeof(double) * (size_t)A * A);       /* [A, A] bigram part */
    double *cdf = xmalloc(sizeof(double) * (size_t)A * A * A); /* [A*A contexts, A] */
    for (int k = 0; k < A * A; k++) u[k] = rng_normal(&rng);
    for (int c = 0; c < A * A; c++) {
        double *row = cdf + (size_t)c * A, sum = 0;
        const double *ub = u + (size_t)(c % A) * A; /* c = a * A + b */
        for (int k = 0; k < A; k++)
            sum += row[k] = exp(MARKOV_BIGRAM * ub[k] + MARKOV_TRIGRAM * rng_normal(&rng));
        double acc = 0;
        for (int k = 0; k < A; k++) row[k] = (acc += row[k]) / sum;
        row[A - 1] = 1.0;
    }
    char *text = xmalloc(n + 1);
    int p2 = (int)rng_below(&rng, (uint64_t)A), p1 = (int)rng_below(&rng, (uint64_t)A);
    for (size_t i = 0; i < n; i++) {
        const double *row = cdf + ((size_t)p2 * A + p1) * A;
        double r = rng_uniform(&rng);
        int k = 0;
        while (k < A - 1 && row[k] <= r) k++;
        text[i] = MARKOV_SYMBOLS[k];
        p2 = p1;
        p1 = k;
    }
    text[n] = '\0';
    free(u);
    free(cdf);
    return text;
}

/* count windows spread evenly over [lo, hi] (window offsets). */
static void spread(size_t *out, int count, size_t lo, size_t hi) {
    for (int k = 0; k < count; k++)
        out[k] = lo + (count > 1 ? (hi - lo) * (size_t)k / (size_t)(count - 1) : 0);
}

/* ---- the task ---- */

static void fill_normal(Rng *r, float *p, size_t n, double std) {
    for (size_t i = 0; i < n; i++) p[i] = (float)(std * rng_normal(r));
}

static void fill_uniform(Rng *r, float *p, size_t n, double a) {
    for (size_t i = 0; i < n; i++) p[i] = (float)(a * (2.0 * rng_uniform(r) - 1.0));
}

static void fill_const(float *p, size_t n, float v) {
    for (size_t i = 0; i < n; i++) p[i] = v;
}

static void init_weights(Task *t, CharLm *s) {
    Rng rng;
    rng_seed2(&rng, s->seed, 0x696e6974 /* "init" */);
    Layout lo = {.base = t->w};
    if (s->model == MODEL_TRANSFORMER) {
        const size_t V = s->V, T = s->T, C = s->C;
        GptWeights W;
        gpt_layout(s, &lo, &W);
        if (s->pytorch_init) {
            const double a = 1.0 / sqrt((double)C), a4 = 1.0 / sqrt(4.0 * C); /* 1/sqrt(fan_in) */
            fill_normal(&rng, W.wte, V * C, 1.0);
            fill_normal(&rng, W.wpe, T * C, 1.0);
            for (int l = 0; l < s->L; l++) {
                BlockWeights *h = &W.h[l];
                fill_const(h->ln1w, C, 1.0f);
                fill_const(h->ln1b, C, 0.0f);
                fill_uniform(&rng, h->qkvw, 3 * C * C, a);
                fill_uniform(&rng, h->qkvb, 3 * C, a);
                fill_uniform(&rng, h->attprojw, C * C, a);
                fill_uniform(&rng, h->attprojb, C, a);
                fill_const(h->ln2w, C, 1.0f);
                fill_const(h->ln2b, C, 0.0f);
                fill_uniform(&rng, h->fcw, 4 * C * C, a);
                fill_uniform(&rng, h->fcb, 4 * C, a);
                fill_uniform(&rng, h->fcprojw, 4 * C * C, a4);
                fill_uniform(&rng, h->fcprojb, C, a4);
            }
            fill_const(W.lnfw, C, 1.0f);
            fill_const(W.lnfb, C, 0.0f);
            fill_uniform(&rng, W.lm_head, V * C, a);
        } else {
            const double std = 0.02, proj_std = std / sqrt(2.0 * s->L);
            fill_normal(&rng, W.wte, V * C, std);
            fill_normal(&rng, W.wpe, T * C, std);
            for (int l = 0; l < s->L; l++) {
                BlockWeights *h = &W.h[l];
                fill_const(h->ln1w, C, 1.0f);
                fill_const(h->ln1b, C, 0.0f);
                fill_normal(&rng, h->qkvw, 3 * C * C, std);
                fill_const(h->qkvb, 3 * C, 0.0f);
                fill_normal(&rng, h->attprojw, C * C, proj_std);
                fill_const(h->attprojb, C, 0.0f);
                fill_const(h->ln2w, C, 1.0f);
                fill_const(h->ln2b, C, 0.0f);
                fill_normal(&rng, h->fcw, 4 * C * C, std);
                fill_const(h->fcb, 4 * C, 0.0f);
                fill_normal(&rng, h->fcprojw, 4 * C * C, proj_std);
                fill_const(h->fcprojb, C, 0.0f);
            }
            fill_const(W.lnfw, C, 1.0f);
            fill_const(W.lnfb, C, 0.0f);
            fill_normal(&rng, W.lm_head, V * C, std);
        }
    } else {
        /* emb N(0, 1); fc1 N(0, gain^2 / fan_in) with gain 1 (tanh) or sqrt 2 (relu), so the
         * hidden pre-activations start at unit scale; fc2 N(0, 1 / H). */
        const size_t V = s->V, E = s->E, H = s->H, KE = (size_t)s->K * s->E;
        NplmWeights W;
        nplm_layout(s, &lo, &W);
        fill_normal(&rng, W.emb, V * E, 1.0);
        fill_normal(&rng, W.fc1w, H * KE, (s->relu ? sqrt(2.0) : 1.0) / sqrt((double)KE));
        fill_const(W.fc1b, H, 0.0f);
        fill_normal(&rng, W.fc2w, V * H, 1.0 / sqrt((double)H));
        fill_const(W.fc2b, V, 0.0f);
    }
}

static void destroy(Task *t);

static int create(Task *t, const Params *p, uint64_t seed, const TaskEnv *env, const char *where,
                  Err *e) {
    const int is_gpt = strcmp(params_str(p, "model"), "transformer") == 0;
    if (is_gpt && params_int(p, "d_model") % params_int(p, "heads") != 0)
        return err_set(e, EXIT_USAGE, where,
                       "task \"charlm\": heads: does not divide d_model (expected a divisor of "
                       "%lld, got %lld)",
                       (long long)params_int(p, "d_model"), (long long)params_int(p, "heads"));
    const char *ds = params_str(p, "dataset");
    char *text = NULL;
    size_t n = 0;
    if (strcmp(ds, "synthetic") == 0) {
        n = (size_t)params_int(p, "synthetic_chars");
        text = make_markov(n, (uint64_t)params_int(p, "data_seed"));
    } else if (text_load(env->datadir, ds, &text, &n, e) != 0) {
        return -1;
    }
    CharLm *s = xcalloc(1, sizeof *s);
    t->impl = s;
    s->seed = seed;
    s->model = is_gpt ? MODEL_TRANSFORMER : MODEL_MLP;
    s->B = (int)params_int(p, "batch");
    s->eval_batches = (int)params_int(p, "eval_batches");
    const int ctx = params_isset(p, "context") ? (int)params_int(p, "context")
                    : is_gpt                   ? CONTEXT_TRANSFORMER
                                               : CONTEXT_MLP;
    if (s->model == MODEL_TRANSFORMER) {
        s->T = s->P = ctx;
        s->span = ctx + 1;
        s->C = (int)params_int(p, "d_model");
        s->NH = (int)params_int(p, "heads");
        s->L = (int)params_int(p, "layers");
        s->pytorch_init = strcmp(params_str(p, "init"), "pytorch") == 0;
    } else {
        s->K = ctx;
        s->P = (int)params_int(p, "seq_len");
        s->span = s->K + s->P;
        s->E = (int)params_int(p, "embed");
        s->H = (int)params_int(p, "hidden");
        s->relu = strcmp(params_str(p, "activation"), "relu") == 0;
    }
    /* vocabulary: the sorted set of bytes of the whole text */
    int id[256] = {0}, seen[256] = {0};
    for (size_t i = 0; i < n; i++) seen[(unsigned char)text[i]] = 1;
    for (int c = 0; c < 256; c++)
        if (seen[c]) id[c] = s->V++;
    s->ntok = n;
    s->tok = xmalloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) s->tok[i] = (uint8_t)id[(unsigned char)text[i]];
    free(text);
    const double vf = params_num(p, "val_fraction");
    s->ntr = n - (size_t)((double)n * vf);
    if (s->ntr < (size_t)s->span || n - s->ntr < (size_t)s->span) {
        err_set(e, EXIT_USAGE, where,
                "task \"charlm\": val_fraction: leaves a part shorter than one window (expected "
                "at least %d characters in each part, got %zu training and %zu validation)",
                s->span, s->ntr, n - s->ntr);
        destroy(t);
        return -1;
    }
    const int ne = s->eval_batches * s->B;
    s->starts = xcalloc((size_t)s->B, sizeof(size_t));
    s->eval_tr = xmalloc(sizeof(size_t) * ne);
    s->eval_val = xmalloc(sizeof(size_t) * ne);
    spread(s->eval_tr, ne, 0, s->ntr - s->span);
    spread(s->eval_val, ne, s->ntr, n - s->span);

    /* parameters: count and record groups, then allocate */
    t->groups = xcalloc(MAX_GROUPS, sizeof(TaskGroup));
    Layout lo = {.t = t, .s = s};
    if (s->model == MODEL_TRANSFORMER) {
        GptWeights W;
        gpt_layout(s, &lo, &W);
    } else {
        NplmWeights W;
        nplm_layout(s, &lo, &W);
    }
    t->n = lo.off;
    t->w = xmalloc(sizeof(float) * t->n);
    t->g = xcalloc(t->n, sizeof(float));
    /* activations: count, allocate, view */
    Layout la = {0};
    if (s->model == MODEL_TRANSFORMER) gpt_acts(s, &la, &s->ga);
    else nplm_acts(s, &la, &s->ma);
    s->acts = xcalloc(la.off, sizeof(float));
    la = (Layout){.base = s->acts};
    if (s->model == MODEL_TRANSFORMER) gpt_acts(s, &la, &s->ga);
    else nplm_acts(s, &la, &s->ma);

    int64_t tokens_per_step = (int64_t)s->B * s->P;
    t->steps_per_epoch =
        (int64_t)s->ntr / tokens_per_step > 0 ? (int64_t)s->ntr / tokens_per_step : 1;
    t->clip_lr = 0;
    init_weights(t, s);
    return 0;
}

/* The windows of step `step`: B uniform offsets in the training text, from (seed, step). */
static void pick_batch(CharLm *s, int64_t step) {
    Rng rng;
    rng_seed2(&rng, s->seed, 0x62617463680000ULL + (uint64_t)step /* "batch" */);
    for (int b = 0; b < s->B; b++)
        s->starts[b] = (size_t)rng_below(&rng, (uint64_t)(s->ntr - s->span + 1));
}

static double train_step(Task *t, int64_t step) {
    CharLm *s = t->impl;
    pick_batch(s, step);
    double loss = forward(s, t->w, s->starts);
    memset(t->g, 0, sizeof(float) * t->n);
    if (s->model == MODEL_TRANSFORMER) gpt_backward(s, t->w, t->g, s->starts);
    else nplm_backward(s, t->w, t->g, s->starts);
    return loss;
}

static double loss_at(Task *t, const float *w_trial) {
    CharLm *s = t->impl;
    return forward(s, w_trial, s->starts);
}

static double mean_loss(CharLm *s, const float *w, const size_t *windows) {
    double sum = 0;
    for (int k = 0; k < s->eval_batches; k++) sum += forward(s, w, windows + (size_t)k * s->B);
    return sum / s->eval_batches;
}

static void evaluate(Task *t, double *metrics) {
    CharLm *s = t->impl;
    metrics[METRIC_TRAIN_LOSS] = mean_loss(s, t->w, s->eval_tr);
    metrics[METRIC_VAL_LOSS] = mean_loss(s, t->w, s->eval_val);
    metrics[METRIC_TASK] = metrics[METRIC_VAL_LOSS] / M_LN2;
}

static void destroy(Task *t) {
    CharLm *s = t->impl;
    if (s) {
        free(s->tok);
        free(s->starts);
        free(s->eval_tr);
        free(s->eval_val);
        free(s->acts);
        free(s);
    }
    t->impl = NULL;
}

const TaskDef task_charlm = {
    .name = "charlm",
    .version = 1,
    .summary = "character-level language model: Bengio MLP or GPT-2 transformer, bits per char",
    .datasets = "kjv (Debian bible-kjv), mobydick (npm @stdlib), synthetic (order-2 Markov chain)",
    .params = params,
    .metric = "bpc",
    .test_params = "dataset=synthetic;synthetic_chars=2000;context=5;batch=2;d_model=8;heads=2;"
                   "layers=2;eval_batches=2;init=pytorch",
    .create = create,
    .train_step = train_step,
    .loss_at = loss_at,
    .evaluate = evaluate,
    .destroy = destroy,
};
