/* compare.c - paired win/tie/loss counting (see compare.h). */
#include "harness/compare.h"

#include "harness/buf.h"
#include "harness/csvio.h"
#include "harness/fsutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { YES, YES_STAR, NO_STAR, NO, NCAT };
static const char *const cat_names[NCAT] = {"yes", "yes*", "no*", "no"};

typedef struct {
    const char *task, *optim, *sched, *seed, *stage;
    double loss; /* +inf when the run had diverged or failed by this stage */
} Row;

typedef struct {
    char name[64];
    int n[NCAT];
} Tally;

static int categorize(double ref, double base, double tau) {
    if (isinf(ref) && isinf(base)) return NO_STAR;
    double d = base - ref;
    if (d >= tau) return YES;
    if (d > 0) return YES_STAR;
    if (d > -tau) return NO_STAR;
    return NO;
}

static Tally *tally(Tally *t, int *n, const char *name) {
    for (int i = 0; i < *n; i++)
        if (strcmp(t[i].name, name) == 0) return &t[i];
    memset(&t[*n], 0, sizeof t[*n]);
    snprintf(t[*n].name, sizeof t[*n].name, "%s", name);
    return &t[(*n)++];
}

static void print_table(const char *title, Tally *t, int n) {
    printf("%-22s %5s %5s %5s %5s %5s  %s\n", title, "N", "yes", "yes*", "no*", "no",
           "as good or better");
    for (int i = 0; i < n; i++) {
        int N = t[i].n[0] + t[i].n[1] + t[i].n[2] + t[i].n[3];
        printf("%-22s %5d %5d %5d %5d %5d  %6.2f%%\n", t[i].name, N, t[i].n[YES], t[i].n[YES_STAR],
               t[i].n[NO_STAR], t[i].n[NO],
               N ? 100.0 * (t[i].n[YES] + t[i].n[YES_STAR] + t[i].n[NO_STAR]) / N : NAN);
    }
}

int compare_main(const CompareOpts *o) {
    char path[4096];
    Err e;
    CsvTable t;
    snprintf(path, sizeof path, "%s/runs.csv", o->dir);
    if (csvio_read(path, NULL, &t, &e) != 0) {
        err_print(&e);
        return EXIT_USAGE;
    }
    const char *need[] = {"task", "optimizer", "scheduler", "seed", "stage", "train_loss",
                          "status"};
    int col[7];
    for (int k = 0; k < 7; k++) {
        col[k] = csvio_col(&t, need[k]);
        if (col[k] < 0) {
            fprintf(stderr, "lrlab: %s: line 1: missing column (expected %s)\n", path, need[k]);
            csvio_free(&t);
            return EXIT_USAGE;
        }
    }
    Row *rows = xcalloc((size_t)t.nrows + 1, sizeof(Row));
    int has_ref = 0;
    for (int r = 0; r < t.nrows; r++) {
        Row *x = &rows[r];
        x->task = csvio_at(&t, r, col[0]);
        x->optim = csvio_at(&t, r, col[1]);
        x->sched = csvio_at(&t, r, col[2]);
        x->seed = csvio_at(&t, r, col[3]);
        x->stage = csvio_at(&t, r, col[4]);
        double v;
        if (csvio_parse_num(csvio_at(&t, r, col[5]), &v) != 0) {
            fprintf(stderr, "lrlab: %s: line %d: train_loss: not a number (expected a number or "
                            "nan, got \"%s\")\n", path, r + 2, csvio_at(&t, r, col[5]));
            free(rows);
            csvio_free(&t);
            return EXIT_USAGE;
        }
        x->loss = strcmp(csvio_at(&t, r, col[6]), "ok") == 0 && isfinite(v) ? v : INFINITY;
        has_ref |= strcmp(x->sched, o->reference) == 0;
    }
    if (!has_ref) {
        free(rows);
        csvio_free(&t);
        if (o->quiet_missing) return EXIT_OK;
        fprintf(stderr, "lrlab: %s: no runs of the reference scheduler (expected scheduler "
                        "\"%s\")\n", path, o->reference);
        return EXIT_USAGE;
    }
    Buf out = {0};
    buf_printf(&out, "task,optimizer,stage,baseline,seed,reference_loss,baseline_loss,delta,"
                     "category\n");
    Tally by_base[256], by_stage[8], by_task[256], by_optim[256], all = {"all", {0}};
    int nb = 0, ns = 0, nt = 0, no = 0, npairs = 0;
    for (int r = 0; r < t.nrows; r++) {
        const Row *ref = &rows[r];
        if (strcmp(ref->sched, o->reference) != 0) continue;
        for (int b = 0; b < t.nrows; b++) {
            const Row *x = &rows[b];
            if (strcmp(x->sched, o->reference) == 0 || strcmp(x->task, ref->task) != 0 ||
                strcmp(x->optim, ref->optim) != 0 || strcmp(x->seed, ref->seed) != 0 ||
                strcmp(x->stage, ref->stage) != 0)
                continue;
            double tau = o->relative ? o->tau * fabs(x->loss) : o->tau;
            if (!isfinite(tau)) tau = o->tau;
            int c = categorize(ref->loss, x->loss, tau);
            if (nb == 256 || nt == 256 || no == 256 || ns == 8) continue;
            tally(by_base, &nb, x->sched)->n[c]++;
            tally(by_stage, &ns, ref->stage)->n[c]++;
            tally(by_task, &nt, ref->task)->n[c]++;
            tally(by_optim, &no, ref->optim)->n[c]++;
            all.n[c]++;
            npairs++;
            csvio_field(&out, ref->task, 1);
            csvio_field(&out, ref->optim, 0);
            csvio_field(&out, ref->stage, 0);
            csvio_field(&out, x->sched, 0);
            csvio_field(&out, ref->seed, 0);
            csvio_num(&out, ref->loss, 0);
            csvio_num(&out, x->loss, 0);
            csvio_num(&out, x->loss - ref->loss, 0);
            csvio_field(&out, cat_names[c], 0);
            csvio_end(&out);
        }
    }
    snprintf(path, sizeof path, "%s/comparisons.csv", o->dir);
    int rc = fs_write_atomic(path, out.s, out.len, &e);
    buf_free(&out);
    if (rc != 0) {
        err_print(&e);
        free(rows);
        csvio_free(&t);
        return EXIT_RUN;
    }
    printf("\n%s against each baseline, paired by task, optimizer, seed and stage; training "
           "loss; tie tolerance %s %g (paper counting, algorithms.md 1.6)\n",
           o->reference, o->relative ? "relative" : "absolute", o->tau);
    print_table("baseline", by_base, nb);
    print_table("stage (% of steps)", by_stage, ns);
    print_table("task", by_task, nt);
    print_table("optimizer", by_optim, no);
    print_table("overall", &all, 1);
    printf("pairs: %d; written to %s\n", npairs, path);
    free(rows);
    csvio_free(&t);
    return EXIT_OK;
}
