/* test_rng.c - splitmix64 and xoshiro256** against tests/golden/rng.csv (made by
 * scripts/golden/gen_rng_golden.py, an independent implementation), plus properties of
 * the derived helpers: uniform range, unbiased below(), shuffle is a permutation. */
#include "check.h"
#include "harness/base/csvio.h"
#include "harness/base/rng.h"

#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    CsvTable t;
    Err e;
    static const char *const cols[] = {"generator", "seed", "index", "value", NULL};
    CHECK(argc == 2 && csvio_read(argv[1], cols, &t, &e) == 0);
    if (check_failures) return check_report();
    CHECK(t.nrows == 33);
    for (int r = 0; r < t.nrows; r++) {
        uint64_t seed = strtoull(csvio_at(&t, r, 1), NULL, 10);
        int index = atoi(csvio_at(&t, r, 2));
        uint64_t want = strtoull(csvio_at(&t, r, 3), NULL, 16), got = 0;
        if (strcmp(csvio_at(&t, r, 0), "splitmix64") == 0) {
            uint64_t st = seed;
            for (int i = 0; i <= index; i++) got = splitmix64(&st);
        } else {
            Rng rng;
            rng_seed(&rng, seed);
            for (int i = 0; i <= index; i++) got = rng_next(&rng);
        }
        CHECK(got == want);
    }
    csvio_free(&t);

    Rng r;
    rng_seed(&r, 7);
    int hist[10] = {0};
    for (int i = 0; i < 100000; i++) {
        double u = rng_uniform(&r);
        CHECK(u >= 0 && u < 1);
        hist[rng_below(&r, 10)]++;
    }
    for (int k = 0; k < 10; k++) CHECK(abs(hist[k] - 10000) < 500); /* ~5 sigma */
    uint32_t a[1000];
    int seen[1000] = {0};
    for (int i = 0; i < 1000; i++) a[i] = (uint32_t)i;
    rng_shuffle(&r, a, 1000);
    int moved = 0;
    for (int i = 0; i < 1000; i++) seen[a[i]]++, moved += a[i] != (uint32_t)i;
    for (int i = 0; i < 1000; i++) CHECK(seen[i] == 1);
    CHECK(moved > 900);
    /* independent streams differ; the same seed repeats */
    Rng x, y, z;
    rng_seed2(&x, 1, 1);
    rng_seed2(&y, 1, 2);
    rng_seed2(&z, 1, 1);
    uint64_t xv = rng_next(&x);
    CHECK(xv != rng_next(&y));
    CHECK(xv == rng_next(&z));
    double s = 0, ss = 0;
    for (int i = 0; i < 100000; i++) {
        double g = rng_normal(&r);
        s += g, ss += g * g;
    }
    CHECK(fabs(s / 1e5) < 0.02 && fabs(ss / 1e5 - 1) < 0.03);
    return check_report();
}
