/* run.h - `lrlab run`: load, plan, check data, train every cell of the shard not yet
 * done in worker processes, merge, write provenance and figures.
 *
 * Resumes by default: a cell whose result files are complete is not trained again.
 * Cells run in `jobs` worker processes, forked once per stage, each with single-threaded
 * BLAS, training one cell after another (a cell with a Lua function in a process of its
 * own, so that it starts from the script's Lua state); a cell's results depend only on its
 * configuration, so the bytes are the same whatever the number of workers, the shard split
 * or the interruptions. A cell whose worker crashes or runs past the time limit is
 * recorded as failed with the reason, a new worker takes over, and the matrix goes on.
 * SIGINT and SIGTERM stop the workers and say how to resume.
 */
#ifndef LRLAB_RUN_H
#define LRLAB_RUN_H

#include "harness/base/blas.h"
#include "harness/base/err.h"
#include "harness/engine/planfile.h"
#include "harness/lua/config.h"

#include <stdint.h>

/* The stages a run does (--phase): all (tune, then train and merge the shard's evaluation
 * cells), tune (the tuning stage only: with --shard K/N the shard's cells of the first round
 * not done, unsharded every round, the choice and plan.csv), eval (the evaluation cells, the
 * tuning stage read from this folder or the --reuse folders, never trained). */
typedef enum Phase { PHASE_ALL, PHASE_TUNE, PHASE_EVAL } Phase;

#define RUN_REUSE_MAX 64

/* What is written after the results are merged (figures, the comparison): the command line
 * passes harness/analysis/outputs.h's outputs_write; NULL: nothing. An exit code. */
typedef int (*RunOutputs)(const char *dir, const PlanFile *pf, Shard shard, int quiet, Err *e);

typedef struct RunOpts {
    const char *script;
    const char *out;  /* NULL: results/<experiment name> */
    int check;        /* print the plan, train nothing */
    int fresh;        /* ignore existing cell results */
    int retry_failed; /* train failed cells again */
    int quiet;
    int verbose;         /* one line per finished cell */
    int jobs;            /* worker processes; 0 = number of cores */
    double cell_timeout; /* seconds; 0: the default, from the plan's estimate (run.c,
                          * cell_limit); -1: none (--cell-timeout none) */
    Shard shard;
    uint64_t lua_seed;
    Defines defines; /* --define KEY=VALUE, the script's define table */
    BlasMode blas;   /* portable (default) or native BLAS kernel */
    Phase phase;
    const char *reuse[RUN_REUSE_MAX]; /* --reuse DIR, in the order given */
    int nreuse;
    int pack;           /* --pack: lrlab pack the folder once every cell is complete */
    RunOutputs outputs; /* after the results: figures and comparison (main.c) */
} RunOpts;

/* run_main: returns an exit code (0; 1 when a cell failed or results could not be
 * written; 2 on bad input; 130 or 143 when interrupted by SIGINT or SIGTERM). */
int run_main(const RunOpts *o);

/* run_datadir: the data folder, $LRLAB_DATA or ./data. */
const char *run_datadir(void);

/* run_preflight: every task configuration is created once before any training, so that
 * missing data or parameters that do not fit the data are reported before anything is
 * written (and, with the data cache on, each data set is loaded once for every worker). */
int run_preflight(const Experiment *ex, const TaskEnv *env, Err *e);

/* run_data_lines: "data: REL sha256 HEX" for every file of the data folder two levels deep
 * (a folder of more than 64 entries, or deeper, by its digest: "data: REL/ sha256 HEX (...)"),
 * as provenance.txt records them. */
void run_data_lines(Buf *b);
/* run_folder_digest: a data folder's digest as run_data_lines records it (depth 0 for a
 * folder at the top of the data folder, 1 below), and its file count. */
void run_folder_digest(const char *path, int depth, char out[65], int *nfiles);

/* run_finish: merges the results of the cells of `shard` in dir, then calls outputs (when
 * not NULL). */
int run_finish(const char *dir, const PlanFile *pf, Shard shard, int quiet, RunOutputs outputs,
               Err *e);

#endif
