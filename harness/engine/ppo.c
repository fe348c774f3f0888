/* ppo.c - training learned learning-rate policies by PPO (see ppo.h); the policy itself (its
 * network, file and decisions) is harness/policy/policy.c's.
 *
 * Sections: the PPO mathematics (GAE, the clipped objective and its gradient, Adam); the
 * trainer behind `lrlab train-policy` (episodes, rewards, checkpoints, resume).
 *
 * Episodes are ordinary cells run by train_cell (harness/engine/train.c) with an agent scheduler
 * defined here, so the features a policy learns from are computed by the same loop that
 * feeds scheduler "rl" in experiments. Rewards (our choice, paper/method.md section 5.4): the
 * decrease of the log of the training objective over each decision interval, r_k = log f(t_k) - log
 * f(t_{k+1}),   t_k = k * every (t_K = steps), with f the full training objective of the task's
 * evaluation (METRIC_TRAIN_LOSS; reward = "val_loss" takes the validation loss), evaluated every
 * `every` steps. The undiscounted return telescopes to log f(0) - log f(end): the log-factor by
 * which the run lowered its objective, so a policy is paid for where the run ends, and each
 * decision for its share of the way. The DNN paper's gamma * (best_loss - val_loss) + lambda *
 * (epoch_max - epoch) pays for finishing early, which a fixed budget does not allow, and mixes
 * scales across tasks; log-ratios are scale-free (faces and a synthetic matrix, whose objectives
 * differ 100-fold, pay alike for halving them). A run that diverges ends its episode at the
 * interval where it did, with f(end) taken as diverge_factor * f(0), its divergence threshold: a
 * return of -log(diverge_factor), worse than any run that finishes.
 *
 * reward = "dnn" is the DNN paper's (Subramanian, Ganapathiraman, El Gamal, "Learning rate
 * schedules for deep networks with reinforcement learning", ICLR 2023 tiny paper), with its
 * epochs read as decision intervals:
 *   r_k = reward_gamma * (min_{j <= k} v(t_j) - v(t_{k+1})) + reward_lambda * (T - t_{k+1}) / T
 * v the validation loss at the evaluations of the decision points (the one before training
 * included), T = steps: the improvement on the best validation loss before the interval, and
 * the fraction of the budget left after it. The paper publishes neither coefficient; the
 * defaults are ours (reward_gamma 1, reward_lambda 0.01; README.md, learned schedules). With a
 * fixed budget the second term adds the same sum to every run that finishes; only a run that
 * diverges forgoes the rest of it. A diverged interval takes v = diverge_factor * v(0).
 */
#include "harness/engine/ppo.h"

#include "harness/base/blas.h"
#include "harness/base/clock.h"
#include "harness/base/csvio.h"
#include "harness/base/fsutil.h"
#include "harness/base/gnuplot.h"
#include "harness/base/memlimit.h"
#include "harness/base/names.h"
#include "harness/base/sha256.h"
#include "harness/engine/folder.h"
#include "harness/engine/plan.h"
#include "harness/engine/run.h"
#include "harness/engine/train.h"
#include "harness/policy/reader.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef LRLAB_GNUPLOT
#define LRLAB_GNUPLOT "gnuplot"
#endif

#define F SCHED_NFEATURES

/* ---- PPO ---- */

void ppo_gae(const double *reward, const double *value, const int *last, int n, double gamma,
             double lambda, double *adv, double *ret) {
    double next_adv = 0, next_value = 0;
    for (int t = n - 1; t >= 0; t--) {
        if (last[t]) next_adv = next_value = 0;
        double delta = reward[t] + gamma * next_value - value[t];
        adv[t] = delta + gamma * lambda * next_adv;
        ret[t] = adv[t] + value[t];
        next_adv = adv[t];
        next_value = value[t];
    }
}

static double log_floor(double x) { return log(x > 1e-30 ? x : 1e-30); }

void ppo_rewards(const PpoReward *rw, const double *m, const double *left, int n, double *r) {
    double best = INFINITY;
    for (int k = 0; k < n; k++) {
        best = fmin(best, m[k]);
        r[k] = rw->kind == REWARD_DNN ? rw->gamma * (best - m[k + 1]) + rw->lambda * left[k]
                                      : log_floor(m[k]) - log_floor(m[k + 1]);
    }
}

double ppo_objective(const Net *pi, const Net *v, const PpoSample *s, int n, const PpoConfig *c,
                     double *grad, PpoStats *st) {
    const int A = pi->sizes[pi->nlayers];
    double act[POLICY_MAX_ACT], actv[POLICY_MAX_ACT], lp[POLICY_MAX_ACTIONS],
        dl[POLICY_MAX_ACTIONS];
    double loss = 0, ent = 0, kl = 0, clipped = 0, verr2 = 0;
    if (grad) memset(grad, 0, sizeof(double) * (pi->n + v->n));
    for (int k = 0; k < n; k++) {
        const PpoSample *x = &s[k];
        net_log_softmax(net_forward(pi, x->z, act), A, lp);
        double H = 0;
        for (int j = 0; j < A; j++) H -= exp(lp[j]) * lp[j];
        double rho = exp(lp[x->action] - x->logp_old);
        double rc = fmin(fmax(rho, 1 - c->clip), 1 + c->clip);
        double s1 = rho * x->adv, s2 = rc * x->adv;
        double verr = net_forward(v, x->zv ? x->zv : x->z, actv)[0] - x->ret;
        loss += (-fmin(s1, s2) - c->entropy * H + c->value_coef * verr * verr) / n;
        ent += H / n;
        kl += (x->logp_old - lp[x->action]) / n;
        clipped += (fabs(rho - 1) > c->clip) / (double)n;
        verr2 += verr * verr / n;
        if (!grad) continue;
        /* d min(s1, s2) / d log pi(a): rho A where the unclipped term is the minimum, else 0
         * (the clipped term is flat); d log pi(a) / d z_j = [j = a] - p_j;
         * d H / d z_j = -p_j (log p_j + H) */
        double g_surr = s1 <= s2 ? s1 : 0;
        for (int j = 0; j < A; j++) {
            double p = exp(lp[j]);
            dl[j] = (-g_surr * ((j == x->action) - p) + c->entropy * p * (lp[j] + H)) / n;
        }
        net_backward(pi, act, dl, grad);
        double dv = 2 * c->value_coef * verr / n;
        net_backward(v, actv, &dv, grad + pi->n);
    }
    if (st) *st = (PpoStats){loss, ent, kl, clipped, verr2};
    return loss;
}

void ppo_learner_init(PpoLearner *L, int nin, int hidden, int layers, int nactions,
                      const PpoConfig *cfg, Rng *rng) {
    memset(L, 0, sizeof *L);
    int sizes[POLICY_MAX_LAYERS + 1];
    sizes[0] = nin;
    for (int l = 1; l <= layers; l++) sizes[l] = hidden;
    sizes[layers + 1] = nactions;
    net_init(&L->pi, layers + 1, sizes, 0.01, rng);
    sizes[layers + 1] = 1;
    net_init(&L->v, layers + 1, sizes, 1.0, rng);
    size_t n = L->pi.n + L->v.n;
    L->m = xcalloc(n, sizeof(double));
    L->s = xcalloc(n, sizeof(double));
    L->grad = xcalloc(n, sizeof(double));
    L->cfg = *cfg;
}

