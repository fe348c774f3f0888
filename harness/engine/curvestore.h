/* curvestore.h - the curves of a packed result folder (lrlab pack), read one cell at a time.
 *
 * A packed folder keeps every cell's curve in two gzip files of one member per cell:
 * curves.csv.gz (the evaluation cells, in plan order) and tuning-curves.csv.gz (the tuning
 * cells, in tuning-cells.csv's order). The first member is the header of curves.csv
 * (cell,task,optimizer,scheduler,seed,step,lr,train_loss); each further one holds one cell's
 * rows, each starting with the cell's id. Decoded whole, curves.csv.gz is curves.csv byte for
 * byte (gzip -dc, pandas.read_csv); a member alone is one cell's rows, so a reader takes one
 * cell's curve without decoding the others.
 *
 * curvestore_open reads the file and decodes every member once, checking it: the header
 * member first, then members of whole lines that all start with one cell id of 16 hex digits,
 * no id twice, each member at most CURVESTORE_MEMBER_MAX bytes decoded. It keeps the
 * compressed bytes (tens of MB for a paper matrix) and an index by id. The file is untrusted:
 * a symbolic link is refused, and any damage is an error naming the file and the byte offset
 * of the member (exit 2), never a cell quietly left out.
 */
#ifndef LRLAB_CURVESTORE_H
#define LRLAB_CURVESTORE_H

#include "harness/base/buf.h"
#include "harness/base/err.h"

#include <stddef.h>
#include <stdint.h>

#define CURVESTORE_MEMBER_MAX ((size_t)64 << 20)

typedef struct CurveMember CurveMember;

typedef struct CurveStore {
    char path[4200];
    uint8_t *gz; /* the file's bytes */
    size_t n;
    CurveMember *m; /* sorted by id */
    int nm;
} CurveStore;

/* curvestore_open: 0 when path was read and indexed, 1 when there is no such file (s is then
 * empty, and curvestore_rows finds nothing), -1 with e filled when it is damaged or a link. */
int curvestore_open(CurveStore *s, const char *path, Err *e);
/* curvestore_rows: appends the cell's rows (as in curves.csv) to b: 0, or 1 when the store
 * has no such cell, or -1 with e filled (cannot happen for a store that opened). */
int curvestore_rows(const CurveStore *s, const char *id, Buf *b, Err *e);
/* curvestore_curve: appends the cell's curve file (curves/<id>.csv: the header step,lr,
 * train_loss and each row without the cell's keys) to b: 0, 1 when absent, or -1. */
int curvestore_curve(const CurveStore *s, const char *id, Buf *b, Err *e);
void curvestore_close(CurveStore *s);

#endif
