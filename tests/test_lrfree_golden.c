/* test_lrfree_golden.c - Prodigy and D-Adaptation Adam against tests/golden/lrfree.csv.
 *
 * Usage: test_lrfree_golden [tests/golden/lrfree.csv]
 *
 * The fixture comes from scripts/golden/gen_lrfree_golden.py, numpy references written from
 * the papers and the reference implementations' `step` (konstmish/prodigy 1.1.2,
 * facebookresearch/dadaptation 3.2); the script documents the problem: two parameter groups
 * in one optimizer ("W" [2, 3], "b" [4]), 10 float32 weights, 50 steps of a noisy quadratic
 * with exact zeros in the gradient, the scheduler's rate of each step in `lr` (constant,
 * cosine, cosine down to exactly 0, warmup then cosine; float32 values). `params` holds the
 * keys that differ from the references' defaults, so lrlab's defaults are checked too.
 *
 * Each case runs twice, with the step's lr per group and with a per-element lr equal to it,
 * and the weights and d after every step are compared. On every step the direction written
 * to dir must satisfy w_new = w - lr * dir. Also checked: different rates per group give the
 * same weights through group rates and through per-element rates; a group at rate 0 beside a
 * non-zero one (lrlab's reading of the references' rate-0 groups, see the optimizers'
 * headers); and the parameter ranges that refuse what the references refuse.
 *
 * Tolerance. The references keep weights and state in float32 and compute each element in
 * double in the order the C code does, with sums taken element by element in the same
 * order; the group-rate run should then be bit-exact. The per-element run multiplies each
 * term of the d estimate's sums by its rate instead of the sum by the rate (about 1e-16
 * relative), which can move a stored float32 by one unit in the last place, and such a unit
 * moves later steps by about as much. Allowed: weights |got - want| <= TOL * max(|want|,
 * 1e-2), TOL = 8 float32 units (9.5e-7), the floor for weights near 0 (their error is that of
 * the step, steps being 1e-6..0.3); d relative D_TOL = 1e-6. The summary line this test
 * prints counts the bit-exact values. The smallest change a mistake makes is far larger:
 * d enters every step as a factor and moves by orders of magnitude over the 50 steps.
 */
#include "check.h"
#include "harness/base/csvio.h"
#include "harness/optim/lrfree.h"

#include <stdlib.h>
#include <string.h>

#define N 10
#define NSTEPS 50
#define NCASES 23 /* scripts/golden/gen_lrfree_golden.py: 13 prodigy + 10 dadapt_adam cases */
#define TOL (8.0 / 8388608.0)
#define D_TOL 1e-6
#define DIR_TOL 1e-6

static const double W0[N] = {0.5, -1.25, 2.0, 0.0, -0.3, 1.7, -2.2, 0.9, 0.35, -0.8};
static const TaskGroup GROUPS[2] = {{"W", 0, 6, 2, 3}, {"b", 6, 4, 4, 1}};

/* g_i(t) = 0 if (i + 2t) % 7 == 0, else (float)(a_i w_i - b_i + 0.1 cos(t + i)) */
static void gradient(const float *w, int t, float *g) {
    for (int i = 0; i < N; i++) {
        const double a = 0.5 + 0.25 * (i % 4), b = 0.1 * ((7 * i) % 5 - 2);
        g[i] = (i + 2 * t) % 7 == 0 ? 0.0f
                                    : (float)(a * (double)w[i] - b + 0.1 * cos((double)(t + i)));
    }
}

typedef struct Case {
    const char *optim, *name, *params; /* borrowed from the CsvTable */
    double lr[NSTEPS], d[NSTEPS];
    double want[NSTEPS][N];
    int have[NSTEPS];
} Case;

static double max_rel, max_drel;
/* [0]: the group-rate runs, [1]: the per-element-rate runs */
static int nvalues[2], nexact[2], nd[2], nd_exact[2];

static double d_of(const Optim *o) {
    return strcmp(o->def->name, "prodigy") == 0 ? optim_prodigy_d(o) : optim_dadapt_adam_d(o);
}

static int setup(const Case *c, Params *p) {
    const OptimDef *d = optim_find(c->optim);
    if (!d) {
        fprintf(stderr, "%s: unknown optimizer \"%s\"\n", c->name, c->optim);
        return -1;
    }
    params_init(p, d->params);
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
        if (params_set_text(p, kv, eq + 1, c->name, &e) != 0) {
            fprintf(stderr, "%s\n", e.msg);
            return -1;
        }
    }
    if (params_check_required(p, c->name, c->optim, &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        return -1;
    }
    return 0;
}

/* run: the problem's steps with per-step rates glr[step][group]; out[s], d[s] = w and d
 * after step s + 1. elem: pass the rates as per-element rates. Returns -1 if creation fails. */
