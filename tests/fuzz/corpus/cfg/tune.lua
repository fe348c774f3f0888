-- tune.lua - a tuning stage: an lr grid for sgd chosen on seed 100 by validation loss, then
-- evaluated on seeds 1 and 2; used by tests/runner.sh.
experiment { name = "tune", seeds = {1, 2}, tune = { seed = 100 },
  tasks = { task "nmf" { dataset = "synthetic", m = 40, n = 120, rank = 5, batch = 8, steps = 200, eval_every = 50 } },
  optimizers = { optimizer "sgd" { lr = {0.1, 0.3, 1.0, 3.0} }, optimizer "adam" { lr = 0.01 } },
  schedulers = { scheduler "constant" {}, scheduler "greedy" { signal = "train_step", smooth = true, min_lr = 0.001, max_lr = 10 } } }
