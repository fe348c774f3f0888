/* test_adafactor_golden.c - Adafactor against tests/golden/adafactor.csv.
 *
 * Usage: test_adafactor_golden [tests/golden/adafactor.csv]
 *
 * The fixture comes from scripts/golden/gen_adafactor_golden.py, a numpy reference written
 * from Shazeer & Stern 2018 (Algorithms 4 and 5, update clipping, relative step and
 * parameter scale) and Hugging Face transformers' Adafactor (`_get_lr`, `step`); the script
 * and scripts/golden/README.md describe the problem: three groups in one optimizer (a
 * factored [3, 4] matrix, a [5] vector, a [1, 6] row that transformers factors and lrlab
 * does not), 23 float32 weights, 5 steps with gradients that depend on the weights and
 * contain exact zeros, the optimizer's step count of each step in the `t` column (1..5, or
 * 9998..10002 where rho_t's 1/sqrt(t) term takes over) and the scheduler's rate in `lr`.
 *
 * Each case runs twice, with the step's lr and with a per-element lr equal to it (the
 * fixture's rates are dyadic, so (float)lr == lr), and every weight after every step is
 * compared. On every step the direction written to dir must satisfy w_new = w - lr * dir.
 *
 * Tolerance. The reference keeps weights and state in float32 and computes each step in
 * double, as harness/optim/adafactor.c does; the two differ only in the order of double additions
 * (~1e-16 relative), which can move a stored float32 (w, R, C, V, M) by one unit in the last
 * place (2^-23 = 1.2e-7 relative at most), and such a unit moves later steps by about as
 * much. Allowed: |got - want| <= TOL * max(|want|, 1e-2), TOL = 8 float32 units (9.5e-7);
 * the floor 1e-2 covers weights near 0, whose error is that of the step (steps are
 * 1e-6..0.1, errors relative to the step). Observed with GCC on x86-64: every weight
 * bit-exact (the summary line this test prints counts them).
 * The smallest visible change a mistake makes is far larger: a wrong rho, scale or clip
 * factor changes a step by a factor, and steps are at least ~1e-3 in every case but
 * relative_warmup_hf (~1e-6 steps, transformers' exact warmup_init setting).
 */
#include "check.h"
#include "harness/base/csvio.h"
#include "harness/optim/optim.h"

#include <stdlib.h>
#include <string.h>

#define N 23
#define NSTEPS 5
#define NCASES 17 /* scripts/golden/README.md: 17 cases x 5 steps x 23 weights */
#define TOL (8.0 / 8388608.0)
#define DIR_TOL 1e-6

static const double W0[N] = {0.5, -1.25, 2.0,  0.0, -0.3, 1.7, -2.2, 0.9,  0.35, -0.8, 1.1, -0.05,
                             0.6, -1.5,  0.25, 1.9, -0.7, 0.4, 1.2,  -0.9, 0.15, -1.8, 0.75};
static const TaskGroup GROUPS[3] = {
    {"mat", 0, 12, 3, 4}, {"vec", 12, 5, 5, 1}, {"row", 17, 6, 1, 6}};

/* g_i(t) = 0 if (i + 2t) % 7 == 0, else (float)(a_i w_i - b_i + 0.1 cos(t + i)) */
static void gradient(const float *w, int t, float *g) {
    for (int i = 0; i < N; i++) {
        const double a = 0.5 + 0.25 * (i % 4), b = 0.1 * ((7 * i) % 5 - 2);
        g[i] = (i + 2 * t) % 7 == 0 ? 0.0f
                                    : (float)(a * (double)w[i] - b + 0.1 * cos((double)(t + i)));
    }
}

typedef struct Case {
    const char *name, *params; /* borrowed from the CsvTable */
    double lr[NSTEPS];
    int64_t t[NSTEPS]; /* the optimizer's step count at each step */
    double want[NSTEPS][N];
    int have[NSTEPS][N];
} Case;

static double max_rel;
static int nvalues, nexact;

