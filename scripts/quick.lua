-- quick.lua - the default experiment: GreedyLR against constant and cosine schedules on
-- stochastic NMF of a small real matrix (the LFW face subset: 200 images of 25x25 pixels),
-- with SGD and Adam over three seeds. About a minute on one core.
--
--   ./build/lrlab run scripts/quick.lua          results in results/quick/
--   ./build/lrlab run scripts/quick.lua --check  the resolved plan, nothing trained

local steps = 1500

experiment {
  name = "quick",
  seeds = { 1, 2, 3 },
  tasks = {
    task "nmf" { dataset = "faces", rank = 16, batch = 16, steps = steps, eval_every = 50 },
  },
  optimizers = {
    optimizer "sgd" { lr = 0.5 },
    optimizer "adam" { lr = 0.01 },
  },
  schedulers = {
    scheduler "constant" {},
    scheduler "cosine" {},
    -- the paper's small-model settings: train-step signal, smoothing window 50,
    -- patience 10, min_lr a tenth of the initial lr (algorithms.md 1.4)
    scheduler "greedy" { signal = "train_step", smooth = true, window = 50, patience = 10,
                         factor = 0.95, min_lr = 0.001, max_lr = 1.0 },
  },
}
