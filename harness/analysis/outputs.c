/* outputs.c - what `lrlab run` and `lrlab merge` write after the results (see outputs.h). */
#include "harness/analysis/outputs.h"

#include "harness/analysis/compare.h"
#include "harness/analysis/plot.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

/* compare_silently: compare_main with its standard output sent to /dev/null (its files are
 * written, its errors still reach stderr): --quiet quiets, it does not skip. */
static int compare_silently(const CompareOpts *co) {
    fflush(stdout);
    int saved = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved < 0 || null < 0 || dup2(null, STDOUT_FILENO) < 0) {
        if (saved >= 0) close(saved);
        if (null >= 0) close(null);
        return compare_main(co); /* cannot redirect: print rather than skip */
    }
    close(null);
    int rc = compare_main(co);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    return rc;
}

int outputs_write(const char *dir, const PlanFile *pf, Shard shard, int quiet, Err *e) {
    int nfig = plot_experiment(dir, pf, shard, e);
    if (nfig < 0) return EXIT_RUN;
    printf("results: %s/runs.csv (stages), %s/curves.csv and %s/evals.csv (curves)\n", dir, dir,
           dir);
    printf("figures: %s/figures/*.png (%d)\n", dir, nfig);
    CompareOpts co = compare_defaults();
    co.dir = dir;
    co.quiet_missing = 1;
    co.brief = 1;
    if ((quiet ? compare_silently(&co) : compare_main(&co)) != EXIT_OK) return EXIT_RUN;
    return EXIT_OK;
}