static int run(const OptimDef *def, const Params *p, const double (*glr)[2], int elem,
               float out[NSTEPS][N], double d[NSTEPS]) {
    float w[N], g[N], dir[N], w_old[N], elem_lr[N];
    for (int i = 0; i < N; i++) w[i] = (float)W0[i];
    Task t = {.n = N, .w = w, .g = g, .ngroups = 2, .groups = (TaskGroup *)GROUPS};
    Optim o;
    Err e;
    if (optim_create(&o, def, p, &t, &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        return -1;
    }
    for (int step = 1; step <= NSTEPS; step++) {
        for (int k = 0; k < 2; k++)
            for (size_t i = GROUPS[k].off; i < GROUPS[k].off + GROUPS[k].n; i++)
                elem_lr[i] = (float)glr[step - 1][k];
        gradient(w, step, g);
        memcpy(w_old, w, sizeof w);
        for (int k = 0; k < 2; k++) {
            const TaskGroup *grp = &GROUPS[k];
            def->step(o.st, step, grp, w + grp->off, g + grp->off, glr[step - 1][k],
                      elem ? elem_lr + grp->off : NULL, dir + grp->off);
        }
        for (int i = 0; i < N; i++) /* at rate 0, D-Adaptation Adam's dir is a sensitivity */
            if (elem_lr[i] > 0) CHECK_NEAR(w_old[i] - (double)elem_lr[i] * dir[i], w[i], DIR_TOL);
        memcpy(out[step - 1], w, sizeof w);
        d[step - 1] = d_of(&o);
    }
    optim_destroy(&o);
    return 0;
}

static int compare(const Case *c, int elem, float got[NSTEPS][N], const double *d) {
    const char *how = elem ? "elem_lr" : "group lr";
    int bad = 0;
    for (int s = 0; s < NSTEPS; s++) {
        const double drel = fabs(d[s] - c->d[s]) / c->d[s];
        const int dok = drel <= D_TOL;
        CHECK(dok);
        if (!dok && bad++ < 5)
            fprintf(stderr, "%s %s (%s): step %d d = %.17g, expected %.17g\n", c->optim, c->name,
                    how, s + 1, d[s], c->d[s]);
        if (isnan(drel) || drel > max_drel) max_drel = isnan(drel) ? INFINITY : drel;
        nd[elem]++;
        nd_exact[elem] += d[s] == c->d[s];
        for (int i = 0; i < N; i++) {
            const double want = c->want[s][i], err = fabs(got[s][i] - want);
            const double rel = err / fmax(fabs(want), 1e-2);
            const int ok = rel <= TOL;
            CHECK(ok);
            if (!ok && bad++ < 5)
                fprintf(stderr, "%s %s (%s): step %d w[%d] = %.9g, expected %.9g (error %.3g)\n",
                        c->optim, c->name, how, s + 1, i, got[s][i], want, err);
            if (isnan(rel)) max_rel = INFINITY;
            else if (rel > max_rel) max_rel = rel;
            nvalues[elem]++;
            nexact[elem] += (float)want == got[s][i];
        }
    }
    return bad;
}

static int run_case(const Case *c) {
    Params p;
    int ok = setup(c, &p) == 0;
    CHECK(ok);
    double glr[NSTEPS][2], dg[NSTEPS], de[NSTEPS];
    for (int s = 0; s < NSTEPS; s++) glr[s][0] = glr[s][1] = c->lr[s];
    float wg[NSTEPS][N], we[NSTEPS][N];
    const OptimDef *def = optim_find(c->optim);
    if (ok)
        ok = run(def, &p, (const double(*)[2])glr, 0, wg, dg) == 0 &&
             run(def, &p, (const double(*)[2])glr, 1, we, de) == 0;
    CHECK(ok);
    if (ok) ok = compare(c, 0, wg, dg) + compare(c, 1, we, de) == 0;
    params_free(&p);
    return ok;
}

/* Rates that differ per group (which the references refuse): the group-rate and the
 * per-element-rate paths agree, and a group at rate 0 beside a non-zero one does not move
 * under Prodigy (its dlr is 0) and moves by its first moment under D-Adaptation Adam. */
static void group_rates(const char *name) {
    const OptimDef *def = optim_find(name);
    Params p;
    params_init(&p, def->params);
    double glr[NSTEPS][2];
    for (int s = 0; s < NSTEPS; s++) {
        glr[s][0] = 1.0;
        glr[s][1] = s < 20 ? 0.5 : s < 30 ? 0.0 : 0.25;
    }
    float wg[NSTEPS][N], we[NSTEPS][N];
    double dg[NSTEPS], de[NSTEPS];
    CHECK(run(def, &p, (const double(*)[2])glr, 0, wg, dg) == 0);
    CHECK(run(def, &p, (const double(*)[2])glr, 1, we, de) == 0);
    for (int s = 0; s < NSTEPS; s++) {
        CHECK(fabs(dg[s] - de[s]) <= D_TOL * dg[s]);
        for (int i = 0; i < N; i++)
            CHECK(fabs(wg[s][i] - we[s][i]) <= TOL * fmax(fabs(wg[s][i]), 1e-2));
    }
    const int prodigy = strcmp(name, "prodigy") == 0;
    int moved = 0;
    for (int s = 20; s < 30; s++)
        for (size_t i = GROUPS[1].off; i < GROUPS[1].off + GROUPS[1].n; i++)
            moved += wg[s][i] != wg[s - 1][i];
    if (prodigy) CHECK(moved == 0);
    else CHECK(moved > 0);
    CHECK(dg[49] > 1e3 * dg[0]); /* d still adapts */
    params_free(&p);
}

/* What the references' constructors refuse (and growth_rate <= 1, which would freeze d)
 * the parameter tables refuse. */
static void ranges(void) {
    static const char *const bad[][3] = {
        {"prodigy", "d0", "0"},
        {"prodigy", "beta1", "1"},
        {"prodigy", "beta2", "-0.1"},
        {"prodigy", "beta3", "1.5"},
        {"prodigy", "eps", "0"},
        {"prodigy", "growth_rate", "1"},
        {"prodigy", "d_coef", "0"},
        {"prodigy", "slice_p", "0"},
        {"dadapt_adam", "d0", "-1e-6"},
        {"dadapt_adam", "beta1", "1"},
        {"dadapt_adam", "beta2", "1"},
        {"dadapt_adam", "eps", "0"},
        {"dadapt_adam", "growth_rate", "0.5"},
        {"dadapt_adam", "weight_decay", "-1"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        Params p;
        Err e;
        params_init(&p, optim_find(bad[k][0])->params);
        CHECK(params_set_text(&p, bad[k][1], bad[k][2], "test", &e) != 0 && e.code == EXIT_USAGE);
        params_free(&p);
    }
}

int main(int argc, char **argv) {
    ranges();
    group_rates("prodigy");
    group_rates("dadapt_adam");
    const char *path = argc > 1 ? argv[1] : "tests/golden/lrfree.csv";
    static const char *const cols[] = {"optimizer", "case", "params", "step", "lr", "d",
                                       "w0",        "w1",   "w2",     "w3",   "w4", "w5",
                                       "w6",        "w7",   "w8",     "w9",   NULL};
    CsvTable tab;
    Err e;
    if (csvio_read(path, cols, &tab, &e) != 0) {
        err_print(&e);
        return 1;
    }
    CHECK(tab.nrows == NCASES * NSTEPS);
    Case *cases = xcalloc((size_t)tab.nrows + 1, sizeof(Case));
    int ncases = 0;
    for (int r = 0; r < tab.nrows; r++) {
        const char *optim = csvio_at(&tab, r, 0), *name = csvio_at(&tab, r, 1);
        Case *c = NULL;
        for (int k = 0; k < ncases && !c; k++)
            if (strcmp(cases[k].optim, optim) == 0 && strcmp(cases[k].name, name) == 0)
                c = &cases[k];
        if (!c) {
            c = &cases[ncases++];
            c->optim = optim;
            c->name = name;
            c->params = csvio_at(&tab, r, 2);
        }
        CHECK(strcmp(c->params, csvio_at(&tab, r, 2)) == 0);
        double step, lr, d, w[N];
        int parsed = csvio_parse_num(csvio_at(&tab, r, 3), &step) == 0 &&
                     csvio_parse_num(csvio_at(&tab, r, 4), &lr) == 0 &&
                     csvio_parse_num(csvio_at(&tab, r, 5), &d) == 0 && step >= 1 &&
                     step <= NSTEPS && step == floor(step) && lr >= 0 && (double)(float)lr == lr &&
                     d > 0 && isfinite(d);
        for (int i = 0; i < N && parsed; i++)
            parsed = csvio_parse_num(csvio_at(&tab, r, 6 + i), &w[i]) == 0 && isfinite(w[i]);
        CHECK(parsed);
        if (!parsed) {
            fprintf(stderr, "%s: data row %d: bad step, lr, d or w\n", path, r + 1);
            continue;
        }
        const int s = (int)step - 1;
        CHECK(!c->have[s]);
        c->have[s] = 1;
        c->lr[s] = lr;
        c->d[s] = d;
        memcpy(c->want[s], w, sizeof w);
    }
    CHECK(ncases == NCASES);
    int matched = 0;
    for (int k = 0; k < ncases; k++) {
        int complete = 1;
        for (int s = 0; s < NSTEPS; s++) complete &= cases[k].have[s];
        CHECK(complete);
        if (!complete) fprintf(stderr, "%s %s: missing rows\n", cases[k].optim, cases[k].name);
        else matched += run_case(&cases[k]);
    }
    CHECK(matched == NCASES);
    fprintf(stderr,
            "lrfree golden: %d of %d cases matched (%d expected); weights: max |got - want| / "
            "max(|want|, 1e-2) = %.3g (tolerance %.3g); d: max relative error %.3g (tolerance "
            "%.3g); bit-exact with group rates %d of %d weights, %d of %d d, with per-element "
            "rates %d of %d weights, %d of %d d\n",
            matched, ncases, NCASES, max_rel, TOL, max_drel, D_TOL, nexact[0], nvalues[0],
            nd_exact[0], nd[0], nexact[1], nvalues[1], nd_exact[1], nd[1]);
    free(cases);
    csvio_free(&tab);
    return check_report();
}
