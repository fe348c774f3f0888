/* synthetic.c - closed-form test functions with injected gradient noise: the tasks
 * "quadratic", "rosenbrock" and "rastrigin" of the robustness study.
 *
 * The paper's robustness study (paper/paper.md section 2.7) added its noise as a
 * constant to the loss value: zero gradient, and the scheduler saw the clean loss, so the
 * noise changed nothing. Here the noise enters the gradient the optimizer steps on AND the
 * loss the scheduler observes, as the derivative-consistent "minibatch function" of step t
 *
 *   f_t(v) = f(v) + xi_t . (v - w_t) + c_t          w_t: the iterate train_step(t) saw
 *
 * so train_step(t) returns f_t(w_t) = f(w_t) + c_t with gradient grad f(w_t) + xi_t, and
 * loss_at(v) = f_t(v) re-evaluates the same draw at trial parameters: the gradient is the
 * exact gradient of the loss the line search backtracks on, and the finite-difference test
 * holds with noise on. Anchoring the linear term at w_t keeps the observed loss noise the
 * offset c_t alone, whatever the distance to the optimum. Noise kinds:
 *   none      xi = 0, c = 0: the clean objective.
 *   gaussian  xi ~ N(0, sigma^2 I), c ~ N(0, loss_sigma^2), fresh each step.
 *   periodic  xi = sqrt(2) sigma sin(2 pi t / period) u, c = sqrt(2) loss_sigma sin(...),
 *             u ~ N(0, I) drawn once per cell: a deterministic bias that sways the minimum
 *             of f_t back and forth along u; per-coordinate RMS over a cycle is sigma.
 *   spikes    the gaussian draws, both multiplied by spike_scale on a step where a uniform
 *             draw falls below spike_prob. Same seed: identical to gaussian on other steps.
 * sigma is absolute (standard deviation per coordinate), not relative to the gradient norm:
 * relative noise would vanish at the optimum and remove the noise floor the study is about.
 * loss_sigma, unset, equals sigma.
 *
 * Objectives, all with minimum value f* = 0 (dimension n = dim):
 *   quadratic   f = 1/2 (w - w*)^T Q diag(lambda) Q^T (w - w*), lambda_i = condition^(i/(n-1))
 *               (log-spaced from 1 to condition). w* ~ N(0, I) and the orthogonal Q come
 *               from problem_seed, so every cell of an experiment sees the same problem;
 *               Q = H_0 H_1 ... H_{n-2} D, Householder reflections of gaussian vectors with
 *               sign correction D (Stewart, SIAM J. Numer. Anal. 17, 1980: Haar distributed),
 *               applied in O(n^2) per product and never formed. rotate=false: Q = I, so
 *               coordinate i has curvature lambda_i. Start: w* + N(0, I) (cell seed).
 *   rosenbrock  f = sum_{i<n-1} 100 (w_{i+1} - w_i^2)^2 + (1 - w_i)^2 (chained), minimum at
 *               (1, ..., 1). Start: (-1.2, 1, -1.2, 1, ...) + U(-jitter, jitter) per
 *               coordinate. For n >= 4 there is also a local minimum near w_0 = -1 (f ~ 3.7 to
 *               4): a run may end there, and its suboptimality says so.
 *   rastrigin   f = A n + sum_i (w_i^2 - A cos(2 pi w_i)), minimum at 0, local minima near
 *               every integer point. Start: U(-init_range, init_range)^n.
 * evaluate(): train and validation loss are both the clean f(w) (the "validation" of a
 * synthetic problem is its true objective); the task metric "suboptimality" is f(w) - f*.
 * Groups: "w.a" = the first floor(n/2) coordinates and "w.b" = the rest, each a [k, 1]
 * column, so per-group schedulers have two learning rates to set (with rotate=false the
 * quadratic's halves are its low- and high-curvature blocks).
 * An epoch is a bookkeeping unit here (no data): STEPS_PER_EPOCH = 100 steps, used by
 * epoch-based schedules and the line search's per-epoch step growth.
 * Seeds: init from (seed, "init"); the noise of step t from (seed, "noise" + t), so
 * train_step(t) is deterministic in (seed, t) and independent of the order of calls; the
 * periodic direction u from (seed, "dir"); the quadratic's w* and Q from problem_seed.
 */
