/* train.h - one training run (a cell): the loop of task, optimizer and scheduler.
 *
 * Per step: the task computes the minibatch loss and gradient; the scheduler sets
 * the learning rates (seeing the loss, gradient, previous update direction or a
 * loss re-evaluation callback if it asked for them); a linear warmup, when the
 * scheduler has warmup_steps, scales them during its first steps by
 * f = s + (1 - s) * step / warmup_steps (s = warmup_start_factor), whatever the
 * scheduler (composition by multiplication); the stability bound caps them
 * when the task enforces one; the gradient is clipped when asked; the optimizer
 * updates each group; the task projects; the scheduler observes the loss. Every
 * eval_every steps and at 10%, 50% and 100% of the budget the task evaluates (at the
 * optimizer's evaluation point: the average x of the schedule-free optimizers, see
 * OptimDef.eval_point), and the scheduler observes the validation loss. A non-finite
 * loss, or one above diverge_factor times the first, ends the run as diverged at that
 * step.
 */
#ifndef LRLAB_TRAIN_H
#define LRLAB_TRAIN_H

#include "harness/base/stages.h"
#include "harness/engine/plan.h"

enum { CELL_OK = 0, CELL_DIVERGED = 1, CELL_FAILED = 2 };

typedef struct StageRow {
    int64_t step; /* steps completed */
    int reached;  /* 0 when the run diverged before this stage */
    double train_loss, val_loss, metric, lr;
} StageRow;

typedef struct CurveRow {
    int64_t step;
    double lr, train_loss; /* lr of the step; mean minibatch loss since the last row */
} CurveRow;

typedef struct EvalRow {
    int64_t step;
    double train_loss, val_loss, metric, lr;
} EvalRow;

typedef struct CellResult {
    int status;
    int64_t diverged_step; /* -1 when not diverged */
    char reason[256];
    StageRow stages[NSTAGES];
    CurveRow *curve;
    int ncurve;
    EvalRow *evals;
    int nevals;
    int64_t lr_clips;
    int64_t loss_evals; /* extra minibatch loss evaluations made by the scheduler */
    double seconds;
} CellResult;

/* train_cell: 0 when the run happened (ok or diverged); -1 with e set when it could not
 * start (a user error such as missing data). */
int train_cell(const Cell *c, const TaskEnv *env, CellResult *r, Err *e);
void cell_result_free(CellResult *r);
const char *cell_status_name(int status);

#endif
