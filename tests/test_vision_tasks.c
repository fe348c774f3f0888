/* test_vision_tasks.c - the image classifiers "mlp" and "cnn":
 *   reference gradients: on the first B images of MNIST, made the whole training split
 *     (val_size = 60000 - B), the loss and every entry of every gradient group against a
 *     naive double-precision implementation written here from the layouts documented in
 *     tasks/mlp.c and tasks/cnn.c (direct convolution loops, no im2col). Needs MNIST in
 *     $LRLAB_DATA (default ./data): its absence is a failure, not a skip;
 *   training: 200 steps of plain SGD on the synthetic set lower the minibatch loss and the
 *     validation loss, and lift the validation accuracy well above chance (0.1);
 *   determinism: two creates with one seed give identical losses and parameters over 20
 *     SGD steps, another seed other ones; train_step(k) draws the batch of step k whatever
 *     came before (epochs included); evaluate() between train_step and loss_at leaves the
 *     minibatch alone;
 *   held-out ranges (mlp's first_image and images): the first 1000 of 2500 synthetic images
 *     train exactly as a set of 1000; from image 500 on, the training split starts at image
 *     500 (its train-loss metric at initialisation is the validation loss of the range
 *     [0, 1000), whose validation images are 500..999) and its minibatches come from there;
 *   groups and errors: names and shapes, user errors with exit code 2.
 * Why a reference and not finite differences here: ReLU and max-pool make the loss piecewise
 * smooth, and a central difference of step 1e-2 crosses kinks (a conv1 weight moves every
 * one of B * 24 * 24 * c1 pre-activations); a reference in double agrees to rounding.
 */
#include "check.h"
#include "tasks/data/vision.h"
#include "tasks/task.h"

#include <stdlib.h>
#include <string.h>

#define NC 10