static int setup(const Case *c, Params *p) {
    params_init(p, optim_find("adafactor")->params);
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
    if (params_check_required(p, c->name, "adafactor", &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        return -1;
    }
    return 0;
}

/* run: the case's 5 steps; out[s] = w after step s + 1. Returns -1 if creation fails. */
static int run(const Case *c, const Params *p, int elem, float out[NSTEPS][N]) {
    const OptimDef *d = optim_find("adafactor");
    float w[N], g[N], dir[N], w_old[N], elem_lr[N];
    for (int i = 0; i < N; i++) w[i] = (float)W0[i];
    Task t = {.n = N, .w = w, .g = g, .ngroups = 3, .groups = (TaskGroup *)GROUPS};
    Optim o;
    Err e;
    if (optim_create(&o, d, p, &t, &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        return -1;
    }
    for (int step = 1; step <= NSTEPS; step++) {
        const double lr = c->lr[step - 1];
        for (int i = 0; i < N; i++) elem_lr[i] = (float)lr;
        gradient(w, step, g);
        memcpy(w_old, w, sizeof w);
        for (int k = 0; k < 3; k++) {
            const TaskGroup *grp = &GROUPS[k];
            d->step(o.st, c->t[step - 1], grp, w + grp->off, g + grp->off, lr,
                    elem ? elem_lr + grp->off : NULL, dir + grp->off);
        }
        for (int i = 0; i < N; i++) CHECK_NEAR(w_old[i] - lr * dir[i], w[i], DIR_TOL);
        memcpy(out[step - 1], w, sizeof w);
    }
    optim_destroy(&o);
    return 0;
}

static int compare(const Case *c, const char *how, float got[NSTEPS][N]) {
    int bad = 0;
    for (int s = 0; s < NSTEPS; s++)
        for (int i = 0; i < N; i++) {
            const double want = c->want[s][i], err = fabs(got[s][i] - want);
            const double rel = err / fmax(fabs(want), 1e-2);
            const int ok = rel <= TOL;
            CHECK(ok);
            if (!ok && bad++ < 5)
                fprintf(stderr, "%s (%s): step %d w[%d] = %.9g, expected %.9g (error %.3g)\n",
                        c->name, how, s + 1, i, got[s][i], want, err);
            if (isnan(rel)) max_rel = INFINITY;
            else if (rel > max_rel) max_rel = rel;
            nvalues++;
            nexact += (float)want == got[s][i];
        }
    return bad;
}

static int run_case(const Case *c) {
    Params p;
    int ok = setup(c, &p) == 0;
    CHECK(ok);
    float wg[NSTEPS][N], we[NSTEPS][N];
    if (ok) ok = run(c, &p, 0, wg) == 0 && run(c, &p, 1, we) == 0;
    CHECK(ok);
    if (ok) ok = compare(c, "group lr", wg) + compare(c, "elem_lr", we) == 0;
    params_free(&p);
    return ok;
}

/* warmup_init without relative_step is refused (transformers raises): by the parameter
 * check that follows a component's configuration, and by the optimizer itself. */
static void refusal(void) {
    const OptimDef *d = optim_find("adafactor");
    Params p;
    Err e;
    params_init(&p, d->params);
    CHECK(params_set_text(&p, "warmup_init", "true", "test", &e) == 0);
    CHECK(params_check_required(&p, "cfg.lua:3", "optimizer \"adafactor\"", &e) != 0);
    CHECK(e.code == EXIT_USAGE &&
          strcmp(e.msg, "cfg.lua:3: optimizer \"adafactor\": warmup_init: needs relative_step "
                        "(expected relative_step = true when warmup_init = true, got "
                        "relative_step = false)") == 0);
    float w[1] = {0}, g[1] = {0};
    const TaskGroup grp = {"w", 0, 1, 1, 1};
    Task t = {.n = 1, .w = w, .g = g, .ngroups = 1, .groups = (TaskGroup *)&grp};
    Optim o;
    CHECK(optim_create(&o, d, &p, &t, &e) != 0 && e.code == EXIT_USAGE);
    CHECK(params_set_text(&p, "relative_step", "true", "test", &e) == 0);
    CHECK(params_check_required(&p, "cfg.lua:3", "optimizer \"adafactor\"", &e) == 0);
    CHECK(optim_create(&o, d, &p, &t, &e) == 0);
    optim_destroy(&o);
    params_free(&p);
}

int main(int argc, char **argv) {
    refusal();
    const char *path = argc > 1 ? argv[1] : "tests/golden/adafactor.csv";
    static const char *const cols[] = {"case", "params", "step", "t", "lr", "index", "w", NULL};
    CsvTable tab;
    Err e;
    if (csvio_read(path, cols, &tab, &e) != 0) {
        err_print(&e);
        return 1;
    }
    CHECK(tab.nrows == NCASES * NSTEPS * N);
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
            c->params = csvio_at(&tab, r, 1);
            for (int s = 0; s < NSTEPS; s++) c->lr[s] = NAN;
        }
        CHECK(strcmp(c->params, csvio_at(&tab, r, 1)) == 0);
        double step, t, lr, index, w;
        const int parsed = csvio_parse_num(csvio_at(&tab, r, 2), &step) == 0 &&
                           csvio_parse_num(csvio_at(&tab, r, 3), &t) == 0 &&
                           csvio_parse_num(csvio_at(&tab, r, 4), &lr) == 0 &&
                           csvio_parse_num(csvio_at(&tab, r, 5), &index) == 0 &&
                           csvio_parse_num(csvio_at(&tab, r, 6), &w) == 0 && step >= 1 &&
                           step <= NSTEPS && step == floor(step) && t >= step && t <= 1e9 &&
                           t == floor(t) && lr > 0 && (double)(float)lr == lr && index >= 0 &&
                           index < N && index == floor(index) && isfinite(w);
        CHECK(parsed);
        if (!parsed) {
            fprintf(stderr, "%s: data row %d: bad step, t, lr, index or w\n", path, r + 1);
            continue;
        }
        const int s = (int)step - 1, i = (int)index;
        CHECK(isnan(c->lr[s]) || (c->lr[s] == lr && c->t[s] == (int64_t)t));
        c->lr[s] = lr;
        c->t[s] = (int64_t)t;
        CHECK(!c->have[s][i]);
        c->have[s][i] = 1;
        c->want[s][i] = w;
    }
    CHECK(ncases == NCASES);
    int matched = 0;
    for (int k = 0; k < ncases; k++) {
        int complete = 1;
        for (int s = 0; s < NSTEPS; s++)
            for (int i = 0; i < N; i++) complete &= cases[k].have[s][i];
        CHECK(complete);
        if (!complete) fprintf(stderr, "%s: missing rows\n", cases[k].name);
        else matched += run_case(&cases[k]);
    }
    CHECK(matched == NCASES);
    fprintf(stderr,
            "adafactor golden: %d of %d cases matched (%d expected); max |got - want| / "
            "max(|want|, 1e-2) = %.3g (tolerance %.3g); %d of %d weights bit-exact\n",
            matched, ncases, NCASES, max_rel, TOL, nexact, nvalues);
    free(cases);
    csvio_free(&tab);
    return check_report();
}
