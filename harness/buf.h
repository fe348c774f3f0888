/* buf.h - a growable text buffer (printf-style appends) for canonical dumps and file bodies. */
#ifndef LRLAB_BUF_H
#define LRLAB_BUF_H

#include <stddef.h>

typedef struct Buf {
    char *s;     /* NUL-terminated, owned */
    size_t len, cap;
} Buf;

void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_append(Buf *b, const char *s, size_t n);
void buf_free(Buf *b);
/* buf_num: appends a double in the canonical round-trip form (%.17g, "nan", "inf"). */
void buf_num(Buf *b, double x);

#endif
