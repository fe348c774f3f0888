/* test_csvio.c - csvio's number and integer fields against the C library: csvio_format_g10
 * must write exactly what snprintf's "%.10g" writes (the result files' bytes depend on it),
 * on random doubles over the whole range, on floats widened to double, on short decimals,
 * on values at and next to rounding ties and powers of ten, and on the edges of its fast
 * range; csvio_int as "%lld". And csvio_read_compact reads every table as csvio_read does
 * (quoted, empty and long fields, a banner, a final row of empty fields), refusing the same bad
 * files with the same line. */
#include "harness/base/csvio.h"
#include "harness/base/fsutil.h"
#include "harness/base/rng.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* read_both: path with text read both ways: the same verdict and message, the same table */
static void read_both(const char *path, const char *text, const char *const *expect) {
    Err e1 = {0}, e2 = {0};
    CsvTable a, b;
    fs_write_atomic(path, text, strlen(text), &e1);
    int ra = csvio_read(path, expect, &a, &e1), rb = csvio_read_compact(path, expect, &b, &e2);
    checked++;
    int same = ra == rb && strcmp(e1.msg, e2.msg) == 0;
    if (same && ra == 0) {
        same = a.nrows == b.nrows && a.ncols == b.ncols && b.arena != NULL && a.arena == NULL;
        for (int c = 0; same && c < a.ncols; c++) same = strcmp(a.header[c], b.header[c]) == 0;
        for (int r = 0; same && r < a.nrows; r++)
            for (int c = 0; same && c < a.ncols; c++)
                same = strcmp(csvio_at(&a, r, c), csvio_at(&b, r, c)) == 0;
    }
    if (!same && failed++ < 10)
        fprintf(stderr, "FAIL: csvio_read_compact of \"%.40s\": %d \"%s\", csvio_read %d \"%s\"\n",
                text, rb, e2.msg, ra, e1.msg);
    if (ra == 0) csvio_free(&a);
    if (rb == 0) csvio_free(&b);
}

static void test_compact(void) {
    char path[] = "/tmp/lrlab-test-csvio.XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return (void)(failed++, fprintf(stderr, "FAIL: mkstemp\n"));
    close(fd);
    static const char *const ab[] = {"a", "b", NULL};
    read_both(path, "a,b\n1,2\n3,4\n", ab);
    read_both(path, "a,b\n\"x, \"\"y\"\"\",\n,\n", ab);
    read_both(path, "# generated\na,b\nlong field with spaces,0.1234567891\n", NULL);
    read_both(path, "a,b\n", ab);
    read_both(path, "a,b\n1,2,3\n", ab); /* wrong width */
    read_both(path, "a,c\n1,2\n", ab);   /* other columns */
    read_both(path, "a,b\n1,2", ab);     /* no final newline */
    read_both(path, "a,b\n\"1,2\n", ab); /* an open quote */
    read_both(path, "", ab);             /* empty */
    Buf big = {0};
    buf_printf(&big, "a,b\n");
    for (int i = 0; i < 20000; i++) buf_printf(&big, "%d,%s\n", i, i % 7 ? "x" : "");
    read_both(path, big.s, ab);
    buf_free(&big);
    unlink(path);
}

int main(void) {
    test_compact();
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
