-- small.lua - a valid experiment (a copy of tests/hostile/scripts/small.lua): tests/hostile_limits.sh
-- runs it against a data path that is not a regular file, or under a small ulimit -v.
experiment { name = "small", seeds = { 1, 2 },
  tasks = { task "nmf" { dataset = "synthetic", m = 20, n = 40, rank = 3, batch = 8, steps = 40,
                         eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.5 } },
  schedulers = { scheduler "constant" {}, scheduler "greedy" { signal = "train_step", min_lr = 0.001 } } }
