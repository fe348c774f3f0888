/* batches.h - the minibatch order every data task shares: epochs of a seeded permutation of
 * the training samples, the last partial batch dropped. The batch of a step depends only on
 * (seed, step), never on the optimizer or scheduler, so runs are paired. */
#ifndef LRLAB_BATCHES_H
#define LRLAB_BATCHES_H

#include <stdint.h>

typedef struct BatchOrder {
    uint64_t seed;
    int n, b;       /* training samples, batch size (b <= n) */
    int64_t epoch;  /* of perm; -1 before the first step */
    uint32_t *perm; /* [n], owned */
} BatchOrder;

void batches_init(BatchOrder *o, uint64_t seed, int n, int b);
/* batches_per_epoch: n / b. */
int64_t batches_per_epoch(const BatchOrder *o);
/* batches_of: the b sample indices of step `step` (valid until the next call). */
const uint32_t *batches_of(BatchOrder *o, int64_t step);
void batches_free(BatchOrder *o);

#endif
