/* plot.h - gnuplot figures drawn from result files only.
 *
 * For every (task, optimizer) of a plan, figures/<task>__<optimizer>.png shows the
 * training objective, the validation loss and the learning rate against the step,
 * one line per scheduler, for the first seed. The gnuplot script is written beside
 * the PNG (figures/NAME.gp) so a researcher can restyle it and rerun gnuplot.
 */
#ifndef LRLAB_PLOT_H
#define LRLAB_PLOT_H

#include "harness/planfile.h"

/* plot_experiment: writes the scripts and runs gnuplot; returns the number of figures. */
int plot_experiment(const char *dir, const PlanFile *pf, Shard shard, Err *e);

/* plot_run_gnuplot: runs gnuplot on SCRIPT (a path relative to DIR) in DIR, without a shell,
 * its messages appended to DIR/figures/gnuplot.log. 0, or -1 with e set. */
int plot_run_gnuplot(const char *dir, const char *script, Err *e);

#endif
