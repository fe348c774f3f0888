/* ppo.h - learned learning-rate policies: the policy network, its text file, and its training
 * by proximal policy optimization (`lrlab train-policy`).
 *
 * A policy maps the feature vector of the training loop (schedulers/sched.h, FEAT_*) to a
 * probability for each of a few learning-rate multipliers; scheduler "rl" (schedulers/rl.c)
 * applies one every `every` steps. The same decision function (policy_decide) acts during
 * training and in experiments, on features computed by the same loop (harness/train.c).
 *
 * Training (paper/method.md section 5.4): each episode is one training run (a cell)
 * drawn from the script's task distribution; PPO with the clipped surrogate objective
 * (Schulman et al., "Proximal Policy Optimization Algorithms", 2017), a value baseline and
 * generalized advantage estimation (Schulman et al., ICLR 2016), Adam (Kingma & Ba, 2015) on
 * the policy and value networks.
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
#ifndef LRLAB_PPO_H
#define LRLAB_PPO_H

#include "harness/buf.h"
#include "harness/err.h"
#include "harness/param.h"
#include "harness/rng.h"
#include "schedulers/sched.h"

#include <stdint.h>

#define POLICY_FORMAT 1        /* the `lrlab-policy N` format this build reads and writes */
#define POLICY_MAX_ACTIONS 16
#define POLICY_MAX_LAYERS 4    /* weight layers, so at most 3 hidden */
#define POLICY_MAX_WIDTH 256
#define POLICY_INPUT_CLIP 10.0 /* normalized inputs are clipped to [-10, 10] */
/* Where the lr may go, as multiples of the optimizer's lr0, when scheduler "rl" is not given
 * min_lr and max_lr; training uses the same range. */
#define POLICY_MIN_FACTOR 1e-3
#define POLICY_MAX_FACTOR 1e2
/* The features of the first list, log_lr .. log_grad7: what policy files written before
 * log_val list, and what inputs = "all" means. */
#define POLICY_BASE_FEATURES 14

/* A fully connected network with tanh after every layer but the last (linear outputs).
 * Parameters in one allocation, layer by layer: W_l [sizes[l+1], sizes[l]] row-major, then
 * b_l [sizes[l+1]]. */
typedef struct Mlp {
    int nlayers;
    int sizes[POLICY_MAX_LAYERS + 1];
    size_t n;  /* number of parameters */
    double *w; /* [n], owned */
} Mlp;

/* mlp_init: Glorot-uniform weights from rng, zero biases; the last layer scaled by out_gain
 * (0.01 for a policy head starts near the uniform distribution). */
void mlp_init(Mlp *m, int nlayers, const int *sizes, double out_gain, Rng *rng);
void mlp_free(Mlp *m);
/* mlp_forward: act[sum of sizes[0..nlayers]] receives the input and each layer's output; returns a pointer to
 * the outputs [sizes[nlayers]] inside act. */
const double *mlp_forward(const Mlp *m, const double *x, double *act);
/* mlp_backward: adds to grad[m->n] the gradient of a scalar with d scalar / d output = dout,
 * at the activations act of mlp_forward. */
void mlp_backward(const Mlp *m, const double *act, const double *dout, double *grad);

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
    Mlp net;                /* P -> H (tanh) -> ... -> A logits */
} Policy;

/* The name of each feature, by FEAT_* index, as the policy file lists them. */
extern const char *const policy_feature_names[SCHED_NFEATURES];

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

/* ---- PPO ---- */

typedef struct PpoConfig {
    double lr;            /* Adam step size */
    double clip;          /* epsilon of the clipped ratio */
    double gamma, lambda; /* discount, GAE */
    double entropy;       /* coefficient of the entropy bonus */
    double value_coef;    /* coefficient of the squared value error */
    double max_grad_norm; /* global L2 norm the gradient is clipped to */
    int epochs, minibatch;
} PpoConfig;

