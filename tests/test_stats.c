/* test_stats.c - harness/analysis/stats.c against tests/golden/stats.csv (scipy 1.10.1 and
 * numpy 1.24.2 through scripts/golden/gen_stats_golden.py; Holm from its definition), plus
 * hand-worked cases (exact Wilcoxon tails, undefined tests, performance profiles, mean ranks),
 * bootstrap properties, and the paper's counting (paper/paper.md section 1.2).
 *
 * The one-sided (greater) Wilcoxon rows are compared the same way, and every exact one with
 * n <= STATS_WILCOXON_TABLE_MAX (two-sided rows too) must give the same bits with a
 * StatsWilcoxonTable as without. Cluster bootstrap rows are compared exactly: the generator
 * replays the same xoshiro256** draws and the same double sums, and numpy's quantile.
 *
 * Golden rows are compared to 1e-9 relative (CHECK_NEAR is absolute below 1, too loose for
 * small p-values). Observed: exact Wilcoxon p-values are exact dyadic rationals on both sides
 * (error 0); the approximation differs by erfc against scipy's cephes ndtr (< 1e-15); sign
 * tests up to 1.6e-14, which is scipy's own error (its incomplete beta function) against the
 * exact binomial sums, and harness/analysis/stats.c's long double sums agree with those exactly.
 */
#include "check.h"
#include "harness/analysis/stats.h"
#include "harness/base/csvio.h"
#include "harness/base/rng.h"

#include <stdlib.h>
#include <string.h>

#define REL_TOL 1e-9
#define MAXLIST 256
#define MAXBOOT 4096 /* values in a cluster_boot row (a window per replicate with a stride) */

static double max_rel_err;
static int table_rows; /* exact Wilcoxon rows also checked with a StatsWilcoxonTable */

static double rel_err(double got, double want) {
    if (got == want) return 0.0; /* also equal infinities */
    if (want == 0.0) return fabs(got);
    return fabs(got - want) / fabs(want);
}

/* check_rel: relative comparison (CHECK_NEAR is absolute below 1, too loose for p-values) */
static void check_rel(double got, double want, const char *cs, const char *what) {
    double e = rel_err(got, want);
    check_count++;
    if (!(e <= REL_TOL)) {
        check_failures++;
        fprintf(stderr, "%s: %s = %.17g, expected %.17g (relative error %.3g)\n", cs, what, got,
                want, e);
    }
    if (e > max_rel_err) max_rel_err = e;
}

/* parse_list: "a|b|c" into out; returns the count, or -1 on a bad number or overflow */
static int parse_list(const char *s, double *out, int cap) {
    int n = 0;
    char buf[64];
    while (*s) {
        size_t len = strcspn(s, "|");
        if (n == cap || len == 0 || len >= sizeof buf) return -1;
        memcpy(buf, s, len);
        buf[len] = '\0';
        if (csvio_parse_num(buf, &out[n++]) != 0) return -1;
        s += len;
        if (*s == '|') s++;
    }
    return n;
}