#include "harness/base/rng.h"
#include "tasks/task.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define STEPS_PER_EPOCH 100
#define STREAM_INIT 0x696e6974ULL      /* "init" */
#define STREAM_NOISE 0x6e6f697365ULL   /* "noise", plus the step */
#define STREAM_DIR 0x646972ULL         /* "dir" */
#define STREAM_PROBLEM 0x7175616472ULL /* "quadr" */

#define PI 3.14159265358979323846

enum { NOISE_NONE, NOISE_GAUSSIAN, NOISE_PERIODIC, NOISE_SPIKES };
static const char *const noise_names[] = {"none", "gaussian", "periodic", "spikes", NULL};

/* The noise parameters every synthetic task shares (one copy of each default). */
#define NOISE_PARAMS                                                                               \
    {"noise",                                                                                      \
     PARAM_ENUM,                                                                                   \
     "gaussian",                                                                                   \
     0,                                                                                            \
     0,                                                                                            \
     0,                                                                                            \
     "none|gaussian|periodic|spikes",                                                              \
     "noise in the gradient and the observed loss (none: the clean objective)"},                   \
        {"sigma",  PARAM_NUM,                                                                      \
         "0.1",    0,                                                                              \
         INFINITY, 0,                                                                              \
         NULL,     "gradient noise: standard deviation per coordinate (absolute)"},                \
        {"loss_sigma",                                                                             \
         PARAM_NUM,                                                                                \
         NULL,                                                                                     \
         0,                                                                                        \
         INFINITY,                                                                                 \
         PARAM_OPTIONAL,                                                                           \
         NULL,                                                                                     \
         "observed-loss noise: standard deviation of the per-step offset (unset: sigma)"},         \
        {"period", PARAM_INT, "100", 2, INFINITY, 0, NULL, "periodic: steps per cycle"},           \
        {"spike_prob", PARAM_NUM, "0.01", 0, 1, 0, NULL, "spikes: probability of a spiked step"},  \
    {                                                                                              \
        "spike_scale", PARAM_NUM, "10", 0, INFINITY, 0, NULL,                                      \
            "spikes: factor on a spiked step's gaussian noise"                                     \
    }

static const ParamSpec quadratic_params[] = {
    {"dim", PARAM_INT, "100", 2, 4096, 0, NULL, "dimension n"},
    {"condition", PARAM_NUM, "100", 1, 1e12, 0, NULL,
     "largest / smallest eigenvalue (eigenvalues log-spaced from 1)"},
    {"rotate", PARAM_BOOL, "true", 0, 0, 0, NULL,
     "rotate the eigenbasis by a random orthogonal matrix (false: diagonal)"},
    {"problem_seed", PARAM_INT, "1", 0, 9007199254740991.0, 0, NULL,
     "seed of the minimiser and rotation (the cell seed drives the start and the noise)"},
    NOISE_PARAMS,
    {0},
};

static const ParamSpec rosenbrock_params[] = {
    {"dim", PARAM_INT, "10", 2, 1e6, 0, NULL, "dimension n"},
    {"jitter", PARAM_NUM, "0.1", 0, INFINITY, 0, NULL,
     "start: half-width of the uniform jitter around (-1.2, 1, -1.2, 1, ...)"},
    NOISE_PARAMS,
    {0},
};

static const ParamSpec rastrigin_params[] = {
    {"dim", PARAM_INT, "10", 2, 1e6, 0, NULL, "dimension n"},
    {"A", PARAM_NUM, "10", 0, INFINITY, 0, NULL, "amplitude of the cosine term"},
    {"init_range", PARAM_NUM, "5.12", 0, INFINITY, PARAM_LO_OPEN, NULL,
     "start: uniform in [-init_range, init_range] per coordinate"},
    NOISE_PARAMS,
    {0},
};

typedef struct Synth Synth;
/* Clean objective at w [n]; fills grad [n] when not NULL. */
typedef double (*Objective)(Synth *s, const float *w, double *grad);

