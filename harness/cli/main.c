/* main.c - the lrlab command line: a table of commands, each with its own help.
 *
 *   lrlab run FILE.lua [--out DIR] [--check] [--fresh] [--seed N] [--define KEY=VALUE] [--quiet]
 *   lrlab list [tasks|optimizers|schedulers] | lrlab list --versions FILE.lua [--define K=V]
 *   lrlab compare DIR [--with OTHER ...] [--reference greedy] [--tie abs:0.1|rel:0.01]
 *   lrlab trace SCHEDULER [--set key=value ...] --lr LR0 --steps N [--metrics FILE]
 *   lrlab report DIR [--paper PAPER] [--with OTHER ...]
 *   lrlab train-policy FILE.lua [--out DIR] [--resume] [--fresh] [--quiet]
 *   lrlab --help | lrlab CMD --help | lrlab --version
 */
#include "harness/analysis/compare.h"
#include "harness/analysis/outputs.h"
#include "harness/analysis/report.h"
#include "harness/analysis/trace.h"
#include "harness/analysis/trend.h"
#include "harness/analysis/verify.h"
#include "harness/base/blas.h"
#include "harness/base/fsutil.h"
#include "harness/base/memlimit.h"
#include "harness/base/version.h"
#include "harness/engine/folder.h"
#include "harness/engine/merge.h"
#include "harness/engine/pack.h"
#include "harness/engine/plan.h"
#include "harness/engine/ppo.h"
#include "harness/engine/run.h"
#include "harness/lua/config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct Command {
    const char *name;
    const char *usage;
    const char *help;
    int (*fn)(int argc, char **argv);
} Command;

static const Command commands[];