/* Creates task `name` with "k=v;k=v" settings; returns 0, or the create status with e. */
static int make(const char *name, const char *kvs, uint64_t seed, const char *datadir, Task *t,
                Err *e) {
    const TaskDef *d = task_find(name);
    CHECK(d != NULL);
    if (!d) return -1;
    Params p;
    params_init(&p, d->params);
    char buf[512];
    snprintf(buf, sizeof buf, "%s", kvs);
    for (char *save = NULL, *kv = strtok_r(buf, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(kv, '=');
        LR_ASSERT(eq != NULL);
        *eq = '\0';
        int rc = params_set_text(&p, kv, eq + 1, "test", e);
        if (rc) fprintf(stderr, "%s\n", e->msg);
        CHECK(rc == 0);
    }
    memset(t, 0, sizeof *t);
    t->def = d;
    TaskEnv env = {.datadir = datadir};
    int rc = task_create(t, d, &p, seed, &env, "test", e);
    params_free(&p);
    return rc;
}

static const float *group(const Task *t, const float *buf, const char *name) {
    for (int gi = 0; gi < t->ngroups; gi++)
        if (strcmp(t->groups[gi].name, name) == 0) return buf + t->groups[gi].off;
    CHECK(!"no such group");
    return buf;
}

/* ---- double-precision references: loss and gradient of one image, accumulated ---- */

/* Softmax cross-entropy of logits z [NC]; dz = (softmax - onehot) * scale. */
static double ref_xent(const double *z, int y, double scale, double *dz) {
    double m = z[0], s = 0;
    for (int j = 1; j < NC; j++) m = z[j] > m ? z[j] : m;
    for (int j = 0; j < NC; j++) s += exp(z[j] - m);
    for (int j = 0; j < NC; j++) dz[j] = (exp(z[j] - m) / s - (j == y)) * scale;
    return m + log(s) - z[y];
}

/* MLP with hidden widths h[0..nh): returns the loss of x [dim[0]]; adds the gradient / B. */
static double ref_mlp(const Task *t, const int *dim, int L, const double *x, int y, int B,
                      double *grad) {
    double a[4][1024], d[2][1024];
    char wn[32], bn[32];
    const float *W[4], *b[4];
    double *gW[4], *gb[4];
    for (int l = 1; l <= L; l++) {
        snprintf(wn, sizeof wn, "fc%d.weight", l);
        snprintf(bn, sizeof bn, "fc%d.bias", l);
        W[l - 1] = group(t, t->w, wn);
        b[l - 1] = group(t, t->w, bn);
        gW[l - 1] = grad + (group(t, t->w, wn) - t->w);
        gb[l - 1] = grad + (group(t, t->w, bn) - t->w);
    }
    memcpy(a[0], x, sizeof(double) * dim[0]);
    for (int l = 1; l <= L; l++)
        for (int o = 0; o < dim[l]; o++) {
            double z = b[l - 1][o];
            for (int i = 0; i < dim[l - 1]; i++)
                z += (double)W[l - 1][o * dim[l - 1] + i] * a[l - 1][i];
            a[l][o] = l < L && z < 0 ? 0 : z;
        }
    double f = ref_xent(a[L], y, 1.0 / B, d[L % 2]);
    for (int l = L; l >= 1; l--) {
        const double *dz = d[l % 2];
        double *da = d[(l - 1) % 2];
        for (int o = 0; o < dim[l]; o++) {
            gb[l - 1][o] += dz[o];
            for (int i = 0; i < dim[l - 1]; i++)
                gW[l - 1][o * dim[l - 1] + i] += dz[o] * a[l - 1][i];
        }
        if (l == 1) break;
        for (int i = 0; i < dim[l - 1]; i++) {
            double s = 0;
            for (int o = 0; o < dim[l]; o++) s += dz[o] * W[l - 1][o * dim[l - 1] + i];
            da[i] = a[l - 1][i] > 0 ? s : 0;
        }
    }
    return f;
}

enum { S0 = 28, S1 = 24, S2 = 12, S3 = 8, S4 = 4, K = 5, CMAX = 8, HMAX = 16 };

/* LeNet of cnn.c, direct loops over NCHW arrays: conv weights [out][(ky * K + kx) * in + c],
 * fc1 columns (y * S4 + x) * c2 + c; pool windows scanned (0,0) (0,1) (1,0) (1,1), first
 * largest wins. Returns the loss of x [S0 * S0]; adds the gradient / B. */
static double ref_cnn(const Task *t, int c1, int c2, int hd, const double *x, int y, int B,
                      double *grad) {
    static double y1[CMAX][S1][S1], p1[CMAX][S2][S2], y2[CMAX][S3][S3], p2[CMAX][S4][S4];
    static double dy1[CMAX][S1][S1], dp1[CMAX][S2][S2], dy2[CMAX][S3][S3], dp2[CMAX][S4][S4];
    static int a1[CMAX][S2][S2], a2[CMAX][S4][S4]; /* argmax: dy * 2 + dx */
    double y3[HMAX], dy3[HMAX], z[NC], dz[NC];
    const float *W1 = group(t, t->w, "conv1.weight"), *b1 = group(t, t->w, "conv1.bias");
    const float *W2 = group(t, t->w, "conv2.weight"), *b2 = group(t, t->w, "conv2.bias");
    const float *W3 = group(t, t->w, "fc1.weight"), *b3 = group(t, t->w, "fc1.bias");
    const float *W4 = group(t, t->w, "fc2.weight"), *b4 = group(t, t->w, "fc2.bias");
#define G(p) (grad + (p - t->w))
    double *gW1 = G(W1), *gb1 = G(b1), *gW2 = G(W2), *gb2 = G(b2);
    double *gW3 = G(W3), *gb3 = G(b3), *gW4 = G(W4), *gb4 = G(b4);
#undef G
    const int F = S4 * S4 * c2;
    for (int c = 0; c < c1; c++)
        for (int oy = 0; oy < S1; oy++)
            for (int ox = 0; ox < S1; ox++) {
                double s = b1[c];
                for (int ky = 0; ky < K; ky++)
                    for (int kx = 0; kx < K; kx++)
                        s += W1[c * K * K + ky * K + kx] * x[(oy + ky) * S0 + ox + kx];
                y1[c][oy][ox] = s < 0 ? 0 : s;
            }
    for (int c = 0; c < c1; c++)
        for (int py = 0; py < S2; py++)
            for (int px = 0; px < S2; px++) {
                int best = 0;
                for (int q = 1; q < 4; q++)
                    if (y1[c][2 * py + q / 2][2 * px + q % 2] >
                        y1[c][2 * py + best / 2][2 * px + best % 2])
                        best = q;
                a1[c][py][px] = best;
                p1[c][py][px] = y1[c][2 * py + best / 2][2 * px + best % 2];
            }
    for (int o = 0; o < c2; o++)
        for (int oy = 0; oy < S3; oy++)
            for (int ox = 0; ox < S3; ox++) {
                double s = b2[o];
                for (int ky = 0; ky < K; ky++)
                    for (int kx = 0; kx < K; kx++)
                        for (int c = 0; c < c1; c++)
                            s += W2[o * K * K * c1 + (ky * K + kx) * c1 + c] *
                                 p1[c][oy + ky][ox + kx];
                y2[o][oy][ox] = s < 0 ? 0 : s;
            }
    for (int c = 0; c < c2; c++)
        for (int py = 0; py < S4; py++)
            for (int px = 0; px < S4; px++) {
                int best = 0;
                for (int q = 1; q < 4; q++)
                    if (y2[c][2 * py + q / 2][2 * px + q % 2] >
                        y2[c][2 * py + best / 2][2 * px + best % 2])
                        best = q;
                a2[c][py][px] = best;
                p2[c][py][px] = y2[c][2 * py + best / 2][2 * px + best % 2];
            }
#define FEAT(k) p2[(k) % c2][(k) / c2 / S4][(k) / c2 % S4]
    for (int h = 0; h < hd; h++) {
        double s = b3[h];
        for (int k = 0; k < F; k++) s += W3[h * F + k] * FEAT(k);
        y3[h] = s < 0 ? 0 : s;
    }
    for (int j = 0; j < NC; j++) {
        double s = b4[j];
        for (int h = 0; h < hd; h++) s += W4[j * hd + h] * y3[h];
        z[j] = s;
    }
    double f = ref_xent(z, y, 1.0 / B, dz);
    for (int j = 0; j < NC; j++) {
        gb4[j] += dz[j];
        for (int h = 0; h < hd; h++) gW4[j * hd + h] += dz[j] * y3[h];
    }
    for (int h = 0; h < hd; h++) {
        double s = 0;
        for (int j = 0; j < NC; j++) s += dz[j] * W4[j * hd + h];
        dy3[h] = y3[h] > 0 ? s : 0;
        gb3[h] += dy3[h];
        for (int k = 0; k < F; k++) gW3[h * F + k] += dy3[h] * FEAT(k);
    }
    memset(dp2, 0, sizeof dp2);
    for (int k = 0; k < F; k++)
        for (int h = 0; h < hd; h++)
            dp2[k % c2][k / c2 / S4][k / c2 % S4] += dy3[h] * W3[h * F + k];
#undef FEAT
    memset(dy2, 0, sizeof dy2);
    for (int c = 0; c < c2; c++)
        for (int py = 0; py < S4; py++)
            for (int px = 0; px < S4; px++) {
                int q = a2[c][py][px], yy = 2 * py + q / 2, xx = 2 * px + q % 2;
                dy2[c][yy][xx] = y2[c][yy][xx] > 0 ? dp2[c][py][px] : 0;
            }
    memset(dp1, 0, sizeof dp1);
    for (int o = 0; o < c2; o++)
        for (int oy = 0; oy < S3; oy++)
            for (int ox = 0; ox < S3; ox++) {
                const double d = dy2[o][oy][ox];
                gb2[o] += d;
                for (int ky = 0; ky < K; ky++)
                    for (int kx = 0; kx < K; kx++)
                        for (int c = 0; c < c1; c++) {
                            const int wi = o * K * K * c1 + (ky * K + kx) * c1 + c;
                            gW2[wi] += d * p1[c][oy + ky][ox + kx];
                            dp1[c][oy + ky][ox + kx] += d * W2[wi];
                        }
            }
    memset(dy1, 0, sizeof dy1);
    for (int c = 0; c < c1; c++)
        for (int py = 0; py < S2; py++)
            for (int px = 0; px < S2; px++) {
                int q = a1[c][py][px], yy = 2 * py + q / 2, xx = 2 * px + q % 2;
                dy1[c][yy][xx] = y1[c][yy][xx] > 0 ? dp1[c][py][px] : 0;
            }
    for (int c = 0; c < c1; c++)
        for (int oy = 0; oy < S1; oy++)
            for (int ox = 0; ox < S1; ox++) {
                const double d = dy1[c][oy][ox];
                gb1[c] += d;
                for (int ky = 0; ky < K; ky++)
                    for (int kx = 0; kx < K; kx++)
                        gW1[c * K * K + ky * K + kx] += d * x[(oy + ky) * S0 + ox + kx];
            }
    return f;
}

/* Compares g with ref group by group: |g - ref| <= 1e-4 * max|ref over the group| + 1e-7. */
static void compare_groups(const Task *t, const double *ref) {
    for (int gi = 0; gi < t->ngroups; gi++) {
        const TaskGroup *g = &t->groups[gi];
        double scale = 0, worst = 0;
        for (size_t k = 0; k < g->n; k++) scale = fmax(scale, fabs(ref[g->off + k]));
        int bad = 0;
        for (size_t k = 0; k < g->n; k++) {
            double diff = fabs(t->g[g->off + k] - ref[g->off + k]);
            worst = fmax(worst, diff);
            if (!(diff <= 1e-4 * scale + 1e-7) && bad++ < 3)
                fprintf(stderr, "%s: %s[%zu]: gradient %.9g, reference %.9g\n", t->def->name,
                        g->name, k, t->g[g->off + k], ref[g->off + k]);
        }
        fprintf(stderr, "  %s %-13s max |ref| %.3e, max |g - ref| %.3e\n", t->def->name, g->name,
                scale, worst);
        CHECK(bad == 0);
        CHECK(scale > 0); /* every group takes part */
    }
}

static void reference_gradients(const char *datadir) {
    VisionSet set;
    Err e;
    if (vision_load_split(datadir, "mnist", 0, &set, &e) != 0) {
        /* the test command fetches every data set first: missing data is a failure */
        fprintf(stderr, "reference gradients: %s (fetch it: bash scripts/fetch-data.sh mnist)\n",
                e.msg);
        CHECK(!"MNIST is needed for the reference gradients");
        return;
    }
    enum { B = 8 };
    static double x[B][S0 * S0];
    for (int i = 0; i < B; i++)
        for (int j = 0; j < S0 * S0; j++) x[i][j] = set.images[(size_t)i * S0 * S0 + j] / 255.0;
    char kv[256];
    Task t;
    /* mlp 784-12-7-10: two hidden layers, so dZ flows through a hidden-to-hidden ReLU */
    snprintf(kv, sizeof kv, "dataset=mnist;val_size=%d;train_eval_size=%d;batch=%d;widths=12|7",
             set.n - B, B, B);
    if (make("mlp", kv, 3, datadir, &t, &e) == 0) {
        CHECK(t.steps_per_epoch == 1);
        double f = t.def->train_step(&t, 0);
        double *ref = xcalloc(t.n, sizeof(double)), fr = 0;
        const int dim[] = {S0 * S0, 12, 7, NC};
        for (int i = 0; i < B; i++) fr += ref_mlp(&t, dim, 3, x[i], set.labels[i], B, ref) / B;
        CHECK_NEAR(f, fr, 1e-6);
        compare_groups(&t, ref);
        free(ref);
        task_destroy(&t);
    } else {
        fprintf(stderr, "%s\n", e.msg);
        CHECK(0);
    }
    /* cnn 3, 5 channels, 9 hidden units */
    snprintf(kv, sizeof kv,
             "dataset=mnist;val_size=%d;train_eval_size=%d;batch=%d;c1=3;c2=5;hidden=9", set.n - B,
             B, B);
    if (make("cnn", kv, 3, datadir, &t, &e) == 0) {
        double f = t.def->train_step(&t, 0);
        double *ref = xcalloc(t.n, sizeof(double)), fr = 0;
        for (int i = 0; i < B; i++) fr += ref_cnn(&t, 3, 5, 9, x[i], set.labels[i], B, ref) / B;
        CHECK_NEAR(f, fr, 1e-6);
        compare_groups(&t, ref);
        free(ref);
        task_destroy(&t);
    } else {
        fprintf(stderr, "%s\n", e.msg);
        CHECK(0);
    }
    vision_free(&set);
}

/* ---- training, determinism, groups, errors (synthetic data) ---- */

static const char *const SMALL_MLP =
    "dataset=synthetic;n=2500;val_size=500;train_eval_size=500;noise=0.7;widths=64;batch=32";
static const char *const SMALL_CNN =
    "dataset=synthetic;n=2500;val_size=500;train_eval_size=500;noise=0.7;c1=4;c2=8;hidden=32;"
    "batch=32";

static void sgd(Task *t, double lr) {
    for (size_t i = 0; i < t->n; i++) t->w[i] -= (float)lr * t->g[i];
}

static void training(const char *name, const char *kvs, double lr) {
    Task t;
    Err e;
    if (make(name, kvs, 1, "/nonexistent", &t, &e) != 0) return;
    double m0[METRIC_MAX], m1[METRIC_MAX], first = 0, last = 0;
    t.def->evaluate(&t, m0);
    for (int64_t step = 0; step < 200; step++) {
        double f = t.def->train_step(&t, step);
        CHECK(isfinite(f));
        if (step < 20) first += f / 20;
        if (step >= 180) last += f / 20;
        sgd(&t, lr);
    }
    t.def->evaluate(&t, m1);
    fprintf(stderr,
            "%s, 200 SGD steps at lr %g: minibatch loss %.3f -> %.3f, val loss %.3f -> "
            "%.3f, accuracy %.3f -> %.3f\n",
            name, lr, first, last, m0[METRIC_VAL_LOSS], m1[METRIC_VAL_LOSS], m0[METRIC_TASK],
            m1[METRIC_TASK]);
    CHECK(last < 0.5 * first);
    CHECK(m1[METRIC_VAL_LOSS] < 0.5 * m0[METRIC_VAL_LOSS]);
    CHECK(m1[METRIC_TRAIN_LOSS] < 0.5 * m0[METRIC_TRAIN_LOSS]);
    CHECK(m0[METRIC_TASK] < 0.3);
    CHECK(m1[METRIC_TASK] > 0.6);
    CHECK(m1[METRIC_TASK] <= 1.0);
    task_destroy(&t);
}

static void determinism(const char *name, const char *kvs) {
    Task a, b, c;
    Err e;
    if (make(name, kvs, 7, "/nonexistent", &a, &e) || make(name, kvs, 7, "/nonexistent", &b, &e) ||
        make(name, kvs, 8, "/nonexistent", &c, &e)) {
        CHECK(0);
        return;
    }
    CHECK(a.steps_per_epoch == 2000 / 32 && a.steps_per_epoch < 70);
    int same = 1, differ = 0;
    for (int64_t step = 0; step < 20; step++) {
        double fa = a.def->train_step(&a, step), fb = b.def->train_step(&b, step);
        double fc = c.def->train_step(&c, step);
        same &= fa == fb;
        differ |= fa != fc;
        sgd(&a, 0.05);
        sgd(&b, 0.05);
        sgd(&c, 0.05);
    }
    CHECK(same);
    CHECK(differ);
    CHECK(memcmp(a.w, b.w, sizeof(float) * a.n) == 0);
    /* the batch of step k does not depend on the calls before it (k in the second epoch) */
    const int64_t k = a.steps_per_epoch + 3;
    for (int64_t step = 0; step <= k; step++) a.def->train_step(&a, step);
    double fa = a.def->loss_at(&a, a.w);
    double fb = b.def->train_step(&b, k);
    CHECK(fa == fb);
    /* evaluate() between train_step and loss_at leaves the minibatch alone */
    double m[METRIC_MAX];
    b.def->evaluate(&b, m);
    CHECK(b.def->loss_at(&b, b.w) == fb);
    CHECK(m[METRIC_TASK] >= 0 && m[METRIC_TASK] <= 1);
    task_destroy(&a);
    task_destroy(&b);
    task_destroy(&c);
}

static void held_out_ranges(void) {
    Task p, q, r;
    Err e;
    const char *kv = "dataset=synthetic;noise=0.7;widths=16;batch=32;val_size=500;"
                     "train_eval_size=500;";
    char kp[256], kq[256], kr[256];
    snprintf(kp, sizeof kp, "%sn=2500;first_image=500;images=1000", kv);
    snprintf(kq, sizeof kq, "%sn=2500;first_image=0;images=1000", kv);
    snprintf(kr, sizeof kr, "%sn=1000", kv);
    if (make("mlp", kp, 3, "/nonexistent", &p, &e) || make("mlp", kq, 3, "/nonexistent", &q, &e) ||
        make("mlp", kr, 3, "/nonexistent", &r, &e)) {
        CHECK(!"held-out range tasks");
        return;
    }
    double mp[METRIC_MAX], mq[METRIC_MAX], mr[METRIC_MAX];
    p.def->evaluate(&p, mp);
    q.def->evaluate(&q, mq);
    CHECK(mp[METRIC_TRAIN_LOSS] == mq[METRIC_VAL_LOSS]); /* the images 500..999 both times */
    CHECK(mp[METRIC_VAL_LOSS] != mq[METRIC_VAL_LOSS]);
    /* the same permutation of 500 training rows, offset by 500: other minibatches */
    CHECK(p.def->train_step(&p, 0) != q.def->train_step(&q, 0));
    /* the first 1000 images of 2500 are the set of 1000 */
    int same = 1;
    for (int64_t step = 0; step < 20; step++) {
        double fq = step ? q.def->train_step(&q, step) : q.def->loss_at(&q, q.w);
        same &= fq == r.def->train_step(&r, step);
        sgd(&q, 0.05);
        sgd(&r, 0.05);
    }
    q.def->evaluate(&q, mq);
    r.def->evaluate(&r, mr);
    CHECK(same);
    CHECK(mq[METRIC_TRAIN_LOSS] == mr[METRIC_TRAIN_LOSS] &&
          mq[METRIC_VAL_LOSS] == mr[METRIC_VAL_LOSS] && mq[METRIC_TASK] == mr[METRIC_TASK]);
    task_destroy(&p);
    task_destroy(&q);
    task_destroy(&r);
}

static void groups_and_errors(void) {
    Task t;
    Err e;
    const TaskDef *d = task_find("mlp");
    CHECK(d && d->metric_higher_better && strcmp(d->metric, "accuracy") == 0);
    d = task_find("cnn");
    CHECK(d && d->metric_higher_better && strcmp(d->metric, "accuracy") == 0);
    if (make("mlp", "dataset=synthetic;n=100;val_size=20;widths=30|20;batch=8", 1, "/nonexistent",
             &t, &e) == 0) {
        static const char *names[] = {"fc1.weight", "fc1.bias",   "fc2.weight",
                                      "fc2.bias",   "fc3.weight", "fc3.bias"};
        static const int rows[] = {30, 30, 20, 20, 10, 10}, cols[] = {784, 1, 30, 1, 20, 1};
        CHECK(t.ngroups == 6);
        for (int gi = 0; gi < 6 && gi < t.ngroups; gi++) {
            CHECK(strcmp(t.groups[gi].name, names[gi]) == 0);
            CHECK(t.groups[gi].rows == rows[gi] && t.groups[gi].cols == cols[gi]);
        }
        CHECK(t.steps_per_epoch == 80 / 8);
        task_destroy(&t);
    }
    if (make("cnn", "dataset=synthetic;n=100;val_size=20;batch=8", 1, "/nonexistent", &t, &e) ==
        0) {
        static const char *names[] = {"conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                                      "fc1.weight",   "fc1.bias",   "fc2.weight",   "fc2.bias"};
        static const int rows[] = {6, 6, 16, 16, 120, 120, 10, 10};
        static const int cols[] = {25, 1, 150, 1, 256, 1, 120, 1};
        CHECK(t.ngroups == 8);
        for (int gi = 0; gi < 8 && gi < t.ngroups; gi++) {
            CHECK(strcmp(t.groups[gi].name, names[gi]) == 0);
            CHECK(t.groups[gi].rows == rows[gi] && t.groups[gi].cols == cols[gi]);
        }
        task_destroy(&t);
    }
    /* user errors: exit code 2 and a message naming the parameter */
    const struct {
        const char *name, *kvs, *needle;
    } bad[] = {
        {"mlp", "dataset=synthetic;n=100;val_size=100", "val_size"},
        {"mlp", "dataset=synthetic;n=100;val_size=20;batch=81", "batch"},
        {"mlp", "dataset=synthetic;n=100;val_size=20;widths=2.5", "widths"},
        {"mlp", "dataset=synthetic;n=100;val_size=20;first_image=99", "first_image"},
        {"mlp", "dataset=synthetic;n=100;val_size=20;first_image=50;images=51", "images"},
        {"mlp", "dataset=synthetic;n=100;val_size=20;first_image=50;images=20", "val_size"},
        {"cnn", "dataset=synthetic;n=100;val_size=99;batch=2", "batch"},
        {"mlp", "dataset=fashion", "fashion"},
        {"cnn", "dataset=mnist", "mnist"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&e, 0, sizeof e);
        int rc = make(bad[i].name, bad[i].kvs, 1, "/nonexistent", &t, &e);
        CHECK(rc != 0 && e.code == EXIT_USAGE && strstr(e.msg, bad[i].needle));
        if (rc == 0) task_destroy(&t);
    }
}

int main(void) {
    const char *datadir = getenv("LRLAB_DATA") ? getenv("LRLAB_DATA") : "data";
    reference_gradients(datadir);
    groups_and_errors();
    held_out_ranges();
    training("mlp", SMALL_MLP, 0.1);
    training("cnn", SMALL_CNN, 0.1);
    determinism("mlp", SMALL_MLP);
    determinism("cnn", SMALL_CNN);
    return check_report();
}
