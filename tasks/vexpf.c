/* vexpf.c - expf over an array, bit for bit glibc's expf, in loops that vectorise.
 *
 * glibc (2.27 to at least 2.36; sysdeps/ieee754/flt-32/e_expf.c, from Arm's
 * optimized-routines, Szabolcs Nagy 2017) computes expf in double precision:
 *   z = x N / ln 2 (N = 32),  k = round(z) (adding and subtracting 0x1.8p52),  r = z - k,
 *   2^(k/N) = double(tab[k % N] + (k << 47)),  tab[i] = bits(2^(i/N)) - (i << 47),
 *   exp(x) ~= 2^(k/N) (C0 r^3 + C1 r^2 + C2 r + 1),  rounded once to float,
 * for |x| < 88 (the top 12 bits of x at most 0x42a); larger |x|, infinities and NaN take
 * other branches. x86-64 glibc ships it twice and picks one as it loads: built with fused
 * multiply-adds (__expf_fma) when the CPU has FMA and AVX2, plainly otherwise; the two give
 * different bits (for two floats of the 2^32). This file writes both variants' arithmetic out
 * as loops over arrays (the fused one with explicit fma(), as GCC contracted glibc's source:
 * z + shift, z - k, C0 r + C1, C2 r + 1 and z r^2 + y), finds out which variant this
 * process's expf is by calling it on inputs where they differ (and calls expf itself when it
 * is neither, as under another libm), and hands any block of inputs holding an |x| >= 88 or
 * a NaN to expf itself. The fused variant is compiled for AVX2 and FMA, and for AVX-512
 * where the CPU has it (the same operations on wider vectors: each element's result is the
 * same); on a CPU other than x86-64 only the plain variant and expf itself are built.
 * tab[] and the coefficients are glibc's (__exp2f_data: the correctly rounded 2^(i/32),
 * less i << 47; the polynomial of optimized-routines' exp2f divided by N^3, N^2, N).
 * tests/test_vexpf.c compares the path taken with expf on all 2^32 floats and the other
 * paths on a sample; every path was compared on all 2^32 once (scripts/bench/RESULTS.md).
 */
#include "tasks/vexpf.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define VEXPF_X86 1 /* the fused variant's vector paths; elsewhere plain or expf itself */
#endif
#include <math.h>
#include <stdint.h>
#include <string.h>

#define VEXPF_BLOCK 256 /* inputs checked for the fast range at once */

static const uint64_t tab[32] = {
    0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51,
    0x3fef72b83c7d517b, 0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1,
    0x3fef06fe0a31b715, 0x3feef1a7373aa9cb, 0x3feedea64c123422, 0x3feece086061892d,
    0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429, 0x3feea47eb03a5585,
    0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
    0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d,
    0x3feee89f995ad3ad, 0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069,
    0x3fef5818dcfba487, 0x3fef7c97337b9b5f, 0x3fefa4afa2a490da, 0x3fefd0765b6e4540,
};
#define INVLN2N 0x1.71547652b82fep+5 /* N / ln 2 */
#define SHIFT 0x1.8p+52
#define C0 0x1.c6af84b912394p-20 /* 0x1.c6af84b912394p-5 / N^3 */
#define C1 0x1.ebfce50fac4f3p-13 /* 0x1.ebfce50fac4f3p-3 / N^2 */
#define C2 0x1.62e42ff0c52d6p-6  /* 0x1.62e42ff0c52d6p-1 / N */

