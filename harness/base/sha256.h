/* sha256.h - SHA-256 (FIPS 180-4) of files, to verify fetched data and record provenance. */
#ifndef LRLAB_SHA256_H
#define LRLAB_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct Sha256 {
    uint32_t h[8];
    uint64_t len;
    unsigned char buf[64];
    size_t nbuf;
} Sha256;

void sha256_init(Sha256 *c);
void sha256_update(Sha256 *c, const void *data, size_t n);
void sha256_hex(Sha256 *c, char out[65]); /* finalises */
/* sha256_file: 0 on success, -1 with errno when the file cannot be read or is not a
 * regular file (fs_open_regular: a FIFO is refused, never waited on). */
int sha256_file(const char *path, char out[65]);

#endif
