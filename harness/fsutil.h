/* fsutil.h - files that are never half-written: atomic replace, directory creation. */
#ifndef LRLAB_FSUTIL_H
#define LRLAB_FSUTIL_H

#include "harness/err.h"

#include <stdbool.h>
#include <stddef.h>

/* fs_write_atomic: writes data to a temporary file beside path, fsyncs it, renames it
 * over path and fsyncs the directory. On failure path is untouched and e says why. */
int fs_write_atomic(const char *path, const char *data, size_t n, Err *e);
/* fs_write: the same; without `durable`, no fsync: the file is whole or absent after a
 * crash of the process, but after a crash of the machine it may be empty or short, so its
 * reader must be able to tell (per-cell result files carry checksums for that). */
int fs_write(const char *path, const char *data, size_t n, int durable, Err *e);
/* fs_write_in_place: writes path itself (create or truncate, write, close), saving the
 * rename of fs_write: a crash mid-write leaves it short. Only for a file that a file written
 * after it, atomically, vouches for by checksum (a cell's curves and evaluations); on
 * failure path is removed. */
int fs_write_in_place(const char *path, const char *data, size_t n, Err *e);
/* fs_sync: flushes the filesystem holding dir (syncfs); 0 or -1. */
int fs_sync(const char *dir);
/* fs_mkdirs: mkdir -p. */
int fs_mkdirs(const char *path, Err *e);
bool fs_exists(const char *path);
/* fs_read: whole file into a NUL-terminated malloc'd buffer; NULL if unreadable. */
char *fs_read(const char *path, size_t *n);
/* fs_check_writable: creates dir if needed and proves a file can be written there. */
int fs_check_writable(const char *dir, Err *e);

#endif
