/* stats.c - paired tests, multiple-comparison correction, bootstrap, profiles and ranks.
 *
 * What: the numbers behind `lrlab compare` and `lrlab report`: the Wilcoxon
 * signed-rank and sign tests per comparison over seeds, Holm's correction across the family,
 * a percentile bootstrap interval, Dolan-More performance profiles, mean ranks, quantiles and
 * the paper's yes / yes* / no* / no counting.
 * Why here: one tested place for every statistic, so the report and the verdict agree.
 * Follows: Wilcoxon (1945), "Individual comparisons by ranking methods", with the conventions
 * of scipy.stats.wilcoxon 1.10 (stats/_morestats.py) so that p-values match the fixture; the
 * exact null distribution of R+ by the recurrence scipy uses (stats/_hypotests.py,
 * _get_wilcoxon_distr); Holm (1979), "A simple sequentially rejective multiple test
 * procedure"; Efron & Tibshirani (1993), "An Introduction to the Bootstrap", ch. 13; Dolan &
 * More (2002), "Benchmarking optimization software with performance profiles"; Hyndman & Fan
 * (1996), "Sample quantiles in statistical packages", type 7; paper/paper.md section 1.2.
 * Contracts and conventions are in stats.h.
 */
#include "harness/analysis/stats.h"

#include "harness/base/err.h"
#include "harness/base/rng.h"

#include <math.h>
#include <stdlib.h>

/* ---- sorting and ranking helpers ---- */

typedef struct Keyed {
    double key;
    int idx;
} Keyed;