struct Synth {
    int n;
    Objective f;
    /* quadratic */
    int rotate;
    double *lambda; /* [n] eigenvalues */
    double *wstar;  /* [n] minimiser */
    double *hv;     /* [n(n+1)/2 - 1] unit Householder vectors, v_k has n-k entries */
    double *d;      /* [n] signs of D */
    double *z;      /* [n] workspace */
    /* rastrigin */
    double A;
    /* noise */
    int kind;
    double sigma, loss_sigma, spike_prob, spike_scale;
    int64_t period;
    uint64_t seed;
    double *xi;    /* [n] gradient noise of the current step */
    double c;      /* observed-loss offset of the current step */
    float *anchor; /* [n] w_t, the parameters train_step saw */
    double *u;     /* [n] periodic: fixed direction */
    double *gd;    /* [n] clean gradient */
};

/* ---- objectives ---- */

static size_t hv_off(int n, int k) { return (size_t)k * (size_t)n - (size_t)k * (k - 1) / 2; }

/* x[k..n) -= 2 (v_k . x[k..n)) v_k */
static void reflect(const Synth *s, int k, double *x) {
    const int m = s->n - k;
    const double *v = s->hv + hv_off(s->n, k);
    double dot = 0;
    for (int i = 0; i < m; i++) dot += v[i] * x[k + i];
    for (int i = 0; i < m; i++) x[k + i] -= 2 * dot * v[i];
}

/* x <- Q^T x = D H_{n-2} ... H_0 x */
static void apply_qt(const Synth *s, double *x) {
    for (int k = 0; k < s->n - 1; k++) reflect(s, k, x);
    for (int i = 0; i < s->n; i++) x[i] *= s->d[i];
}

/* x <- Q x = H_0 ... H_{n-2} D x */
static void apply_q(const Synth *s, double *x) {
    for (int i = 0; i < s->n; i++) x[i] *= s->d[i];
    for (int k = s->n - 2; k >= 0; k--) reflect(s, k, x);
}

static double quadratic(Synth *s, const float *w, double *grad) {
    double *z = s->z; /* [n] z = Q^T (w - w*) */
    for (int i = 0; i < s->n; i++) z[i] = (double)w[i] - s->wstar[i];
    if (s->rotate) apply_qt(s, z);
    double f = 0;
    for (int i = 0; i < s->n; i++) f += s->lambda[i] * z[i] * z[i];
    if (grad) { /* grad = Q diag(lambda) z */
        for (int i = 0; i < s->n; i++) grad[i] = s->lambda[i] * z[i];
        if (s->rotate) apply_q(s, grad);
    }
    return 0.5 * f;
}

static double rosenbrock(Synth *s, const float *w, double *grad) {
    double f = 0;
    if (grad) memset(grad, 0, sizeof(double) * (size_t)s->n);
    for (int i = 0; i + 1 < s->n; i++) {
        const double x = w[i], a = (double)w[i + 1] - x * x, b = 1.0 - x;
        f += 100.0 * a * a + b * b;
        if (grad) {
            grad[i] += -400.0 * x * a - 2.0 * b;
            grad[i + 1] += 200.0 * a;
        }
    }
    return f;
}

static double rastrigin(Synth *s, const float *w, double *grad) {
    double f = s->A * s->n;
    for (int i = 0; i < s->n; i++) {
        const double x = w[i];
        f += x * x - s->A * cos(2 * PI * x);
        if (grad) grad[i] = 2.0 * x + 2 * PI * s->A * sin(2 * PI * x);
    }
    return f;
}

/* ---- noise ---- */

/* Draws (xi, c) of `step` into s: deterministic in (seed, step). */
static void draw_noise(Synth *s, int64_t step) {
    if (s->kind == NOISE_NONE) return; /* xi and c stay zero */
    if (s->kind == NOISE_PERIODIC) {
        const double a = sqrt(2.0) * sin(2 * PI * (double)(step % s->period) / (double)s->period);
        s->c = a * s->loss_sigma;
        for (int i = 0; i < s->n; i++) s->xi[i] = a * s->sigma * s->u[i];
        return;
    }
    Rng r;
    rng_seed2(&r, s->seed, STREAM_NOISE + (uint64_t)step);
    /* drawn for gaussian too, so spikes and gaussian share every other draw */
    const double spike = rng_uniform(&r);
    const double m = (s->kind == NOISE_SPIKES && spike < s->spike_prob) ? s->spike_scale : 1.0;
    s->c = m * s->loss_sigma * rng_normal(&r);
    for (int i = 0; i < s->n; i++) s->xi[i] = m * s->sigma * rng_normal(&r);
}

