/* test_sched_golden.c - the PyTorch-semantics schedulers against tests/golden/schedulers.csv
 * (made by scripts/golden/gen_torch_golden.py from torch 1.13 and transformers' lambdas; format
 * and semantics in scripts/golden/README.md), plus their configuration checks and derived
 * defaults.
 *
 * Each case is built from its `params` field (`lr` is the optimizer's lr, SchedRun.lr0; every
 * other key goes through params_set_text), with total_steps = the case's row count, or
 * num_training_steps when given, and driven as harness/engine/train.c drives a scheduler: for step
 * i, sched_lr (compared with the row's lr), then a training-loss signal, then the row's metric as
 * an evaluation signal when it has one. The training-loss signal is a NaN decoy that would
 * count as a bad epoch if plateau (signal = eval) listened to it. Plateau cases run a second
 * time with signal = train_step, the metric then arriving as the training loss and the decoy
 * as the evaluation. Tolerance: |got - want| <= 1e-6 * |want|, and exactly 0 where torch gives
 * 0. Every case in the file must run: an unknown scheduler name fails, and the counts are
 * pinned to the file's (81 cases, 5140 rows).
 *
 * usage: test_sched_golden tests/golden/schedulers.csv
 */
#include "check.h"
#include "harness/base/csvio.h"
#include "schedulers/sched.h"

#include <stdlib.h>
#include <string.h>

enum { GOLDEN_CASES = 81, GOLDEN_ROWS = 5140 };
static const double REL_TOL = 1e-6;

/* Fixture scheduler names that record another view of an lrlab scheduler: `cosine_closed` is
 * torch's CosineAnnealingLR read through _get_closed_form_lr(), and lrlab's cosine is that
 * closed form, so both recordings must match it. Any other unknown name is a failure. */
static const char *const aliases[][2] = {{"cosine_closed", "cosine"}};

static const SchedDef *resolve(const char *name) {
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(name, aliases[i][0]) == 0) name = aliases[i][1];
    return sched_find(name);
}

/* apply: sets every "k=v" of a fixture `params` field on p, except lr (into *lr0); notes
 * num_training_steps in *training (else leaves it). Returns 0, or -1 with e filled. */
static int apply(Params *p, const char *text, double *lr0, int64_t *training, Err *e) {
    char buf[1024];
    int have_lr = 0;
    snprintf(buf, sizeof buf, "%s", text);
    /* split on ';' outside braces: sequential's children carry their own "k=v;k=v" */
    int depth = 0;
    for (char *q = buf; *q; q++) {
        if (*q == '{') depth++;
        else if (*q == '}') depth--;
        else if (*q == ';' && depth == 0) *q = '\x1f';
    }
    for (char *save = NULL, *kv = strtok_r(buf, "\x1f", &save); kv;
         kv = strtok_r(NULL, "\x1f", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq) return err_set(e, EXIT_USAGE, "params", "%s: not key=value", kv);
        *eq = '\0';
        const char *key = kv, *val = eq + 1;
        if (strcmp(key, "lr") == 0) {
            if (csvio_parse_num(val, lr0) != 0)
                return err_set(e, EXIT_USAGE, "params", "lr: not a number (got %s)", val);
            have_lr = 1;
            continue;
        }
        if (params_set_text(p, key, val, "params", e) != 0) return -1;
        if (strcmp(key, "num_training_steps") == 0) *training = params_int(p, key);
    }
    if (!have_lr) return err_set(e, EXIT_USAGE, "params", "lr: missing (expected lr=X first)");
    return 0;
}

typedef struct {
    int rows_ok, rows_bad;
    double max_rel;
    char max_rel_case[96];
} Stats;

