/* results.h - the result files of an experiment folder.
 *
 *   cells/<id>.csv    one row per stage (10%, 50%, 100% of steps); written last, so
 *                     its presence marks the cell complete
 *   curves/<id>.csv   step, lr, mean minibatch training loss
 *   evals/<id>.csv    step, training objective, validation loss, task metric, lr
 *   cells/<id>.time   wall seconds (kept apart: the only non-reproducible number)
 * merged by results_merge into runs.csv, curves.csv, evals.csv and timing.csv in plan
 * order. All writes are atomic.
 */
#ifndef LRLAB_RESULTS_H
#define LRLAB_RESULTS_H

#include "harness/plan.h"
#include "harness/train.h"

extern const char *const results_cell_cols[];

int results_write_cell(const char *dir, const Cell *c, const CellResult *r, Err *e);
/* results_cell_complete: the cell file exists and is well formed. */
int results_cell_complete(const char *dir, const Cell *c);
int results_merge(const char *dir, const Plan *p, Err *e);

#endif
