/* test_optim_golden.c - optimizers against PyTorch 1.13 and against Adafactor by hand.
 *
 * Usage: test_optim_golden [tests/golden/optimizers.csv]
 *
 * Golden part: every case of optimizers.csv (scripts/golden/README.md documents the
 * file, the test problem and torch's exact update rules) is run on the README's problem,
 * 10 steps on 8 float weights, and w after steps 1 and 10 is compared with
 * |got - want| <= 1e-6 * max(|want|, 1). The absolute floor covers the few small
 * weights (|w| ~ 0.03) where two correct float32 roundings differ by ~3e-6 relative.
 * Each case runs three ways that must all match the fixture:
 *   one group {"w", 0, 8, 8, 1};
 *   two groups of 4, which must also give bit-identical weights (group slicing);
 *   one group with a per-element lr equal to (float)lr everywhere (elem_lr support).
 * On every step the direction written to dir must satisfy w_new = w - lr * dir.
 * `params` keys go through params_set_text, except `lr` (the step's lr argument) and,
 * for the `clip` family, `max_norm` (optim_clip_grad_norm before an sgd step). An
 * unknown optimizer or key fails the case; the number of cases is checked.
 *
 * Adafactor part: not in torch 1.13, so checked against a 2x3 example worked by hand
 * (tests/test_adafactor_golden.c checks it against a numpy reference of the algorithm)
 * below, and against an independent double-precision reference on the factored and
 * the unfactored branch, with and without first moment and weight decay.
 */
#include "check.h"
#include "harness/base/csvio.h"
#include "harness/optim/optim.h"

#include <stdlib.h>
#include <string.h>

#define N 8 /* weights of the golden problem */
#define NSTEPS 10
#define NCASES 32 /* scripts/golden/README.md: 32 cases x 2 steps x 8 weights = 512 rows */
#define TOL 1e-6

/* ---- the golden problem (scripts/golden/README.md, "The test problem") ---- */

static const float W0[N] = {0.5f, -1.25f, 2.0f, 0.0f, -0.3f, 1.7f, -2.2f, 0.9f};
static const double A[N] = {1.0, 0.5, 2.0, 0.1, 3.0, 0.7, 1.5, 0.25};
static const double B[N] = {0.2, -0.1, 0.0, 0.3, -0.5, 0.05, 0.4, -0.2};

/* g_i = (float)(a_i w_i - b_i + 0.1 cos(t + i)), left to right in double. */
static void gradient(const float *w, int t, float *g) {
    for (int i = 0; i < N; i++)
        g[i] = (float)(A[i] * (double)w[i] - B[i] + 0.1 * cos((double)(t + i)));
}

typedef struct Case {
    const char *name, *optim, *params; /* borrowed from the CsvTable */
    double want[2][N];                 /* w after step 1 and step 10 */
    int have[2][N];
} Case;

typedef struct Setup {
    const OptimDef *def;
    Params p;
    double lr, max_norm; /* max_norm > 0: clip family */
} Setup;

static double max_err;
static int nvalues, nexact;

/* setup: resolves the case's optimizer and parameters; prints why and returns -1 when
 * the case cannot run. */