/* run_case: rows [r0, r1) of t, one case; `signal` overrides plateau's signal when not NULL. */
static void run_case(const CsvTable *t, int r0, int r1, const char *signal, Stats *st) {
    const char *cname = csvio_at(t, r0, 0), *sname = csvio_at(t, r0, 1);
    const char *ptext = csvio_at(t, r0, 2);
    const SchedDef *d = resolve(sname);
    if (!d) {
        fprintf(stderr, "%s: unknown scheduler \"%s\"\n", cname, sname);
        CHECK(d != NULL);
        return;
    }
    Params p;
    Err e;
    double lr0 = NAN;
    int64_t total = r1 - r0;
    params_init(&p, d->params);
    int rc = apply(&p, ptext, &lr0, &total, &e);
    if (rc == 0 && signal) rc = params_set_text(&p, "signal", signal, "params", &e);
    if (rc != 0) fprintf(stderr, "%s: %s\n", cname, e.msg);
    CHECK(rc == 0);
    SchedRun run = {
        .lr0 = lr0, .total_steps = total, .steps_per_epoch = total, .eval_every = 1, .ngroups = 1};
    Sched s;
    if (rc == 0) {
        rc = sched_create(&s, d, &p, &run, "test", &e);
        if (rc != 0) fprintf(stderr, "%s: %s\n", cname, e.msg);
        CHECK(rc == 0);
    }
    if (rc != 0) {
        params_free(&p);
        return;
    }
    const int by_train = signal && strcmp(signal, "train_step") == 0;
    double group[1];
    SchedLr out = {.group = group, .ngroups = 1};
    int printed = 0;
    for (int r = r0; r < r1; r++) {
        int64_t step = r - r0;
        double want, metric = NAN, x;
        CHECK(strcmp(csvio_at(t, r, 1), sname) == 0 && strcmp(csvio_at(t, r, 2), ptext) == 0);
        CHECK(csvio_parse_num(csvio_at(t, r, 3), &x) == 0 && x == (double)step);
        CHECK(csvio_parse_num(csvio_at(t, r, 5), &want) == 0);
        const int has_metric = csvio_at(t, r, 4)[0] != '\0';
        if (has_metric) CHECK(csvio_parse_num(csvio_at(t, r, 4), &metric) == 0);
        SchedStep ss = {.step = step, .loss = NAN};
        sched_lr(&s, &ss, &out);
        double got = group[0];
        int ok = want == 0 ? got == 0 : fabs(got - want) <= REL_TOL * fmax(fabs(want), 1e-12);
        CHECK(ok);
        if (ok) {
            st->rows_ok++;
            double rel = want == 0 ? 0 : fabs(got - want) / fabs(want);
            if (rel > st->max_rel) {
                st->max_rel = rel;
                snprintf(st->max_rel_case, sizeof st->max_rel_case, "%s step %lld", cname,
                         (long long)step);
            }
        } else {
            st->rows_bad++;
            if (printed++ < 3)
                fprintf(stderr, "%s%s%s step %lld: lr = %.17g, expected %.17g\n", cname,
                        signal ? " signal=" : "", signal ? signal : "", (long long)step, got, want);
        }
        sched_observe(&s, SIGNAL_TRAIN_STEP, step, by_train && has_metric ? metric : NAN);
        if (has_metric) sched_observe(&s, SIGNAL_EVAL, step, by_train ? NAN : metric);
    }
    sched_destroy(&s);
    params_free(&p);
}

/* expect_usage: building NAME with "k=v;..." (lr in it) over `total` steps fails with
 * EXIT_USAGE and a message naming the scheduler and `key`. */
static void expect_usage(const char *name, const char *text, int64_t total, const char *key) {
    Params p;
    Err e = {0};
    double lr0 = NAN;
    int64_t training = total;
    params_init(&p, sched_find(name)->params);
    int rc = apply(&p, text, &lr0, &training, &e);
    if (rc == 0) {
        SchedRun run = {.lr0 = lr0, .total_steps = total, .eval_every = 1, .ngroups = 1};
        Sched s;
        rc = sched_create(&s, sched_find(name), &p, &run, "test", &e);
        if (rc == 0) sched_destroy(&s);
    }
    char want[128];
    snprintf(want, sizeof want, "scheduler \"%s\": %s: ", name, key);
    /* range errors from the table name the key without the scheduler prefix */
    char want_range[128];
    snprintf(want_range, sizeof want_range, "params: %s: ", key);
    int named = strstr(e.msg, want) != NULL || strncmp(e.msg, want_range, strlen(want_range)) == 0;
    if (rc == 0 || e.code != EXIT_USAGE || !named)
        fprintf(stderr, "%s {%s} over %lld steps: rc %d, code %d, \"%s\" (expected %s)\n", name,
                text, (long long)total, rc, e.code, e.msg, want);
    CHECK(rc != 0);
    CHECK(e.code == EXIT_USAGE);
    CHECK(named);
    params_free(&p);
}