/* find_command: the table's entry named name, or NULL. */
static const Command *find_command(const char *name) {
    for (int i = 0; commands[i].name; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

/* command: the table's entry named name (every caller names an entry of the table). */
static const Command *command(const char *name) {
    const Command *c = find_command(name);
    LR_ASSERT(c != NULL); /* a command of the table */
    return c;
}

static int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "lrlab: %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nhint: lrlab %s --help\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

static int is_help(const char *a) { return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0; }

static int print_help(const Command *c) {
    printf("usage: %s\n\n%s", c->usage, c->help);
    return EXIT_OK;
}

/* ---- lrlab run ---- */

static int parse_u64(const char *s, uint64_t *out) {
    char *end;
    errno = 0;
    if (!*s || *s == '-') return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno) return -1;
    *out = v;
    return 0;
}

/* K/N, decimal digits only: sscanf's %d would wrap 4294967297 to 1 (undefined behaviour). */
static int parse_shard(const char *s, Shard *out) {
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9') return -1;
    long long k = strtoll(s, &end, 10);
    if (*end != '/' || end[1] < '0' || end[1] > '9') return -1;
    long long n = strtoll(end + 1, &end, 10);
    if (*end || errno || n < 1 || n > INT_MAX || k < 1 || k > n) return -1;
    out->k = (int)k;
    out->n = (int)n;
    return 0;
}

/* blas_option: --blas MODE; 0, or an exit code after the one-line message. */
static int blas_option(const char *cmd, const char *v, BlasMode *m) {
    if (!v || blas_mode_parse(v, m) != 0)
        return usage_error(cmd, "--blas: invalid value (expected portable or native, got %s)",
                           v ? v : "nothing");
    return 0;
}

/* define_option: --define KEY=VALUE of command cmd into d; 0, or the exit code after the
 * one-line message. */
static int define_option(const char *cmd, const char *v, Defines *d) {
    Err e = {0};
    if (!v)
        return usage_error(cmd, "--define: missing value (expected %s, got nothing)", DEFINE_RULE);
    if (defines_add(d, v, &e) != 0) return usage_error(cmd, "%s", e.msg);
    return 0;
}

/* enter_blas: the kernel of mode m for this process (may re-execute it); 0 or an exit code. */
static int enter_blas(BlasMode m) {
    Err e = {0};
    if (blas_enter(m, &e) == 0) return 0;
    err_print(&e);
    return e.code ? e.code : EXIT_USAGE;
}

/* script_not_file: a device or a pipe given as the script would be read (and hashed) without
 * end; 0 for anything else (a missing or unreadable file is cfg_load's to report), or the exit
 * code after the one-line message for command cmd. */
static int script_not_file(const char *cmd, const char *script) {
    const char *odd = fs_not_regular(script);
    if (!odd) return 0;
    fprintf(stderr,
            "lrlab: %s: %s: not a regular file (expected FILE.lua, got %s)\n"
            "hint: lrlab %s --help\n",
            cmd, script, odd, cmd);
    return EXIT_USAGE;
}

static int cmd_run(int argc, char **argv) {
    RunOpts o = {.shard = {1, 1}, .outputs = outputs_write};
    Err be = {0};
    if (blas_mode_default(&o.blas, &be) != 0) {
        err_print(&be);
        return EXIT_USAGE;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end;
        if (is_help(a)) return print_help(command("run"));
        if (strcmp(a, "--check") == 0) o.check = 1;
        else if (strcmp(a, "--fresh") == 0) o.fresh = 1;
        else if (strcmp(a, "--retry-failed") == 0) o.retry_failed = 1;
        else if (strcmp(a, "--pack") == 0) o.pack = 1;
        else if (strcmp(a, "--quiet") == 0) o.quiet = 1;
        else if (strcmp(a, "--verbose") == 0) o.verbose = 1;
        else if (strcmp(a, "--out") == 0) {
            if (!v || !*v)
                return usage_error("run", "--out: missing value (expected a folder, got %s)",
                                   "nothing");
            o.out = argv[++i];
        } else if (strcmp(a, "--seed") == 0) {
            if (!v || parse_u64(v, &o.lua_seed) != 0)
                return usage_error("run",
                                   "--seed: invalid value (expected a non-negative "
                                   "integer, got %s)",
                                   v ? v : "nothing");
            i++;
        } else if (strcmp(a, "--define") == 0) {
            int rc = define_option("run", v, &o.defines);
            if (rc) return rc;
            i++;
        } else if (strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0 ||
                   (strncmp(a, "-j", 2) == 0 && a[2])) {
            const char *num = a[2] && a[1] == 'j' ? a + 2 : v; /* -j N, --jobs N or -jN */
            errno = 0;
            long j = num ? strtol(num, &end, 10) : 0;
            if (!num || *end || errno || j < 1 || j > 1024)
                return usage_error("run",
                                   "-j: invalid value (expected an integer from 1 to "
                                   "1024, got %s)",
                                   num ? num : "nothing");
            o.jobs = (int)j;
            if (num == v) i++;
        } else if (strcmp(a, "--shard") == 0) {
            if (!v || parse_shard(v, &o.shard) != 0)
                return usage_error("run",
                                   "--shard: invalid value (expected K/N with 1 <= K <= "
                                   "N, got %s)",
                                   v ? v : "nothing");
            i++;
        } else if (strcmp(a, "--cell-timeout") == 0) {
            errno = 0;
            double t = v ? strtod(v, &end) : 0;
            if (v && strcmp(v, "none") == 0) t = -1; /* no limit */
            else if (!v || *end || errno || !(t > 0) || isinf(t))
                return usage_error("run",
                                   "--cell-timeout: invalid value (expected seconds > 0 "
                                   "or none, got %s)",
                                   v ? v : "nothing");
            o.cell_timeout = t;
            i++;
        } else if (strcmp(a, "--blas") == 0) {
            int rc = blas_option("run", v, &o.blas);
            if (rc) return rc;
            i++;
        } else if (strcmp(a, "--phase") == 0) {
            if (v && strcmp(v, "all") == 0) o.phase = PHASE_ALL;
            else if (v && strcmp(v, "tune") == 0) o.phase = PHASE_TUNE;
            else if (v && strcmp(v, "eval") == 0) o.phase = PHASE_EVAL;
            else
                return usage_error("run",
                                   "--phase: invalid value (expected all, tune or eval, "
                                   "got %s)",
                                   v ? v : "nothing");
            i++;
        } else if (strcmp(a, "--reuse") == 0) {
            if (!v || !*v)
                return usage_error("run",
                                   "--reuse: missing value (expected a folder of lrlab "
                                   "run's results, got %s)",
                                   "nothing");
            if (o.nreuse == RUN_REUSE_MAX)
                return usage_error("run", "--reuse: too many folders (expected at most %d)",
                                   RUN_REUSE_MAX);
            o.reuse[o.nreuse++] = argv[++i];
        } else if (a[0] == '-') {
            return usage_error("run",
                               "%s: unknown option (expected --out, --check, --fresh, "
                               "--retry-failed, --pack, -j, --shard, --phase, --reuse, "
                               "--cell-timeout, --seed, --define, --blas, --quiet or "
                               "--verbose)",
                               a);
        } else if (o.script) {
            return usage_error("run", "%s: unexpected argument (expected one script)", a);
        } else {
            o.script = a;
        }
    }
    if (!o.script)
        return usage_error("run", "missing script (expected FILE.lua, got %s)", "nothing");
    if (o.pack && (o.shard.n > 1 || o.phase != PHASE_ALL))
        return usage_error("run",
                           "--pack: the folder of a whole run only (expected no --shard and no "
                           "--phase, got %s; pack the joined folder with lrlab pack DIR)",
                           o.shard.n > 1 ? "--shard" : "--phase");
    int rc = script_not_file("run", o.script);
    if (rc) return rc;
    rc = enter_blas(o.blas);
    return rc ? rc : run_main(&o);
}

/* ---- lrlab merge ---- */

static int cmd_merge(int argc, char **argv) {
    const char *out = NULL;
    const char **dirs = xcalloc((size_t)argc + 1, sizeof(char *));
    int n = 0, quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (is_help(argv[i])) {
            free(dirs);
            return print_help(command("merge"));
        }
        if (strcmp(argv[i], "--quiet") == 0) quiet = 1;
        else if (argv[i][0] == '-') {
            free(dirs);
            return usage_error("merge", "%s: unknown option (expected --quiet)", argv[i]);
        } else if (!out) out = argv[i];
        else dirs[n++] = argv[i];
    }
    if (!out || n == 0) {
        free(dirs);
        return usage_error("merge", "missing folders (expected OUT DIR..., got %s)",
                           out ? "only OUT" : "nothing");
    }
    int rc = merge_main(out, dirs, n, quiet, outputs_write);
    free(dirs);
    return rc;
}

/* ---- lrlab pack ---- */

