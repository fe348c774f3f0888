/* test_trace_plot.c - writes lrlab trace --plot's gnuplot script for each scheduler named on
 * the command line, through the functions trace.c draws with (harness/analysis/trace.h), into
 * DIR/NAME.gp (drawing DIR/NAME.script.png), with a short inline trace and, for a scheduler
 * that observes a signal, a metric. lrlab trace keeps its script only while gnuplot runs;
 * tests/figure_legends.sh parses these instead.
 * usage: test_trace_plot DIR SCHEDULER...
 */
#include "harness/analysis/trace.h"
#include "schedulers/sched.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: test_trace_plot DIR SCHEDULER...\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        const SchedDef *d = sched_find(argv[i]);
        if (!d) {
            fprintf(stderr, "test_trace_plot: %s: unknown scheduler\n", argv[i]);
            return 2;
        }
        const int metrics = d->observe != NULL;
        char path[4096], png[4096];
        snprintf(path, sizeof path, "%s/%s.gp", argv[1], argv[i]);
        snprintf(png, sizeof png, "%s.script.png", argv[i]);
        Buf b = {0};
        trace_plot_head(&b, png, argv[i], metrics);
        for (int k = 0; k <= 20; k++)
            buf_printf(&b, "%d %g %g\n", k, 0.1 / (1 + 0.1 * k), 1.0 / (1 + k));
        trace_plot_tail(&b, argv[i], metrics);
        FILE *f = fopen(path, "w");
        if (!f || fwrite(b.s, 1, b.len, f) != b.len || fclose(f) != 0) {
            fprintf(stderr, "test_trace_plot: %s: cannot write\n", path);
            return 1;
        }
        buf_free(&b);
    }
    return 0;
}