static int setup(const Case *c, Setup *s) {
    const int clip = strcmp(c->optim, "clip") == 0;
    memset(s, 0, sizeof *s);
    s->lr = NAN;
    s->def = optim_find(clip ? "sgd" : c->optim);
    if (!s->def) {
        fprintf(stderr, "%s: unknown optimizer \"%s\"\n", c->name, c->optim);
        return -1;
    }
    params_init(&s->p, s->def->params);
    char text[512];
    snprintf(text, sizeof text, "%s", c->params);
    Err e;
    for (char *save = NULL, *kv = strtok_r(text, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq) {
            fprintf(stderr, "%s: params: \"%s\" is not key=value\n", c->name, kv);
            return -1;
        }
        *eq = '\0';
        const char *key = kv, *val = eq + 1;
        double *num = strcmp(key, "lr") == 0                 ? &s->lr
                      : clip && strcmp(key, "max_norm") == 0 ? &s->max_norm
                                                             : NULL;
        if (num) {
            if (csvio_parse_num(val, num) != 0 || !(*num > 0)) {
                fprintf(stderr, "%s: %s: bad value \"%s\"\n", c->name, key, val);
                return -1;
            }
        } else if (params_set_text(&s->p, key, val, c->name, &e) != 0) {
            fprintf(stderr, "%s\n", e.msg);
            return -1;
        }
    }
    if (params_check_required(&s->p, c->name, s->def->name, &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        return -1;
    }
    if (!(s->lr > 0) || (clip && !(s->max_norm > 0))) {
        fprintf(stderr, "%s: params: missing lr%s\n", c->name, clip ? " or max_norm" : "");
        return -1;
    }
    return 0;
}

/* run: 10 steps of the problem over the given groups; out[0], out[1] = w after steps 1
 * and 10. Checks w_new = w - lr * dir on every step. Returns -1 if creation fails. */
static int run(const Setup *s, const TaskGroup *groups, int ngroups, int elem, float out[2][N]) {
    float w[N], g[N], dir[N], w_old[N], elem_lr[N];
    memcpy(w, W0, sizeof w);
    for (int i = 0; i < N; i++) elem_lr[i] = (float)s->lr;
    Task t = {.n = N, .w = w, .g = g, .ngroups = ngroups, .groups = (TaskGroup *)groups};
    Optim o;
    Err e;
    if (optim_create(&o, s->def, &s->p, &t, &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        return -1;
    }
    for (int step = 1; step <= NSTEPS; step++) {
        gradient(w, step, g);
        if (s->max_norm > 0) optim_clip_grad_norm(g, N, s->max_norm);
        memcpy(w_old, w, sizeof w);
        for (int k = 0; k < ngroups; k++) {
            const TaskGroup *grp = &groups[k];
            s->def->step(o.st, step, grp, w + grp->off, g + grp->off, s->lr,
                         elem ? elem_lr + grp->off : NULL, dir + grp->off);
        }
        for (int i = 0; i < N; i++) {
            const double lri = elem ? (double)elem_lr[i] : s->lr;
            CHECK_NEAR(w_old[i] - lri * dir[i], w[i], TOL);
        }
        if (step == 1) memcpy(out[0], w, sizeof w);
        if (step == NSTEPS) memcpy(out[1], w, sizeof w);
    }
    optim_destroy(&o);
    return 0;
}

/* compare: got against the fixture; returns the number of mismatches. */
static int compare(const Case *c, const char *how, float got[2][N]) {
    static const int steps[2] = {1, NSTEPS};
    int bad = 0;
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < N; i++) {
            const double want = c->want[k][i], err = fabs(got[k][i] - want);
            const int ok = err <= TOL * fmax(fabs(want), 1.0);
            CHECK(ok);
            if (!ok) {
                fprintf(stderr, "%s (%s): step %d w[%d] = %.9g, expected %.9g (error %.3g)\n",
                        c->name, how, steps[k], i, got[k][i], want, err);
                bad++;
            }
            if (err > max_err) max_err = err;
            nvalues++;
            nexact += (float)want == got[k][i];
        }
    }
    return bad;
}

static int run_case(const Case *c) {
    Setup s;
    int rc = setup(c, &s);
    CHECK(rc == 0);
    if (rc != 0) {
        params_free(&s.p);
        return 0;
    }
    const TaskGroup one[1] = {{"w", 0, 8, 8, 1}};
    const TaskGroup two[2] = {{"w0", 0, 4, 4, 1}, {"w1", 4, 4, 4, 1}};
    float w1[2][N], w2[2][N], we[2][N];
    int ok =
        run(&s, one, 1, 0, w1) == 0 && run(&s, two, 2, 0, w2) == 0 && run(&s, one, 1, 1, we) == 0;
    CHECK(ok);
    if (ok) {
        const int sliced = memcmp(w1, w2, sizeof w1) == 0;
        CHECK(sliced);
        if (!sliced) fprintf(stderr, "%s: two groups differ from one group\n", c->name);
        const int bad = compare(c, "one group", w1) + compare(c, "elem_lr", we);
        ok = sliced && bad == 0;
    }
    params_free(&s.p);
    return ok;
}

