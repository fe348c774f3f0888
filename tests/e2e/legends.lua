-- legends.lua - a small experiment for tests/figure_legends.sh: five schedulers (GreedyLR,
-- the constant rate, cosine annealing, hypergradient descent per group, stochastic line
-- search), two tasks, two optimizers, three seeds, 60 steps; a few seconds in all.
experiment {
  name = "legends",
  seeds = { 1, 2, 3 },
  tasks = {
    task "nmf" { dataset = "synthetic", m = 40, n = 120, rank = 5, batch = 8, steps = 60,
                 eval_every = 10 },
    task "quadratic" { dim = 8, condition = 10, sigma = 0.1, steps = 60, eval_every = 10 },
  },
  optimizers = {
    optimizer "sgd" { lr = 0.1 },
    optimizer "adam" { lr = 0.01 },
  },
  schedulers = {
    scheduler "constant" {},
    scheduler "cosine" { eta_min = 0.001 },
    scheduler "hd" { label = "hd-group", granularity = "group" },
    scheduler "sls" {},
    scheduler "greedy" { signal = "train_step", smooth = true, window = 10, patience = 3,
                         min_lr = 0.001 },
  },
}
