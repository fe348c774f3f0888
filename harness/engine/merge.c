/* merge.c - joining shard outputs (see merge.h). */
#include "harness/engine/merge.h"

#include "harness/base/fsutil.h"
#include "harness/engine/folder.h"
#include "harness/engine/planfile.h"
#include "harness/engine/results.h"
#include "harness/engine/run.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int copy_file(const char *src, const char *dst, Err *e) {
    size_t n;
    char *s = fs_read(src, &n);
    if (!s) return err_set(e, EXIT_USAGE, src, "cannot read (expected a readable result file)");
    int rc = fs_write_atomic(dst, s, n, e);
    free(s);
    return rc;
}

/* The folder merged into must be empty of results or hold this very plan: a merge never
 * replaces another experiment's files. */
static int target_ok(const char *out, const PlanFile *pf, Err *e) {
    char p[FS_PATH_MAX];
    if (fs_path(p, sizeof p, e, "%s/plan.csv", out) != 0) return -1;
    if (fs_exists(p)) {
        PlanFile have = {0};
        Err why;
        int rc = 0;
        if (planfile_read(out, &have, &why) != 0)
            rc = err_set(e, EXIT_USAGE, out,
                         "holds another experiment (expected an empty folder "
                         "or one of the same plan, got a plan.csv that cannot be read)");
        else if (!planfile_equal(&have, pf))
            rc = err_set(e, EXIT_USAGE, out,
                         "holds another experiment (expected an empty folder "
                         "or one of the same plan, got the plan of \"%s\")",
                         have.experiment);
        planfile_free(&have);
        return rc;
    }
    for (int i = 0; folder_results_files[i]; i++) {
        if (fs_path(p, sizeof p, e, "%s/%s", out, folder_results_files[i]) != 0) return -1;
        if (fs_exists(p))
            return err_set(e, EXIT_USAGE, out,
                           "holds results without a plan (expected an empty "
                           "folder or one of the same plan, got %s)",
                           folder_results_files[i]);
    }
    for (int i = 0; i < 3; i++) { /* cells, curves, evals */
        if (fs_path(p, sizeof p, e, "%s/%s", out, folder_results_subs[i]) != 0) return -1;
        DIR *d = opendir(p);
        struct dirent *de;
        while (d && (de = readdir(d)))
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
                err_set(e, EXIT_USAGE, out,
                        "holds results without a plan (expected an empty "
                        "folder or one of the same plan, got %s/%s)",
                        folder_results_subs[i], de->d_name); /* before closedir, which frees de */
                closedir(d);
                return -1;
            }
        if (d) closedir(d);
    }
    return 0;
}

/* copy_tuning: tuning.csv and tuning-cells.csv, when every folder holds the same bytes (each
 * shard of --phase all tuned the whole stage; the evaluation shards of --phase eval wrote the
 * tuning they read), replacing OUT's when they differ (an earlier merge's, of another grid
 * that chose the same rates: the plan alone is the same); otherwise OUT's own is kept (the
 * tuning join of --phase tune wrote it). tasks.csv likewise: every shard wrote the same
 * (older shards none: then OUT has none either, unless it had one). */
static int copy_tuning(const char *out, const char *const *dirs, int ndirs, Err *e) {
    static const char *const files[] = {"tuning.csv", "tuning-cells.csv", "tasks.csv"};
    for (int f = 0; f < 3; f++) {
        char p[FS_PATH_MAX];
        if (fs_path(p, sizeof p, e, "%s/%s", out, files[f]) != 0) return -1;
        size_t n0 = 0;
        char *first = NULL;
        int same = 1;
        for (int i = 0; i < ndirs && same; i++) {
            char q[FS_PATH_MAX];
            size_t n;
            if (fs_path(q, sizeof q, e, "%s/%s", dirs[i], files[f]) != 0) {
                free(first);
                return -1;
            }
            char *t = fs_read(q, &n);
            if (!t) same = 0;
            else if (!first) first = t, n0 = n;
            else {
                same = n == n0 && memcmp(t, first, n) == 0;
                free(t);
            }
        }
        size_t nout;
        char *own = same && first ? fs_read(p, &nout) : NULL;
        const int differs = same && first && !(own && nout == n0 && memcmp(own, first, n0) == 0);
        free(own);
        int rc = differs ? fs_write_atomic(p, first, n0, e) : 0;
        free(first);
        if (rc != 0) return -1;
    }
    return 0;
}