static int cmd_pack(int argc, char **argv) {
    const char *dir = NULL;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (is_help(argv[i])) return print_help(command("pack"));
        if (strcmp(argv[i], "--quiet") == 0) quiet = 1;
        else if (argv[i][0] == '-')
            return usage_error("pack", "%s: unknown option (expected --quiet)", argv[i]);
        else if (!dir) dir = argv[i];
        else
            return usage_error("pack", "%s: one folder at a time (expected DIR, got a second)",
                               argv[i]);
    }
    if (!dir) return usage_error("pack", "missing folder (expected DIR, got %s)", "nothing");
    Err e = {0};
    Folder f = {-1};
    int rc = folder_claim(dir, folder_results_subs, folder_results_files, 0, &f, &e) != 0 ||
                     pack_folder(dir, quiet, &e) != 0
                 ? -1
                 : 0;
    folder_release(&f);
    if (rc == 0) return EXIT_OK;
    err_print(&e);
    return e.code ? e.code : EXIT_RUN;
}

/* ---- lrlab list ---- */

static void list_params(const ParamSpec *spec) {
    for (int i = 0; spec && spec[i].name; i++) {
        char ex[160];
        param_expect(&spec[i], ex, sizeof ex);
        printf("      %-16s %-34s default %-10s %s\n", spec[i].name, ex,
               spec[i].def                        ? spec[i].def
               : (spec[i].flags & PARAM_OPTIONAL) ? "(unset)"
                                                  : "(required)",
               spec[i].help);
    }
}

static void list_kind(CompKind k) {
    printf("%ss\n", cfg_kind_name(k));
    for (int i = 0;; i++) {
        const char *name, *summary, *ref = NULL, *extra = NULL;
        const ParamSpec *spec;
        int version;
        if (k == KIND_TASK) {
            const TaskDef *d = task_registry[i];
            if (!d) break;
            name = d->name, summary = d->summary, spec = d->params, extra = d->datasets;
            version = d->version;
        } else if (k == KIND_OPTIM) {
            const OptimDef *d = optim_registry[i];
            if (!d) break;
            name = d->name, summary = d->summary, spec = d->params, ref = d->reference;
            version = d->version;
        } else {
            const SchedDef *d = sched_registry[i];
            if (!d) break;
            name = d->name, summary = d->summary, spec = d->params, ref = d->reference;
            version = d->version;
        }
        printf("  %-12s %s\n", name, summary);
        printf("  %-12s version: %d\n", "", version);
        if (ref) printf("  %-12s reference: %s\n", "", ref);
        if (extra) printf("  %-12s data: %s\n", "", extra);
        if (k == KIND_TASK) printf("  %-12s metric: %s\n", "", task_registry[i]->metric);
        list_params(spec);
    }
    const ParamSpec *common = k == KIND_TASK    ? cfg_task_common
                              : k == KIND_OPTIM ? cfg_optim_common
                                                : cfg_sched_common;
    printf("  keys every %s accepts:\n", cfg_kind_name(k));
    list_params(common);
    printf("\n");
}

/* list_versions: the versions line (plan_versions) of the components a script uses, the script
 * run as lrlab run runs it with its default --seed 0 and the --define pairs d. */
static int list_versions(const char *script, const Defines *d) {
    int rc = script_not_file("list", script);
    if (rc) return rc;
    Experiment ex;
    Err e = {0};
    if (cfg_load(script, 0, d, &ex, &e) != 0) {
        err_print(&e);
        return e.code ? e.code : EXIT_USAGE;
    }
    Buf b = {0};
    plan_versions(&ex, &b);
    fputs(b.s, stdout);
    buf_free(&b);
    cfg_free(&ex);
    return EXIT_OK;
}

static int cmd_list(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        if (is_help(argv[i])) return print_help(command("list"));
    if (argc >= 2 && strcmp(argv[1], "--versions") == 0) {
        if (argc < 3)
            return usage_error("list", "--versions: missing script (expected FILE.lua, got %s)",
                               "nothing");
        Defines d = {0};
        for (int i = 3; i < argc; i += 2) {
            if (strcmp(argv[i], "--define") != 0)
                return usage_error("list",
                                   "%s: unexpected argument (expected one script and "
                                   "--define KEY=VALUE)",
                                   argv[i]);
            int rc = define_option("list", i + 1 < argc ? argv[i + 1] : NULL, &d);
            if (rc) return rc;
        }
        return list_versions(argv[2], &d);
    }
    if (argc > 2)
        return usage_error("list", "%s: unexpected argument (expected at most one kind)", argv[2]);
    const char *what = argc == 2 ? argv[1] : "all";
    int all = strcmp(what, "all") == 0;
    int any = 0;
    if (all || strcmp(what, "tasks") == 0) list_kind(KIND_TASK), any = 1;
    if (all || strcmp(what, "optimizers") == 0) list_kind(KIND_OPTIM), any = 1;
    if (all || strcmp(what, "schedulers") == 0) list_kind(KIND_SCHED), any = 1;
    if (!any)
        return usage_error("list", "%s: unknown kind (expected tasks, optimizers or schedulers)",
                           what);
    return EXIT_OK;
}

/* ---- lrlab compare ---- */

_Static_assert(COMPARE_WITH_MAX == 8, "the help of compare and report says at most 8");

/* with_option: --with FOLDER, at most COMPARE_WITH_MAX times; the folder's trailing slashes
 * are dropped (argv's own bytes), so that the settings name it one way. 0 or -1 after a
 * one-line error. */