void ppo_learner_free(PpoLearner *L) {
    net_free(&L->pi);
    net_free(&L->v);
    free(L->m);
    free(L->s);
    free(L->grad);
    memset(L, 0, sizeof *L);
}

/* One Adam step (torch.optim.Adam defaults: betas 0.9, 0.999, eps 1e-8) on both networks. */
static void adam_step(PpoLearner *L) {
    const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
    const size_t n = L->pi.n + L->v.n;
    double norm = 0;
    for (size_t i = 0; i < n; i++) norm += L->grad[i] * L->grad[i];
    norm = sqrt(norm);
    double scale = norm > L->cfg.max_grad_norm ? L->cfg.max_grad_norm / norm : 1.0;
    L->t++;
    double bc1 = 1 - pow(b1, (double)L->t), bc2 = 1 - pow(b2, (double)L->t);
    for (size_t i = 0; i < n; i++) {
        double g = L->grad[i] * scale;
        L->m[i] = b1 * L->m[i] + (1 - b1) * g;
        L->s[i] = b2 * L->s[i] + (1 - b2) * g * g;
        double *w = i < L->pi.n ? &L->pi.w[i] : &L->v.w[i - L->pi.n];
        *w -= L->cfg.lr * (L->m[i] / bc1) / (sqrt(L->s[i] / bc2) + eps);
    }
}

void ppo_update(PpoLearner *L, const PpoSample *s, int n, Rng *rng, PpoStats *st) {
    const int mb = L->cfg.minibatch < n ? L->cfg.minibatch : n;
    uint32_t *idx = xmalloc(sizeof(uint32_t) * (size_t)n);
    PpoSample *batch = xmalloc(sizeof(PpoSample) * (size_t)mb);
    for (int ep = 0; ep < L->cfg.epochs; ep++) {
        for (int i = 0; i < n; i++) idx[i] = (uint32_t)i;
        rng_shuffle(rng, idx, (size_t)n);
        for (int at = 0; at < n; at += mb) {
            int k = n - at < mb ? n - at : mb;
            for (int i = 0; i < k; i++) batch[i] = s[idx[at + i]];
            ppo_objective(&L->pi, &L->v, batch, k, &L->cfg, L->grad, NULL);
            adam_step(L);
        }
    }
    if (st) ppo_objective(&L->pi, &L->v, s, n, &L->cfg, NULL, st);
    free(idx);
    free(batch);
}

/* ---- the trainer ---- */

const ParamSpec ppo_params[] = {
    {"episodes", PARAM_INT, "800", 1, 1e7, 0, NULL,
     "training runs in all; may be raised on --resume to train on"},
    {"steps", PARAM_INT, "1000", 1, 1e9, 0, NULL, "training steps of every episode"},
    {"every", PARAM_INT, "50", 1, 1e9, 0, NULL,
     "steps between two decisions of the policy, and between two evaluations"},
    {"batch", PARAM_INT, "8", 1, 4096, 0, NULL, "episodes per PPO update"},
    {"epochs", PARAM_INT, "4", 1, 1000, 0, NULL, "passes over a batch's decisions per update"},
    {"minibatch", PARAM_INT, "64", 1, 1e6, 0, NULL, "decisions per Adam step"},
    {"adam_lr", PARAM_NUM, "1e-3", 0, 1, PARAM_LO_OPEN, NULL,
     "Adam's step size on the policy and value networks"},
    {"clip", PARAM_NUM, "0.2", 0, 1, PARAM_LO_OPEN | PARAM_HI_OPEN, NULL,
     "PPO clip range epsilon of the probability ratio"},
    {"gamma", PARAM_NUM, "0.99", 0, 1, 0, NULL, "discount per decision"},
    {"lambda", PARAM_NUM, "0.95", 0, 1, 0, NULL, "GAE lambda"},
    {"entropy", PARAM_NUM, "0.01", 0, INFINITY, 0, NULL, "coefficient of the entropy bonus"},
    {"value_coef", PARAM_NUM, "0.5", 0, INFINITY, PARAM_LO_OPEN, NULL,
     "coefficient of the squared error of the value network"},
    {"max_grad_norm", PARAM_NUM, "0.5", 0, INFINITY, PARAM_LO_OPEN, NULL,
     "the gradient of both networks is clipped to this global L2 norm"},
    {"hidden", PARAM_INT, "32", 1, POLICY_MAX_WIDTH, 0, NULL, "tanh units per hidden layer"},
    {"layers", PARAM_INT, "2", 1, POLICY_MAX_LAYERS - 1, 0, NULL, "hidden layers"},
    {"actions", PARAM_LIST, "0.5|0.8|1|1.25|2", 0, INFINITY, PARAM_LO_OPEN | PARAM_INCREASING, NULL,
     "the lr multipliers the policy chooses from (at most 16)"},
    {"inputs", PARAM_STR, "all", 0, 0, 0, NULL,
     "the features the policy sees: all (log_lr .. log_grad7, not log_val), or names joined "
     "by | (log_val|progress)"},
    {"reward", PARAM_ENUM, "train_loss", 0, 0, 0, "train_loss|val_loss|dnn",
     "train_loss, val_loss: the decrease of that loss's log over each decision interval; dnn: "
     "the DNN paper's (see above)"},
    {"reward_gamma", PARAM_NUM, "1", 0, INFINITY, PARAM_LO_OPEN | PARAM_ADDED, NULL,
     "reward = \"dnn\": weight of the improvement on the best validation loss"},
    {"reward_lambda", PARAM_NUM, "0.01", 0, INFINITY, PARAM_ADDED, NULL,
     "reward = \"dnn\": weight of the fraction of the budget left"},
    {"seed", PARAM_INT, "0", 0, 9007199254740991.0, 0, NULL,
     "seed of the networks, the episode draws, the actions and the minibatches"},
    {0},
};

const char ppo_usage[] =
    "lrlab train-policy FILE.lua [--out DIR] [--resume] [--fresh] [--blas MODE] [--quiet]";
/* "(harness/ppo.c)" below is this file's former name (now harness/engine/ppo.c), kept so
 * that the help text stays byte-identical. */