/* One decision of a batch, for the update: the policy's input, the value network's input,
 * action taken, its log probability under the policy that acted, advantage and return (GAE).
 * The value network may see more than the policy (an asymmetric critic): it serves training
 * only, and telling tasks apart lowers the variance of the advantages. */
typedef struct PpoSample {
    const double *z;  /* [F] */
    const double *zv; /* [F], or NULL: z */
    int action;
    double logp_old, adv, ret;
} PpoSample;

typedef struct PpoStats {
    double loss, entropy, approx_kl, clip_frac, value_err; /* means over the samples */
} PpoStats;

/* ppo_gae: generalized advantage estimation over consecutive episodes. last[t] is 1 at the
 * final decision of an episode (terminal: nothing after it is bootstrapped).
 *   delta_t = r_t + gamma V_{t+1} (1 - last_t) - V_t
 *   A_t = delta_t + gamma lambda (1 - last_t) A_{t+1},   ret_t = A_t + V_t */
void ppo_gae(const double *reward, const double *value, const int *last, int n, double gamma,
             double lambda, double *adv, double *ret);

/* The reward of each decision interval (harness/ppo.c's header): the decrease of the log
 * measure (train_loss, val_loss), or the DNN paper's (dnn) with coefficients gamma, lambda. */
typedef enum RewardKind { REWARD_LOG, REWARD_DNN } RewardKind;
typedef struct PpoReward {
    RewardKind kind;
    double gamma, lambda; /* REWARD_DNN */
} PpoReward;

/* ppo_rewards: r[k] for the n intervals [t_k, t_{k+1}] of an episode, from m[0..n] the
 * measure at t_0 = 0, t_1, ..., t_n (finite: a run that diverged in its last interval has its
 * divergence level there) and left[k] = (steps - t_{k+1}) / steps:
 *   REWARD_LOG  r_k = log m_k - log m_{k+1}   (losses floored at 1e-30)
 *   REWARD_DNN  r_k = gamma (min_{j <= k} m_j - m_{k+1}) + lambda left_k */
void ppo_rewards(const PpoReward *rw, const double *m, const double *left, int n, double *r);

/* ppo_objective: the loss PPO minimizes over samples s[n], mean over the samples of
 *   -min(rho A, clip(rho, 1 - eps, 1 + eps) A) - c_H H(pi(.|z)) + c_V (V(z) - ret)^2,
 * rho = pi(a|z) / pi_old(a|z) and V taken at zv; when grad is not NULL sets
 * grad[pi->n + v->n] (policy then value parameters) to its gradient. Fills st when not NULL. */
double ppo_objective(const Mlp *pi, const Mlp *v, const PpoSample *s, int n, const PpoConfig *c,
                     double *grad, PpoStats *st);

/* The networks and Adam's state. */
typedef struct PpoLearner {
    Mlp pi, v;
    double *m, *s;  /* Adam moments [pi.n + v.n] */
    double *grad;   /* [pi.n + v.n] workspace */
    int64_t t;      /* Adam steps taken */
    PpoConfig cfg;
} PpoLearner;

/* ppo_learner_init: a policy F -> H^layers -> A and a value network F -> H^layers -> 1,
 * initialised from rng. */
void ppo_learner_init(PpoLearner *L, int nin, int hidden, int layers, int nactions,
                      const PpoConfig *cfg, Rng *rng);
void ppo_learner_free(PpoLearner *L);
/* ppo_update: cfg.epochs passes over s[n] in minibatches shuffled by rng, one Adam step of
 * the clipped gradient each; st gets the statistics of the last pass. */
void ppo_update(PpoLearner *L, const PpoSample *s, int n, Rng *rng, PpoStats *st);

/* ---- lrlab train-policy ---- */

/* The keys of policy_training beyond name, seeds, tasks and optimizer (cfg.h). */
extern const ParamSpec ppo_params[];
extern const char ppo_usage[], ppo_help[];
/* ppo_main: argv[0] is "train-policy"; returns an exit code. */
int ppo_main(int argc, char **argv);

#endif