static int with_option(const char *cmd, char *v, CompareOpts *o) {
    if (!v || !*v) {
        usage_error(cmd, "--with: missing value (expected a result folder, got nothing)");
        return -1;
    }
    if (o->nwith == COMPARE_WITH_MAX) {
        usage_error(cmd, "--with: more than %d folders (expected at most %d, got %s beyond them)",
                    COMPARE_WITH_MAX, COMPARE_WITH_MAX, v);
        return -1;
    }
    char what[64];
    Err e;
    snprintf(what, sizeof what, "%s: --with", cmd);
    if (fs_check_dir_len(what, v, &e) != 0) {
        err_print(&e);
        return -1;
    }
    for (size_t n = strlen(v); n > 1 && v[n - 1] == '/';) v[--n] = '\0';
    o->with[o->nwith++] = v;
    return 0;
}

/* compare_option: parses one of the comparison settings that compare and report share
 * (--reference, --measure, --tie, --reading, --interval, --alpha, --claim, --with) at
 * argv[*i]. Returns 1 when it took the option (and its value), 0 when argv[*i] is something
 * else, or -1 after a one-line error for command cmd. */
static int compare_option(const char *cmd, int argc, char **argv, int *i, CompareOpts *o) {
    const char *a = argv[*i];
    const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    char *end, why[128];
    if (strcmp(a, "--with") == 0) {
        if (with_option(cmd, *i + 1 < argc ? argv[*i + 1] : NULL, o) != 0) return -1;
    } else if (strcmp(a, "--reference") == 0 || strcmp(a, "--measure") == 0) {
        if (!v || !*v) {
            usage_error(cmd, "%s: missing value (expected a name, got nothing)", a);
            return -1;
        }
        if (a[2] == 'r') o->reference = v;
        else o->measure = v;
    } else if (strcmp(a, "--tie") == 0) {
        if (tie_parse(v, &o->tie, why, sizeof why) != 0) {
            usage_error(cmd, "--tie: invalid value (expected %s, got %s)", why, v ? v : "nothing");
            return -1;
        }
    } else if (strcmp(a, "--interval") == 0 || strcmp(a, "--reading") == 0) {
        int k = a[2] == 'i' ? interval_parse(v) : reading_parse(v);
        if (k < 0) {
            usage_error(cmd, "%s: invalid value (expected %s, got %s)", a,
                        a[2] == 'i' ? "units, task, optimizer, crossed or seeds"
                                    : "not-worse or non-inferior",
                        v ? v : "nothing");
            return -1;
        }
        if (a[2] == 'i') o->interval = (Interval)k;
        else o->reading = (Reading)k;
    } else if (strcmp(a, "--alpha") == 0 || strcmp(a, "--claim") == 0) {
        errno = 0;
        double x = v ? strtod(v, &end) : NAN;
        if (!v || *end || errno || !(x > 0 && x < 1)) {
            usage_error(cmd, "%s: invalid value (expected a number in (0, 1), got %s)", a,
                        v ? v : "nothing");
            return -1;
        }
        if (a[2] == 'a') o->alpha = x;
        else o->claim = x;
    } else {
        return 0;
    }
    (*i)++;
    return 1;
}

static int cmd_compare(int argc, char **argv) {
    CompareOpts o = compare_defaults();
    const char **arms = xcalloc((size_t)argc + 1, sizeof(char *));
    int narms = 0, rc = EXIT_USAGE, trend = 0;
    const char *not_trend = NULL; /* an option that --trend does not take */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (is_help(a)) {
            free(arms);
            return print_help(command("compare"));
        }
        int took = compare_option("compare", argc, argv, &i, &o);
        if (took < 0) goto out;
        if (took && strcmp(a, "--reference") != 0 && strcmp(a, "--measure") != 0 && !not_trend)
            not_trend = a;
        if (took) continue;
        if (strcmp(a, "--multiverse") == 0) {
            o.multiverse = 1;
            not_trend = not_trend ? not_trend : a;
        } else if (strcmp(a, "--trend") == 0) {
            trend = 1;
        } else if (a[0] == '-') {
            rc = usage_error("compare",
                             "%s: unknown option (expected --reference, --measure, "
                             "--tie, --reading, --interval, --alpha, --claim, --with, "
                             "--multiverse or --trend)",
                             a);
            goto out;
        } else if (!o.dir) {
            o.dir = a;
        } else {
            arms[narms++] = a;
        }
    }
    if (trend && (not_trend || narms)) {
        rc = usage_error("compare",
                         "--trend: with %s (expected only --reference and --measure "
                         "beside --trend, and one folder)",
                         not_trend ? not_trend : arms[0]);
        goto out;
    }
    if (narms && !o.multiverse) {
        rc = usage_error("compare",
                         "%s: unexpected argument (expected one folder; several only "
                         "with --multiverse, one arm each)",
                         arms[0]);
        goto out;
    }
    if (narms && o.nwith) {
        rc = usage_error("compare",
                         "%s: unexpected argument (expected --with folders or "
                         "--multiverse arms, not both)",
                         arms[0]);
        goto out;
    }
    o.arms = arms;
    if (!o.dir) {
        rc = usage_error("compare", "missing folder (expected DIR with runs.csv, got %s)",
                         "nothing");
        goto out;
    }
    Err e = {0};
    for (int k = -1; k < narms; k++) /* paths in them are never cut */
        if (fs_check_dir_len("compare: DIR", k < 0 ? o.dir : arms[k], &e) != 0) {
            err_print(&e);
            goto out;
        }
    /* compare writes its files into DIR: one lrlab at a time (a folder lrlab cannot write is
     * only read, and compare then says it cannot write) */
    Folder lock = {.fd = -1};
    struct stat dst;
    if (stat(o.dir, &dst) == 0 && S_ISDIR(dst.st_mode) &&
        folder_claim(o.dir, NULL, NULL, 1, &lock, &e) != 0) {
        err_print(&e);
        rc = e.code ? e.code : EXIT_USAGE;
        goto out;
    }
    rc = trend ? trend_main(&o) : compare_main(&o);
    folder_release(&lock);