/* trace_of: lrs of NAME with "k=v;..." over `total` steps into lrs[total]. */
static void trace_of(const char *name, const char *text, int64_t total, double *lrs) {
    Params p;
    Err e;
    double lr0 = NAN;
    int64_t training = total;
    params_init(&p, sched_find(name)->params);
    CHECK(apply(&p, text, &lr0, &training, &e) == 0);
    SchedRun run = {.lr0 = lr0, .total_steps = total, .eval_every = 1, .ngroups = 1};
    Sched s;
    int rc = sched_create(&s, sched_find(name), &p, &run, "test", &e);
    CHECK(rc == 0);
    double group[1];
    SchedLr out = {.group = group, .ngroups = 1};
    for (int64_t i = 0; i < total; i++) {
        SchedStep ss = {.step = i, .loss = NAN};
        if (rc == 0) sched_lr(&s, &ss, &out);
        lrs[i] = rc == 0 ? group[0] : NAN;
    }
    if (rc == 0) sched_destroy(&s);
    params_free(&p);
}

static void bad_parameters(void) {
    /* repeated milestones are torch's (gamma twice), decreasing ones a mistake */
    expect_usage("multistep", "lr=0.1;milestones=10|20|15", 60, "milestones");
    expect_usage("multistep", "lr=0.1;milestones=10.5|20", 60, "milestones");
    expect_usage("multistep", "lr=0.1;milestones=-1|20", 60, "milestones");
    /* warmup not shorter than the run, or than num_training_steps */
    const char *warm[] = {"hf_linear", "hf_cosine", "hf_polynomial", "hf_constant", "inverse_sqrt"};
    for (int i = 0; i < 5; i++) {
        expect_usage(warm[i], "lr=0.1;num_warmup_steps=60", 60, "num_warmup_steps");
        expect_usage(warm[i], "lr=0.1;num_warmup_steps=100", 60, "num_warmup_steps");
    }
    expect_usage("hf_linear", "lr=0.1;num_warmup_steps=40;num_training_steps=30", 60,
                 "num_warmup_steps");
    expect_usage("hf_polynomial", "lr=0.1;lr_end=0.1", 60, "lr_end");
    /* cyclic bounds, explicit and against the derived max_lr (the optimizer's lr) */
    expect_usage("cyclic", "lr=0.1;base_lr=0.2;max_lr=0.1", 60, "base_lr");
    expect_usage("cyclic", "lr=0.1;base_lr=0.2", 60, "base_lr");
    /* onecycle: shorter than the run; an empty warmup phase (0.1 * 10 - 1 == 0) */
    expect_usage("onecycle", "lr=0.1;total_steps=50", 60, "total_steps");
    expect_usage("onecycle", "lr=0.1;pct_start=0.1;total_steps=10", 10, "pct_start");
    /* range errors of the tables */
    expect_usage("linear", "lr=0.1;total_iters=0", 60, "total_iters");
    expect_usage("linear", "lr=0.1;start_factor=0", 60, "start_factor");
    expect_usage("polynomial", "lr=0.1;total_iters=0", 60, "total_iters");
    expect_usage("cosine", "lr=0.1;T_max=0", 60, "T_max");
    expect_usage("cosine_restarts", "lr=0.1;T_mult=0", 60, "T_mult");
    expect_usage("onecycle", "lr=0.1;total_steps=0", 60, "total_steps");
    expect_usage("plateau", "lr=0.1;factor=1", 60, "factor");
    expect_usage("cyclic", "lr=0.1;mode=triangular3", 60, "mode");
    /* wsd: phases against the run and num_training_steps; derived phases never negative */
    expect_usage("wsd", "lr=0.1;num_warmup_steps=10;num_stable_steps=50;num_decay_steps=41", 100,
                 "num_decay_steps");
    expect_usage("wsd", "lr=0.1;num_warmup_steps=10;num_decay_steps=91", 100, "num_decay_steps");
    expect_usage("wsd", "lr=0.1;num_warmup_steps=10;num_decay_steps=41;num_training_steps=50", 100,
                 "num_decay_steps");
    expect_usage("wsd", "lr=0.1;num_warmup_steps=10;num_stable_steps=91", 100, "num_stable_steps");
    expect_usage("wsd", "lr=0.1;num_warmup_steps=101", 100, "num_warmup_steps");
    expect_usage("wsd", "lr=0.1;num_decay_steps=20;num_training_steps=101", 100,
                 "num_training_steps");
    expect_usage("wsd",
                 "lr=0.1;num_warmup_steps=10;num_stable_steps=50;num_decay_steps=30;"
                 "num_training_steps=100",
                 100, "num_training_steps");
    expect_usage("wsd", "lr=0.1;num_stable_steps=-1", 100, "num_stable_steps");
    expect_usage("wsd", "lr=0.1;num_decay_steps=-1", 100, "num_decay_steps");
    expect_usage("wsd", "lr=0.1;min_lr_ratio=1.5", 100, "min_lr_ratio");
    expect_usage("wsd", "lr=0.1;min_lr_ratio=-0.1", 100, "min_lr_ratio");
    expect_usage("wsd", "lr=0.1;decay_type=sqrt", 100, "decay_type");
    expect_usage("wsd", "lr=0.1;warmup_type=exponential", 100, "warmup_type");
}

