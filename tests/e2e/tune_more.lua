-- tune_more.lua - tune_extend.lua with one more scheduler (cosine): the cells of the first two
-- are the same cells (same ids), so `lrlab run tune_more.lua --reuse DIR` on a folder of
-- tune_extend.lua trains only cosine's. Used by tests/reuse.sh.
experiment { name = "tune_extend", seeds = {1}, tune = { seed = 100, extend = 6 },
  tasks = { task "quadratic" { dim = 10, condition = 10, noise = "none", rotate = false,
                               steps = 100, eval_every = 50 } },
  optimizers = { optimizer "sgd" { lr = {1e-4, 3e-4, 1e-3} } },
  schedulers = { scheduler "constant" {},
                 scheduler "greedy" { signal = "train_step", min_lr = 1e-5, max_lr = 0.05 },
                 scheduler "cosine" {} } }
