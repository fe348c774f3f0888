/* adafactor.c - Adafactor: adaptive step sizes from a factored second moment,
 * with update clipping, parameter-scaled and (optionally) relative steps.
 *
 * Shazeer & Stern, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost",
 * ICML 2018 (arXiv:1804.04235), Algorithms 4 and 5 with the relative step size of their
 * section 8, as implemented by Hugging Face transformers' `Adafactor`
 * (src/transformers/optimization.py, `Adafactor._get_lr` and `step`). Per group (one
 * tensor of shape [rows, cols], row-major), at step t with gradient G and weights W:
 *
 *   s      = max(eps2, RMS(W)) if scale_parameter, else 1      RMS(X) = sqrt(mean(X^2))
 *   rho    = min(min_step, 1/sqrt(t)) if relative_step, else 1
 *            min_step = 1e-6 t if warmup_init, else 1e-2
 *   lr'    = lr * rho * s                                       (W before this step)
 *   b2     = 1 - t^decay_rate                                   (b2 = 0 at t = 1)
 *   Q      = G^2 + eps1
 *   factored (rows > 1 and cols > 1):
 *     R    = b2 R + (1 - b2) mean_over_cols(Q)                  [rows]
 *     C    = b2 C + (1 - b2) mean_over_rows(Q)                  [cols]
 *     U    = G / sqrt(R_r C_c / mean(R))       (the paper's Vhat = R C / 1^T R with sums)
 *   unfactored (vectors, and matrices with a dimension of 1):
 *     V    = b2 V + (1 - b2) Q
 *     U    = G / sqrt(V)
 *   U      = U / max(1, RMS(U) / clip_threshold)                (update clipping)
 *   D      = lr' U
 *   beta1 > 0: M = beta1 M + (1 - beta1) D;  D = M             (M holds lr-scaled steps)
 *   W      = W - weight_decay lr' W - D
 *
 * The learning rate. transformers' step size is rho s, with rho = its external `lr` when
 * relative_step is off. Here the scheduler's rate `lr` always multiplies rho as a
 * dimensionless factor: with relative_step off this is transformers' external lr (rho = 1);
 * with relative_step on, lr = 1 under a constant schedule is exactly transformers'
 * relative-step Adafactor (lr=None), and any other schedule scales rho_t. transformers
 * refuses warmup_init without relative_step, and so does lrlab (params_check_required).
 * Hugging Face Trainer's `--optim adafactor` builds scale_parameter=False,
 * relative_step=False, warmup_init=False with the Trainer's learning rate: here
 * `optimizer "adafactor" { lr = ..., scale_parameter = false }`.
 *
 * transformers factors every tensor with two or more dimensions; a [1, n] or [n, 1]
 * factorisation equals the unfactored rule up to rounding, so those groups use V.
 * beta1 = 0 means no first moment (transformers' beta1=None). The factored R and C of a
 * group live in its slice of the [n] state buffer (rows + cols <= rows * cols when both
 * are at least 2). Reductions are in double.
 *
 * dir: with lr_i the element's lr and S = rho s (the step size per unit lr), W_new = W -
 * lr_i dir where
 *   dir = S U + weight_decay S W           without a first moment,
 *   dir = M / lr_i + weight_decay S W      with one (M carries earlier steps' lrs and rhos).
 * At lr_i = 0 with a first moment no such dir exists (W still moves by M); dir is then
 * the sensitivity -dW_new/dlr_i = (1 - beta1) S U + weight_decay S W.
 */
#include "harness/optim/optim.h"

#include <math.h>
#include <stdlib.h>

