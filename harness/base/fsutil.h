/* fsutil.h - files that are never half-written: atomic replace, directory creation. */
#ifndef LRLAB_FSUTIL_H
#define LRLAB_FSUTIL_H

#include "harness/base/err.h"

#include <stdbool.h>
#include <stddef.h>

/* The longest output folder lrlab accepts (--out, merge's OUT, report's DIR and PAPER): every
 * path built from it fits FS_PATH_MAX. A longer one is refused, never cut. */
#define FS_DIR_MAX 2000
#define FS_PATH_MAX 4096
/* fs_check_dir_len: 0, or -1 with e (exit 2) when dir is longer than FS_DIR_MAX. */
int fs_check_dir_len(const char *what, const char *dir, Err *e);
/* fs_path: snprintf into out[n]; 0, or -1 with e (exit 2) when the path does not fit. */
int fs_path(char *out, size_t n, Err *e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* fs_is_temp_name: name is one of lrlab's temporary files: ".NAME.lrlab-tmp.PID" (fs_write),
 * "STEM.FMT.lrlab-tmp" (a figure gnuplot is drawing) or ".lrlab-write-test.PID"
 * (fs_check_writable). */
bool fs_is_temp_name(const char *name);
/* fs_remove_temps: removes dir's temporary files of lrlab (fs_is_temp_name; a link itself,
 * never its target), nothing else; returns how many. Only under the folder's lock. */
int fs_remove_temps(const char *dir);
/* fs_abort_temp: removes the temporary file fs_write is writing, if any (async-signal-safe). */
void fs_abort_temp(void);
/* fs_check_not_link: 0, or -1 with e (exit 2) when path is a symbolic link. */
int fs_check_not_link(const char *path, Err *e);
/* fs_check_real_dir: 0 when path is absent or a real folder holding no symbolic link;
 * otherwise -1 with e (exit 2) naming the link or the file in the way. */
int fs_check_real_dir(const char *path, Err *e);

/* fs_write_atomic: writes data to a temporary file beside path, fsyncs it, renames it
 * over path and fsyncs the directory. On failure path is untouched and e says why. */
int fs_write_atomic(const char *path, const char *data, size_t n, Err *e);
/* fs_write: the same; without `durable`, no fsync: the file is whole or absent after a
 * crash of the process, but after a crash of the machine it may be empty or short, so its
 * reader must be able to tell (per-cell result files carry checksums for that). */
int fs_write(const char *path, const char *data, size_t n, int durable, Err *e);
/* FsStream: a file written in pieces and put in place whole at the end, as fs_write does
 * (temporary file beside path, rename): for an output too large to hold in memory. One at a
 * time per process (fs_abort_temp removes its temporary file on a signal). fs_stream_write
 * and fs_stream_close remove the temporary file on failure; fs_stream_abort removes it
 * (nothing at path changes); a stream is closed or aborted exactly once after a successful
 * open. */
typedef struct FsStream {
    int fd;
    char path[FS_PATH_MAX];
    char tmp[FS_PATH_MAX + 64];
} FsStream;
int fs_stream_open(FsStream *s, const char *path, Err *e);
int fs_stream_write(FsStream *s, const char *data, size_t n, Err *e);
int fs_stream_close(FsStream *s, int durable, Err *e);
void fs_stream_abort(FsStream *s);
/* fs_write_in_place: writes path itself (create or truncate, write, close; a link at path is
 * refused, exit 2), saving the rename of fs_write: a crash mid-write leaves it short. Only
 * for a file that a file written after it, atomically, vouches for by checksum (a cell's
 * curves and evaluations); on failure path is removed. */
int fs_write_in_place(const char *path, const char *data, size_t n, Err *e);
/* fs_sync: flushes the filesystem holding dir (syncfs); 0 or -1. */
int fs_sync(const char *dir);
/* fs_mkdirs: mkdir -p. */
int fs_mkdirs(const char *path, Err *e);
bool fs_exists(const char *path);
/* fs_open_regular: a read-only descriptor of path if it is a regular file; -1 with errno
 * otherwise (EISDIR for a folder, FS_ENOTREG for a FIFO, a device or a socket). Opened with
 * O_NONBLOCK and checked with fstat before any read, so that a FIFO or a device named as a
 * data or results file is refused at once instead of blocking forever. */
enum { FS_ENOTREG = 4096 }; /* beyond every errno value */
int fs_open_regular(const char *path);
/* fs_strerror: strerror(err), and "not a regular file (a FIFO, a device or a socket)" for
 * FS_ENOTREG. */
const char *fs_strerror(int err);
/* fs_not_regular: "a pipe", "a socket", "a character device" or "a block device" where path
 * names one (it would be read without end), else NULL (a regular file, a folder, or nothing
 * there: those are for the caller's open to report). */
const char *fs_not_regular(const char *path);
/* fs_read: whole file into a NUL-terminated malloc'd buffer; NULL with errno if it is not a
 * readable regular file (fs_open_regular) or a read fails. */
char *fs_read(const char *path, size_t *n);
/* The packed form of a result file (scripts/pack.sh): FILE.gz, or parts FILE.1-N.gz, ...,
 * FILE.N-N.gz (each name holds the count, so a missing last part is seen) whose decoded
 * bytes, joined in order, are FILE's bytes exactly. It keeps
 * committed results small while every reader sees the same bytes.
 * fs_read_packed: FILE itself when it exists (always preferred), else its packed form,
 * decoded (harness/base/gzip.h). NULL with errno set and e->code 0 when FILE cannot be read and has
 * no packed form (ENOENT when neither exists): the caller words it; NULL with e set when a
 * part is corrupt or missing, or two sets of parts are there. */
char *fs_read_packed(const char *path, size_t *n, Err *e);
/* fs_exists_packed: FILE or its packed form exists. */
bool fs_exists_packed(const char *path);
/* fs_check_writable: creates dir if needed and proves a file can be written there. */
int fs_check_writable(const char *dir, Err *e);

#endif
