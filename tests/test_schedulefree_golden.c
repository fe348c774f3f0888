/* test_schedulefree_golden.c - schedule-free SGD and AdamW (harness/optim/schedulefree.c)
 * against tests/golden/schedulefree.csv, and their evaluation at the average x.
 *
 * Usage: test_schedulefree_golden [tests/golden/schedulefree.csv]
 *
 * Golden part. The fixture comes from scripts/golden/gen_schedulefree_golden.py, a numpy
 * reference written from Defazio et al. 2024 (Algorithm 1) and the step code of the package
 * facebookresearch/schedule_free 1.4.1, checked there against the package's in-place
 * formulation; the script and scripts/golden/README.md describe the problem: two groups in
 * one optimizer (4 and 3 float32 weights, group b at half group a's rate), 50 steps with
 * gradients at the training point y that contain exact zeros, 17 cases (defaults, warmup,
 * weight decay, r, weight_lr_power, a scheduled rate starting at 0, momentum or beta1 0).
 * Each case runs twice, with the groups' rates and with a per-element rate equal to them
 * ((float)lr; bit-identical to the first run where the rates are dyadic), and after every
 * step y (the task's parameters) and x (what eval_point puts in) are compared; leaving the
 * evaluation point must give y back bit for bit, and the direction written to dir must
 * satisfy y_new = y_old - lr * dir. Before the first step the evaluation point is y itself.
 *
 * Tolerance. The reference keeps weights and state in float32 and computes each step in
 * double, as harness/optim/schedulefree.c does; the two differ only in how the weight c_t of the
 * average is formed (the reference sums the weights, lrlab keeps their ratio to the last
 * one: ~1e-16 relative), which can move a stored float32 (z, x, y) by one unit in the last
 * place (2^-23 relative at most), and such a unit moves later steps by about as much.
 * Allowed: |got - want| <= TOL * max(|want|, 1e-2), TOL = 8 float32 units (9.5e-7); the
 * floor 1e-2 covers weights near 0. A wrong c_t, warmup or weighting moves x by 1e-3 or
 * more within the 50 steps; the summary line counts the bit-exact values.
 *
 * Other parts: refused parameters (one message each, exit code 2); a per-element rate is a
 * group of its own (bit-identical to one-element groups); a task's projection keeps z, x and
 * y feasible; and through harness/engine/train.c, on stochastic NMF (projected) with sgd_sf and on
 * a noisy quadratic with adamw_sf: every recorded evaluation is the task's evaluation at x,
 * not at y, and evaluating does not change the training (the final evaluation is the same
 * with eval_every 1 as with one evaluation).
 */
#include "check.h"
#include "harness/base/csvio.h"
#include "harness/engine/train.h"
#include "harness/lua/config.h"
#include "harness/optim/optim.h"

#include <stdlib.h>
#include <string.h>

#define N 7
#define NSTEPS 50
#define NCASES 17 /* scripts/golden/README.md: 17 cases x 50 steps x 7 weights */
#define TOL (8.0 / 8388608.0)
#define DIR_TOL 1e-6

static const double W0[N] = {0.5, -1.25, 2.0, 0.0, -0.3, 1.7, -0.9};
static const TaskGroup GROUPS[2] = {{"a", 0, 4, 2, 2}, {"b", 4, 3, 3, 1}};

/* g_i(t) = 0 if (i + 2t) % 7 == 0, else (float)(a_i y_i - b_i + 0.1 cos(t + i)) */
static void gradient(const float *y, int t, float *g) {
    for (int i = 0; i < N; i++) {
        const double a = 0.5 + 0.25 * (i % 4), b = 0.1 * ((7 * i) % 5 - 2);
        g[i] = (i + 2 * t) % 7 == 0 ? 0.0f
                                    : (float)(a * (double)y[i] - b + 0.1 * cos((double)(t + i)));
    }
}