static void golden(const char *path) {
    static const char *const cols[] = {"case", "optimizer", "params", "step", "index", "w", NULL};
    CsvTable tab;
    Err e;
    int rc = csvio_read(path, cols, &tab, &e);
    CHECK(rc == 0);
    if (rc != 0) {
        err_print(&e);
        return;
    }
    CHECK(tab.nrows == NCASES * 2 * N);
    Case *cases = xcalloc((size_t)tab.nrows + 1, sizeof(Case));
    int ncases = 0;
    for (int r = 0; r < tab.nrows; r++) {
        const char *name = csvio_at(&tab, r, 0);
        Case *c = NULL;
        for (int k = 0; k < ncases && !c; k++)
            if (strcmp(cases[k].name, name) == 0) c = &cases[k];
        if (!c) {
            c = &cases[ncases++];
            c->name = name;
            c->optim = csvio_at(&tab, r, 1);
            c->params = csvio_at(&tab, r, 2);
        }
        CHECK(strcmp(c->optim, csvio_at(&tab, r, 1)) == 0);
        CHECK(strcmp(c->params, csvio_at(&tab, r, 2)) == 0);
        double step, index, w;
        const int parsed = csvio_parse_num(csvio_at(&tab, r, 3), &step) == 0 &&
                           csvio_parse_num(csvio_at(&tab, r, 4), &index) == 0 &&
                           csvio_parse_num(csvio_at(&tab, r, 5), &w) == 0 &&
                           (step == 1 || step == NSTEPS) && index >= 0 && index < N &&
                           index == floor(index) && isfinite(w);
        CHECK(parsed);
        if (!parsed) {
            fprintf(stderr, "%s: data row %d: bad step, index or w\n", path, r + 1);
            continue;
        }
        const int k = step == 1 ? 0 : 1, i = (int)index;
        CHECK(!c->have[k][i]);
        c->have[k][i] = 1;
        c->want[k][i] = w;
    }
    CHECK(ncases == NCASES);
    int matched = 0;
    for (int k = 0; k < ncases; k++) {
        int complete = 1;
        for (int s = 0; s < 2; s++)
            for (int i = 0; i < N; i++) complete &= cases[k].have[s][i];
        CHECK(complete);
        if (!complete) fprintf(stderr, "%s: missing rows\n", cases[k].name);
        else matched += run_case(&cases[k]);
    }
    CHECK(matched == NCASES);
    fprintf(stderr,
            "golden: %d of %d cases matched (%d expected); max |got - want| = %.3g; "
            "%d of %d weights bit-exact\n",
            matched, ncases, NCASES, max_err, nexact, nvalues);
    free(cases);
    csvio_free(&tab);
}

/* ---- Adafactor ----
 *
 * The hand case: one 2x3 group, lr = 0.1, defaults (eps1 = 1e-30, eps2 = 1e-3,
 * clip_threshold = 1, decay_rate = -0.8, beta1 = 0, weight_decay = 0, scale_parameter).
 *
 *   W0 = [ 1    0  -0.5 ]     G1 = [  1  -1   1 ]     G2 = [ 2   1  -1 ]
 *        [ 0  0.5   0   ]          [ -1   1  -3 ]          [ 1  -2   1 ]
 *
 * Step 1 (b2 = 1 - 1^-0.8 = 0, so the moments are this step's G^2; eps1 is below the
 * double resolution of G^2 and vanishes):
 *   RMS(W0) = sqrt(1.5 / 6) = 0.5, so lr' = 0.1 * 0.5 = 0.05.
 *   Factored: G1^2 = [1 1 1; 1 1 9]; R = row means = [1, 11/3]; C = column means =
 *     [1, 1, 5]; mean(R) = 7/3. U^2 = G^2 mean(R) / (R_r C_c) =
 *     [7/3 7/3 7/15; 7/11 7/11 63/55]; mean(U^2) = (77/15 + 133/55) / 6 = 623/495,
 *     so RMS(U) = sqrt(623/495) = 1.1218671 > 1 and the clipped U^2 = U^2 * 495/623
 *     = [165 165 33; 45 45 81] / 89 (these sum to 6: RMS 1 after clipping).
 *     W1 = W0 - 0.05 sign(G1) sqrt([165 165 33; 45 45 81] / 89)
 *        = [0.93192040349 0.06807959651 -0.53044612113; 0.03555340974 0.46444659026
 *           0.04769990460].
 *   Unfactored: V = G1^2, U = sign(G1), RMS(U) = 1 (no clipping):
 *     W1 = W0 - 0.05 sign(G1) = [0.95 0.05 -0.55; 0.05 0.45 0.05].
 * Step 2 (b2 = 1 - 2^-0.8 = 0.42565082250; G2^2 = [4 1 1; 1 4 1]):
 *   Factored: RMS(W1) = 0.47849303694. R = b2 [1, 11/3] + (1 - b2) [2, 2]
 *     = [1.57434917750, 2.70941803750]; C = b2 [1, 1, 5] + (1 - b2) [2.5, 2.5, 1]
 *     = [1.86152376625, 1.86152376625, 2.70260329001]; mean(R) = 2.14188360750.
 *     U = G2 / sqrt(R_r C_c / mean(R)) = [1.70979131122 0.85489565561 -0.70950629360;
 *     0.65166685426 -1.30333370853 0.54083996263]; RMS(U) = 1.04670024366.
 *     W2 = W1 - 0.1 * 0.47849303694 * U / 1.04670024366
 *        = [0.85375827045 0.02899852999 -0.49801144624; 0.00576283177 0.52402774620
 *           0.02297571467].
 *   Unfactored: RMS(W1) = sqrt(1.415 / 6) = 0.48562674281. V = b2 G1^2 + (1 - b2) G2^2
 *     = [4 - 3 b2, 1, 1; 1, 4 - 3 b2, 1 + 8 b2] = [2.72304753250 1 1; 1 2.72304753250
 *     4.40520658001]; U = G2 / sqrt(V) = [1.21199934331 1 -1; 1 -1.21199934331
 *     0.47644948338]; RMS(U) = 1.01364761518.
 *     W2 = W1 - 0.1 * 0.48562674281 * U / 1.01364761518
 *        = [0.89193452591 0.00209116704 -0.50209116704; 0.00209116704 0.50806547409
 *           0.02717386128].
 */
