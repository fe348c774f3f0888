/* run.c - the experiment runner: worker processes, resume, shards, progress (see run.h). */
#define _GNU_SOURCE /* pipe2 */
#include "harness/engine/run.h"
#include "harness/base/version.h"

#include "harness/base/blas.h"
#include "harness/base/clock.h"
#include "harness/base/csvio.h"
#include "harness/base/fsutil.h"
#include "harness/base/memlimit.h"
#include "harness/base/sha256.h"
#include "harness/base/watchdog.h"
#include "harness/engine/folder.h"
#include "harness/engine/pack.h"
#include "harness/engine/plan.h"
#include "harness/engine/results.h"
#include "harness/engine/reuse.h"
#include "harness/engine/train.h"
#include "harness/engine/tune.h"
#include "harness/lua/config.h"
#include "harness/optim/optim.h"
#include "tasks/data/cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

const char *run_datadir(void) {
    const char *d = getenv("LRLAB_DATA");
    return d && *d ? d : "data";
}

/* preflight: run_preflight, keeping each task's number of trainable parameters (its n once
 * created) in nparams[ntasks] when given. */
static int preflight(const Experiment *ex, const TaskEnv *env, size_t *nparams, Err *e) {
    for (int i = 0; i < ex->ntasks; i++) {
        Task t;
        if (task_create(&t, ex->tasks[i].task, &ex->tasks[i].p, 0, env, ex->tasks[i].where, e) != 0)
            return -1;
        if (nparams) nparams[i] = t.n;
        task_destroy(&t);
    }
    return 0;
}

int run_preflight(const Experiment *ex, const TaskEnv *env, Err *e) {
    return preflight(ex, env, NULL, e);
}

/* tasks.csv: one row per task of the plan, in plan order: its label, registry name (kind),
 * number of trainable parameters (nparams, from the preflight), steps and eval_every; what
 * lrlab compare --trend reads. Written atomically beside plan.csv. */
static int tasks_write(const char *dir, const Plan *p, const size_t *nparams, Err *e) {
    const Experiment *ex = p->ex;
    Buf b = {0};
    buf_printf(&b, "task,kind,params,steps,eval_every\n");
    for (int i = 0; i < ex->ntasks; i++) {
        const Cell *c = NULL;
        for (int k = 0; k < p->n && !c; k++)
            if (p->cells[k].task == &ex->tasks[i]) c = &p->cells[k];
        LR_ASSERT(c); /* every task has cells */
        csvio_field(&b, ex->tasks[i].label, 1);
        csvio_field(&b, ex->tasks[i].name, 0);
        csvio_int(&b, (long long)nparams[i], 0);
        csvio_int(&b, (long long)c->steps, 0);
        csvio_int(&b, (long long)c->eval_every, 0);
        csvio_end(&b);
    }
    char path[FS_PATH_MAX];
    int rc = fs_path(path, sizeof path, e, "%s/tasks.csv", dir) != 0 ||
                     fs_write_atomic(path, b.s, b.len, e) != 0
                 ? -1
                 : 0;
    buf_free(&b);
    return rc;
}

static int cmp_names(const void *a, const void *b) { return strcmp(a, b); }
static int cmp_strp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* folder_digest: the sha256 of a folder's files, two levels deep: of the lines "REL sha256
 * HEX\n" of its regular files in name order (a folder inside it by its own digest); counts
 * the files. A link is followed, as the per-file lines of hash_tree and the data loaders do
 * (a folder of links to the data once gave the digest of nothing, "0 files"). */
static void folder_digest(const char *path, int depth, char out[65], int *nfiles) {
    DIR *d = opendir(path);
    Sha256 h;
    sha256_init(&h);
    int n = 0, cap = 0;
    char **names = NULL;
    struct dirent *de;
    while (d && (de = readdir(d)))
        if (de->d_name[0] != '.') {
            if (n == cap)
                names = xrealloc(names, sizeof(char *) * (size_t)(cap = cap ? 2 * cap : 256));
            names[n++] = xstrdup(de->d_name);
        }
    if (d) closedir(d);
    qsort(names, (size_t)n, sizeof(char *), cmp_strp);
    for (int i = 0; i < n; i++) {
        char full[8192], sum[65];
        struct stat st;
        snprintf(full, sizeof full, "%.4000s/%.255s", path, names[i]);
        if (stat(full, &st) != 0) continue; /* through links, as the data sets are read */
        if (S_ISDIR(st.st_mode) && depth < 1) {
            folder_digest(full, depth + 1, sum, nfiles);
            sha256_update(&h, names[i], strlen(names[i]));
            sha256_update(&h, "/ sha256 ", 9);
        } else if (S_ISREG(st.st_mode) && sha256_file(full, sum) == 0) {
            (*nfiles)++;
            sha256_update(&h, names[i], strlen(names[i]));
            sha256_update(&h, " sha256 ", 8);
        } else {
            continue;
        }
        sha256_update(&h, sum, 64);
        sha256_update(&h, "\n", 1);
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    sha256_hex(&h, out);
}

/* The data folder's files with their sha256, two levels deep; a folder of more than 64
 * entries (the SpamAssassin e-mails) by its digest (folder_digest) and file count, and so is a
 * folder at the second level. */
static void hash_tree(Buf *b, const char *root, const char *rel, int depth) {
    char path[8192];
    snprintf(path, sizeof path, "%.4000s%s%.2000s", root, *rel ? "/" : "", rel);
    DIR *d = opendir(path);
    if (!d) return;
    struct dirent *de;
    char(*names)[256] = xcalloc(65, 256);
    int n = 0, more = 0;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.') {
            if (n < 65) snprintf(names[n++], 256, "%s", de->d_name);
            else more++;
        }
    closedir(d);
    if (n > 64) {
        char sum[65];
        int nfiles = 0;
        folder_digest(path, 0, sum, &nfiles);
        buf_printf(b, "data: %s/ sha256 %s (%d entries, %d files)\n", rel, sum, n + more, nfiles);
        free(names);
        return;
    }
    qsort(names, (size_t)n, 256, cmp_names);
    for (int i = 0; i < n; i++) {
        char sub[2400], full[8192], sum[65];
        snprintf(sub, sizeof sub, "%.2000s%s%.255s", rel, *rel ? "/" : "", names[i]);
        snprintf(full, sizeof full, "%.4000s/%s", root, sub);
        DIR *isdir = opendir(full);
        if (isdir) {
            closedir(isdir);
            if (depth < 1) {
                hash_tree(b, root, sub, depth + 1);
            } else {
                int nfiles = 0;
                folder_digest(full, 1, sum, &nfiles);
                buf_printf(b, "data: %s/ sha256 %s (%d files)\n", sub, sum, nfiles);
            }
        } else if (sha256_file(full, sum) == 0) {
            buf_printf(b, "data: %s sha256 %s\n", sub, sum);
        }
    }
    free(names);
}

void run_data_lines(Buf *b) { hash_tree(b, run_datadir(), "", 0); }

void run_folder_digest(const char *path, int depth, char out[65], int *nfiles) {
    *nfiles = 0;
    folder_digest(path, depth, out, nfiles);
}

static const char *const phase_names[] = {"all", "tune", "eval"};

/* provenance.txt: what made the folder. The plan's components are described, not its cells:
 * plan.csv lists every cell with its id. */