/* by key, then by index so that the order is fully determined (qsort is not stable) */
static int cmp_keyed(const void *a, const void *b) {
    const Keyed *x = a, *y = b;
    if (x->key < y->key) return -1;
    if (x->key > y->key) return 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* average_ranks: rank[k[i].idx] = 1-based rank of k[i].key among k[0..n), ties sharing the
 * mean of their ranks (scipy.stats.rankdata "average"). Sorts k in place. Keys must not be
 * NaN; equal infinities tie. Returns sum over tie groups of t^3 - t. */
static double average_ranks(Keyed *k, int n, double *rank) {
    if (n <= 32) { /* insertion sort: the same total order, faster for a few seeds */
        for (int i = 1; i < n; i++) {
            Keyed x = k[i];
            int j = i;
            for (;
                 j > 0 && (k[j - 1].key > x.key || (k[j - 1].key == x.key && k[j - 1].idx > x.idx));
                 j--)
                k[j] = k[j - 1];
            k[j] = x;
        }
    } else {
        qsort(k, (size_t)n, sizeof *k, cmp_keyed);
    }
    double ties = 0;
    for (int i = 0; i < n;) {
        int j = i + 1;
        while (j < n && k[j].key == k[i].key) j++;
        double r = (double)(i + 1 + j) / 2.0; /* mean of ranks i+1 .. j */
        for (int q = i; q < j; q++) rank[k[q].idx] = r;
        double t = (double)(j - i);
        ties += t * t * t - t;
        i = j;
    }
    return ties;
}

/* failure(x): a cost or loss that counts as a failed (diverged) run */
static int failure(double x) { return isnan(x) || x == INFINITY; }

/* ---- Wilcoxon signed-rank ---- */

/* normal_sf: P(Z > x) as scipy's norm.sf, i.e. cephes ndtr(-x). */
static double normal_sf(double x) {
    double a = -x * M_SQRT1_2;
    if (fabs(a) < M_SQRT1_2) return 0.5 + 0.5 * erf(a);
    double y = 0.5 * erfc(fabs(a));
    return a > 0 ? 1.0 - y : y;
}

/* wilcoxon_pmf: the null distribution of R+ for m ranks 1..m (each sign 1/2), c[0..top],
 * top = m(m+1)/2, by scipy's recurrence: c_k[j] = (c_{k-1}[j] + c_{k-1}[j - k]) / 2,
 * k = 1..m. For m <= 53 every value and every partial sum is an exact dyadic rational, so
 * the p-values below are exact and independent of summation order (and of whether the sums
 * are cumulated once, as StatsWilcoxonTable does, or per call). */
static double *wilcoxon_pmf(int m) {
    long top = (long)m * (m + 1) / 2;
    double *c = xcalloc((size_t)top + 1, sizeof *c);
    double *prev = xcalloc((size_t)top + 1, sizeof *prev);
    c[0] = 1.0;
    for (int k = 1; k <= m; k++) {
        long plen = (long)(k - 1) * k / 2 + 1, len = (long)k * (k + 1) / 2 + 1;
        double *t = prev;
        prev = c;
        c = t;
        for (long j = 0; j < len; j++) c[j] = 0.0;
        for (long j = 0; j < plen; j++) c[j] = prev[j] * 0.5;
        for (long j = 0; j < plen; j++) c[len - plen + j] += prev[j] * 0.5;
    }
    free(prev);
    return c;
}

/* exact_p from P(R+ <= r) and P(R+ >= r): scipy 1.10's rules. Two-sided: 1 at the centre
 * floor(top / 2), else min(1, 2 min(less, greater)); greater: P(R+ >= r). */
static double exact_p(long top, long r, double less, double greater, StatsAlternative alt) {
    if (alt == STATS_GREATER) return fmin(fmax(greater, 0.0), 1.0);
    if (r == top / 2) return 1.0;
    return fmin(fmax(2.0 * fmin(less, greater), 0.0), 1.0);
}

static double wilcoxon_exact_p(int m, long r, StatsAlternative alt) {
    long top = (long)m * (m + 1) / 2;
    double *c = wilcoxon_pmf(m);
    double less = 0, greater = 0;
    for (long j = 0; j <= r; j++) less += c[j];
    for (long j = r; j <= top; j++) greater += c[j];
    free(c);
    return exact_p(top, r, less, greater, alt);
}

struct StatsWilcoxonTable {
    double *le[STATS_WILCOXON_TABLE_MAX + 1]; /* le[m][r] = P(R+ <= r) */
    double *ge[STATS_WILCOXON_TABLE_MAX + 1]; /* ge[m][r] = P(R+ >= r) */
};

StatsWilcoxonTable *stats_wilcoxon_table(void) {
    StatsWilcoxonTable *t = xcalloc(1, sizeof *t);
    for (int m = 1; m <= STATS_WILCOXON_TABLE_MAX; m++) {
        long top = (long)m * (m + 1) / 2;
        double *c = wilcoxon_pmf(m);
        t->le[m] = xmalloc(sizeof(double) * (size_t)(top + 1));
        t->ge[m] = xmalloc(sizeof(double) * (size_t)(top + 1));
        double acc = 0;
        for (long j = 0; j <= top; j++) t->le[m][j] = acc += c[j];
        acc = 0;
        for (long j = top; j >= 0; j--) t->ge[m][j] = acc += c[j];
        free(c);
    }
    return t;
}

void stats_wilcoxon_table_free(StatsWilcoxonTable *t) {
    if (!t) return;
    for (int m = 1; m <= STATS_WILCOXON_TABLE_MAX; m++) {
        free(t->le[m]);
        free(t->ge[m]);
    }
    free(t);
}

int stats_wilcoxon(const double *d, int n, StatsWilcoxonMethod method, StatsWilcoxon *out) {
    return stats_wilcoxon_ex(d, n, method, STATS_TWO_SIDED, NULL, out);
}

int stats_wilcoxon_ex(const double *d, int n, StatsWilcoxonMethod method, StatsAlternative alt,
                      const StatsWilcoxonTable *table, StatsWilcoxon *out) {
    LR_ASSERT(out && n >= 0 && (n == 0 || d));
    out->statistic = out->pvalue = out->z = NAN;
    out->n = 0;
    out->exact = 0;
    if (n == 0) return -1;
    int zeros = 0;
    for (int i = 0; i < n; i++) {
        if (isnan(d[i])) return -1;
        zeros += d[i] == 0;
    }
    /* scipy 1.10 mode "auto": exact for len(d) <= 50, zeros included in the count; any zero
     * forces the approximation, for "auto" and "exact" alike. Ties do not. */
    int exact = (method == STATS_WILCOXON_EXACT || (method == STATS_WILCOXON_AUTO && n <= 50)) &&
                zeros == 0;
    int m = n - zeros; /* zero_method "wilcox": zeros dropped (exact mode has none) */
    if (m == 0) return -1;

    enum { SMALL = 64 }; /* small samples (the usual seeds) rank on the stack */
    Keyed k_small[SMALL];
    double rank_small[SMALL];
    int sign_small[SMALL];
    Keyed *k = m <= SMALL ? k_small : xmalloc(sizeof *k * (size_t)m);
    double *rank = m <= SMALL ? rank_small : xmalloc(sizeof *rank * (size_t)m);
    int *sign = m <= SMALL ? sign_small : xmalloc(sizeof *sign * (size_t)m);
    for (int i = 0, j = 0; i < n; i++) {
        if (d[i] == 0) continue;
        k[j] = (Keyed){fabs(d[i]), j};
        sign[j] = d[i] > 0;
        j++;
    }
    double ties = average_ranks(k, m, rank);
    double rplus = 0, rminus = 0;
    for (int j = 0; j < m; j++) {
        if (sign[j]) rplus += rank[j];
        else rminus += rank[j];
    }
    /* scipy 1.10: T = min(R+, R-) two-sided, R+ one-sided */
    double stat = alt == STATS_GREATER ? rplus : fmin(rplus, rminus);
    out->statistic = stat;
    out->n = m;
    out->exact = exact;
    if (exact) {
        /* R+ is a half-integer under ties; scipy 1.10 truncates it: int(r_plus) */
        long r = (long)rplus, top = (long)m * (m + 1) / 2;
        if (table && m <= STATS_WILCOXON_TABLE_MAX)
            out->pvalue = exact_p(top, r, table->le[m][r], table->ge[m][r], alt);
        else out->pvalue = wilcoxon_exact_p(m, r, alt);
    } else {
        double cnt = m;
        double mean = cnt * (cnt + 1.) * 0.25;
        double var = cnt * (cnt + 1.) * (2. * cnt + 1.);
        var -= 0.5 * ties;
        double se = sqrt(var / 24);
        out->z = (stat - mean) / se;
        out->pvalue = alt == STATS_GREATER ? normal_sf(out->z) : 2. * normal_sf(fabs(out->z));
    }
    if (k != k_small) free(k);
    if (rank != rank_small) free(rank);
    if (sign != sign_small) free(sign);
    return 0;
}

/* ---- sign test ---- */

double stats_sign_test(int wins, int losses) {
    LR_ASSERT(wins >= 0 && losses >= 0);
    int n = wins + losses;
    int k = wins < losses ? wins : losses;
    if (n == 0 || 2 * k == n) return 1.0;
    /* P(X <= k), X ~ Binomial(n, 1/2), k < n/2: sum of C(n, i), i <= k, by the ratio
     * C(n, i) = C(n, i-1) (n-i+1) / i in long double (64-bit mantissa on x86-64, so about
     * 1e-17 relative after k steps), rescaled by 2^-512 whenever the sum passes 2^512. */
    long double term = 1.0L, sum = 1.0L;
    int scale = 0;
    for (int i = 1; i <= k; i++) {
        term = term * (long double)(n - i + 1) / (long double)i;
        sum += term;
        if (sum > 0x1p512L) {
            term = ldexpl(term, -512);
            sum = ldexpl(sum, -512);
            scale += 512;
        }
    }
    double cdf = (double)ldexpl(sum, scale - n);
    return fmin(1.0, 2.0 * cdf);
}

/* ---- Holm ---- */

void stats_holm(const double *p, int n, double *adjusted) {
    LR_ASSERT(n >= 0 && (n == 0 || (p && adjusted)));
    if (n == 0) return;
    Keyed *k = xmalloc(sizeof *k * (size_t)n);
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (isnan(p[i])) continue;
        LR_ASSERT(p[i] >= 0.0 && p[i] <= 1.0);
        k[m++] = (Keyed){p[i], i};
    }
    for (int i = 0; i < n; i++)
        if (isnan(p[i])) adjusted[i] = NAN; /* p is copied into k: aliasing is safe */
    qsort(k, (size_t)m, sizeof *k, cmp_keyed);
    double running = 0.0;
    for (int j = 0; j < m; j++) {
        running = fmax(running, (double)(m - j) * k[j].key);
        adjusted[k[j].idx] = fmin(1.0, running);
    }
    free(k);
}

