/* fuzz_gzip.c - fuzz target: the gzip decoder (harness/base/gzip.c, zlib underneath) on the input
 * as a gzip file image, with a small output limit (16 MB) so that decompression bombs are
 * errors rather than the fuzzer's memory limit. Success must respect the limit and give a
 * buffer; failure must give no output and a one-line error with code 2 (or 1: out of
 * memory). */
#include "fuzz.h"

#include "harness/base/gzip.h"

#include <stdlib.h>
#include <string.h>

#define LIMIT ((size_t)16 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t *out;
    size_t n;
    Err e = {0};
    if (gzip_decode(data, size, LIMIT, &out, &n, "fuzz", &e) == 0) {
        if (n > LIMIT || !out) abort();
        free(out);
    } else if (out || n || (e.code != EXIT_USAGE && e.code != EXIT_RUN) || strchr(e.msg, '\n')) {
        abort();
    }
    return 0;
}
