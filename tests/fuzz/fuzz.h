/* fuzz.h - what the fuzz targets of tests/fuzz share: libFuzzer's entry point and a scratch
 * file for the loaders that read a path.
 *
 * Each fuzz_<target>.c defines LLVMFuzzerTestOneInput (libFuzzer's interface, llvm.org/docs/
 * LibFuzzer.html): one input in, the loader run on it, everything freed, no crash, no leak,
 * no undefined behaviour. Built two ways (tests/fuzz/CMakeLists.txt):
 *   fuzz_<target>         with -fsanitize=fuzzer (clang, LRLAB_FUZZ=ON): libFuzzer's main
 *   replay_<target>       with replay.c's main: runs the target on the files it is given,
 *                         for the regression tests of the default suite (any compiler)
 */
#ifndef LRLAB_FUZZ_H
#define LRLAB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_file: writes data[0..size) to a scratch file of this process named NAME (created
 * once, in $TMPDIR or /tmp, removed at exit) and returns its path. */
const char *fuzz_file(const char *name, const uint8_t *data, size_t size);
/* fuzz_dir: a scratch folder of this process (removed at exit, with the files written into
 * it by fuzz_file_in). */
const char *fuzz_dir(void);
/* fuzz_file_in: as fuzz_file, for the file NAME inside fuzz_dir(). */
const char *fuzz_file_in(const char *name, const uint8_t *data, size_t size);

#endif
