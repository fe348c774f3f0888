/* trace.c - `lrlab trace SCHEDULER [--set key=value ...] --lr LR0 --steps N [--metrics FILE]
 *                       [--plot FILE.png]`
 *
 * Prints `step,lr` and N rows: row i is the learning rate used at step i (row 0 the
 * initial one), in the shortest form that reads back as the same double (num_short). For
 * feedback schedulers, line i of FILE is the metric observed after step i, so row i+1
 * reflects metrics 0..i; the metric is offered as both the training-step and the evaluation
 * signal, and the scheduler takes the one it listens to. A scheduler that observes a signal
 * is refused without --metrics (its trace would stay flat, whatever the schedule). Schedulers
 * that need gradients, loss re-evaluation or features cannot be traced without a task.
 *
 * --plot FILE.png also draws the trace with gnuplot (pngcairo): the learning rate against
 * the step in the scheduler's line style (harness/analysis/style.h), and with --metrics the metric
 * on a second axis. gnuplot runs without a shell on a script in a private temporary folder, the
 * data inline; every path and label in the script goes through gnuplot_str / gnuplot_file
 * (harness/base/gnuplot.h). The PNG is drawn into a temporary file beside FILE and renamed over it:
 * FILE is whole or as it was. A FILE that is a symbolic link, is not a regular file, or whose
 * folder is missing is refused before anything is printed.
 */
#include "harness/analysis/trace.h"

#include "harness/analysis/style.h"
#include "harness/base/buf.h"
#include "harness/base/err.h"
#include "harness/base/fsutil.h"
#include "harness/base/gnuplot.h"
#include "harness/base/names.h"
#include "harness/base/param.h"
#include "schedulers/sched.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef LRLAB_GNUPLOT
#define LRLAB_GNUPLOT "gnuplot"
#endif

/* The most steps --plot draws: the trace goes into gnuplot's script whole. */
#define PLOT_MAX_STEPS 1000000

const char trace_usage[] =
    "lrlab trace SCHEDULER [--set key=value ...] --lr LR0 --steps N [--metrics FILE] "
    "[--plot FILE.png]";
const char trace_help[] =
    "Prints the learning rates a scheduler would use, as CSV with the header step,lr and N\n"
    "rows (row 0 is the initial rate; numbers in the shortest form that reads back exactly),\n"
    "without training anything:\n"
    "  lrlab trace cosine --set eta_min=0.001 --lr 0.1 --steps 100 --plot cosine.png\n\n"
    "  --set key=value   a scheduler parameter (repeatable; see lrlab list schedulers)\n"
    "  --lr LR0          the optimizer's base learning rate (> 0)\n"
    "  --steps N         number of steps (>= 1)\n"
    "  --metrics FILE    one number per line: line i is the metric observed after step i;\n"
    "                    needed by the schedulers that observe a loss signal (greedy,\n"
    "                    plateau, and a sequential holding one): without it they are refused\n"
    "  --plot FILE.png   also draws the learning rate against the step (with --metrics, the\n"
    "                    metric on a second axis) with gnuplot into FILE.png, replaced whole;\n"
    "                    at most 1000000 steps; FILE.png must not be a link, and its folder\n"
    "                    must exist\n";

static int fail(const char *fmt, const char *a, const char *b) {
    fprintf(stderr, "lrlab trace: ");
    fprintf(stderr, fmt, a, b);
    fprintf(stderr, "\n");
    return EXIT_USAGE;
}

/* show: a path as one printable line for a message (name_show when it has other bytes). */
static const char *show(char *out, size_t n, const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p > 0x7e) {
            name_show(out, n, s, strlen(s));
            return out;
        }
    snprintf(out, n, "%s", s);
    return out;
}

