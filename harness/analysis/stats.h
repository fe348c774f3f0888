/* stats.h - the statistics behind `lrlab compare` and `lrlab report`: paired tests, Holm
 * correction, bootstrap intervals, performance profiles, mean ranks, quantiles, paper counting.
 *
 * Pure functions over double arrays: no I/O, no global state; scratch memory comes from the
 * checked allocator (err.h) and is freed before return. Inputs are never modified.
 * References: Wilcoxon (1945) with scipy.stats.wilcoxon 1.10 semantics; the exact sign test
 * as scipy.stats.binomtest; Holm (1979); Efron & Tibshirani (1993) percentile bootstrap;
 * Dolan & More (2002) performance profiles; Hyndman & Fan (1996) quantile type 7; the paper's
 * win counting in paper/paper.md section 1.2. Checked against tests/golden/stats.csv
 * (scripts/golden/gen_stats_golden.py, Debian 12's scipy 1.10.1 and numpy 1.24.2).
 *
 * Failures (diverged runs) are +inf; NaN is treated as a failure wherever costs or losses are
 * ranked (mean ranks, performance profiles, paper categories).
 */
#ifndef LRLAB_STATS_H
#define LRLAB_STATS_H

#include <stddef.h>
#include <stdint.h>

/* ---- paired Wilcoxon signed-rank test ---- */

typedef enum StatsWilcoxonMethod {
    STATS_WILCOXON_AUTO,   /* scipy 1.10's default rule, below */
    STATS_WILCOXON_EXACT,  /* exact null distribution (still the approximation if a d is 0) */
    STATS_WILCOXON_APPROX, /* normal approximation */
} StatsWilcoxonMethod;

typedef struct StatsWilcoxon {
    double statistic; /* min(R+, R-) of the ranks of |d| (average ranks for ties) */
    double pvalue;    /* two-sided */
    double z;         /* (statistic - mean) / sd under the approximation; NaN when exact */
    int n;            /* differences ranked: n minus the zeros under the approximation */
    int exact;        /* 1 when the exact distribution gave the p-value */
} StatsWilcoxon;

/* stats_wilcoxon: two-sided signed-rank test of differences d[0..n), equal to
 * scipy.stats.wilcoxon(d) 1.10 with zero_method="wilcox", correction=False and the given
 * method. The AUTO rule (scipy 1.10, stats/_morestats.py):
 *   exact  when n <= 50 (n counts the zeros) and no d is zero;
 *   approx otherwise: zeros dropped, z = (T - m(m+1)/4) / sqrt((m(m+1)(2m+1) - sum(t^3-t)/2)
 *          / 24) over the m nonzero d with tie groups of size t, p = 2 * Phi(-|z|).
 * Ties among |d| do not switch to the approximation: like scipy 1.10, the exact distribution
 * is used with the positive rank sum R+ (a half-integer under ties) truncated to an integer,
 * which is conservative or anticonservative by up to one rank; use APPROX for tied data when
 * that matters. Exact: p = min(1, 2 min(P(R+ <= r), P(R+ >= r))), and 1 when r is the
 * centre floor(m(m+1)/4).
 * Infinite d rank above every finite |d|; +inf and -inf tie (scipy 1.10 returns NaN there).
 * Returns 0, or -1 with statistic and pvalue NaN when the test is undefined: n == 0, every d is
 * zero under the approximation (scipy raises), or a d is NaN. */
int stats_wilcoxon(const double *d, int n, StatsWilcoxonMethod method, StatsWilcoxon *out);

/* The alternative hypothesis: two-sided, or "greater" (the differences tend to be positive;
 * scipy's alternative="greater": statistic R+, exact p = P(R+ >= int(R+)), approximate
 * p = P(Z > (R+ - m(m+1)/4) / sd)). A non-inferiority test of d within a margin tau is the
 * "greater" test of d + tau (paper/paper.md section 2.6). */
typedef enum StatsAlternative { STATS_TWO_SIDED, STATS_GREATER } StatsAlternative;

/* Exact null distributions of R+ for m = 1..STATS_WILCOXON_TABLE_MAX, cumulated once, for
 * callers that test many small samples (a bootstrap over seeds): the p-values are the same
 * bits as without the table. */
