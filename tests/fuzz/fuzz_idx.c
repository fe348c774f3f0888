/* fuzz_idx.c - fuzz target: the IDX loader, idx_parse on the input as a file image (raw
 * or, when it starts with 1f 8b, gzipped: the gzip decoder, zlib, runs first). */
#include "fuzz.h"

#include "tasks/data/vision.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Idx a;
    Err e;
    if (idx_parse("fuzz.idx", data, size, &a, "hint", &e) == 0) idx_free(&a);
    return 0;
}