static int read_metrics(const char *path, double **out, long *n) {
    char shown[160];
    FILE *f = fopen(path, "r");
    if (!f)
        return fail("--metrics: %s: cannot open (%s)", show(shown, sizeof shown, path),
                    strerror(errno));
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
            fprintf(stderr,
                    "lrlab trace: %s:%ld: not a number (expected one number per line, "
                    "got \"%.40s\")\n",
                    show(shown, sizeof shown, path), lineno, line);
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

/* unknown_scheduler: the one line for a name the registry does not hold, listing its names. */
static int unknown_scheduler(const char *name) {
    Buf b = {0};
    for (int i = 0; sched_registry[i]; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", sched_registry[i]->name);
    char shown[160];
    fprintf(stderr, "lrlab trace: %s: unknown scheduler (expected one of %s)\n",
            show(shown, sizeof shown, name), b.s);
    buf_free(&b);
    return EXIT_USAGE;
}

/* observer: the scheduler that observes a signal: d itself, or one of the schedulers of its
 * component lists (sequential's; those lists hold schedulers); NULL when none does. */
static const char *observer(const SchedDef *d, const Params *p) {
    int lists = 0;
    for (int i = 0; i < p->n; i++) {
        if (p->spec[i].type != PARAM_COMPS) continue;
        lists = 1;
        int n;
        const ParamComp *c = params_comps(p, p->spec[i].name, &n);
        for (int k = 0; k < n; k++) {
            const char *o = observer(c[k].def, c[k].params);
            if (o) return o;
        }
    }
    return !lists && d->observe ? d->name : NULL;
}

/* ---- --plot ---- */

typedef struct Plot {
    const char *file;           /* FILE.png as given */
    const char *sched;          /* the scheduler's name: its line style and title */
    char tmp[FS_PATH_MAX + 64]; /* the PNG being drawn, beside it */
    char dir[FS_PATH_MAX];      /* the private folder of the script */
    char script[FS_PATH_MAX + 32], log[FS_PATH_MAX + 32];
    FILE *gp; /* the script, open while the trace is written */
} Plot;

/* plot_check: FILE ends in .png, is not a link nor other than a regular file, and its folder
 * exists; 0 or an exit code (the message printed). */
static int plot_check(const char *file, long steps) {
    char shown[160], num[32];
    const size_t len = strlen(file);
    show(shown, sizeof shown, file);
    if (len < 5 || strcmp(file + len - 4, ".png") != 0 || file[len - 5] == '/')
        return fail("--plot: invalid value (expected a file name ending in .png, got %s)%s", shown,
                    "");
    if (len > FS_DIR_MAX)
        return fail("--plot: %s: too long (expected a path of at most 2000 bytes)%s", shown, "");
    if (steps > PLOT_MAX_STEPS) {
        snprintf(num, sizeof num, "%ld", steps);
        return fail("--plot: too many steps to draw (expected --steps at most 1000000 with "
                    "--plot, got %s)%s",
                    num, "");
    }
    struct stat st;
    if (lstat(file, &st) == 0) {
        if (S_ISLNK(st.st_mode))
            return fail("--plot: %s: a symbolic link (expected a file of lrlab's own; lrlab "
                        "writes nothing through links)%s",
                        shown, "");
        if (!S_ISREG(st.st_mode))
            return fail("--plot: %s: not a regular file (expected a PNG file to replace, or "
                        "none)%s",
                        shown, "");
    }
    char dir[FS_PATH_MAX];
    const char *slash = strrchr(file, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - file) + (slash == file) : 1,
             slash ? file : ".");
    char dshown[160];
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return fail("--plot: %s: missing folder (expected the folder of %s to exist)",
                    show(dshown, sizeof dshown, dir), shown);
    return 0;
}

static void plot_cleanup(Plot *P) {
    if (P->gp) fclose(P->gp);
    P->gp = NULL;
    if (P->tmp[0]) unlink(P->tmp);
    if (P->script[0]) unlink(P->script);
    if (P->log[0]) unlink(P->log);
    if (P->dir[0]) rmdir(P->dir);
    P->tmp[0] = P->script[0] = P->log[0] = P->dir[0] = '\0';
}

void trace_plot_head(Buf *b, const char *png, const char *title, int metrics) {
    buf_printf(b, "# generated by lrlab trace\n"
                  "set terminal pngcairo size 900,500 noenhanced font ',10'\nset output ");
    gnuplot_file(b, png);
    buf_printf(b, "\nset title ");
    gnuplot_str(b, title);
    buf_printf(b, "\nset grid\nset xlabel 'step'\nset ylabel 'learning rate'\n"
                  "set key top right box opaque\n");
    if (metrics)
        buf_printf(b, "set ytics nomirror\nset y2tics\nset y2label 'metric (--metrics)'\n");
    buf_printf(b, "$trace << EOD\n");
}

void trace_plot_tail(Buf *b, const char *sched, int metrics) {
    buf_printf(b, "EOD\nplot $trace using 1:2 with lines ");
    style_line(b, sched);
    buf_printf(b, " title ");
    gnuplot_str(b, sched);
    if (metrics)
        buf_printf(b, ", $trace using 1:3 axes x1y2 with lines lw 1 lc rgb '#999999' dt 1 "
                      "title 'metric'");
    buf_printf(b, "\nunset output\n");
}

/* plot_open: the temporary PNG beside FILE (created here, never through a link), the private
 * folder, and the script's head up to its inline data block; 0 or an exit code. */
static int plot_open(Plot *P, const char *title, int metrics) {
    char shown[160];
    const char *slash = strrchr(P->file, '/');
    const int dlen = slash ? (int)(slash - P->file + 1) : 0;
    snprintf(P->tmp, sizeof P->tmp, "%.*s.%s.lrlab-tmp.%ld", dlen, P->file, P->file + dlen,
             (long)getpid());
    int fd = open(P->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST && unlink(P->tmp) == 0) /* a stale one of this pid's */
        fd = open(P->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        const int er = errno;
        P->tmp[0] = '\0';
        fprintf(stderr, "lrlab trace: --plot: %s: cannot create a file beside it (%s)\n",
                show(shown, sizeof shown, P->file), strerror(er));
        return er == ENAMETOOLONG || er == EACCES || er == EROFS ? EXIT_USAGE : EXIT_RUN;
    }
    close(fd);
    const char *t = getenv("TMPDIR");
    snprintf(P->dir, sizeof P->dir, "%s/lrlab-trace.XXXXXX", t && t[0] == '/' ? t : "/tmp");
    if (strlen(P->dir) > FS_DIR_MAX || !mkdtemp(P->dir)) {
        P->dir[0] = '\0';
        plot_cleanup(P);
        fprintf(stderr, "lrlab trace: --plot: cannot create a temporary folder (%s)\n",
                strerror(errno));
        return EXIT_RUN;
    }
    snprintf(P->script, sizeof P->script, "%s/trace.gp", P->dir);
    snprintf(P->log, sizeof P->log, "%s/gnuplot.log", P->dir);
    P->gp = fopen(P->script, "wx");
    if (!P->gp) {
        plot_cleanup(P);
        fprintf(stderr, "lrlab trace: --plot: cannot write gnuplot's script (%s)\n",
                strerror(errno));
        return EXIT_RUN;
    }
    Buf b = {0};
    trace_plot_head(&b, P->tmp, title, metrics);
    fputs(b.s, P->gp);
    buf_free(&b);
    return 0;
}

/* plot_finish: ends the script, runs gnuplot on it (no shell; its messages in the private
 * folder), and renames the PNG over FILE; 0 or an exit code. */
static int plot_finish(Plot *P, int metrics) {
    char shown[160];
    Buf b = {0};
    trace_plot_tail(&b, P->sched, metrics);
    fputs(b.s, P->gp);
    buf_free(&b);
    const int bad = ferror(P->gp);
    if (fclose(P->gp) != 0 || bad) {
        P->gp = NULL;
        fprintf(stderr, "lrlab trace: --plot: cannot write gnuplot's script (%s)\n",
                strerror(errno));
        return EXIT_RUN;
    }
    P->gp = NULL;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "lrlab trace: --plot: cannot start gnuplot (fork failed)\n");
        return EXIT_RUN;
    }
    if (pid == 0) {
        if (!freopen("/dev/null", "r", stdin) || !freopen(P->log, "w", stderr) ||
            dup2(fileno(stderr), 1) < 0)
            _exit(127);
        execlp(LRLAB_GNUPLOT, "gnuplot", P->script, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0) {}
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        char first[200] = "";
        FILE *f = fopen(P->log, "r");
        if (f && fgets(first, sizeof first, f)) first[strcspn(first, "\r\n")] = '\0';
        if (f) fclose(f);
        fprintf(stderr, "lrlab trace: --plot: %s: gnuplot failed (exit %d%s%s)\n",
                show(shown, sizeof shown, P->file), WIFEXITED(st) ? WEXITSTATUS(st) : -1,
                first[0] ? ": " : "", first);
        return EXIT_RUN;
    }
    int fd = open(P->tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    if (rename(P->tmp, P->file) != 0) {
        fprintf(stderr, "lrlab trace: --plot: %s: cannot rename the figure into place (%s)\n",
                show(shown, sizeof shown, P->file), strerror(errno));
        return EXIT_RUN;
    }
    P->tmp[0] = '\0';
    return 0;
}

