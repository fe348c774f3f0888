/* names.h - the one rule for names: experiment names and the labels of tasks, optimizers and
 * schedulers.
 *
 * A name is 1 to NAME_MAX_LEN bytes of A-Z a-z 0-9 and - _ . + =, the first a letter, a digit
 * or _, with no two _ in a row (file names join two names with __, so that no two pairs of
 * names share a file). Names end up in CSV columns, legends, gnuplot scripts, Markdown and LaTeX,
 * and file names (figures/<task>__<optimizer>.png), so the set has no slash, quote, space,
 * backslash, control byte or non-ASCII byte, and no name can be "." or "..". Every place a name
 * enters lrlab (the Lua constructors and experiment{}, plan.csv, runs.csv, policy files) checks it
 * here, and refuses it whole: a name is never cut or changed.
 */
#ifndef LRLAB_NAMES_H
#define LRLAB_NAMES_H

#include "harness/base/err.h"

#include <stddef.h>

#define NAME_MAX_LEN 63
/* what an error message says a name should be, after "expected " */
#define NAME_RULE                                                                                  \
    "1 to 63 characters of A-Z a-z 0-9 - _ . + =, the first a letter, digit or _, no __"

/* name_valid: 1 when the LEN bytes at S (NUL bytes counted, so a Lua string with "\0" fails)
 * follow the rule, else 0. */
int name_valid(const char *s, size_t len);

/* name_check: 0 when S[0..LEN) is a valid name; else fills E (EXIT_USAGE) with
 * "WHERE: SUBJECT: invalid name (expected NAME_RULE, got "...")" and returns -1. The name is
 * shown escaped (name_show), so the message stays one printable line. */
int name_check(const char *s, size_t len, const char *where, const char *subject, Err *e);

/* name_show: S[0..LEN) as printable ASCII for a message, into OUT[N]: bytes outside
 * 0x20..0x7e and " and \ as C escapes (\n, \xHH), at most about 40 bytes of S, then
 * "... (LEN bytes)". */
void name_show(char *out, size_t n, const char *s, size_t len);

/* name_slug: a file name stem made from S (any text), into OUT[n], n >= 16: S itself when S
 * is a valid name (the usual case), else its name characters with every other byte as _,
 * cut to 40 bytes, then - and 8 hex digits of a hash of all of S; so two different texts
 * never share a slug and no slug holds a slash, starts with a dot or is empty. */
void name_slug(char *out, size_t n, const char *s);

/* An arm (one folder of a study whose arms differ in how they were trained, e.g. GreedyLR's
 * variant or the budget): a name, or axes "key=value;key=value" (at most ARM_MAX_AXES, keys
 * names without '=' in increasing order, values names), at most ARM_MAX_LEN characters. */
#define ARM_MAX_AXES 8
#define ARM_MAX_LEN 511
#define ARM_RULE "a name, or key=value pairs joined by ; (keys in increasing order, each a name)"
int arm_valid(const char *s);

#endif
