/* blas.c - the BLAS kernel of a run: portable or native, and where results were computed
 * (see blas.h). */
#include "harness/base/blas.h"

#include <csv.h>
#include <errno.h>
#include <gnu/libc-version.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

static char **self_argv;
static const char *mode_name = "portable";

void blas_set_argv(char **argv) { self_argv = argv; }

int blas_mode_parse(const char *s, BlasMode *m) {
    if (strcmp(s, "portable") == 0) *m = BLAS_PORTABLE;
    else if (strcmp(s, "native") == 0) *m = BLAS_NATIVE;
    else return -1;
    return 0;
}

int blas_mode_default(BlasMode *m, Err *e) {
    const char *v = getenv("LRLAB_BLAS");
    *m = BLAS_PORTABLE;
    if (!v) return 0;
    if (blas_mode_parse(v, m) == 0) return 0;
    return err_set(e, EXIT_USAGE, "LRLAB_BLAS",
                   "invalid value (expected portable or native, got %.64s)", v);
}

const char *blas_kernel(void) { return openblas_get_corename(); }
const char *blas_mode_name(void) { return mode_name; }

/* cpu_model: the processor's brand string (CPUID 0x80000002-4), else /proc/cpuinfo's first
 * "model name", else "unknown". */
static const char *cpu_model(void) {
    static char model[64];
    if (model[0]) return model;
#if defined(__x86_64__)
    unsigned r[12] = {0};
    if (__get_cpuid(0x80000000, &r[0], &r[1], &r[2], &r[3]) && r[0] >= 0x80000004) {
        for (unsigned i = 0; i < 3; i++)
            __get_cpuid(0x80000002 + i, &r[4 * i], &r[4 * i + 1], &r[4 * i + 2], &r[4 * i + 3]);
        char raw[49];
        memcpy(raw, r, 48);
        raw[48] = '\0';
        const char *s = raw;
        while (*s == ' ') s++;
        snprintf(model, sizeof model, "%s", s);
    }
#endif
    if (!model[0]) {
        FILE *f = fopen("/proc/cpuinfo", "r");
        char line[256];
        while (f && fgets(line, sizeof line, f)) {
            char *c = strchr(line, ':');
            if (c && strncmp(line, "model name", 10) == 0) {
                c++;
                while (*c == ' ' || *c == '\t') c++;
                c[strcspn(c, "\n")] = '\0';
                snprintf(model, sizeof model, "%s", c);
                break;
            }
        }
        if (f) fclose(f);
    }
    for (char *p = model; *p; p++) /* one line of printable text whatever the firmware says */
        if ((unsigned char)*p < 32 || (unsigned char)*p > 126) *p = '?';
    if (!model[0]) snprintf(model, sizeof model, "unknown");
    return model;
}

static const char *arch(void) {
#if defined(__x86_64__)
    return "x86-64";
#elif defined(__aarch64__)
    return "aarch64";
#elif defined(__powerpc64__)
    return "ppc64";
#else
    return "other";
#endif
}

int blas_enter(BlasMode m, Err *e) {
    blas_single_thread();
    if (m == BLAS_NATIVE) {
        mode_name = "native";
        return 0;
    }
#if !defined(__x86_64__)
    mode_name = "portable-unavailable"; /* provenance and verify say so */
    return 0;
#else
    mode_name = "portable";
    __builtin_cpu_init();
    /* LRLAB_FAULT_CPU=no-avx2 or no-fma: a CPU without it, for the tests of this message */
    const char *fault = getenv("LRLAB_FAULT_CPU");
    const int avx2 = __builtin_cpu_supports("avx2") && !(fault && strcmp(fault, "no-avx2") == 0);
    const int fma = __builtin_cpu_supports("fma") && !(fault && strcmp(fault, "no-fma") == 0);
    if (!avx2 || !fma) {
        err_set(e, EXIT_USAGE, "blas",
                "%s: this CPU cannot run the portable kernel (expected x86-64 with AVX2 and FMA, "
                "got %s without %s)",
                cpu_model(), arch(), !avx2 ? "AVX2" : "FMA");
        err_hint(e,
                 "--blas native runs OpenBLAS's %s kernel; its results match only machines "
                 "whose OpenBLAS picks it",
                 openblas_get_corename());
        return -1;
    }
    if (strcasecmp(openblas_get_corename(), BLAS_PORTABLE_KERNEL) == 0) return 0;
    const char *env = getenv("OPENBLAS_CORETYPE");
    if (env && strcasecmp(env, BLAS_PORTABLE_KERNEL) == 0) { /* already re-executed */
        err_set(e, EXIT_USAGE, "blas",
                "OpenBLAS does not offer the portable kernel (expected core %s with "
                "OPENBLAS_CORETYPE=%s, got %s: %s)",
                BLAS_PORTABLE_KERNEL, BLAS_PORTABLE_KERNEL, openblas_get_corename(),
                openblas_get_config());
        err_hint(e, "lrlab needs an OpenBLAS built with DYNAMIC_ARCH (Debian's libopenblas0); "
                    "--blas native runs this one's kernel");
        return -1;
    }
    if (!self_argv) {
        return err_set(e, EXIT_RUN, "blas",
                       "cannot switch to the portable kernel (the program's "
                       "arguments are unknown)");
    }
    fflush(NULL);
    if (setenv("OPENBLAS_CORETYPE", BLAS_PORTABLE_KERNEL, 1) != 0)
        return err_set(e, EXIT_RUN, "blas", "cannot set OPENBLAS_CORETYPE (%s)", strerror(errno));
    /* the program's own file: readlink rather than exec of /proc/self/exe itself, which under
     * valgrind names valgrind (it answers readlink with the program's path) */
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        execv(self, self_argv);
    }
    execvp(self_argv[0], self_argv); /* no /proc: the name it was started by */
    return err_set(e, EXIT_RUN, "blas", "cannot re-execute %s for the portable kernel (%s)",
                   self_argv[0], strerror(errno));
#endif
}

const char *blas_describe(void) {
    static char desc[256];
    snprintf(desc, sizeof desc, "%s; core %s; %d thread(s)", openblas_get_config(),
             openblas_get_corename(), openblas_get_num_threads());
    return desc;
}

void blas_provenance(Buf *b) {
    buf_printf(b, "blas_mode: %s\n", mode_name);
    if (strcmp(mode_name, "portable-unavailable") == 0)
        buf_printf(b,
                   "blas_mode_note: no portable kernel on %s: the machine's own kernel ran, "
                   "so these bytes match only machines whose OpenBLAS picks it\n",
                   arch());
    buf_printf(b, "blas_kernel: %s\n", openblas_get_corename());
    buf_printf(b, "blas: %s\n", blas_describe());
    buf_printf(b, "cpu: %s\narch: %s\n", cpu_model(), arch());
    buf_printf(b, "lua: %s\nlibcsv: %d.%d.%d\nglibc: %s\n", LUA_RELEASE, CSV_MAJOR, CSV_MINOR,
               CSV_RELEASE, gnu_get_libc_version());
}

void blas_single_thread(void) { openblas_set_num_threads(1); }