const char ppo_help[] =
    "Trains a learning-rate policy for scheduler \"rl\" with PPO. FILE.lua declares\n"
    "  policy_training { name = \"nmf\", seeds = {1, 2, 3},\n"
    "    tasks = { task \"nmf\" { dataset = \"faces\" }, ... },  -- the task distribution\n"
    "    optimizer = optimizer \"sgd\" { lr = {0.5, 1} },       -- lr0 drawn from the list\n"
    "    episodes = 800, steps = 1000, every = 50, seed = 1 }\n"
    "Each episode is one training run: a task, a seed and an lr0 drawn uniformly; every\n"
    "`every` steps the policy multiplies the lr by one of its actions, seeing the features\n"
    "`inputs` names (schedulers/sched.h: log_lr, progress, train_trend, val_trend, clipped,\n"
    "lr_bound, log_grad0..7 the log gradient norm of each parameter group, log_val the log\n"
    "of the last validation loss). Reward of each interval [t_k, t_k+1] (harness/ppo.c):\n"
    "  train_loss, val_loss  log f(t_k) - log f(t_k+1), f that loss\n"
    "  dnn                   reward_gamma * (best validation loss at t_0..t_k - at t_k+1)\n"
    "                        + reward_lambda * (steps - t_k+1) / steps, the reward of\n"
    "                        Subramanian et al. (ICLR 2023 tiny paper); its coefficients\n"
    "                        are not published, the defaults are lrlab's choice\n"
    "After every batch of episodes it prints a progress line and writes, atomically, in DIR\n"
    "(default results/policies):\n"
    "  NAME.policy       the policy (scheduler \"rl\" { policy = \"DIR/NAME.policy\" })\n"
    "  NAME-returns.csv  one row per episode: its task, seed, lr0, return (and the mean of\n"
    "                    the task's last 50), final loss, lr clips and status\n"
    "  NAME-returns.png  the return during training, per task (and its gnuplot script)\n"
    "  NAME.checkpoint   the whole training state, for --resume\n"
    "Deterministic: the same script and seed give the same bytes, resumed or not.\n\n"
    "  --out DIR   output folder\n"
    "  --resume    continue from DIR/NAME.checkpoint (episodes may be raised)\n"
    "  --fresh     start over, replacing an earlier training of NAME in DIR\n"
    "  --blas MODE portable (default; the same bytes on every x86-64 CPU with AVX2 and FMA)\n"
    "              or native (the kernel OpenBLAS picks for this CPU); default $LRLAB_BLAS\n"
    "  --quiet     no progress lines\n";

enum { STREAM_INIT = 1, STREAM_PROBE, STREAM_DRAW, STREAM_ACT, STREAM_SHUFFLE };
#define STREAM(kind, i) (((uint64_t)(kind) << 48) ^ (uint64_t)(i))

/* One episode: what was drawn, the decisions the agent took and what they earned. */
typedef struct Episode {
    int ti; /* task index */
    int64_t seed;
    double lr0;
    int n, cap;   /* decisions taken, room */
    double *x;    /* [cap, P] raw features at each decision, the policy's P */
    int *a;       /* [cap] */
    double *logp; /* [cap] */
    double *r;    /* [cap] rewards */
    double ret, final;
    int64_t clips;
    int status;
    /* while it runs */
    const Policy *pol;
    const double *actions;
    int nactions;
    int uniform; /* random actions (the normalization probe) */
    int64_t every;
    Rng rng;
} Episode;

/* The agent: scheduler "rl"'s decisions, sampled, recorded in the running episode.
 * train_cell builds its scheduler from a definition and parameters alone, so the episode
 * reaches the agent through `recording`; a process runs one episode at a time. */
static Episode *recording;

typedef struct Agent {
    Episode *ep;
    double lr, lo, hi;
} Agent;

static int agent_init(void *st, const Params *p, const SchedRun *run, Err *e) {
    Agent *a = st;
    LR_ASSERT(recording);
    a->ep = recording;
    a->lr = run->lr0;
    a->lo = run->lr0 * POLICY_MIN_FACTOR;
    a->hi = run->lr0 * POLICY_MAX_FACTOR;
    return 0;
}

static void agent_lr(void *st, const SchedStep *s, SchedLr *out) {
    Agent *a = st;
    Episode *ep = a->ep;
    if (s->step % ep->every == 0 && ep->n < ep->cap) {
        LR_ASSERT(s->features && s->nfeatures == F);
        const size_t P = (size_t)policy_nfeat(ep->pol);
        double *x = ep->x + (size_t)ep->n * P;
        memcpy(x, s->features, sizeof(double) * P);
        int act;
        double logp;
        if (ep->uniform) {
            act = (int)rng_below(&ep->rng, (uint64_t)ep->nactions);
            logp = -log((double)ep->nactions);
            a->lr = fmin(fmax(a->lr * ep->actions[act], a->lo), a->hi);
        } else {
            a->lr = policy_decide(ep->pol, x, a->lr, a->lo, a->hi, &ep->rng, &act, &logp);
        }
        ep->a[ep->n] = act;
        ep->logp[ep->n] = logp;
        ep->n++;
    }
    sched_lr_fill(out, a->lr);
}

static const ParamSpec agent_params[] = {{0}};
/* Not in the registry: only scheduler "rl" (schedulers/rl.c) is found by that name. The
 * episodes' cells still name their scheduler "rl" (T->agent, setup): that name, not this
 * definition's, is what their canonical text holds. */
static const SchedDef ppo_agent_def = {
    .name = "rl_agent",
    .summary = "the policy in training, sampling its actions",
    .reference = "harness/engine/ppo.c",
    .params = agent_params,
    .needs = SCHED_NEEDS_FEATURES,
    .state_size = sizeof(Agent),
    .init = agent_init,
    .lr = agent_lr,
};

typedef struct Trainer {
    PolicyTraining pt;
    const char *script, *dir;
    int quiet;
    PpoConfig cfg;
    PpoLearner L;
    Policy pol; /* metadata; pol.net is a view of L.pi */
    int64_t episodes, steps, every, batch, seed;
    int reward_val; /* the measure is the validation loss (val_loss, dnn) */
    PpoReward rw;
    const double *lrs;
    int nlr;
    int maxdec;       /* decisions per episode: ceil(steps / every) */
    Episode *eps;     /* [batch] */
    double *m, *left; /* [maxdec + 1], [maxdec]: the running episode's reward measure at
                         its decision points and end, the budget left after each interval */
    CompCfg agent;
    TaskEnv env;
    uint64_t config; /* hash of everything but `episodes`, checked on resume */
    int64_t done, batches_done;
    Episode *rows; /* [episodes] summaries (no trajectories) */
    char policy_path[1200], returns_path[1200], ckpt_path[1200];
    double t0;
} Trainer;

/* The reward measure at `step` in a run's evaluations; NaN when the run has none there. */
static double measure_at(const CellResult *r, int64_t step, int val) {
    for (int i = 0; i < r->nevals; i++)
        if (r->evals[i].step == step) return val ? r->evals[i].val_loss : r->evals[i].train_loss;
    return NAN;
}

/* Runs episode ep (its draw already made) with policy T->pol, or uniform actions. */
static int run_episode(Trainer *T, Episode *ep, uint64_t act_stream, Err *e) {
    ep->n = 0;
    ep->pol = &T->pol;
    ep->actions = T->pol.actions;
    ep->nactions = T->pol.nactions;
    ep->every = T->every;
    rng_seed2(&ep->rng, (uint64_t)T->seed, act_stream);
    const CompCfg *task = &T->pt.tasks[ep->ti];
    Cell c = {.task = task,
              .optim = &T->pt.optim,
              .sched = &T->agent,
              .seed = ep->seed,
              .steps = T->steps,
              .eval_every = T->every,
              .lr0 = ep->lr0};
    CellResult res;
    recording = ep;
    int rc = train_cell(&c, &T->env, &res, e);
    recording = NULL;
    if (rc != 0) return -1;
    /* the measure at the decision points and at the end, the budget left after each
     * interval */
    const double m0 = measure_at(&res, 0, T->reward_val);
    const double level = params_num(&task->common, "diverge_factor") * m0;
    for (int k = 0; k <= ep->n; k++) {
        int64_t t = (int64_t)k * T->every;
        if (t > T->steps) t = T->steps;
        T->m[k] = measure_at(&res, t, T->reward_val);
        LR_ASSERT(k == ep->n || isfinite(T->m[k]));
        if (k > 0) T->left[k - 1] = (double)(T->steps - t) / (double)T->steps;
    }
    if (ep->n > 0 && !isfinite(T->m[ep->n])) T->m[ep->n] = level; /* diverged in the last */
    ppo_rewards(&T->rw, T->m, T->left, ep->n, ep->r);
    ep->ret = 0;
    for (int k = 0; k < ep->n; k++) ep->ret += ep->r[k];
    ep->final = res.status == CELL_OK ? measure_at(&res, T->steps, T->reward_val) : NAN;
    ep->clips = res.lr_clips;
    ep->status = res.status;
    cell_result_free(&res);
    return 0;
}

