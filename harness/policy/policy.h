/* policy.h - learned learning-rate policies: the policy network, its text file and its
 * decisions. Training one by proximal policy optimization (`lrlab train-policy`) is
 * harness/engine/ppo.h's.
 *
 * A policy maps the feature vector of the training loop (schedulers/sched.h, FEAT_*) to a
 * probability for each of a few learning-rate multipliers; scheduler "rl" (schedulers/rl.c)
 * applies one every `every` steps. The same decision function (policy_decide) acts during
 * training and in experiments, on features computed by the same loop (harness/engine/train.c).
 *
 * Features are appended at the end of the list (sched.h), never reordered: a policy lists a
 * prefix of policy_feature_names, the features of the lrlab that trained it, and a policy
 * file written before a feature existed loads and decides as it did (the features after its
 * prefix are not its inputs). Training gives a policy the POLICY_BASE_FEATURES of the first
 * list, or the whole list when `inputs` names a feature added since (log_val), so that a
 * script written before the addition trains the same network, bit for bit.
 *
 * Dimension legend: F = SCHED_NFEATURES features of the loop, P <= F the features a policy
 * lists (its network's inputs, net.sizes[0]), H hidden units per layer, A actions, N
 * decisions (samples) in a batch of episodes.
 */
#ifndef LRLAB_POLICY_H
#define LRLAB_POLICY_H

#include "harness/base/buf.h"
#include "harness/base/err.h"
#include "harness/base/param.h"
#include "harness/base/rng.h"
#include "schedulers/sched.h"

#include <stdint.h>

#define POLICY_FORMAT 1 /* the `lrlab-policy N` format this build reads and writes */
#define POLICY_MAX_ACTIONS 16
#define POLICY_MAX_LAYERS 4 /* weight layers, so at most 3 hidden */
#define POLICY_MAX_WIDTH 256
#define POLICY_INPUT_CLIP 10.0 /* normalized inputs are clipped to [-10, 10] */
/* Where the lr may go, as multiples of the optimizer's lr0, when scheduler "rl" is not given
 * min_lr and max_lr; training uses the same range. */
#define POLICY_MIN_FACTOR 1e-3
#define POLICY_MAX_FACTOR 1e2
/* The features of the first list, log_lr .. log_grad7: what policy files written before
 * log_val list, and what inputs = "all" means. */
#define POLICY_BASE_FEATURES 14
/* The features of this lrlab, for messages. */
#define POLICY_FEATURE_LIST                                                                        \
    "log_lr, progress, train_trend, val_trend, clipped, lr_bound, "                                \
    "log_grad0..7, log_val"
/* Activations of a network of the largest size: net_forward's act[]. */
#define POLICY_MAX_ACT ((POLICY_MAX_LAYERS + 1) * POLICY_MAX_WIDTH)

/* A fully connected network with tanh after every layer but the last (linear outputs).
 * Parameters in one allocation, layer by layer: W_l [sizes[l+1], sizes[l]] row-major, then
 * b_l [sizes[l+1]]. */
typedef struct Net {
    int nlayers;
    int sizes[POLICY_MAX_LAYERS + 1];
    size_t n;  /* number of parameters */
    double *w; /* [n], owned */
} Net;

/* net_init: Glorot-uniform weights from rng, zero biases; the last layer scaled by out_gain
 * (0.01 for a policy head starts near the uniform distribution). */
void net_init(Net *m, int nlayers, const int *sizes, double out_gain, Rng *rng);
void net_free(Net *m);
/* net_forward: act[sum of sizes[0..nlayers]] receives the input and each layer's output; returns a
 * pointer to the outputs [sizes[nlayers]] inside act. */
const double *net_forward(const Net *m, const double *x, double *act);
/* net_backward: adds to grad[m->n] the gradient of a scalar with d scalar / d output = dout,
 * at the activations act of net_forward. */
void net_backward(const Net *m, const double *act, const double *dout, double *grad);
/* net_log_softmax: logp[n] = logits - log sum exp(logits). */
void net_log_softmax(const double *logits, int n, double *logp);

/* ---- the policy and its file ---- */

typedef struct Policy {
    char name[64];
    char family[64];        /* the task names of the training distribution, "nmf" */
    char version[32];       /* lrlab version that trained it */
    char script_sha256[65]; /* of the training script */
    char reward[16];        /* train_loss, val_loss or dnn */
    int64_t seed, episodes; /* training seed, episodes trained */
    int64_t every;          /* steps between decisions during training */
    int nactions;
    double actions[POLICY_MAX_ACTIONS]; /* lr multipliers */
    /* [P] of [F], P = net.sizes[0] the features the file lists (the first P of
     * policy_feature_names): */
    int inputs[SCHED_NFEATURES]; /* 1 where the network sees the feature, 0 where it reads 0 */
    double mean[SCHED_NFEATURES], std[SCHED_NFEATURES]; /* input normalization */
    Net net;                                            /* P -> H (tanh) -> ... -> A logits */
} Policy;

/* The name of each feature, by FEAT_* index, as the policy file lists them. */
extern const char *const policy_feature_names[SCHED_NFEATURES];

/* policy_nfeat: P, the features the policy lists (the inputs of its network). */
int policy_nfeat(const Policy *p);

/* policy_load: reads and checks a policy file (format version, feature names: a prefix of
 * policy_feature_names in its order, architecture, weights). On failure fills e (EXIT_USAGE)
 * with "PATH:LINE: problem (expected X, got Y)" and leaves p empty. */
int policy_load(const char *path, Policy *p, Err *e);
/* policy_write: the file's text (deterministic: no date, %.17g numbers). */
void policy_write(const Policy *p, Buf *out);
/* policy_save: policy_write, atomically. */
int policy_save(const char *path, const Policy *p, Err *e);
void policy_free(Policy *p);
/* policy_input: z[P] = clip((features[P] - mean) / std, +-POLICY_INPUT_CLIP) where inputs
 * says so, 0 elsewhere (all = 1: everywhere, the value network's input); features has F. */
void policy_input(const Policy *p, const double *features, int all, double *z);
/* policy_probs: probs[A], the softmax of the network's logits at z = policy_input(features). */
void policy_probs(const Policy *p, const double *features, double *probs);
/* policy_decide: one decision. The action is the most probable (rng NULL; the first of
 * equals) or drawn from probs with rng; returns clamp(lr * actions[action], lo, hi) and
 * sets *action and *logp (log of its probability). */
double policy_decide(const Policy *p, const double *features, double lr, double lo, double hi,
                     Rng *rng, int *action, double *logp);

#endif
