/* plot.h - gnuplot figures drawn from result files only.
 *
 * For every (task, optimizer) of a plan, figures/<task>__<optimizer>.png shows the training
 * loss and the validation loss (at the evaluations, evals/<cell>.csv) and the learning rate
 * (curves/<cell>.csv) against the step: per scheduler, the median over the seeds found in the
 * folder (a line) and the interquartile range (a light band of its colour); a shard's folder
 * may hold some seeds only, and the title says how many were drawn. Each scheduler has the
 * line style of harness/analysis/style.h, the one it has in every figure lrlab draws; GreedyLR is
 * black and thick, drawn last. The legend lists every scheduler beside the panels, and the image is
 * sized to hold it. The x axis is [0, the task's steps]; a y axis is logarithmic when the
 * plotted positive values span more than 1.5 decades, and its label says so; a loss's axis
 * fits the values from 10% of the steps on (the first steps' losses may leave the panel), a
 * learning rate's log axis spans at most five decades (rates that decay to 0 leave at its foot).
 * The medians and quartiles are computed here and written beside the PNG (figures/NAME.csv: block 0
 * at the evaluation steps, block 1 at the curves' steps), with the gnuplot script (figures/NAME.gp)
 * so a researcher can restyle it and rerun gnuplot.
 */
#ifndef LRLAB_PLOT_H
#define LRLAB_PLOT_H

#include "harness/engine/planfile.h"

/* plot_experiment: writes the scripts and runs gnuplot; returns the number of figures. */
int plot_experiment(const char *dir, const PlanFile *pf, Shard shard, Err *e);

/* plot_run_gnuplot: runs gnuplot on SCRIPT (a path relative to DIR) in DIR, without a shell,
 * its messages appended to DIR/figures/gnuplot.log. 0, or -1 with e set. */
int plot_run_gnuplot(const char *dir, const char *script, Err *e);

#endif
