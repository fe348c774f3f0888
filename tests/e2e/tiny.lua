-- tiny.lua - a small experiment for the end-to-end tests: both NMF data sets, two
-- optimizers, the three schedulers, two seeds; a few seconds in all.
experiment {
  name = "tiny",
  seeds = { 1, 2 },
  tasks = {
    task "nmf" { dataset = "synthetic", m = 40, n = 120, rank = 5, batch = 8, steps = 120,
                 eval_every = 20 },
    task "nmf" { dataset = "faces", rank = 8, batch = 16, steps = 100, eval_every = 25,
                 clip_to_bound = true },
  },
  optimizers = {
    optimizer "sgd" { lr = 0.5, momentum = 0.5 },
    optimizer "adam" { lr = 0.01 },
  },
  schedulers = {
    scheduler "constant" {},
    scheduler "cosine" { eta_min = 0.001 },
    scheduler "greedy" { signal = "train_step", smooth = true, window = 10, patience = 3,
                         min_lr = 0.001 },
  },
}