typedef struct Case {
    const char *name, *optim, *params; /* borrowed from the CsvTable */
    double lr[NSTEPS][2];              /* each group's rate */
    double want_y[NSTEPS][N], want_x[NSTEPS][N];
    int have[NSTEPS][N];
} Case;

static double max_rel;
static int nvalues, nexact;

/* Sets "k=v;k=v" on p (the optimizer's defaults); 0 or -1 after a message. */
static int set_params(Params *p, const char *kv_text, const char *who) {
    char text[512];
    snprintf(text, sizeof text, "%s", kv_text);
    Err e;
    for (char *save = NULL, *kv = strtok_r(text, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq) {
            fprintf(stderr, "%s: params: \"%s\" is not key=value\n", who, kv);
            return -1;
        }
        *eq = '\0';
        if (params_set_text(p, kv, eq + 1, who, &e) != 0) {
            fprintf(stderr, "%s\n", e.msg);
            return -1;
        }
    }
    return 0;
}

/* run: the case's 50 steps; y[s], x[s] after step s + 1. Returns -1 if creation fails. */
static int run(const Case *c, int elem, float y[NSTEPS][N], float x[NSTEPS][N]) {
    const OptimDef *d = optim_find(c->optim);
    Params p;
    params_init(&p, d->params);
    if (set_params(&p, c->params, c->name) != 0) {
        params_free(&p);
        return -1;
    }
    float w[N], g[N], dir[N], w_old[N], elem_lr[N];
    for (int i = 0; i < N; i++) w[i] = (float)W0[i];
    Task t = {.n = N, .w = w, .g = g, .ngroups = 2, .groups = (TaskGroup *)GROUPS};
    Optim o;
    Err e;
    int rc = optim_create(&o, d, &p, &t, &e);
    params_free(&p);
    if (rc != 0) {
        fprintf(stderr, "%s\n", e.msg);
        return -1;
    }
    d->eval_point(o.st, w, N, 1); /* before any step: x = y */
    for (int i = 0; i < N; i++) CHECK(w[i] == (float)W0[i]);
    d->eval_point(o.st, w, N, 0);
    for (int step = 1; step <= NSTEPS; step++) {
        gradient(w, step, g);
        memcpy(w_old, w, sizeof w);
        for (int k = 0; k < 2; k++) {
            const TaskGroup *grp = &GROUPS[k];
            const double lr = c->lr[step - 1][k];
            for (size_t i = grp->off; i < grp->off + grp->n; i++) elem_lr[i] = (float)lr;
            d->step(o.st, step, grp, w + grp->off, g + grp->off, lr,
                    elem ? elem_lr + grp->off : NULL, dir + grp->off);
        }
        for (int k = 0; k < 2; k++)
            for (size_t i = GROUPS[k].off; i < GROUPS[k].off + GROUPS[k].n; i++) {
                const double lr = elem ? (double)elem_lr[i] : c->lr[step - 1][k];
                CHECK_NEAR(w_old[i] - lr * dir[i], w[i], DIR_TOL);
            }
        memcpy(y[step - 1], w, sizeof w);
        d->eval_point(o.st, w, N, 1);
        memcpy(x[step - 1], w, sizeof w);
        d->eval_point(o.st, w, N, 0);
        CHECK(memcmp(w, y[step - 1], sizeof w) == 0);
    }
    optim_destroy(&o);
    return 0;
}

static int compare(const Case *c, const char *how, const char *what, float got[NSTEPS][N],
                   double want[NSTEPS][N]) {
    int bad = 0;
    for (int s = 0; s < NSTEPS; s++)
        for (int i = 0; i < N; i++) {
            const double err = fabs(got[s][i] - want[s][i]);
            const double rel = err / fmax(fabs(want[s][i]), 1e-2);
            const int ok = rel <= TOL;
            CHECK(ok);
            if (!ok && bad++ < 5)
                fprintf(stderr, "%s (%s): step %d %s[%d] = %.9g, expected %.9g (error %.3g)\n",
                        c->name, how, s + 1, what, i, got[s][i], want[s][i], err);
            if (isnan(rel)) max_rel = INFINITY;
            else if (rel > max_rel) max_rel = rel;
            nvalues++;
            nexact += (float)want[s][i] == got[s][i];
        }
    return bad;
}