static inline double as_double(uint64_t u) {
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static inline uint64_t as_u64(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

/* 2^(k/N) from k's bits in the low part of kd = k + SHIFT. */
static inline double scale_of(uint64_t ki) { return as_double(tab[ki % 32] + (ki << 47)); }

/* glibc's plain variant: every operation rounded on its own. */
static inline float core_plain(float x) {
    const double xd = x, z = INVLN2N * xd;
    double kd = z + SHIFT;
    const uint64_t ki = as_u64(kd);
    kd -= SHIFT;
    const double r = z - kd, s = scale_of(ki);
    const double p = C0 * r + C1, r2 = r * r;
    double y = C2 * r + 1.0;
    y = p * r2 + y;
    return (float)(y * s);
}

/* glibc's __expf_fma: the same with the five fused multiply-adds. */
static inline float core_fma(float x) {
    const double xd = x;
    double kd = fma(INVLN2N, xd, SHIFT);
    const uint64_t ki = as_u64(kd);
    kd -= SHIFT;
    const double r = fma(INVLN2N, xd, -kd), s = scale_of(ki);
    const double p = fma(C0, r, C1), r2 = r * r;
    double y = fma(C2, r, 1.0);
    y = fma(p, r2, y);
    return (float)(y * s);
}

/* 1 when every x of in[0, n) takes glibc's main path: |x| < 88 (the top 12 bits of x at
 * most 0x42a, and 0x42b00000 is 88.0f); NaN fails the comparison. */
static inline int fast_range(const float *in, size_t n) {
    int ok = 1;
    for (size_t i = 0; i < n; i++) ok &= fabsf(in[i]) < 88.0f;
    return ok;
}

/* expf itself for a block holding an input outside the main path. */
static void run_libm(float *out, const float *in, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = expf(in[i]);
}

static void run_plain(float *out, const float *in, size_t n) {
    if (!fast_range(in, n)) {
        run_libm(out, in, n);
        return;
    }
    for (size_t i = 0; i < n; i++) out[i] = core_plain(in[i]);
}

#ifdef VEXPF_X86
/* The fused variant, 4 floats at a time in doubles; the table through a gather. */
__attribute__((target("avx2,fma"))) static void run_fma_avx2(float *out, const float *in,
                                                             size_t n) {
    const __m256d invln2n = _mm256_set1_pd(INVLN2N), shift = _mm256_set1_pd(SHIFT);
    const __m256d c0 = _mm256_set1_pd(C0), c1 = _mm256_set1_pd(C1), c2 = _mm256_set1_pd(C2);
    const __m256d one = _mm256_set1_pd(1.0);
    const __m256i mask = _mm256_set1_epi64x(31);
    if (!fast_range(in, n)) {
        run_libm(out, in, n);
        return;
    }
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const __m256d xd = _mm256_cvtps_pd(_mm_loadu_ps(in + i));
        __m256d kd = _mm256_fmadd_pd(invln2n, xd, shift);
        const __m256i ki = _mm256_castpd_si256(kd);
        kd = _mm256_sub_pd(kd, shift);
        const __m256d r = _mm256_fmsub_pd(invln2n, xd, kd); /* fma(invln2n, xd, -kd) */
        __m256i t = _mm256_i64gather_epi64((const long long *)tab, _mm256_and_si256(ki, mask), 8);
        t = _mm256_add_epi64(t, _mm256_slli_epi64(ki, 47));
        const __m256d p = _mm256_fmadd_pd(c0, r, c1), r2 = _mm256_mul_pd(r, r);
        __m256d y = _mm256_fmadd_pd(c2, r, one);
        y = _mm256_fmadd_pd(p, r2, y);
        _mm_storeu_ps(out + i, _mm256_cvtpd_ps(_mm256_mul_pd(y, _mm256_castsi256_pd(t))));
    }
    for (; i < n; i++) out[i] = core_fma(in[i]);
}

/* The same, 8 floats at a time; the table in four registers, looked up by two permutes. */
__attribute__((target("avx512f,avx2,fma"))) static void run_fma_avx512(float *out, const float *in,
                                                                       size_t n) {
    const __m512d invln2n = _mm512_set1_pd(INVLN2N), shift = _mm512_set1_pd(SHIFT);
    const __m512d c0 = _mm512_set1_pd(C0), c1 = _mm512_set1_pd(C1), c2 = _mm512_set1_pd(C2);
    const __m512d one = _mm512_set1_pd(1.0);
    const __m512i t0 = _mm512_loadu_si512(tab), t1 = _mm512_loadu_si512(tab + 8);
    const __m512i t2 = _mm512_loadu_si512(tab + 16), t3 = _mm512_loadu_si512(tab + 24);
    const __m512i bit4 = _mm512_set1_epi64(16);
    if (!fast_range(in, n)) {
        run_libm(out, in, n);
        return;
    }
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m512d xd = _mm512_cvtps_pd(_mm256_loadu_ps(in + i));
        __m512d kd = _mm512_fmadd_pd(invln2n, xd, shift);
        const __m512i ki = _mm512_castpd_si512(kd);
        kd = _mm512_sub_pd(kd, shift);
        const __m512d r = _mm512_fmsub_pd(invln2n, xd, kd);
        /* tab[ki % 32]: bits 0-3 pick among 16 entries, bit 4 between the two halves */
        const __m512i lo = _mm512_permutex2var_epi64(t0, ki, t1);
        const __m512i hi = _mm512_permutex2var_epi64(t2, ki, t3);
        __m512i t = _mm512_mask_blend_epi64(_mm512_test_epi64_mask(ki, bit4), lo, hi);
        t = _mm512_add_epi64(t, _mm512_slli_epi64(ki, 47));
        const __m512d p = _mm512_fmadd_pd(c0, r, c1), r2 = _mm512_mul_pd(r, r);
        __m512d y = _mm512_fmadd_pd(c2, r, one);
        y = _mm512_fmadd_pd(p, r2, y);
        _mm256_storeu_ps(out + i, _mm512_cvtpd_ps(_mm512_mul_pd(y, _mm512_castsi512_pd(t))));
    }
    for (; i < n; i++) out[i] = core_fma(in[i]);
}
#endif