int merge_main(const char *out, const char *const *dirs, int ndirs, int quiet, RunOutputs outputs) {
    Err e = {0};
    PlanFile *pfs = xcalloc((size_t)ndirs, sizeof(PlanFile));
    int code = EXIT_USAGE, loaded = 0, *owner = NULL;
    double *secs = NULL, *one = NULL;
    Folder lock = {-1};
    if (fs_check_dir_len("merge: OUT", out, &e) != 0 || folder_check_free(out, &e) != 0) goto fail;
    for (int i = 0; i < ndirs; i++)
        if (fs_check_dir_len("merge: DIR", dirs[i], &e) != 0 || folder_check_free(dirs[i], &e) != 0)
            goto fail;
    for (int i = 0; i < ndirs; i++) {
        if (planfile_read(dirs[i], &pfs[i], &e) != 0) goto fail;
        loaded++; /* freed below even when this folder's plan is refused */
        if (i > 0 && !planfile_equal(&pfs[0], &pfs[i])) {
            err_set(&e, EXIT_USAGE, dirs[i],
                    "plan.csv: a different plan from %s/plan.csv "
                    "(expected shards of one plan)",
                    dirs[0]);
            goto fail;
        }
    }
    const PlanFile *pf = &pfs[0];
    owner = xcalloc((size_t)pf->n + 1, sizeof(int));
    for (int c = 0; c < pf->n; c++) {
        owner[c] = -1;
        for (int i = 0; i < ndirs; i++) {
            if (!results_cell_complete(dirs[i], pf->rows[c].id)) continue;
            if (owner[c] >= 0) {
                err_set(&e, EXIT_USAGE, dirs[i],
                        "cell %s (plan row %d) is also in %s (expected "
                        "each cell in exactly one shard)",
                        pf->rows[c].id, c + 1, dirs[owner[c]]);
                goto fail;
            }
            owner[c] = i;
        }
        if (owner[c] < 0) {
            /* a cell file present but incomplete or corrupt: name it and say why */
            for (int i = 0; i < ndirs; i++) {
                char p[FS_PATH_MAX];
                Err why;
                if (fs_path(p, sizeof p, &e, "%s/cells/%s.csv", dirs[i], pf->rows[c].id) != 0)
                    goto fail;
                if (!fs_exists(p) || results_cell_check(dirs[i], pf->rows[c].id, &why) == 0)
                    continue;
                err_set(&e, EXIT_USAGE, NULL,
                        "%s; so cell %s (plan row %d) is complete in none "
                        "of the folders (expected every cell; run its shard again)",
                        why.msg, pf->rows[c].id, c + 1);
                goto fail;
            }
            err_set(&e, EXIT_USAGE, dirs[0],
                    "cell %s (plan row %d: %s %s %s seed %lld) is in "
                    "none of the folders (expected every cell; run the "
                    "missing shard)",
                    pf->rows[c].id, c + 1, pf->rows[c].task, pf->rows[c].optim, pf->rows[c].sched,
                    pf->rows[c].seed);
            goto fail;
        }
    }
    if (fs_mkdirs(out, &e) != 0 ||
        folder_claim(out, folder_results_subs, folder_results_files, 0, &lock, &e) != 0 ||
        target_ok(out, pf, &e) != 0)
        goto fail;
    code = EXIT_RUN;
    for (int i = 0; folder_results_subs[i]; i++) {
        char sub[FS_PATH_MAX];
        if (fs_path(sub, sizeof sub, &e, "%s/%s", out, folder_results_subs[i]) != 0 ||
            fs_mkdirs(sub, &e) != 0)
            goto fail;
    }
    for (int c = 0; c < pf->n; c++) {
        const char *src = dirs[owner[c]];
        if (strcmp(src, out) == 0) continue;
        static const char *const subs_in_order[] = {"curves", "evals", "cells"}; /* cell last */
        for (int f = 0; f < 3; f++) {
            char a[FS_PATH_MAX], b[FS_PATH_MAX];
            if (fs_path(a, sizeof a, &e, "%s/%s/%s.csv", src, subs_in_order[f], pf->rows[c].id) ||
                fs_path(b, sizeof b, &e, "%s/%s/%s.csv", out, subs_in_order[f], pf->rows[c].id) ||
                copy_file(a, b, &e) != 0)
                goto fail;
        }
    }
    /* each cell's time from the folder it came from */
    secs = xcalloc((size_t)pf->n + 1, sizeof(double));
    one = xcalloc((size_t)pf->n + 1, sizeof(double));
    for (int i = 0; i < ndirs; i++) {
        results_times(dirs[i], pf, one);
        for (int c = 0; c < pf->n; c++)
            if (owner[c] == i) secs[c] = one[c];
    }
    if (results_times_write(out, pf, secs, &e) != 0) goto fail;
    if (planfile_write(out, pf, &e) != 0) goto fail;
    if (copy_tuning(out, dirs, ndirs, &e) != 0) goto fail;
    printf("%s: merged %d cells from %d folder(s) into %s\n", pf->experiment, pf->n, ndirs, out);
    Shard all = {1, 1};
    code = run_finish(out, pf, all, quiet, outputs, &e);
    if (code == EXIT_OK) goto done;
fail:
    err_print(&e);
    if (e.code && code != EXIT_RUN) code = e.code;
done:
    folder_release(&lock);
    for (int i = 0; i < loaded; i++) planfile_free(&pfs[i]);
    free(pfs);
    free(owner);
    free(secs);
    free(one);
    return code;
}