static const ParamSpec params[] = {
    {"eps1", PARAM_NUM, "1e-30", 0, INFINITY, PARAM_LO_OPEN, NULL,
     "added to the squared gradient (transformers' eps[0])"},
    {"eps2", PARAM_NUM, "1e-3", 0, INFINITY, 0, NULL,
     "lower bound of the parameter scale RMS(w) (transformers' eps[1])"},
    {"clip_threshold", PARAM_NUM, "1", 0, INFINITY, PARAM_LO_OPEN, NULL,
     "largest RMS of the unscaled update"},
    {"decay_rate", PARAM_NUM, "-0.8", -INFINITY, 0, 0, NULL,
     "second-moment decay: beta2_t = 1 - t^decay_rate"},
    {"beta1", PARAM_NUM, "0", 0, 1, PARAM_HI_OPEN, NULL,
     "first-moment decay (0 = no first moment)"},
    {"weight_decay", PARAM_NUM, "0", 0, INFINITY, 0, NULL,
     "decoupled decay: w -= weight_decay * lr * rho_t * scale * w"},
    {"scale_parameter", PARAM_BOOL, "true", 0, 0, 0, NULL,
     "multiply the lr by scale = max(eps2, RMS(w)) of the group; scale_parameter = false, "
     "with relative_step and warmup_init false, is Hugging Face Trainer's --optim adafactor"},
    {"relative_step", PARAM_BOOL, "false", 0, 0, PARAM_ADDED, NULL,
     "multiply the lr by rho_t = min(1e-2, 1/sqrt(t)) at step t (Shazeer & Stern's relative "
     "step); the scheduler's lr is then a dimensionless factor: lr = 1 with scheduler "
     "\"constant\" is transformers' relative_step=True"},
    {"warmup_init", PARAM_BOOL, "false", 0, 0, PARAM_ADDED, NULL,
     "rho_t = min(1e-6 * t, 1/sqrt(t)), a linear warmup of the relative step (needs "
     "relative_step = true)",
     NULL, "relative_step"},
    {0},
};

typedef struct {
    double eps1, eps2, clip_threshold, decay_rate, beta1, weight_decay;
    int scale_parameter, relative_step, warmup_init;
    size_t n;
    float *v;  /* [n]: per group, V [n] or (factored) R [rows] then C [cols] */
    float *m;  /* [n] first moment of lr-scaled steps, NULL when beta1 == 0 */
    double *u; /* [umax, the largest group] the unclipped update U of the group being stepped */
    double *q; /* [qmax, the most columns] column sums of the factored second moment */
    size_t umax, qmax;
} State;

static int init(void *st, const Params *p, const Task *t, Err *e) {
    State *s = st;
    s->eps1 = params_num(p, "eps1");
    s->eps2 = params_num(p, "eps2");
    s->clip_threshold = params_num(p, "clip_threshold");
    s->decay_rate = params_num(p, "decay_rate");
    s->beta1 = params_num(p, "beta1");
    s->weight_decay = params_num(p, "weight_decay");
    s->scale_parameter = params_bool(p, "scale_parameter");
    s->relative_step = params_bool(p, "relative_step");
    s->warmup_init = params_bool(p, "warmup_init");
    if (s->warmup_init && !s->relative_step)
        return err_set(e, EXIT_USAGE, NULL,
                       "optimizer \"adafactor\": warmup_init: needs relative_step (expected "
                       "relative_step = true when warmup_init = true, got relative_step = false)");
    s->n = t->n;
    s->v = xcalloc(t->n, sizeof(float));
    if (s->beta1 > 0) s->m = xcalloc(t->n, sizeof(float));
    size_t most = 1, cols = 1;
    for (int gi = 0; gi < t->ngroups; gi++) {
        if (t->groups[gi].n > most) most = t->groups[gi].n;
        if ((size_t)t->groups[gi].cols > cols) cols = (size_t)t->groups[gi].cols;
    }
    s->u = xmalloc(sizeof(double) * most);
    s->q = xmalloc(sizeof(double) * cols);
    s->umax = most;
    s->qmax = cols;
    return 0;
}

/* rho_t of the header: the relative step size, 1 when relative_step is off. */
static double rho(const State *s, int64_t t) {
    if (!s->relative_step) return 1.0;
    const double min_step = s->warmup_init ? 1e-6 * (double)t : 1e-2;
    return fmin(min_step, 1.0 / sqrt((double)t));
}

static int factored(const TaskGroup *grp) { return grp->rows > 1 && grp->cols > 1; }

/* u [n] = g [n] / sqrt(a c [n]) in double: two at a time where SSE2 is (packed square roots
 * and divisions are correctly rounded like the scalar ones, so the values are the same; GCC
 * does not vectorise sqrt, which may set errno). */
static void divide_by_root(double *u, const float *g, double a, const float *c, size_t n) {
    size_t j = 0;
#ifdef __SSE2__
    typedef double V2 __attribute__((vector_size(16)));
    const V2 va = {a, a};
    for (; j + 2 <= n; j += 2) {
        const V2 gj = {g[j], g[j + 1]}, cj = {c[j], c[j + 1]};
        const V2 uj = gj / __builtin_ia32_sqrtpd(va * cj);
        __builtin_memcpy(u + j, &uj, sizeof uj);
    }
#endif
    for (; j < n; j++) u[j] = g[j] / sqrt(a * (double)c[j]);
}