static void derived_defaults(void) {
    double a[300], b[300];
    /* step: a third of the run, rounded up: three levels over 300 steps */
    trace_of("step", "lr=0.1", 300, a);
    CHECK(a[99] == 0.1 && fabs(a[100] - 0.01) < 1e-15 && fabs(a[299] - 0.001) < 1e-15);
    /* multistep: 50% and 75% of the run */
    trace_of("multistep", "lr=0.1", 300, a);
    CHECK(a[149] == 0.1 && fabs(a[150] - 0.01) < 1e-15 && fabs(a[225] - 0.001) < 1e-15);
    /* cosine_restarts: a quarter of the run, so a restart at 75 */
    trace_of("cosine_restarts", "lr=0.1", 300, a);
    CHECK(a[0] == 0.1 && a[75] == 0.1 && a[74] < 0.001);
    /* polynomial: decays over the whole run; positive at its last step */
    trace_of("polynomial", "lr=0.1", 300, a);
    CHECK_NEAR(a[299], 0.1 / 300, 1e-15);
    /* onecycle: max_lr is the optimizer's lr, total_steps the run's */
    trace_of("onecycle", "lr=0.1", 100, a);
    trace_of("onecycle", "lr=7;max_lr=0.1;total_steps=100", 100, b);
    CHECK(memcmp(a, b, 100 * sizeof a[0]) == 0);
    CHECK_NEAR(a[29], 0.1, 1e-15);
    CHECK_NEAR(a[99], 0.1 / 25 / 1e4, 1e-18);
    /* cyclic: max_lr is the optimizer's lr, base_lr a tenth of it, the lr ignored otherwise */
    trace_of("cyclic", "lr=0.1;step_size_up=10", 40, a);
    trace_of("cyclic", "lr=3;base_lr=0.01;max_lr=0.1;step_size_up=10;step_size_down=10", 40, b);
    CHECK(memcmp(a, b, 40 * sizeof a[0]) == 0);
    CHECK_NEAR(a[0], 0.01, 1e-15);
    CHECK_NEAR(a[10], 0.1, 1e-15);
    /* hf_*: num_training_steps is the run's total steps */
    trace_of("hf_linear", "lr=0.1;num_warmup_steps=5", 50, a);
    trace_of("hf_linear", "lr=0.1;num_warmup_steps=5;num_training_steps=50", 50, b);
    CHECK(memcmp(a, b, 50 * sizeof a[0]) == 0);
    /* inverse_sqrt: timescale = num_warmup_steps, or 10000 when that is 0 */
    trace_of("inverse_sqrt", "lr=0.1;num_warmup_steps=10", 50, a);
    trace_of("inverse_sqrt", "lr=0.1;num_warmup_steps=10;timescale=10", 50, b);
    CHECK(memcmp(a, b, 50 * sizeof a[0]) == 0);
    trace_of("inverse_sqrt", "lr=0.1", 50, a);
    trace_of("inverse_sqrt", "lr=0.1;timescale=10000", 50, b);
    CHECK(memcmp(a, b, 50 * sizeof a[0]) == 0);
    /* wsd: num_training_steps is the run's; the unset phase fills the rest of it; with neither
     * stable nor decay set, the decay follows the warmup to the end: hf_cosine's schedule */
    trace_of("wsd", "lr=0.1;num_warmup_steps=10;num_decay_steps=30", 100, a);
    trace_of("wsd", "lr=0.1;num_warmup_steps=10;num_decay_steps=30;num_training_steps=100", 100, b);
    CHECK(memcmp(a, b, 100 * sizeof a[0]) == 0);
    trace_of("wsd", "lr=0.1;num_warmup_steps=10;num_stable_steps=60;num_decay_steps=30", 100, b);
    CHECK(memcmp(a, b, 100 * sizeof a[0]) == 0);
    trace_of("wsd", "lr=0.1;num_warmup_steps=10;num_stable_steps=60", 100, b);
    CHECK(memcmp(a, b, 100 * sizeof a[0]) == 0);
    CHECK(a[9] < 0.1 && a[10] == 0.1 && a[69] == 0.1 && a[70] == 0.1 && a[71] < 0.1);
    trace_of("wsd", "lr=0.1;num_warmup_steps=10", 100, a);
    trace_of("hf_cosine", "lr=0.1;num_warmup_steps=10", 100, b);
    CHECK(memcmp(a, b, 100 * sizeof a[0]) == 0);
    trace_of("wsd", "lr=0.1", 100, a);
    trace_of("hf_cosine", "lr=0.1", 100, b);
    CHECK(memcmp(a, b, 100 * sizeof a[0]) == 0);
    /* phases that end before the run: min_lr_ratio * lr0 from then on */
    trace_of("wsd",
             "lr=0.1;num_warmup_steps=5;num_stable_steps=20;num_decay_steps=30;"
             "min_lr_ratio=0.25",
             100, a);
    CHECK(a[0] == 0.1 * 0.25 && a[54] > 0.1 * 0.25);
    for (int i = 55; i < 100; i++) CHECK(a[i] == 0.1 * 0.25);
}