/* plot_title: the command line that made the figure, --plot FILE left out. */
static void plot_title(Buf *b, int argc, char **argv) {
    buf_printf(b, "lrlab trace");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--plot") == 0 && i + 1 < argc) {
            i++;
            continue;
        }
        buf_printf(b, " %s", argv[i]);
    }
}

int trace_main(int argc, char **argv) {
    if (argc < 2)
        return fail("missing scheduler (expected %s, got %s)", "a name from lrlab list schedulers",
                    "nothing");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf("usage: %s\n\n%s", trace_usage, trace_help);
        return EXIT_OK;
    }
    const SchedDef *d = sched_find(argv[1]);
    if (!d) return unknown_scheduler(argv[1]);
    if (d->needs & SCHED_NEEDS_SCRIPT) {
        fprintf(stderr,
                "lrlab trace: %s: needs an experiment script (expected a closed-form or "
                "feedback scheduler; define it in an experiment instead)\n",
                d->name);
        return EXIT_USAGE;
    }
    if (d->needs &
        (SCHED_NEEDS_GRAD | SCHED_NEEDS_DIR | SCHED_NEEDS_LOSS_EVAL | SCHED_NEEDS_FEATURES)) {
        fprintf(stderr,
                "lrlab trace: %s: needs %s during training (expected a closed-form or "
                "feedback scheduler; run it in an experiment instead)\n",
                d->name,
                d->needs & SCHED_NEEDS_LOSS_EVAL  ? "loss re-evaluation"
                : d->needs & SCHED_NEEDS_FEATURES ? "training features"
                                                  : "gradients");
        return EXIT_USAGE;
    }
    Params p;
    params_init(&p, d->params);
    double lr0 = NAN, *metrics = NULL;
    long steps = -1, nmetrics = 0;
    const char *mfile = NULL;
    Plot P = {0};
    P.sched = argv[1];
    int rc = EXIT_USAGE, made = 0;
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
        } else if (strcmp(a, "--plot") == 0) {
            P.file = v;
        } else {
            fail("%s: unknown option (expected --set, --lr, --steps, --metrics or --plot)%s", a,
                 "");
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
    if (P.file && (rc = plot_check(P.file, steps)) != 0) goto out;
    if (mfile && (rc = read_metrics(mfile, &metrics, &nmetrics)) != 0) goto out;
    rc = EXIT_USAGE;
    if (mfile && nmetrics < steps - 1) {
        char shown[160];
        fprintf(stderr,
                "lrlab trace: %s: %ld metrics for %ld steps (expected at least %ld lines)\n",
                show(shown, sizeof shown, mfile), nmetrics, steps, steps - 1);
        goto out;
    }
    SchedRun run = {
        .lr0 = lr0, .total_steps = steps, .steps_per_epoch = 1, .eval_every = 1, .ngroups = 1};
    Sched s;
    if (sched_create(&s, d, &p, &run, "lrlab trace", &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        goto out;
    }
    made = 1;
    const char *who = observer(d, &p);
    if (who && !mfile) {
        if (strcmp(who, d->name) == 0)
            fprintf(stderr,
                    "lrlab trace: %s: observes a loss signal (expected --metrics FILE, "
                    "one number per line: the metric after each step; without it the "
                    "trace would stay flat)\n",
                    d->name);
        else
            fprintf(stderr,
                    "lrlab trace: %s: its scheduler %s observes a loss signal (expected "
                    "--metrics FILE, one number per line: the metric after each step; "
                    "without it the trace would stay flat)\n",
                    d->name, who);
        goto out;
    }
    if (P.file) {
        Buf title = {0};
        plot_title(&title, argc, argv);
        rc = plot_open(&P, title.s, mfile != NULL);
        buf_free(&title);
        if (rc != 0) goto out;
    }
    double group[1];
    SchedLr lr = {.group = group, .ngroups = 1};
    printf("step,lr\n");
    for (long i = 0; i < steps; i++) {
        SchedStep st = {.step = i, .loss = NAN};
        sched_lr(&s, &st, &lr);
        char num[32];
        num_short(num, sizeof num, group[0]);
        printf("%ld,%s\n", i, num);
        if (P.gp) {
            fprintf(P.gp, "%ld %s", i, num);
            if (i < nmetrics) fprintf(P.gp, " %.17g", metrics[i]);
            fputc('\n', P.gp);
        }
        if (i < nmetrics) {
            sched_observe(&s, SIGNAL_TRAIN_STEP, i, metrics[i]);
            sched_observe(&s, SIGNAL_EVAL, i, metrics[i]);
        }
    }
    rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_RUN;
    if (rc == EXIT_OK && P.file) rc = plot_finish(&P, mfile != NULL);
out:
    if (made) sched_destroy(&s);
    plot_cleanup(&P);
    free(metrics);
    params_free(&p);
    return rc;
}
