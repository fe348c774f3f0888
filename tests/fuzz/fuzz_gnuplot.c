/* fuzz_gnuplot.c - fuzz target: gnuplot injection through labels and paths.
 *
 * The input, split at its NUL bytes, is up to 12 texts of any other bytes (a NUL cannot be in
 * a label or a path). Two checks, each running the real gnuplot in a fresh scratch folder:
 *  1. the escaping functions alone (harness/base/gnuplot.h): one script prints every text through
 *     gnuplot_str and, for each text that is one file name, sets it as the output through
 *     gnuplot_file and draws into it. What gnuplot prints must be the texts byte for byte,
 *     and the folder must then hold exactly the script, the printed file and those outputs.
 *  2. the code path of lrlab run's figures (plot_experiment, harness/analysis/plot.c) with the
 * texts as experiment name, task, optimizer and scheduler labels: it must draw its one figure, and
 *     the folder must then hold exactly the result files given to it plus figures/SLUG.gp,
 *     figures/SLUG.png, figures/SLUG.csv (the medians it draws) and figures/gnuplot.log, SLUG
 *     made by name_slug.
 * Any other file (a command gnuplot ran: the texts are full of `touch PWNED`, system(...),
 * '!', '<' and '|' attempts; a figure placed by a label outside figures/), a text printed
 * differently, or a figure not drawn aborts with the texts shown in hex.
 * Why: labels are checked where they enter (harness/base/names.h), but the escaping must hold on
 * its own, for every byte, because paths (--out, report's folders) are not names.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "fuzz.h"

#include "harness/analysis/plot.h"
#include "harness/base/buf.h"
#include "harness/base/gnuplot.h"
#include "harness/base/names.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TEXTS 12
#define MAX_TEXT 1000

static char scratch[1100];
static const char *const *shown;
static int nshown;

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *f) {
    (void)st, (void)flag, (void)f;
    return remove(p);
}

static void rm_scratch(void) {
    if (scratch[0]) nftw(scratch, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void fresh_scratch(void) {
    if (!scratch[0]) {
        snprintf(scratch, sizeof scratch, "%s/gnuplot", fuzz_dir());
        atexit(rm_scratch); /* runs before fuzz_util's own cleanup removes fuzz_dir() */
    }
    rm_scratch();
    if (mkdir(scratch, 0700) != 0) {
        perror("fuzz_gnuplot: mkdir");
        abort();
    }
}

static void fail(const char *why) {
    fprintf(stderr, "fuzz_gnuplot: %s; the texts:\n", why);
    for (int i = 0; i < nshown; i++) {
        fprintf(stderr, "  [%d]", i);
        for (const unsigned char *p = (const unsigned char *)shown[i]; *p; p++)
            fprintf(stderr, " %02x", *p);
        fprintf(stderr, "\n");
    }
    abort();
}

/* gnuplot SCRIPT in folder DIR, its output to /dev/null; returns its exit status */
static int gnuplot(const char *dir, const char *script) {
    pid_t pid = fork();
    if (pid < 0) fail("cannot fork");
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null < 0 || chdir(dir) != 0) _exit(127);
        dup2(null, 1);
        dup2(null, 2);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0) {}
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* every file under DIR (relative paths, folders ending in /) must be in WANT[0..n) and
 * every WANT must be there */
static void expect_files(const char *dir, const char *sub, char **want, int n, int *seen) {
    char path[2400];
    snprintf(path, sizeof path, "%s%s%s", dir, *sub ? "/" : "", sub);
    DIR *d = opendir(path);
    if (!d) fail("cannot list the scratch folder");
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        char rel[2400];
        snprintf(rel, sizeof rel, "%s%s%s", sub, *sub ? "/" : "", de->d_name);
        int k = 0;
        while (k < n && strcmp(want[k], rel) != 0) k++;
        if (k == n) {
            char msg[2600];
            snprintf(msg, sizeof msg, "unexpected file in the scratch folder: %s", rel);
            closedir(d);
            fail(msg);
        }
        seen[k] = 1;
        struct stat st;
        char full[4900];
        snprintf(full, sizeof full, "%s/%s", dir, rel);
        if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) expect_files(dir, rel, want, n, seen);
    }
    closedir(d);
}

static void expect_exactly(const char *dir, char **want, int n) {
    int *seen = calloc((size_t)n + 1, sizeof(int));
    expect_files(dir, "", want, n, seen);
    for (int k = 0; k < n; k++)
        if (!seen[k]) {
            char msg[1200];
            snprintf(msg, sizeof msg, "expected file missing: %.1000s", want[k]);
            free(seen);
            fail(msg);
        }
    free(seen);
}

static int is_file_name(const char *s) {
    size_t n = strlen(s);
    return n > 0 && n <= 200 && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0 &&
           strcmp(s, "check.gp") != 0 && strcmp(s, "printed.txt") != 0;
}

static void write_file(const char *path, const char *s, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(s, 1, n, f) != n || fclose(f) != 0) fail("cannot write a scratch file");
}

