/* test_vexpf.c - tasks/vexpf.c against this process's expf, bit for bit: the path vexpf
 * takes on all 2^32 floats (about 15 s), the other paths whose variant expf is here on every
 * 61st float (NaN, infinities, subnormals and both signs among them), each on every float
 * within 2,048 of each edge of expf's main path (|x| = 88) and on the floats where glibc's
 * variants differ; vexpf itself in place on short arrays. The paths of the variant expf is
 * not must differ from it on the two floats where glibc's variants differ (so that a wrong
 * pick would show). Run twice by CTest: as the machine is, and with
 * GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA, under which glibc's expf is its plain variant.
 * The variants differ so rarely (two floats) that a sample cannot see every slip in the
 * arithmetic, hence the full sweep; `test_vexpf --all` sweeps every path fully.
 */
#include "check.h"
#include "tasks/vexpf.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 4096

static const char *const names[] = {"libm", "plain", "fma-avx2", "fma-avx512"};

/* in[0, n) from bit patterns; counts the floats where vexpf on `path` differs from expf. */
static long compare(int path, const float *in, size_t n, float *a, float *b) {
    long bad = 0;
    if (vexpf_with(path, a, in, n) != 0) return -1;
    for (size_t i = 0; i < n; i++) {
        b[i] = expf(in[i]);
        if (memcmp(&a[i], &b[i], sizeof(float)) != 0 && bad++ < 3)
            fprintf(stderr, "%s: expf(%a) = %a, vexpf %a\n", names[path], in[i], b[i], a[i]);
    }
    return bad;
}

static void fill(float *in, uint64_t from, uint64_t stride, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const uint32_t u = (uint32_t)(from + i * stride);
        memcpy(&in[i], &u, sizeof u);
    }
}

/* Every stride-th float, the edges (88.0f is 0x42b00000, -88.0f 0xc2b00000), and the two
 * floats where glibc's variants differ. */
static long sweep(int path, uint64_t stride, float *in, float *a, float *b) {
    long bad = 0;
    for (uint64_t at = 0; at < (1ULL << 32); at += (uint64_t)CHUNK * stride) {
        const uint64_t left = ((1ULL << 32) - at + stride - 1) / stride;
        const size_t n = left < CHUNK ? (size_t)left : CHUNK;
        fill(in, at, stride, n);
        long k = compare(path, in, n, a, b);
        if (k < 0) return -1;
        bad += k;
    }
    const uint64_t edges[] = {0x42b00000 - CHUNK / 2, 0xc2b00000 - CHUNK / 2};
    for (int e = 0; e < 2; e++) {
        fill(in, edges[e], 1, CHUNK);
        bad += compare(path, in, CHUNK, a, b);
    }
    in[0] = 0x1.04845ep+5f, in[1] = -0x1.f8cbb2p+5f;
    return bad + compare(path, in, 2, a, b);
}

int main(int argc, char **argv) {
    const int all = argc > 1 && strcmp(argv[1], "--all") == 0;
    float *in = malloc(sizeof(float) * CHUNK), *a = malloc(sizeof(float) * CHUNK),
          *b = malloc(sizeof(float) * CHUNK);
    /* glibc's fused variant gives 0x1.f93e38p+46 here, its plain one 0x1.f93e36p+46 */
    volatile float probe = 0x1.04845ep+5f;
    const float e = expf(probe);
    const int fused = e == 0x1.f93e38p+46f;
    CHECK(fused || e == 0x1.f93e36p+46f); /* another libm: vexpf must then call expf */
    fprintf(stderr, "expf is glibc's %s variant; vexpf takes path %s\n", fused ? "fused" : "plain",
            vexpf_path());
    /* the fused variant's vector paths need FMA and AVX2; without them, expf itself */
    const int vec = vexpf_with(VEXPF_AVX2, a, in, 0) == 0;
    const char *want = !fused ? "plain" : vec ? "fma-avx" : "libm";
    CHECK(strncmp(vexpf_path(), want, strlen(want)) == 0);

    /* vexpf itself, including in place (out == in) and lengths that are not whole vectors */
    for (size_t n = 1; n <= 40; n++) {
        fill(in, 0xc2000000 + 977 * n, 104729, n); /* -32 upwards: in range, then beyond */
        for (size_t i = 0; i < n; i++) b[i] = expf(in[i]);
        vexpf(in, in, n);
        CHECK(memcmp(in, b, sizeof(float) * n) == 0);
    }
    for (int path = VEXPF_LIBM; path <= VEXPF_AVX512; path++) {
        const int theirs = path == VEXPF_LIBM || (path == VEXPF_PLAIN) != fused;
        if (!theirs) { /* another variant: must differ where the variants do */
            const float x[2] = {0x1.04845ep+5f, -0x1.f8cbb2p+5f};
            if (vexpf_with(path, a, x, 2) != 0) continue;
            CHECK(a[0] != expf(x[0]) && a[1] != expf(x[1]));
            continue;
        }
        const int mine = strcmp(names[path], vexpf_path()) == 0; /* the path vexpf takes */
        const long bad = sweep(path, all || mine ? 1 : 61, in, a, b);
        if (bad < 0) {
            fprintf(stderr, "path %s: not on this CPU\n", names[path]);
            continue;
        }
        fprintf(stderr, "path %s: %ld floats differ from expf\n", names[path], bad);
        CHECK(bad == 0);
    }
    free(in), free(a), free(b);
    return check_report();
}