static int run_case(Case *c) {
    static float yg[NSTEPS][N], xg[NSTEPS][N], ye[NSTEPS][N], xe[NSTEPS][N];
    int ok = run(c, 0, yg, xg) == 0 && run(c, 1, ye, xe) == 0;
    CHECK(ok);
    if (!ok) return 0;
    int dyadic = 1;
    for (int s = 0; s < NSTEPS; s++)
        for (int k = 0; k < 2; k++) dyadic &= (double)(float)c->lr[s][k] == c->lr[s][k];
    if (dyadic) CHECK(memcmp(yg, ye, sizeof yg) == 0 && memcmp(xg, xe, sizeof xg) == 0);
    const int bad =
        compare(c, "group lr", "y", yg, c->want_y) + compare(c, "group lr", "x", xg, c->want_x) +
        compare(c, "elem_lr", "y", ye, c->want_y) + compare(c, "elem_lr", "x", xe, c->want_x);
    return bad == 0;
}

static int golden(const char *path) {
    static const char *const cols[] = {"case", "optimizer", "params", "step", "index",
                                       "lr",   "y",         "x",      NULL};
    CsvTable tab;
    Err e;
    if (csvio_read(path, cols, &tab, &e) != 0) {
        err_print(&e);
        return 0;
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
            c->optim = csvio_at(&tab, r, 1);
            c->params = csvio_at(&tab, r, 2);
            for (int s = 0; s < NSTEPS; s++) c->lr[s][0] = c->lr[s][1] = NAN;
        }
        CHECK(strcmp(c->optim, csvio_at(&tab, r, 1)) == 0 &&
              strcmp(c->params, csvio_at(&tab, r, 2)) == 0);
        double step, index, lr, y, x;
        const int parsed = csvio_parse_num(csvio_at(&tab, r, 3), &step) == 0 &&
                           csvio_parse_num(csvio_at(&tab, r, 4), &index) == 0 &&
                           csvio_parse_num(csvio_at(&tab, r, 5), &lr) == 0 &&
                           csvio_parse_num(csvio_at(&tab, r, 6), &y) == 0 &&
                           csvio_parse_num(csvio_at(&tab, r, 7), &x) == 0 && step >= 1 &&
                           step <= NSTEPS && step == floor(step) && index >= 0 && index < N &&
                           index == floor(index) && lr >= 0 && isfinite(lr) && isfinite(y) &&
                           isfinite(x) && optim_find(c->optim) != NULL;
        CHECK(parsed);
        if (!parsed) {
            fprintf(stderr, "%s: data row %d: bad optimizer, step, index, lr, y or x\n", path,
                    r + 1);
            continue;
        }
        const int s = (int)step - 1, i = (int)index, k = i < 4 ? 0 : 1;
        CHECK(isnan(c->lr[s][k]) || c->lr[s][k] == lr);
        c->lr[s][k] = lr;
        CHECK(!c->have[s][i]);
        c->have[s][i] = 1;
        c->want_y[s][i] = y;
        c->want_x[s][i] = x;
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
            "schedule-free golden: %d of %d cases matched (%d expected); max |got - want| / "
            "max(|want|, 1e-2) = %.3g (tolerance %.3g); %d of %d values bit-exact\n",
            matched, ncases, NCASES, max_rel, TOL, nexact, nvalues);
    free(cases);
    csvio_free(&tab);
    return matched == NCASES;
}

/* ---- refused parameters: the tables' ranges, one line, exit code 2 ---- */