/* same_bits: equal as stored (0.0 and -0.0 differ), or both NaN */
static int same_bits(double a, double b) {
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

/* check_same: exact comparison for values replayed operation by operation */
static void check_same(double got, double want, const char *cs, const char *what) {
    check_count++;
    if (!same_bits(got, want)) {
        check_failures++;
        fprintf(stderr, "%s: %s = %.17g, expected exactly %.17g\n", cs, what, got, want);
    }
}

/* wilcoxon_row: one golden Wilcoxon row (two-sided or greater); exact rows small enough for
 * the table are run again with it and must agree bit for bit */
static void wilcoxon_row(const char *cs, const char *arg, const double *in, int n,
                         const double *want, int nw, StatsAlternative alt,
                         const StatsWilcoxonTable *table) {
    StatsWilcoxonMethod m = STATS_WILCOXON_AUTO;
    if (strcmp(arg, "exact") == 0) m = STATS_WILCOXON_EXACT;
    else if (strcmp(arg, "approx") == 0) m = STATS_WILCOXON_APPROX;
    else CHECK(strcmp(arg, "auto") == 0);
    StatsWilcoxon w, wt;
    CHECK(nw == 3 && stats_wilcoxon_ex(in, n, m, alt, NULL, &w) == 0);
    check_rel(w.statistic, want[0], cs, "statistic");
    check_rel(w.pvalue, want[1], cs, "pvalue");
    CHECK(w.exact == (int)want[2]);
    if (w.exact != (int)want[2]) fprintf(stderr, "%s: exact = %d\n", cs, w.exact);
    if (alt == STATS_TWO_SIDED) { /* the plain entry point is the two-sided test */
        StatsWilcoxon w2;
        CHECK(stats_wilcoxon(in, n, m, &w2) == 0);
        check_same(w2.pvalue, w.pvalue, cs, "stats_wilcoxon pvalue");
    }
    if (w.exact && n <= STATS_WILCOXON_TABLE_MAX) {
        CHECK(stats_wilcoxon_ex(in, n, m, alt, table, &wt) == 0);
        check_same(wt.statistic, w.statistic, cs, "statistic with table");
        check_same(wt.pvalue, w.pvalue, cs, "pvalue with table");
        CHECK(wt.exact == w.exact && wt.n == w.n && isnan(wt.z) && isnan(w.z));
        table_rows++;
    }
}

/* split: cut s at each sep in place; returns the number of parts, or -1 if more than max */
static int split(char *s, char sep, char **part, int max) {
    int k = 0;
    for (;;) {
        if (k == max) return -1;
        part[k++] = s;
        char *p = strchr(s, sep);
        if (!p) return k;
        *p = '\0';
        s = p + 1;
    }
}

/* clusters: a `|`-list of cluster ids in [0, count) with n entries, or an empty list when
 * count is 0; returns 0 or -1 */
static int clusters(const char *s, int n, int count, int *out, double *tmp) {
    int k = parse_list(s, tmp, MAXBOOT);
    if (count == 0) return k == 0 ? 0 : -1;
    if (k != n) return -1;
    for (int i = 0; i < n; i++) {
        if (!(tmp[i] >= 0 && tmp[i] < count && tmp[i] == floor(tmp[i]))) return -1;
        out[i] = (int)tmp[i];
    }
    return 0;
}

/* cluster_row: one golden cluster_boot row, arg `mode;n;reps;level;seed;na;nb;stride`, input
 * `x;a;b` (see scripts/golden/gen_stats_golden.py), expected `lo|hi`, compared exactly */
static void cluster_row(const char *cs, const char *arg, const char *input, const char *expected) {
    static const char *const modes[] = {"none", "items", "one", "crossed"};
    static double x[MAXBOOT], tmp[MAXBOOT];
    static int a[MAXBOOT], b[MAXBOOT];
    char argbuf[256], *f[8], *in[3];
    char *inbuf = malloc(strlen(input) + 1);
    double want[2], level;
    int ok = inbuf && strlen(arg) < sizeof argbuf;
    if (ok) {
        strcpy(argbuf, arg);
        strcpy(inbuf, input);
        ok = split(argbuf, ';', f, 8) == 8 && split(inbuf, ';', in, 3) == 3 &&
             parse_list(expected, want, 2) == 2 && csvio_parse_num(f[3], &level) == 0;
    }
    StatsClusterBoot cb = {0};
    int mode = 0;
    if (ok) {
        while (mode < 4 && strcmp(f[0], modes[mode]) != 0) mode++;
        char *end;
        cb.seed = (uint64_t)strtoull(f[4], &end, 10);
        cb.mode = (StatsBootMode)mode;
        cb.n = atoi(f[1]);
        cb.reps = atoi(f[2]);
        cb.level = level;
        cb.na = atoi(f[5]);
        cb.nb = atoi(f[6]);
        cb.stride = (size_t)atoi(f[7]);
        int nx = parse_list(in[0], x, MAXBOOT);
        size_t need = cb.stride ? (size_t)(cb.reps - 1) * cb.stride + (size_t)cb.n : (size_t)cb.n;
        ok = mode < 4 && *end == '\0' && cb.n >= 1 && cb.n <= MAXBOOT && cb.reps >= 1 && nx >= 0 &&
             (size_t)nx == need && clusters(in[1], cb.n, cb.na, a, tmp) == 0 &&
             clusters(in[2], cb.n, cb.nb, b, tmp) == 0 &&
             (cb.mode < STATS_BOOT_ONE || cb.na >= 1) &&
             (cb.mode < STATS_BOOT_CROSSED || cb.nb >= 1);
    }
    free(inbuf);
    if (!ok) {
        check_count++;
        check_failures++;
        fprintf(stderr, "%s: unreadable cluster_boot row\n", cs);
        return;
    }
    cb.x = x;
    cb.a = cb.na ? a : NULL;
    cb.b = cb.nb ? b : NULL;
    double lo, hi;
    stats_cluster_bootstrap(&cb, &lo, &hi);
    check_same(lo, want[0], cs, "lo");
    check_same(hi, want[1], cs, "hi");
    if (cb.mode == STATS_BOOT_ITEMS && cb.stride == 0) { /* documented: the same as this */
        stats_bootstrap_ci(x, cb.n, cb.reps, cb.level, cb.seed, &lo, &hi);
        check_same(lo, want[0], cs, "stats_bootstrap_ci lo");
        check_same(hi, want[1], cs, "stats_bootstrap_ci hi");
    }
}

enum { F_WILCOXON, F_SIGN, F_HOLM, F_QUANTILE, F_MEDIAN, F_WGREATER, F_CLUSTER, NFUNC };
static const char *const func_names[NFUNC] = {
    "wilcoxon", "sign_test", "holm", "quantile", "median", "wilcoxon_greater", "cluster_boot"};
/* rows per function in the committed fixture: a regenerated file must keep these up to date */
static const int func_rows[NFUNC] = {132, 369, 15, 88, 8, 93, 18};

static void golden(const char *path) {
    static const char *const cols[] = {"case", "function", "arg", "input", "expected", NULL};
    CsvTable t;
    Err e;
    int rc = csvio_read(path, cols, &t, &e);
    CHECK(rc == 0);
    if (rc != 0) {
        err_print(&e);
        return;
    }
    int seen[NFUNC] = {0};
    double in[MAXLIST], want[MAXLIST], got[MAXLIST];
    StatsWilcoxonTable *table = stats_wilcoxon_table();
    for (int r = 0; r < t.nrows; r++) {
        const char *cs = csvio_at(&t, r, 0), *fn = csvio_at(&t, r, 1), *arg = csvio_at(&t, r, 2);
        if (strcmp(fn, "cluster_boot") == 0) { /* its own input format */
            seen[F_CLUSTER]++;
            cluster_row(cs, arg, csvio_at(&t, r, 3), csvio_at(&t, r, 4));
            continue;
        }
        int n = parse_list(csvio_at(&t, r, 3), in, MAXLIST);
        int nw = parse_list(csvio_at(&t, r, 4), want, MAXLIST);
        int f = 0;
        while (f < NFUNC && strcmp(fn, func_names[f]) != 0) f++;
        if (f == NFUNC || n < 1 || nw < 1) {
            check_count++;
            check_failures++;
            fprintf(stderr, "%s: unknown function '%s' or unreadable input/expected\n", cs, fn);
            continue;
        }
        seen[f]++;
        if (f == F_WILCOXON || f == F_WGREATER) {
            wilcoxon_row(cs, arg, in, n, want, nw,
                         f == F_WGREATER ? STATS_GREATER : STATS_TWO_SIDED, table);
        } else if (f == F_SIGN) {
            CHECK(n == 2 && nw == 1);
            check_rel(stats_sign_test((int)in[0], (int)in[1]), want[0], cs, "pvalue");
        } else if (f == F_HOLM) {
            CHECK(nw == n);
            stats_holm(in, n, got);
            for (int i = 0; i < n && i < nw; i++) check_rel(got[i], want[i], cs, "adjusted");
        } else if (f == F_QUANTILE) {
            double q;
            CHECK(nw == 1 && csvio_parse_num(arg, &q) == 0);
            check_rel(stats_quantile(in, n, q), want[0], cs, "quantile");
        } else {
            CHECK(nw == 1);
            check_rel(stats_median(in, n), want[0], cs, "median");
        }
    }
    for (int f = 0; f < NFUNC; f++) {
        CHECK(seen[f] == func_rows[f]);
        if (seen[f] != func_rows[f])
            fprintf(stderr, "%s: %d rows, expected %d\n", func_names[f], seen[f], func_rows[f]);
    }
    CHECK(t.nrows == 723);
    CHECK(table_rows > 100);
    fprintf(stderr,
            "golden: %d cases, max relative error %.3g; %d exact Wilcoxon rows also with "
            "the table\n",
            t.nrows, max_rel_err, table_rows);
    stats_wilcoxon_table_free(table);
    csvio_free(&t);
}

static void wilcoxon_by_hand(void) {
    StatsWilcoxon w;
    /* all five positive: R+ = 15, the top of 0..15; P(R+ = 15) = 1/32, two-sided 1/16 */
    const double pos[] = {0.5, 1.5, 2.5, 3.5, 4.5};
    CHECK(stats_wilcoxon(pos, 5, STATS_WILCOXON_AUTO, &w) == 0);
    CHECK(w.statistic == 0 && w.pvalue == 0.0625 && w.exact && w.n == 5 && isnan(w.z));
    /* n = 3, signs + - +: ranks 1, 2, 3 -> R+ = 4, R- = 2; P(R+ >= 4) = 3/8 -> p = 0.75 */
    const double three[] = {1.0, -2.0, 3.0};
    CHECK(stats_wilcoxon(three, 3, STATS_WILCOXON_AUTO, &w) == 0);
    CHECK(w.statistic == 2 && w.pvalue == 0.75);
    /* undefined: nothing, all zeros (scipy raises), NaN */
    const double zeros[] = {0, 0, 0}, withnan[] = {1, NAN, 2};
    CHECK(stats_wilcoxon(NULL, 0, STATS_WILCOXON_AUTO, &w) == -1 && isnan(w.pvalue));
    CHECK(stats_wilcoxon(zeros, 3, STATS_WILCOXON_AUTO, &w) == -1 && isnan(w.pvalue));
    CHECK(stats_wilcoxon(withnan, 3, STATS_WILCOXON_AUTO, &w) == -1 && isnan(w.statistic));
    /* +inf and -inf tie at the top (scipy 1.10 gives nan): same as +-1e300 */
    const double infs[] = {INFINITY, -INFINITY, 0.4, 0.2, -0.3, 0.9};
    const double bigs[] = {1e300, -1e300, 0.4, 0.2, -0.3, 0.9};
    StatsWilcoxon w2;
    CHECK(stats_wilcoxon(infs, 6, STATS_WILCOXON_AUTO, &w) == 0);
    CHECK(stats_wilcoxon(bigs, 6, STATS_WILCOXON_AUTO, &w2) == 0);
    CHECK(w.statistic == 7.5 && w.pvalue == w2.pvalue && w.statistic == w2.statistic);
    /* zeros force the approximation even for method exact; the count excludes them */
    const double z1[] = {0.0, 1.0, 2.0, -3.0, 4.0};
    CHECK(stats_wilcoxon(z1, 5, STATS_WILCOXON_EXACT, &w) == 0);
    CHECK(!w.exact && w.n == 4 && !isnan(w.z));
}

static void small_by_hand(void) {
    /* sign test: 0 wins 5 losses -> 2/32; 3-3 -> 1; no decisive pairs -> 1 */
    CHECK(stats_sign_test(0, 5) == 0.0625);
    CHECK(stats_sign_test(3, 3) == 1.0 && stats_sign_test(0, 0) == 1.0);
    CHECK(stats_sign_test(7, 2) == stats_sign_test(2, 7));
    /* Holm: NaN entries are outside the family; in-place use */
    double p[] = {0.01, NAN, 0.04, 0.03};
    stats_holm(p, 4, p);
    CHECK_NEAR(p[0], 0.03, 1e-15);
    CHECK(isnan(p[1]));
    CHECK_NEAR(p[2], 0.06, 1e-15);
    CHECK_NEAR(p[3], 0.06, 1e-15);
    /* quantiles: undefined cases */
    const double x[] = {1, NAN};
    CHECK(isnan(stats_quantile(x, 0, 0.5)) && isnan(stats_median(x, 2)));
    CHECK(isnan(stats_median(NULL, 0)));
}

static void profiles_and_ranks(void) {
    /* 4 problems x 3 solvers; row 3 all failed (NaN counts as failure) */
    const double t[4 * 3] = {
        1,        2,   4,        /* ratios 1 2 4      ranks 1 2 3       */
        3,        3,   INFINITY, /* ratios 1 1 inf    ranks 1.5 1.5 3   */
        INFINITY, 10,  5,        /* ratios inf 2 1    ranks 3 2 1       */
        INFINITY, NAN, INFINITY, /* ratios all inf    ranks 2 2 2       */
    };
    const double tau[5] = {1, 1.5, 2, 4, 100};
    const double want_rho[3][5] = {
        {0.5, 0.5, 0.5, 0.5, 0.5},
        {0.25, 0.25, 0.75, 0.75, 0.75},
        {0.25, 0.25, 0.25, 0.5, 0.5},
    };
    const double want_ratio[12] = {
        1,        2,        4,        /* problem 0 */
        1,        1,        INFINITY, /* problem 1 */
        INFINITY, 2,        1,        /* problem 2 */
        INFINITY, INFINITY, INFINITY, /* problem 3 */
    };
    double ratio[12], rho[15];
    CHECK(stats_performance_profile(t, 4, 3, tau, 5, ratio, rho) == 0);
    for (int i = 0; i < 12; i++) CHECK(ratio[i] == want_ratio[i]);
    for (int s = 0; s < 3; s++)
        for (int k = 0; k < 5; k++) CHECK(rho[s * 5 + k] == want_rho[s][k]);
    double rho2[15];
    CHECK(stats_performance_profile(t, 4, 3, tau, 5, NULL, rho2) == 0);
    CHECK(memcmp(rho, rho2, sizeof rho) == 0);
    const double bad0[2] = {0.0, 1.0}, badneg[2] = {-1.0, 1.0};
    CHECK(stats_performance_profile(bad0, 1, 2, tau, 5, NULL, rho) == -1);
    CHECK(stats_performance_profile(badneg, 1, 2, tau, 5, NULL, rho) == -1);

    double mr[3];
    stats_mean_ranks(t, 4, 3, mr);
    CHECK(mr[0] == 1.875 && mr[1] == 1.875 && mr[2] == 2.25);
    const double one[3] = {-1.0, -1.0, -5.0}; /* any finite cost is rankable */
    stats_mean_ranks(one, 1, 3, mr);
    CHECK(mr[0] == 2.5 && mr[1] == 2.5 && mr[2] == 1.0);
}

static double width_ci(const double *x, int n, uint64_t seed, double *lo, double *hi) {
    stats_bootstrap_ci(x, n, 4000, 0.95, seed, lo, hi);
    return *hi - *lo;
}

static void bootstrap(void) {
    enum { N = 400 };
    double x[N];
    Rng r;
    rng_seed(&r, 12345);
    for (int i = 0; i < N; i++) x[i] = 3.0 + rng_normal(&r);

    /* deterministic for a seed, different for another */
    double lo1, hi1, lo2, hi2, lo3, hi3;
    stats_bootstrap_ci(x, 30, 1000, 0.9, 7, &lo1, &hi1);
    stats_bootstrap_ci(x, 30, 1000, 0.9, 7, &lo2, &hi2);
    stats_bootstrap_ci(x, 30, 1000, 0.9, 8, &lo3, &hi3);
    CHECK(lo1 == lo2 && hi1 == hi2);
    CHECK(lo1 != lo3 || hi1 != hi3);

    /* the documented resampling order, replayed */
    double means[1000];
    Rng rr;
    rng_seed(&rr, 7);
    for (int b = 0; b < 1000; b++) {
        double s = 0;
        for (int i = 0; i < 30; i++) s += x[rng_below(&rr, 30)];
        means[b] = s / 30;
    }
    CHECK(stats_quantile(means, 1000, (1 - 0.9) / 2) == lo1);
    CHECK(stats_quantile(means, 1000, (1 + 0.9) / 2) == hi1);

    /* contains the sample mean; width near 2 * 1.96 * sd / sqrt(n); shrinks like 1/sqrt(n) */
    const int sizes[2] = {25, N};
    double width[2];
    for (int k = 0; k < 2; k++) {
        int n = sizes[k];
        double mean = 0, ss = 0, lo, hi;
        for (int i = 0; i < n; i++) mean += x[i];
        mean /= n;
        for (int i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
        double se = sqrt(ss / n) / sqrt(n); /* the bootstrap's plug-in standard error */
        width[k] = width_ci(x, n, 99, &lo, &hi);
        CHECK(lo < mean && mean < hi);
        CHECK(fabs(width[k] / (2 * 1.959964 * se) - 1) < 0.1);
    }
    CHECK(width[1] < 0.4 * width[0]); /* sqrt(25/400) = 0.25 */

    /* degenerate samples */
    const double c[4] = {2.5, 2.5, 2.5, 2.5};
    stats_bootstrap_ci(c, 4, 50, 0.95, 1, &lo1, &hi1);
    CHECK(lo1 == 2.5 && hi1 == 2.5);
    stats_bootstrap_ci(x, 1, 50, 0.95, 1, &lo1, &hi1);
    CHECK(lo1 == x[0] && hi1 == x[0]);
}

static void paper(void) {
    /* categories on exactly representable values, tau = 0.5 */
    CHECK(stats_paper_category(1.0, 1.5, 0.5) == STATS_YES); /* Delta = tau */
    CHECK(stats_paper_category(1.0, 1.25, 0.5) == STATS_YES_STAR);
    CHECK(stats_paper_category(1.0, 1.0, 0.5) == STATS_NO_STAR); /* Delta = 0 */
    CHECK(stats_paper_category(1.0, 0.75, 0.5) == STATS_NO_STAR);
    CHECK(stats_paper_category(1.0, 0.5, 0.5) == STATS_NO); /* Delta = -tau */
    CHECK(stats_paper_category(1.0, 0.25, 0.5) == STATS_NO);
    /* divergence is worse than any finite loss; both diverged tie */
    CHECK(stats_paper_category(1e9, INFINITY, 0.1) == STATS_YES);
    CHECK(stats_paper_category(INFINITY, 1e9, 0.1) == STATS_NO);
    CHECK(stats_paper_category(NAN, 0.3, 0.1) == STATS_NO);
    CHECK(stats_paper_category(INFINITY, INFINITY, 0.1) == STATS_NO_STAR);
    CHECK(stats_paper_category(NAN, INFINITY, 0.1) == STATS_NO_STAR);
    /* the documented rounding case: 0.3 - 0.2 = 0.09999999999999998 < 0.1 */
    CHECK(stats_paper_category(0.2, 0.3, 0.1) == STATS_YES_STAR);

    /* the paper's small-model table: yes 48, yes* 64, no* 58, no 26 (N = 196) */
    const int count[STATS_NCATEGORY] = {48, 64, 58, 26};
    const double want[STATS_NPCT] = {86.73, 57.14, 13.27, 62.24, 24.49};
    double pct[STATS_NPCT];
    stats_paper_percentages(count, pct);
    for (int i = 0; i < STATS_NPCT; i++) CHECK_NEAR(round(pct[i] * 100) / 100, want[i], 1e-12);
    CHECK_NEAR(pct[STATS_PCT_GOOD_OR_BETTER], 100.0 * 170 / 196, 1e-12);
    const int none[STATS_NCATEGORY] = {0, 0, 0, 0};
    stats_paper_percentages(none, pct);
    CHECK(isnan(pct[0]));
}

int main(int argc, char **argv) {
    CHECK(argc == 2);
    if (argc == 2) golden(argv[1]);
    wilcoxon_by_hand();
    small_by_hand();
    profiles_and_ranks();
    bootstrap();
    paper();
    return check_report();
}
