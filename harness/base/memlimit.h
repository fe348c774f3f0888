/* memlimit.h - the memory lrlab checks for before it starts: the address space OpenBLAS
 * needs under `ulimit -v`, and the most one cell may plan to hold.
 *
 * Both turn what would be a spin or a dead worker deep inside a run into one line at the
 * start, exit code 2, nothing written.
 */
#ifndef LRLAB_MEMLIMIT_H
#define LRLAB_MEMLIMIT_H

#include "harness/base/err.h"

#include <stdint.h>

/* The work buffer OpenBLAS 0.3.21 maps at its first level-3 call (BUFFER_SIZE, 128 MiB on
 * x86-64, plus its guard pages), with room to spare for the allocations around it. */
#define MEMLIMIT_BLAS_BYTES ((uint64_t)160 << 20)

/* memlimit_blas_reserve: under an address-space limit (RLIMIT_AS, `ulimit -v`), proves that
 * MEMLIMIT_BLAS_BYTES can still be mapped and makes OpenBLAS map its work buffer at once (a
 * 1 x 1 sgemm), while it can: OpenBLAS retries a failed mmap of that buffer forever
 * (driver/others/memory.c, blas_memory_alloc), so a process that starts without room would
 * spin at its first matrix product. The buffer stays with the process and the workers it
 * forks. 0, or -1 with e set (exit code 2, `where` the command): the limit and the room it
 * leaves. Without a limit, nothing is done. */
int memlimit_blas_reserve(const char *where, Err *e);

/* memlimit_blas_threads: under an address-space limit, starts the process again (execv of
 * /proc/self/exe with argv) with OPENBLAS_NUM_THREADS=1 unless it is set so already. OpenBLAS
 * starts its threads when the library loads, one per core, and each maps a work buffer
 * first: without room, it retries for ever, and exit() then waits for it. lrlab runs BLAS
 * single-threaded anyway (blas_single_thread). Returns only when nothing needs doing or the
 * execv failed. */
void memlimit_blas_threads(char **argv);

/* memlimit_cell_bytes: the most one cell may plan to allocate for its results: a quarter of
 * the physical memory, or of the address-space limit when that is lower (workers run side by
 * side). */
uint64_t memlimit_cell_bytes(void);
/* memlimit_describe: "5.8 GB, a quarter of this machine's memory" (or "... of ulimit -v"). */
const char *memlimit_describe(void);

#endif