static void refusals(void) {
    static const struct {
        const char *optim, *key, *value, *msg;
    } bad[] = {
        {"sgd_sf", "momentum", "1",
         "t: momentum: invalid value (expected number in [0, 1), got 1)"},
        {"sgd_sf", "momentum", "-0.1", NULL},
        {"sgd_sf", "warmup_steps", "-1",
         "t: warmup_steps: invalid value (expected integer in [0, 1000000000], got -1)"},
        {"sgd_sf", "weight_lr_power", "-2", NULL},
        {"sgd_sf", "r", "-1", NULL},
        {"sgd_sf", "weight_decay", "-0.5", NULL},
        {"adamw_sf", "beta1", "1", NULL},
        {"adamw_sf", "beta2", "1.5", NULL},
        {"adamw_sf", "beta2", "-0.5", NULL},
        {"adamw_sf", "eps", "0", "t: eps: invalid value (expected number in (0, inf), got 0)"},
        {"adamw_sf", "warmup_steps", "2.5", NULL},
        {"adamw_sf", "weight_lr_power", "-1", NULL},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        Params p;
        Err e;
        params_init(&p, optim_find(bad[k].optim)->params);
        const int rc = params_set_text(&p, bad[k].key, bad[k].value, "t", &e);
        CHECK(rc != 0 && e.code == EXIT_USAGE && !strchr(e.msg, '\n'));
        if (rc == 0)
            fprintf(stderr, "%s: %s = %s was accepted\n", bad[k].optim, bad[k].key, bad[k].value);
        const int msg_ok = rc == 0 || !bad[k].msg || strcmp(e.msg, bad[k].msg) == 0;
        CHECK(msg_ok);
        if (!msg_ok) fprintf(stderr, "%s: got \"%s\"\n", bad[k].optim, e.msg);
        params_free(&p);
    }
    /* the edges that are allowed: momentum and beta1 0 (Polyak-Ruppert averaging) */
    Params p;
    Err e;
    params_init(&p, optim_find("sgd_sf")->params);
    CHECK(params_set_text(&p, "momentum", "0", "t", &e) == 0);
    params_free(&p);
}

/* ---- a per-element rate: each element a group of its own ---- */

static void elem_is_group(void) {
    const OptimDef *d = optim_find("adamw_sf");
    const TaskGroup one = {"w", 0, 2, 2, 1}, two[2] = {{"u", 0, 1, 1, 1}, {"v", 1, 1, 1, 1}};
    float wa[2] = {1.0f, -0.5f}, wb[2] = {1.0f, -0.5f}, ga[2], gb[2];
    Task ta = {.n = 2, .w = wa, .g = ga, .ngroups = 1, .groups = (TaskGroup *)&one};
    Task tb = {.n = 2, .w = wb, .g = gb, .ngroups = 2, .groups = (TaskGroup *)two};
    Params p;
    Err e;
    params_init(&p, d->params);
    CHECK(set_params(&p, "warmup_steps=3;r=1;weight_decay=0.01", "elem") == 0);
    Optim oa, ob;
    CHECK(optim_create(&oa, d, &p, &ta, &e) == 0 && optim_create(&ob, d, &p, &tb, &e) == 0);
    int same = 1;
    for (int t = 1; t <= 30; t++) {
        /* rates that rise and fall differently, one of them 0 for a while */
        const float lr[2] = {t < 10 ? 0.01f * (float)t : 0.05f, t < 5 ? 0.0f : 0.2f / (float)t};
        for (int i = 0; i < 2; i++) ga[i] = gb[i] = (float)(wa[i] - 0.3 * i + 0.1 * sin(t + i));
        d->step(oa.st, t, &one, wa, ga, 0.123, lr, NULL);
        for (int k = 0; k < 2; k++) d->step(ob.st, t, &two[k], wb + k, gb + k, lr[k], NULL, NULL);
        same &= memcmp(wa, wb, sizeof wa) == 0;
        d->eval_point(oa.st, wa, 2, 1);
        d->eval_point(ob.st, wb, 2, 1);
        same &= memcmp(wa, wb, sizeof wa) == 0;
        d->eval_point(oa.st, wa, 2, 0);
        d->eval_point(ob.st, wb, 2, 0);
    }
    CHECK(same);
    optim_destroy(&oa);
    optim_destroy(&ob);
    params_free(&p);
}

