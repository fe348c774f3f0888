/* blas.h - the one place lrlab includes CBLAS (OpenBLAS), chooses which kernel runs and says so.
 *
 * Same plan, same bytes on any x86-64 machine: OpenBLAS built with DYNAMIC_ARCH (Debian's)
 * picks a kernel for the CPU it loads on (Haswell, Zen, SkylakeX, Cooperlake, ...), and the
 * kernels sum in different orders, with or without FMA, so their results differ in the last
 * bits and, over a training run, far beyond them. In portable mode (the default) lrlab makes
 * OpenBLAS run one kernel that every x86-64 CPU with AVX2 and FMA executes, Haswell's, whatever
 * the machine would pick. OpenBLAS reads its choice (the environment variable
 * OPENBLAS_CORETYPE) once, when the library loads, before main; so blas_enter re-executes the
 * program with that variable set when the kernel loaded is another one. Haswell's blocking
 * sizes are constants (OpenBLAS 0.3.21 kernel/setparam-ref.c), not derived from the cache
 * sizes of the CPU, and the glibc libm variants chosen on a CPU with AVX2 and FMA are the same
 * on every such CPU, so the bytes do not depend on the machine. Native mode (--blas native or
 * LRLAB_BLAS=native) keeps the machine's own kernel, for speed; provenance says which ran.
 */
#ifndef LRLAB_BLAS_H
#define LRLAB_BLAS_H

#include "harness/base/buf.h"
#include "harness/base/err.h"

#include <cblas.h>

typedef enum BlasMode { BLAS_PORTABLE = 0, BLAS_NATIVE = 1 } BlasMode;

/* The kernel of portable mode, as OpenBLAS names it (OPENBLAS_CORETYPE, openblas_get_corename). */
#define BLAS_PORTABLE_KERNEL "Haswell"

/* blas_mode_parse: "portable" or "native" into *m; -1 for anything else. */
int blas_mode_parse(const char *s, BlasMode *m);
/* blas_mode_default: the mode of LRLAB_BLAS (portable when unset) into *m; -1 and e filled
 * (exit 2) when the variable holds anything else. */
int blas_mode_default(BlasMode *m, Err *e);
/* blas_set_argv: the program's own argv, kept for the re-execution of blas_enter (main). */
void blas_set_argv(char **argv);
/* blas_enter: makes this process run mode m's kernel, single-threaded. In portable mode on
 * x86-64, when OpenBLAS loaded another kernel, re-executes the program (same arguments,
 * OPENBLAS_CORETYPE=Haswell) and does not return. Returns 0, or -1 with e filled (exit 2) when
 * the CPU cannot run the portable kernel (no AVX2 or FMA) or this OpenBLAS does not offer it.
 * Call it after the command line is parsed and before anything is written. */
int blas_enter(BlasMode m, Err *e);
/* blas_mode_name: "portable", "native", or "portable-unavailable" on a CPU other than x86-64
 * (the mode of the process: set by blas_enter, else portable). */
const char *blas_mode_name(void);
/* blas_kernel: the kernel OpenBLAS runs ("Haswell"). */
const char *blas_kernel(void);
/* blas_describe: "OpenBLAS 0.3.21 ...; core Haswell; 1 thread(s)" for benchmarks. */
const char *blas_describe(void);
/* blas_provenance: appends the lines that say where results were computed: blas_mode,
 * blas_kernel, blas (the library's own description), cpu, arch, and the versions of OpenBLAS,
 * Lua, libcsv and glibc. */
void blas_provenance(Buf *b);
/* blas_single_thread: each cell runs single-threaded BLAS; parallelism is across cells. */
void blas_single_thread(void);

#endif