/* ---- quantiles ---- */

/* quantile_sorted: numpy "linear" on sorted s[0..n), n >= 1, no NaN */
static double quantile_sorted(const double *s, int n, double q) {
    double h = (double)(n - 1) * q;
    if (h >= (double)(n - 1)) return s[n - 1]; /* numpy takes the last element */
    if (h < 0) return s[0];
    int lo = (int)floor(h);
    double g = h - (double)lo, a = s[lo], b = s[lo + 1];
    double diff = b - a; /* numpy's _lerp: from the nearer end */
    return g >= 0.5 ? b - diff * (1 - g) : a + diff * g;
}

/* sorted_copy: x sorted ascending in fresh memory, or NULL if n == 0 or a value is NaN */
static double *sorted_copy(const double *x, int n) {
    if (n <= 0) return NULL;
    for (int i = 0; i < n; i++)
        if (isnan(x[i])) return NULL;
    double *s = xmalloc(sizeof *s * (size_t)n);
    for (int i = 0; i < n; i++) s[i] = x[i];
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    return s;
}

double stats_quantile(const double *x, int n, double q) {
    LR_ASSERT(q >= 0.0 && q <= 1.0);
    double *s = sorted_copy(x, n);
    if (!s) return NAN;
    double v = quantile_sorted(s, n, q);
    free(s);
    return v;
}

