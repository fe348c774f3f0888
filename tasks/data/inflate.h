/* inflate.h - in-memory decoders for DEFLATE (RFC 1951) and gzip (RFC 1952) streams.
 *
 * What: stored, fixed-Huffman and dynamic-Huffman blocks; the gzip header (all flags, header
 * CRC16), CRC32 and ISIZE checks. One gzip member per file: anything after it is an error.
 * Why: the Fashion-MNIST IDX files come gzipped and the project's dependencies are fixed
 * (no zlib). The decoders never read outside their input and bound their output, so corrupt,
 * truncated or hostile input gives an error, never a crash.
 * Errors are one line, "WHERE: deflate stream: problem (expected X, got Y)" or "WHERE: gzip
 * stream: ...", with code EXIT_USAGE (bad data); offsets in messages count bytes of `in`.
 */
#ifndef LRLAB_INFLATE_H
#define LRLAB_INFLATE_H

#include "harness/err.h"

#include <stddef.h>
#include <stdint.h>

/* inflate_raw: decodes the DEFLATE stream at the start of in[0..n) up to and including its
 * final block. On success *out is a new buffer of *outn bytes (caller frees it) and *used
 * (when not NULL) the bytes of `in` the stream took, up to its last byte boundary; bytes
 * after that are left alone. More than `limit` output bytes is an error. On failure returns
 * -1, sets *out to NULL and fills e (where: the file, for the message). */
int inflate_raw(const uint8_t *in, size_t n, size_t limit, uint8_t **out, size_t *outn,
                size_t *used, const char *where, Err *e);

/* inflate_gzip: decodes a whole gzip file image in[0..n) of exactly one member: header,
 * DEFLATE data, CRC32 and ISIZE of the output, then end of input. Same ownership, limit
 * and failure rules as inflate_raw. */
int inflate_gzip(const uint8_t *in, size_t n, size_t limit, uint8_t **out, size_t *outn,
                 const char *where, Err *e);

/* inflate_crc32: the CRC-32 of gzip and zlib (reflected polynomial 0xedb88320), continued
 * from `crc` (0 to start): inflate_crc32(inflate_crc32(0, a, n), b, m) is the CRC of a||b. */
uint32_t inflate_crc32(uint32_t crc, const void *buf, size_t n);

#endif
