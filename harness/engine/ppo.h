/* ppo.h - training a learned learning-rate policy (harness/policy/policy.h) by proximal policy
 * optimization: `lrlab train-policy`.
 *
 * Training (paper/method.md section 5.4): each episode is one training run (a cell)
 * drawn from the script's task distribution; PPO with the clipped surrogate objective
 * (Schulman et al., "Proximal Policy Optimization Algorithms", 2017), a value baseline and
 * generalized advantage estimation (Schulman et al., ICLR 2016), Adam (Kingma & Ba, 2015) on
 * the policy and value networks.
 *
 * Dimension legend: F = SCHED_NFEATURES features of the loop, P <= F the features a policy
 * lists (its network's inputs, net.sizes[0]), H hidden units per layer, A actions, N
 * decisions (samples) in a batch of episodes.
 */
#ifndef LRLAB_PPO_H
#define LRLAB_PPO_H

#include "harness/base/param.h"
#include "harness/base/rng.h"
#include "harness/policy/policy.h"

#include <stdint.h>

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

/* The reward of each decision interval (harness/engine/ppo.c's header): the decrease of the log
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
double ppo_objective(const Net *pi, const Net *v, const PpoSample *s, int n, const PpoConfig *c,
                     double *grad, PpoStats *st);

/* The networks and Adam's state. */
typedef struct PpoLearner {
    Net pi, v;
    double *m, *s; /* Adam moments [pi.n + v.n] */
    double *grad;  /* [pi.n + v.n] workspace */
    int64_t t;     /* Adam steps taken */
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
