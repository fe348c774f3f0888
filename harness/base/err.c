/* err.c - error records, checked allocation and assertions (see err.h). */
#include "harness/base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int err_set(Err *e, int code, const char *where, const char *fmt, ...) {
    va_list ap;
    size_t off = 0;
    e->code = code;
    e->hint[0] = '\0';
    if (where && *where) {
        int n = snprintf(e->msg, sizeof e->msg, "%s: ", where);
        off = n > 0 && (size_t)n < sizeof e->msg ? (size_t)n : 0;
    }
    va_start(ap, fmt);
    vsnprintf(e->msg + off, sizeof e->msg - off, fmt, ap);
    va_end(ap);
    for (char *p = e->msg; *p; p++) /* one line, whatever a script or a file put in it */
        if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = ' ';
    return -1;
}

void err_hint(Err *e, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->hint, sizeof e->hint, fmt, ap);
    va_end(ap);
}

void err_print(const Err *e) {
    fprintf(stderr, "lrlab: %s\n", e->msg);
    if (e->hint[0]) fprintf(stderr, "hint: %s\n", e->hint);
}

static void oom(size_t n) {
    fprintf(stderr, "lrlab: out of memory allocating %zu bytes\n", n);
    exit(EXIT_RUN);
}

void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) oom(n * size);
    return p;
}

void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

void lr_assert_fail(const char *expr, const char *file, int line) {
    fprintf(stderr, "lrlab: internal error: %s:%d: assertion failed: %s\n", file, line, expr);
    abort();
}