double stats_median(const double *x, int n) {
    double *s = sorted_copy(x, n);
    if (!s) return NAN;
    double v = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    free(s);
    return v;
}

/* ---- bootstrap ---- */

void stats_bootstrap_ci(const double *x, int n, int reps, double level, uint64_t seed, double *lo,
                        double *hi) {
    LR_ASSERT(x && n >= 1 && reps >= 1 && level > 0.0 && level < 1.0 && lo && hi);
    Rng rng;
    rng_seed(&rng, seed);
    double *mean = xmalloc(sizeof *mean * (size_t)reps);
    for (int b = 0; b < reps; b++) {
        double sum = 0.0;
        for (int i = 0; i < n; i++) sum += x[rng_below(&rng, (uint64_t)n)];
        mean[b] = sum / n;
    }
    int nan = 0;
    for (int b = 0; b < reps; b++) nan |= isnan(mean[b]);
    if (nan) {
        *lo = *hi = NAN;
    } else {
        qsort(mean, (size_t)reps, sizeof *mean, cmp_double);
        *lo = quantile_sorted(mean, reps, (1.0 - level) / 2.0);
        *hi = quantile_sorted(mean, reps, (1.0 + level) / 2.0);
    }
    free(mean);
}

void stats_cluster_bootstrap(const StatsClusterBoot *b, double *lo, double *hi) {
    LR_ASSERT(b && b->x && b->n >= 1 && b->reps >= 1 && b->level > 0.0 && b->level < 1.0);
    LR_ASSERT(b->mode != STATS_BOOT_ONE || (b->a && b->na >= 1));
    LR_ASSERT(b->mode != STATS_BOOT_CROSSED || (b->a && b->na >= 1 && b->b && b->nb >= 1));
    Rng rng;
    rng_seed(&rng, b->seed);
    int n = b->n;
    int clustered = b->mode == STATS_BOOT_ONE || b->mode == STATS_BOOT_CROSSED;
    int na = clustered ? b->na : 1, nb = b->mode == STATS_BOOT_CROSSED ? b->nb : 1;
    size_t ncell = (size_t)na * (size_t)nb;
    double *est = xmalloc(sizeof *est * (size_t)b->reps);
    double *wa = xcalloc((size_t)na, sizeof *wa), *wb = xcalloc((size_t)nb, sizeof *wb);
    /* per cell (a, b): the sum of its items' x (in item order) and their count */
    double *sum = xcalloc(ncell, sizeof *sum), *cnt = xcalloc(ncell, sizeof *cnt);
    int *cell = xcalloc((size_t)n, sizeof *cell);
    for (int i = 0; clustered && i < n; i++) {
        LR_ASSERT(b->a[i] >= 0 && b->a[i] < na);
        LR_ASSERT(b->mode != STATS_BOOT_CROSSED || (b->b[i] >= 0 && b->b[i] < nb));
        cell[i] = b->a[i] * nb + (b->mode == STATS_BOOT_CROSSED ? b->b[i] : 0);
        cnt[cell[i]] += 1;
    }
    int nest = 0;
    for (int r = 0; r < b->reps; r++) {
        const double *x = b->x + (size_t)r * b->stride;
        double num = 0.0, den = 0.0;
        switch (b->mode) {
        case STATS_BOOT_NONE:
            for (int i = 0; i < n; i++) num += x[i];
            den = n;
            break;
        case STATS_BOOT_ITEMS:
            for (int i = 0; i < n; i++) num += x[rng_below(&rng, (uint64_t)n)];
            den = n;
            break;
        case STATS_BOOT_ONE:
        case STATS_BOOT_CROSSED:
            if (r == 0 || b->stride) {
                for (size_t c = 0; c < ncell; c++) sum[c] = 0;
                for (int i = 0; i < n; i++) sum[cell[i]] += x[i];
            }
            for (int j = 0; j < na; j++) wa[j] = 0;
            for (int j = 0; j < na; j++) wa[rng_below(&rng, (uint64_t)na)] += 1;
            for (int j = 0; j < nb; j++) wb[j] = b->mode == STATS_BOOT_CROSSED ? 0 : 1;
            for (int j = 0; b->mode == STATS_BOOT_CROSSED && j < nb; j++)
                wb[rng_below(&rng, (uint64_t)nb)] += 1;
            for (int ja = 0; ja < na; ja++)
                for (int jb = 0; jb < nb; jb++) {
                    double w = wa[ja] * wb[jb];
                    num += w * sum[ja * nb + jb];
                    den += w * cnt[ja * nb + jb];
                }
            break;
        }
        if (den > 0) est[nest++] = num / den;
    }
    free(wa);
    free(wb);
    free(sum);
    free(cnt);
    free(cell);
    int nan = nest == 0;
    for (int r = 0; r < nest; r++) nan |= isnan(est[r]);
    if (nan) {
        *lo = *hi = NAN;
    } else {
        qsort(est, (size_t)nest, sizeof *est, cmp_double);
        *lo = quantile_sorted(est, nest, (1.0 - b->level) / 2.0);
        *hi = quantile_sorted(est, nest, (1.0 + b->level) / 2.0);
    }
    free(est);
}