static void draw_episode(Trainer *T, Episode *ep, uint64_t stream) {
    Rng r;
    rng_seed2(&r, (uint64_t)T->seed, stream);
    ep->ti = (int)rng_below(&r, (uint64_t)T->pt.ntasks);
    ep->seed = T->pt.seeds[rng_below(&r, (uint64_t)T->pt.nseeds)];
    ep->lr0 = T->lrs[rng_below(&r, (uint64_t)T->nlr)];
}

/* The input normalization: `batch` episodes with uniformly random actions; mean and standard
 * deviation of each of the policy's P features over their decisions (1 where a feature does
 * not vary). */
static int probe(Trainer *T, Err *e) {
    const int P = policy_nfeat(&T->pol);
    double sum[F] = {0}, sq[F] = {0};
    int64_t n = 0;
    for (int i = 0; i < T->batch; i++) {
        Episode *ep = &T->eps[i];
        draw_episode(T, ep, STREAM(STREAM_PROBE, i));
        ep->uniform = 1;
        int rc = run_episode(T, ep, STREAM(STREAM_PROBE, 1000000 + i), e);
        ep->uniform = 0;
        if (rc != 0) return -1;
        for (int k = 0; k < ep->n; k++, n++)
            for (int j = 0; j < P; j++) {
                double x = ep->x[(size_t)k * P + j];
                sum[j] += x;
                sq[j] += x * x;
            }
    }
    for (int j = 0; j < P; j++) {
        double mean = n ? sum[j] / n : 0, var = n ? sq[j] / n - mean * mean : 0;
        T->pol.mean[j] = mean;
        T->pol.std[j] = var > 1e-12 ? sqrt(var) : 1.0;
    }
    return 0;
}

/* One PPO update from the batch's episodes. */
static void update(Trainer *T, int neps, int64_t batch_index, PpoStats *st) {
    int N = 0;
    for (int i = 0; i < neps; i++) N += T->eps[i].n;
    if (N == 0) {
        memset(st, 0, sizeof *st);
        return;
    }
    const size_t P = (size_t)policy_nfeat(&T->pol);
    double *z = xmalloc(sizeof(double) * (size_t)N * P);  /* [N, P] the policy's inputs */
    double *zv = xmalloc(sizeof(double) * (size_t)N * P); /* [N, P] the value network's */
    double *rew = xmalloc(sizeof(double) * (size_t)N), *val = xmalloc(sizeof(double) * (size_t)N);
    double *adv = xmalloc(sizeof(double) * (size_t)N), *ret = xmalloc(sizeof(double) * (size_t)N);
    int *last = xcalloc((size_t)N, sizeof(int));
    PpoSample *s = xmalloc(sizeof(PpoSample) * (size_t)N);
    double act[POLICY_MAX_ACT];
    int k = 0;
    for (int i = 0; i < neps; i++) {
        const Episode *ep = &T->eps[i];
        for (int j = 0; j < ep->n; j++, k++) {
            policy_input(&T->pol, ep->x + (size_t)j * P, 0, z + (size_t)k * P);
            policy_input(&T->pol, ep->x + (size_t)j * P, 1, zv + (size_t)k * P);
            val[k] = net_forward(&T->L.v, zv + (size_t)k * P, act)[0];
            rew[k] = ep->r[j];
            last[k] = j == ep->n - 1;
            s[k] = (PpoSample){z + (size_t)k * P, zv + (size_t)k * P, ep->a[j], ep->logp[j], 0, 0};
        }
    }
    ppo_gae(rew, val, last, N, T->cfg.gamma, T->cfg.lambda, adv, ret);
    double mean = 0, var = 0;
    for (int i = 0; i < N; i++) mean += adv[i] / N;
    for (int i = 0; i < N; i++) var += (adv[i] - mean) * (adv[i] - mean) / N;
    for (int i = 0; i < N; i++) {
        s[i].adv = N > 1 ? (adv[i] - mean) / (sqrt(var) + 1e-8) : adv[i];
        s[i].ret = ret[i];
    }
    Rng r;
    rng_seed2(&r, (uint64_t)T->seed, STREAM(STREAM_SHUFFLE, batch_index));
    ppo_update(&T->L, s, N, &r, st);
    free(z);
    free(zv);
    free(rew);
    free(val);
    free(adv);
    free(ret);
    free(last);
    free(s);
}

/* ---- checkpoint: the whole state after a batch, text, %.17g (exact) ---- */

static void put_block(Buf *b, const char *key, const double *x, size_t n) {
    buf_printf(b, "%s %zu\n", key, n);
    for (size_t i = 0; i < n; i += 8) {
        for (size_t j = i; j < n && j < i + 8; j++) {
            if (j > i) buf_printf(b, " ");
            buf_num(b, x[j]);
        }
        buf_printf(b, "\n");
    }
}

static int write_checkpoint(const Trainer *T, Err *e) {
    Buf b = {0};
    buf_printf(&b,
               "# generated by lrlab train-policy: the training state of policy %s, read by "
               "--resume; do not edit\nlrlab-ppo-checkpoint 1\nconfig %016llx\n",
               T->pol.name, (unsigned long long)T->config);
    buf_printf(&b, "episodes_done %lld\nbatches_done %lld\nadam_steps %lld\n", (long long)T->done,
               (long long)T->batches_done, (long long)T->L.t);
    put_block(&b, "input_mean", T->pol.mean, (size_t)policy_nfeat(&T->pol));
    put_block(&b, "input_std", T->pol.std, (size_t)policy_nfeat(&T->pol));
    put_block(&b, "policy", T->L.pi.w, T->L.pi.n);
    put_block(&b, "value", T->L.v.w, T->L.v.n);
    put_block(&b, "adam_m", T->L.m, T->L.pi.n + T->L.v.n);
    put_block(&b, "adam_v", T->L.s, T->L.pi.n + T->L.v.n);
    buf_printf(&b, "episodes %lld\n", (long long)T->done);
    for (int64_t i = 0; i < T->done; i++) {
        const Episode *r = &T->rows[i];
        buf_printf(&b, "%d %lld ", r->ti, (long long)r->seed);
        buf_num(&b, r->lr0);
        buf_printf(&b, " ");
        buf_num(&b, r->ret);
        buf_printf(&b, " ");
        buf_num(&b, r->final);
        buf_printf(&b, " %lld %d\n", (long long)r->clips, r->status);
    }
    buf_printf(&b, "end\n");
    int rc = fs_write_atomic(T->ckpt_path, b.s, b.len, e);
    buf_free(&b);
    return rc;
}