/* ---- a task's projection keeps z, x and y feasible ---- */

static void clamp(Task *t) {
    for (size_t i = 0; i < t->n; i++) t->w[i] = t->w[i] < 0 ? 0 : t->w[i];
}
static const TaskDef clamp_def = {.name = "clamp", .project = clamp};

/* Runs sgd_sf on f(w) = sum w_i (gradient 1: every weight pushed to the boundary 0) and
 * w_2 (w - 1)^2 / 2 for the last weight; with or without the task's projection, the loop's
 * projection of y after every step either way. Returns the smallest x seen. */
static double projected(int with_projection, float final_x[3]) {
    const OptimDef *d = optim_find("sgd_sf");
    const TaskGroup grp = {"w", 0, 3, 3, 1};
    float w[3] = {0.5f, 0.05f, 0.2f}, g[3];
    Task t = {.n = 3,
              .w = w,
              .g = g,
              .ngroups = 1,
              .groups = (TaskGroup *)&grp,
              .def = with_projection ? &clamp_def : NULL};
    Params p;
    Err e;
    params_init(&p, d->params);
    Optim o;
    CHECK(optim_create(&o, d, &p, &t, &e) == 0);
    double lowest = INFINITY;
    for (int s = 1; s <= 40; s++) {
        g[0] = g[1] = 1.0f;
        g[2] = w[2] - 1.0f;
        d->step(o.st, s, &grp, w, g, 0.1, NULL, NULL);
        for (int i = 0; i < 3; i++) {
            if (with_projection) CHECK(w[i] >= 0); /* y already feasible */
            w[i] = w[i] < 0 ? 0 : w[i];            /* the loop's projection of y */
        }
        d->eval_point(o.st, w, 3, 1);
        for (int i = 0; i < 3; i++) lowest = fmin(lowest, w[i]);
        memcpy(final_x, w, sizeof w);
        d->eval_point(o.st, w, 3, 0);
    }
    optim_destroy(&o);
    params_free(&p);
    return lowest;
}

static void projection(void) {
    float x[3], x_free[3];
    CHECK(projected(1, x) >= 0);
    /* z_0 reaches the boundary after 5 steps (x_0 = the mean of z_0's: 1.0 / 40), z_1 at once,
     * w_2 stays inside */
    CHECK(fabs(x[0] - 0.025) < 1e-6 && x[1] == 0 && fabs(x[2] - 1) < 0.2);
    if (!(fabs(x[0] - 0.025) < 1e-6 && x[1] == 0 && fabs(x[2] - 1) < 0.2))
        fprintf(stderr, "projected x = %.9g %.9g %.9g\n", x[0], x[1], x[2]);
    CHECK(projected(0, x_free) < -0.5); /* without it the average leaves the feasible set */
}

/* ---- through the training loop: evaluations at x ---- */

static void cell_cfg(CompCfg *tc, CompCfg *oc, CompCfg *sc, const char *task, const char *optim) {
    Err e;
    *tc = (CompCfg){.kind = KIND_TASK, .name = task, .task = task_find(task)};
    params_init(&tc->p, tc->task->params);
    params_init(&tc->common, cfg_task_common);
    CHECK(set_params(&tc->p, tc->task->test_params, task) == 0);
    *oc = (CompCfg){.kind = KIND_OPTIM, .name = optim, .optim = optim_find(optim)};
    params_init(&oc->p, oc->optim->params);
    params_init(&oc->common, cfg_optim_common);
    *sc = (CompCfg){.kind = KIND_SCHED, .name = "constant", .sched = sched_find("constant")};
    params_init(&sc->p, sc->sched->params);
    params_init(&sc->common, cfg_sched_common);
    (void)e;
}

static void free_cfg(CompCfg *c) {
    params_free(&c->p);
    params_free(&c->common);
}

/* The loop of harness/engine/train.c by hand (constant rate, no warmup, bound or clipping): at
 * every recorded evaluation the task's metrics at x must be the recorded ones, those at y not. */
