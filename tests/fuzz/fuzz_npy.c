/* fuzz_npy.c - fuzz target: the NumPy .npy loader, npy_load on the input as a file. */
#include "fuzz.h"

#include "tasks/data/npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_file("array.npy", data, size);
    Npy a;
    Err e;
    if (npy_load(path, &a, "hint", &e) == 0) npy_free(&a);
    return 0;
}
