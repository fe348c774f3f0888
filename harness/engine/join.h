/* join.h - several result folders read as one, joined by cell id (`lrlab compare DIR --with
 * OTHER` and `lrlab report DIR --with OTHER`).
 *
 * What: a cell's id is the hash of its whole resolved configuration (harness/engine/plan.h), so two
 * folders' cells with the same id are the same run. A researcher who trained a new scheduler
 * in its own folder can compare it with baselines trained in another one without training
 * them again: the runs of every --with folder are joined with DIR's by cell id, and each
 * cell is read from the first folder that holds it (DIR, then the --with folders in the order
 * given).
 * Rules, checked on the raw files before anything is computed or written (join_check):
 *  - every --with folder exists, is a folder, is not DIR or another --with folder (compared
 *    by device and inode: refused, not merged, so that the settings never name a folder that
 *    adds nothing), is not being written by another lrlab (folder.h) and is a result folder:
 *    runs.csv, or its packed form (fsutil.h); for report also plan.csv;
 *  - the files a join reads have the same columns in every folder that has them; evals.csv
 *    is in every folder or in none (a cell without evaluations would count as failed);
 *  - a cell id in several folders has the same rows in each: runs.csv's rows apart from the
 *    experiment column, evals.csv's rows, plan.csv's rows apart from index and experiment,
 *    and tuning.csv's rows of one (task, optimizer, scheduler); otherwise the first differing
 *    field is named;
 *  - compatible plans: a (task, optimizer, scheduler, seed) is the same cell id in every
 *    folder that has it (in runs.csv, and in plan.csv for report); a different id means that
 *    the configurations differ under one label;
 *  - every --with folder shares a (task, optimizer) with DIR's runs: otherwise it adds nothing
 *    to compare against.
 * Errors are one line naming the folder or both files, exit 2 (EXIT_USAGE).
 */
#ifndef LRLAB_JOIN_H
#define LRLAB_JOIN_H

#include "harness/base/err.h"

/* join_check: the rules above over dirs[0] (DIR) and the --with folders dirs[1..n); cmd
 * ("compare" or "report") names the command in the messages about a --with folder; report
 * also checks plan.csv and tuning.csv. Reads the files, writes nothing. 0, or -1 with e. */
int join_check(const char *cmd, const char *const *dirs, int n, int report, Err *e);

#endif
