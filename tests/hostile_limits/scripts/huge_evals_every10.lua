-- huge_evals_every10.lua - a billion steps evaluated every 10: 100 million evaluations a cell,
-- about 17 GB: refused by --check and run before anything is written.
experiment { name = "huge_evals_every10", seeds = { 1 },
  tasks = { task "nmf" { label = "big", dataset = "synthetic", m = 20, n = 40, rank = 3,
                         batch = 8, steps = 1000000000, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.5 } },
  schedulers = { scheduler "constant" {} } }
