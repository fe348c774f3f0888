/* stages.h - the stages at which every cell is measured: 10%, 50% and 100% of its steps
 * (the stages of the paper's tables: paper/method.md), one copy for training
 * (harness/engine/train.c), the results files, the comparison and the report.
 */
#ifndef LRLAB_STAGES_H
#define LRLAB_STAGES_H

#define NSTAGES 3
extern const int stage_pct[NSTAGES]; /* 10, 50, 100: percent of a cell's steps */

#endif