/* ---- performance profiles and ranks ---- */

int stats_performance_profile(const double *t, int nproblems, int nsolvers, const double *tau,
                              int ntau, double *ratio, double *rho) {
    LR_ASSERT(t && rho && nproblems >= 1 && nsolvers >= 1 && ntau >= 0 && (ntau == 0 || tau));
    for (int i = 0; i < nproblems * nsolvers; i++)
        if (!failure(t[i]) && !(t[i] > 0)) return -1;
    double *r = ratio ? ratio : xmalloc(sizeof *r * (size_t)nproblems * (size_t)nsolvers);
    for (int p = 0; p < nproblems; p++) {
        const double *row = t + (size_t)p * nsolvers;
        double best = INFINITY;
        for (int s = 0; s < nsolvers; s++)
            if (!failure(row[s])) best = fmin(best, row[s]);
        for (int s = 0; s < nsolvers; s++)
            r[(size_t)p * nsolvers + s] =
                failure(row[s]) || best == INFINITY ? INFINITY : row[s] / best;
    }
    for (int s = 0; s < nsolvers; s++)
        for (int k = 0; k < ntau; k++) {
            int count = 0;
            for (int p = 0; p < nproblems; p++) count += r[(size_t)p * nsolvers + s] <= tau[k];
            rho[(size_t)s * ntau + k] = (double)count / nproblems;
        }
    if (!ratio) free(r);
    return 0;
}