out:
    free(arms);
    return rc;
}

/* ---- lrlab report ---- */

static int cmd_report(int argc, char **argv) {
    const char *dir = NULL, *paper = NULL;
    CompareOpts o = compare_defaults();
    const char *arms[REPORT_ARMS_MAX + 1] = {0}, *size = NULL;
    int narms = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (is_help(a)) return print_help(command("report"));
        int took = compare_option("report", argc, argv, &i, &o);
        if (took < 0) return EXIT_USAGE;
        if (took) continue;
        if (strcmp(a, "--arm") == 0) {
            if (i + 1 >= argc || !*argv[i + 1])
                return usage_error("report",
                                   "--arm: missing value (expected a result folder, "
                                   "got %s)",
                                   "nothing");
            if (narms == REPORT_ARMS_MAX)
                return usage_error("report",
                                   "--arm: too many (expected at most %d, got %s "
                                   "more)",
                                   REPORT_ARMS_MAX, argv[i + 1]);
            arms[narms++] = argv[++i];
            o.arms = arms;
        } else if (strcmp(a, "--size") == 0) {
            if (i + 1 >= argc || !*argv[i + 1])
                return usage_error("report",
                                   "--size: missing value (expected the result folder "
                                   "of a model-size sweep, got %s)",
                                   "nothing");
            size = argv[++i];
        } else if (strcmp(a, "--paper") == 0) {
            if (i + 1 >= argc || !*argv[i + 1])
                return usage_error("report", "--paper: missing value (expected a folder, got %s)",
                                   "nothing");
            paper = argv[++i];
        } else if (a[0] == '-') {
            return usage_error("report",
                               "%s: unknown option (expected --paper, --arm, --size, "
                               "--reference, --measure, --tie, --reading, --interval, "
                               "--alpha, --claim or --with)",
                               a);
        } else if (dir) {
            return usage_error("report", "%s: unexpected argument (expected one folder)", a);
        } else {
            dir = a;
        }
    }
    if (!dir)
        return usage_error("report",
                           "missing folder (expected DIR with the results of lrlab run, "
                           "got %s)",
                           "nothing");
    if (narms && o.nwith)
        return usage_error("report",
                           "--arm %s: not with --with (expected the arms' folders, "
                           "each complete, or --with folders joined into one)",
                           arms[0]);
    Err e = {0};
    if (report_main(dir, paper, size, &o, &e) == 0) return EXIT_OK;
    if (e.msg[0]) err_print(&e);
    return e.code ? e.code : EXIT_RUN;
}

static int cmd_trace(int argc, char **argv) { return trace_main(argc, argv); }

/* ---- lrlab verify ---- */

static int cmd_verify(int argc, char **argv) {
    VerifyOpts o = {.sample = 20};
    Err be = {0};
    if (blas_mode_default(&o.blas, &be) != 0) {
        err_print(&be);
        return EXIT_USAGE;
    }
    int sample_given = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (is_help(a)) return print_help(command("verify"));
        if (strcmp(a, "--sample") == 0) {
            char *end;
            errno = 0;
            long n = v ? strtol(v, &end, 10) : 0;
            if (!v || !*v || *end || errno || n < 1 || n > 1000000)
                return usage_error("verify",
                                   "--sample: invalid value (expected an integer from "
                                   "1 to 1000000, got %s)",
                                   v ? v : "nothing");
            o.sample = n;
            sample_given = 1;
            i++;
        } else if (strcmp(a, "--seed") == 0) {
            if (!v || parse_u64(v, &o.seed) != 0)
                return usage_error("verify",
                                   "--seed: invalid value (expected a non-negative "
                                   "integer, got %s)",
                                   v ? v : "nothing");
            i++;
        } else if (strcmp(a, "--cells") == 0) {
            if (!v || !*v)
                return usage_error("verify", "--cells: missing value (expected ID,ID,..., got %s)",
                                   "nothing");
            o.cells = v;
            i++;
        } else if (strcmp(a, "--blas") == 0) {
            int rc = blas_option("verify", v, &o.blas);
            if (rc) return rc;
            i++;
        } else if (a[0] == '-') {
            return usage_error("verify",
                               "%s: unknown option (expected --sample, --seed, --cells "
                               "or --blas)",
                               a);
        } else if (o.dir) {
            return usage_error("verify", "%s: unexpected argument (expected one folder)", a);
        } else {
            o.dir = a;
        }
    }
    if (!o.dir)
        return usage_error("verify",
                           "missing folder (expected DIR with the results of lrlab "
                           "run, got %s)",
                           "nothing");
    if (o.cells && sample_given)
        return usage_error("verify", "--cells and --sample: both given (expected %s)",
                           "one of them");
    int rc = enter_blas(o.blas);
    return rc ? rc : verify_main(&o);
}

static int cmd_train_policy(int argc, char **argv) { return ppo_main(argc, argv); }

