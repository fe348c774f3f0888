/* err.h - error records, checked allocation and always-on assertions.
 *
 * Errors a user can fix (bad configuration, bad command line, bad data) are
 * returned as a status and described in a caller-owned Err: one line of the
 * form `where: subject: problem (expected X, got Y)` plus an optional hint.
 * Programmer errors stop the process through LR_ASSERT with file:line.
 * Exit codes: 0 ok, 1 run failure, 2 usage/config/data error.
 */
#ifndef LRLAB_ERR_H
#define LRLAB_ERR_H

#include <stddef.h>

enum { EXIT_OK = 0, EXIT_RUN = 1, EXIT_USAGE = 2 };

typedef struct Err {
    int code;       /* EXIT_USAGE or EXIT_RUN once set, 0 when clear */
    char msg[512];  /* the one-line message, already prefixed with its origin */
    char hint[256]; /* optional second line, "" when none */
} Err;

/* err_set: formats the message as "WHERE: ..." (WHERE may be NULL or "").
 * Returns -1 so callers can `return err_set(...)`. */
int err_set(Err *e, int code, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void err_hint(Err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* err_print: writes "lrlab: msg" (and "hint: ...") to stderr. */
void err_print(const Err *e);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

void lr_assert_fail(const char *expr, const char *file, int line) __attribute__((noreturn));
#define LR_ASSERT(x) ((x) ? (void)0 : lr_assert_fail(#x, __FILE__, __LINE__))

#endif
