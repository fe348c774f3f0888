/* fuzz_policy.c - fuzz target: the learned-policy loader (scheduler "rl"), policy_load on the
 * input as a policy file; a policy read also makes one decision on zero features. */
#include "fuzz.h"

#include "harness/policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_file("fuzz.policy", data, size);
    Policy p;
    Err e;
    if (policy_load(path, &p, &e) != 0) return 0;
    double features[SCHED_NFEATURES] = {0};
    int action;
    double logp;
    (void)policy_decide(&p, features, 0.1, 1e-4, 10, NULL, &action, &logp);
    policy_free(&p);
    return 0;
}