/* f_t(w) = f(w) + xi . (w - anchor) + c; fills the clean gradient when grad is not NULL. */
static double noisy(Synth *s, const float *w, double *grad) {
    double f = s->f(s, w, grad), lin = 0;
    if (s->kind != NOISE_NONE)
        for (int i = 0; i < s->n; i++) lin += s->xi[i] * ((double)w[i] - (double)s->anchor[i]);
    return f + lin + s->c;
}

/* ---- the task ---- */

static Synth *create_common(Task *t, const Params *p, uint64_t seed, Objective f) {
    Synth *s = xcalloc(1, sizeof *s);
    const int n = (int)params_int(p, "dim");
    s->n = n;
    s->f = f;
    s->seed = seed;
    const char *kind = params_str(p, "noise");
    s->kind = -1;
    for (int k = 0; noise_names[k]; k++)
        if (strcmp(kind, noise_names[k]) == 0) s->kind = k;
    LR_ASSERT(s->kind >= 0); /* the ENUM choices were validated */
    s->sigma = params_num(p, "sigma");
    s->loss_sigma = params_isset(p, "loss_sigma") ? params_num(p, "loss_sigma") : s->sigma;
    s->period = params_int(p, "period");
    s->spike_prob = params_num(p, "spike_prob");
    s->spike_scale = params_num(p, "spike_scale");
    s->xi = xcalloc((size_t)n, sizeof(double));
    s->gd = xcalloc((size_t)n, sizeof(double));
    s->anchor = xcalloc((size_t)n, sizeof(float));
    if (s->kind == NOISE_PERIODIC) {
        Rng r;
        rng_seed2(&r, seed, STREAM_DIR);
        s->u = xmalloc(sizeof(double) * (size_t)n);
        for (int i = 0; i < n; i++) s->u[i] = rng_normal(&r);
    }
    const int na = n / 2;
    t->impl = s;
    t->n = (size_t)n;
    t->w = xcalloc((size_t)n, sizeof(float));
    t->g = xcalloc((size_t)n, sizeof(float));
    t->ngroups = 2;
    t->groups = xcalloc(2, sizeof(TaskGroup));
    t->groups[0] = (TaskGroup){"w.a", 0, (size_t)na, na, 1};
    t->groups[1] = (TaskGroup){"w.b", (size_t)na, (size_t)(n - na), n - na, 1};
    t->steps_per_epoch = STEPS_PER_EPOCH;
    t->clip_lr = 0;
    return s;
}

static int create_quadratic(Task *t, const Params *p, uint64_t seed, const TaskEnv *env,
                            const char *where, Err *e) {
    Synth *s = create_common(t, p, seed, quadratic);
    const int n = s->n;
    const double cond = params_num(p, "condition");
    s->rotate = params_bool(p, "rotate");
    s->lambda = xmalloc(sizeof(double) * (size_t)n);
    s->wstar = xmalloc(sizeof(double) * (size_t)n);
    s->z = xmalloc(sizeof(double) * (size_t)n);
    for (int i = 0; i < n; i++) s->lambda[i] = pow(cond, (double)i / (double)(n - 1));
    Rng r;
    rng_seed2(&r, (uint64_t)params_int(p, "problem_seed"), STREAM_PROBLEM);
    for (int i = 0; i < n; i++) s->wstar[i] = rng_normal(&r);
    if (s->rotate) { /* Stewart (1980): v = x + sign(x_0) |x| e_0, D_k = -sign(x_0) */
        s->hv = xmalloc(sizeof(double) * hv_off(n, n - 1));
        s->d = xmalloc(sizeof(double) * (size_t)n);
        for (int k = 0; k < n - 1; k++) {
            double *v = s->hv + hv_off(n, k), nrm = 0;
            const int m = n - k;
            for (int i = 0; i < m; i++) {
                v[i] = rng_normal(&r);
                nrm += v[i] * v[i];
            }
            const double sgn = v[0] >= 0 ? 1.0 : -1.0;
            v[0] += sgn * sqrt(nrm);
            double vv = 0;
            for (int i = 0; i < m; i++) vv += v[i] * v[i];
            for (int i = 0; i < m; i++) v[i] /= sqrt(vv);
            s->d[k] = -sgn;
        }
        s->d[n - 1] = rng_uniform(&r) < 0.5 ? -1.0 : 1.0;
    }
    rng_seed2(&r, seed, STREAM_INIT);
    for (int i = 0; i < n; i++) t->w[i] = (float)(s->wstar[i] + rng_normal(&r));
    return 0;
}

