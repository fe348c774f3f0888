/* gzip.h - gzip files (RFC 1952) decoded in memory with zlib.
 *
 * What: a whole gzip file image: one member, or several concatenated members as RFC 1952
 * section 2.2 allows (their outputs joined), and nothing after the last one. zlib (1.2.13 on
 * Debian 12) parses each header, inflates the DEFLATE data (RFC 1951) and checks the CRC32 and
 * ISIZE of the trailer; the output is bounded, so a decompression bomb is an error.
 * Why: the Fashion-MNIST IDX files come gzipped; zlib is on every Debian machine and fuzzed
 * upstream (OSS-Fuzz).
 * Errors are one line, "WHERE: gzip stream: problem (expected X, got Y)", code EXIT_USAGE (bad
 * data): not gzip (wrong magic), truncated, corrupt header or data, CRC32 or ISIZE mismatch,
 * bytes after the last member, output over the limit. Byte offsets count bytes of `in`.
 */
#ifndef LRLAB_GZIP_H
#define LRLAB_GZIP_H

#include "harness/base/buf.h"
#include "harness/base/err.h"

#include <stddef.h>
#include <stdint.h>

/* gzip_decode: decodes the gzip file image in[0..n). On success *out is a new buffer of *outn
 * bytes (never NULL, even for an empty output; caller frees it). More than `limit` output
 * bytes is an error. On failure returns -1, sets *out to NULL and *outn to 0 (no partial
 * output) and fills e (where: the file, for the message). */
int gzip_decode(const uint8_t *in, size_t n, size_t limit, uint8_t **out, size_t *outn,
                const char *where, Err *e);

/* gzip_decode_member: decodes the one gzip member that starts at in[0] (more bytes may follow
 * it); *used is its length in bytes. The rest as gzip_decode. */
int gzip_decode_member(const uint8_t *in, size_t n, size_t limit, uint8_t **out, size_t *outn,
                       size_t *used, const char *where, Err *e);

/* gzip_member: appends to out one gzip member holding in[0..n): zlib's deflate at level 9
 * with the header zlib writes when given none (no name, mtime 0, OS 3), so the same bytes
 * and the same zlib give the same member. Members appended one after another form a gzip
 * file that gzip -d (and gzip_decode) decodes to their inputs joined. */
void gzip_member(Buf *out, const void *in, size_t n);

#endif
