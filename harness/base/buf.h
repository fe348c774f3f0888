/* buf.h - a growable text buffer (printf-style appends) for canonical dumps and file bodies. */
#ifndef LRLAB_BUF_H
#define LRLAB_BUF_H

#include <stddef.h>

typedef struct Buf {
    char *s; /* NUL-terminated, owned */
    size_t len, cap;
} Buf;

void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_append(Buf *b, const char *s, size_t n);
void buf_free(Buf *b);
/* buf_num: appends a double in the canonical round-trip form (%.17g, "nan", "inf"). */
void buf_num(Buf *b, double x);
/* num_short: x in the shortest %.Pg, P from 15 to 17, that reads back as x ("nan", "inf" and
 * "-inf" as buf_num): 0.1 rather than 0.10000000000000001, 3000 rather than 3e+03. A P below
 * 15 would give no shorter digits (15 significant digits always name a double's nearest
 * 15-digit decimal, and %g drops trailing zeros), only exponents such as 3e+03. For text a
 * person reads; canonical dumps keep buf_num. OUT holds at least 32 bytes. */
void num_short(char *out, size_t n, double x);
/* buf_num_short: appends num_short(x). */
void buf_num_short(Buf *b, double x);

#endif
