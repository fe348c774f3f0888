/* gnuplot.c - strings and file names in gnuplot scripts (see gnuplot.h). */
#include "harness/base/gnuplot.h"

#include <stdio.h>
#include <string.h>

void gnuplot_str(Buf *b, const char *s) {
    buf_append(b, "\"", 1);
    int escaped = 0; /* the last byte written was an escape */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        /* gnuplot reads 4 octal digits after \0, so an octal digit after an escape is one too */
        escaped = *p < 0x20 || *p == 0x7f || strchr("\"\\`@$'", *p) ||
                  (escaped && *p >= '0' && *p <= '7');
        if (escaped) {
            char o[8];
            snprintf(o, sizeof o, "\\%03o", *p);
            buf_append(b, o, 4);
        } else buf_append(b, (const char *)p, 1);
    }
    buf_append(b, "\"", 1);
}

void gnuplot_file(Buf *b, const char *p) {
    if (p[0] == '.' || p[0] == '/') {
        gnuplot_str(b, p);
        return;
    }
    Buf t = {0};
    buf_printf(&t, "./%s", p);
    gnuplot_str(b, t.s);
    buf_free(&t);
}

void gnuplot_comment(Buf *b, const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f || *p == '\\') {
            char o[8];
            snprintf(o, sizeof o, "\\%03o", *p);
            buf_append(b, o, 4);
        } else buf_append(b, (const char *)p, 1);
    }
}
