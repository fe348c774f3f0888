/* pack.h - a finished result folder in its packed form (lrlab pack DIR, lrlab run --pack).
 *
 * Why: a run keeps three small files per cell (cells/, curves/, evals/) so that it can be
 * resumed and merged cell by cell; on a file system of 4 KiB blocks the paper matrix's 41,580
 * of them take about 390 MB, and the merged curves.csv repeats each curve row with its cell's
 * keys (about 530 MB). Once every cell is complete neither is needed in that form.
 *
 * What pack writes (each new file atomically, then checked, before anything is removed):
 *   cells.csv.gz          the store: every cell file's rows (eval cells in plan order, then
 *                         tuning cells in tuning-cells.csv's order) prefixed by the cell's id,
 *                         kind (eval, tune) and order, as scripts/pack.sh --store writes it
 *   curves.csv.gz         curves.csv as one gzip member per cell (harness/engine/members.h):
 *                         every curve point kept, at the resolution training recorded (every
 *                         step up to 1,000 steps, then 1,000 points evenly spaced)
 *   tuning-curves.csv.gz  the same for the tuning cells
 *   evals.csv.gz          evals.csv (one member per cell)
 *   tuning-evals.csv.gz   the tuning cells' evaluations in evals.csv's columns
 *   tuning-timing.csv     the tuning cells' wall seconds (timing.csv has the evaluation cells')
 * and keeps runs.csv, timing.csv and every other file as they are, and curves/<id>.csv of the
 * cells of the plan's first seed (the learning-rate figures of lrlab report draw those). Then
 * it removes the plain curves.csv and evals.csv (their packed forms decode to the same bytes,
 * checked), the per-cell files and cells/timing.log.
 *
 * Every lrlab command reads the packed folder: report and compare (runs.csv, evals.csv.gz, the
 * first seed's curves), verify (the sampled cells' curves from curves.csv.gz), and run --reuse
 * and run --out on it (the store: a cell's files are rebuilt from it byte for byte, its curve
 * from the member, each checked against the hashes its cell file recorded).
 *
 * pack_folder refuses (exit 2, nothing changed) a folder whose cells are not all complete or
 * that is locked by a running lrlab; a folder already packed is left as it is.
 */
#ifndef LRLAB_PACK_H
#define LRLAB_PACK_H

#include "harness/base/err.h"

/* pack_folder: packs dir (the caller holds its lock: folder_lock). quiet: no summary line. */
int pack_folder(const char *dir, int quiet, Err *e);

#endif
