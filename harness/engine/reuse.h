/* reuse.h - complete cells taken from other result folders instead of being trained
 * (lrlab run --reuse DIR).
 *
 * A cell's id hashes its whole resolved configuration and the implementation version of its
 * task, optimizer and scheduler (plan.c), so a cell of another folder with the same id is the
 * same run, as long as it was made from the same data and its files are intact. A folder
 * given to --reuse is checked once when opened:
 *   - it is a result folder (provenance.txt, and cells/ or a packed store cells.csv[.gz]) of
 *     a results format this lrlab reads (provenance's results_format, 1 when absent), else
 *     exit 2;
 *   - its provenance's data lines (the sha256 of every data file and folder when it was made)
 *     are compared with this data folder's: a file or folder whose sha256 differs marks the
 *     folder, and the first cell taken from it is refused, exit 2, naming the cell and the file;
 *   - its provenance's versions line (the implementation version of each component, 1 for a
 *     folder from before versions) is compared with this lrlab's: a cell whose task, optimizer
 *     or scheduler is at another version there cannot have this id unless its files were
 *     edited, and is refused the same way.
 * Then each cell is looked up by id, in the folders in the order given:
 *   - per-cell files (cells/, curves/, evals/): checked as a resume checks its own
 *     (results_cell_check: the cell file's hashes of its curves and evaluations) and copied,
 *     curves and evaluations first, the cell file last; a symbolic link among them (or for
 *     cells/, curves/, evals/, checked when the folder is opened) is refused
 *     (exit 2), a cell file of other columns is a folder of another format (exit 2);
 *   - a packed store (cells.csv[.gz]: every cell file's rows with the cell's id, kind and
 *     order, written by scripts/pack.sh --store): the cell file is rebuilt from its rows and
 *     its evaluations from evals.csv (or tuning-evals.csv for tuning cells), checked against
 *     the hash the cell file records; its curve from curves/<id>.csv when kept (checked),
 *     otherwise an empty curve (the header alone) whose hash the rebuilt cell file records:
 *     runs.csv, evals.csv and the tuning are the bytes of a run that trained the cell,
 *     curves.csv lacks its rows (reuse.csv says "empty").
 * In both, the cell's stage rows, which carry no hash of their own, must be the ones training
 * writes: stages 10, 50, 100 with one status, and a reached stage's step, values and lr the
 * bytes of the cell's evaluation at that step (an unreached one's nan).
 * A corrupt cell (a companion missing or not matching its hash, rows that do not parse, a
 * stage value that is not its evaluation's, a store holding its rows twice or apart, files
 * that changed while read) is trained again, with a line saying so. Each cell taken gets its wall
 * seconds from the folder it came from (timing.csv, a store's tuning-timing.csv, cells/timing.log)
 * and a row in the output's reuse.csv: cell, from (the folder as given), curves (kept, or empty
 * when the store did not keep it).
 */
#ifndef LRLAB_REUSE_H
#define LRLAB_REUSE_H

#include "harness/base/buf.h"
#include "harness/base/err.h"
#include "harness/engine/plan.h"

/* The result files' format: the per-cell files' columns and the packed store's. A folder of a
 * higher format is refused. */
#define RESULTS_FORMAT 1

typedef struct ReuseSrc ReuseSrc;

typedef struct Reuse {
    ReuseSrc *src;
    int n;
    Buf log;              /* reuse.csv rows of this invocation */
    int taken, retrained; /* cells taken; corrupt copies left (trained again) */
    int quiet;
    /* own: the first folder is the output folder's own packed store (lrlab pack), opened by
     * run so that a packed folder resumes like any other: its cells are taken back, failed
     * ones too unless own_retry (--retry-failed), and not listed in reuse.csv */
    int own, own_retry;
} Reuse;

/* reuse_open: opens the folders (NULL-free array of n paths); data_lines: this run's data
 * lines ("data: REL sha256 HEX", provenance.c) to compare the folders' with. 0, or -1 with e
 * (exit 2). */
int reuse_open(Reuse *r, const char *const *dirs, int n, const char *data_lines, int quiet, Err *e);
/* reuse_take: cell c (a tuning cell: its evaluations are in a store's tuning-evals.csv) taken into
 * dir (its files written, its seconds appended to the timing log fd): 1, or 2 when it came from
 * the folder's own store (Reuse.own); 0 when no folder has it
 * complete (a corrupt copy is reported and left); -1 with e (exit 2) when a folder holding it
 * cannot be taken from (other data, another format, a link). */
int reuse_take(Reuse *r, const Cell *c, int tuning, const char *dir, int timing, Err *e);
/* reuse_value: a tuning cell's final value of column col (results_final_value) read where it
 * is, nothing copied: 1 found, 0 not found, -1 with e as reuse_take. */
int reuse_value(Reuse *r, const Cell *c, int col, double *v, Err *e);
/* reuse_precheck: before anything is written: a folder made from other data, or holding a cell
 * of the plans whose components it records at other versions, is refused (exit 2), naming the
 * first such cell. */
int reuse_precheck(Reuse *r, const Plan *const *plans, int nplans, Err *e);
/* reuse_has: some folder holds a cell of this id (not checked: for --check's count). */
int reuse_has(Reuse *r, const char *id);
/* reuse_write_log: dir/reuse.csv: its earlier rows (a resumed run) and this invocation's
 * not yet written (also when the run stops early: the cells taken are in dir). */
int reuse_write_log(Reuse *r, const char *dir, Err *e);
void reuse_close(Reuse *r);

#endif
