/* trend.h - does the reference scheduler's advantage grow with the model's size?
 * (`lrlab compare DIR --trend`)
 *
 * GreedyLR's authors report faster convergence "especially for large models". A study that
 * sweeps model size (NMF ranks, MLP widths, a transformer's width and depth: each size one
 * task) answers it from DIR/runs.csv and DIR/tasks.csv (each task's registry name, its kind,
 * and its number of trainable parameters, written by `lrlab run`).
 *
 * Advantage, on the primary measure (--measure, default train_loss) at 100% of the steps
 * (lower is better; a diverged or failed run is +inf, as in compare.h):
 *   a(t, o, b) = median over the seeds common to the reference and baseline b on task t and
 *                optimizer o of (L_b - L_ref) / s_t, where s_t is the task's scale of the
 *                tie rule task:X (compare.h): |median| of every baseline value of the measure
 *                on the task at that stage, over optimizers, baselines and seeds. Both runs
 *                diverged: 0; only one: +inf or -inf. Positive: the reference is better.
 *                s_t = 0 (no finite baseline value): undefined (nan).
 *   A(t, o)    = median over the baselines of a(t, o, b) (those defined).
 * Trend, per family (the tasks of one kind) and optimizer, over its sizes with a defined
 * advantage, x = log10(parameters):
 *   rho    Spearman's rank correlation of x and A (average ranks for ties; Spearman 1904;
 *          as scipy.stats.spearmanr 1.10), nan when x or A is constant;
 *   slope  the Theil-Sen slope of A on x (Theil 1950, Sen 1968): the median of
 *          (A_i - A_j) / (x_i - x_j) over the pairs with x_i > x_j, as
 *          scipy.stats.theilslopes 1.10 (nan when a pair gives inf - inf): the advantage
 *          gained per tenfold more parameters, in units of the task's scale.
 * Test: S = the sum of rho over the families with at least 3 sizes and a defined rho; the
 * one-sided p = P(S_perm >= S) under the null of no association within any family, the
 * size labels permuted within each family independently (a stratified permutation test).
 * Exact over all prod(k_f!) combinations when they are at most 10^6; otherwise 100,000
 * random permutations (xoshiro256**, seed TREND_SEED) with p = (count + 1) / (100,000 + 1)
 * (Phipson & Smyth 2010, "Permutation p-values should never be zero", Statistical
 * Applications in Genetics and Molecular Biology 9(1)). S_perm counts as reaching S when it
 * is within 1e-9 of it, so that sums equal but for rounding are counted alike. Every family
 * also gets its own test (its rho, permuted), and every baseline its own trend (A replaced
 * by a(t, o, b)), so a reader sees whether the trend holds against each.
 *
 * Outputs (numbers in the shortest form that reads back exactly):
 *   DIR/trend.csv       family,task,params,optimizer,baseline,advantage,seeds,scale: a per
 *                       baseline (seeds paired) and A as baseline "all" (seeds: the fewest
 *                       paired with any baseline); advantage in units of the scale
 *   DIR/trend-test.csv  family,optimizer,baseline,n_sizes,rho,slope_per_decade,families,p,
 *                       permutations,test: one row per family and optimizer, then the pooled
 *                       row (family "pooled", optimizer "all": rho holds S, n_sizes the sizes
 *                       of the families in the test, families their number), for "all" then
 *                       each baseline; test: exact, random, or why the row is left out
 *   DIR/figures/trend.png and trend.gp: the advantage (% of the scale) against parameters on
 *                       a log axis, one line per family, light points per baseline
 * Everything is checked before anything is written: tasks.csv missing, a field of it that is
 * not what lrlab writes, or a task of runs.csv without a row in it are refused (exit 2).
 * Checked against scripts/golden/gen_trend_golden.py (scipy 1.10) on tests/fixtures/trend/.
 */
#ifndef LRLAB_TREND_H
#define LRLAB_TREND_H

#include "harness/analysis/compare.h"

#define TREND_EXACT_MAX 1000000.0 /* exact when prod(k_f!) is at most this */
#define TREND_RANDOM 100000       /* random permutations otherwise */
#define TREND_SEED 1904           /* their seed (the year of Spearman's paper) */
#define TREND_TIE 1e-9            /* S_perm >= S - TREND_TIE counts as reaching S */

/* trend_main: the analysis above for o->dir, o->reference and o->measure (the other
 * settings of o are not used). Returns an exit code. */
int trend_main(const CompareOpts *o);

#endif