static void provenance(const char *dir, const RunOpts *o, const Plan *p, const Buf *data, Err *e) {
    Buf b = {0};
    char sum[65] = "unreadable";
    sha256_file(o->script, sum);
    buf_printf(&b, "# generated by lrlab: how these results were made\n");
    buf_printf(&b, "lrlab_version: %s\ngit_commit: %s\ncompiler: %s\nbuild: %s\n", LRLAB_VERSION,
               lrlab_git_commit, LRLAB_COMPILER, LRLAB_CFLAGS);
    buf_printf(&b, "results_format: %d\n", RESULTS_FORMAT);
    blas_provenance(&b);
    plan_versions(p->ex, &b);
    buf_printf(&b, "script: %s sha256 %s\nlua_seed: %llu\n", o->script, sum,
               (unsigned long long)o->lua_seed);
    if (o->defines.n) { /* only then: a folder made without --define keeps its bytes */
        char defs[DEFINES_TEXT_MAX];
        defines_text(&o->defines, defs);
        buf_printf(&b, "defines: %s\n", defs);
    }
    buf_printf(&b, "shard: %d/%d\n", o->shard.k, o->shard.n);
    if (o->phase != PHASE_ALL) buf_printf(&b, "phase: %s\n", phase_names[o->phase]);
    for (int i = 0; i < o->nreuse; i++)
        buf_printf(&b, "reuse: %s (the cells taken: reuse.csv)\n", o->reuse[i]);
    if (p->ex->arm[0]) buf_printf(&b, "arm: %s\n", p->ex->arm);
    buf_printf(&b, "data_dir: %s\n", run_datadir());
    buf_append(&b, data->s ? data->s : "", data->len);
    buf_printf(&b, "plan:\n");
    plan_describe(p, &b, 0, 0);
    buf_printf(&b, "cells: plan.csv (id, task, optimizer, scheduler, seed, lr, steps of each)%s\n",
               p->ex->tune ? "; tuning cells: tuning-cells.csv" : "");
    char path[4096];
    snprintf(path, sizeof path, "%s/provenance.txt", dir);
    fs_write_atomic(path, b.s, b.len, e);
    buf_free(&b);
}

/* same_defines: 0 when the output folder dir has no provenance.txt yet (as a regular file) or
 * one of the same defines as this run (no defines line: none); else -1 with e naming both. A
 * folder holds one arm of a study: a resume, a shard or a join of another arm into it would
 * mix them. */
static int same_defines(const char *dir, const RunOpts *o, Err *e) {
    char path[FS_PATH_MAX], now[DEFINES_TEXT_MAX];
    struct stat st;
    if (fs_path(path, sizeof path, e, "%s/provenance.txt", dir) != 0) return -1;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    char *text = fs_read(path, NULL);
    if (!text) return 0;
    const char *had = results_line_find(text, "defines"); /* NULL: made without --define */
    size_t len = had ? strcspn(had, "\n") : 0;
    defines_text(&o->defines, now);
    int rc = 0;
    if (len != strlen(now) || (had && strncmp(had, now, len) != 0))
        rc = err_set(e, EXIT_USAGE, dir,
                     "made with other defines (expected this run's, %s, got "
                     "%.*s in its provenance.txt; a folder holds one arm: give another --out)",
                     now[0] ? now : "none", had ? (int)len : 4, had ? had : "none");
    free(text);
    return rc;
}

/* Status of a finished cell, from its file's status field (of a complete cell: every
 * stage row names one of ok, diverged or failed): CELL_OK, CELL_DIVERGED or CELL_FAILED. */
static int cell_status(const char *dir, const char *id) {
    char path[FS_PATH_MAX];
    CsvTable t;
    Err e;
    if (fs_path(path, sizeof path, &e, "%s/cells/%s.csv", dir, id) != 0 ||
        csvio_read(path, results_cell_cols, &t, &e) != 0)
        return CELL_FAILED;
    const char *st = t.nrows > 0 ? csvio_at(&t, t.nrows - 1, 7) : "";
    int status = strcmp(st, "ok") == 0         ? CELL_OK
                 : strcmp(st, "diverged") == 0 ? CELL_DIVERGED
                                               : CELL_FAILED;
    csvio_free(&t);
    return status;
}

/* ---- workers ----
 *
 * A worker is a process forked once per stage that trains cells one after another: the
 * runner writes a cell's plan index to the worker's pipe, the worker trains the cell, writes
 * its result files and answers on its own pipe with a Report. A crash or a time limit kills
 * the worker, not the run: the runner records the cell as failed and forks a new worker.
 *
 * A cell with a Lua function among its parameters (scheduler "lua") is trained in a process
 * forked for it by the worker, so that it starts from the script's Lua state as the plan left
 * it: globals a Lua function sets cannot reach the next cell, whatever -j or the order. The
 * worker itself never runs Lua. Nothing else in a cell keeps state between cells (the data
 * cache is read-only here), so the results do not depend on which worker trained what. */

/* What a worker says of each cell, in one write (under PIPE_BUF: never interleaved). */
#define WORKER_MSG 512
typedef struct Report {
    int32_t cell;   /* plan index */
    int32_t ok;     /* 1: result files written (msg: why a failed cell failed); 0: not, and
                     * msg says why */
    int32_t status; /* CELL_OK, CELL_DIVERGED or CELL_FAILED */
    int32_t signal; /* the cell's own process died of this signal (Lua cells); 0 otherwise */
    char msg[WORKER_MSG];
} Report;

/* Trains one cell and writes its files, its wall seconds first (to the timing log, `timing`:
 * a cell complete on disk has its time, whenever the process is killed); returns its status,
 * or -1 with the reason in rep->msg when the files cannot be written. */
static int train_and_write(const Cell *c, const TaskEnv *env, const char *dir, int timing,
                           Report *rep) {
    /* fault injection for the runner's tests: LRLAB_FAULT_CRASH / LRLAB_FAULT_HANG name a
     * cell id that crashes (SIGSEGV) or never finishes */
    const char *crash = getenv("LRLAB_FAULT_CRASH"), *hang = getenv("LRLAB_FAULT_HANG");
    if (crash && strcmp(crash, c->id) == 0) { /* a real signal death, even when a sanitizer
                                               * runtime has installed its own handler */
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
    }
    if (hang && strcmp(hang, c->id) == 0)
        for (;;) pause();
    CellResult r;
    Err e = {0};
    int rc, status = CELL_FAILED;
    if (train_cell(c, env, &r, &e) != 0) {           /* could not start (e.g. the data changed since
                                                      * the preflight): recorded as failed */
        snprintf(rep->msg, WORKER_MSG, "%s", e.msg); /* the reason, printed by the runner */
        rc = results_write_failed(dir, c->id, c->steps, e.msg, &e);
    } else {
        status = r.status;
        if (status == CELL_FAILED) snprintf(rep->msg, WORKER_MSG, "%s", r.reason);
        rc = results_time_append(timing, dir, c->id, r.seconds, &e);
        if (rc == 0) rc = results_write_cell(dir, c->id, &r, &e);
        cell_result_free(&r);
    }
    if (rc != 0) {
        snprintf(rep->msg, WORKER_MSG, "%s", e.msg);
        return -1;
    }
    return status;
}

static bool cell_calls_lua(const Cell *c) {
    return params_has_func(&c->task->p) || params_has_func(&c->optim->p) || params_has_func(c->sp);
}

/* A Lua cell's process ended by the CPU-time watchdog of a Lua call (watchdog.h): the worker
 * records the cell as failed with the reason. */
static void lua_cell_stuck(const Cell *c, const char *dir, const char *why, Report *rep) {
    char reason[WORKER_MSG];
    snprintf(reason, sizeof reason, "%s", why);
    Err e = {0};
    if (results_write_failed(dir, c->id, c->steps, reason, &e) != 0) {
        snprintf(rep->msg, WORKER_MSG, "%s", e.msg);
        return;
    }
    rep->ok = 1;
    rep->status = CELL_FAILED;
    snprintf(rep->msg, WORKER_MSG, "%s", reason);
}

/* A Lua cell in a process of its own, which leaves its report in memory shared with the
 * worker (MAP_SHARED); its exit code says whether it did. */