static void step(void *st, int64_t t, const TaskGroup *grp, float *w, const float *g, double lr,
                 const float *elem_lr, float *dir) {
    State *s = st;
    const size_t n = grp->n;
    float *m = s->m ? s->m + grp->off : NULL;
    const double b2 = 1.0 - pow((double)t, s->decay_rate);

    double scale = 1.0;
    if (s->scale_parameter) {
        double ss = 0;
        for (size_t i = 0; i < n; i++) ss += (double)w[i] * w[i];
        scale = fmax(s->eps2, sqrt(ss / (double)n));
    }
    scale *= rho(s, t); /* S = rho s: exactly s when relative_step is off */

    /* the second moment, then the unclipped update U [n] (computed once: the clipping RMS is
     * taken over exactly the values that are applied) */
    double *u = s->u;
    LR_ASSERT(n <= s->umax && (size_t)grp->cols <= s->qmax); /* the task's groups, as at init */
    if (factored(grp)) {
        const size_t rows = (size_t)grp->rows, cols = (size_t)grp->cols;
        LR_ASSERT(rows * cols == n);
        float *r = s->v + grp->off, *c = r + rows; /* [rows], [cols] */
        double mean_r = 0, *q = s->q;
        for (size_t j = 0; j < cols; j++) q[j] = 0;
        for (size_t i = 0; i < rows; i++) { /* each row's and each column's sum in index order */
            const float *gi = g + i * cols;
            double qr = 0;
            for (size_t j = 0; j < cols; j++) {
                const double sq = (double)gi[j] * gi[j] + s->eps1;
                qr += sq;
                q[j] += sq;
            }
            r[i] = (float)(b2 * r[i] + (1.0 - b2) * (qr / (double)cols));
            mean_r += r[i];
        }
        mean_r /= (double)rows;
        for (size_t j = 0; j < cols; j++)
            c[j] = (float)(b2 * c[j] + (1.0 - b2) * (q[j] / (double)rows));
        for (size_t i = 0; i < rows; i++) /* U = G / sqrt(R_r / mean(R) C_c) */
            divide_by_root(u + i * cols, g + i * cols, (double)r[i] / mean_r, c, cols);
    } else {
        float *v = s->v + grp->off;
        for (size_t i = 0; i < n; i++)
            v[i] = (float)(b2 * v[i] + (1.0 - b2) * ((double)g[i] * g[i] + s->eps1));
        divide_by_root(u, g, 1.0, v, n); /* U = G / sqrt(V): 1 x is x exactly */
    }

    double ss = 0;
    for (size_t i = 0; i < n; i++) ss += u[i] * u[i];
    const double clip = fmax(1.0, sqrt(ss / (double)n) / s->clip_threshold);

    const double b1 = s->beta1, wd = s->weight_decay;
    for (size_t i = 0; i < n; i++) {
        const double lri = elem_lr ? (double)elem_lr[i] : lr;
        const double ui = u[i] / clip;
        double d = lri * scale * ui; /* the step taken, lr' U */
        double di = scale * ui;      /* dir without the decay term */
        if (m) {
            m[i] = (float)(b1 * m[i] + (1.0 - b1) * d);
            d = m[i];
            di = lri != 0 ? d / lri : (1.0 - b1) * scale * ui;
        }
        if (dir) dir[i] = (float)(di + wd * scale * w[i]);
        w[i] = (float)(w[i] - wd * lri * scale * w[i] - d);
    }
}

static void destroy(void *st) {
    State *s = st;
    free(s->v);
    free(s->m);
    free(s->u);
    free(s->q);
}

/* The state that moves: the second-moment statistics and the first moment. */
static void state(void *st, StateIO *io) {
    State *s = st;
    state_f32s(io, s->v, s->n);
    if (s->m) state_f32s(io, s->m, s->n);
}

const OptimDef optim_adafactor = {
    .name = "adafactor",
    .version = 1,
    .summary =
        "Adafactor: factored second moment, update clipping, parameter-scaled and relative steps",
    .reference = "Shazeer & Stern, ICML 2018 (arXiv:1804.04235); transformers' Adafactor",
    .params = params,
    .state_size = sizeof(State),
    .init = init,
    .step = step,
    .destroy = destroy,
    .state = state,
};