void stats_mean_ranks(const double *t, int nproblems, int nsolvers, double *mean_rank) {
    LR_ASSERT(t && mean_rank && nproblems >= 1 && nsolvers >= 1);
    Keyed *k = xmalloc(sizeof *k * (size_t)nsolvers);
    double *rank = xmalloc(sizeof *rank * (size_t)nsolvers);
    for (int s = 0; s < nsolvers; s++) mean_rank[s] = 0.0;
    for (int p = 0; p < nproblems; p++) {
        for (int s = 0; s < nsolvers; s++) {
            double v = t[(size_t)p * nsolvers + s];
            k[s] = (Keyed){failure(v) ? INFINITY : v, s};
        }
        average_ranks(k, nsolvers, rank);
        for (int s = 0; s < nsolvers; s++) mean_rank[s] += rank[s];
    }
    for (int s = 0; s < nsolvers; s++) mean_rank[s] /= nproblems;
    free(k);
    free(rank);
}

/* ---- the paper's counting ---- */

StatsCategory stats_paper_category(double ref, double base, double tau) {
    LR_ASSERT(tau >= 0);
    int fr = failure(ref), fb = failure(base);
    if (fr && fb) return STATS_NO_STAR;
    if (fb) return STATS_YES;
    if (fr) return STATS_NO;
    double delta = base - ref;
    if (tau == 0 && delta == 0) return STATS_NO_STAR; /* no tolerance: only equality ties */
    if (delta >= tau) return STATS_YES;
    if (delta > 0) return STATS_YES_STAR;
    if (delta > -tau) return STATS_NO_STAR;
    if (delta <= -tau) return STATS_NO;
    return STATS_NO_STAR; /* NaN delta (both -inf): a tie */
}

void stats_paper_percentages(const int count[STATS_NCATEGORY], double pct[STATS_NPCT]) {
    int yes = count[STATS_YES], yes_s = count[STATS_YES_STAR], no_s = count[STATS_NO_STAR],
        no = count[STATS_NO];
    LR_ASSERT(yes >= 0 && yes_s >= 0 && no_s >= 0 && no >= 0);
    double total = (double)yes + yes_s + no_s + no;
    double num[STATS_NPCT];
    num[STATS_PCT_GOOD_OR_BETTER] = (double)yes + yes_s + no_s;
    num[STATS_PCT_BETTER] = (double)yes + yes_s;
    num[STATS_PCT_WORSE] = no;
    num[STATS_PCT_TIE] = (double)yes_s + no_s;
    num[STATS_PCT_CLEARLY_BETTER] = yes;
    for (int i = 0; i < STATS_NPCT; i++) pct[i] = total > 0 ? 100.0 * num[i] / total : NAN;
}