static void train_lua_cell(const Cell *c, const TaskEnv *env, const char *dir, int timing, int in,
                           int out, Report *shared, Report *rep) {
    *shared = *rep;
    const pid_t worker_pid = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(rep->msg, WORKER_MSG, "%s: cannot start a process for cell %s (%s)", dir, c->id,
                 strerror(errno));
        return;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != worker_pid) _exit(EXIT_RUN); /* the worker died before the prctl */
        close(in); /* the worker's pipes are not this process's to hold open */
        close(out);
        watchdog_call_report(shared->msg, WORKER_MSG); /* a Lua call stuck in C: the reason */
        int st = train_and_write(c, env, dir, timing, shared);
        shared->ok = st >= 0;
        shared->status = st >= 0 ? st : CELL_FAILED;
        _exit(EXIT_OK);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            snprintf(rep->msg, WORKER_MSG, "%s: lost the process of cell %s", dir, c->id);
            return;
        }
    if (WIFSIGNALED(st)) rep->signal = WTERMSIG(st);
    else if (WEXITSTATUS(st) == EXIT_OK) *rep = *shared;
    else if (WEXITSTATUS(st) == WATCHDOG_EXIT_CALL) /* a failed cell, with the reason */
        lua_cell_stuck(c, dir, shared->msg, rep);
    else
        snprintf(rep->msg, WORKER_MSG, "%s: the process of cell %s exited with code %d", dir, c->id,
                 WEXITSTATUS(st));
}

static void worker(const Plan *plan, const TaskEnv *env, const char *dir, int timing, pid_t parent,
                   int in, int out) {
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL); /* the runner ignores it */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* a killed runner leaves no orphans writing */
    if (getppid() != parent) _exit(EXIT_RUN);
    /* the top of the heap stays with the worker for the next cell rather than going back to
     * the kernel and faulting in again (with glibc's dynamic mmap threshold, a cell's large
     * buffers come from the heap after the first cell; addresses never change results:
     * nothing depends on alignment beyond what malloc guarantees). Measured on a matrix of
     * all eleven paper tasks: peak memory 204 MB against 188 MB with a fork per cell; a
     * fixed mmap threshold as well kept 250 MB for no measurable gain. */
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    Report *shared = NULL; /* for Lua cells' processes */
    for (;;) {
        int32_t k;
        ssize_t n = read(in, &k, sizeof k);
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) _exit(EXIT_OK); /* the runner has no more cells */
        if (n != (ssize_t)sizeof k || k < 0 || k >= plan->n) _exit(EXIT_RUN);
        const Cell *c = &plan->cells[k];
        Report rep = {.cell = k, .status = CELL_FAILED};
        if (cell_calls_lua(c)) {
            if (!shared) {
                shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE,
                              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
                if (shared == MAP_FAILED) _exit(EXIT_RUN);
            }
            train_lua_cell(c, env, dir, timing, in, out, shared, &rep);
        } else {
            int st = train_and_write(c, env, dir, timing, &rep);
            rep.ok = st >= 0;
            rep.status = st >= 0 ? st : CELL_FAILED;
        }
        if (write(out, &rep, sizeof rep) != (ssize_t)sizeof rep) _exit(EXIT_RUN);
    }
}

/* ---- progress ---- */

typedef struct Progress {
    int tty, total, done, running, diverged, failed, trained;
    int reused; /* taken from --reuse folders */
    double t0, last;
    int at_start; /* complete before this invocation */
} Progress;

