-- alltasks.lua - every task of `lrlab list` at small settings (real data sets where the task
-- has them), SGD and Adam, constant, cosine and greedy, two seeds: one run touches each
-- task's code path end to end, for comparing the outputs of two builds (diff -r of the
-- result folders, timing.csv aside). About a minute on two cores.
--
--   LRLAB_DATA=data ./build/lrlab run tests/e2e/alltasks.lua --out /tmp/alltasks -j 2
local steps, every = 40, 20
experiment {
  name = "alltasks",
  seeds = { 1, 2 },
  tasks = {
    task "nmf" { dataset = "synthetic", m = 40, n = 120, rank = 5, batch = 8, steps = steps,
                 eval_every = every },
    task "nmf" { dataset = "faces", rank = 8, batch = 16, steps = steps, eval_every = every },
    task "quadratic" { dim = 10, sigma = 0.1, steps = steps, eval_every = every },
    task "rosenbrock" { dim = 4, sigma = 0.1, steps = steps, eval_every = every },
    task "rastrigin" { dim = 10, sigma = 0.1, steps = steps, eval_every = every },
    task "charlm" { dataset = "kjv", model = "transformer", context = 16, d_model = 16,
                    heads = 2, layers = 1, batch = 4, steps = steps, eval_every = every },
    task "charlm" { label = "charlm-mlp", dataset = "mobydick", model = "mlp", context = 8,
                    hidden = 32, batch = 4, steps = steps, eval_every = every },
    task "textcls" { dataset = "spam", model = "logistic", batch = 16, steps = steps,
                     eval_every = every },
    task "textcls" { label = "textcls-mlp", dataset = "synthetic", model = "mlp", hidden = 8,
                     batch = 16, steps = steps, eval_every = every },
    task "mlp" { dataset = "fashion", widths = 32, batch = 16, val_size = 500, steps = steps,
                 eval_every = every },
    task "cnn" { dataset = "synthetic", n = 200, val_size = 50, c1 = 2, c2 = 4, hidden = 16,
                 batch = 16, steps = steps, eval_every = every },
  },
  optimizers = {
    optimizer "sgd" { lr = 0.05, momentum = 0.5 },
    optimizer "adam" { lr = 0.01 },
  },
  schedulers = {
    scheduler "constant" {},
    scheduler "cosine" {},
    scheduler "greedy" { signal = "train_step", smooth = true, window = 10, patience = 3,
                         min_lr = 0.001 },
  },
}
