/* adam.c - Adam and AdamW, exactly as torch.optim.Adam / AdamW (PyTorch 1.13):
 *   adam:  g = g + weight_decay * w              (L2, coupled)
 *   adamw: w = w * (1 - lr * weight_decay)       (decoupled, Loshchilov & Hutter 2019)
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  (amsgrad: vmax = max(vmax, v))
 *   w = w - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * Kingma & Ba, ICLR 2015.
 * Adam and AdamW without amsgrad, direction or per-element rates run a loop of their own,
 * four elements at a time with SSE, with the same arithmetic.
 */
#include "harness/optim/optim.h"

#include <math.h>
#include <stdlib.h>

#define ADAM_PARAMS(wd_default)                                                                    \
    {"beta1", PARAM_NUM, "0.9", 0, 1, PARAM_HI_OPEN, NULL, "decay of the first moment"},           \
        {"beta2", PARAM_NUM, "0.999", 0, 1, PARAM_HI_OPEN, NULL, "decay of the second moment"},    \
        {"eps", PARAM_NUM, "1e-8", 0, INFINITY, PARAM_LO_OPEN, NULL, "added to the denominator"},  \
        {"weight_decay", PARAM_NUM, wd_default, 0, INFINITY, 0, NULL, "weight decay"},             \
        {"amsgrad", PARAM_BOOL, "false", 0, 0, 0, NULL, "use the maximum of past second moments"}, \
    {                                                                                              \
        0                                                                                          \
    }

static const ParamSpec adam_params[] = {ADAM_PARAMS("0")};
static const ParamSpec adamw_params[] = {ADAM_PARAMS("1e-2")};

typedef struct {
    int decoupled, amsgrad;
    double beta1, beta2;
    float eps, weight_decay;
    size_t n;
    float *m, *v, *vmax; /* [n] */
} State;

static int init_common(State *s, const Params *p, const Task *t, int decoupled) {
    s->decoupled = decoupled;
    s->beta1 = params_num(p, "beta1");
    s->beta2 = params_num(p, "beta2");
    s->eps = (float)params_num(p, "eps");
    s->weight_decay = (float)params_num(p, "weight_decay");
    s->amsgrad = params_bool(p, "amsgrad");
    s->n = t->n;
    s->m = xcalloc(t->n, sizeof(float));
    s->v = xcalloc(t->n, sizeof(float));
    if (s->amsgrad) s->vmax = xcalloc(t->n, sizeof(float));
    return 0;
}

static int init_adam(void *st, const Params *p, const Task *t, Err *e) {
    return init_common(st, p, t, 0);
}
static int init_adamw(void *st, const Params *p, const Task *t, Err *e) {
    return init_common(st, p, t, 1);
}

/* Adam and AdamW without amsgrad, direction or per-element rates: the loop of step() with
 * those branches taken out, four elements at a time where SSE is there (GCC's vector
 * extension: the same operations on each element, in the same order; GCC would not vectorise
 * sqrtf, which may set errno). wd: the weight decay, coupled (added to the gradient) or
 * decoupled (w scaled by keep = 1 - lr wd, the factor step() computes for each element). */