int main(int argc, char **argv) {
    CsvTable t;
    Err e;
    static const char *const cols[] = {"case", "scheduler", "params", "step", "metric", "lr", NULL};
    if (argc != 2) {
        fprintf(stderr, "usage: test_sched_golden tests/golden/schedulers.csv\n");
        return 2;
    }
    if (csvio_read(argv[1], cols, &t, &e) != 0) {
        err_print(&e);
        CHECK(!"golden file readable");
        return check_report();
    }
    Stats st = {0};
    int ncases = 0, nplateau = 0;
    for (int r0 = 0, r1; r0 < t.nrows; r0 = r1) {
        const char *cname = csvio_at(&t, r0, 0);
        for (r1 = r0 + 1; r1 < t.nrows && strcmp(csvio_at(&t, r1, 0), cname) == 0;) r1++;
        /* a case's rows are contiguous: its name does not come back later */
        for (int r = r1; r < t.nrows; r++) CHECK(strcmp(csvio_at(&t, r, 0), cname) != 0);
        run_case(&t, r0, r1, NULL, &st);
        if (strcmp(csvio_at(&t, r0, 1), "plateau") == 0) {
            run_case(&t, r0, r1, "train_step", &st);
            nplateau++;
        }
        ncases++;
    }
    CHECK(ncases == GOLDEN_CASES);
    CHECK(t.nrows == GOLDEN_ROWS);
    CHECK(nplateau == 7);
    CHECK(st.rows_bad == 0);
    fprintf(stderr,
            "golden: %d cases, %d rows; %d lr values matched (plateau twice, once per signal), "
            "%d mismatched; max relative error %.3g (%s)\n",
            ncases, t.nrows, st.rows_ok, st.rows_bad, st.max_rel, st.max_rel_case);
    csvio_free(&t);

    bad_parameters();
    derived_defaults();
    return check_report();
}
