/* fuzz_inflate.c - fuzz target: the DEFLATE and gzip decoders, on the input as a raw DEFLATE
 * stream and as a gzip file, with a small output limit (16 MB) so that decompression bombs
 * are errors rather than the fuzzer's memory limit. The output must respect the limit. */
#include "fuzz.h"

#include "tasks/data/inflate.h"

#include <stdlib.h>

#define LIMIT ((size_t)16 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t *out;
    size_t n, used;
    Err e;
    if (inflate_raw(data, size, LIMIT, &out, &n, &used, "fuzz", &e) == 0) {
        if (n > LIMIT || used > size) abort();
        free(out);
    }
    if (inflate_gzip(data, size, LIMIT, &out, &n, "fuzz", &e) == 0) {
        if (n > LIMIT) abort();
        free(out);
    }
    return 0;
}