static int read_block(PolicyReader *r, const char *key, double *x, size_t n) {
    if (pread_key(r, key, 1) != 0) return -1;
    int64_t got;
    if (pread_int(r, key, r->tok[1], 0, INT64_C(1) << 40, &got) != 0) return -1;
    if ((size_t)got != n)
        return pread_fail(r, "%s: %lld values (expected %zu for this script's networks)", key,
                          (long long)got, n);
    for (size_t i = 0; i < n; i += 8) {
        int want = (int)(n - i < 8 ? n - i : 8);
        if (pread_next(r) != 0) return pread_fail(r, "end of file (expected %s values)", key);
        if (r->ntok != want)
            return pread_fail(r, "%s: %d numbers on a line (expected %d)", key, r->ntok, want);
        if (pread_nums(r, key, 0, x + i, want) != 0) return -1;
    }
    return 0;
}

static int read_checkpoint(Trainer *T, PolicyReader *r) {
    int64_t x, eps;
    if (pread_key(r, "lrlab-ppo-checkpoint", 1) != 0 || strcmp(r->tok[1], "1") != 0)
        return pread_fail(r, "not a checkpoint of this lrlab (expected lrlab-ppo-checkpoint 1)");
    if (pread_key(r, "config", 1) != 0) return -1;
    char want[32];
    snprintf(want, sizeof want, "%016llx", (unsigned long long)T->config);
    if (strcmp(r->tok[1], want) != 0)
        return pread_fail(r, "config: made with another script (expected the script of the "
                             "checkpoint, where only episodes may change; got a different one)");
    if (pread_key(r, "episodes_done", 1) != 0 ||
        pread_int(r, "episodes_done", r->tok[1], 0, T->episodes, &T->done) != 0 ||
        pread_key(r, "batches_done", 1) != 0 ||
        pread_int(r, "batches_done", r->tok[1], 0, T->episodes, &T->batches_done) != 0 ||
        pread_key(r, "adam_steps", 1) != 0 ||
        pread_int(r, "adam_steps", r->tok[1], 0, INT64_C(1) << 50, &x) != 0)
        return -1;
    T->L.t = x;
    if (read_block(r, "input_mean", T->pol.mean, (size_t)policy_nfeat(&T->pol)) != 0 ||
        read_block(r, "input_std", T->pol.std, (size_t)policy_nfeat(&T->pol)) != 0 ||
        read_block(r, "policy", T->L.pi.w, T->L.pi.n) != 0 ||
        read_block(r, "value", T->L.v.w, T->L.v.n) != 0 ||
        read_block(r, "adam_m", T->L.m, T->L.pi.n + T->L.v.n) != 0 ||
        read_block(r, "adam_v", T->L.s, T->L.pi.n + T->L.v.n) != 0)
        return -1;
    if (pread_key(r, "episodes", 1) != 0 ||
        pread_int(r, "episodes", r->tok[1], T->done, T->done, &eps) != 0)
        return -1;
    for (int64_t i = 0; i < eps; i++) {
        Episode *row = &T->rows[i];
        int64_t ti, seed, clips, status;
        if (pread_next(r) != 0)
            return pread_fail(r, "end of file (expected episode %lld)", (long long)i + 1);
        if (r->ntok != 7) return pread_fail(r, "episode: %d fields (expected 7)", r->ntok);
        if (pread_int(r, "episode", r->tok[0], 0, T->pt.ntasks - 1, &ti) != 0 ||
            pread_int(r, "episode", r->tok[1], 0, INT64_C(9007199254740991), &seed) != 0 ||
            pread_num(r, "episode", r->tok[2], &row->lr0) != 0 ||
            pread_num(r, "episode", r->tok[3], &row->ret) != 0 ||
            pread_int(r, "episode", r->tok[5], 0, INT64_C(1) << 62, &clips) != 0 ||
            pread_int(r, "episode", r->tok[6], 0, 2, &status) != 0)
            return -1;
        row->final = strcmp(r->tok[4], "nan") == 0 ? NAN : 0;
        if (!isnan(row->final) && pread_num(r, "episode", r->tok[4], &row->final) != 0) return -1;
        row->ti = (int)ti, row->seed = seed, row->clips = clips, row->status = (int)status;
    }
    return pread_key(r, "end", 0);
}

/* Episodes of one task in the moving mean of returns.csv's task_mean column. */
#define RETURNS_WINDOW 50

static int write_returns(const Trainer *T, Err *e) {
    static const char *const cols[] = {"episode",   "task",       "seed",     "lr0",    "return",
                                       "task_mean", "final_loss", "lr_clips", "status", NULL};
    Buf b = {0};
    csvio_header(&b, cols);
    /* per task: its last RETURNS_WINDOW returns (a ring), their sum and count */
    double *ring = xcalloc((size_t)T->pt.ntasks * RETURNS_WINDOW, sizeof(double));
    double *sum = xcalloc((size_t)T->pt.ntasks, sizeof(double));
    int64_t *count = xcalloc((size_t)T->pt.ntasks, sizeof(int64_t));
    for (int64_t i = 0; i < T->done; i++) {
        const Episode *r = &T->rows[i];
        double *slot = &ring[(size_t)r->ti * RETURNS_WINDOW + count[r->ti] % RETURNS_WINDOW];
        sum[r->ti] += r->ret - *slot;
        *slot = r->ret;
        count[r->ti]++;
        int64_t in = count[r->ti] < RETURNS_WINDOW ? count[r->ti] : RETURNS_WINDOW;
        csvio_int(&b, i + 1, 1);
        csvio_field(&b, T->pt.tasks[r->ti].label, 0);
        csvio_int(&b, r->seed, 0);
        csvio_num(&b, r->lr0, 0);
        csvio_num(&b, r->ret, 0);
        csvio_num(&b, sum[r->ti] / (double)in, 0);
        csvio_num(&b, r->final, 0);
        csvio_int(&b, r->clips, 0);
        csvio_field(&b, cell_status_name(r->status), 0);
        csvio_end(&b);
    }
    free(ring);
    free(sum);
    free(count);
    int rc = fs_write_atomic(T->returns_path, b.s, b.len, e);
    buf_free(&b);
    return rc;
}

/* Everything that shapes the training but `episodes`, hashed: a resume must match it. */
static uint64_t config_hash(const Trainer *T) {
    Buf b = {0};
    buf_printf(&b, "lrlab-ppo 1\nname=%s\n", T->pt.name);
    for (int i = 0; i < T->pt.ntasks; i++) {
        const CompCfg *c = &T->pt.tasks[i];
        buf_printf(&b, "task=%s{", c->name);
        params_dump(&c->p, &b);
        buf_printf(&b, "}{");
        params_dump(&c->common, &b);
        buf_printf(&b, "}\n");
    }
    buf_printf(&b, "optimizer=%s{", T->pt.optim.name);
    params_dump(&T->pt.optim.p, &b);
    buf_printf(&b, "}{");
    params_dump(&T->pt.optim.common, &b);
    buf_printf(&b, "}\nseeds=");
    for (int i = 0; i < T->pt.nseeds; i++) buf_printf(&b, "%lld,", (long long)T->pt.seeds[i]);
    Params p;
    params_copy(&p, &T->pt.p);
    Err e;
    params_set_num(&p, "episodes", 1, "", &e);
    buf_printf(&b, "\nppo{");
    params_dump(&p, &b);
    buf_printf(&b, "}\n");
    params_free(&p);
    uint64_t h = plan_fnv1a(b.s);
    buf_free(&b);
    return h;
}

