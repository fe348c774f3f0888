/* rng.h - explicit-state pseudo-random numbers: splitmix64 seeding, xoshiro256** stream.
 *
 * Blackman & Vigna, "Scrambled linear pseudorandom number generators" (2021);
 * reference code at prng.di.unimi.it. No global state: every consumer owns an Rng, so a
 * cell's initialisation and data order depend only on the seeds it is given.
 */
#ifndef LRLAB_RNG_H
#define LRLAB_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct Rng {
    uint64_t s[4];
} Rng;

uint64_t splitmix64(uint64_t *state);
/* rng_seed: the four words come from splitmix64 started at `seed`. */
void rng_seed(Rng *r, uint64_t seed);
/* rng_seed2: an independent stream for (seed, stream), e.g. (data seed, "init"). */
void rng_seed2(Rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(Rng *r);
double rng_uniform(Rng *r);                      /* [0, 1), 53 bits */
double rng_normal(Rng *r);                       /* standard normal, Box-Muller (no cached pair) */
uint64_t rng_below(Rng *r, uint64_t n);          /* uniform in [0, n), unbiased (Lemire) */
void rng_shuffle(Rng *r, uint32_t *a, size_t n); /* Fisher-Yates */

#endif
