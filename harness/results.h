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

#include "harness/planfile.h"
#include "harness/train.h"

extern const char *const results_cell_cols[];

int results_write_cell(const char *dir, const char *id, const CellResult *r, Err *e);
/* results_write_failed: records a cell that crashed or ran out of time, with the reason. */
int results_write_failed(const char *dir, const char *id, long long steps, const char *reason,
                         Err *e);
/* results_cell_complete: the cell's three files exist and are well formed (a truncated or
 * corrupt one makes the cell incomplete, so that it is trained again). */
int results_cell_complete(const char *dir, const char *id);
/* results_cell_check: the same, saying in e which file is missing or corrupt and why. */
int results_cell_check(const char *dir, const char *id, Err *e);
/* results_merge: runs.csv, curves.csv, evals.csv and timing.csv from the cells of the
 * shard, in plan order. */
int results_merge(const char *dir, const PlanFile *pf, Shard shard, Err *e);

#endif
