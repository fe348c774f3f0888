-- small.lua - a valid experiment of four quick cells (synthetic NMF): the results that
-- tests/hostile.sh corrupts for lrlab merge and lrlab compare, and the script of its CLI cases.
experiment { name = "small", seeds = { 1, 2 },
  tasks = { task "nmf" { dataset = "synthetic", m = 20, n = 40, rank = 3, batch = 8, steps = 40,
                         eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.5 } },
  schedulers = { scheduler "constant" {}, scheduler "greedy" { signal = "train_step", min_lr = 0.001 } } }
