/* csvio.h - CSV in and out through libcsv.
 *
 * Writing: rows are appended to an in-memory Buf with fields quoted by libcsv
 * (csv_write), and the Buf is written atomically. Numbers use one canonical format so
 * that the same results give the same bytes. Reading: a whole file into a table of
 * strings, with the header checked against the expected columns.
 */
#ifndef LRLAB_CSVIO_H
#define LRLAB_CSVIO_H

#include "harness/base/buf.h"
#include "harness/base/err.h"

typedef struct CsvTable {
    int ncols, nrows;
    char **header; /* [ncols] */
    char **cells;  /* [nrows * ncols], row-major */
    char *arena;   /* csvio_read_compact: every field's bytes, in one block; NULL: each field
                    * its own allocation (a caller may move fields between tables) */
} CsvTable;

void csvio_field(Buf *b, const char *s, int first);
void csvio_num(Buf *b, double x, int first); /* %.10g; NaN as "nan", empty never */
void csvio_int(Buf *b, long long x, int first);
/* csvio_format_g10: finite x exactly as snprintf's "%.10g", faster; out has 32 bytes. */
void csvio_format_g10(double x, char *out);
void csvio_end(Buf *b);
/* csvio_header: writes "a,b,c\n" from a NULL-terminated list. */
void csvio_header(Buf *b, const char *const *cols);

/* csvio_read: parses path; every row must have the header's width; when expect is
 * given the header must equal it. Fills e naming the file and line on failure. */
int csvio_read(const char *path, const char *const *expect, CsvTable *t, Err *e);
/* csvio_read_compact: the same, with every field in one block (t->arena): a third of the
 * memory for a table of millions of short fields (a packed store's evaluations); its fields
 * must not be freed or moved one by one. */
int csvio_read_compact(const char *path, const char *const *expect, CsvTable *t, Err *e);
/* csvio_parse: the same of text[n], a file's bytes already read (path names it in messages). */
int csvio_parse(const char *path, const char *text, size_t n, const char *const *expect,
                CsvTable *t, Err *e);
const char *csvio_at(const CsvTable *t, int row, int col);
int csvio_col(const CsvTable *t, const char *name);
void csvio_free(CsvTable *t);
/* csvio_parse_num: strict double parse of a field ("nan" and "inf" accepted). */
int csvio_parse_num(const char *s, double *x);
/* csvio_parse_step: a step count as lrlab writes it: decimal digits (a leading '-' only for
 * min < 0), from min to 2^53; 0, or -1 for anything else ("-5" when min >= 0, "1.5", "1e3",
 * " 7", ""). Results files from elsewhere are checked with it. */
int csvio_parse_step(const char *s, long long min, long long *x);

#endif