#define AR 2
#define AC 3
#define AN (AR * AC)

static const float AF_W0[AN] = {1, 0, -0.5f, 0, 0.5f, 0};
static const float AF_G[2][AN] = {{1, -1, 1, -1, 1, -3}, {2, 1, -1, 1, -2, 1}};
static const double AF_LR = 0.1;

/* The hand results above: [factored][step][i]. */
static void af_hand(double out[2][2][AN]) {
    static const double q[AN] = {165, 165, 33, 45, 45, 81};
    static const double step2[2][AN] = {
        {0.89193452591, 0.00209116704, -0.50209116704, 0.00209116704, 0.50806547409, 0.02717386128},
        {0.85375827045, 0.02899852999, -0.49801144624, 0.00576283177, 0.52402774620, 0.02297571467},
    };
    for (int i = 0; i < AN; i++) {
        const double sign = AF_G[0][i] > 0 ? 1 : -1;
        out[0][0][i] = AF_W0[i] - 0.05 * sign;
        out[1][0][i] = AF_W0[i] - 0.05 * sign * sqrt(q[i] / 89);
        out[0][1][i] = step2[0][i];
        out[1][1][i] = step2[1][i];
    }
}

/* Reference Adafactor in double, written from the formulas in harness/optim/adafactor.c's
 * header with 2-D indexing: w[2 steps][AN] after steps 1 and 2. */
static void af_reference(int factored, double beta1, double wd, double out[2][AN]) {
    double w[AR][AC], v[AR][AC] = {{0}}, r[AR] = {0}, c[AC] = {0}, m[AR][AC] = {{0}};
    for (int i = 0; i < AR; i++)
        for (int j = 0; j < AC; j++) w[i][j] = AF_W0[i * AC + j];
    for (int t = 1; t <= 2; t++) {
        double g[AR][AC], u[AR][AC], ww = 0, uu = 0;
        for (int i = 0; i < AR; i++)
            for (int j = 0; j < AC; j++) g[i][j] = AF_G[t - 1][i * AC + j], ww += w[i][j] * w[i][j];
        const double lr = AF_LR * fmax(1e-3, sqrt(ww / AN)), b2 = 1 - pow(t, -0.8);
        if (factored) {
            for (int i = 0; i < AR; i++) {
                double q = 0;
                for (int j = 0; j < AC; j++) q += (g[i][j] * g[i][j] + 1e-30) / AC;
                r[i] = b2 * r[i] + (1 - b2) * q;
            }
            for (int j = 0; j < AC; j++) {
                double q = 0;
                for (int i = 0; i < AR; i++) q += (g[i][j] * g[i][j] + 1e-30) / AR;
                c[j] = b2 * c[j] + (1 - b2) * q;
            }
            const double rmean = (r[0] + r[1]) / AR;
            for (int i = 0; i < AR; i++)
                for (int j = 0; j < AC; j++) u[i][j] = g[i][j] / sqrt(r[i] * c[j] / rmean);
        } else {
            for (int i = 0; i < AR; i++)
                for (int j = 0; j < AC; j++) {
                    v[i][j] = b2 * v[i][j] + (1 - b2) * (g[i][j] * g[i][j] + 1e-30);
                    u[i][j] = g[i][j] / sqrt(v[i][j]);
                }
        }
        for (int i = 0; i < AR; i++)
            for (int j = 0; j < AC; j++) uu += u[i][j] * u[i][j];
        const double clip = fmax(1, sqrt(uu / AN));
        for (int i = 0; i < AR; i++)
            for (int j = 0; j < AC; j++) {
                double d = lr * u[i][j] / clip;
                if (beta1 > 0) d = m[i][j] = beta1 * m[i][j] + (1 - beta1) * d;
                w[i][j] = w[i][j] - wd * lr * w[i][j] - d;
                out[t - 1][i * AC + j] = w[i][j];
            }
    }
}