static void loop_by_hand(const Cell *c, const CellResult *r, int nonneg) {
    Task t;
    TaskEnv env = {.datadir = "data"};
    Err e;
    CHECK(task_create(&t, c->task->task, &c->task->p, (uint64_t)c->seed, &env, "test", &e) == 0);
    Optim o;
    CHECK(optim_create(&o, c->optim->optim, &c->optim->p, &t, &e) == 0);
    const OptimDef *d = o.def;
    int k = 0, at_x = 1, differs = 0, feasible = 1;
    for (int64_t step = 0; step <= c->steps; step++) {
        if (k < r->nevals && r->evals[k].step == step) {
            double mx[METRIC_MAX], my[METRIC_MAX];
            t.def->evaluate(&t, my);
            d->eval_point(o.st, t.w, t.n, 1);
            for (size_t i = 0; i < t.n; i++) feasible &= !nonneg || t.w[i] >= 0;
            t.def->evaluate(&t, mx);
            d->eval_point(o.st, t.w, t.n, 0);
            at_x &= mx[METRIC_VAL_LOSS] == r->evals[k].val_loss &&
                    mx[METRIC_TRAIN_LOSS] == r->evals[k].train_loss &&
                    (mx[METRIC_TASK] == r->evals[k].metric || isnan(mx[METRIC_TASK]));
            differs += step > 0 && my[METRIC_VAL_LOSS] != r->evals[k].val_loss;
            k++;
        }
        if (step == c->steps) break;
        t.def->train_step(&t, step);
        for (int gi = 0; gi < t.ngroups; gi++) {
            const TaskGroup *grp = &t.groups[gi];
            d->step(o.st, step + 1, grp, t.w + grp->off, t.g + grp->off, c->lr0, NULL, NULL);
        }
        if (t.def->project) t.def->project(&t);
    }
    CHECK(k == r->nevals && k > 2);
    CHECK(at_x);
    CHECK(differs == k - 1); /* every evaluation after step 0 is x's, not y's */
    CHECK(feasible);
    optim_destroy(&o);
    task_destroy(&t);
}

static void through_loop(const char *task, const char *optim, double lr0, int nonneg) {
    CompCfg tc, oc, sc;
    cell_cfg(&tc, &oc, &sc, task, optim);
    Cell c = {.task = &tc,
              .optim = &oc,
              .sched = &sc,
              .seed = 5,
              .steps = 60,
              .eval_every = 7,
              .lr0 = lr0};
    TaskEnv env = {.datadir = "data"};
    CellResult r, r1, rn;
    Err e;
    CHECK(train_cell(&c, &env, &r, &e) == 0 && r.status == CELL_OK);
    loop_by_hand(&c, &r, nonneg);
    /* evaluating at x does not change the training: the last evaluation is the same with an
     * evaluation after every step as with none before it */
    c.eval_every = 1;
    CHECK(train_cell(&c, &env, &r1, &e) == 0 && r1.status == CELL_OK);
    c.eval_every = c.steps;
    CHECK(train_cell(&c, &env, &rn, &e) == 0 && rn.status == CELL_OK);
    CHECK(r1.stages[NSTAGES - 1].val_loss == rn.stages[NSTAGES - 1].val_loss &&
          r.stages[NSTAGES - 1].val_loss == rn.stages[NSTAGES - 1].val_loss);
    CHECK(r1.nevals == 61 && rn.nevals == 4);
    cell_result_free(&r);
    cell_result_free(&r1);
    cell_result_free(&rn);
    free_cfg(&tc);
    free_cfg(&oc);
    free_cfg(&sc);
}

int main(int argc, char **argv) {
    refusals();
    elem_is_group();
    projection();
    through_loop("nmf", "sgd_sf", 0.5, 1);
    through_loop("quadratic", "adamw_sf", 0.05, 0);
    golden(argc > 1 ? argv[1] : "tests/golden/schedulefree.csv");
    return check_report();
}
