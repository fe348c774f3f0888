-- quick.lua - the default experiment: GreedyLR against a constant and a cosine schedule
-- on stochastic NMF of a small real matrix (the LFW face subset: 200 images of 25 x 25
-- pixels) and of a planted low-rank matrix, with SGD, SGD with momentum and Adam, over
-- twelve seeds (enough for a paired test to decide): 216 training runs, the win/tie/loss
-- tables, the verdict and one figure per task and
-- optimizer, in under a minute on two cores.
--
--   ./build/lrlab run scripts/quick.lua          results in results/quick/
--   ./build/lrlab run scripts/quick.lua --check  the resolved plan, nothing trained

local steps = 3000

experiment {
  name = "quick",
  seeds = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 },
  tasks = {
    task "nmf" { dataset = "faces", rank = 16, batch = 16, steps = steps, eval_every = 100 },
    task "nmf" { dataset = "synthetic", m = 256, n = 500, true_rank = 10, rank = 10,
                 noise = 0.1, batch = 25, steps = steps, eval_every = 100 },
  },
  optimizers = {
    optimizer "sgd" { lr = 0.5 },
    optimizer "sgd" { label = "sgd-momentum", lr = 0.1, momentum = 0.9 },
    optimizer "adam" { lr = 0.01 },
  },
  schedulers = {
    scheduler "constant" {},
    scheduler "cosine" {},
    -- the paper's small-model settings (paper/paper.md section 2.3): the training-loss signal after
    -- every step, smoothed over 50 steps, patience 10; min_lr bounds the decay
    scheduler "greedy" { signal = "train_step", smooth = true, window = 50, patience = 10,
                         factor = 0.95, min_lr = 0.001, max_lr = 1.0 },
  },
}
