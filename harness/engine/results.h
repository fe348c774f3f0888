/* results.h - the result files of an experiment folder.
 *
 *   cells/<id>.csv    one row per stage (10%, 50%, 100% of steps); written last, so
 *                     its presence marks the cell complete
 *   curves/<id>.csv   step, lr, mean minibatch training loss
 *   evals/<id>.csv    step, training objective, validation loss, task metric, lr
 *   cells/timing.log  wall seconds, a line per cell (below)
 * merged by results_merge into runs.csv, curves.csv, evals.csv and timing.csv in plan
 * order. The cell file is written last and atomically, with the hashes of the curves and
 * evaluations written before it: a cell is complete or it is trained again (results.c).
 */
#ifndef LRLAB_RESULTS_H
#define LRLAB_RESULTS_H

#include "harness/engine/planfile.h"
#include "harness/engine/train.h"

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

/* The merged files' columns: curves.csv's and evals.csv's (the cell's keys, then its file's). */
extern const char *const results_long_curve[];
extern const char *const results_long_eval[];
/* results_long_rows: appends to b the rows of the cell's SUB/<id>.csv (sub "curves" or
 * "evals"), each preceded by the cell's keys (id, task, optimizer, scheduler, seed): its rows
 * of curves.csv or evals.csv. */
int results_long_rows(const char *dir, const char *sub, const PlanRow *c, Buf *b, Err *e);

/* results_final_value: a complete cell's value of a measure at its last stage (col: the
 * column of results_cell_cols, 3 train_loss or 4 val_loss) when the run reached it and the
 * value is finite, else +inf (diverged, failed): what the tuning stage ranks a grid's learning
 * rates by. -1 with e set when the cell file cannot be read. */
int results_final_value(const char *dir, const char *id, int col, double *v, Err *e);

/* The cells' wall seconds (the one number that is not reproducible, so kept out of the cell
 * files): before a cell's files are written, its worker appends "id,seconds" to the folder's
 * timing log, one line in one write (O_APPEND: lines from several workers never mix).
 * results_timing_open opens it for that (ending a line a crash cut short), or returns -1 and
 * fills e; results_time_append appends one line. results_times reads it into secs[plan row]
 * (the last line of an id counts; a line cut short is skipped; for folders written before
 * the log, cells/<id>.time), NAN where unknown; results_times_write writes a folder's log
 * whole (lrlab merge). */
#define RESULTS_TIMING_LOG "cells/timing.log"
int results_timing_open(const char *dir, Err *e);
int results_time_append(int fd, const char *dir, const char *id, double seconds, Err *e);
void results_times(const char *dir, const PlanFile *pf, double *secs);
int results_times_write(const char *dir, const PlanFile *pf, const double *secs, Err *e);

/* results_line_value: the text after "KEY: " at the start of a line of text (a folder's
 * provenance.txt), copied into out[n]; -1 when there is none or it does not fit. */
int results_line_value(const char *text, const char *key, char *out, size_t n);
/* results_line_find: where that text starts in text (it ends at the next newline or the end),
 * whatever its length; NULL when there is none. */
const char *results_line_find(const char *text, const char *key);

#endif