#define STATS_WILCOXON_TABLE_MAX 50
typedef struct StatsWilcoxonTable StatsWilcoxonTable;
StatsWilcoxonTable *stats_wilcoxon_table(void);
void stats_wilcoxon_table_free(StatsWilcoxonTable *t);

/* stats_wilcoxon_ex: stats_wilcoxon with an alternative and an optional table (NULL: the
 * distribution is computed per call). */
int stats_wilcoxon_ex(const double *d, int n, StatsWilcoxonMethod method, StatsAlternative alt,
                      const StatsWilcoxonTable *table, StatsWilcoxon *out);

/* stats_sign_test: exact two-sided binomial test of wins against losses with p = 1/2, equal to
 * scipy.stats.binomtest(wins, wins + losses).pvalue: 2 P(X <= min(wins, losses)) capped at 1
 * (by symmetry scipy's "as likely or less likely" rule reduces to this; its 1e-7 relative
 * slack only matters for n beyond ~10^7). Ties are not counted. Returns 1 when
 * wins + losses == 0 (scipy raises: no evidence either way). */
double stats_sign_test(int wins, int losses);

/* stats_holm: Holm-Bonferroni step-down adjusted p-values, as statsmodels
 * multipletests(p, method="holm")[1]: with p sorted ascending, adj_(i) = min(1,
 * max_{j <= i} (m - j) p_(j)), i, j 0-based, written back in input order. NaN entries (tests
 * that were undefined) are left out of the family (m counts the others) and stay NaN.
 * adjusted may alias p. Asserts every non-NaN p is in [0, 1]. */
void stats_holm(const double *p, int n, double *adjusted);

/* stats_bootstrap_ci: percentile bootstrap interval of the mean of x[0..n) at confidence
 * `level` (e.g. 0.95), from `reps` resamples. Resampling order, fixed so results are
 * reproducible: one Rng seeded with rng_seed(&rng, seed); for rep = 0..reps-1, for
 * i = 0..n-1: j = rng_below(&rng, n), sum += x[j] (sum starting at 0.0); mean[rep] = sum / n.
 * Then lo = stats_quantile(mean, reps, (1 - level) / 2), hi = quantile at (1 + level) / 2.
 * Asserts n >= 1, reps >= 1 and 0 < level < 1. */
void stats_bootstrap_ci(const double *x, int n, int reps, double level, uint64_t seed, double *lo,
                        double *hi);

/* stats_cluster_bootstrap: percentile interval of a share over n items (x[i], usually 0 or
 * 1) when the items come in clusters (Davison & Hinkley 1997, section 3.8; for two crossed
 * factors, Owen 2007, "The pigeonhole bootstrap", Annals of Applied Statistics 1(2)).
 * Replicate r reads its values from x + r * stride (stride 0: the same x every time; a
 * positive stride lets the caller recompute the items' values per replicate, e.g. after
 * resampling seeds within each item). Modes and resampling order, one Rng seeded with
 * rng_seed(&rng, seed), replicates r = 0..reps-1 in turn:
 *   NONE     nothing drawn: estimate = sum(x) / n (only x varies between replicates);
 *   ITEMS    for i = 0..n-1: j = rng_below(n), sum += x[j]; estimate = sum / n
 *            (with stride 0 the same draws and result as stats_bootstrap_ci);
 *   ONE      clusters a[i] in [0, na): na draws rng_below(na), w_a[j] counts how often
 *            cluster j was drawn; estimate = sum_j w_a[j] S_j / sum_j w_a[j] N_j, where S_j
 *            is the sum of cluster j's x (over its items in order) and N_j their count;
 *   CROSSED  the same for a, then nb draws for b[i] in [0, nb); cells (j, k) with weights
 *            w_a[j] w_b[k], summed over j, then k, in order.
 * Sums are in double (for 0/1 values and these integer weights they are exact, so no order
 * matters). A replicate whose weights are all zero (only clusters without items drawn) is
 * left out. lo and hi are stats_quantile of the estimates at
 * (1 - level) / 2 and (1 + level) / 2; NaN when no estimate is left or one is NaN. */