static const Command commands[] = {
    {"run",
     "lrlab run FILE.lua [--out DIR] [--check] [--fresh] [--pack] [-j N] [--shard K/N] [--phase P] "
     "[--reuse DIR]... [--define KEY=VALUE]... [...]",
     "Runs every cell of the experiment FILE.lua declares (tasks x optimizers x schedulers x\n"
     "seeds) and writes results to results/<experiment>/ (or DIR):\n"
     "  runs.csv     one row per cell and stage (10%, 50%, 100% of steps)\n"
     "  curves.csv   learning rate and training loss against step\n"
     "  evals.csv    training objective, validation loss and task metric at each evaluation\n"
     "  figures/     one PNG per task and optimizer (and the gnuplot script that drew it)\n"
     "Cells already complete in the output folder are not trained again: after an\n"
     "interruption (even kill -9), the same command resumes and ends with the same bytes.\n\n"
     "  --out DIR            output folder\n"
     "  --check              validate the script and the data, print the plan, the cells\n"
     "                       done and the time the cells still to train would take; write\n"
     "                       nothing\n"
     "  --fresh              retrain every cell, ignoring earlier results\n"
     "  --retry-failed       train again the cells recorded as failed (crash, time limit)\n"
     "  --pack               when every cell is complete, pack the folder (lrlab pack: a\n"
     "                       few compressed files instead of three per cell; every command\n"
     "                       reads it, and a packed folder given as --out resumes from its\n"
     "                       store and is packed again)\n"
     "  -j, --jobs N         worker processes (default: the number of cores)\n"
     "  --shard K/N          run only cells whose plan index is K-1 modulo N (join the\n"
     "                       shards' folders with lrlab merge)\n"
     "  --phase P            all (default: tune, then the evaluation cells), tune (the tuning\n"
     "                       stage only: with --shard K/N the shard's cells of its first\n"
     "                       round not done; unsharded every round, tuning.csv and plan.csv)\n"
     "                       or eval (the evaluation cells; the tuning cells are read from DIR\n"
     "                       or the --reuse folders, never trained)\n"
     "  --reuse DIR          take every complete cell whose id matches from DIR (repeatable,\n"
     "                       searched in order) instead of training it: checked against its\n"
     "                       hashes, refused when DIR was made from other data or by a results\n"
     "                       format this lrlab does not read; each cell taken is listed in\n"
     "                       reuse.csv; a corrupt one is trained again, with a line\n"
     "  --cell-timeout S     a cell running longer than S seconds is recorded as failed\n"
     "                       (default: 20 times its estimate on this machine, at least\n"
     "                       60 s, plus 2 ms a step with Lua functions; none: no limit)\n"
     "  --seed N             seed of Lua's math.random in the script (default 0)\n"
     "  --define KEY=VALUE   define.KEY = \"VALUE\" in the script, for one script with several\n"
     "                       arms (repeatable, at most 16; KEY and VALUE names without =);\n"
     "                       recorded in provenance.txt, and a folder made with other defines\n"
     "                       is refused as --out\n"
     "  --blas MODE          portable (default: OpenBLAS's Haswell kernel whatever the CPU, the\n"
     "                       same bytes on every x86-64 machine with AVX2 and FMA) or native\n"
     "                       (the kernel OpenBLAS picks for this CPU: faster on some, its bytes\n"
     "                       match only machines that pick the same); default $LRLAB_BLAS\n"
     "  --quiet              no progress and no comparison table printed (its files are\n"
     "                       still written)\n"
     "  --verbose            one line per finished cell\n",
     cmd_run},
    {"list",
     "lrlab list [tasks|optimizers|schedulers] | lrlab list --versions FILE.lua [--define "
     "KEY=VALUE]...",
     "Prints every component with its version and its parameters: type, range, default and\n"
     "meaning. A component's version goes up whenever its results change for the same\n"
     "parameters; a cell id includes it (from version 2 on), so results of an older version are\n"
     "never taken for new ones.\n\n"
     "  --versions FILE.lua  instead, one line: the version of each task, optimizer and\n"
     "                       scheduler the experiment script uses (run as lrlab run runs it,\n"
     "                       --seed 0, with the --define pairs given), e.g. \"versions: task nmf\n"
     "                       1; optimizer sgd 1, adam 1; scheduler constant 1, greedy 1\"\n",
     cmd_list},
    {"compare",
     "lrlab compare DIR [MORE...] [--with OTHER ...] [--reference greedy] [--measure M] [--tie "
     "RULE] [--reading R] [--interval U] [--alpha 0.05] [--claim 0.9] [--multiverse]",
     "Compares, from the results in DIR, the reference scheduler with each baseline: paired by\n"
     "task, optimizer and seed, at 10%, 50% and 100% of the steps.\n"
     "  paper counting: every seed a datapoint, Delta = baseline - reference against the tie\n"
     "    tolerance: yes, yes*, no*, no, and the paper's five percentages; the paper's own rule\n"
     "    (abs:0.1) is always reported beside the chosen one, and a task more than half of\n"
     "    whose comparisons are ties is named\n"
     "  statistics: per (measure, stage, task, optimizer, baseline) the Wilcoxon signed-rank\n"
     "    and sign tests over seeds, Holm's correction per measure, task and optimizer (all\n"
     "    baselines and stages), two readings of \"as good or better\" (below), the share of\n"
     "    units as good or better with a bootstrap interval, and the verdict on the claim\n"
     "  across schedulers: performance profiles and mean ranks\n"
     "Measures: train_loss (default, the paper's), val_loss, metric, auc, steps_to_target,\n"
     "seconds_to_target, evals_to_target: the loss and gradient evaluations (one per step)\n"
     "and the scheduler's extra loss evaluations (runs.csv loss_evals, a line search's trials)\n"
     "spent up to the step that reaches the target; loss_evals is a run's total, spread evenly\n"
     "over its steps (exact for schedulers that spend none, and at the last step). Diverged or\n"
     "failed runs count as worse than any finite result.\n"
     "Writes comparisons.csv, tests.csv, verdict.csv (with the settings used), profiles.csv and\n"
     "ranks.csv in DIR.\n\n"
     "  --reference LABEL   the scheduler under test (default greedy)\n"
     "  --measure M         the primary measure of the verdict (default train_loss)\n"
     "  --tie RULE          the tie tolerance tau (default task:0.01):\n"
     "                        abs:X   X on every task (paper = abs:0.1, the paper's rule)\n"
     "                        rel:X   X times the baseline's value\n"
     "                        task:X  X times the task's scale: |median| of its baselines'\n"
     "                                values of the measure at that stage\n"
     "                        sd:K    K times the baselines' seed-to-seed standard deviation\n"
     "                                on the task and optimizer\n"
     "  --reading R         the verdict's reading (default not-worse; both are reported):\n"
     "                        not-worse     not shown worse (no significant loss beyond tau)\n"
     "                        non-inferior  shown within tau (one-sided test of Delta + tau)\n"
     "  --interval U        what the bootstrap resamples (default crossed):\n"
     "                        units, task, optimizer, crossed (tasks x optimizers, with seeds\n"
     "                        resampled within and the tests redone), seeds (seeds only; the\n"
     "                        seed-level interval, always reported beside)\n"
     "  --alpha A           significance level (default 0.05)\n"
     "  --claim C           the claimed fraction (default 0.9)\n"
     "  --with OTHER        joins the runs of the result folder OTHER with DIR's by cell id\n"
     "                      before anything is computed (repeatable, at most 8 folders; the\n"
     "                      outputs are written in DIR only). A cell id is the hash of the\n"
     "                      cell's whole configuration: a cell in several folders must have the\n"
     "                      same rows in each (runs.csv apart from its experiment column,\n"
     "                      evals.csv), a (task, optimizer, scheduler, seed) must be the same\n"
     "                      cell id in every folder, and OTHER must share a task and optimizer\n"
     "                      with DIR; otherwise it is refused (exit 2, nothing written). OTHER\n"
     "                      must not be DIR itself. verdict.csv's settings name the folders\n"
     "                      (;with=OTHER); not with MORE folders\n"
     "  --multiverse        also the verdict under every combination of tie rule (abs:0.1,\n"
     "                      rel:0.01, task:0.01), measure, stage (10, 50, 100, all), reading,\n"
     "                      interval and optimizer left out: DIR/multiverse.csv and the\n"
     "                      specification curve DIR/figures/multiverse.png. MORE folders, one\n"
     "                      arm each (provenance.txt \"arm: NAME\", else the experiment), add\n"
     "                      their rows (each over its own tasks, optimizers, schedulers, seeds)\n"
     "  --trend             instead, the reference's advantage against model size: per task,\n"
     "                      optimizer and baseline the median over seeds of (baseline -\n"
     "                      reference) / the task's scale at the end; per family (tasks.csv's\n"
     "                      kind: lrlab run writes each task's kind and parameter count there)\n"
     "                      Spearman's rho and the Theil-Sen slope against log10(parameters),\n"
     "                      and a permutation test of the summed rho within families. Writes\n"
     "                      trend.csv, trend-test.csv and figures/trend.png; takes only\n"
     "                      --reference and --measure\n",
     cmd_compare},
    {"trace", trace_usage, trace_help, cmd_trace},
    {"merge", "lrlab merge OUT DIR... [--quiet]",
     "Joins the output folders of the shards of one plan (lrlab run --shard K/N) into OUT:\n"
     "refuses folders of different plans, a cell present in two folders, or a cell missing\n"
     "from all of them. Then writes runs.csv, curves.csv, evals.csv, figures and the\n"
     "comparison table in OUT as lrlab run does.\n",
     cmd_merge},
    {"pack", "lrlab pack DIR [--quiet]",
     "Packs a finished result folder (every cell complete) into a few compressed files:\n"
     "cells.csv.gz (every cell's stage rows), curves.csv.gz and evals.csv.gz (curves.csv and\n"
     "evals.csv, one gzip member per cell: gzip -dc gives the same bytes), tuning-curves.csv.gz\n"
     "and tuning-evals.csv.gz (the tuning cells'), tuning-timing.csv. It keeps runs.csv,\n"
     "timing.csv, the comparison files and figures, and the first seed's curves/ID.csv (the\n"
     "learning-rate figures of lrlab report), and removes the per-cell files and the plain\n"
     "curves.csv and evals.csv, after checking that the packed forms decode to the same bytes.\n"
     "Every command reads a packed folder: report, compare, verify, run --reuse DIR, and run\n"
     "--out DIR (its cells are taken from the store, not trained again). A folder already\n"
     "packed is left as it is. lrlab run --pack packs its folder when the run ends.\n",
     cmd_pack},
    {"report",
     "lrlab report DIR [--paper PAPER] [--arm OTHER ...] [--size SIZE] [--with OTHER ...] [--tie "
     "RULE] [--reading R] [--interval U] [--reference L] [--measure M] [--alpha A] [--claim C]",
     "Writes the results of a paper from the result files in DIR into PAPER (default\n"
     "DIR/report). It uses DIR's comparison files only when lrlab compare made them with the\n"
     "same settings (verdict.csv records them); otherwise it runs lrlab compare DIR with its\n"
     "own settings first, so no table mixes two. Every generated file names the settings:\n"
     "  report.md               a results section: what was compared, the paper's counting,\n"
     "                          the statistics and the verdict, ranks, a summary per task,\n"
     "                          every table and figure with its caption\n"
     "  tables/NAME.md, .tex    each table in Markdown and in LaTeX (booktabs)\n"
     "  figures/NAME.gp         gnuplot scripts, beside the PNG and PDF they draw: the paper's\n"
     "                          categories, Delta by stage, performance profiles, learning\n"
     "                          rates and validation loss per task\n"
     "  figures/data/NAME.csv   what the figures plot that no result file holds\n"
     "Reads only result files; the same results give the same bytes, and every generated file\n"
     "says so in its first line.\n\n"
     "  --paper PAPER   output folder, e.g. paper/ (default DIR/report)\n"
     "  --arm OTHER     another arm of the study (a result folder trained with other\n"
     "                  choices, repeatable, at most 16): report runs lrlab compare DIR OTHER...\n"
     "                  --multiverse and adds a section with every arm's verdict, how often\n"
     "                  the claim holds under each choice, and the specification curve\n"
     "  --size SIZE     a model-size sweep's result folder (its tasks.csv: each task a size):\n"
     "                  report runs lrlab compare SIZE --trend and adds a section with the\n"
     "                  trend test of the reference's advantage against parameters, its\n"
     "                  table and figure\n"
     "  --with OTHER    the runs of the result folder OTHER (with its plan.csv) joined with\n"
     "                  DIR's by cell id, as for lrlab compare (repeatable, at most 8); the\n"
     "                  figures read each cell's curves from the folder it came from\n"
     "  --tie, --reading, --interval, --reference, --measure, --alpha, --claim\n"
     "                  the comparison settings, as for lrlab compare (same defaults)\n",
     cmd_report},
    {"verify", "lrlab verify DIR [--sample N] [--seed S] [--cells ID,...] [--blas MODE]",
     "Trains again, on this machine, a sample of the complete cells of the result folder DIR\n"
     "(tuning cells included) and compares them with DIR's own rows: runs.csv, evals.csv,\n"
     "the curves DIR keeps and tuning.csv. Prints one line per cell, identical or different\n"
     "with the largest absolute and relative difference of the training objective, the\n"
     "validation loss and the metric at each stage, then\n"
     "  verified: K of N cells byte-identical (...)\n"
     "The script and the data must be the ones that made DIR (their sha256 in\n"
     "DIR/provenance.txt); run it from the folder the results were made in. Never writes\n"
     "into DIR. Exit code 0 when every cell is identical, 1 otherwise, 2 on bad input.\n\n"
     "  --sample N     cells drawn at random (default 20; all of them when DIR has fewer)\n"
     "  --seed S       seed of the draw (default 0): the same seed, the same cells\n"
     "  --cells ID,... these cells instead of a sample\n"
     "  --blas MODE    portable (default) or native, as for lrlab run\n",
     cmd_verify},
    {"train-policy", ppo_usage, ppo_help, cmd_train_policy},
    {0},
};