/* 1. gnuplot_str and gnuplot_file on their own */
static void check_escaping(char **t, int n) {
    fresh_scratch();
    Buf b = {0}, want = {0};
    char *names[2 * MAX_TEXTS + 2];
    int nnames = 0;
    names[nnames++] = "check.gp";
    names[nnames++] = "printed.txt";
    buf_printf(&b, "set print \"printed.txt\"\nset terminal dumb size 40,10\n");
    for (int i = 0; i < n; i++) {
        buf_printf(&b, "print ");
        gnuplot_str(&b, t[i]);
        buf_printf(&b, "\n");
        buf_printf(&want, "%s\n", t[i]);
        if (is_file_name(t[i])) {
            buf_printf(&b, "set output ");
            gnuplot_file(&b, t[i]);
            buf_printf(&b, "\nplot x\nset output\n");
            int dup = 0;
            for (int k = 2; k < nnames; k++) dup |= strcmp(names[k], t[i]) == 0;
            if (!dup) names[nnames++] = t[i];
        }
    }
    buf_printf(&b, "unset print\n");
    char path[1300];
    snprintf(path, sizeof path, "%s/check.gp", scratch);
    write_file(path, b.s, b.len);
    int st = gnuplot(scratch, "check.gp");
    if (st != 0) fail("gnuplot failed on a script of escaped texts");
    snprintf(path, sizeof path, "%s/printed.txt", scratch);
    FILE *f = fopen(path, "rb");
    char *got = calloc(1, want.len + 2);
    size_t ngot = f ? fread(got, 1, want.len + 1, f) : 0;
    if (f) fclose(f);
    if (ngot != want.len || memcmp(got, want.s, want.len) != 0)
        fail("gnuplot printed the escaped texts differently");
    free(got);
    buf_free(&b);
    buf_free(&want);
    expect_exactly(scratch, names, nnames);
}

/* 2. lrlab run's figures with the texts as labels */
static void check_plot(char **t, int n) {
    fresh_scratch();
    static const char *const subs[] = {"evals", "curves", "figures"};
    char path[1400];
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", scratch, subs[i]);
        if (mkdir(path, 0700) != 0) fail("cannot make a scratch folder");
    }
    PlanFile pf = {0};
    const char *label[MAX_TEXTS + 2];
    for (int i = 0; i < MAX_TEXTS + 2; i++) label[i] = i < n ? t[i] : "x";
    snprintf(pf.experiment, sizeof pf.experiment, "%.63s", label[0]);
    int nsched = n > 3 ? n - 3 : 1;
    pf.n = nsched;
    pf.rows = calloc((size_t)nsched, sizeof(PlanRow));
    char *names[3 * MAX_TEXTS + 8];
    int nnames = 0;
    for (int i = 0; i < 3; i++) names[nnames++] = (char *)subs[i];
    for (int i = 0; i < nsched; i++) {
        PlanRow *r = &pf.rows[i];
        r->index = i;
        snprintf(r->id, sizeof r->id, "%016x", 0xabc0 + i);
        snprintf(r->task, sizeof r->task, "%.63s", label[1]);
        snprintf(r->optim, sizeof r->optim, "%.63s", label[2]);
        snprintf(r->sched, sizeof r->sched, "%.63s", label[3 + i]);
        snprintf(r->metric, sizeof r->metric, "val_loss");
        r->seed = 1, r->steps = 3, r->lr0 = 0.1;
        static const char ev[] = "step,train_loss,val_loss,metric,lr\n0,3,3,3,0.1\n2,2,2,2,0.1\n";
        static const char cu[] = "step,lr,train_loss\n1,0.1,3\n2,0.1,2\n3,0.1,1\n";
        for (int k = 0; k < 2; k++) {
            char rel[64];
            snprintf(rel, sizeof rel, "%s/%s.csv", subs[k], r->id);
            snprintf(path, sizeof path, "%s/%s", scratch, rel);
            write_file(path, k ? cu : ev, strlen(k ? cu : ev));
            names[nnames++] = strdup(rel);
        }
    }
    char ts[NAME_MAX_LEN + 1], os[NAME_MAX_LEN + 1], fig[300];
    name_slug(ts, sizeof ts, pf.rows[0].task);
    name_slug(os, sizeof os, pf.rows[0].optim);
    snprintf(fig, sizeof fig, "figures/%s__%s.gp", ts, os);
    names[nnames++] = strdup(fig);
    snprintf(fig, sizeof fig, "figures/%s__%s.png", ts, os);
    names[nnames++] = strdup(fig);
    snprintf(fig, sizeof fig, "figures/%s__%s.csv", ts, os);
    names[nnames++] = strdup(fig);
    names[nnames++] = strdup("figures/gnuplot.log");
    Err e;
    int nfig = plot_experiment(scratch, &pf, (Shard){1, 1}, &e);
    if (nfig != 1) {
        char msg[700];
        snprintf(msg, sizeof msg, "plot_experiment drew %d figures (expected 1): %s", nfig,
                 nfig < 0 ? e.msg : "");
        fail(msg);
    }
    expect_exactly(scratch, names, nnames);
    for (int k = 3; k < nnames; k++) free(names[k]);
    free(pf.rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *t[MAX_TEXTS];
    int n = 0;
    size_t i = 0;
    while (n < MAX_TEXTS && i <= size) {
        size_t j = i;
        while (j < size && data[j] != 0) j++;
        size_t len = j - i > MAX_TEXT ? MAX_TEXT : j - i;
        t[n] = malloc(len + 1);
        memcpy(t[n], data + i, len);
        t[n][len] = '\0';
        n++;
        i = j + 1;
    }
    shown = (const char *const *)t;
    nshown = n;
    check_escaping(t, n);
    check_plot(t, n);
    for (int k = 0; k < n; k++) free(t[k]);
    return 0;
}