typedef enum StatsBootMode {
    STATS_BOOT_NONE,
    STATS_BOOT_ITEMS,
    STATS_BOOT_ONE,
    STATS_BOOT_CROSSED
} StatsBootMode;
typedef struct StatsClusterBoot {
    StatsBootMode mode;
    const double *x;
    size_t stride;
    int n;
    const int *a, *b; /* cluster of each item (ONE: a; CROSSED: a and b) */
    int na, nb;
    int reps;
    double level;
    uint64_t seed;
} StatsClusterBoot;
void stats_cluster_bootstrap(const StatsClusterBoot *b, double *lo, double *hi);

/* ---- comparing many solvers (schedulers) over many problems ----
 * t is a problems x solvers cost matrix, row-major: t[p * nsolvers + s]; lower is better,
 * +inf (or NaN) is a failure. */

/* stats_performance_profile: Dolan & More (2002). r_ps = t_ps / min_s t_ps (+inf for a failed
 * run and for every solver of a problem that all failed); rho_s(tau) = |{p : r_ps <= tau}| /
 * nproblems, written to rho[s * ntau + k] for tau[k]. ratio[p * nsolvers + s] receives r_ps
 * unless ratio is NULL. Returns 0, or -1 (outputs unspecified) when a finite cost is <= 0,
 * where ratios are undefined: shift or transform such costs first. */
int stats_performance_profile(const double *t, int nproblems, int nsolvers, const double *tau,
                              int ntau, double *ratio, double *rho);

/* stats_mean_ranks: mean over problems of each solver's rank within its problem (1 = lowest
 * cost; tied costs share the average of their ranks; failures rank last, tied among
 * themselves). mean_rank[s], s < nsolvers. Asserts nproblems >= 1. */
void stats_mean_ranks(const double *t, int nproblems, int nsolvers, double *mean_rank);

/* ---- order statistics (numpy semantics; NaN in x gives NaN; n == 0 gives NaN) ---- */

/* stats_quantile: numpy.quantile(x, q) with the default method "linear" (Hyndman & Fan type
 * 7): h = (n - 1) q, lerp between the sorted x[floor(h)] and x[floor(h) + 1] as numpy's
 * _lerp does. Asserts 0 <= q <= 1. */
double stats_quantile(const double *x, int n, double q);
/* stats_median: numpy.median(x): the middle value or the mean of the two middle values. */
double stats_median(const double *x, int n);

/* ---- the paper's counting (paper/paper.md section 1.2) ---- */

typedef enum StatsCategory {
    STATS_YES,      /* Delta >= tau: the reference clearly better */
    STATS_YES_STAR, /* 0 < Delta < tau */
    STATS_NO_STAR,  /* -tau < Delta <= 0 */
    STATS_NO,       /* Delta <= -tau: the reference clearly worse */
    STATS_NCATEGORY
} StatsCategory;

/* stats_paper_category: Delta = base - ref on losses of the reference (GreedyLR) and one
 * baseline, with tolerance tau >= 0 (0: only an exact equality is a tie, no*) (absolute; for the
 * paper's relative 1% pass tau = 0.01 * |base|). A diverged loss (+inf or NaN) is worse than any
 * finite one: only the baseline diverged -> STATS_YES, only the reference -> STATS_NO, both ->
 * STATS_NO_STAR. Delta is the rounded double difference, so a boundary case such as base 0.3, ref
 * 0.2, tau 0.1 falls on the side the rounding puts it (here yes*, Delta = 0.0999...). */
StatsCategory stats_paper_category(double ref, double base, double tau);

typedef enum StatsPaperPct {
    STATS_PCT_GOOD_OR_BETTER, /* (yes + yes* + no*) / N */
    STATS_PCT_BETTER,         /* (yes + yes*) / N */
    STATS_PCT_WORSE,          /* no / N */
    STATS_PCT_TIE,            /* (yes* + no*) / N */
    STATS_PCT_CLEARLY_BETTER, /* yes / N */
    STATS_NPCT
} StatsPaperPct;

/* stats_paper_percentages: the paper's five percentages (0..100, unrounded) from counts
 * indexed by StatsCategory; N is their sum. All NaN when N == 0. */
void stats_paper_percentages(const int count[STATS_NCATEGORY], double pct[STATS_NPCT]);

#endif