static int create_rosenbrock(Task *t, const Params *p, uint64_t seed, const TaskEnv *env,
                             const char *where, Err *e) {
    Synth *s = create_common(t, p, seed, rosenbrock);
    const double jitter = params_num(p, "jitter");
    Rng r;
    rng_seed2(&r, seed, STREAM_INIT);
    for (int i = 0; i < s->n; i++)
        t->w[i] = (float)((i % 2 == 0 ? -1.2 : 1.0) + jitter * (2 * rng_uniform(&r) - 1));
    return 0;
}

static int create_rastrigin(Task *t, const Params *p, uint64_t seed, const TaskEnv *env,
                            const char *where, Err *e) {
    Synth *s = create_common(t, p, seed, rastrigin);
    const double range = params_num(p, "init_range");
    s->A = params_num(p, "A");
    Rng r;
    rng_seed2(&r, seed, STREAM_INIT);
    for (int i = 0; i < s->n; i++) t->w[i] = (float)(range * (2 * rng_uniform(&r) - 1));
    return 0;
}

static double train_step(Task *t, int64_t step) {
    Synth *s = t->impl;
    draw_noise(s, step);
    memcpy(s->anchor, t->w, sizeof(float) * t->n);
    const double f = noisy(s, t->w, s->gd);
    for (size_t i = 0; i < t->n; i++) t->g[i] = (float)(s->gd[i] + s->xi[i]);
    return f;
}

static double loss_at(Task *t, const float *w_trial) { return noisy(t->impl, w_trial, NULL); }

static void evaluate(Task *t, double *metrics) {
    Synth *s = t->impl;
    const double f = s->f(s, t->w, NULL); /* clean; f* = 0 for all three objectives */
    metrics[METRIC_TRAIN_LOSS] = f;
    metrics[METRIC_VAL_LOSS] = f;
    metrics[METRIC_TASK] = f;
}

static void destroy(Task *t) {
    Synth *s = t->impl;
    if (s) {
        free(s->lambda);
        free(s->wstar);
        free(s->hv);
        free(s->d);
        free(s->z);
        free(s->xi);
        free(s->anchor);
        free(s->u);
        free(s->gd);
        free(s);
    }
    t->impl = NULL;
}

const TaskDef task_quadratic = {
    .name = "quadratic",
    .version = 1,
    .summary = "ill-conditioned quadratic, optionally rotated, with gradient and loss noise",
    .datasets = "none (closed form; the problem is fixed by problem_seed)",
    .params = quadratic_params,
    .metric = "suboptimality",
    .test_params = "dim=6;condition=100;noise=gaussian",
    .create = create_quadratic,
    .train_step = train_step,
    .loss_at = loss_at,
    .evaluate = evaluate,
    .destroy = destroy,
};

const TaskDef task_rosenbrock = {
    .name = "rosenbrock",
    .version = 1,
    .summary = "chained Rosenbrock function with gradient and loss noise",
    .datasets = "none (closed form)",
    .params = rosenbrock_params,
    .metric = "suboptimality",
    .test_params = "dim=6;noise=gaussian",
    .create = create_rosenbrock,
    .train_step = train_step,
    .loss_at = loss_at,
    .evaluate = evaluate,
    .destroy = destroy,
};

/* test_params: init_range=1 keeps the central-difference step of the registry test (1% of
 * |w| in floats) small against the cosine's period, so its O(h^2) error stays in tolerance. */
const TaskDef task_rastrigin = {
    .name = "rastrigin",
    .version = 1,
    .summary = "Rastrigin function (many local minima) with gradient and loss noise",
    .datasets = "none (closed form)",
    .params = rastrigin_params,
    .metric = "suboptimality",
    .test_params = "dim=6;noise=gaussian;init_range=1",
    .create = create_rastrigin,
    .train_step = train_step,
    .loss_at = loss_at,
    .evaluate = evaluate,
    .destroy = destroy,
};