/* Runs lrlab's adafactor for two steps on one group of the given shape; elem: pass the
 * lr as a per-element lr. */
static void af_run(const TaskGroup *grp, const char *beta1, const char *wd, int elem,
                   double out[2][AN]) {
    const OptimDef *d = optim_find("adafactor");
    CHECK(d != NULL);
    if (!d) return;
    float w[AN], g[AN], dir[AN], w_old[AN], elem_lr[AN];
    memcpy(w, AF_W0, sizeof w);
    for (int i = 0; i < AN; i++) elem_lr[i] = (float)AF_LR;
    Task t = {.n = AN, .w = w, .g = g, .ngroups = 1, .groups = (TaskGroup *)grp};
    Params p;
    Err e;
    Optim o;
    params_init(&p, d->params);
    CHECK(params_set_text(&p, "beta1", beta1, "test", &e) == 0);
    CHECK(params_set_text(&p, "weight_decay", wd, "test", &e) == 0);
    CHECK(optim_create(&o, d, &p, &t, &e) == 0);
    for (int step = 1; step <= 2; step++) {
        memcpy(g, AF_G[step - 1], sizeof g);
        memcpy(w_old, w, sizeof w);
        d->step(o.st, step, grp, w, g, AF_LR, elem ? elem_lr : NULL, dir);
        for (int i = 0; i < AN; i++) {
            CHECK_NEAR(w_old[i] - (elem ? (double)elem_lr[i] : AF_LR) * dir[i], w[i], TOL);
            out[step - 1][i] = w[i];
        }
    }
    optim_destroy(&o);
    params_free(&p);
}

static void adafactor(void) {
    const TaskGroup mat = {"m", 0, AN, AR, AC}, vec = {"v", 0, AN, AN, 1};
    double hand[2][2][AN], ref[2][AN], got[2][2][AN];
    af_hand(hand);
    for (int f = 0; f < 2; f++) {
        /* the reference reproduces the hand derivation */
        af_reference(f, 0, 0, ref);
        for (int s = 0; s < 2; s++)
            for (int i = 0; i < AN; i++) CHECK_NEAR(ref[s][i], hand[f][s][i], 1e-10);
        /* lrlab's adafactor reproduces both */
        double elem[2][AN];
        af_run(f ? &mat : &vec, "0", "0", 0, got[f]);
        af_run(f ? &mat : &vec, "0", "0", 1, elem);
        for (int s = 0; s < 2; s++)
            for (int i = 0; i < AN; i++) {
                CHECK_NEAR(got[f][s][i], hand[f][s][i], TOL);
                CHECK_NEAR(elem[s][i], hand[f][s][i], TOL);
            }
        /* first moment and weight decay, against the reference only */
        double ref2[2][AN], got2[2][AN];
        af_reference(f, 0.9, 0.1, ref2);
        af_run(f ? &mat : &vec, "0.9", "0.1", 0, got2);
        for (int s = 0; s < 2; s++)
            for (int i = 0; i < AN; i++) CHECK_NEAR(got2[s][i], ref2[s][i], TOL);
    }
    /* the two branches really differ on this G (G1^2 is not rank one) */
    CHECK(fabs(got[1][0][0] - got[0][0][0]) > 0.01);
}

int main(int argc, char **argv) {
    golden(argc > 1 ? argv[1] : "tests/golden/optimizers.csv");
    adafactor();
    return check_report();
}
