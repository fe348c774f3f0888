/* check.h - the test vocabulary: CHECK and CHECK_NEAR print file:line and count failures;
 * a test program ends with `return check_report();`. */
#ifndef LRLAB_CHECK_H
#define LRLAB_CHECK_H

#include <math.h>
#include <stdio.h>

static int check_failures, check_count;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        check_count++;                                                                             \
        if (!(cond)) {                                                                             \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

/* |got - want| <= tol * max(1, |want|) */
#define CHECK_NEAR(got, want, tol)                                                                 \
    do {                                                                                           \
        double g_ = (got), w_ = (want);                                                            \
        check_count++;                                                                             \
        if (!(fabs(g_ - w_) <= (tol)*fmax(1.0, fabs(w_)))) {                                       \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: %s = %.17g, expected %.17g (tol %g)\n", __FILE__, __LINE__,    \
                    #got, g_, w_, (double)(tol));                                                  \
        }                                                                                          \
    } while (0)

static inline int check_report(void) {
    fprintf(stderr, "%d checks, %d failed\n", check_count, check_failures);
    return check_failures ? 1 : 0;
}

#endif