static void fmt_time(char *out, size_t n, double s) {
    long t = (long)(s + 0.5);
    if (t >= 3600) snprintf(out, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else snprintf(out, n, "%ld:%02ld", t / 60, t % 60);
}

/* Validates the script's choices beyond their own tables; fills the trainer. */
static int setup(Trainer *T, Err *e) {
    const Params *p = &T->pt.p;
    T->episodes = params_int(p, "episodes");
    T->steps = params_int(p, "steps");
    T->every = params_int(p, "every");
    T->batch = params_int(p, "batch");
    T->seed = params_int(p, "seed");
    const char *reward = params_str(p, "reward");
    T->reward_val = strcmp(reward, "train_loss") != 0;
    T->rw = (PpoReward){.kind = strcmp(reward, "dnn") == 0 ? REWARD_DNN : REWARD_LOG,
                        .gamma = params_num(p, "reward_gamma"),
                        .lambda = params_num(p, "reward_lambda")};
    static const char *const coefs[] = {"reward_gamma", "reward_lambda"};
    for (int k = 0; k < 2; k++)
        if (T->rw.kind != REWARD_DNN && params_isset(p, coefs[k]))
            return err_set(e, EXIT_USAGE, T->pt.where,
                           "policy_training: %s: needs reward = "
                           "\"dnn\" (expected reward = \"dnn\" when %s is given, got reward = "
                           "\"%s\")",
                           coefs[k], coefs[k], reward);
    T->cfg = (PpoConfig){.lr = params_num(p, "adam_lr"),
                         .clip = params_num(p, "clip"),
                         .gamma = params_num(p, "gamma"),
                         .lambda = params_num(p, "lambda"),
                         .entropy = params_num(p, "entropy"),
                         .value_coef = params_num(p, "value_coef"),
                         .max_grad_norm = params_num(p, "max_grad_norm"),
                         .epochs = (int)params_int(p, "epochs"),
                         .minibatch = (int)params_int(p, "minibatch")};
    if (T->every > T->steps)
        return err_set(e, EXIT_USAGE, T->pt.where,
                       "policy_training: every: longer than an "
                       "episode (expected at most steps = %lld, got %lld)",
                       (long long)T->steps, (long long)T->every);
    int na;
    const double *actions = params_list(p, "actions", &na);
    if (na > POLICY_MAX_ACTIONS)
        return err_set(e, EXIT_USAGE, T->pt.where,
                       "policy_training: actions: %d multipliers "
                       "(expected at most %d)",
                       na, POLICY_MAX_ACTIONS);
    for (int i = 0; i < T->pt.ntasks; i++) {
        const CompCfg *c = &T->pt.tasks[i];
        static const char *const owned[] = {"steps", "eval_every"};
        for (int k = 0; k < 2; k++)
            if (params_isset(&c->common, owned[k]))
                return err_set(e, EXIT_USAGE, c->where,
                               "task \"%s\": %s: set by "
                               "policy_training (expected %s = N in policy_training, not in "
                               "its tasks)",
                               c->name, owned[k], k ? "every" : "steps");
    }
    /* the policy's features: the first list, or all of them when inputs names a later one */
    const char *in = params_str(p, "inputs");
    int P = POLICY_BASE_FEATURES;
    for (int j = 0; j < F; j++) T->pol.inputs[j] = strcmp(in, "all") == 0 && j < P;
    for (const char *t = in; strcmp(in, "all") != 0 && *t;) {
        size_t len = strcspn(t, "|");
        int j = 0;
        while (j < F && (strlen(policy_feature_names[j]) != len ||
                         strncmp(t, policy_feature_names[j], len) != 0))
            j++;
        if (j == F)
            return err_set(e, EXIT_USAGE, T->pt.where,
                           "policy_training: inputs: unknown feature "
                           "\"%.*s\" (expected all, or names among " POLICY_FEATURE_LIST " joined "
                           "by |)",
                           (int)(len < 40 ? len : 40), t);
        T->pol.inputs[j] = 1;
        if (j >= P) P = F;
        t += len + (t[len] == '|');
    }
    T->lrs = params_list(&T->pt.optim.common, "lr", &T->nlr);
    /* memory from the parameters, before anything is allocated (issue 15): one batch's
     * decisions (each episode's record, the update's inputs and samples, the evaluations of
     * its cell) and the episodes' records; otherwise an allocation fails mid-training and
     * names no parameter */
    const double limit = (double)memlimit_cell_bytes(),
                 decisions = (double)((T->steps + T->every - 1) / T->every),
                 per_dec = (double)(sizeof(double) * (3 * P + 4) + 2 * sizeof(int) +
                                    sizeof(PpoSample) + sizeof(EvalRow)) +
                           128.0,
                 need_dec = (double)T->batch * decisions * per_dec,
                 need_eps = (double)T->episodes * (double)sizeof(Episode);
    if (need_dec > limit || decisions > INT32_MAX) {
        err_set(e, EXIT_USAGE, T->pt.where,
                "policy_training: steps %lld with every %lld and "
                "batch %lld need %.1f GB for one batch's decisions (expected at most %s)",
                (long long)T->steps, (long long)T->every, (long long)T->batch, need_dec / 1e9,
                memlimit_describe());
        err_hint(e, "decide less often (a larger every), or a smaller steps or batch");
        return -1;
    }
    if (need_eps > limit)
        return err_set(e, EXIT_USAGE, T->pt.where,
                       "policy_training: episodes: %lld need %.1f GB "
                       "of episode records (expected at most %s)",
                       (long long)T->episodes, need_eps / 1e9, memlimit_describe());
    T->maxdec = (int)decisions;
    /* the policy's metadata */
    Policy *pol = &T->pol;
    snprintf(pol->name, sizeof pol->name, "%s", T->pt.name);
    size_t off = 0;
    for (int i = 0; i < T->pt.ntasks; i++) {
        int seen = 0;
        for (int j = 0; j < i; j++) seen |= strcmp(T->pt.tasks[j].name, T->pt.tasks[i].name) == 0;
        if (!seen && off < sizeof pol->family)
            off += (size_t)snprintf(pol->family + off, sizeof pol->family - off, "%s%s",
                                    off ? "+" : "", T->pt.tasks[i].name);
    }
    snprintf(pol->version, sizeof pol->version, "%s", LRLAB_VERSION);
    snprintf(pol->script_sha256, sizeof pol->script_sha256, "unreadable");
    sha256_file(T->script, pol->script_sha256);
    snprintf(pol->reward, sizeof pol->reward, "%s", params_str(p, "reward"));
    pol->seed = T->seed;
    pol->every = T->every;
    pol->nactions = na;
    memcpy(pol->actions, actions, sizeof(double) * (size_t)na);
    for (int j = 0; j < F; j++) pol->mean[j] = 0, pol->std[j] = 1;
    Rng r;
    rng_seed2(&r, (uint64_t)T->seed, STREAM(STREAM_INIT, 0));
    ppo_learner_init(&T->L, P, (int)params_int(p, "hidden"), (int)params_int(p, "layers"), na,
                     &T->cfg, &r);
    pol->net = T->L.pi; /* a view: freed with the learner */
    T->eps = xcalloc((size_t)T->batch, sizeof(Episode));
    for (int i = 0; i < T->batch; i++) {
        Episode *ep = &T->eps[i];
        ep->cap = T->maxdec;
        ep->x = xmalloc(sizeof(double) * (size_t)ep->cap * (size_t)P);
        ep->a = xmalloc(sizeof(int) * (size_t)ep->cap);
        ep->logp = xmalloc(sizeof(double) * (size_t)ep->cap);
        ep->r = xmalloc(sizeof(double) * (size_t)ep->cap);
    }
    T->m = xmalloc(sizeof(double) * (size_t)(T->maxdec + 1));
    T->left = xmalloc(sizeof(double) * (size_t)T->maxdec);
    T->rows = xcalloc((size_t)T->episodes, sizeof(Episode));
    T->agent = (CompCfg){.kind = KIND_SCHED, .name = "rl", .sched = &ppo_agent_def};
    snprintf(T->agent.label, sizeof T->agent.label, "rl");
    snprintf(T->agent.where, sizeof T->agent.where, "%s", T->pt.where);
    params_init(&T->agent.p, agent_params);
    params_init(&T->agent.common, cfg_sched_common);
    T->config = config_hash(T);
    return 0;
}

static void teardown(Trainer *T) {
    for (int i = 0; T->eps && i < T->batch; i++) {
        free(T->eps[i].x);
        free(T->eps[i].a);
        free(T->eps[i].logp);
        free(T->eps[i].r);
    }
    free(T->eps);
    free(T->m);
    free(T->left);
    free(T->rows);
    if (T->agent.p.v) params_free(&T->agent.p);
    if (T->agent.common.v) params_free(&T->agent.common);
    ppo_learner_free(&T->L);
    cfg_free_training(&T->pt);
}

/* Every task configuration created once, so that missing data fails before training. */
static int preflight(Trainer *T, Err *e) {
    for (int i = 0; i < T->pt.ntasks; i++) {
        Task t;
        const CompCfg *c = &T->pt.tasks[i];
        if (task_create(&t, c->task, &c->p, 0, &T->env, c->where, e) != 0) return -1;
        task_destroy(&t);
    }
    return 0;
}

/* The figure of the return during training, from NAME-returns.csv alone: every episode a
 * dot, and per task the moving mean of its returns (tasks differ in scale). The gnuplot
 * script is kept beside it. */
static int plot_returns(const Trainer *T, Err *e) {
    /* gnuplot runs in the policy folder and reads and writes only names made here from the
     * policy's name (a checked name), so no byte of --out reaches the script */
    char gp[1300], png[200], csv[200], log[1300], title[400];
    snprintf(gp, sizeof gp, "%s/%s-returns.gp", T->dir, T->pol.name);
    snprintf(png, sizeof png, "%s-returns.png", T->pol.name);
    snprintf(csv, sizeof csv, "%s-returns.csv", T->pol.name);
    snprintf(log, sizeof log, "%s/%s-returns.log", T->dir, T->pol.name);
    Buf b = {0};
    buf_printf(&b, "# generated by lrlab train-policy from ");
    gnuplot_comment(&b, csv);
    buf_printf(&b, "\nset terminal pngcairo noenhanced size 1100,600\nset output ");
    gnuplot_file(&b, png);
    buf_printf(&b,
               "\nset datafile separator ','\nset key below noautotitle\n"
               "set grid\nset xlabel 'episode'\nset ylabel 'return of the episode'\n"
               "set xrange [0:%lld]\n",
               (long long)(T->done > 0 ? T->done : 1));
    /* the title: the policy, then its reward on a line of its own (so neither is cut) */
    snprintf(title, sizeof title, "policy %s: the return during training", T->pol.name);
    buf_printf(&b, "set title ");
    gnuplot_str(&b, title);
    if (T->rw.kind == REWARD_DNN)
        snprintf(title, sizeof title,
                 "reward: gamma x (best validation loss - validation loss) "
                 "+ lambda x budget left, summed over the episode");
    else
        snprintf(title, sizeof title,
                 "reward: the log-decrease of the %s, summed over the "
                 "episode",
                 T->pol.reward);
    buf_printf(&b, ".\"\\n\".");
    gnuplot_str(&b, title);
    buf_printf(&b, "\nplot ");
    gnuplot_file(&b, csv);
    buf_printf(&b, " using 1:5 every ::1 with dots lc 'gray' title 'each episode'");
    for (int i = 0; i < T->pt.ntasks; i++) {
        buf_printf(&b, ", ");
        gnuplot_file(&b, csv);
        buf_printf(&b, " using 1:(strcol(2) eq ");
        gnuplot_str(&b, T->pt.tasks[i].label);
        buf_printf(&b, " ? $6 : NaN) every ::1 with points pt 7 ps 0.3 title ");
        snprintf(title, sizeof title, "%s: mean of its last %d", T->pt.tasks[i].label,
                 RETURNS_WINDOW);
        gnuplot_str(&b, title);
    }
    buf_printf(&b, "\n");
    int rc = fs_write_atomic(gp, b.s, b.len, e);
    buf_free(&b);
    if (rc != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) return err_set(e, EXIT_RUN, gp, "cannot start gnuplot (fork failed)");
    if (pid == 0) {
        if (!freopen(log, "w", stderr) || chdir(T->dir) != 0) _exit(127);
        char rel[200];
        snprintf(rel, sizeof rel, "%s-returns.gp", T->pol.name);
        execlp(LRLAB_GNUPLOT, "gnuplot", rel, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0) {}
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return err_set(e, EXIT_RUN, gp, "gnuplot failed (exit %d; see %s)",
                       WIFEXITED(st) ? WEXITSTATUS(st) : -1, log);
    unlink(log);
    return 0;
}

static int save_all(Trainer *T, Err *e) {
    T->pol.episodes = T->done;
    if (policy_save(T->policy_path, &T->pol, e) != 0 || write_returns(T, e) != 0) return -1;
    return write_checkpoint(T, e);
}

static int train(Trainer *T, Err *e) {
    while (T->done < T->episodes) {
        int n = (int)(T->episodes - T->done < T->batch ? T->episodes - T->done : T->batch);
        double sum = 0, lo = INFINITY, hi = -INFINITY, clips = 0;
        for (int i = 0; i < n; i++) {
            Episode *ep = &T->eps[i];
            int64_t index = T->done + i;
            draw_episode(T, ep, STREAM(STREAM_DRAW, index));
            if (run_episode(T, ep, STREAM(STREAM_ACT, index), e) != 0) return -1;
            T->rows[index] = (Episode){.ti = ep->ti,
                                       .seed = ep->seed,
                                       .lr0 = ep->lr0,
                                       .ret = ep->ret,
                                       .final = ep->final,
                                       .clips = ep->clips,
                                       .status = ep->status};
            sum += ep->ret;
            lo = fmin(lo, ep->ret);
            hi = fmax(hi, ep->ret);
            clips += (double)ep->clips / n;
        }
        PpoStats st;
        update(T, n, T->batches_done, &st);
        T->done += n;
        T->batches_done++;
        if (save_all(T, e) != 0) return -1;
        if (!T->quiet) {
            char el[32];
            fmt_time(el, sizeof el, clock_now() - T->t0);
            fprintf(stderr,
                    "policy %s: batch %lld, episodes %lld/%lld: mean return %.4f (%.4f .. "
                    "%.4f), entropy %.3f, kl %.4f, clipped ratios %.0f%%, lr clips "
                    "%.0f/episode, %s\n",
                    T->pol.name, (long long)T->batches_done, (long long)T->done,
                    (long long)T->episodes, sum / n, lo, hi, st.entropy, st.approx_kl,
                    100 * st.clip_frac, clips, el);
        }
    }
    return 0;
}

int ppo_main(int argc, char **argv) {
    Trainer T = {.dir = "results/policies"};
    int resume = 0, fresh = 0;
    Folder lock = {.fd = -1}; /* one lrlab at a time in DIR */
    Err e = {0};
    BlasMode blas;
    if (blas_mode_default(&blas, &e) != 0) {
        err_print(&e);
        return EXIT_USAGE;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            printf("usage: %s\n\n%s\nkeys of policy_training beyond name, seeds, tasks and "
                   "optimizer:\n",
                   ppo_usage, ppo_help);
            for (int k = 0; ppo_params[k].name; k++) {
                char ex[160];
                param_expect(&ppo_params[k], ex, sizeof ex);
                printf("  %-14s %-36s default %-16s %s\n", ppo_params[k].name, ex,
                       ppo_params[k].def, ppo_params[k].help);
            }
            return EXIT_OK;
        }
        if (strcmp(a, "--resume") == 0) resume = 1;
        else if (strcmp(a, "--fresh") == 0) fresh = 1;
        else if (strcmp(a, "--quiet") == 0) T.quiet = 1;
        else if (strcmp(a, "--out") == 0) {
            if (i + 1 >= argc || !argv[i + 1][0]) {
                fprintf(stderr, "lrlab: train-policy: --out: missing value (expected a folder, "
                                "got nothing)\nhint: lrlab train-policy --help\n");
                return EXIT_USAGE;
            }
            T.dir = argv[++i];
        } else if (strcmp(a, "--blas") == 0) {
            if (i + 1 >= argc || blas_mode_parse(argv[i + 1], &blas) != 0) {
                fprintf(stderr,
                        "lrlab: train-policy: --blas: invalid value (expected portable or "
                        "native, got %s)\nhint: lrlab train-policy --help\n",
                        i + 1 < argc ? argv[i + 1] : "nothing");
                return EXIT_USAGE;
            }
            i++;
        } else if (a[0] == '-') {
            fprintf(stderr,
                    "lrlab: train-policy: %s: unknown option (expected --out, --resume, "
                    "--fresh, --blas or --quiet)\nhint: lrlab train-policy --help\n",
                    a);
            return EXIT_USAGE;
        } else if (T.script) {
            fprintf(stderr,
                    "lrlab: train-policy: %s: unexpected argument (expected one "
                    "script)\nhint: lrlab train-policy --help\n",
                    a);
            return EXIT_USAGE;
        } else {
            T.script = a;
        }
    }
    if (!T.script) {
        fprintf(stderr, "lrlab: train-policy: missing script (expected FILE.lua, got "
                        "nothing)\nhint: lrlab train-policy --help\n");
        return EXIT_USAGE;
    }
    const char *odd = fs_not_regular(T.script);
    if (odd) {
        fprintf(stderr,
                "lrlab: train-policy: %s: not a regular file (expected FILE.lua, got "
                "%s)\nhint: lrlab train-policy --help\n",
                T.script, odd);
        return EXIT_USAGE;
    }
    if (resume && fresh) {
        fprintf(stderr, "lrlab: train-policy: --resume and --fresh: both given (expected at most "
                        "one)\nhint: lrlab train-policy --help\n");
        return EXIT_USAGE;
    }
    if (blas_enter(blas, &e) != 0) {
        err_print(&e);
        return e.code ? e.code : EXIT_USAGE;
    }
    if (cfg_load_training(T.script, ppo_params, &T.pt, &e) != 0) {
        err_print(&e);
        return EXIT_USAGE;
    }
    T.env.datadir = run_datadir();
    int code = EXIT_USAGE;
    if (setup(&T, &e) != 0 || memlimit_blas_reserve("train-policy", &e) != 0 ||
        preflight(&T, &e) != 0)
        goto fail;
    if (fs_path(T.policy_path, sizeof T.policy_path, &e, "%s/%s.policy", T.dir, T.pol.name) ||
        fs_path(T.returns_path, sizeof T.returns_path, &e, "%s/%s-returns.csv", T.dir,
                T.pol.name) ||
        fs_path(T.ckpt_path, sizeof T.ckpt_path, &e, "%s/%s.checkpoint", T.dir, T.pol.name))
        goto fail; /* never cut: the files would land elsewhere */
    if (fs_check_writable(T.dir, &e) != 0 || folder_claim(T.dir, NULL, NULL, 0, &lock, &e) != 0)
        goto fail;
    T.t0 = clock_now();
    if (fs_exists(T.ckpt_path) && !resume && !fresh) {
        err_set(&e, EXIT_USAGE, T.ckpt_path,
                "a training of policy %s is here (expected --resume "
                "to continue it or --fresh to start over)",
                T.pol.name);
        goto fail;
    }
    if (resume && fs_exists(T.ckpt_path)) {
        const char *odd_ckpt = fs_not_regular(T.ckpt_path);
        errno = 0;
        char *text = odd_ckpt ? NULL : fs_read(T.ckpt_path, NULL);
        if (!text) {
            err_set(&e, EXIT_USAGE, T.ckpt_path,
                    "cannot read checkpoint (expected a file written "
                    "by lrlab train-policy, got %s)",
                    odd_ckpt ? odd_ckpt
                    : errno  ? strerror(errno)
                             : "an unreadable file");
            goto fail;
        }
        PolicyReader r = {.path = T.ckpt_path, .buf = text, .next = text, .e = &e};
        int rc = read_checkpoint(&T, &r);
        free(text);
        if (rc != 0) goto fail;
        if (!T.quiet)
            fprintf(stderr, "policy %s: resuming after %lld episodes (%lld batches)\n", T.pol.name,
                    (long long)T.done, (long long)T.batches_done);
    } else {
        if (resume && !T.quiet)
            fprintf(stderr, "policy %s: no checkpoint in %s: starting\n", T.pol.name, T.dir);
        code = EXIT_RUN;
        if (probe(&T, &e) != 0) goto fail;
    }
    code = EXIT_RUN;
    if (train(&T, &e) != 0 || save_all(&T, &e) != 0 || plot_returns(&T, &e) != 0) goto fail;
    double sum = 0;
    int64_t last = T.done < T.batch ? T.done : T.batch;
    for (int64_t i = T.done - last; i < T.done; i++) sum += T.rows[i].ret;
    char el[32];
    fmt_time(el, sizeof el, clock_now() - T.t0);
    printf("policy %s: %lld episodes (mean return of the last %lld: %.4f) in %s\n"
           "written: %s, %s (figure: %s/%s-returns.png), %s\n",
           T.pol.name, (long long)T.done, (long long)last, last ? sum / last : 0.0, el,
           T.policy_path, T.returns_path, T.dir, T.pol.name, T.ckpt_path);
    teardown(&T);
    folder_release(&lock);
    return EXIT_OK;
fail:
    err_print(&e);
    if (e.code) code = e.code;
    teardown(&T);
    folder_release(&lock);
    return code;
}
