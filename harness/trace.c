/* trace.c - `lrlab trace SCHEDULER [--set key=value ...] --lr LR0 --steps N [--metrics FILE]`
 *
 * Prints `step,lr` and N rows: row i is the learning rate used at step i (row 0 the
 * initial one). For feedback schedulers, line i of FILE is the metric observed after step
 * i, so row i+1 reflects metrics 0..i; the metric is offered as both the training-step and
 * the evaluation signal, and the scheduler takes the one it listens to. Schedulers that
 * need gradients, loss re-evaluation or features cannot be traced without a task.
 */
#include "harness/trace.h"

#include "harness/err.h"
#include "harness/param.h"
#include "schedulers/sched.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char trace_usage[] =
    "lrlab trace SCHEDULER [--set key=value ...] --lr LR0 --steps N [--metrics FILE]";
const char trace_help[] =
    "Prints the learning rates a scheduler would use, as CSV with the header step,lr and N\n"
    "rows (row 0 is the initial rate), without training anything:\n"
    "  lrlab trace cosine --set eta_min=0.001 --lr 0.1 --steps 100 | gnuplot -e \\\n"
    "    \"set datafile separator ','; set terminal dumb; plot '-' using 1:2 every ::1 with lines\"\n\n"
    "  --set key=value   a scheduler parameter (repeatable; see lrlab list schedulers)\n"
    "  --lr LR0          the optimizer's base learning rate (> 0)\n"
    "  --steps N         number of steps (>= 1)\n"
    "  --metrics FILE    one number per line: line i is the metric observed after step i\n"
    "                    (needed by feedback schedulers such as greedy and plateau)\n";

static int fail(const char *fmt, const char *a, const char *b) {
    fprintf(stderr, "lrlab trace: ");
    fprintf(stderr, fmt, a, b);
    fprintf(stderr, "\n");
    return EXIT_USAGE;
}

static int read_metrics(const char *path, double **out, long *n) {
    FILE *f = fopen(path, "r");
    if (!f) return fail("--metrics: %s: cannot open (%s)", path, strerror(errno));
    char line[256];
    long cap = 1024, k = 0, lineno = 0;
    double *m = xmalloc(sizeof(double) * (size_t)cap);
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        char *end;
        errno = 0;
        double x = strtod(line, &end);
        while (*end == ' ' || *end == '\t') end++;
        if (!line[0] || *end || errno == ERANGE) {
            fprintf(stderr, "lrlab trace: %s:%ld: not a number (expected one number per line, "
                            "got \"%.40s\")\n", path, lineno, line);
            free(m);
            fclose(f);
            return EXIT_USAGE;
        }
        if (k == cap) m = xrealloc(m, sizeof(double) * (size_t)(cap *= 2));
        m[k++] = x;
    }
    fclose(f);
    *out = m;
    *n = k;
    return 0;
}

