/* batches.c - minibatch order (see batches.h). */
#include "tasks/batches.h"

#include "harness/base/err.h"
#include "harness/base/rng.h"

#include <stdlib.h>

void batches_init(BatchOrder *o, uint64_t seed, int n, int b) {
    LR_ASSERT(b >= 1 && b <= n);
    o->seed = seed;
    o->n = n;
    o->b = b;
    o->epoch = -1;
    o->perm = xmalloc(sizeof(uint32_t) * (size_t)n);
}

int64_t batches_per_epoch(const BatchOrder *o) { return o->n / o->b; }

const uint32_t *batches_of(BatchOrder *o, int64_t step) {
    const int64_t per = batches_per_epoch(o), epoch = step / per, k = step % per;
    if (epoch != o->epoch) {
        Rng rng;
        rng_seed2(&rng, o->seed, 0x6f72646572ULL + (uint64_t)epoch /* "order" */);
        for (int i = 0; i < o->n; i++) o->perm[i] = (uint32_t)i;
        rng_shuffle(&rng, o->perm, (size_t)o->n);
        o->epoch = epoch;
    }
    return o->perm + k * o->b;
}

void batches_free(BatchOrder *o) {
    free(o->perm);
    o->perm = NULL;
}