typedef void (*RunFn)(float *, const float *, size_t);
#ifdef VEXPF_X86
static const RunFn runs[] = {run_libm, run_plain, run_fma_avx2, run_fma_avx512};
#else
static const RunFn runs[] = {run_libm, run_plain, run_libm, run_libm};
#endif
static const char *const run_names[] = {"libm", "plain", "fma-avx2", "fma-avx512"};
static int chosen = -1;

/* Inputs where glibc's two variants differ (the first two: the only such floats), and a few
 * others; read through volatile so that the compiler cannot fold expf of them. */
static const volatile float probes[] = {0x1.04845ep+5f, -0x1.f8cbb2p+5f, -0x1.5ep+6f, -10.25f,
                                        -1.0f,          -0x1p-30f,       0.0f,        0.5f,
                                        0x1.921fb6p+1f, 42.0f,           0x1.5fep+6f};

static int same_bits(float a, float b) { return memcmp(&a, &b, sizeof a) == 0; }

/* 2 where the CPU has FMA, AVX2 and AVX-512F, 1 with FMA and AVX2 only, else 0. */
static int cpu_level(void) {
#ifdef VEXPF_X86
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("fma") || !__builtin_cpu_supports("avx2")) return 0;
    return __builtin_cpu_supports("avx512f") ? 2 : 1;
#else
    return 0;
#endif
}

/* The variant this process's expf computes, found by asking it: the fused one (on AVX-512
 * where the CPU has it), the plain one, or neither (another libm, or the fused variant where
 * there is no vector path for it: expf itself is called). */
static int pick(void) {
    int fused = 1, plain = 1;
    for (size_t k = 0; k < sizeof probes / sizeof *probes; k++) {
        const float x = probes[k], e = expf(x);
        fused &= same_bits(e, core_fma(x));
        plain &= same_bits(e, core_plain(x));
    }
    const int level = cpu_level();
    if (fused && level > 0) return level == 2 ? VEXPF_AVX512 : VEXPF_AVX2;
    return plain ? VEXPF_PLAIN : VEXPF_LIBM;
}

static int usable(int path) {
    return path <= VEXPF_PLAIN || cpu_level() >= (path == VEXPF_AVX2 ? 1 : 2);
}

static void run_blocks(int path, float *out, const float *in, size_t n) {
    for (size_t at = 0; at < n; at += VEXPF_BLOCK)
        runs[path](out + at, in + at, n - at < VEXPF_BLOCK ? n - at : VEXPF_BLOCK);
}

void vexpf(float *out, const float *in, size_t n) {
    if (chosen < 0) chosen = pick();
    run_blocks(chosen, out, in, n);
}

const char *vexpf_path(void) {
    float x = 0;
    vexpf(&x, &x, 1);
    return run_names[chosen];
}

int vexpf_with(int path, float *out, const float *in, size_t n) {
    if (path < VEXPF_LIBM || path > VEXPF_AVX512 || !usable(path)) return -1;
    run_blocks(path, out, in, n);
    return 0;
}
