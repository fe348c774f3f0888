/* members.h - a packed folder's long files read one cell at a time (lrlab pack).
 *
 * A packed folder keeps curves.csv.gz and evals.csv.gz (the evaluation cells, in plan order)
 * and tuning-curves.csv.gz and tuning-evals.csv.gz (the tuning cells, in tuning-cells.csv's
 * order) as gzip files of one member per cell. The first member is the file's header (the
 * cell's keys cell,task,optimizer,scheduler,seed, then its file's columns); each further one
 * holds one cell's rows, each starting with the cell's id. Decoded whole, curves.csv.gz is
 * curves.csv byte for byte (gzip -dc, pandas.read_csv); a member alone is one cell's rows, so
 * a reader takes one cell without decoding the others.
 *
 * members_open reads the file a few MiB at a time and decodes every member once, checking it:
 * the header member first, then members of whole lines that all start with one cell id of 16
 * hex digits, no id twice, each member at most MEMBERS_MAX bytes decoded. It keeps the file
 * open and an index by id (where each member starts and ends), and reads a member again when
 * its cell is asked for: a paper matrix's 100 MB of curves never sit in memory. The file is
 * untrusted: a symbolic link is refused, and any damage is an error naming the file and the
 * byte offset of the member (exit 2), never a cell quietly left out.
 */
#ifndef LRLAB_MEMBERS_H
#define LRLAB_MEMBERS_H

#include "harness/base/buf.h"
#include "harness/base/err.h"

#include <stddef.h>
#include <stdint.h>

#define MEMBERS_MAX ((size_t)64 << 20)
#define MEMBERS_KEYS 5 /* cell, task, optimizer, scheduler, seed */

typedef struct Member Member;

typedef struct MemberFile {
    char path[4200];
    const char *const *cols; /* the header's columns, keys first */
    int fd;                  /* open while the store is; -1 closed */
    size_t n;                /* the file's bytes, when opened */
    Member *m;               /* sorted by id */
    int nm;
} MemberFile;

/* members_open: 0 when path was read and indexed (cols: its columns, NULL-terminated, the
 * MEMBERS_KEYS keys first; kept, not copied); 1 when there is no such file; 2 when its first
 * member is not the header alone (a file gzipped whole: not one member per cell; e says so);
 * -1 with e filled when it is damaged or a link. */
int members_open(MemberFile *s, const char *path, const char *const *cols, Err *e);
/* members_rows: appends the cell's rows (as in the whole file) to b: 0, or 1 when the file
 * has no such cell, or -1 with e filled (the file changed since it was opened). */
int members_rows(const MemberFile *s, const char *id, Buf *b, Err *e);
/* members_cell: appends the cell's own file (curves/<id>.csv, evals/<id>.csv: the header of
 * the columns after the keys, and each row without them) to b: 0, 1 when absent, or -1. */
int members_cell(const MemberFile *s, const char *id, Buf *b, Err *e);
void members_close(MemberFile *s);

#endif
