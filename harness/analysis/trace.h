/* trace.h - `lrlab trace`: a scheduler's learning rates as CSV, without training. */
#ifndef LRLAB_TRACE_H
#define LRLAB_TRACE_H

#include "harness/base/buf.h"

/* trace_main: argv[0] is "trace"; returns an exit code. */
int trace_main(int argc, char **argv);
extern const char trace_usage[], trace_help[];

/* The gnuplot script of --plot, around its inline data block (lines "STEP LR [METRIC]"):
 * trace_plot_head writes up to the block's start (PNG the file drawn, TITLE the figure's
 * title), trace_plot_tail from its end: the plot command, the learning rate in scheduler
 * SCHED's line style (harness/analysis/style.h) and titled SCHED, with METRICS the metric in grey
 * on a second axis. tests/test_trace_plot.c writes scripts through them for
 * tests/figure_legends.sh, since lrlab trace keeps its own in a private folder only while gnuplot
 * runs. */
void trace_plot_head(Buf *b, const char *png, const char *title, int metrics);
void trace_plot_tail(Buf *b, const char *sched, int metrics);

#endif