static int main_help(void) {
    printf("lrlab %s - a reproducible benchmark of learning-rate schedules\n\n"
           "usage: lrlab COMMAND [ARGS]\n\ncommands:\n",
           LRLAB_VERSION);
    for (int i = 0; commands[i].name; i++) printf("  %s\n", commands[i].usage);
    printf("\n  lrlab COMMAND --help    help on one command\n  lrlab --version\n");
    return EXIT_OK;
}

/* command_names: "run, list or compare", from the table, for error messages. */
static void command_names(char *out, size_t n) {
    size_t off = 0;
    out[0] = '\0';
    for (int i = 0; commands[i].name && off < n; i++) {
        const char *sep = i == 0 ? "" : commands[i + 1].name ? ", " : " or ";
        int w = snprintf(out + off, n - off, "%s%s", sep, commands[i].name);
        if (w < 0) break;
        off += (size_t)w;
    }
}

int main(int argc, char **argv) {
    blas_set_argv(argv);
    memlimit_blas_threads(argv); /* under ulimit -v: no OpenBLAS thread to spin */
    char names[256];
    command_names(names, sizeof names);
    if (argc < 2) {
        fprintf(stderr, "lrlab: missing command (expected %s, got nothing)\nhint: lrlab --help\n",
                names);
        return EXIT_USAGE;
    }
    if (is_help(argv[1])) return main_help();
    if (strcmp(argv[1], "--version") == 0) {
        printf("lrlab %s (%s)\n", LRLAB_VERSION, lrlab_git_commit);
        return EXIT_OK;
    }
    folder_set_command(argc, argv); /* named in the lock of a folder it writes */
    const Command *c = find_command(argv[1]);
    if (c) return c->fn(argc - 1, argv + 1);
    fprintf(stderr, "lrlab: %s: unknown command (expected %s)\nhint: lrlab --help\n", argv[1],
            names);
    return EXIT_USAGE;
}
