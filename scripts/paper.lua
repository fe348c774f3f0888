-- paper.lua - the full matrix the paper reports: is GreedyLR "as good or
-- better than popular scheduler and optimizer combinations more than 90% of the time"
-- (Subramanian et al.; paper/paper.md section 1.2), and does it beat hypergradient descent and
-- stochastic line search? Every task x six optimizers x GreedyLR and 13 baselines x twelve
-- seeds, each learning rate tuned per task, optimizer and scheduler on a separate seed.
--
--   ./build/lrlab run scripts/paper.lua --check      the plan and an estimate of the wall time
--   ./build/lrlab run scripts/paper.lua -j 2         results in results/paper/
--   ./build/lrlab report results/paper --paper paper/ --tie paper --interval units   tables, figures, paper/report.md
--
-- Choices, each against its source:
-- * Optimizers: the paper's AdamW, Adafactor, Adagrad and SGD (paper/paper.md section 1.2), plus SGD
--   with momentum and Adam, the two most common in practice.
-- * Schedulers: the paper's baselines (linear decay, cosine, polynomial decay, constant with
--   warmup, all as Hugging Face defines them), the plain constant rate, step decay and
--   reduce-on-plateau (PyTorch), and the article's "more advanced methods": hypergradient
--   descent per parameter group and per parameter (Baydin et al. 2018) and stochastic line
--   search (Vaswani et al. 2019).
-- * GreedyLR with the paper's small-model settings (paper/paper.md section 2.3): the authors' research
--   code (variant "paper"), stepped on the training minibatch loss after every step, smoothed
--   over 50 steps, patience 10, factor 0.95. The paper's min_lr is 10% of the initial rate;
--   one scheduler definition serves every optimizer and tuned rate here, so min_lr is the
--   bottom of the smallest grid (1e-4) and max_lr its top (1): the bounds never clip a rate
--   the grid can choose.
-- * Tuning (DeepOBS, Crowded Valley): every rate of the optimizer's grid on seed 100, the
--   lowest final validation loss kept per task, optimizer and scheduler (tuning.csv). One grid
--   per optimizer spans every task, three points a decade apart.
-- * Twelve seeds. lrlab compare applies Holm's correction within each measure on one task and
--   optimizer: 13 baselines x 3 stages = 39 comparisons. The smallest exact two-sided
--   Wilcoxon p-value over n seeds is 2 / 2^n, so a comparison can be significant only if
--   39 x 2 / 2^n < 0.05, that is n >= 11: twelve seeds leave one seed to spare.
-- * Baseline settings: Hugging Face and PyTorch defaults, except constant-warmup's warmup (the
--   first 20 steps), polynomial decay's power 2 (power 1 would repeat the linear decay), step
--   decay by 0.3 at each third of the run, exponential decay by 0.995 a step (the rate ends at
--   47% of its start after 150 steps, 22% after 300, 0.7% after 1000; PyTorch's example
--   value 0.99 would leave 0.004% after 1000), and plateau halving the rate after two
--   evaluations without improvement (a run has 10 to 20 evaluations). Cosine with restarts
--   restarts every quarter of the run; one-cycle peaks at the tuned rate after 30% of it.
-- * Learned schedules (scheduler "rl") are not in this matrix: a policy is trained for one
--   task family, so results/policies/nmf.policy and mlp.policy are evaluated on held-out
--   seeds and data by scripts/eval_rl_nmf.lua and eval_rl_mlp.lua (results/eval_rl_nmf/,
--   results/eval_rl_mlp/), and the paper reports them in their own section.
-- * Budgets: small models and short runs, so that the matrix (11,088 cells and 2,772 tuning
--   cells) takes 11.5 minutes on a 2-core machine with -j 2 (an Intel Xeon with AVX-512,
--   portable mode, measured 2026-12-07; the target was under 60). The runner loads each data
--   set, and builds the text classifier's features, once and its workers share them, so a
--   cell's time is its training; --check estimates 12 to 13 minutes there (it times each
--   task's steps, evaluation and creation and each optimizer's update, not the schedulers' own
--   work).
local seeds = {}
for s = 1, 12 do seeds[#seeds + 1] = s end

-- steps and evaluations of a task (20 evaluations a run unless said)
local function budget(steps, evals) return { steps = steps, eval_every = steps // (evals or 20) } end

local function with(t, extra)
  for k, v in pairs(extra) do t[k] = v end
  return t
end

experiment {
  name = "paper",
  seeds = seeds,
  tune = { seed = 100 },
  tasks = {
    -- stochastic NMF (the ICLR 2023 NMF paper's problem), four matrices
    task "nmf" (with({ label = "nmf-faces", dataset = "faces", rank = 16, batch = 16 }, budget(1000))),
    task "nmf" (with({ label = "nmf-fashion", dataset = "fashion", samples = 2000, rank = 16,
                       batch = 32 }, budget(600))),
    task "nmf" (with({ label = "nmf-kjv", dataset = "kjv", vocab = 1024, rank = 16, batch = 32 },
                     budget(600))),
    task "nmf" (with({ label = "nmf-synthetic", dataset = "synthetic", m = 256, n = 500,
                       true_rank = 10, rank = 10, noise = 0.1, batch = 25 }, budget(1000))),
    -- noisy synthetic problems (paper/paper.md section 2.7: noise in the gradient, where it matters)
    task "quadratic" (with({ label = "quadratic", dim = 100, condition = 100, sigma = 0.1 },
                           budget(1000))),
    task "rosenbrock" (with({ label = "rosenbrock", dim = 10, sigma = 0.1 }, budget(1000))),
    task "rastrigin" (with({ label = "rastrigin", dim = 10, sigma = 0.1 }, budget(1000))),
    -- small neural networks on real data
    task "mlp" (with({ label = "mlp-fashion", dataset = "fashion", widths = { 64 }, batch = 64,
                       val_size = 1000, train_eval_size = 1000 }, budget(300, 10))),
    task "cnn" (with({ label = "cnn-fashion", dataset = "fashion", c1 = 4, c2 = 8, hidden = 32,
                       batch = 32, val_size = 500, train_eval_size = 500 }, budget(150, 10))),
    task "charlm" (with({ label = "charlm-kjv", dataset = "kjv", model = "mlp", context = 8,
                          seq_len = 32, hidden = 64, embed = 16, batch = 16, eval_batches = 2 },
                        budget(300, 10))),
    task "textcls" (with({ label = "textcls-spam", dataset = "spam", model = "logistic",
                           bits = 12, batch = 32 }, budget(400, 10))),
  },
  optimizers = {
    optimizer "sgd" { label = "sgd", lr = { 0.01, 0.1, 1.0 } },
    optimizer "sgd" { label = "sgd-momentum", momentum = 0.9, lr = { 0.001, 0.01, 0.1 } },
    optimizer "adam" { label = "adam", lr = { 0.0001, 0.001, 0.01 } },
    optimizer "adamw" { label = "adamw", weight_decay = 0.01, lr = { 0.0001, 0.001, 0.01 } },
    optimizer "adagrad" { label = "adagrad", lr = { 0.001, 0.01, 0.1 } },
    optimizer "adafactor" { label = "adafactor", lr = { 0.001, 0.01, 0.1 } },
  },
  schedulers = {
    scheduler "greedy" { label = "greedy", variant = "paper", signal = "train_step",
                         smooth = true, window = 50, patience = 10, factor = 0.95,
                         min_lr = 0.0001, max_lr = 1.0 },
    scheduler "constant" { label = "constant" },
    scheduler "hf_constant" { label = "constant-warmup", num_warmup_steps = 20 },
    scheduler "hf_linear" { label = "linear" },
    scheduler "cosine" { label = "cosine" },
    scheduler "hf_polynomial" { label = "polynomial", power = 2 },
    scheduler "step" { label = "step", gamma = 0.3 },
    scheduler "exponential" { label = "exponential", gamma = 0.995 },
    scheduler "cosine_restarts" { label = "cosine-restarts" },
    scheduler "onecycle" { label = "onecycle" },
    scheduler "plateau" { label = "plateau", signal = "eval", patience = 2, factor = 0.5 },
    scheduler "hd" { label = "hd-group", granularity = "group" },
    scheduler "hd" { label = "hd-param", granularity = "param" },
    scheduler "sls" { label = "sls" },
  },
}