int trace_main(int argc, char **argv) {
    if (argc < 2) return fail("missing scheduler (expected %s, got %s)", "a name from lrlab list schedulers", "nothing");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf("usage: %s\n\n%s", trace_usage, trace_help);
        return EXIT_OK;
    }
    const SchedDef *d = sched_find(argv[1]);
    if (!d) return fail("%s: unknown scheduler (expected a name from %s)", argv[1], "lrlab list schedulers");
    if (d->needs & SCHED_NEEDS_SCRIPT) {
        fprintf(stderr, "lrlab trace: %s: needs an experiment script (expected a closed-form or "
                        "feedback scheduler; define it in an experiment instead)\n", d->name);
        return EXIT_USAGE;
    }
    if (d->needs & (SCHED_NEEDS_GRAD | SCHED_NEEDS_DIR | SCHED_NEEDS_LOSS_EVAL | SCHED_NEEDS_FEATURES)) {
        fprintf(stderr, "lrlab trace: %s: needs %s during training (expected a closed-form or "
                        "feedback scheduler; run it in an experiment instead)\n", d->name,
                d->needs & SCHED_NEEDS_LOSS_EVAL ? "loss re-evaluation"
                : d->needs & SCHED_NEEDS_FEATURES ? "training features" : "gradients");
        return EXIT_USAGE;
    }
    Params p;
    params_init(&p, d->params);
    double lr0 = NAN, *metrics = NULL;
    long steps = -1, nmetrics = 0;
    const char *mfile = NULL;
    int rc = EXIT_USAGE;
    Err e;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end;
        if (strcmp(a, "--help") == 0) {
            printf("usage: %s\n\n%s", trace_usage, trace_help);
            rc = EXIT_OK;
            goto out;
        }
        if (!v) {
            fail("%s: missing value (expected a value after %s)", a, a);
            goto out;
        }
        i++;
        if (strcmp(a, "--set") == 0) {
            char key[128];
            const char *eq = strchr(v, '=');
            if (!eq || eq == v || (size_t)(eq - v) >= sizeof key) {
                fail("--set: invalid value (expected key=value, got %s)%s", v, "");
                goto out;
            }
            snprintf(key, sizeof key, "%.*s", (int)(eq - v), v);
            char where[256];
            snprintf(where, sizeof where, "--set %s", v);
            if (params_set_text(&p, key, eq + 1, "lrlab trace: --set", &e) != 0) {
                fprintf(stderr, "%s\n", e.msg);
                goto out;
            }
        } else if (strcmp(a, "--lr") == 0) {
            errno = 0;
            lr0 = strtod(v, &end);
            if (*end || errno || !(lr0 > 0) || isinf(lr0)) {
                fail("--lr: invalid value (expected a finite number > 0, got %s)%s", v, "");
                goto out;
            }
        } else if (strcmp(a, "--steps") == 0) {
            errno = 0;
            steps = strtol(v, &end, 10);
            if (*end || errno || steps < 1 || steps > 100000000) {
                fail("--steps: invalid value (expected an integer in [1, 1e8], got %s)%s", v, "");
                goto out;
            }
        } else if (strcmp(a, "--metrics") == 0) {
            mfile = v;
        } else {
            fail("%s: unknown option (expected --set, --lr, --steps or --metrics)%s", a, "");
            goto out;
        }
    }
    if (isnan(lr0) || steps < 0) {
        fail("missing %s (expected --lr LR0 and --steps N)%s", isnan(lr0) ? "--lr" : "--steps", "");
        goto out;
    }
    if (params_check_required(&p, "lrlab trace", d->name, &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        goto out;
    }
    if (mfile && (rc = read_metrics(mfile, &metrics, &nmetrics)) != 0) goto out;
    rc = EXIT_USAGE;
    if (mfile && nmetrics < steps - 1) {
        fprintf(stderr, "lrlab trace: %s: %ld metrics for %ld steps (expected at least %ld lines)\n",
                mfile, nmetrics, steps, steps - 1);
        goto out;
    }
    SchedRun run = {.lr0 = lr0, .total_steps = steps, .steps_per_epoch = 1, .eval_every = 1,
                    .ngroups = 1};
    Sched s;
    if (sched_create(&s, d, &p, &run, "lrlab trace", &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        goto out;
    }
    double group[1];
    SchedLr out = {.group = group, .ngroups = 1};
    printf("step,lr\n");
    for (long i = 0; i < steps; i++) {
        SchedStep st = {.step = i, .loss = NAN};
        sched_lr(&s, &st, &out);
        printf("%ld,%.17g\n", i, group[0]);
        if (i < nmetrics) {
            sched_observe(&s, SIGNAL_TRAIN_STEP, i, metrics[i]);
            sched_observe(&s, SIGNAL_EVAL, i, metrics[i]);
        }
    }
    sched_destroy(&s);
    rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_RUN;
out:
    free(metrics);
    params_free(&p);
    return rc;
}
