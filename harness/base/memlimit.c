/* memlimit.c - address space for OpenBLAS and the memory budget of a cell (see memlimit.h).
 *
 * What: getrlimit(RLIMIT_AS) and a PROT_NONE, MAP_NORESERVE probe mapping (it costs address
 * space, not memory: exactly what the limit counts); sysconf(_SC_PHYS_PAGES) for the machine.
 * Why: under a small `ulimit -v` OpenBLAS loops on its failing mmap without a message, and a
 * plan whose steps x evaluations need tens of GB killed its worker at train time, every
 * resume again.
 */
#include "harness/base/memlimit.h"

#include "harness/base/blas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

/* The soft address-space limit in bytes; 0 when there is none. */
static uint64_t as_limit(void) {
    struct rlimit r;
    if (getrlimit(RLIMIT_AS, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return 0;
    return (uint64_t)r.rlim_cur;
}

/* The address space this process maps now (/proc/self/statm, first field); 0 if unknown. */
static uint64_t as_used(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long long pages = 0;
    if (f) {
        if (fscanf(f, "%llu", &pages) != 1) pages = 0;
        fclose(f);
    }
    return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

void memlimit_blas_threads(char **argv) {
    const char *t = getenv("OPENBLAS_NUM_THREADS");
    if (!as_limit() || (t && strcmp(t, "1") == 0)) return;
    if (setenv("OPENBLAS_NUM_THREADS", "1", 1) != 0) return;
    execv("/proc/self/exe", argv);
}

int memlimit_blas_reserve(const char *where, Err *e) {
    const uint64_t lim = as_limit();
    if (!lim) return 0;
    void *p = mmap(NULL, MEMLIMIT_BLAS_BYTES, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        err_set(e, EXIT_USAGE, where,
                "address-space limit too small for OpenBLAS (expected "
                "%llu MB free under ulimit -v, got a limit of %llu MB with less free)",
                (unsigned long long)(MEMLIMIT_BLAS_BYTES >> 20), (unsigned long long)(lim >> 20));
        err_hint(e, "raise it (ulimit -v unlimited); lrlab has %llu MB mapped already",
                 (unsigned long long)(as_used() >> 20));
        return -1;
    }
    munmap(p, MEMLIMIT_BLAS_BYTES);
    float a = 0, b = 0, c = 0; /* OpenBLAS maps its buffer now, in the room just proven */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 1, 1, 1, 1.0f, &a, 1, &b, 1, 0.0f, &c,
                1);
    return 0;
}

/* Physical memory in bytes (4 GiB if the system does not say). */
static uint64_t phys_bytes(void) {
    const long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : (uint64_t)4 << 30;
}

uint64_t memlimit_cell_bytes(void) {
    const uint64_t lim = as_limit(), phys = phys_bytes();
    return (lim && lim < phys ? lim : phys) / 4;
}

const char *memlimit_describe(void) {
    static char s[96];
    const uint64_t lim = as_limit();
    snprintf(s, sizeof s, "%.1f GB, a quarter of %s", (double)memlimit_cell_bytes() / 1e9,
             lim && lim < phys_bytes() ? "the address-space limit (ulimit -v)"
                                       : "this machine's memory");
    return s;
}