static void step_plain(float *w, const float *g, float *m, float *v, size_t n, float b1, float b2,
                       float c1, float c2, float inv_bc1, float fbc2, float eps, float lr, float wd,
                       int decoupled) {
    const float keep = 1.0f - lr * wd;
    const int coupled = wd != 0 && !decoupled, scaled = wd != 0 && decoupled;
    size_t i = 0;
#ifdef __SSE__
    typedef float V4 __attribute__((vector_size(16)));
    const V4 vb1 = {b1, b1, b1, b1}, vb2 = {b2, b2, b2, b2}, vc1 = {c1, c1, c1, c1};
    const V4 vc2 = {c2, c2, c2, c2}, vinv = {inv_bc1, inv_bc1, inv_bc1, inv_bc1};
    const V4 vbc2 = {fbc2, fbc2, fbc2, fbc2}, veps = {eps, eps, eps, eps}, vlr = {lr, lr, lr, lr};
    const V4 vwd = {wd, wd, wd, wd}, vkeep = {keep, keep, keep, keep};
    for (; i + 4 <= n; i += 4) {
        V4 gi, mi, vi, wi;
        __builtin_memcpy(&gi, g + i, sizeof gi);
        __builtin_memcpy(&mi, m + i, sizeof mi);
        __builtin_memcpy(&vi, v + i, sizeof vi);
        __builtin_memcpy(&wi, w + i, sizeof wi);
        if (coupled) gi += vwd * wi;
        if (scaled) wi *= vkeep;
        mi = vb1 * mi + vc1 * gi;
        vi = vb2 * vi + vc2 * gi * gi;
        const V4 denom = __builtin_ia32_sqrtps(vi) / vbc2 + veps;
        wi -= vlr * (mi * vinv / denom);
        __builtin_memcpy(m + i, &mi, sizeof mi);
        __builtin_memcpy(v + i, &vi, sizeof vi);
        __builtin_memcpy(w + i, &wi, sizeof wi);
    }
#endif
    for (; i < n; i++) {
        float gi = g[i];
        if (coupled) gi += wd * w[i];
        if (scaled) w[i] *= keep;
        m[i] = b1 * m[i] + c1 * gi;
        v[i] = b2 * v[i] + c2 * gi * gi;
        const float denom = sqrtf(v[i]) / fbc2 + eps;
        w[i] -= lr * (m[i] * inv_bc1 / denom);
    }
}

static void step(void *st, int64_t t, const TaskGroup *grp, float *w, const float *g, double lr,
                 const float *elem_lr, float *dir) {
    State *s = st;
    float *m = s->m + grp->off, *v = s->v + grp->off;
    float *vmax = s->vmax ? s->vmax + grp->off : NULL;
    const double bc1 = 1.0 - pow(s->beta1, (double)t);
    const double bc2_sqrt = sqrt(1.0 - pow(s->beta2, (double)t));
    const float b1 = (float)s->beta1, b2 = (float)s->beta2;
    const float c1 = (float)(1.0 - s->beta1), c2 = (float)(1.0 - s->beta2);
    const float inv_bc1 = (float)(1.0 / bc1), fbc2 = (float)bc2_sqrt;
    const float wd = s->weight_decay;
    if (!vmax && !dir && !elem_lr) {
        step_plain(w, g, m, v, grp->n, b1, b2, c1, c2, inv_bc1, fbc2, s->eps, (float)lr, wd,
                   s->decoupled);
        return;
    }
    for (size_t i = 0; i < grp->n; i++) {
        const float lri = elem_lr ? elem_lr[i] : (float)lr;
        float gi = g[i];
        float wd_dir = 0;
        if (wd != 0) {
            if (s->decoupled) {
                wd_dir = wd * w[i];
                w[i] *= 1.0f - lri * wd;
            } else {
                gi += wd * w[i];
            }
        }
        m[i] = b1 * m[i] + c1 * gi;
        v[i] = b2 * v[i] + c2 * gi * gi;
        float vi = v[i];
        if (vmax) vi = vmax[i] = fmaxf(vmax[i], v[i]);
        const float denom = sqrtf(vi) / fbc2 + s->eps;
        const float d = m[i] * inv_bc1 / denom;
        if (dir) dir[i] = d + wd_dir;
        w[i] -= lri * d;
    }
}

static void destroy(void *st) {
    State *s = st;
    free(s->m);
    free(s->v);
    free(s->vmax);
}

/* The state that moves: the moments (and their maximum under amsgrad). */
static void state(void *st, StateIO *io) {
    State *s = st;
    state_f32s(io, s->m, s->n);
    state_f32s(io, s->v, s->n);
    if (s->vmax) state_f32s(io, s->vmax, s->n);
}

const OptimDef optim_adam = {
    .name = "adam",
    .version = 1,
    .summary = "Adam with bias correction; weight_decay is an L2 term in the gradient",
    .reference = "torch.optim.Adam; Kingma & Ba, ICLR 2015",
    .params = adam_params,
    .state_size = sizeof(State),
    .init = init_adam,
    .step = step,
    .destroy = destroy,
    .state = state,
};

const OptimDef optim_adamw = {
    .name = "adamw",
    .version = 1,
    .summary = "Adam with decoupled weight decay",
    .reference = "torch.optim.AdamW; Loshchilov & Hutter, ICLR 2019",
    .params = adamw_params,
    .state_size = sizeof(State),
    .init = init_adamw,
    .step = step,
    .destroy = destroy,
    .state = state,
};
