/* gnuplot.h - text that lrlab writes into gnuplot scripts: the one escaping function for
 * strings, and data file names that gnuplot cannot take for a command.
 *
 * gnuplot substitutes `...` (a shell command) on a command line before parsing it, even
 * inside double quotes; only single-quoted strings are left alone, but those cannot carry a
 * newline or any escape, and a comment ending in \ swallows the next line. So every string
 * from outside lrlab (a label, a title, a path) is written double-quoted with every byte that
 * could end it or be expanded ("  \  `  @  $  '  and every control byte, 0x01..0x1f and
 * 0x7f) as an octal escape \ooo, which gnuplot turns back into that byte after the line is
 * read: the text shows as given, and no byte of it can end the string. Bytes from
 * 0x80 up (UTF-8) stay as they are: none of them is a quote, a backquote, @ or a line end.
 * gnuplot reads up to four octal digits after \0, so a digit 0-7 right after an escape is
 * escaped too.
 * Outside text in a comment goes through gnuplot_comment.
 */
#ifndef LRLAB_GNUPLOT_H
#define LRLAB_GNUPLOT_H

#include "harness/base/buf.h"

/* gnuplot_str: appends S as one double-quoted gnuplot string. */
void gnuplot_str(Buf *b, const char *s);

/* gnuplot_file: appends the relative or absolute path P as a gnuplot_str that gnuplot reads
 * as a file, in a plot command or in set output: "./" goes before a path that does not start
 * with . or /, so that no path is taken for a pipe ('<cmd' to read, '|cmd' to write),
 * standard input ('-'), a data block ('$name') or a pseudo-file ('+', '++'). */
void gnuplot_file(Buf *b, const char *p);

/* gnuplot_comment: appends S for a "# ..." comment line: every control byte and every \ as
 * \ooo, so that S can neither end the comment nor continue
 * it onto the next line. The text stays readable (lrlab's own banners name the folder they
 * came from). */
void gnuplot_comment(Buf *b, const char *s);

#endif