static void fmt_time(char *out, size_t n, double s) {
    long t = (long)(s + 0.5);
    if (t >= 3600) snprintf(out, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else snprintf(out, n, "%ld:%02ld", t / 60, t % 60);
}

static void progress(Progress *p, int final) {
    double t = clock_now();
    if (!final && t - p->last < (p->tty ? 0.25 : 10.0)) return;
    p->last = t;
    char el[32], eta[32] = "?";
    fmt_time(el, sizeof el, t - p->t0);
    if (p->trained > 0) fmt_time(eta, sizeof eta, (t - p->t0) / p->trained * (p->total - p->done));
    if (p->tty)
        fprintf(stderr,
                "\r[%d/%d cells] running %d, diverged %d, failed %d, %s elapsed, ETA %s  %s",
                p->done, p->total, p->running, p->diverged, p->failed, el, final ? "0:00" : eta,
                final ? "\n" : "");
    else
        fprintf(stderr,
                "progress: %d/%d cells, %d running, %d diverged, %d failed, %s elapsed, "
                "ETA %s\n",
                p->done, p->total, p->running, p->diverged, p->failed, el, final ? "0:00" : eta);
}

/* ---- the runner ---- */

typedef struct Slot {
    pid_t pid;    /* the worker; 0: none */
    int to, from; /* the runner's ends of its pipes: cell indices out, reports in */
    int cell;     /* the plan index it trains; -1: idle */
    int queued;   /* the plan index it trains next, already sent; -1: none */
    double start; /* when `cell` started (as far as the runner knows) */
    int timed_out;
    double limit; /* `cell`'s time limit in seconds (cell_limit); 0: none */
} Slot;

int run_finish(const char *dir, const PlanFile *pf, Shard shard, int quiet, RunOutputs outputs,
               Err *e) {
    if (results_merge(dir, pf, shard, e) != 0) return EXIT_RUN;
    return outputs ? outputs(dir, pf, shard, quiet, e) : EXIT_OK;
}

/* same_folder: a and b name one folder (the same path, or the same device and inode). */
static int same_folder(const char *a, const char *b) {
    struct stat sa, sb;
    if (strcmp(a, b) == 0) return 1;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static int ncores(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

typedef struct Runner {
    const RunOpts *o;
    const char *dir;
    TaskEnv env;
    Progress pr;
    int jobs;
    Slot *slots;
    /* run_cells' work arrays, [jobs + 1] (here rather than in run_cells, so that the workers
     * it forks hold no block only its frame points to: memcheck counts those as lost) */
    int *back, *fd_slot;
    struct pollfd *fds;
    int timing;    /* cells/timing.log, appended to as cells end */
    Folder folder; /* the output folder's lock */
    int fatal;
    Err *e;
    double synced; /* when the output's filesystem was last flushed */
    const Experiment *ex;
    double *cost;    /* time_tasks' costs, for the default time limits; NULL: none needed */
    Reuse reuse;     /* --reuse folders */
    const Buf *data; /* run_data_lines */
    int tuning;      /* the cells run_cells trains are tuning cells */
    int refused;     /* a --reuse folder was refused mid-run (exit 2) */
    int shard_round; /* --phase tune --shard: the round this shard did its part of */
} Runner;

/* The default time limit of a cell: CELL_LIMIT_FACTOR times its estimate on this
 * machine (cell_seconds; the machine may be busier while it trains), plus CELL_LIMIT_LUA_STEP
 * a step when it calls Lua functions (not timed by the estimate), and at least
 * CELL_LIMIT_FLOOR seconds. A cell past it is recorded as failed and the matrix goes on. */
#define CELL_LIMIT_FACTOR 20
#define CELL_LIMIT_FLOOR 60.0
#define CELL_LIMIT_LUA_STEP 0.002

static double cell_seconds(const Experiment *ex, const double *cost, const Cell *c);

/* A cell's time limit in seconds: --cell-timeout S, none (0) with --cell-timeout none,
 * otherwise the default above. */
static double cell_limit(const Runner *R, const Cell *c) {
    if (R->o->cell_timeout > 0) return R->o->cell_timeout;
    if (R->o->cell_timeout < 0 || !R->cost) return 0;
    double t = CELL_LIMIT_FACTOR * cell_seconds(R->ex, R->cost, c);
    if (cell_calls_lua(c)) t += CELL_LIMIT_LUA_STEP * (double)c->steps;
    return t > CELL_LIMIT_FLOOR ? t : CELL_LIMIT_FLOOR;
}

/* Pending cells of the shard: not complete (or failed, with --retry-failed, or all, with
 * --fresh); complete ones are counted in the progress. */
static int pending_cells(Runner *R, const Plan *plan, Shard shard, int *pending) {
    int n = 0;
    for (int i = 0; i < plan->n; i++) {
        if (!shard_has(shard, i)) continue;
        const char *id = plan->cells[i].id;
        int complete = !R->o->fresh && results_cell_complete(R->dir, id);
        if (complete && R->o->retry_failed && cell_status(R->dir, id) == CELL_FAILED) complete = 0;
        if (!complete && R->reuse.n) { /* taken from a --reuse folder */
            int rc = reuse_take(&R->reuse, &plan->cells[i], R->tuning, R->dir, R->timing, R->e);
            if (rc < 0) {
                R->fatal = 1;
                R->refused = R->e->code == EXIT_USAGE;
                return -1;
            }
            if (rc == 1 || rc == 2) { /* 2: from the folder's own store (lrlab pack) */
                int st = cell_status(R->dir, id);
                R->pr.done++;
                if (rc == 1) R->pr.reused++;
                else R->pr.at_start++;
                R->pr.diverged += st == CELL_DIVERGED;
                R->pr.failed += st == CELL_FAILED;
                continue;
            }
        }
        if (complete) {
            int st = cell_status(R->dir, id);
            R->pr.done++;
            R->pr.at_start++;
            R->pr.diverged += st == CELL_DIVERGED;
            R->pr.failed += st == CELL_FAILED;
        } else {
            pending[n++] = i;
        }
    }
    return n;
}

/* Flushes the output's filesystem; a failure (a write-back error: the disk, not the cells)
 * stops the run like any fatal error: cells written since the last flush may be lost. */
static void flush_results(Runner *R) {
    if (fs_sync(R->dir) == 0 || R->fatal) return;
    err_set(R->e, EXIT_RUN, R->dir, "cannot flush the results to disk (%s)", strerror(errno));
    R->fatal = 1;
}

/* Forks the worker of slot k; 0 or -1 (R->fatal, R->e). */
static int start_worker(Runner *R, const Plan *plan, int k) {
    int to[2], from[2];
    if (pipe2(to, O_CLOEXEC) != 0) goto fail;
    if (pipe2(from, O_CLOEXEC) != 0) {
        close(to[0]);
        close(to[1]);
        goto fail;
    }
    fflush(stdout);
    fflush(stderr);
    const pid_t self = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        for (int j = 0; j < R->jobs; j++) /* the other workers' pipes are theirs */
            if (R->slots[j].pid) {
                close(R->slots[j].to);
                close(R->slots[j].from);
            }
        close(to[1]);
        close(from[0]);
        worker(plan, &R->env, R->dir, R->timing, self, to[0], from[1]);
    }
    close(to[0]);
    close(from[1]);
    if (pid < 0) {
        close(to[1]);
        close(from[0]);
        goto fail;
    }
    R->slots[k] = (Slot){.pid = pid, .to = to[1], .from = from[0], .cell = -1, .queued = -1};
    return 0;
fail:
    err_set(R->e, EXIT_RUN, R->dir, "cannot start a worker (%s)", strerror(errno));
    R->fatal = 1;
    return -1;
}

/* Closes slot k's pipes and waits for its worker; returns its wait status. */
static int stop_worker(Runner *R, int k) {
    Slot *s = &R->slots[k];
    close(s->to);
    close(s->from);
    int st = 0;
    while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR) {}
    s->pid = 0;
    return st;
}

/* A worker could not write its cell's files (a full disk, say): the run stops, with the
 * first such reason (the others are alike). */
static void cell_unwritten(Runner *R, const Plan *plan, int cell, const char *why) {
    R->pr.running--;
    if (!R->fatal)
        err_set(R->e, EXIT_RUN, *why ? NULL : R->dir,
                "%s%scell %s not recorded, earlier "
                "results are intact",
                why, *why ? "; " : "", plan->cells[cell].id);
    R->fatal = 1;
}

/* A cell's end: its worker's report (rep), or the worker's death by a signal or past its
 * time limit of `timed_out` seconds (rep NULL, wait status st). Records failures, counts,
 * prints. */
static void cell_done(Runner *R, const Plan *plan, int cell, double timed_out, const Report *rep,
                      int st) {
    const RunOpts *o = R->o;
    Progress *pr = &R->pr;
    const Cell *c = &plan->cells[cell];
    const int sig = rep ? rep->signal : WIFSIGNALED(st) ? WTERMSIG(st) : 0;
    char reason[256] = "";
    pr->running--;
    if (timed_out > 0 && o->cell_timeout > 0) {
        snprintf(reason, sizeof reason, "time limit of %g s exceeded", timed_out);
    } else if (timed_out > 0) {
        snprintf(reason, sizeof reason,
                 "time limit of %.0f s exceeded (the default: %d times "
                 "the estimate, at least %.0f s; see --cell-timeout)",
                 timed_out, CELL_LIMIT_FACTOR, CELL_LIMIT_FLOOR);
    } else if (sig && stop_signal) {
        return; /* interrupted: not a result; trained again on resume */
    } else if (sig) {
        snprintf(reason, sizeof reason, "crashed (signal %d: %s)", sig, strsignal(sig));
    }
    if (reason[0] && results_write_failed(R->dir, c->id, c->steps, reason, R->e) != 0) {
        R->fatal = 1;
        return;
    }
    int status = reason[0] ? CELL_FAILED : rep->status;
    pr->done++;
    pr->trained++;
    pr->diverged += status == CELL_DIVERGED;
    pr->failed += status == CELL_FAILED;
    if (o->verbose || (status == CELL_FAILED && !o->quiet)) {
        if (pr->tty) fprintf(stderr, "\r");
        const char *why = reason[0] ? reason : rep && rep->ok ? rep->msg : ""; /* a worker's */
        fprintf(stderr, "cell %s: %s %s %s seed %lld lr %g: %s%s%s\n", c->id, c->task->label,
                c->optim->label, c->sched->label, (long long)c->seed, c->lr0,
                cell_status_name(status), why[0] ? ": " : "", why);
    }
    if (!o->quiet) progress(pr, 0);
}

/* Trains the pending cells in worker processes; returns 0, or -1 when stopped by a signal
 * or a fatal error (R->fatal, R->e). Each worker is sent its next cell while it trains the
 * current one, so that it goes from one to the next without waiting for the runner. */
static int run_cells(Runner *R, const Plan *plan, Shard shard) {
    const RunOpts *o = R->o;
    Progress *pr = &R->pr;
    int *pending = xcalloc((size_t)plan->n + 1, sizeof(int));
    int *back = R->back; /* cells sent to a worker that died */
    int npending = pending_cells(R, plan, shard, pending), next = 0, nback = 0, stopping = 0;
    if (npending < 0) {
        free(pending);
        return -1;
    }
    struct pollfd *fds = R->fds;
    int *fd_slot = R->fd_slot;
    for (int k = 0; k < R->jobs; k++) R->slots[k] = (Slot){.cell = -1, .queued = -1};
    for (;;) {
        /* every worker gets a cell to train, then, while at least one cell a worker is left,
         * its next one (at the end of a stage a queued cell would wait for a busy worker
         * while another is idle) */
        for (int pass = 0; pass < 2; pass++)
            for (int k = 0; k < R->jobs; k++) {
                Slot *s = &R->slots[k];
                const int left = nback + npending - next;
                if (stop_signal || R->fatal || left == 0 || (pass == 0 && s->cell >= 0) ||
                    (pass == 1 && (s->cell < 0 || s->queued >= 0 || left < R->jobs)))
                    continue;
                if (!s->pid && start_worker(R, plan, k) != 0) break;
                int32_t idx = nback ? back[--nback] : pending[next++];
                if (write(s->to, &idx, sizeof idx) != (ssize_t)sizeof idx) {
                    back[nback++] = idx;                /* the worker died: its end is seen below */
                    if (s->cell < 0) stop_worker(R, k); /* idle: a new one takes the cell */
                    continue;
                }
                if (s->cell >= 0) {
                    s->queued = idx;
                } else {
                    *s = (Slot){s->pid, s->to,       s->from, idx,
                                -1,     clock_now(), 0,       cell_limit(R, &plan->cells[idx])};
                    pr->running++;
                }
            }
        if (pr->running == 0 && ((!nback && next == npending) || stop_signal || R->fatal)) break;
        if (stop_signal && !stopping) {
            for (int k = 0; k < R->jobs; k++)
                if (R->slots[k].pid) kill(R->slots[k].pid, SIGTERM);
            stopping = 1;
        }
        int nfds = 0;
        for (int k = 0; k < R->jobs; k++)
            if (R->slots[k].pid && R->slots[k].cell >= 0) {
                fds[nfds] = (struct pollfd){.fd = R->slots[k].from, .events = POLLIN};
                fd_slot[nfds++] = k;
            }
        /* cells past the time limit are killed; then wait until a worker reports or dies,
         * 100 ms pass (the progress line) or the next time limit comes; a signal ends the
         * wait early */
        double t = clock_now(), wait = 0.1;
        for (int k = 0; k < R->jobs; k++) {
            Slot *s = &R->slots[k];
            if (!s->pid || s->cell < 0 || s->limit <= 0 || s->timed_out) continue;
            const double left = s->start + s->limit - t;
            if (left <= 0) {
                kill(s->pid, SIGKILL);
                s->timed_out = 1;
            } else if (left < wait) {
                wait = left;
            }
        }
        int ready = poll(fds, (nfds_t)nfds, (int)(wait * 1000) + 1);
        if (ready <= 0) {
            if (!o->quiet) progress(pr, 0);
            continue;
        }
        for (int i = 0; i < nfds; i++) {
            if (!fds[i].revents) continue;
            const int k = fd_slot[i];
            Slot *s = &R->slots[k], done = *s;
            Report rep;
            ssize_t n;
            while ((n = read(s->from, &rep, sizeof rep)) < 0 && errno == EINTR) {}
            if (n == (ssize_t)sizeof rep && rep.cell == done.cell && !done.timed_out) {
                /* the worker goes on with its queued cell, if any */
                *s = (Slot){
                    s->pid,  s->to,
                    s->from, done.queued,
                    -1,      clock_now(),
                    0,       done.queued >= 0 ? cell_limit(R, &plan->cells[done.queued]) : 0};
                pr->running += done.queued >= 0;
                if (rep.ok || rep.signal) cell_done(R, plan, done.cell, 0, &rep, 0);
                else cell_unwritten(R, plan, done.cell, rep.msg);
                continue;
            }
            /* the worker died (killed past the time limit, crashed, interrupted): its cell
             * ends with it, and its queued cell goes to another */
            int st = stop_worker(R, k);
            *s = (Slot){.cell = -1, .queued = -1};
            if (done.queued >= 0) back[nback++] = done.queued;
            if (done.timed_out || WIFSIGNALED(st))
                cell_done(R, plan, done.cell, done.timed_out ? done.limit : 0, NULL, st);
            else cell_unwritten(R, plan, done.cell, "");
        }
        if (clock_now() - R->synced > 2.0) { /* per-cell files are not fsynced one by one */
            flush_results(R);
            R->synced = clock_now();
        }
    }
    for (int k = 0; k < R->jobs; k++) /* idle workers read the end of their pipe and exit */
        if (R->slots[k].pid) stop_worker(R, k);
    flush_results(R);
    free(pending);
    return stop_signal || R->fatal ? -1 : 0;
}

/* The tuning stage's rounds (tune.h). --phase all and unsharded --phase tune: each round
 * trained whole (the stage decides the plan); the progress counts the cells of a round past
 * the first when it starts. --phase tune --shard K/N: the shard's cells of the first round
 * not complete here or in the --reuse folders, then stop. --phase eval: nothing trained; every
 * cell must be complete here or in a --reuse folder. */
static int round_missing(Runner *R, const Plan *p, Err *e);

static int run_round(void *ctx, const Plan *p, int round, Err *e) {
    Runner *R = ctx;
    const RunOpts *o = R->o;
    R->tuning = 1;
    if (o->phase == PHASE_EVAL) {
        int miss = round_missing(R, p, e);
        if (miss < 0) return -1;
        if (miss == 0) return 0;
        const Cell *c = &p->cells[miss - 1];
        return err_set(e, EXIT_USAGE, "--phase eval",
                       "tuning cell %s (round %d: %s %s %s lr %g "
                       "seed %lld) is complete in none of %s and the --reuse folders (expected "
                       "the tuning stage done: lrlab run SCRIPT --phase tune first)",
                       c->id, round, c->task->label, c->optim->label, c->sched->label, c->lr0,
                       (long long)c->seed, R->dir);
    }
    const int sharded = o->phase == PHASE_TUNE && o->shard.n > 1;
    if (round > 1 && !sharded) R->pr.total += p->n;
    if (sharded) {
        int miss = round_missing(R, p, e);
        if (miss < 0) return -1;
        if (miss == 0) return 0; /* done by every shard: the next round is known */
        if (run_cells(R, p, o->shard) != 0) return 1;
        miss = round_missing(R, p, e);
        if (miss < 0) return -1;
        if (miss == 0) return 0;
        R->shard_round = round;
        return 1;
    }
    Shard all = {1, 1};
    return run_cells(R, p, all) != 0 ? 1 : 0;
}

/* round_missing: 1 + the index of the first cell of p complete neither here nor in a --reuse
 * folder; 0 when every one is; -1 with e. */
static int round_missing(Runner *R, const Plan *p, Err *e) {
    for (int i = 0; i < p->n; i++) {
        if (results_cell_complete(R->dir, p->cells[i].id)) continue;
        double v;
        int rc = R->reuse.n ? reuse_value(&R->reuse, &p->cells[i], 3, &v, e) : 0;
        if (rc < 0) {
            R->refused = 1;
            return -1;
        }
        if (rc == 0) return i + 1;
    }
    return 0;
}

/* A tuning cell's value: from its file here, else where a --reuse folder has it. */
static int tune_value(void *ctx, const Cell *c, int col, double *v, Err *e) {
    Runner *R = ctx;
    if (results_cell_complete(R->dir, c->id)) return results_final_value(R->dir, c->id, col, v, e);
    int rc = R->reuse.n ? reuse_value(&R->reuse, c, col, v, e) : 0;
    if (rc < 0) R->refused = 1;
    if (rc == 0)
        err_set(e, EXIT_RUN, R->dir,
                "tuning cell %s: no complete result (expected it trained "
                "or taken from a --reuse folder)",
                c->id);
    return rc == 1 ? 0 : -1;
}

/* The tuning summary: rounds, cells, and the tuning runs each scheduler received. */
static void tune_summary(const Experiment *ex, const Tuning *tu) {
    printf("tuning: %d round(s), %d tuning runs on %d seed(s); runs per scheduler:", tu->rounds,
           tu->cells, ex->ntune_seeds);
    for (int si = 0; si < ex->nscheds; si++)
        printf("%s %s %d", si ? "," : "", ex->scheds[si].label, tune_runs_of(tu, si));
    static const char *const ends[] = {"inside", "edge-limit", "edge-range", "fixed"};
    printf("; choices:");
    for (int k = 0, first = 1; k < 4; k++) {
        int n = 0;
        for (int g = 0; g < tu->ngroups; g++)
            n += tu->best[g] >= 0 && tu->end[g] && strcmp(tu->end[g], ends[k]) == 0;
        if (n) printf("%s %d %s", first ? "" : ",", n, ends[k]), first = 0;
    }
    printf("\n");
}

/* Each task's costs on this machine, [ntasks][3 + noptims]: its creation, a training step,
 * an evaluation, then each optimizer's update per step: 10 training steps each followed by
 * every optimizer's update (at a tiny learning rate) and one evaluation are timed. A task
 * that cannot be created costs 0 (the preflight reports it). Not timed: the schedulers' own
 * work (line search's extra evaluations, Lua functions) and the runner's own cost per cell
 * (pipes, result files), under 1 ms here. */
static double *time_tasks(const Experiment *ex, const TaskEnv *env) {
    const int w = 3 + ex->noptims;
    double *cost = xcalloc((size_t)ex->ntasks * (size_t)w, sizeof(double));
    for (int ti = 0; ti < ex->ntasks; ti++) {
        double *tc = cost + (size_t)ti * (size_t)w;
        Task t;
        Err e;
        double t0 = clock_now();
        if (task_create(&t, ex->tasks[ti].task, &ex->tasks[ti].p, 0, env, "", &e) != 0) continue;
        tc[0] = clock_now() - t0;
        t0 = clock_now();
        for (int s = 0; s < 10; s++) t.def->train_step(&t, s);
        tc[1] = (clock_now() - t0) / 10;
        for (int oi = 0; oi < ex->noptims; oi++) {
            Optim opt;
            if (optim_create(&opt, ex->optims[oi].optim, &ex->optims[oi].p, &t, &e) != 0) continue;
            t0 = clock_now();
            for (int s = 0; s < 10; s++)
                for (int gi = 0; gi < t.ngroups; gi++) {
                    const TaskGroup *grp = &t.groups[gi];
                    opt.def->step(opt.st, s + 1, grp, t.w + grp->off, t.g + grp->off, 1e-9, NULL,
                                  NULL);
                }
            tc[3 + oi] = (clock_now() - t0) / 10;
            optim_destroy(&opt);
        }
        double m[METRIC_MAX];
        t0 = clock_now();
        t.def->evaluate(&t, m);
        tc[2] = clock_now() - t0;
        task_destroy(&t);
    }
    return cost;
}

/* A cell's estimated seconds: its creation, its steps and its evaluations (plus the
 * stages'), from time_tasks' costs. */
static double cell_seconds(const Experiment *ex, const double *cost, const Cell *c) {
    const double *tc = cost + (size_t)(c->task - ex->tasks) * (size_t)(3 + ex->noptims);
    return tc[0] + (tc[1] + tc[3 + (c->optim - ex->optims)]) * (double)c->steps +
           tc[2] * (double)(c->steps / c->eval_every + 4);
}

/* describe_tuning: --check's account of a tuning stage with extend, seeds or scheduler
 * grids: the first round (tplan) and what may follow it. */
static void describe_tuning(const Experiment *ex, const Plan *tplan, int known) {
    printf("tuning: round 1: %d cells on %d seed(s) (", tplan->n, ex->ntune_seeds);
    for (int k = 0; k < ex->ntune_seeds; k++)
        printf("%s%lld", k ? ", " : "", (long long)ex->tune_seeds[k]);
    printf(") choose each tuned (task, optimizer, scheduler)'s lr%s by the mean final %s over "
           "the seeds; runs per scheduler:",
           ex->hyper ? " and hyperparameters" : "", ex->tune_by);
    for (int si = 0; si < ex->nscheds; si++) {
        int n = 0;
        for (int i = 0; i < tplan->n; i++) n += tplan->cells[i].sched == &ex->scheds[si];
        printf("%s %s %d", si ? "," : "", ex->scheds[si].label, n);
    }
    printf("\n");
    for (int si = 0; ex->hyper && si < ex->nscheds; si++)
        if (ex->hyper[si].ncombo)
            printf("tuning: scheduler %s: %d combinations, %s ... %s\n", ex->scheds[si].label,
                   ex->hyper[si].ncombo, ex->hyper[si].text[0],
                   ex->hyper[si].text[ex->hyper[si].ncombo - 1]);
    if (ex->tune_extend > 0) {
        long long more = 0; /* a choice walks one way: at most extend points per tuned triple */
        for (int oi = 0; oi < ex->noptims; oi++) {
            int ngrid;
            params_list(&ex->optims[oi].common, "lr", &ngrid);
            for (int si = 0; ngrid > 1 && si < ex->nscheds; si++) {
                int nc = ex->hyper && ex->hyper[si].ncombo ? ex->hyper[si].ncombo : 1;
                more += (long long)ex->ntasks * ex->tune_extend * nc * ex->ntune_seeds;
            }
        }
        printf("tuning: extend = %d: a choice on the lowest or highest lr adds a round with one "
               "more lr past it (the grid's ratio), up to %d per side; extensions may add up to "
               "%lld cells, %s\n",
               ex->tune_extend, ex->tune_extend, more,
               known ? "all complete here or in the --reuse folders"
                     : "not in the estimate until their round is known");
    }
    printf("tuning: the cells above show the grid's first lr and the schedulers' own "
           "parameters until then\n");
}

/* Check: --check's account of the cells: those complete in the output folder or held by a
 * --reuse folder, and those this command would still train, with their estimated seconds. */
typedef struct Check {
    Runner *R;
    int here, there, fixed;     /* evaluation cells of fixed learning rates (the shard's) */
    int here_t, there_t;        /* tuning round 1 */
    int tuned, here_u, there_u; /* evaluation cells of tuned learning rates */
    int tuning_known;           /* every tuning round complete: the tuned cells' ids known */
    int round;                  /* the last tuning round whose cells are known */
    int todo;                   /* cells still to train */
    double seconds;             /* their estimated seconds, on one worker */
} Check;

/* to_train: counts c among the cells still to train, with its seconds. */
static void to_train(Check *k, const Cell *c) {
    k->todo++;
    k->seconds += cell_seconds(k->R->ex, k->R->cost, c);
}

/* check_cell: counts a cell complete here (*here), in a --reuse folder (*there), or, when this
 * command trains it (train), still to train; returns 1 when it is complete. */
static int check_cell(Check *k, const Cell *c, int train, int *here, int *there) {
    Runner *R = k->R;
    if (results_cell_complete(R->dir, c->id)) {
        ++*here;
        return 1;
    }
    if (R->reuse.n && reuse_has(&R->reuse, c->id)) {
        ++*there;
        return 1;
    }
    if (train) to_train(k, c);
    return 0;
}

/* check_round: tune_run's round function for --check: trains nothing; counts the round's
 * cells (round 1 in the done line), and stops the tuning at a round not complete, whose
 * choice (and so the next round, and the tuned cells' ids) is not known yet. */
static int check_round(void *ctx, const Plan *p, int round, Err *e) {
    (void)e;
    Check *k = ctx;
    const RunOpts *o = k->R->o;
    int here = 0, there = 0, missing = 0;
    for (int i = 0; i < p->n; i++) {
        /* --phase tune --shard K/N trains its part of round 1; --phase eval no tuning cell */
        const int train =
            o->phase == PHASE_ALL ||
            (o->phase == PHASE_TUNE && (o->shard.n == 1 || (round == 1 && shard_has(o->shard, i))));
        missing += !check_cell(k, &p->cells[i], train, &here, &there);
    }
    if (round == 1) {
        k->here_t = here;
        k->there_t = there;
    }
    k->round = round;
    return missing ? 1 : 0;
}

static int check_value(void *ctx, const Cell *c, int col, double *v, Err *e) {
    return tune_value(((Check *)ctx)->R, c, col, v, e);
}

/* check_plan: fills k for the plan's cells of the shard and the tuning stage: when every
 * tuning round is complete, its choice gives the tuned cells' ids; otherwise they count as
 * still to train (with --phase tune, no evaluation cell does). */
static void check_plan(Check *k, const Experiment *ex, const Plan *plan, const Plan *tplan) {
    const RunOpts *o = k->R->o;
    Tuning tu = {0};
    Plan chosen = {0};
    Err e;
    if (tplan->n && tune_run(ex, check_round, check_value, k, &tu, &e) == 0 &&
        plan_build(ex, tu.lr_choice, tu.combo_choice, &chosen, &e) == 0)
        k->tuning_known = 1;
    const Plan *p = k->tuning_known ? &chosen : plan;
    const int train = o->phase != PHASE_TUNE;
    for (int i = 0; i < p->n; i++) {
        if (!shard_has(o->shard, i)) continue;
        const Cell *c = &p->cells[i];
        if (!plan_tuned(ex, (int)(c->optim - ex->optims), (int)(c->sched - ex->scheds))) {
            k->fixed++;
            check_cell(k, c, train, &k->here, &k->there);
        } else if (k->tuning_known) {
            k->tuned++;
            check_cell(k, c, train, &k->here_u, &k->there_u);
        } else {
            k->tuned++;
            if (train) to_train(k, c);
        }
    }
    tune_free(&tu);
    plan_free(&chosen);
}

/* check_done: the done line. */
static void check_done(const Check *k, const Plan *tplan) {
    printf("done: %d of %d evaluation cells of fixed learning rates complete here, %d in the "
           "--reuse folders",
           k->here, k->fixed, k->there);
    if (tplan->n) {
        printf("; tuning round 1: %d of %d here, %d in the --reuse folders; %d evaluation cells "
               "of tuned learning rates: ",
               k->here_t, tplan->n, k->there_t, k->tuned);
        if (k->tuning_known)
            printf("%d here, %d in the --reuse folders (the completed tuning's choice)", k->here_u,
                   k->there_u);
        else printf("known after the tuning");
    }
    printf("\n");
}

/* check_estimate: the estimate line, the cells still to train on `jobs` workers. */
static void check_estimate(const Check *k, const Experiment *ex, const Plan *tplan, int jobs) {
    char est[32];
    fmt_time(est, sizeof est, k->seconds / jobs);
    printf("estimate: %s for the %d cell%s still to train on this machine (10 steps of each "
           "task and optimizer timed",
           est, k->todo, k->todo == 1 ? "" : "s");
    if (tplan->n && !k->tuning_known && k->tuned && k->R->o->phase != PHASE_TUNE)
        printf("; the %d evaluation cells of tuned learning rates counted as still to train, "
               "their ids known after the tuning",
               k->tuned);
    if (tplan->n && !k->tuning_known && ex->tune_extend > 0 && k->R->o->phase != PHASE_EVAL)
        printf("; the tuning rounds after round %d (extensions) not in it", k->round);
    printf(")\n");
}

int run_main(const RunOpts *o) {
    Err e = {0};
    Experiment ex;
    Plan plan = {0}, tplan = {0};
    PlanFile pf = {0};
    Tuning tu = {0};
    Buf data = {0}; /* the data folder's checksums: provenance and the --reuse folders' check */
    size_t *nparams = NULL; /* each task's number of parameters: tasks.csv */
    int code = EXIT_USAGE;
    Runner R = {.o = o, .e = &e, .timing = -1, .folder = {-1}};
    void (*old_sigpipe)(int) = NULL;
    const double t_start = clock_now();
    double t_cells = 0, t_results = 0;
    blas_single_thread();
    if (o->out && fs_check_dir_len("--out", o->out, &e) != 0) {
        err_print(&e);
        return EXIT_USAGE;
    }
    if (cfg_load(o->script, o->lua_seed, &o->defines, &ex, &e) != 0) {
        err_print(&e);
        return e.code ? e.code : EXIT_USAGE;
    }
    if (plan_build(&ex, NULL, NULL, &plan, &e) != 0 || plan_build_tuning(&ex, &tplan, &e) != 0)
        goto fail;
    if (o->phase == PHASE_TUNE && !tplan.n) {
        err_set(&e, EXIT_USAGE, "--phase tune",
                "experiment %s has no tuning stage (expected "
                "tune = { seed = S } and an lr grid in %s; without one, run it without --phase)",
                ex.name, o->script);
        goto fail;
    }
    if (memlimit_blas_reserve("run", &e) != 0) goto fail; /* before OpenBLAS could spin */
    R.env.datadir = run_datadir();
    datacache_enable(); /* the preflight loads each data set once; the workers share it */
    nparams = xcalloc((size_t)ex.ntasks + 1, sizeof(size_t));
    if (preflight(&ex, &R.env, nparams, &e) != 0) goto fail;
    char dir[FS_DIR_MAX + 1];
    if (fs_path(dir, sizeof dir, &e, "%s%s", o->out ? "" : "results/", o->out ? o->out : ex.name) !=
        0)
        goto fail;
    R.dir = dir;
    R.jobs = o->jobs > 0 ? o->jobs : ncores();
    run_data_lines(&data);
    R.data = &data;
    int in_shard = 0;
    for (int i = 0; i < plan.n; i++) in_shard += shard_has(o->shard, i);
    R.ex = &ex;
    if (o->check || o->cell_timeout == 0) /* the estimate, the default time limits */
        R.cost = time_tasks(&ex, &R.env);
#ifdef __GLIBC__
    malloc_trim(0); /* the tasks timed are gone: their memory goes back before the stores load */
#endif
    /* a packed folder (lrlab pack) resumes from its store: its cells are taken back into
     * their files, and it is packed again at the end */
    char store[FS_PATH_MAX];
    if (fs_path(store, sizeof store, &e, "%s/cells.csv", dir) != 0) goto fail;
    const int had_store = fs_exists_packed(store), own = had_store && !o->fresh;
    if (o->nreuse || own) {
        const Plan *plans[2] = {&tplan, &plan};
        const char *dirs[RUN_REUSE_MAX + 1];
        int nd = 0;
        if (own) dirs[nd++] = dir;
        for (int i = 0; i < o->nreuse; i++) {
            if (same_folder(o->reuse[i], dir)) {
                err_set(&e, EXIT_USAGE, "--reuse",
                        "%s: the output folder itself (expected "
                        "other folders; a folder's own cells are resumed without --reuse)",
                        dir);
                goto fail;
            }
            dirs[nd++] = o->reuse[i];
        }
        R.reuse.own = own, R.reuse.own_retry = o->retry_failed;
        if (reuse_open(&R.reuse, dirs, nd, data.s ? data.s : "", o->quiet, &e) != 0 ||
            reuse_precheck(&R.reuse, plans, 2, &e) != 0)
            goto fail;
    }
    if (o->check) {
        Check k = {.R = &R};
        check_plan(&k, &ex, &plan, &tplan);
        Buf b = {0};
        plan_describe(&plan, &b, 20, 1);
        printf("%s", b.s);
        printf("parameters:");
        for (int i = 0; i < ex.ntasks; i++)
            printf("%s %s %zu", i ? "," : "", ex.tasks[i].label, nparams[i]);
        printf(" (trainable, per task)\n");
        if (tplan.n && !ex.tune_more)
            printf("tuning: %d cells on seed %lld choose each grid optimizer's lr by %s; the "
                   "cells above show the grid's first lr until then\n",
                   tplan.n, (long long)ex.tune_seed, ex.tune_by);
        else if (tplan.n) describe_tuning(&ex, &tplan, k.tuning_known);
        check_done(&k, &tplan);
        printf("shard: %d/%d (%d cells)\nworkers: %d\n", o->shard.k, o->shard.n, in_shard, R.jobs);
        check_estimate(&k, &ex, &tplan, R.jobs);
        printf("data: ok (%s)\noutput: %s (nothing written: --check)\n", R.env.datadir, dir);
        buf_free(&b);
        code = EXIT_OK;
        goto done;
    }
    /* --phase eval trains no tuning cell: the tuning stage is read where it is, and a cell
     * missing there refused, before anything is written */
    const int eval_tuning = o->phase == PHASE_EVAL && tplan.n;
    if (eval_tuning && tune_run(&ex, run_round, tune_value, &R, &tu, &e) != 0) goto fail;
    /* no link is written through; then the subfolders are proved writable, then locked */
    if (fs_check_writable(dir, &e) != 0 ||
        folder_check(dir, folder_results_subs, folder_results_files, &e) != 0)
        goto fail;
    for (int i = 0; folder_results_subs[i]; i++) {
        char sub[FS_PATH_MAX];
        snprintf(sub, sizeof sub, "%s/%s", dir, folder_results_subs[i]);
        if (fs_check_writable(sub, &e) != 0) goto fail; /* before any training, as the top */
    }
    if (folder_claim(dir, folder_results_subs, folder_results_files, 0, &R.folder, &e) != 0 ||
        same_defines(dir, o, &e) != 0) /* under the lock, before provenance.txt is replaced */
        goto fail;
    code = EXIT_RUN;
    provenance(dir, o, &plan, &data, &e);
    int total = in_shard + tplan.n;
    if (o->phase == PHASE_EVAL) total = in_shard;
    if (o->phase == PHASE_TUNE) {
        total = 0;
        for (int i = 0; i < tplan.n; i++) total += shard_has(o->shard, i);
    }
    R.pr = (Progress){.tty = isatty(2) && !(getenv("CI") && strcmp(getenv("CI"), "true") == 0),
                      .total = total,
                      .t0 = clock_now()};
    R.pr.last = R.pr.t0;
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    R.slots = xcalloc((size_t)R.jobs, sizeof(Slot));
    R.back = xcalloc((size_t)R.jobs + 1, sizeof(int));
    R.fd_slot = xcalloc((size_t)R.jobs + 1, sizeof(int));
    R.fds = xcalloc((size_t)R.jobs + 1, sizeof(struct pollfd));
    R.timing = results_timing_open(dir, &e);
    if (R.timing < 0) goto fail;
    /* a worker that died idle: write() fails and a new one starts (restored at the end) */
    old_sigpipe = signal(SIGPIPE, SIG_IGN);
    t_cells = clock_now();
    const int tune_shard = o->phase == PHASE_TUNE && o->shard.n > 1;
    if (tplan.n) { /* the tuning stage decides the plan (whole in every shard of --phase all) */
        int rc = eval_tuning ? 0 : tune_run(&ex, run_round, tune_value, &R, &tu, &e);
        if (rc > 0 && R.shard_round && !R.fatal && !stop_signal) { /* a tuning shard's part */
            if (!o->quiet) progress(&R.pr, 1);
            printf("%s: tuning round %d: shard %d/%d done (%d trained now, %d already done%s); "
                   "the round's other cells are in other shards: join them with lrlab run %s "
                   "--phase tune --out OUT --reuse SHARD_FOLDER...\n",
                   ex.name, R.shard_round, o->shard.k, o->shard.n, R.pr.trained, R.pr.at_start,
                   o->nreuse ? ", the rest taken from --reuse" : "", o->script);
            code = R.pr.failed ? EXIT_RUN : EXIT_OK;
            goto done_reuse;
        }
        if (rc > 0) goto stopped;
        if (rc < 0) {
            if (R.refused || e.code == EXIT_USAGE) code = EXIT_USAGE;
            goto fail;
        }
        if (!tune_shard && tune_write(&tu, dir, &e) != 0) goto fail;
        if (ex.tune_more && !tune_shard) tune_summary(&ex, &tu);
        plan_free(&plan);
        if (plan_build(&ex, tu.lr_choice, tu.combo_choice, &plan, &e) != 0) goto fail;
    }
    if (tune_shard) {
        printf("%s: the tuning stage is complete in this shard's view (%d trained now); join "
               "the shards with lrlab run %s --phase tune --out OUT --reuse SHARD_FOLDER...\n",
               ex.name, R.pr.trained, o->script);
        code = R.pr.failed ? EXIT_RUN : EXIT_OK;
        goto done_reuse;
    }
    planfile_from_plan(&plan, &pf);
    if (planfile_write(dir, &pf, &e) != 0 || tasks_write(dir, &plan, nparams, &e) != 0) goto fail;
    if (o->phase == PHASE_TUNE) {
        if (!o->quiet) progress(&R.pr, 1);
        printf("%s: tuning stage: %d cells (%d trained now, %d taken from --reuse, %d already "
               "done; %d failed)%s; plan.csv written: train the evaluation cells with lrlab run "
               "%s --phase eval [--shard K/N] --reuse %s\n",
               ex.name, tu.cells, R.pr.trained, R.pr.reused, R.pr.at_start, R.pr.failed,
               tplan.n ? ", tuning.csv" : "", o->script, dir);
        code = R.pr.failed ? EXIT_RUN : EXIT_OK;
        goto done_reuse;
    }
    R.tuning = 0;
    if (run_cells(&R, &plan, o->shard) != 0) {
        if (R.refused) {
            code = EXIT_USAGE;
            goto fail;
        }
        goto stopped;
    }
    t_results = clock_now();
    if (!o->quiet) progress(&R.pr, 1);
    char reused[64] = "";
    if (o->nreuse) snprintf(reused, sizeof reused, ", %d taken from --reuse", R.pr.reused);
    printf("%s: %d cells%s (%d trained now%s, %d already done; %d diverged, %d failed)%s\n",
           ex.name, R.pr.total, o->shard.n > 1 ? " in this shard" : "", R.pr.trained, reused,
           R.pr.at_start, R.pr.diverged, R.pr.failed,
           tplan.n ? (o->phase == PHASE_EVAL ? "; learning rates: the tuning stage's choice"
                                             : "; learning rates tuned: tuning.csv")
                   : "");
    if (reuse_write_log(&R.reuse, dir, &e) != 0) goto fail;
    reuse_close(&R.reuse); /* its stores' tables are not needed by the merge and the figures */
    datacache_release();   /* nor are the data sets */
#ifdef __GLIBC__
    malloc_trim(0); /* and the heap they leave free goes back to the system */
#endif
    code = run_finish(dir, &pf, o->shard, o->quiet, o->outputs, &e);
    if (code != EXIT_OK) goto fail;
    if ((o->pack || had_store) && o->shard.n == 1 && o->phase == PHASE_ALL &&
        pack_folder(dir, o->quiet, &e) != 0) {
        code = e.code ? e.code : EXIT_RUN;
        goto fail;
    }
    if (o->verbose)
        fprintf(stderr, "timing: setup %.3f s, cells %.3f s (%d trained), results %.3f s\n",
                t_cells - t_start, t_results - t_cells, R.pr.trained, clock_now() - t_results);
    code = R.pr.failed ? EXIT_RUN : EXIT_OK;
    goto done;
done_reuse:
    if (reuse_write_log(&R.reuse, dir, &e) != 0) {
        code = EXIT_RUN;
        goto fail;
    }
    goto done;
stopped:
    if (!o->quiet) progress(&R.pr, 1);
    if (R.refused) code = EXIT_USAGE;
    if (R.fatal) goto fail;
    fprintf(stderr,
            "lrlab: interrupted by %s: %d of %d cells complete; run the same command "
            "again to resume\n",
            stop_signal == SIGINT ? "SIGINT" : "SIGTERM", R.pr.done, R.pr.total);
    code = stop_signal == SIGINT ? 130 : 143;
    goto done;
fail:
    err_print(&e);
    if (e.code && code != EXIT_RUN) code = e.code;
done:
    free(R.slots);
    free(R.back);
    free(R.fd_slot);
    free(R.fds);
    free(R.cost);
    free(nparams);
    if (R.folder.fd >= 0 && R.reuse.log.len) { /* cells taken before a stop or an error */
        Err le = {0};
        if (reuse_write_log(&R.reuse, R.dir, &le) != 0) err_print(&le);
    }
    reuse_close(&R.reuse);
    buf_free(&data);
    if (R.timing >= 0) close(R.timing);
    folder_release(&R.folder);
    if (old_sigpipe) signal(SIGPIPE, old_sigpipe);
    tune_free(&tu);
    planfile_free(&pf);
    plan_free(&plan);
    plan_free(&tplan);
    cfg_free(&ex);
    return code;
}
