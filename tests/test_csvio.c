/* test_csvio.c - csvio's number and integer fields against the C library: csvio_format_g10
 * must write exactly what snprintf's "%.10g" writes (the result files' bytes depend on it),
 * on random doubles over the whole range, on floats widened to double, on short decimals,
 * on values at and next to rounding ties and powers of ten, and on the edges of its fast
 * range; csvio_int as "%lld". */
#include "harness/base/csvio.h"
#include "harness/base/rng.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static long checked, failed;

static void check(double x) {
    if (!isfinite(x)) return;
    char want[64], got[64];
    snprintf(want, sizeof want, "%.10g", x);
    csvio_format_g10(x, got);
    checked++;
    if (strcmp(want, got) != 0 && failed++ < 10)
        fprintf(stderr, "FAIL: %.17g: snprintf \"%s\", csvio_format_g10 \"%s\"\n", x, want, got);
}

static void check_around(double x) {
    check(x);
    check(-x);
    check(nextafter(x, 0));
    check(nextafter(x, INFINITY));
}

static void check_int(long long x) {
    Buf b = {0};
    char want[32];
    snprintf(want, sizeof want, "%lld", x);
    csvio_int(&b, x, 1);
    checked++;
    if ((b.len != strlen(want) || memcmp(b.s, want, b.len) != 0) && failed++ < 10)
        fprintf(stderr, "FAIL: csvio_int(%lld) gave \"%.*s\"\n", x, (int)b.len, b.s);
    buf_free(&b);
}

int main(void) {
    Rng rng;
    rng_seed2(&rng, 7, 0x637376 /* "csv" */);
    check(0.0);
    check(-0.0);
    check(DBL_MIN);
    check(DBL_TRUE_MIN);
    check(DBL_MAX);
    for (int e = -320; e <= 308; e++) { /* powers of ten and the values that round to them */
        check_around(pow(10, e));
        check_around(9.9999999995 * pow(10, e));
        check_around(9.999999999 * pow(10, e));
        check_around(1.0000000005 * pow(10, e));
    }
    const double edges[] = {1e-5, 1e15, 1e-4, 1e10, 9.99999999949999e-5, 99999.999995};
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) check_around(edges[i]);
    for (int i = 0; i < 500000; i++) { /* any double: random bits */
        uint64_t bits = rng_next(&rng);
        double x;
        memcpy(&x, &bits, sizeof x);
        check(x);
    }
    for (int i = 0; i < 500000; i++) { /* the numbers results hold: floats widened */
        uint32_t bits = (uint32_t)rng_next(&rng);
        float f;
        memcpy(&f, &bits, sizeof f);
        check((double)f);
    }
    for (int i = 0; i < 500000; i++) { /* ten to sixteen digits over the fast range and past */
        double m = 1 + 9 * rng_uniform(&rng);
        check(m * pow(10, (int)(rng_next(&rng) % 40) - 20));
    }
    for (int i = 0; i < 500000; i++) { /* short decimals and exact ties of the 10th digit */
        long long k = (long long)(rng_next(&rng) % 100000000000LL);
        int j = (int)(rng_next(&rng) % 25);
        check((double)k / pow(10, j));
        check(((double)k + 0.5) * pow(10, j - 14));
    }
    for (int i = 0; i < 200000; i++) { /* near ties: one ulp either side */
        double m = (double)(1000000000 + rng_next(&rng) % 9000000000ULL) + 0.5;
        double x = m * pow(10, (int)(rng_next(&rng) % 30) - 18);
        check_around(x);
    }
    const long long ints[] = {
        0,   1, -1, 9, 10, -10, 123456789, LLONG_MAX, LLONG_MIN, LLONG_MIN + 1, 1000000000000LL,
        -999};
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) check_int(ints[i]);
    for (int i = 0; i < 100000; i++) check_int((long long)rng_next(&rng) >> (rng_next(&rng) % 63));
    printf("csvio: %ld values formatted, %ld differ from the C library\n", checked, failed);
    return failed ? 1 : 0;
}
