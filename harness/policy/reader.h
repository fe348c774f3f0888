/* reader.h - the line reader of the policy file format (harness/policy/policy.c), which the
 * trainer's checkpoint (harness/engine/ppo.c) shares: lines of whitespace-separated tokens,
 * '#' comments and blank lines skipped, each problem reported as "PATH:LINE: problem
 * (expected X, got Y)" with exit code 2.
 */
#ifndef LRLAB_POLICY_READER_H
#define LRLAB_POLICY_READER_H

#include "harness/base/err.h"
#include "harness/policy/policy.h"

#include <stdint.h>

typedef struct PolicyReader {
    const char *path;
    char *buf, *next;
    int line;
    char *tok[POLICY_MAX_WIDTH + 8];
    int ntok; /* > POLICY_MAX_WIDTH + 8 when the line had more tokens than tok holds */
    Err *e;
} PolicyReader;

/* pread_fail: sets r->e to "PATH:LINE: message" (EXIT_USAGE); returns -1. */
int pread_fail(PolicyReader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* pread_next: the next line with content into tok[ntok]; -1 at the end of the file. */
int pread_next(PolicyReader *r);
/* pread_key: the next line is `key` and nargs values (nargs < 0: any number). */
int pread_key(PolicyReader *r, const char *key, int nargs);
/* pread_num: tok as a finite number into *x; what names it in the message. */
int pread_num(PolicyReader *r, const char *what, const char *tok, double *x);
/* pread_int: tok as an integer in [lo, hi] into *x. */
int pread_int(PolicyReader *r, const char *what, const char *tok, int64_t lo, int64_t hi,
              int64_t *x);
/* pread_nums: the n tokens from tok[first] as numbers into x[n]. */
int pread_nums(PolicyReader *r, const char *what, int first, double *x, int n);

#endif
